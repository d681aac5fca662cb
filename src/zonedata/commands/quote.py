import json

import click

from zonedata.base.findings import escape_text
from zonedata.cli import EXIT_INVALID, EXIT_OK, format_option, handle_errors, root_option


@click.command("quote")
@click.argument("source_id")
@click.argument("words")
@root_option
@format_option(choices=("text", "json"), help="Output: text for people, json for tools.")
@handle_errors
def quote_command(source_id, words, root, fmt):
    """Print each sentence of a stored text that contains WORDS, ready to paste as a quote, with its offsets.

    WORDS are matched after the same safe normalisation as validate (curly and straight quotes,
    dashes, spaces), never fuzzily. The passage is printed with each run of white space as one space
    (a passage that runs over a paragraph break included), so that the line pasted into the quote
    column of citations.csv validates. When no sentence contains WORDS, the closest passage and the
    words that differ from it are shown instead, and the exit code is 1.

    \b
    Example:
        zonedata quote 003 "70.1 billion yuan"
        zonedata quote 001 "about 1200 mu" --format json
    """
    from zonedata.curate.draft import closest, pasteable, quote

    found = quote(root, source_id, words)
    near = None if found else closest(root, source_id, words)
    if fmt == "json":
        out: dict = {
            "source_id": source_id,
            "words": words,
            "sentences": [{"start": s.start, "end": s.end, "quote": s.text, "paste": pasteable(s.text)} for s in found],
        }
        if not found:
            out["closest"] = near and {
                "start": near.passage.start,
                "end": near.passage.end,
                "quote": near.passage.text,
                "paste": pasteable(near.passage.text),
                "differences": near.differences,
            }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for s in found:  # a control character in the text is shown escaped (--format json has it as is)
            click.echo(escape_text(f"{source_id} {s.start}-{s.end}: {pasteable(s.text)}"))
        if not found:
            message = (
                f"quote: no sentence of source {source_id} contains {words!r} (after normalising quotes, "
                "dashes and spaces only)"
            )
            if near:
                p = near.passage
                message += f'; the closest passage is {source_id} {p.start}-{p.end}: "{pasteable(p.text)}"'
                if near.differences:
                    message += f"; the words that differ: {'; '.join(near.differences)}"
            click.echo(escape_text(message), err=True)
    raise SystemExit(EXIT_OK if found else EXIT_INVALID)

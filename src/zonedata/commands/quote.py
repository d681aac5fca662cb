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
    """Print each sentence of a stored text that contains WORDS, exactly as stored, with its offsets.

    WORDS are matched after the same safe normalisation as validate (curly and straight quotes,
    dashes, spaces), never fuzzily. Exit 1 when no sentence contains them.

    \b
    Example:
        zonedata quote 003 "70.1 billion yuan"
        zonedata quote 001 "about 1200 mu" --format json
    """
    from zonedata.curate.draft import quote

    found = quote(root, source_id, words)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "source_id": source_id,
                    "words": words,
                    "sentences": [{"start": s.start, "end": s.end, "quote": s.text} for s in found],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for s in found:  # a control character or line break in the text is shown escaped (--format json has it as is)
            click.echo(escape_text(f"{source_id} {s.start}-{s.end}: {s.text}"))
        if not found:
            click.echo(
                f"quote: no sentence of source {source_id} contains {words!r} (after normalising quotes, "
                "dashes and spaces only)",
                err=True,
            )
    raise SystemExit(EXIT_OK if found else EXIT_INVALID)

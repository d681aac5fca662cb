import json

import click

from zonedata.cli import EXIT_OK, format_option, handle_errors, root_option


@click.command("draft")
@click.argument("source_id")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write the draft to this file inside the package (never under data/ or seeds/); default: print it.",
)
@root_option
@format_option(choices=("text", "json"), help="Output: text (CSV sections to paste) for people, json for tools.")
@handle_errors
def draft_command(source_id, out, root, fmt):
    """Draft candidate rows for a stored source text, for the curator to complete.

    One candidate statistics row per number mention (value as written, value, scale, unit,
    qualifier, period) with the clause that states it as its citation; candidate parks,
    projects, events and organisations from their names; candidate coverage exclusions.
    Ids, subject, indicator and every other judgement are left as FILL, which validate
    reports until filled. Mentions and names already recorded are skipped. Nothing is
    written to data/raw.

    \b
    Example:
        zonedata draft 005
        zonedata draft 005 --out draft-005.csv
        zonedata draft 005 --format json
    """
    from zonedata.curate.draft import draft, write_draft

    d = draft(root, source_id)
    body = json.dumps(d.to_dict(), indent=2, ensure_ascii=False) + "\n" if fmt == "json" else d.to_text()
    if out is not None:
        path = write_draft(root, out, body)
        click.echo(
            f"wrote {path}: "
            + (", ".join(f"{n} {dest}" for dest, rows in d.rows.items() if (n := len(rows))) or "nothing new")
            + f"; {d.left_to_fill()} cell(s) to fill"
        )
    elif body:
        click.echo(body, nl=False)
    elif fmt == "text":
        click.echo(
            f"draft: nothing new in source {source_id}: every mention and name is recorded or excluded", err=True
        )
    raise SystemExit(EXIT_OK)

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
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Write the candidate rows into data/raw, with ids; the cells the words leave open stay marked.",
)
@click.option("--dry-run", is_flag=True, help="With --apply: show the rows it would write, and write nothing.")
@click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Also write a review page (one self-contained HTML file: the text with every candidate highlighted "
    "beside its row) to this file inside the package, as --out; with --apply, the page shows the draft it applies.",
)
@root_option
@format_option(choices=("text", "json"), help="Output: text (CSV sections to paste) for people, json for tools.")
@handle_errors
def draft_command(source_id, out, apply_, dry_run, review, root, fmt):
    """Draft candidate rows for a stored source text, for the curator to complete.

    One candidate statistics row per number mention (value as written, value, scale, unit,
    qualifier, period) with the clause that states it as its citation; candidate parks,
    projects, events and organisations from their names; candidate coverage exclusions.
    Ids, subject, indicator and every other judgement are left as FILL, which validate
    reports until filled. Mentions and names already recorded are skipped. Nothing is
    written to data/raw.

    \b
    With --apply the rows go into data/raw: each record gets an id by its table's
    pattern (the next free stat-NNNN, a slug of its name), its citations and links
    the same id; a name already recorded links to that record instead. Nothing
    already there changes, and a second --apply adds nothing. What the words leave
    open stays FILL (or FILL?guess): `zonedata validate` lists each cell.

    \b
    With --review PAGE.html it also writes one HTML page (no network needed,
    open it from the file browser): the text with each drafted candidate
    highlighted by kind (figure, period, basis and attribution words, link,
    name by table, exclusion) beside its proposed row, and what is already
    recorded underlined apart.

    \b
    Example:
        zonedata draft 005
        zonedata draft 005 --out draft-005.csv
        zonedata draft 005 --format json
        zonedata draft 005 --apply --dry-run
        zonedata draft 005 --apply
        zonedata draft 005 --review review-005.html
    """
    from zonedata.curate.draft import draft, write_draft

    if dry_run and not apply_:
        raise click.UsageError("--dry-run goes with --apply (zonedata draft SOURCE --apply --dry-run)")
    if review is not None:
        from zonedata.render.review import write_review

        page = write_review(root, review, source_id)
        click.echo(f"wrote review page {page}", err=fmt == "json")
        if not apply_ and out is None:
            raise SystemExit(EXIT_OK)
    if apply_:
        if out is not None:
            raise click.UsageError("--out writes a draft file; --apply writes into data/raw: give one of them")
        from zonedata.curate.draft.apply import apply_draft

        done = apply_draft(root, source_id, dry_run=dry_run)
        if fmt == "json":
            click.echo(json.dumps(done.to_dict(), indent=2, ensure_ascii=False))
            raise SystemExit(EXIT_OK)
        if dry_run and done.written:
            click.echo(done.to_text(), nl=False)
        verb = "would write" if dry_run else "wrote"
        summary = ", ".join(f"{len(rows)} to {dest}" for dest, rows in done.rows.items() if rows)
        click.echo(
            f"{verb} {done.written} row(s)"
            + (f": {summary}" if summary else f" (nothing new in source {source_id})")
            + f"; {done.left_to_decide()} cell(s) left to decide (`zonedata validate` lists each)"
        )
        for name, rid in sorted(done.linked.items()):
            click.echo(f"linked: {name!r} is the recorded {rid}")
        if done.exclusions:
            click.echo(
                f"not written: {done.exclusions} candidate coverage exclusion(s) (`zonedata draft {source_id}` shows them)"
            )
        raise SystemExit(EXIT_OK)

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

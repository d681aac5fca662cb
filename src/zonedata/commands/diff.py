import click

from zonedata.cli import EXIT_OK, format_option, handle_errors, root_option


@click.command("diff")
@root_option
@click.argument("old")
@click.argument("new", default=".")
@format_option(choices=("text", "json"), help="Output: text for people, json for tools (a stable shape, see README).")
@click.option("--summary", is_flag=True, help="Text: counts and schema changes only, not every record.")
@handle_errors
def diff_command(root, old, new, fmt, summary):
    """Show the records added, removed and changed between two versions, per table.

    OLD and NEW are each a released version number (found in releases/releases.json),
    a release archive (.zip), a package folder with datapackage.json, or "." (also
    "current") for the working tree; NEW defaults to ".". Records are matched by each
    table's primary key; a changed record lists every changed field with its old and
    new value. Schema changes and the version bump they need are listed too.
    Exit 0 (differences are not errors), 2 when a version cannot be found or read.

    \b
    Example:
        zonedata diff 1.0.0 .
        zonedata diff 1.0.0 1.1.0 --format json > changes.json
        zonedata diff releases/zonedata-1.0.0.zip path/to/other/package --summary
    """
    from zonedata.release.diff import diff
    from zonedata.render.diff import render_json, render_text

    d = diff(old, new, root)
    click.echo(render_json(d) if fmt == "json" else render_text(d, summary=summary), nl=False)
    raise SystemExit(EXIT_OK)

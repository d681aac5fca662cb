import click

from zonedata.cli import EXIT_INVALID, EXIT_OK, handle_errors, root_option


@click.command("release")
@root_option
@click.option(
    "--bump",
    type=click.Choice(["major", "minor", "patch"], case_sensitive=False),
    default=None,
    help="Raise this part of the latest release's version (of pyproject.toml's before the first release).",
)
@click.option("--version", "version", metavar="X.Y.Z", default=None, help="Release exactly this version instead.")
@click.option("--date", metavar="YYYY-MM-DD", default=None, help="date-released (default: today).")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would be released; write nothing.")
@handle_errors
def release_command(root, bump, version, date, dry_run):
    """Cut a versioned, citable release; refuse if anything is not right for one.

    Refuses (exit 1) when the working tree has uncommitted changes, the data is
    invalid, the version was released before or is not above the latest release, or
    the bump is too small for what changed since the previous release (Frictionless
    "Data Package Version" rules; the refusal names the tables, fields and records
    that need the bigger bump). Otherwise writes the version into pyproject.toml,
    datapackage.json (by building), CITATION.cff and .zenodo.json, adds a CHANGELOG.md
    entry, writes releases/zonedata-X.Y.Z.zip and records its sha256 in
    releases/releases.json. It commits nothing: it prints the git commands to run.
    Exit 2 on a usage or configuration error (e.g. the root is not a git repository).

    \b
    Example:
        zonedata release --version 1.0.0
        zonedata release --bump minor --dry-run
        zonedata release --bump patch --date 2025-03-01
    """
    from zonedata.release.release import ReleaseRefused, release
    from zonedata.render.release import render_refused, render_result

    try:
        result = release(root, bump=bump, version=version, date=date, dry_run=dry_run)
    except ReleaseRefused as exc:
        click.echo(render_refused(exc), nl=False, err=True)
        raise SystemExit(EXIT_INVALID) from None
    click.echo(render_result(result), nl=False)
    raise SystemExit(EXIT_OK)

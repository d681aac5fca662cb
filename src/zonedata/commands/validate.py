import click

from zonedata.cli import EXIT_INVALID, EXIT_OK, check_quiet, format_option, handle_errors, quiet_option, root_option
from zonedata.render.report import render


@click.command("validate")
@root_option
@format_option
@quiet_option
@click.option(
    "--no-publication", is_flag=True, help="Skip the check that data/clean/ and datapackage.json are up to date."
)
@handle_errors
def validate_command(root, fmt, quiet, no_publication):
    """Check sources, tables, keys, quotes and numbers, and the published files; write nothing.

    Every finding is reported at once, with file, line, field and how to fix it.
    Exit 0 when valid, 1 when the data is invalid, 2 on a usage or configuration error.

    \b
    Example:
        zonedata validate
        zonedata validate --format json > report.json
        zonedata validate --format github   # in GitHub Actions
        zonedata validate -q                # only the summary line
    """
    check_quiet(quiet, fmt)
    from zonedata.validate import validate

    report = validate(root, publication=not no_publication)
    click.echo(render(report, fmt, quiet=quiet), nl=False)
    raise SystemExit(EXIT_OK if report.valid else EXIT_INVALID)

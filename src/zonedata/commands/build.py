import click

from zonedata.base.findings import escape_text
from zonedata.cli import EXIT_INVALID, EXIT_OK, check_quiet, format_option, handle_errors, quiet_option, root_option
from zonedata.render.report import render


@click.command("build")
@root_option
@format_option
@quiet_option
@handle_errors
def build_command(root, fmt, quiet):
    """Validate, then publish data/clean/ (Parquet and CSV), datapackage.json and docs/data-dictionary.md.

    Nothing is written unless validation passes; then every file is replaced atomically
    (files that would not change are left alone). The output is byte-identical for the
    same input. Exit 0 when published, 1 when the data is invalid (the findings are
    printed and nothing is written), 2 on a usage or configuration error.

    \b
    Example:
        zonedata build
        zonedata build --format json
        zonedata build -q   # only the summary line
    """

    check_quiet(quiet, fmt)
    from zonedata.publish.build import build

    result = build(root)
    if fmt == "text" and not quiet:
        for rel in result.written:
            click.echo(escape_text(f"wrote {rel}"))
        for rel in result.removed:
            click.echo(escape_text(f"removed {rel}"))
        if result.report.valid and not result.written and not result.removed:
            click.echo("everything was up to date")
    click.echo(render(result.report, fmt, title="build", quiet=quiet), nl=False)
    raise SystemExit(EXIT_OK if result.report.valid else EXIT_INVALID)

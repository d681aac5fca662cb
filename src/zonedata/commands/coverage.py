import click

from zonedata.cli import EXIT_INVALID, EXIT_OK, check_quiet, format_option, handle_errors, quiet_option, root_option


@click.command("coverage")
@root_option
@format_option
@quiet_option
@click.option(
    "--all", "show_all", is_flag=True, help="List every mention (text format), not only the unaccounted ones."
)
@handle_errors
def coverage_command(root, fmt, quiet, show_all):
    """List every number mention in the seed texts and what accounts for it.

    A mention (digits, number words, ordinals, percentages, years, dates) is accounted
    for when a record holds it and one of the record's quotes spans it, or when
    seeds/coverage_exclusions.csv lists it with a reason. Exit 1 if any is unaccounted.

    \b
    Example:
        zonedata coverage
        zonedata coverage --all
        zonedata coverage --format json > coverage.json
        zonedata coverage -q   # only the summary line
    """
    check_quiet(quiet, fmt)
    if quiet and show_all:
        raise click.UsageError("--quiet prints only the summary line; it does not go with --all")
    from zonedata.checks.coverage import coverage
    from zonedata.render.coverage import render_coverage

    cov = coverage(root)
    click.echo(render_coverage(cov, fmt, quiet=quiet, show_all=show_all), nl=False)
    raise SystemExit(EXIT_OK if cov.report.valid else EXIT_INVALID)

import click

from zonedata.cli import EXIT_OK, format_option, handle_errors, root_option


@click.command("cite")
@root_option
@format_option(
    choices=("text", "bibtex", "cff"), help="text (APA style), bibtex (@misc entry) or cff (CITATION.cff as is)."
)
@handle_errors
def cite_command(root, fmt):
    """Print how to cite the current version of the dataset.

    The citation comes from CITATION.cff, which `zonedata release` writes; before the
    first release it is made from datapackage.json and marked unreleased.

    \b
    Example:
        zonedata cite
        zonedata cite --format bibtex >> references.bib
        zonedata cite --format cff
    """
    from zonedata.render.cite import cite

    click.echo(cite(root, fmt), nl=False)
    raise SystemExit(EXIT_OK)

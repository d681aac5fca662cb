from pathlib import Path

import click

from zonedata.cli import EXIT_INVALID, EXIT_OK, handle_errors, root_option


@click.command("site")
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Folder to write the site to (default: site/ in the package root); an earlier site there is replaced.",
)
@handle_errors
def site_command(root, out):
    """Write a static website of the published package: home, a page per table, records, sources, changes.

    Built from datapackage.json, data/clean/, the seed texts, releases/ and CHANGELOG.md. Every
    record shows each citation as its paragraph with the quote highlighted, linked to the whole
    source text. Relative links and no network requests: open site/index.html in a browser, or
    publish the folder (e.g. GitHub Pages). Exit 0 when written, 1 when the published package
    cannot be shown as it is (nothing is written), 2 on a usage error.

    \b
    Example:
        zonedata site
        zonedata site --out /tmp/zonedata-site
    """
    from zonedata.render.site import SiteInputError, build_site

    try:
        result = build_site(root, Path(out) if out else None)
    except SiteInputError as exc:
        click.echo(f"site: error: {exc}", err=True)
        raise SystemExit(EXIT_INVALID) from None
    click.echo(
        f"site: wrote {result.pages} pages ({result.files} files) to {result.out}; open {result.out / 'index.html'}"
    )
    raise SystemExit(EXIT_OK)

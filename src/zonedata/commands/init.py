import json
from pathlib import Path

import click

from zonedata.cli import EXIT_OK, ROOT_KEY, format_option, global_options, handle_errors


def _pairs(ctx, param, values) -> dict[str, str]:
    out = {}
    for item in values:
        role, sep, table = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: write ROLE=NAME, e.g. entity=sites", ctx=ctx, param=param)
        out[role.strip()] = table.strip()
    return out


@click.command("init")
@click.argument("dest", metavar="DIR", required=False, type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The dataset's title (metadata/package.json).")
@click.option("--name", help="Package name: names the release archives (default: from DIR's name).")
@click.option(
    "--licence", "--license", "licence", default="CC-BY-4.0", show_default=True, help="SPDX id of the data's licence."
)
@click.option("--homepage", help="Where the dataset lives (default: a placeholder under example.org to replace).")
@click.option("--author", help="Who makes the dataset (default: '<name> contributors').")
@click.option("--description", help="A paragraph on what the dataset holds (default: made from the title).")
@click.option(
    "--currency",
    "currencies",
    multiple=True,
    metavar="CODE",
    help="ISO 4217 code of a currency the texts give figures in, added to the vocabulary (repeatable).",
)
@click.option(
    "--table",
    "tables",
    multiple=True,
    metavar="ROLE=NAME",
    callback=_pairs,
    help="Name a table: sources, citations, figures or entity (the things the figures are about); repeatable. "
    "Default: sources, citations, figures, entities.",
)
@global_options
@format_option(choices=("text", "json"), help="Output: text for people, json for tools.")
@handle_errors
def init_command(dest, title, name, licence, homepage, author, description, currencies, tables, fmt):
    """Start a new dataset: write a minimal package into DIR, a new or empty folder.

    The package has a sources table (beside the texts in seeds/), a citations table, a figures table and
    one table of the things the figures are about, each with its schema in schemas/ and an empty raw table;
    its identity in metadata/package.json, its words (units, scales, currencies, qualifiers, name patterns)
    in metadata/vocabulary/, its version in pyproject.toml and a README with the next commands. It is
    built as written (data/clean/, datapackage.json), so `zonedata validate` passes at once. A folder that is not empty is refused (exit 2) and nothing is written.

    \b
    Example:
        zonedata init campuses --title "European research campuses" --currency EUR
        cd campuses && zonedata validate
        zonedata init survey --title "Survey" --table entity=sites --table figures=measures
    """
    from zonedata.base.findings import ConfigError
    from zonedata.curate.newpackage import NewPackage, default_name, init_package

    dest = dest or click.get_current_context().meta.get(ROOT_KEY)
    if dest is None:
        raise ConfigError("give the folder to create: zonedata init DIR --title ...")
    spec = NewPackage(
        title=title,
        name=name or default_name(dest),
        licence=licence,
        homepage=homepage,
        author=author,
        description=description,
        currencies=tuple(c.strip() for c in currencies),
        tables=tables,
    )
    written = init_package(dest, spec)
    if fmt == "json":
        click.echo(json.dumps({"root": str(dest), "written": written}, indent=2, ensure_ascii=False))
    else:
        click.echo(f"wrote a new package in {dest} and built it: {len(written)} files ({', '.join(written)})")
        click.echo(f"next: cd {dest} && zonedata add-source TEXT --title ... (then zonedata validate, zonedata build)")
    raise SystemExit(EXIT_OK)

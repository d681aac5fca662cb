import json
from pathlib import Path

import click

from zonedata.base.findings import ConfigError, escape_text
from zonedata.cli import EXIT_INVALID, EXIT_OK, format_option, handle_errors, root_option


@click.command("add-source")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--title", help="The text's title.")
@click.option("--publisher", help="Who published it.")
@click.option("--date", "date_published", metavar="YYYY-MM-DD", help="Publication date (date_published).")
@click.option("--url", help="Where the text was captured (http or https).")
@click.option("--wire", help="The wire or platform that distributed it (PRNewswire, Xinhua-AsiaNet).")
@click.option(
    "--language", help="ISO 639-1 language code (default: en, where the sources table has a language column)."
)
@click.option(
    "--external",
    metavar="FIELD,...",
    help="Columns whose value does not come from the text itself (url,date_published).",
)
@click.option(
    "--set", "extra", multiple=True, metavar="COLUMN=VALUE", help="Any other column of seeds/sources.csv (repeatable)."
)
@click.option("--dry-run", is_flag=True, help="Check everything and show the row; write nothing.")
@click.option(
    "--no-build",
    is_flag=True,
    help="Leave data/clean/ and datapackage.json alone (validate then reports them out of date until you build).",
)
@root_option
@format_option(choices=("text", "json"), help="Output: text for people, json for tools.")
@handle_errors
def add_source_command(
    file, title, publisher, date_published, url, wire, language, external, extra, dry_run, no_build, root, fmt
):
    """Store a new source text under its hash and add its row to seeds/sources.csv.

    The file must be UTF-8 text; it is copied byte for byte to seeds/NNN_<16 hex>.txt (the next
    free number, the first 16 hex digits of its sha256). A text already stored, or a row that
    fails the sources schema, is refused (exit 1) and nothing is written.

    The sources table is published, so a stored text makes the published files out of date: when the
    package is published and valid, add-source rebuilds them (as `zonedata build` would), so that the next
    `validate` reports only what is about your data. --no-build leaves them alone.

    \b
    Example:
        zonedata add-source ~/captured.txt --title "Guangxi ..." --publisher "China News Service" \\
            --date 2024-08-20 --url https://example.org/a.html --external url,date_published
        zonedata add-source captured.txt --title "..." --date 2024-08-20 --dry-run
    """
    from zonedata.curate.addsource import add_source

    values = {
        "title": title,
        "publisher": publisher,
        "date_published": date_published,
        "url": url,
        "wire": wire,
        "language": language,
    }
    if external:
        values["external_fields"] = [p.strip() for p in external.split(",") if p.strip()]
    for item in extra:
        if "=" not in item:
            raise ConfigError(f"--set {item!r}: write COLUMN=VALUE")
        k, v = item.split("=", 1)
        values[k.strip()] = v
    values = {k: v for k, v in values.items() if v is not None}
    result = add_source(root, file, values, dry_run=dry_run)
    published = None
    if result.written and not no_build:
        published = republish(root)
    if fmt == "json":
        out = result.to_dict()
        if published is not None:
            out["published"] = published
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        for f in result.findings:
            where = (f.file or "") + (f" [{f.field}]" if f.field else "")
            click.echo(escape_text(f"{where} {f.severity} {f.rule}: {f.message}"), err=True)
        if result.ok:
            verb = "would store" if dry_run else "stored"
            click.echo(f"{verb} {result.file} as source {result.source_id} (sha256 {result.sha256})")
            click.echo(
                escape_text(
                    ("would add" if dry_run else "added")
                    + f" to {result.listing}: "
                    + ", ".join(f"{k}={v!r}" for k, v in result.row.items() if v)
                )
            )
            if published is not None:
                click.echo(published["message"])
            if not dry_run:
                sid = result.source_id
                click.echo(
                    f"next: zonedata draft {sid} --review review-{sid}.html --apply (README: Adding a new source)"
                )
        else:
            click.echo("add-source: refused; nothing written", err=True)
    raise SystemExit(EXIT_OK if result.ok else EXIT_INVALID)


def republish(root) -> dict:
    """Rebuild the publication after a new source, if there is one and the package is valid: what was
    done, for the report (written files, or why nothing was written)."""
    from zonedata.base.paths import Paths
    from zonedata.publish.build import build

    paths = Paths(Path(root))
    if not paths.datapackage.exists():
        return {"written": [], "message": "nothing is published yet: run zonedata build when the data is ready"}
    from zonedata.base.findings import ConfigError

    try:
        built = build(paths.root)
    except ConfigError as exc:  # the source is stored; only the rebuild could not run
        return {"written": [], "message": f"the published files were not rebuilt: {exc}"}
    if not built.report.valid:
        n = len(built.report.errors)
        return {
            "written": [],
            "message": f"the published files were not rebuilt: the package has {n} error(s) "
            "(run zonedata validate, fix them, then zonedata build)",
        }
    written = built.written + built.removed
    return {"written": written, "message": "rebuilt the published files: " + (", ".join(written) or "none changed")}

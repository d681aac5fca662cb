"""`zonedata init`: a new, minimal package from the templates in curate/template/, written atomically.

The package has the three tables the engine treats specially (the sources, the citations, the figures:
each declares its `role`) and one table of the things the figures are about; its raw tables are empty
(header only), so it validates and builds at once. Every file is written into a temporary folder beside
the destination and built there (data/clean/, datapackage.json), and only then renamed into place: a failure
leaves nothing behind, and an existing folder that is not empty is never touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.loading.exclusions import EXCLUSIONS_TABLE, exclusions_schema
from zonedata.publish.build import build

#: the templates, shipped in the wheel beside this module
TEMPLATE = "template"
#: the roles of a new package's tables: template file stem -> the table name used when none is given
DEFAULT_TABLES = {"sources": "sources", "citations": "citations", "figures": "figures", "entity": "entities"}
#: the licences `--licence` knows the title and address of (any other SPDX id is written as its name)
LICENCES = {
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution Share Alike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
}
FIRST_VERSION = "0.1.0"
_TABLE = re.compile(r"[a-z][a-z0-9_]{0,62}")
_NAME = re.compile(r"[a-z0-9]([a-z0-9._-]{0,98}[a-z0-9])?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_LICENCE = re.compile(r"[A-Za-z0-9.+-]{1,64}")


@dataclass(frozen=True)
class NewPackage:
    """What `init_package` is asked to write (see its options in commands/init.py)."""

    title: str
    name: str
    licence: str = "CC-BY-4.0"
    homepage: str | None = None
    author: str | None = None
    description: str | None = None
    #: ISO 4217 codes of the currencies the texts give figures in (each a row of the vocabulary's units)
    currencies: tuple[str, ...] = ()
    #: template role (sources, citations, figures, entity) -> table name, for those not named as by default
    tables: dict[str, str] = field(default_factory=dict)

    def table_names(self) -> dict[str, str]:
        return {**DEFAULT_TABLES, **self.tables}


def default_name(dest: Path) -> str:
    """A package name from the folder's name: lower case, runs of other characters as one hyphen."""
    name = re.sub(r"[^a-z0-9]+", "-", dest.resolve().name.lower()).strip("-")
    return name or "dataset"


def _key_of(table: str) -> str:
    """The id field of the entity table: its singular (sites -> site_id, entities -> entity_id)."""
    stem = table[:-3] + "y" if table.endswith("ies") else table[:-1] if table.endswith("s") else table
    return f"{stem or table}_id"


def check_options(spec: NewPackage) -> None:
    """ConfigError for an option `init_package` cannot write a valid package from."""
    if not spec.title.strip() or any(c in spec.title for c in "\r\n\0"):
        raise ConfigError("--title must be a non-empty line of text")
    if not _NAME.fullmatch(spec.name):
        raise ConfigError(
            f"--name {spec.name!r}: a package name is lower case letters, digits, '.', '_' and '-' "
            "(it names the release archives, e.g. my-dataset-0.1.0.zip)"
        )
    if not _LICENCE.fullmatch(spec.licence):
        raise ConfigError(f"--licence {spec.licence!r}: give the licence's SPDX id, e.g. CC-BY-4.0 or CC0-1.0")
    if spec.homepage is not None and not re.fullmatch(r"https?://\S+", spec.homepage):
        raise ConfigError(f"--homepage {spec.homepage!r}: give an http or https address")
    for code in spec.currencies:
        if not _CURRENCY.fullmatch(code):
            raise ConfigError(f"--currency {code!r}: give an ISO 4217 code, three capital letters (EUR, USD)")
    unknown = sorted(set(spec.tables) - set(DEFAULT_TABLES))
    if unknown:
        raise ConfigError(f"--table {unknown[0]}=...: name one of {', '.join(DEFAULT_TABLES)}")
    names = spec.table_names()
    for role, table in names.items():
        if not _TABLE.fullmatch(table):
            raise ConfigError(
                f"--table {role}={table!r}: a table name is lower case letters, digits and '_', starting with a letter"
            )
    reserved = {EXCLUSIONS_TABLE}  # seeds/coverage_exclusions.csv is the engine's own file beside the sources
    for role, table in names.items():
        if table in reserved:
            raise ConfigError(
                f"--table {role}={table}: that name is the engine's own (seeds/{table}.csv): choose another"
            )
    if len(set(names.values())) != len(names):
        raise ConfigError(f"--table: each table needs a name of its own, not {', '.join(names.values())}")


def _fill(text: str, values: dict[str, str]) -> str:
    """The template `text` with each {{key}} replaced, in one pass: a value (a title) is never read as a
    placeholder itself. A placeholder without a value is a bug of the templates (KeyError)."""
    return re.sub(r"\{\{([A-Za-z_]+)\}\}", lambda m: values[m[1]], text)


def package_metadata(spec: NewPackage) -> dict:
    """metadata/package.json: the package's identity, as the build publishes it in datapackage.json."""
    title, path = LICENCES.get(spec.licence, (spec.licence, None))
    licence = {"name": spec.licence, "title": title, **({"path": path} if path else {})}
    return {
        "name": spec.name,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "title": spec.title.strip(),
        "description": spec.description
        or f"{spec.title.strip()}: records transcribed from stored, hashed source texts, each supported by a "
        f"verbatim quote. The data are licensed {spec.licence}.",
        "homepage": spec.homepage or f"https://example.org/{spec.name}",
        "keywords": [],
        "licenses": [licence],
        "contributors": [{"title": spec.author or f"{spec.name} contributors", "roles": ["creator", "publisher"]}],
    }


def _csv_header(schema: dict) -> str:
    """A raw table's header: the schema's fields that are not derived, in order (LF line end)."""
    return ",".join(f["name"] for f in schema["fields"] if not f.get("derived")) + "\n"


def _without_currencies(schema: dict) -> None:
    """The figures' currency field when the vocabulary names no currency yet: an ISO 4217 pattern instead of
    the vocabulary's (empty) list, so the package is valid; a currency row added to units.csv later passes it."""
    for f in schema["fields"]:
        if f.get("vocabulary") == "currency":
            del f["vocabulary"]
            f["constraints"] = {**f.get("constraints", {}), "pattern": "[A-Z]{3}"}


def package_files(spec: NewPackage) -> dict[str, bytes]:
    """Every file of the new package: relative POSIX path -> bytes."""
    names = spec.table_names()
    values = {
        **names,
        "Entity": names["entity"].replace("_", " ").capitalize(),
        "entity_key": _key_of(names["entity"]),
        "title": spec.title.strip(),
        "licence": spec.licence,
        "licence_where": f" ({LICENCES[spec.licence][1]})" if spec.licence in LICENCES else "",
    }
    template = resources.files("zonedata.curate").joinpath(TEMPLATE)
    out: dict[str, bytes] = {}
    schemas = {}
    for stem, table in names.items():
        schema = json.loads(_fill(template.joinpath("schemas", f"{stem}.json").read_text(encoding="utf-8"), values))
        if stem == "figures" and not spec.currencies:
            _without_currencies(schema)
        schemas[stem] = schema
        out[f"schemas/{table}.json"] = (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        where = "seeds" if stem == "sources" else "data/raw"
        out[f"{where}/{table}.csv"] = _csv_header(schema).encode("utf-8")
    vocabulary = template.joinpath("metadata", "vocabulary")
    for item in sorted(vocabulary.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".csv"):
            out[f"metadata/vocabulary/{item.name}"] = _fill(item.read_text(encoding="utf-8"), values).encode("utf-8")
    units = out["metadata/vocabulary/units.csv"].decode("utf-8")
    for code in dict.fromkeys(spec.currencies):
        # the code written before or after the number ("EUR 5 million", "5 million EUR"); its signs and words
        # ("€", "euros") are the curator's to add to the row
        units += f"{code},{code},,,{code},{code.lower()},{code.lower()},,,{code} (ISO 4217)\n"
    out["metadata/vocabulary/units.csv"] = units.encode("utf-8")
    out["metadata/package.json"] = (json.dumps(package_metadata(spec), indent=2, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )
    out["pyproject.toml"] = (
        "# The package's version: `zonedata build` publishes it, `zonedata release` raises it.\n"
        f'[project]\nname = "{spec.name}"\nversion = "{FIRST_VERSION}"\n'
    ).encode()
    out["README.md"] = _fill(template.joinpath("README.md").read_text(encoding="utf-8"), values).encode("utf-8")
    # the mentions of the texts that are not data, with a reason (see `zonedata coverage`): none yet
    exclusions = exclusions_schema(Paths(Path("."), names["sources"]))
    out[f"seeds/{EXCLUSIONS_TABLE}.csv"] = (",".join(exclusions.raw_names) + "\n").encode("utf-8")
    out["LICENSE"] = _fill(template.joinpath("LICENSE").read_text(encoding="utf-8"), values).encode("utf-8")
    out[".gitignore"] = b"# written by zonedata site\nsite/\n"
    return out


def init_package(dest: Path | str, spec: NewPackage) -> list[str]:
    """Write a new package at `dest` (absent or an empty folder): the files written, relative to it.

    ConfigError when `dest` is a file or a folder that is not empty, or an option is unusable."""
    check_options(spec)
    dest = Path(dest)
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise ConfigError(f"{dest} exists and is not a folder: give a new folder (or an empty one) for the package")
    if dest.is_dir() and any(dest.iterdir()):
        raise ConfigError(f"{dest} is not empty: zonedata init writes a new package only into a new or empty folder")
    parent = dest.absolute().parent
    if not parent.is_dir():
        raise ConfigError(f"{parent} does not exist: create it first")
    files = package_files(spec)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.zonedata-init-", dir=parent))
    except OSError as exc:
        raise ConfigError(f"cannot write in {parent}: {exc.strerror or exc}") from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        for rel, data in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (tmp / "data" / "raw").mkdir(parents=True, exist_ok=True)
        published = _publish(tmp)
        try:
            # rename(2) replaces an empty folder, and fails on one that has become non-empty meanwhile
            os.rename(tmp, dest)
        except OSError as exc:
            raise ConfigError(f"cannot create {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted({*files, *published})


def _publish(root: Path) -> list[str]:
    """Build the written package (so `zonedata validate` passes at once): the files the build wrote. Its
    checks finding an error would mean the templates are wrong, a bug of zonedata, not the user's."""
    built = build(root)
    if not built.report.valid:
        errors = "; ".join(f"{f.rule} {f.file}: {f.message}" for f in built.report.errors[:5])
        raise AssertionError(f"zonedata init wrote a package that does not validate: {errors}")
    return list(built.written)

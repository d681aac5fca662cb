"""datapackage.json: the Frictionless Data Package (v2) descriptor of the published tables.

Everything in it comes from one place: the version from pyproject.toml's [project] table,
package-level prose (id, title, description, homepage, keywords, licenses, contributors) from
metadata/package.json, the sources from seeds/sources.csv, `created` from the latest date in
the sources table (never the clock, so a rebuild is byte-identical), and one resource per
table per format with the schema from schemas/ inlined.

Known limit of frictionless-py 5.21: it raises a false byte-count error for any Parquet
resource with `bytes` (it cannot count them), so Parquet resources carry `hash` only and
`zonedata validate` checks their size and sha256 itself (publish/publication.py).
"""

from __future__ import annotations

import json
import re

import polars as pl

from zonedata.base import safe_json
from zonedata.base.findings import ConfigError
from zonedata.base.hashing import sha256_bytes
from zonedata.base.paths import Paths
from zonedata.loading.schema import CHECK_ONLY_FIELD_KEYS, CHECK_ONLY_TABLE_KEYS
from zonedata.loading.versioning import pyproject_metadata
from zonedata.publish.clean import CleanTable

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
FORMATS = ("csv", "parquet")
MEDIATYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
#: formats whose resources state `bytes` (frictionless 5.21 cannot count Parquet bytes; see module doc)
FORMATS_WITH_BYTES = ("csv",)
#: how a null integer shows once frictionless-py has read Parquet through pandas (see table_schema)
PANDAS_NULLS = ("nan",)
#: metadata/package.json keys; everything else in the descriptor is derived
#: a data package's name (the Data Package profile's pattern)
PACKAGE_NAME = re.compile(r"^[a-z0-9._-]+$")
METADATA_KEYS = ("name", "id", "title", "description", "homepage", "keywords", "licenses", "contributors", "image")
REQUIRED_METADATA = ("name", "id", "title", "description", "homepage", "keywords", "licenses", "contributors")


def resource_name(table: str, fmt: str) -> str:
    """The resource of `table` in format `fmt`: e.g. parks-csv, parks-parquet."""
    return f"{table}-{fmt}"


def read_version(paths: Paths, data: bytes | None = None) -> str:
    """The package version: pyproject.toml's [project] version, the one source of it (from `data`, the file's
    bytes, when the caller read it already)."""
    if data is None and not paths.pyproject.is_file():
        raise ConfigError(
            f"{paths.rel(paths.pyproject)} is missing: the package version is read from its [project] version "
            "(copy it with the data when you copy the package)"
        )
    version = pyproject_metadata(paths.pyproject, data).get("version")
    if not isinstance(version, str) or not version:
        raise ConfigError(f'{paths.rel(paths.pyproject)} has no [project] version: add version = "X.Y.Z"')
    return version


def read_metadata(paths: Paths, data: bytes | None = None) -> dict:
    """Package-level metadata that is not derived from the data (metadata/package.json; from `data`, the file's
    bytes, when the caller read it already)."""
    path = paths.package_metadata
    try:
        meta = safe_json.loads((path.read_bytes() if data is None else data).decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{paths.rel(path)}: cannot read the package metadata: {exc}") from exc
    if not isinstance(meta, dict):
        raise ConfigError(f"{paths.rel(path)} must hold a JSON object")
    unknown = sorted(set(meta) - set(METADATA_KEYS))
    missing = [k for k in REQUIRED_METADATA if k not in meta]
    problems = metadata_problems(meta)
    if unknown or missing or problems:
        raise ConfigError(
            f"{paths.rel(path)}: "
            + "; ".join(
                ([f"unknown key(s) {unknown} (version, created, sources and resources are derived)"] if unknown else [])
                + ([f"missing key(s) {missing}"] if missing else [])
                + problems
            )
        )
    return meta


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: the properties of a license and a contributor that the Data Package profile (v2) types, as str or list
LICENSE_KEYS = {"name": str, "path": str, "title": str}
CONTRIBUTOR_KEYS = {
    "title": str,
    "givenName": str,
    "familyName": str,
    "path": str,
    "email": str,
    "organization": str,
    "role": str,
    "roles": list,
}


def metadata_problems(meta: dict) -> list[str]:
    """What in the package metadata has a type the Data Package profile does not allow (frictionless would
    reject the descriptor): strings, `keywords` a list of strings, `licenses` a list of objects each with a
    name or a path, `contributors` a list of objects with a name, `roles` a list of strings, emails valid."""
    problems = []

    def show(value) -> str:
        return json.dumps(value)[:80]

    if "name" in meta and (not isinstance(meta["name"], str) or not PACKAGE_NAME.match(meta["name"])):
        problems.append(
            f"name (the data package's name, and its release archives' name-X.Y.Z.zip) must be lower-case "
            f"letters, digits, '.', '_' or '-', not {show(meta['name'])}"
        )
    for key in ("id", "title", "description", "homepage", "image"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            problems.append(f"{key} must be a non-empty string, not {show(meta[key])}")
    if "keywords" in meta and (
        not isinstance(meta["keywords"], list) or not all(isinstance(k, str) and k.strip() for k in meta["keywords"])
    ):
        problems.append(f"keywords must be a list of non-empty strings, not {show(meta['keywords'])}")
    for key, props in (("licenses", LICENSE_KEYS), ("contributors", CONTRIBUTOR_KEYS)):
        if key not in meta:
            continue
        items = meta[key]
        if not isinstance(items, list) or not items:
            problems.append(f"{key} must be a non-empty list of objects, not {show(items)}")
            continue
        for i, item in enumerate(items):
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                problems.append(f"{where} must be an object, not {show(item)}")
                continue
            for prop, kind in props.items():
                if prop in item and not (isinstance(item[prop], kind) and (kind is not str or item[prop].strip())):
                    problems.append(
                        f"{where}.{prop} must be a {'non-empty string' if kind is str else 'list'}, not "
                        f"{show(item[prop])}"
                    )
            if key == "licenses" and not any(
                isinstance(item.get(k), str) and item[k].strip() for k in ("name", "path")
            ):
                problems.append(f"{where} needs a name (e.g. CC-BY-4.0) or a path (the license's URL)")
            if key == "contributors":
                if not any(
                    isinstance(item.get(k), str) and item[k].strip()
                    for k in ("title", "givenName", "familyName", "organization")
                ):
                    problems.append(f"{where} needs a title (or givenName/familyName, or organization)")
                if isinstance(item.get("roles"), list) and not all(
                    isinstance(r, str) and r.strip() for r in item["roles"]
                ):
                    problems.append(f"{where}.roles must be a list of strings, not {show(item['roles'])}")
                if isinstance(item.get("email"), str) and not _EMAIL.match(item["email"]):
                    problems.append(f"{where}.email {item['email']!r} is not an email address")
    return problems


def table_schema(table: CleanTable, fmt: str) -> dict:
    """The published Table Schema: schemas/<table>.json with keys as arrays and references
    rewritten to the same-format resource. Custom properties (derived, unit, quoted, reciprocal,
    polymorphicKeys) are kept as documentation; Frictionless ignores them. The properties that only
    say how zonedata checks the raw tables (periods, isoCode, vocabulary) are left out."""
    # new dicts for the table and each field, which are changed below; values inside them (constraints, enums)
    # are shared with the loaded schema, which nothing here changes (the descriptor is only serialised)
    schema = {k: v for k, v in table.schema.descriptor.items() if k not in CHECK_ONLY_TABLE_KEYS}
    if "fields" in schema:
        schema["fields"] = [{k: v for k, v in f.items() if k not in CHECK_ONLY_FIELD_KEYS} for f in schema["fields"]]
    if "primaryKey" in schema and isinstance(schema["primaryKey"], str):
        schema["primaryKey"] = [schema["primaryKey"]]
    fks = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        ref = fk.get("reference", {})
        ref_fields = ref.get("fields", [])
        ref_fields = ref_fields if isinstance(ref_fields, list) else [ref_fields]
        target = ref.get("resource") or table.name  # an empty or absent resource is a self-reference
        fks.append(
            {**fk, "fields": fields, "reference": {**ref, "resource": resource_name(target, fmt), "fields": ref_fields}}
        )
    if "foreignKeys" in schema:
        schema["foreignKeys"] = fks
    # frictionless-py 5.21 reads Parquet through pandas, which turns a null in an integer column
    # into float NaN, and then reports the cell "nan" as a type error; declaring "nan" missing for
    # optional integer fields (which zonedata never writes as a value) lets it read them as null.
    missing = schema.get("missingValues", [""])
    for f in schema.get("fields", []):
        if f.get("type") == "integer" and not f.get("constraints", {}).get("required"):
            f["missingValues"] = [*missing, *[v for v in PANDAS_NULLS if v not in missing]]
    return schema


def resource(table: CleanTable, fmt: str, path: str, data: bytes) -> dict:
    schema = table.schema.descriptor
    res: dict[str, object] = {
        "name": resource_name(table.name, fmt),
        "type": "table",
        "profile": "tabular-data-resource",  # Data Package v1 spelling, still needed by frictionless-r
        "path": path,
        "format": fmt,
        "mediatype": MEDIATYPES[fmt],
        "hash": f"sha256:{sha256_bytes(data)}",
        "schema": table_schema(table, fmt),
    }
    if fmt == "csv":
        res["encoding"] = "utf-8"
    if fmt in FORMATS_WITH_BYTES:
        res["bytes"] = len(data)
    if schema.get("title"):
        res["title"] = f"{schema['title']} ({fmt.upper() if fmt == 'csv' else 'Parquet'})"
    if schema.get("description"):
        res["description"] = schema["description"]
    return res


def _sources(tables: dict[str, CleanTable]) -> CleanTable | None:
    """The clean table with the sources role, if any."""
    return next((t for t in tables.values() if t.schema.role is not None and t.schema.role.role == "sources"), None)


def package_sources(paths: Paths, tables: dict[str, CleanTable]) -> list[dict]:
    """The descriptor's sources: each seed text with its title, path and public URL where known."""
    table = _sources(tables)
    if table is None or table.schema.role is None:
        return []
    frame = table.schema.role.canonical(table.frame)
    if not {"title", "file"} <= set(frame.columns):
        return []
    url = pl.col("url") if "url" in frame.columns else pl.lit(None, dtype=pl.String)
    rows = frame.select("title", "file", url.alias("url")).drop_nulls("file").iter_rows(named=True)
    out = []
    for row in rows:
        source = {"title": row["title"], "path": paths.rel(paths.seeds / row["file"])}
        if row["url"]:
            source["url"] = row["url"]
        out.append(source)
    return out


def created(tables: dict[str, CleanTable]) -> str | None:
    """The latest date in the sources table (publication or access), as an RFC 3339 date-time."""
    table = _sources(tables)
    if table is None:
        return None
    dates = [c for c, t in table.frame.schema.items() if t == pl.Date]
    if not dates:
        return None
    latest = table.frame.select(pl.max_horizontal(pl.col(dates).max())).item()
    return None if latest is None else f"{latest.isoformat()}T00:00:00Z"


def build_descriptor(
    paths: Paths,
    tables: dict[str, CleanTable],
    files: dict[tuple[str, str], tuple[str, bytes]],
    inputs: dict[str, bytes] | None = None,
) -> dict:
    """The descriptor for the given clean tables and their file bytes ((table, fmt) -> (path, bytes)). `inputs`
    (path relative to the root -> bytes, as `Dataset.inputs`) holds metadata/package.json and pyproject.toml as
    the checks read them: the build publishes what it checked, never a file swapped in since."""
    inputs = inputs or {}
    meta = read_metadata(paths, inputs.get(paths.rel(paths.package_metadata)))
    descriptor = {
        "$schema": PACKAGE_PROFILE,
        **meta,
        "version": read_version(paths, inputs.get(paths.rel(paths.pyproject))),
        "sources": package_sources(paths, tables),
        "resources": [resource(tables[name], fmt, *files[(name, fmt)]) for name in tables for fmt in FORMATS],
    }
    when = created(tables)
    if when:
        descriptor["created"] = when
    return descriptor


def dumps(descriptor: dict) -> bytes:
    """Stable bytes: sorted keys, two-space indent, UTF-8, LF, final newline."""
    return (json.dumps(descriptor, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

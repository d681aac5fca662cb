"""Record-level diff between two versions of the published package, and the version bump it needs.

A version is a package folder (datapackage.json + the CSVs it lists), a release archive (.zip),
a released version number (looked up in releases/releases.json) or "." / "current" for the
working tree. Tables are the CSV resources; records are matched by each resource's primaryKey
with polars joins, and every value is compared as the published CSV text.

Every difference that bears on the version number is a `Change` with a level, following the
Frictionless "Data Package Version" recipe:

- major: a resource removed; a field renamed, removed, added, re-ordered, retyped or re-formatted;
  a constraint tightened (required or unique added, enum narrowed, pattern added or changed,
  minimum raised, maximum lowered, a foreign or unique key added); the primary key changed;
  records removed (their identifiers disappear for everyone who references them);
- minor: a resource or records added; a constraint loosened;
- patch: values corrected in existing records; descriptive metadata changed.
"""

from __future__ import annotations

import io
import json
import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.base import safe_json
from zonedata.base.findings import ConfigError
from zonedata.base.hashing import sha256_file
from zonedata.base.paths import Paths, is_within, safe_relative
from zonedata.loading.datapackage import parse_descriptor
from zonedata.loading.versioning import find_release, is_version, level_rank, read_manifest

CURRENT = (".", "current")
NEW_SUFFIX = "__new"
#: field properties that change how a value is read: changing one is a major change
PARSING_KEYS = ("format", "trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber", "missingValues")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")
#: resource properties that say where or how big a file is, not what it means (a move needs no new version)
RESOURCE_LOCATION_KEYS = ("path", "hash", "bytes", "sha256", "schema", "name")
PACKAGE_IGNORED_KEYS = ("version", "resources", "created")
KEYS_SHOWN = 5  # keys named in a change's message before "and N more"


# --- loading a version ------------------------------------------------------------------------


@dataclass
class TableVersion:
    """One table of a version: its CSV resource, Table Schema, and records (every cell a string)."""

    name: str
    resource: dict
    schema: dict
    frame: pl.DataFrame

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey") or []
        return [pk] if isinstance(pk, str) else list(pk)


@dataclass
class PackageVersion:
    label: str  # how the user named it: a path, a version number, "."
    descriptor: dict
    tables: dict[str, TableVersion] = field(default_factory=dict)

    @property
    def version(self) -> str | None:
        return self.descriptor.get("version")

    @property
    def resources(self) -> dict[str, dict]:
        return {r.get("name"): r for r in self.descriptor.get("resources", [])}


def table_name(resource: dict) -> str:
    """`parks-csv` -> `parks`: the table a CSV resource publishes."""
    name = resource.get("name") or Path(str(resource.get("path", ""))).stem
    return name[: -len("-csv")] if name.endswith("-csv") else name


def is_csv_resource(resource: dict) -> bool:
    path = resource.get("path")
    return resource.get("format") == "csv" or (isinstance(path, str) and path.lower().endswith(".csv"))


#: the most bytes one member of a zip given to diff may expand to, and all the members read from it together
#: (the real package is well under a megabyte; a million records are a few hundred)
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024


class _Folder:
    def __init__(self, root: Path):
        self.root = root

    def read(self, rel: str) -> bytes:
        path = self.root / rel
        if not is_within(path, self.root):
            raise ConfigError(f"{path} leads out of {self.root} (a symlink): diff reads only inside the package")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from exc


class _Zip:
    def __init__(self, path: Path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as exc:  # (a newer zip version)
            raise ConfigError(f"{path} is not a readable zip archive: {exc}") from exc
        self.path = path
        self.read_bytes = 0
        names = self.zip.namelist()
        if "datapackage.json" in names:
            self.prefix = ""
        else:
            tops = sorted(
                n[: -len("datapackage.json")] for n in names if n.endswith("/datapackage.json") and n.count("/") == 1
            )
            if len(tops) != 1:
                raise ConfigError(f"{path} holds no datapackage.json (at its top or in one top folder)")
            self.prefix = tops[0]

    def read(self, rel: str) -> bytes:
        name = self.prefix + rel
        try:
            info = self.zip.getinfo(name)
        except KeyError as exc:
            raise ConfigError(f"{self.path} has no {name}") from exc
        if info.flag_bits & 0x1:
            raise ConfigError(f"{self.path}: {name} is encrypted: a release archive is never encrypted")
        self.read_bytes += info.file_size
        if info.file_size > MAX_MEMBER_BYTES:
            raise ConfigError(
                f"{self.path}: {name} would expand to {info.file_size} bytes, beyond the "
                f"{MAX_MEMBER_BYTES // 2**20} MiB that diff reads of one file: it is not a zonedata "
                "release (a zip bomb?)"
            )
        if self.read_bytes > MAX_ZIP_BYTES:
            raise ConfigError(
                f"{self.path}: with {name} the files read from the archive would expand to "
                f"{self.read_bytes} bytes, beyond the {MAX_ZIP_BYTES // 2**20} MiB that diff reads of one "
                "archive: it is not a zonedata release (a zip bomb?)"
            )
        try:
            return self.zip.read(info)
        except (
            zipfile.BadZipFile,
            zlib.error,
            lzma.LZMAError,
            NotImplementedError,
            RuntimeError,
            EOFError,
            OSError,
            ValueError,
        ) as exc:  # each codec's own error (bzip2's is an OSError)
            raise ConfigError(f"{self.path}: {name} cannot be read, the archive is damaged: {exc}") from exc


def _safe_rel(rel, where: str) -> str:
    if not safe_relative(rel):
        raise ConfigError(f"{where}: {rel!r} is not a relative path inside the package")
    return rel


def _is_names(value) -> bool:
    """A field name or a list of them (how Table Schema writes primaryKey and key fields)."""
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _schema_problem(schema) -> str | None:
    """What makes a Table Schema unusable for comparing versions, or None."""
    if not isinstance(schema, dict):
        return "its schema is not an object"
    fields = schema.get("fields", [])
    if not isinstance(fields, list):
        return "its schema's fields are not a list"
    names = []
    for i, f in enumerate(fields, 1):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            return f"field {i} of its schema is not an object with a name"
        if not isinstance(f.get("type", ""), str):
            return f"field {f['name']!r}: type is not text"
        if not isinstance(f.get("constraints", {}), dict):
            return f"field {f['name']!r}: constraints is not an object"
        if not isinstance(f.get("constraints", {}).get("enum", []), list):
            return f"field {f['name']!r}: enum is not a list"
        names.append(f["name"])
    if len(set(names)) != len(names):
        return "its schema names a field twice"
    if "primaryKey" in schema and not _is_names(schema["primaryKey"]):
        return "its primaryKey is not a field name or a list of them"
    for key in ("foreignKeys", "uniqueKeys"):
        keys = schema.get(key, [])
        if not isinstance(keys, list):
            return f"its {key} is not a list"
        for k in keys:
            if key == "uniqueKeys" and not _is_names(k):
                return f"an entry of its {key} is not a field name or a list of them"
            if key == "foreignKeys" and not (
                isinstance(k, dict) and _is_names(k.get("fields")) and isinstance(k.get("reference"), dict)
            ):
                return f"an entry of its {key} is not an object with fields and a reference"
    if not isinstance(schema.get("missingValues", []), list):
        return "its missingValues is not a list"
    return None


def _load(label: str, source) -> PackageVersion:
    descriptor = parse_descriptor(source.read("datapackage.json"), label)
    for i, resource in enumerate(descriptor.get("resources", []), 1):
        if not isinstance(resource, dict):
            raise ConfigError(f"{label}: datapackage.json: resource {i} is {json.dumps(resource)[:40]}, not an object")
        for key in ("name", "path", "format"):
            if key in resource and not isinstance(resource[key], str):
                raise ConfigError(f"{label}: datapackage.json: resource {i}'s {key} is not text")
    pkg = PackageVersion(label, descriptor)
    for resource in descriptor.get("resources", []):
        if not is_csv_resource(resource):
            continue
        name = table_name(resource)
        schema = resource.get("schema", {})
        if isinstance(schema, str):
            try:
                schema = safe_json.loads(source.read(_safe_rel(schema, label)))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ConfigError(f"{label}: schema {resource['schema']} of {name} is not valid JSON: {exc}") from exc
        problem = _schema_problem(schema)
        if problem:
            raise ConfigError(
                f"{label}: datapackage.json: resource {resource.get('name', name)!r}: {problem}, so it "
                "is not a valid Table Schema"
            )
        data = source.read(_safe_rel(resource.get("path"), label))
        try:
            frame = pl.read_csv(io.BytesIO(data), infer_schema=False, raise_if_empty=False)
        except Exception as exc:  # polars' parse errors share no base class
            raise ConfigError(f"{label}: cannot read {resource.get('path')}: {str(exc).splitlines()[0]}") from exc
        pkg.tables[name] = TableVersion(name, resource, schema, frame)
    return pkg


def load_version(spec: str | Path, root: Path | None = None) -> PackageVersion:
    """A version from a folder, a .zip, a released version number or "."/"current" (the working tree at `root`)."""
    spec_text = str(spec)
    if root is not None and spec_text in CURRENT:
        return _load(spec_text, _Folder(Path(root)))
    path = Path(spec_text)
    if path.is_dir():
        if not (path / "datapackage.json").is_file():
            raise ConfigError(f"{path} has no datapackage.json: run `zonedata build` there, or name a release")
        return _load(spec_text, _Folder(path))
    if path.is_file():
        return _load(spec_text, _Zip(path))
    if root is not None and is_version(spec_text):
        paths = Paths(Path(root))
        entry = find_release(paths, spec_text)
        if entry is None:
            known = ", ".join(e.version for e in read_manifest(paths)) or "none yet"
            raise ConfigError(f"{spec_text} is not a release recorded in releases/releases.json (releases: {known})")
        archive = paths.root / entry.archive
        if not archive.is_file():
            raise ConfigError(f"{entry.archive} (release {entry.version}) is missing: restore it from git")
        digest = sha256_file(archive)
        if digest != entry.sha256:
            raise ConfigError(
                f"{entry.archive} has sha256 {digest}, but releases/releases.json records {entry.sha256}: "
                "a released archive is never rewritten; restore it from git"
            )
        return _load(spec_text, _Zip(archive))
    raise ConfigError(f"{spec_text!r} is neither a package folder, a .zip archive, a released version nor '.'")


# --- comparing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One difference that bears on the version number."""

    kind: str  # stable kebab-case code, e.g. "field-renamed", "records-added"
    level: str  # "major", "minor" or "patch"
    table: str | None
    field: str | None
    message: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "level": self.level,
            "table": self.table,
            "field": self.field,
            "message": self.message,
        }

    def describe(self) -> str:
        where = self.table + (f".{self.field}" if self.field else "") if self.table else "package"
        return f"{where}: {self.message}"


@dataclass
class TableDiff:
    table: str
    key: list[str]  # the fields records are matched on
    old_rows: int
    new_rows: int
    added: pl.DataFrame  # new records, all fields
    removed: pl.DataFrame  # old records, all fields
    changed: pl.DataFrame  # one row per changed value: key fields, field, old, new
    status: str = "changed"  # "added", "removed", "changed", "unchanged"
    #: fields the new version adds: field -> {"filled": records of both versions with a value, "values": {value: count}}
    new_fields: dict = field(default_factory=dict)
    #: list fields of the new version: field -> delimiter (to show which items a changed list gained or lost)
    list_delimiters: dict = field(default_factory=dict)

    @property
    def n_changed(self) -> int:
        return self.changed.select(self.key).unique().height if self.changed.height else 0

    @property
    def is_empty(self) -> bool:
        return not (self.added.height or self.removed.height or self.changed.height)

    def changed_records(self) -> list[dict]:
        """[{"key": {...}, "fields": [{"field", "old", "new"}, ...]}] in key order."""
        out: list[dict] = []
        last = None
        for row in self.changed.iter_rows(named=True):
            key = {k: row[k] for k in self.key}
            if key != last:
                out.append({"key": key, "fields": []})
                last = key
            out[-1]["fields"].append({"field": row["field"], "old": row["old"], "new": row["new"]})
        return out

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "key": self.key,
            "rows": {"old": self.old_rows, "new": self.new_rows},
            "counts": {"added": self.added.height, "removed": self.removed.height, "changed": self.n_changed},
            "added": [{"key": {k: r[k] for k in self.key}, "record": r} for r in self.added.iter_rows(named=True)],
            "removed": [{"key": {k: r[k] for k in self.key}, "record": r} for r in self.removed.iter_rows(named=True)],
            "changed": self.changed_records(),
            "new_fields": self.new_fields,
        }


@dataclass
class PackageDiff:
    old: PackageVersion
    new: PackageVersion
    tables: dict[str, TableDiff]
    schema_changes: list[Change]  # resources, fields, constraints, keys, descriptive metadata
    record_changes: list[Change]  # records added, removed, changed (one per table and kind)

    @property
    def changes(self) -> list[Change]:
        return self.schema_changes + self.record_changes

    @property
    def required_level(self) -> str:
        """The smallest bump these changes allow: "major", "minor", "patch" or "none"."""
        return max((c.level for c in self.changes), key=level_rank, default="none")

    def reasons(self, level: str) -> list[Change]:
        return [c for c in self.changes if c.level == level]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def to_dict(self) -> dict:
        """The stable JSON shape of `zonedata diff --format json` (see README, "Releases and citation")."""
        return {
            "old": {"label": self.old.label, "version": self.old.version},
            "new": {"label": self.new.label, "version": self.new.version},
            "required_bump": self.required_level,
            "summary": {
                name: {
                    "added": t.added.height,
                    "removed": t.removed.height,
                    "changed": t.n_changed,
                    "rows_old": t.old_rows,
                    "rows_new": t.new_rows,
                }
                for name, t in self.tables.items()
            },
            "tables": {name: t.to_dict() for name, t in self.tables.items()},
            "schema_changes": [c.to_dict() for c in self.schema_changes],
            "changes": [c.to_dict() for c in self.changes],
        }


#: a key value longer than this is cut in summaries (a citation's key holds its whole quote);
#: the records themselves are listed in full
KEY_CHARS_SHOWN = 48


def _short(value: str) -> str:
    return value if len(value) <= KEY_CHARS_SHOWN else value[: KEY_CHARS_SHOWN - 1].rstrip() + "…"


def _keys_text(frame: pl.DataFrame, key: list[str]) -> str:
    if not key:
        return "no field in common with the other version to match records by"
    keys = frame.select(key).unique(maintain_order=True)
    shown = [", ".join(_short(str(v)) for v in row) for row in keys.head(KEYS_SHOWN).iter_rows()]
    more = f" and {keys.height - KEYS_SHOWN} more" if keys.height > KEYS_SHOWN else ""
    return "; ".join(shown) + more


def _fields(schema: dict) -> dict[str, dict]:
    return {f["name"]: f for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f}


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _tighter(key: str, old, new) -> bool | None:
    """True if changing constraint `key` from old to new (None: absent) restricts values, False if it relaxes them,
    None if it allows exactly the same values."""
    if key in ("required", "unique"):
        return bool(new) and not bool(old) if bool(new) != bool(old) else None
    if key == "enum":
        if old is None or new is None:
            return old is None
        o, n = set(map(json.dumps, old)), set(map(json.dumps, new))
        return None if o == n else not o <= n
    if key in LOWER_BOUNDS + UPPER_BOUNDS:
        if old is None or new is None:
            return old is None
        try:
            return new > old if key in LOWER_BOUNDS else new < old
        except TypeError:
            return True
    if key == "pattern":
        return new is not None  # whether one pattern admits more than another is undecidable here: treat as tighter
    return True  # an unknown constraint that changed: assume it restricts


def _constraint_changes(table: str, name: str, old: dict, new: dict) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        tighter = _tighter(key, o, n)
        what = f"constraint {key}: {json.dumps(o)} -> {json.dumps(n)}"
        if tighter is None:
            changes.append(Change("metadata-changed", "patch", table, name, f"{what} (same values allowed)"))
        elif tighter:
            changes.append(Change("constraint-tightened", "major", table, name, f"{what} (tightened)"))
        else:
            changes.append(Change("constraint-loosened", "minor", table, name, f"{what} (loosened)"))
    return changes


def _detect_renames(old: TableVersion, new: TableVersion, removed: list[str], added: list[str]) -> dict[str, str]:
    """old name -> new name for a field that vanished and reappeared under another name with the same type, and
    either the same position in the schema or the same values in every record both versions hold."""
    pk = new.primary_key
    if (
        not removed
        or not added
        or not pk
        or pk != old.primary_key
        or not set(pk) <= set(old.frame.columns) & set(new.frame.columns)
    ):
        return {}
    ofields, nfields = _fields(old.schema), _fields(new.schema)
    opos, npos = {n: i for i, n in enumerate(ofields)}, {n: i for i, n in enumerate(nfields)}
    # a key column is matched on, never compared (a schema may drop a key field its CSV still has)
    both = old.frame.select(pk + [c for c in removed if c in old.frame.columns and c not in pk]).join(
        new.frame.select(pk + [c for c in added if c in new.frame.columns and c not in pk]),
        on=pk,
        how="inner",
        suffix=NEW_SUFFIX,
        nulls_equal=True,
    )
    renames: dict[str, str] = {}
    for o in removed:
        for n in added:
            if n in renames.values() or ofields[o].get("type", "string") != nfields[n].get("type", "string"):
                continue
            same_values = (
                not both.is_empty()
                and o in both.columns
                and n in both.columns
                and both.select(pl.col(o).eq_missing(pl.col(n)).all()).item()
            )
            if same_values or opos[o] == npos[n]:
                renames[o] = n
                break
    return renames


def compare_schemas(table: str, old: dict, new: dict, renames: dict[str, str] | None = None) -> list[Change]:
    """Schema changes of one table, each with its level (see the module docstring)."""
    renames = renames or {}
    ofields, nfields = _fields(old), _fields(new)
    changes: list[Change] = []
    for o, n in renames.items():
        changes.append(Change("field-renamed", "major", table, n, f"field {o!r} renamed to {n!r}"))
    for name in ofields:
        if name not in nfields and name not in renames:
            changes.append(Change("field-removed", "major", table, name, f"field {name!r} removed"))
    for name in nfields:
        if name not in ofields and name not in renames.values():
            changes.append(
                Change(
                    "field-added",
                    "major",
                    table,
                    name,
                    f"field {name!r} added (a new column breaks readers that rely on column positions)",
                )
            )
    pairs = [(o, renames.get(o, o)) for o in ofields if renames.get(o, o) in nfields]
    old_order = [n for _, n in pairs]
    new_order = [n for n in nfields if n in set(old_order)]
    if old_order != new_order:
        changes.append(
            Change(
                "fields-reordered",
                "major",
                table,
                None,
                f"fields re-ordered: {', '.join(old_order)} -> {', '.join(new_order)}",
            )
        )
    for o, n in pairs:
        fo, fn = ofields[o], nfields[n]
        if fo.get("type", "string") != fn.get("type", "string"):
            changes.append(
                Change(
                    "field-retyped", "major", table, n, f"type {fo.get('type', 'string')} -> {fn.get('type', 'string')}"
                )
            )
        for key in PARSING_KEYS:
            if fo.get(key) != fn.get(key):
                changes.append(
                    Change(
                        "field-format-changed",
                        "major",
                        table,
                        n,
                        f"{key}: {json.dumps(fo.get(key))} -> {json.dumps(fn.get(key))}",
                    )
                )
        changes.extend(_constraint_changes(table, n, fo.get("constraints", {}), fn.get("constraints", {})))
        described = sorted(
            k
            for k in set(fo) | set(fn)
            if k not in ("name", "type", "constraints", *PARSING_KEYS) and fo.get(k) != fn.get(k)
        )
        if described:
            changes.append(Change("metadata-changed", "patch", table, n, f"{', '.join(described)} changed"))

    def renamed(names) -> list[str]:
        return [renames.get(x, x) for x in _as_list(names)]

    if renamed(old.get("primaryKey")) != _as_list(new.get("primaryKey")):
        changes.append(
            Change(
                "primary-key-changed",
                "major",
                table,
                None,
                f"primary key {_as_list(old.get('primaryKey'))} -> {_as_list(new.get('primaryKey'))}",
            )
        )
    for key, kind in (("foreignKeys", "foreign-key"), ("uniqueKeys", "unique-key")):

        def canon(keys, rename, key=key):
            out = set()
            for k in keys or []:
                if key == "foreignKeys" and isinstance(k, dict):
                    k = {**k, "fields": rename(k.get("fields"))}
                else:
                    k = rename(k)
                out.add(json.dumps(k, sort_keys=True))
            return out

        o, n = canon(old.get(key), renamed), canon(new.get(key), _as_list)
        for k in sorted(n - o):
            changes.append(Change(f"{kind}-added", "major", table, None, f"{key} added: {k}"))
        for k in sorted(o - n):
            changes.append(Change(f"{kind}-removed", "minor", table, None, f"{key} removed: {k}"))
    if old.get("missingValues") != new.get("missingValues"):
        changes.append(
            Change(
                "field-format-changed",
                "major",
                table,
                None,
                f"missingValues: {json.dumps(old.get('missingValues'))} -> {json.dumps(new.get('missingValues'))}",
            )
        )
    described = sorted(
        k
        for k in set(old) | set(new)
        if k not in ("fields", "primaryKey", "foreignKeys", "uniqueKeys", "missingValues") and old.get(k) != new.get(k)
    )
    if described:
        changes.append(Change("metadata-changed", "patch", table, None, f"schema {', '.join(described)} changed"))
    return changes


def _empty_changes(key: list[str]) -> pl.DataFrame:
    return pl.DataFrame(schema={**{k: pl.String for k in key}, "field": pl.String, "old": pl.String, "new": pl.String})


def diff_records(
    old: TableVersion | None, new: TableVersion | None, renames: dict[str, str] | None = None
) -> TableDiff:
    """Added, removed and changed records of one table, matched by primary key (vectorised joins)."""
    renames = renames or {}
    if old is None or new is None:
        t = new or old
        assert t is not None, "diff_records needs at least one version of the table"
        key = [k for k in t.primary_key if k in t.frame.columns] or list(t.frame.columns)
        frame = t.frame.sort(key)
        empty = frame.clear()
        return TableDiff(
            t.name,
            key,
            0 if old is None else frame.height,
            0 if new is None else frame.height,
            added=frame if old is None else empty,
            removed=frame if new is None else empty,
            changed=_empty_changes(key),
            status="added" if old is None else "removed",
        )
    applied = {a: b for a, b in renames.items() if a in old.frame.columns}  # a renamed field the CSV really has
    o = old.frame.rename(applied)
    n = new.frame
    key = new.primary_key
    if not key or not set(key) <= set(o.columns) & set(n.columns):
        key = old.primary_key if old.primary_key and set(old.primary_key) <= set(o.columns) & set(n.columns) else []
    whole_rows = not key
    if whole_rows:  # no usable primary key: a record is all its common fields, so records are only added or removed
        key = [c for c in n.columns if c in o.columns]
    if not key:  # no field in common (every field renamed): nothing to match records by
        return TableDiff(
            new.name,
            [],
            old.frame.height,
            new.frame.height,
            added=n,
            removed=old.frame,
            changed=_empty_changes([]),
            status="unchanged" if not (n.height or old.frame.height) else "changed",
        )
    for label, frame in (("old", o), ("new", n)):
        if not whole_rows and frame.select(pl.struct(key).is_duplicated().any()).item():
            raise ConfigError(
                f"{new.name}: the {label} version has duplicate primary keys {key}: it is not a valid package"
            )
    added = n.join(o.select(key), on=key, how="anti", nulls_equal=True).sort(key)
    back = {b: a for a, b in applied.items()}
    removed = (
        o.join(n.select(key), on=key, how="anti", nulls_equal=True).rename(back).sort([back.get(k, k) for k in key])
    )
    common = [c for c in n.columns if c in o.columns and c not in key]
    if whole_rows or not common:
        changed = _empty_changes(key)
    else:
        both = o.select(key + common).join(
            n.select(key + common), on=key, how="inner", suffix=NEW_SUFFIX, nulls_equal=True
        )
        pieces = [
            both.filter(~pl.col(c).eq_missing(pl.col(c + NEW_SUFFIX))).select(
                *key,
                pl.lit(c).alias("field"),
                pl.col(c).alias("old"),
                pl.col(c + NEW_SUFFIX).alias("new"),
                pl.lit(i).alias("__order"),
            )
            for i, c in enumerate(common)
        ]
        changed = pl.concat(pieces).sort([*key, "__order"]).drop("__order")
    diff = TableDiff(new.name, key, old.frame.height, new.frame.height, added, removed, changed)
    diff.status = "unchanged" if diff.is_empty else "changed"
    diff.list_delimiters = _list_delimiters(new.schema)
    if not whole_rows:
        kept = n.join(o.select(key), on=key, how="semi", nulls_equal=True)
        diff.new_fields = _new_field_values(kept, [c for c in n.columns if c not in o.columns])
    return diff


#: a new field with more distinct values than this is summarised by how many records fill it
VALUES_SHOWN = 8


def _new_field_values(kept: pl.DataFrame, fields: list[str]) -> dict:
    """What a field the new version adds holds in the records both versions have: a reviewer sees
    "status: under_construction 8, unknown 11" rather than nothing (the records are not 'changed')."""
    out = {}
    for f in fields:
        counts = kept.select(pl.col(f).drop_nulls().value_counts(sort=True)).unnest(f) if kept.height else None
        filled = int(kept[f].is_not_null().sum())
        values = {}
        if counts is not None and 0 < counts.height <= VALUES_SHOWN:
            values = {str(v): int(c) for v, c in counts.sort(["count", f], descending=[True, False]).iter_rows()}
        out[f] = {"filled": filled, "records": kept.height, "values": values}
    return out


def _list_delimiters(schema: dict) -> dict:
    # a descriptor read from an archive may hold anything: a delimiter that is not usable text is ignored
    delimiters = {name: f.get("delimiter", ",") for name, f in _fields(schema).items() if f.get("type") == "list"}
    return {name: d for name, d in delimiters.items() if isinstance(d, str) and d}


def _record_changes(t: TableDiff) -> list[Change]:
    changes = []
    if t.status == "added":
        return [Change("resource-added", "minor", t.table, None, f"new table with {t.added.height} record(s)")]
    if t.status == "removed":
        return [Change("resource-removed", "major", t.table, None, f"table removed ({t.removed.height} record(s))")]
    if t.added.height:
        changes.append(
            Change(
                "records-added",
                "minor",
                t.table,
                None,
                f"{t.added.height} record(s) added ({_keys_text(t.added, t.key)})",
            )
        )
    if t.removed.height:
        changes.append(
            Change(
                "records-removed",
                "major",
                t.table,
                None,
                f"{t.removed.height} record(s) removed ({_keys_text(t.removed, t.key)}): their identifiers "
                "disappear for everyone who references them",
            )
        )
    if t.changed.height:
        fields = ", ".join(t.changed["field"].unique(maintain_order=True).to_list())
        changes.append(
            Change(
                "records-changed",
                "patch",
                t.table,
                None,
                f"{t.n_changed} record(s) corrected ({_keys_text(t.changed, t.key)}; fields: {fields})",
            )
        )
    return changes


def _describe_resource_changes(old: PackageVersion, new: PackageVersion, tables: set[str]) -> list[Change]:
    changes = []
    oldr, newr = old.resources, new.resources
    for name in sorted(set(oldr) - set(newr)):
        if table_name(oldr[name]) not in tables or not is_csv_resource(oldr[name]):
            changes.append(Change("resource-removed", "major", None, None, f"resource {name!r} removed"))
    for name in sorted(set(newr) - set(oldr)):
        if table_name(newr[name]) not in tables or not is_csv_resource(newr[name]):
            changes.append(Change("resource-added", "minor", None, None, f"resource {name!r} added"))
    for name in sorted(set(oldr) & set(newr)):
        described = sorted(
            k
            for k in set(oldr[name]) | set(newr[name])
            if k not in RESOURCE_LOCATION_KEYS and oldr[name].get(k) != newr[name].get(k)
        )
        if described:
            changes.append(
                Change("metadata-changed", "patch", None, None, f"resource {name!r}: {', '.join(described)} changed")
            )
    for key in ("name", "id"):
        if old.descriptor.get(key) != new.descriptor.get(key):
            changes.append(
                Change(
                    "package-renamed",
                    "major",
                    None,
                    None,
                    f"package {key} {old.descriptor.get(key)!r} -> {new.descriptor.get(key)!r}",
                )
            )
    described = sorted(
        k
        for k in set(old.descriptor) | set(new.descriptor)
        if k not in (*PACKAGE_IGNORED_KEYS, "name", "id") and old.descriptor.get(k) != new.descriptor.get(k)
    )
    if described:
        changes.append(Change("metadata-changed", "patch", None, None, f"package {', '.join(described)} changed"))
    return changes


def diff_packages(old: PackageVersion, new: PackageVersion) -> PackageDiff:
    """Every difference between two versions: records per table, schemas, resources, metadata."""
    tables: dict[str, TableDiff] = {}
    schema_changes: list[Change] = []
    for name in sorted(set(old.tables) | set(new.tables)):
        o, n = old.tables.get(name), new.tables.get(name)
        renames: dict[str, str] = {}
        if o is not None and n is not None:
            ofields, nfields = _fields(o.schema), _fields(n.schema)
            renames = _detect_renames(
                o, n, [f for f in ofields if f not in nfields], [f for f in nfields if f not in ofields]
            )
            schema_changes.extend(compare_schemas(name, o.schema, n.schema, renames))
        tables[name] = diff_records(o, n, renames)
    schema_changes.extend(_describe_resource_changes(old, new, set(tables)))
    record_changes = [c for t in tables.values() for c in _record_changes(t)]
    return PackageDiff(old, new, tables, schema_changes, record_changes)


def diff(old_spec: str | Path, new_spec: str | Path, root: Path | None = None) -> PackageDiff:
    return diff_packages(load_version(old_spec, root), load_version(new_spec, root))


__all__ = [
    "Change",
    "PackageDiff",
    "PackageVersion",
    "TableDiff",
    "diff",
    "diff_packages",
    "load_version",
    "compare_schemas",
]

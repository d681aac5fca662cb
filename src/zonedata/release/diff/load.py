"""Loading of a version for diff: a package folder, a release archive (.zip), a released version number
(looked up in releases/releases.json) or "." / "current" for the working tree. Tables are the CSV
resources, every cell read as its published CSV text.
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
from zonedata.loading.versioning import find_release, is_version, read_manifest

CURRENT = (".", "current")


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
        # a column the schema lists but the CSV lacks would compare as "no differences": the package is broken
        missing = [f["name"] for f in schema.get("fields", []) if f["name"] not in frame.columns]
        if missing:
            raise ConfigError(
                f"{label}: {resource.get('path')} lacks the column(s) {', '.join(missing)} that its schema lists, "
                "so it is not a valid package: rebuild it (zonedata build), or name another version"
            )
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

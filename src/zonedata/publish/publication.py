"""Check 6: the published files are exactly what `zonedata build` would write now.

The expected bytes come from `build.render_outputs`, the same code the build writes with.
Independently of that, every resource in the committed datapackage.json must match its file
(bytes where stated, and sha256: frictionless-py ignores the hash of Parquet resources and
cannot count their bytes, so this is the only check of them), and each Parquet file must hold
exactly the rows of its CSV twin.

Each published file is read once. A Parquet twin whose bytes are the ones the build renders from
a clean table is not decoded again: those bytes read back as that table (polars' Parquet round
trip of the published types is exact; tests/test_build.py holds it to that), so its CSV twin is
compared with the table itself; and where the descriptor and a file are both the bytes the build
renders, the descriptor states that file's own size and sha256, so it is not hashed again.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from zonedata.base.findings import ERROR, ConfigError, Finding
from zonedata.base.hashing import sha256_bytes
from zonedata.base.paths import safe_relative
from zonedata.loading.datapackage import parse_descriptor
from zonedata.loading.dataset import Dataset
from zonedata.publish.build import CLEAN_SUFFIXES, Outputs, render_outputs, stale_clean_files
from zonedata.publish.clean import read_csv_frame

FIX = "run zonedata build"


def check(ds: Dataset) -> list[Finding]:
    paths = ds.paths
    published = paths.datapackage.exists() or (
        paths.clean.is_dir() and any(p.suffix in CLEAN_SUFFIXES for p in paths.clean.iterdir())
    )
    if not published:
        return [
            Finding(
                "publication-missing",
                f"nothing is published yet (no datapackage.json, no data/clean/): {FIX}",
                file=paths.rel(paths.datapackage),
            )
        ]
    if any(f.severity == ERROR for f in ds.findings):
        # a table that cannot be read has no defined published form: its findings say what to fix first
        return []
    outputs = render_outputs(ds)
    findings: list[Finding] = []
    differ: list[str] = []
    on_disk: dict[str, bytes] = {}  # each published file's bytes, read once for every comparison below
    for rel, expected in outputs.files.items():
        path = paths.root / rel
        if not path.is_file():
            findings.append(Finding("publication-missing", f"{rel} is missing: {FIX}", file=rel))
            continue
        data = path.read_bytes()
        if data == expected:
            data = expected  # the same bytes: one copy is kept, not two
        else:
            differ.append(rel)
        on_disk[rel] = data
    retired = [paths.rel(p) for p in stale_clean_files(paths, outputs)]
    if differ or retired:
        findings.append(stale_finding(paths.rel(paths.datapackage), differ, retired))
    findings.extend(check_descriptor_files(ds, on_disk, frozenset(on_disk).difference(differ)))
    findings.extend(check_twins(ds, outputs, on_disk))
    return findings


def _read(path: Path, rel: str, on_disk: dict[str, bytes]) -> bytes:
    """The bytes of a published file: as `check` read them, else from the file."""
    data = on_disk.get(rel)
    return path.read_bytes() if data is None else data


def stale_finding(descriptor: str, differ: list[str], retired: list[str]) -> Finding:
    """One finding for the package, however many files a build would rewrite: a stale publication is one
    state with one fix, and a curator's report should not repeat it per file (the files are in `value`)."""
    parts = []
    if differ:
        parts.append(
            f"{len(differ)} file(s) differ from what a build would write now (raw data, sources, schemas, "
            f"metadata or version changed since): {', '.join(differ)}"
        )
    if retired:
        parts.append(f"{', '.join(retired)} belong(s) to no table in schemas/ and the build removes them")
    return Finding(
        "publication-stale",
        f"the published files are out of date: {FIX} ({'; '.join(parts)})",
        file=descriptor,
        value="; ".join(differ + retired),
    )


def _resources(ds: Dataset, on_disk: dict[str, bytes]) -> list[dict]:
    paths = ds.paths
    try:
        descriptor = parse_descriptor(_read(paths.datapackage, paths.rel(paths.datapackage), on_disk))
    except (OSError, ConfigError):
        return []  # reported as missing or stale above
    return [r for r in descriptor.get("resources", []) if isinstance(r, dict)]


def _path_line(ds: Dataset, rel: str) -> int | None:
    """The line of datapackage.json that states `"path": rel`."""
    try:
        text = ds.paths.datapackage.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    needle = '"path": ' + json.dumps(rel, ensure_ascii=False)
    at = text.find(needle)
    if at < 0:
        at = text.find('"path":' + json.dumps(rel, ensure_ascii=False))
    return None if at < 0 else text.count("\n", 0, at) + 1


def check_descriptor_files(
    ds: Dataset, on_disk: dict[str, bytes] | None = None, current: frozenset[str] = frozenset()
) -> list[Finding]:
    """Each resource of the committed descriptor: its file exists and has the stated bytes and sha256.
    `on_disk`: the files' bytes as already read (path relative to the root -> bytes); `current`: the files
    whose bytes are those the build renders now."""
    paths = ds.paths
    on_disk = on_disk or {}
    descriptor_file = paths.rel(paths.datapackage)
    # the build's own descriptor states the bytes and sha256 of the files it renders with it
    as_rendered = current if descriptor_file in current else frozenset()
    findings = []
    for res in _resources(ds, on_disk):
        rel = res.get("path")
        if not isinstance(rel, str):
            continue
        path = paths.root / rel
        if not safe_relative(rel) or not paths.is_inside(path):
            findings.append(
                Finding(
                    "path-outside-root",
                    f"resource {res.get('name')!r} names {rel!r}, which is not a "
                    "relative path inside the package (absolute, ../, a URL or a link out): it was not "
                    f"read; {FIX}",
                    file=descriptor_file,
                    line=_path_line(ds, rel),
                    field="path",
                    value=rel,
                )
            )
            continue
        if not path.is_file():
            findings.append(
                Finding(
                    "publication-missing",
                    f"resource {res.get('name')!r} names {rel}, which does not exist: {FIX}",
                    file=descriptor_file,
                    field="path",
                    value=rel,
                )
            )
            continue
        if rel in as_rendered:
            continue  # this file and the descriptor both as the build writes them: nothing to hash
        data = _read(path, rel, on_disk)
        if "bytes" in res and res["bytes"] != len(data):
            findings.append(
                Finding(
                    "publication-hash-mismatch",
                    f"{rel} has {len(data)} bytes but the descriptor says {res['bytes']}: {FIX}",
                    file=rel,
                    field="bytes",
                    value=str(res["bytes"]),
                )
            )
        digest = "sha256:" + sha256_bytes(data)
        if res.get("hash") != digest:
            findings.append(
                Finding(
                    "publication-hash-mismatch",
                    f"{rel} has hash {digest} but the descriptor says {res.get('hash')}: {FIX}",
                    file=rel,
                    field="hash",
                    value=str(res.get("hash")),
                )
            )
    return findings


def check_twins(ds: Dataset, outputs: Outputs | None = None, on_disk: dict[str, bytes] | None = None) -> list[Finding]:
    """Each data/clean/<table>.parquet holds exactly the rows of data/clean/<table>.csv, read with the same types.
    `outputs`: what the build renders now; `on_disk`: the files' bytes as already read."""
    paths = ds.paths
    on_disk = on_disk or {}
    findings = []
    for name, schema in ds.schemas.items():
        csv_path, pq_path = paths.clean_file(name, "csv"), paths.clean_file(name, "parquet")
        if not (csv_path.is_file() and pq_path.is_file()):
            continue  # reported as missing above
        rel = paths.rel(pq_path)
        try:
            from_csv = read_csv_frame(schema, _read(csv_path, paths.rel(csv_path), on_disk))
            data = _read(pq_path, rel, on_disk)
            table, rendered = (
                (outputs.tables.get(name), outputs.files.get(rel)) if outputs is not None else (None, None)
            )
            if table is not None and data == rendered:
                from_parquet = table.frame  # the very bytes the build writes from it, which read back as it
            else:
                from_parquet = pl.read_parquet(io.BytesIO(data))
        except Exception as exc:  # any unreadable file: polars has no common base class for parse errors
            findings.append(
                Finding(
                    "publication-rows-differ",
                    f"cannot read {rel} or its CSV twin ({str(exc).splitlines()[0]}): {FIX}",
                    file=rel,
                )
            )
            continue
        if from_parquet.schema != from_csv.schema:
            findings.append(
                Finding(
                    "publication-rows-differ",
                    f"{rel} has columns {dict(from_parquet.schema)}, not those of {paths.rel(csv_path)}: {FIX}",
                    file=rel,
                )
            )
        elif not from_parquet.equals(from_csv, null_equal=True):
            findings.append(
                Finding(
                    "publication-rows-differ",
                    f"{rel} ({from_parquet.height} rows) does not hold "
                    f"exactly the rows of {paths.rel(csv_path)} ({from_csv.height} rows): {FIX}",
                    file=rel,
                )
            )
    return findings

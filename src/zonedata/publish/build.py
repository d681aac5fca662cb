"""`build(root)`: validate, then publish data/clean/*.parquet|*.csv, datapackage.json and the data
dictionary, all or nothing.

`render_outputs(ds)` computes every published file's bytes in memory. It is the one code path
shared by the build (which writes them) and the publication check (which compares them with
what is committed), so the two cannot disagree.

Byte-identical output for identical input (with the pinned dependencies): rows sorted by
primary key, columns in schema order, CSV with LF line endings and fixed-scale decimals (no
floats, so no -0.0 or NaN), Parquet with fixed settings (PARQUET_OPTIONS), and a descriptor
with sorted keys and no clock time.

Atomicity: every file is first written and fsynced in a temporary folder inside the package
root (the same file system), and only then moved into place with os.replace, the descriptor
last. Each file is therefore always either the old or the new version, never half written, and
a build that fails before the first move changes nothing. Residual window: if the process dies
between the first and the last os.replace (microseconds for a handful of renames), some files
are new and some old; `zonedata validate` then reports them as stale (rule publication-stale)
and running `zonedata build` again repairs it. A killed build may leave a `.zonedata-build-*`
folder in the root, which is safe to delete.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.publish.clean import CleanTable, clean_tables
from zonedata.loading.dataset import Dataset, load_dataset
from zonedata.publish.descriptor import FORMATS, build_descriptor, dumps
from zonedata.publish.dictionary import render_dictionary
from zonedata.base.findings import Report
from zonedata.checks import run_checks
from zonedata.base.paths import Paths

#: Parquet writer settings, fixed so that the same rows always give the same bytes
PARQUET_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "statistics": True,
    "row_group_size": 100_000,
    "data_page_size": 1024 * 1024,
}
#: published file suffixes in data/clean/ (anything else there is left alone)
CLEAN_SUFFIXES = tuple(f".{fmt}" for fmt in FORMATS)
TEMP_PREFIX = ".zonedata-build-"


def csv_bytes(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=True, line_terminator="\n", quote_style="necessary", null_value="",
                    date_format="%Y-%m-%d", include_bom=False)
    return buf.getvalue()


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_parquet(buf, **PARQUET_OPTIONS)
    return buf.getvalue()


WRITERS = {"csv": csv_bytes, "parquet": parquet_bytes}


@dataclass
class Outputs:
    """Every published file: path relative to the root (POSIX) -> bytes, in write order (descriptor last)."""

    files: dict[str, bytes]
    tables: dict[str, CleanTable]


def render_outputs(ds: Dataset) -> Outputs:
    """The bytes a build would write now for this dataset (writes nothing)."""
    paths = ds.paths
    tables = clean_tables(ds)
    files: dict[str, bytes] = {}
    table_files: dict[tuple[str, str], tuple[str, bytes]] = {}
    for name, table in tables.items():
        for fmt in FORMATS:
            rel = paths.rel(paths.clean_file(name, fmt))
            data = WRITERS[fmt](table.frame)
            files[rel] = data
            table_files[(name, fmt)] = (rel, data)
    files[paths.rel(paths.data_dictionary)] = render_dictionary(paths, ds.schemas).encode("utf-8")
    files[paths.rel(paths.datapackage)] = dumps(build_descriptor(paths, tables, table_files))
    return Outputs(files, tables)


def stale_clean_files(paths: Paths, outputs: Outputs) -> list[Path]:
    """Published-looking files in data/clean/ that a build would not write (a table since removed)."""
    if not paths.clean.is_dir():
        return []
    return [p for p in sorted(paths.clean.iterdir())
            if p.is_file() and p.suffix in CLEAN_SUFFIXES and paths.rel(p) not in outputs.files]


@dataclass
class BuildResult:
    report: Report
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(paths: Paths, files: dict[str, bytes], remove: list[Path] = ()) -> tuple[list[str], list[str]]:
    """Write the files that changed via a temporary folder in the root and os.replace; returns (written, unchanged)."""
    changed = {}
    unchanged = []
    for rel, data in files.items():
        target = paths.root / rel
        if target.is_file() and target.read_bytes() == data:
            unchanged.append(rel)
        else:
            changed[rel] = data
    if not changed and not remove:
        return [], unchanged
    tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=paths.root))
    try:
        staged = []
        for i, (rel, data) in enumerate(changed.items()):
            staged_path = tmp / f"{i:04d}{Path(rel).suffix}"
            with staged_path.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            (paths.root / rel).parent.mkdir(parents=True, exist_ok=True)
            staged.append((staged_path, paths.root / rel))
        # everything is on disk: from here on, only renames (the descriptor is last in `files`)
        for staged_path, target in staged:
            os.replace(staged_path, target)
        for path in remove:
            path.unlink(missing_ok=True)
        for folder in sorted({target.parent for _, target in staged}):
            _fsync_dir(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return list(changed), unchanged


def build(root: Path | str, *, dataset: Dataset | None = None) -> BuildResult:
    """Validate the package and, only if it is valid, publish it. The report says why when it refuses."""
    ds = dataset or load_dataset(Path(root), read_numbers=True)
    report = run_checks(ds)
    result = BuildResult(report)
    if not report.valid:  # refuse before rendering: invalid rows have no defined clean form
        return result
    outputs = render_outputs(ds)
    remove = stale_clean_files(ds.paths, outputs)
    result.written, result.unchanged = write_atomically(ds.paths, outputs.files, remove)
    result.removed = [ds.paths.rel(p) for p in remove]
    report.stats.update({"files_written": len(result.written), "files_unchanged": len(result.unchanged)})
    return result

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
root (the same file system), beside a kept copy of each file it replaces, and only then moved
into place with os.replace, the descriptor last. Each file is therefore always either the old or
the new version, never half written; a target that cannot be a file (a directory named
datapackage.json) or lies outside the root is refused before anything moves, and a rename that
fails later (a read-only docs/) or an interrupt puts the files already moved back from the kept
copies, so the old publication stays whole (PublishError, exit 2). Residual window: if the
process is killed outright (SIGKILL, power loss) between the first and the last os.replace
(microseconds for a handful of renames), some files are new and some old; `zonedata validate`
then reports them as stale (rule publication-stale) and running `zonedata build` again repairs
it. A killed build may leave a `.zonedata-build-*` folder in the root, which is safe to delete.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from zonedata.base.findings import ConfigError, Report
from zonedata.base.paths import Paths
from zonedata.checks import run_checks

try:
    import fcntl
except ImportError:  # not on Windows: builds of one package at once are not serialised there
    fcntl = None  # type: ignore[assignment]

from zonedata.loading.dataset import Dataset, load_dataset
from zonedata.publish.clean import CleanTable, clean_tables, csv_frame
from zonedata.publish.descriptor import FORMATS, build_descriptor, dumps
from zonedata.publish.dictionary import render_dictionary

#: Parquet writer settings, fixed so that the same rows always give the same bytes
PARQUET_OPTIONS: dict[str, Any] = {
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
    frame.write_csv(
        buf,
        include_header=True,
        line_terminator="\n",
        quote_style="necessary",
        null_value="",
        date_format="%Y-%m-%d",
        include_bom=False,
    )
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
            data = WRITERS[fmt](csv_frame(table.schema, table.frame) if fmt == "csv" else table.frame)
            files[rel] = data
            table_files[(name, fmt)] = (rel, data)
    files[paths.rel(paths.data_dictionary)] = render_dictionary(paths, ds.schemas).encode("utf-8")
    files[paths.rel(paths.datapackage)] = dumps(build_descriptor(paths, tables, table_files, ds.inputs))
    return Outputs(files, tables)


def stale_clean_files(paths: Paths, outputs: Outputs) -> list[Path]:
    """Published-looking files in data/clean/ that a build would not write (a table since removed)."""
    if not paths.clean.is_dir():
        return []
    return [
        p
        for p in sorted(paths.clean.iterdir())
        if p.is_file() and p.suffix in CLEAN_SUFFIXES and paths.rel(p) not in outputs.files
    ]


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


class PublishError(ConfigError):
    """The files could not be put in place (a read-only folder, a directory where a file goes): nothing was changed."""


def _preflight(paths: Paths, targets: list[Path]) -> None:
    """Refuse, before anything is written, a target outside the root or one that cannot be a file."""
    for target in targets:
        paths.confined(target.parent if not os.path.lexists(target) else target)
        rel = paths.rel(target)
        if target.is_dir():
            raise PublishError(
                f"{rel} is a directory, so the build cannot write the file there: move it away, then "
                "run zonedata build again (nothing was changed)"
            )
        for parent in (target.parent, *target.parent.parents):
            if parent == paths.root or paths.root not in parent.parents:
                break
            if os.path.lexists(parent) and not parent.is_dir():
                raise PublishError(
                    f"{paths.rel(parent)} is a file, so {rel} cannot be written inside it: move it "
                    "away, then run zonedata build again (nothing was changed)"
                )


def write_atomically(paths: Paths, files: dict[str, bytes], remove: Sequence[Path] = ()) -> tuple[list[str], list[str]]:
    """Write the files that changed and remove `remove`, all or nothing; returns (written, unchanged).

    Every new file is staged and fsynced in a temporary folder in the root (same file system) and
    every file it replaces or removes is kept there too (a hard link, else a copy); only then are
    the new files renamed into place, the descriptor last. If a rename fails (a read-only folder,
    a directory in the way), the ones already made are undone from the kept copies, so the old
    publication stays whole, and PublishError says what was in the way. Two builds of one package
    at once take turns (a lock on the root folder), so one's undo never puts back files over the
    other's.
    """
    with _exclusive(paths.root):
        changed = {}
        unchanged = []
        for rel, data in files.items():
            target = paths.root / rel
            if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                unchanged.append(rel)
            else:
                changed[rel] = data
        if not changed and not remove:
            return [], unchanged
        _preflight(paths, [*[paths.root / rel for rel in changed], *remove])
        try:
            tmp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=paths.root))
        except OSError as exc:
            raise PublishError(
                f"cannot create a staging folder in the package root: {exc.strerror or exc}; nothing was changed"
            ) from exc
        try:
            staged, kept, created_dirs = _stage(paths, tmp, changed, remove)
            _swap(paths, staged, remove, kept, created_dirs)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return list(changed), unchanged


@contextlib.contextmanager
def _exclusive(root: Path):
    """Hold an exclusive lock on the root folder itself (no lock file to commit or ignore)."""
    if fcntl is None:
        yield
        return
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _stage(paths: Paths, tmp: Path, changed: dict[str, bytes], remove) -> tuple[list, dict, list]:
    """Write and fsync every new file into `tmp`, keep a copy of every file to be replaced or removed, and make
    the folders the targets need; (staged, kept, created folders). Nothing in the publication changes yet."""
    created_dirs: list[Path] = []
    try:
        staged = []
        for i, (rel, data) in enumerate(changed.items()):
            staged_path = tmp / f"{i:04d}{Path(rel).suffix}"
            with staged_path.open("wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            staged.append((staged_path, paths.root / rel))
        kept = {}
        for i, target in enumerate([t for _, t in staged] + list(remove)):
            if target.is_file():
                kept[target] = _keep(target, tmp / f"old-{i:04d}")
        for _, target in staged:
            for parent in reversed([target.parent, *target.parent.parents]):
                if parent != paths.root and paths.root in parent.parents and not parent.exists():
                    parent.mkdir()
                    created_dirs.append(parent)
    except OSError as exc:
        _remove_dirs(created_dirs)
        raise PublishError(
            f"cannot stage the new files ({exc.strerror or exc}, e.g. a full disk): nothing was changed"
        ) from exc
    return staged, kept, created_dirs


def _swap(paths: Paths, staged: list, remove, kept: dict, created_dirs: list) -> None:
    """Rename the staged files into place and remove the stale ones; on any failure, undo every step made."""
    done: list[tuple[Path, Path | None]] = []  # (target, kept old copy or None) of each step made
    current: Path | None = None
    try:
        for staged_path, target in staged:
            current = target
            paths.confined(target.parent)
            os.replace(staged_path, target)
            done.append((target, kept.get(target)))
        for path in remove:
            current = path
            if os.path.lexists(path):
                path.unlink()
                done.append((path, kept.get(path)))
    except BaseException as exc:  # an interrupt too: the old publication is put back whole
        undone = _rollback(done)
        _remove_dirs(created_dirs)
        if not isinstance(exc, OSError):
            raise
        raise PublishError(
            f"cannot write {paths.rel(current) if current else paths.root}: {exc.strerror or exc}; "
            + (
                "the files already replaced were put back, so the old publication is whole"
                if undone
                else "nothing was changed"
            )
        ) from exc
    for folder in sorted({target.parent for _, target in staged}):
        _fsync_dir(folder)


def _remove_dirs(folders: list[Path]) -> None:
    for folder in reversed(folders):
        try:
            folder.rmdir()
        except OSError:
            pass


def _keep(path: Path, where: Path) -> Path:
    """A copy of `path` at `where` that a later replace of `path` does not touch (a hard link when possible)."""
    try:
        os.link(path, where)
    except OSError:
        shutil.copy2(path, where)
    return where


def _rollback(done: list[tuple[Path, Path | None]]) -> bool:
    """Undo renames in reverse order: put each kept old file back, or remove a file that was new."""
    for target, old in reversed(done):
        if old is not None:
            os.replace(old, target)
        else:
            target.unlink(missing_ok=True)
    return bool(done)


def build(root: Path | str, *, dataset: Dataset | None = None) -> BuildResult:
    """Validate the package and, only if it is valid, publish it. The report says why when it refuses."""
    ds = dataset or load_dataset(Path(root))
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

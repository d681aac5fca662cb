"""Check 1: every listed seed file exists inside seeds/, is unchanged (sha256), and every text is listed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl

from zonedata.dataset import Dataset
from zonedata.findings import Finding
from zonedata.paths import SOURCES_TABLE
from zonedata.tables import LINE

TEXT_SUFFIXES = {".txt"}


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve_seed(seeds: Path, name: str, resolved_seeds: Path | None = None) -> Path | None:
    """The seed file a metadata row names, or None when the path leaves seeds/.

    `resolved_seeds` is `seeds.resolve()`, when the caller has it (resolving is most of the cost).
    """
    if not name or "\\" in name or name.startswith("/"):
        return None
    resolved_seeds = resolved_seeds or seeds.resolve()
    if "/" not in name and name not in (".", "..") and not os.path.islink(seeds / name):
        return resolved_seeds / name  # what (seeds / name).resolve() gives, without resolving every component
    path = (seeds / name).resolve()
    try:
        path.relative_to(resolved_seeds)
    except ValueError:
        return None
    return path


class _Seeds:
    """Where seed names point: `resolve_seed` for a thousand names without pathlib's per-call cost.

    One directory listing tells which names are plain files (not links); such a name resolves to
    resolved-seeds/name, as `resolve_seed` would. Any other name takes `resolve_seed` itself.
    """

    def __init__(self, seeds: Path):
        self.seeds, self.resolved = seeds, seeds.resolve()
        self._resolved = str(self.resolved)
        try:
            with os.scandir(seeds) as it:
                self.entries = {e.name: e for e in it}
        except OSError:
            self.entries = {}

    def path(self, name: str) -> str | None:
        """The resolved path (as a string), or None when the name leaves seeds/."""
        entry = self.entries.get(name)
        if name and "/" not in name and "\\" not in name and name not in (".", "..") and not (entry and entry.is_symlink()):
            return self._resolved + os.sep + name
        path = resolve_seed(self.seeds, name, self.resolved)
        return None if path is None else str(path)

    def is_file(self, name: str, path: str) -> bool:
        entry = self.entries.get(name)
        if entry is not None and not entry.is_symlink() and path == self._resolved + os.sep + name:
            return entry.is_file()
        return os.path.isfile(path)


def check(ds: Dataset) -> list[Finding]:
    paths = ds.paths
    frame = ds.frame(SOURCES_TABLE)
    file = ds.file(SOURCES_TABLE)
    if SOURCES_TABLE not in ds.schemas:
        if paths.schema(SOURCES_TABLE).exists():
            return []  # the schema-invalid finding says what to fix
        return [Finding("source-metadata-missing", "schemas/sources.json is missing: the seeds metadata needs a schema",
                        file="schemas/sources.json")]
    if frame is None or "file" not in frame.columns:
        return []  # the table findings already say what is wrong with seeds/sources.csv
    findings = []
    listed: set[str] = set()
    has_hash = "sha256" in frame.columns
    seeds = _Seeds(paths.seeds)
    for row in frame.select(LINE, "file", *(["sha256"] if has_hash else [])).iter_rows(named=True):
        name, line = row["file"], row[LINE]
        if name is None:
            continue
        path = seeds.path(name)
        if path is None:
            findings.append(Finding("source-path-outside-seeds", f"{name!r} leaves seeds/: give a file name inside seeds/",
                                    file=file, line=line, field="file", value=name))
            continue
        listed.add(path)
        if not seeds.is_file(name, path):
            findings.append(Finding("source-file-missing", f"seeds/{name} does not exist: restore the file or remove its row",
                                    file=file, line=line, field="file", value=name))
            continue
        data = ds.seed_bytes.get(path)
        if data is None:
            data = Path(path).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = data[: exc.start].count(b"\n") + 1
            findings.append(Finding("encoding-error", f"seeds/{name} is not valid UTF-8 (byte(s) "
                                    f"{data[exc.start:exc.end].hex(' ')}): quotes cannot be checked against it; "
                                    "store the text as UTF-8, as a new source", file=paths.rel(Path(path)), line=bad_line))
        if has_hash and row["sha256"] and digest != row["sha256"]:
            findings.append(Finding("source-hash-mismatch",
                                    f"seeds/{name} has sha256 {digest}, not the recorded {row['sha256']}: source texts are never "
                                    "edited; restore the original (git checkout) or, for a new capture, add it as a new source",
                                    file=file, line=line, field="sha256", value=row["sha256"]))
    if paths.seeds.is_dir():
        for path in sorted(paths.seeds.iterdir()):
            if path.suffix in TEXT_SUFFIXES and (seeds.path(path.name) or str(path.resolve())) not in listed:
                findings.append(Finding("source-unlisted", f"seeds/{path.name} is not listed: add a row for it to "
                                        f"{file} with its sha256 ({sha256_file(path)})", file=paths.rel(path)))
    return findings


def load_texts(ds: Dataset, frame: pl.DataFrame | None = None) -> dict[str, str]:
    """source_id -> stored text, for every listed source that exists, is inside seeds/ and decodes.

    `frame` is the sources table when `ds` does not hold it yet. The bytes read are kept in
    `ds.seed_bytes` for the hash check.
    """
    frame = ds.frame(SOURCES_TABLE) if frame is None else frame
    if frame is None or not {"source_id", "file"} <= set(frame.columns):
        return {}
    texts = {}
    seeds = _Seeds(ds.paths.seeds)
    for sid, name in frame.select("source_id", "file").drop_nulls().iter_rows():
        path = seeds.path(name)
        if path is not None and seeds.is_file(name, path):
            with open(path, "rb") as fh:
                data = ds.seed_bytes[path] = fh.read()
            texts[sid] = data.decode("utf-8", errors="replace")
    return texts

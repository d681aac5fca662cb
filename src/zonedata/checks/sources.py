"""Check 1: every listed seed file exists inside seeds/, is unchanged (sha256), and every text is listed."""

from __future__ import annotations

import hashlib
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


def resolve_seed(seeds: Path, name: str) -> Path | None:
    """The seed file a metadata row names, or None when the path leaves seeds/."""
    if not name or "\\" in name or name.startswith("/"):
        return None
    path = (seeds / name).resolve()
    try:
        path.relative_to(seeds.resolve())
    except ValueError:
        return None
    return path


def check(ds: Dataset) -> list[Finding]:
    paths = ds.paths
    frame = ds.frame(SOURCES_TABLE)
    file = ds.file(SOURCES_TABLE)
    if SOURCES_TABLE not in ds.schemas:
        return [Finding("source-metadata-missing", "schemas/sources.json is missing: the seeds metadata needs a schema",
                        file="schemas/sources.json")]
    if frame is None or "file" not in frame.columns:
        return []  # the table findings already say what is wrong with seeds/sources.csv
    findings = []
    listed: set[Path] = set()
    has_hash = "sha256" in frame.columns
    for row in frame.select(LINE, "file", *(["sha256"] if has_hash else [])).iter_rows(named=True):
        name, line = row["file"], row[LINE]
        if name is None:
            continue
        path = resolve_seed(paths.seeds, name)
        if path is None:
            findings.append(Finding("source-path-outside-seeds", f"{name!r} leaves seeds/: give a file name inside seeds/",
                                    file=file, line=line, field="file", value=name))
            continue
        listed.add(path)
        if not path.is_file():
            findings.append(Finding("source-file-missing", f"seeds/{name} does not exist: restore the file or remove its row",
                                    file=file, line=line, field="file", value=name))
            continue
        digest = sha256_file(path)
        if has_hash and row["sha256"] and digest != row["sha256"]:
            findings.append(Finding("source-hash-mismatch",
                                    f"seeds/{name} has sha256 {digest}, not the recorded {row['sha256']}: source texts are never "
                                    "edited; restore the original (git checkout) or, for a new capture, add it as a new source",
                                    file=file, line=line, field="sha256", value=row["sha256"]))
    if paths.seeds.is_dir():
        for path in sorted(paths.seeds.iterdir()):
            if path.suffix in TEXT_SUFFIXES and path.resolve() not in listed:
                findings.append(Finding("source-unlisted", f"seeds/{path.name} is not listed: add a row for it to "
                                        f"{file} with its sha256 ({sha256_file(path)})", file=paths.rel(path)))
    return findings


def load_texts(ds: Dataset) -> dict[str, str]:
    """source_id -> stored text, for every listed source that exists, is inside seeds/ and decodes."""
    frame = ds.frame(SOURCES_TABLE)
    if frame is None or not {"source_id", "file"} <= set(frame.columns):
        return {}
    texts = {}
    for sid, name in frame.select("source_id", "file").drop_nulls().iter_rows():
        path = resolve_seed(ds.paths.seeds, name)
        if path is not None and path.is_file():
            texts[sid] = path.read_bytes().decode("utf-8", errors="replace")
    return texts

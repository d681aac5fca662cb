"""The seed texts: where a metadata row's file name points inside seeds/, reading the texts."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl


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


class Seeds:
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
        if (
            name
            and "/" not in name
            and "\\" not in name
            and name not in (".", "..")
            and not (entry and entry.is_symlink())
        ):
            return self._resolved + os.sep + name
        path = resolve_seed(self.seeds, name, self.resolved)
        return None if path is None else str(path)

    def is_file(self, name: str, path: str) -> bool:
        entry = self.entries.get(name)
        if entry is not None and not entry.is_symlink() and path == self._resolved + os.sep + name:
            return entry.is_file()
        return os.path.isfile(path)


def load_texts(seeds_dir: Path, frame: pl.DataFrame | None, seed_bytes: dict[str, bytes]) -> dict[str, str]:
    """source_id -> stored text, for every listed source that exists, is inside seeds/ and decodes.

    `frame` is the sources table. The bytes read are kept in `seed_bytes` (by resolved path) for
    the hash check.
    """
    if frame is None or not {"source_id", "file"} <= set(frame.columns):
        return {}
    texts = {}
    seeds = Seeds(seeds_dir)
    for sid, name in frame.select("source_id", "file").drop_nulls().iter_rows():
        path = seeds.path(name)
        if path is not None and seeds.is_file(name, path):
            with open(path, "rb") as fh:
                data = seed_bytes[path] = fh.read()
            texts[sid] = data.decode("utf-8", errors="replace")
    return texts

"""Every path convention of a zonedata package in one place (nothing else joins path strings)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Tables published from data/raw/ plus the sources table kept beside the seed texts.
SOURCES_TABLE = "sources"


@dataclass(frozen=True)
class Paths:
    """The layout of a zonedata package rooted at `root`."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def sources_csv(self) -> Path:
        return self.seeds / "sources.csv"

    @property
    def coverage_exclusions(self) -> Path:
        return self.seeds / "coverage_exclusions.csv"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    def schema(self, table: str) -> Path:
        return self.schemas / f"{table}.json"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    def raw_csv(self, table: str) -> Path:
        """Where a table's hand-curated CSV lives (sources sit beside the seed texts)."""
        if table == SOURCES_TABLE:
            return self.sources_csv
        return self.raw / f"{table}.csv"

    @property
    def clean(self) -> Path:
        return self.root / "data" / "clean"

    def clean_file(self, table: str, fmt: str) -> Path:
        return self.clean / f"{table}.{fmt}"

    @property
    def datapackage(self) -> Path:
        return self.root / "datapackage.json"

    @property
    def package_metadata(self) -> Path:
        """Package-level metadata of the published descriptor that is not derived from the data."""
        return self.root / "metadata" / "package.json"

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def citation_cff(self) -> Path:
        return self.root / "CITATION.cff"

    @property
    def zenodo_json(self) -> Path:
        return self.root / ".zenodo.json"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def data_dictionary(self) -> Path:
        return self.root / "docs" / "data-dictionary.md"

    def rel(self, path: Path) -> str:
        """A path as findings show it: relative to the root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(start: Path | None = None) -> Path:
    """The package root: $ZONEDATA_ROOT, else the nearest parent holding schemas/ and seeds/."""
    env = os.environ.get("ZONEDATA_ROOT")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "schemas").is_dir() and (candidate / "seeds").is_dir():
            return candidate
    return here

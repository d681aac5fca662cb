"""Loading a whole package once: schemas, raw tables and source texts, with their findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.findings import Finding
from zonedata.paths import SOURCES_TABLE, Paths
from zonedata.schema import TableSchema, load_schema, schema_names
from zonedata.tables import RawTable, read_table
from zonedata.findings import ConfigError

CITATIONS_TABLE = "citations"


@dataclass
class Dataset:
    paths: Paths
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    tables: dict[str, RawTable] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def texts(self) -> dict[str, str]:
        """source_id -> stored source text (listed, inside seeds/, present)."""
        if "texts" not in self._cache:
            from zonedata.checks.sources import load_texts

            self._cache["texts"] = load_texts(self)
        return self._cache["texts"]

    @property
    def located(self):
        """Citations with normalised quotes and computed stored-text offsets (see checks.provenance)."""
        if "located" not in self._cache:
            from zonedata.checks.provenance import locate_quotes

            self._cache["located"] = locate_quotes(self, self.texts)
        return self._cache["located"]

    def frame(self, table: str) -> pl.DataFrame | None:
        t = self.tables.get(table)
        return None if t is None else t.frame

    def file(self, table: str) -> str:
        return self.paths.rel(self.paths.raw_csv(table))


def load_dataset(root: Path) -> Dataset:
    """Read every schema and table. Schema problems are findings; a missing schemas/ is a ConfigError."""
    paths = Paths(Path(root))
    if not paths.schemas.is_dir():
        raise ConfigError(f"{root} has no schemas/ folder: is it a zonedata package? (pass --root)")
    ds = Dataset(paths)
    for name in schema_names(paths):
        try:
            ds.schemas[name] = load_schema(paths, name)
        except ConfigError as exc:
            ds.findings.append(Finding("schema-invalid", f"{exc}; fix the JSON", file=paths.rel(paths.schema(name))))
    for name, schema in ds.schemas.items():
        table = read_table(paths, schema)
        ds.tables[name] = table
        ds.findings.extend(table.findings)
    known = set(ds.schemas)
    if paths.raw.is_dir():
        for csv_path in sorted(paths.raw.glob("*.csv")):
            if csv_path.stem not in known and csv_path.stem != SOURCES_TABLE:
                ds.findings.append(Finding("schema-missing", f"no schema for this table: add schemas/{csv_path.stem}.json "
                                           "(every field with title, description, type and example)",
                                           file=paths.rel(csv_path)))
    return ds

"""Loading a whole package once: schemas, raw tables and source texts, with their findings."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.base.findings import ConfigError, Finding, SchemaError
from zonedata.base.paths import SOURCES_TABLE, Paths
from zonedata.loading.exclusions import read_exclusions
from zonedata.loading.schema import TableSchema, check_references, load_schema, schema_names
from zonedata.loading.schema_pandera import import_pandera
from zonedata.loading.seeds import load_texts
from zonedata.loading.tables import RawTable, check_constraints, parse_table, read_table
from zonedata.text.locate import QUOTE_FIELDS, Located, locate_quotes
from zonedata.text.normalise import SourceText

CITATIONS_TABLE = "citations"


@dataclass
class Dataset:
    paths: Paths
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    tables: dict[str, RawTable] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    #: a path of the package leaves the root: nothing was read, and `findings` say which (rule path-outside-root)
    refused: bool = False
    #: seeds/coverage_exclusions.csv as read (see loading.exclusions); None when there is none
    exclusions: RawTable | None = None

    #: seed file contents read for `texts` (by resolved path), so the hash check reads each file once
    seed_bytes: dict[str, bytes] = field(default_factory=dict, repr=False)

    _cache: dict = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)  # checks run in threads

    @property
    def texts(self) -> dict[str, str]:
        """source_id -> stored source text (listed, inside seeds/, present)."""
        with self._lock:
            if "texts" not in self._cache:
                self._cache["texts"] = load_texts(self.paths.seeds, self.frame(SOURCES_TABLE), self.seed_bytes)
            return self._cache["texts"]

    @property
    def source_texts(self) -> dict[str, SourceText]:
        """source_id -> `SourceText` (normalised text and offsets) of each of `texts`."""
        with self._lock:
            if "source_texts" not in self._cache:
                self._cache["source_texts"] = SourceText.many(self.texts)
            return self._cache["source_texts"]

    @property
    def located(self) -> Located | None:
        """Citations with normalised quotes and computed stored-text offsets (see text.locate)."""
        future = self._cache.get("located_future")
        if future is not None:
            future.result()  # started while the tables were read; it takes the lock itself, so wait outside it
        with self._lock:
            if "located" not in self._cache:
                self._cache["located"] = locate_quotes(_quotes(self.tables.get(CITATIONS_TABLE)), self.source_texts)
            return self._cache["located"]

    def frame(self, table: str) -> pl.DataFrame | None:
        """The typed rows of `table` (every column of its schema); None when it has no valid schema."""
        t = self.tables.get(table)
        return None if t is None else t.frame

    def file(self, table: str) -> str:
        return self.paths.rel(self.paths.raw_csv(table))


def _quotes(citations: RawTable | None) -> pl.DataFrame | None:
    """The citations' rows whose quotes `locate_quotes` locates: None when the table has no valid schema or
    lacks a field a quote is located by (that has its finding; no quote is then found or missed)."""
    return None if citations is None or citations.lacks(*QUOTE_FIELDS) else citations.frame


def _read_tables(ds: Dataset) -> list[RawTable]:
    """Read the tables two at a time (one thread per core on the 2-core machines CI gives): polars
    releases the GIL while it parses, so one thread's polars work overlaps the other's Python.

    Tasks are submitted in priority order, and a worker always takes the earliest task waiting; a
    task waits only on tasks submitted before it, so the two workers never deadlock. First comes the
    longest chain of work: parse the citations, read and normalise the source texts, locate the
    quotes in them (which the provenance check, coverage and the build need next; it may run on
    beside the first checks, and `Dataset.located` waits for it). Then the other tables are parsed,
    largest first, and last come each table's Pandera checks. Meanwhile this thread, which would
    only wait, imports what the tasks need next (numpy, Pandera, the number grammar): importing
    holds the GIL, but parsing mostly runs in polars without it.
    """
    paths, schemas = ds.paths, list(ds.schemas.values())

    def size(schema: TableSchema) -> int:
        try:
            return paths.raw_csv(schema.name).stat().st_size
        except OSError:
            return 0

    def prefetch_texts(sources) -> None:
        texts = load_texts(paths.seeds, sources.result().frame, ds.seed_bytes)
        normalised = SourceText.many(texts)
        with ds._lock:
            ds._cache.setdefault("texts", texts)
            ds._cache.setdefault("source_texts", normalised)

    def prefetch_located(citations, texts) -> None:
        texts.result()
        located = locate_quotes(_quotes(citations.result()), ds.source_texts)
        with ds._lock:
            ds._cache.setdefault("located", located)

    def constraints(parsed) -> RawTable:
        return check_constraints(parsed.result())  # waits for the import of Pandera below, if still going on

    # Pandera runs a few small lazy queries per column; polars' default engine choice for them is
    # the streaming engine, whose start-up makes them ~40% slower (same results)
    with pl.Config(engine_affinity="in-memory"):
        workers = min(2, os.cpu_count() or 1, len(schemas))
        if workers < 2:
            return [read_table(paths, schema) for schema in schemas]
        by_name = {schema.name: schema for schema in schemas}
        # every import the tasks need is done before they start: importing C extensions (numpy,
        # Pandera's pydantic) on one thread while polars parses on others once crashed a 1M build
        import_pandera()
        pool = ThreadPoolExecutor(workers)
        try:
            parsed = {}
            for name in (CITATIONS_TABLE, SOURCES_TABLE):
                if name in by_name:
                    parsed[name] = pool.submit(parse_table, paths, by_name[name])
            if SOURCES_TABLE in parsed:  # the texts need the sources' rows, not their Pandera findings
                texts = pool.submit(prefetch_texts, parsed[SOURCES_TABLE])
            rest = sorted((schema for schema in schemas if schema.name not in parsed), key=size, reverse=True)
            if rest:  # the largest other table is parsed while the citations still are
                parsed[rest[0].name] = pool.submit(parse_table, paths, rest[0])
            if SOURCES_TABLE in parsed and CITATIONS_TABLE in parsed:
                ds._cache["located_future"] = pool.submit(prefetch_located, parsed[CITATIONS_TABLE], texts)
            for schema in rest[1:]:
                parsed[schema.name] = pool.submit(parse_table, paths, schema)
            checked = {
                schema.name: pool.submit(constraints, parsed[schema.name])
                for schema in [*rest, *(by_name[name] for name in (CITATIONS_TABLE, SOURCES_TABLE) if name in by_name)]
            }
            if SOURCES_TABLE in parsed:
                texts.result()
            return [checked[schema.name].result() for schema in schemas]
        finally:
            pool.shutdown(wait=False)


def confinement_findings(paths: Paths) -> list[Finding]:
    """A finding for every path of the package that zonedata must not follow: a symlink out of the root or a
    symlink loop (path-outside-root), a FIFO, socket or device (file-not-regular)."""
    findings = []
    for path, real, kind in paths.hazards():
        rel = paths.rel(path)
        if kind == "special":
            findings.append(
                Finding(
                    "file-not-regular",
                    f"{rel} is not a regular file (a FIFO, socket or device), which "
                    "zonedata will not read: replace it with a file",
                    file=rel,
                )
            )
        else:
            findings.append(
                Finding(
                    "path-outside-root",
                    f"{rel} is "
                    + (f"a link to {real}, outside the package root" if real else "a symlink loop, which leads nowhere")
                    + ": zonedata reads and writes only inside the package; replace the link with the file or folder "
                    "itself",
                    file=rel,
                    value=str(real) if real else None,
                )
            )
    return findings


def load_dataset(root: Path) -> Dataset:
    """Read every schema and table. Schema problems are findings; a missing schemas/ is a ConfigError."""
    paths = Paths(Path(root))
    if not paths.schemas.is_dir():
        raise ConfigError(f"{root} has no schemas/ folder: is it a zonedata package? (pass --root)")
    ds = Dataset(paths)
    escapes = confinement_findings(paths)
    if escapes:  # read nothing through a link that leaves the package: these findings are the whole report
        ds.findings, ds.refused = escapes, True
        return ds
    for name in schema_names(paths):
        try:
            ds.schemas[name] = load_schema(paths, name)
        except SchemaError as exc:  # says how to fix it, and at which field
            ds.findings.append(
                Finding(
                    "schema-invalid", str(exc), file=paths.rel(paths.schema(name)), field=exc.field, value=exc.value
                )
            )
        except ConfigError as exc:
            ds.findings.append(Finding("schema-invalid", f"{exc}; fix the JSON", file=paths.rel(paths.schema(name))))
    # a key to a table or field that does not exist would be skipped, and its values published unchecked
    for name, problem in check_references(ds.schemas, schema_names(paths)).items():
        ds.findings.append(Finding("schema-invalid", problem, file=paths.rel(paths.schema(name))))
        del ds.schemas[name]
    for name, table in zip(ds.schemas, _read_tables(ds)):
        ds.tables[name] = table
        ds.findings.extend(table.findings)
    ds.exclusions = read_exclusions(paths)
    if ds.exclusions is not None:
        ds.findings.extend(ds.exclusions.findings)
    known = set(schema_names(paths))  # a table whose schema is invalid has that finding, not "no schema"
    if paths.raw.is_dir():
        for csv_path in sorted(paths.raw.glob("*.csv")):
            if csv_path.stem not in known and csv_path.stem != SOURCES_TABLE:
                ds.findings.append(
                    Finding(
                        "schema-missing",
                        f"no schema for this table: add schemas/{csv_path.stem}.json "
                        "(every field with title, description, type and example)",
                        file=paths.rel(csv_path),
                    )
                )
    return ds

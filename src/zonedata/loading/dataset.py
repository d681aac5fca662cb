"""Loading a whole package once: schemas, raw tables and source texts, with their findings."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.base.findings import ConfigError, Finding, SchemaError
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import Vocabulary
from zonedata.loading.exclusions import read_exclusions
from zonedata.loading.schema import (
    Roles,
    TableSchema,
    check_references,
    find_roles,
    load_schema,
    publication_order,
    schema_names,
)
from zonedata.loading.schema_pandera import import_pandera
from zonedata.loading.seeds import load_texts
from zonedata.loading.tables import RawTable, check_constraints, constraints_pass, parse_table, read_table
from zonedata.loading.vocabulary import read_vocabulary, vocabulary_constraints
from zonedata.text.locate import QUOTE_FIELDS, Located, locate_quotes
from zonedata.text.normalise import SourceText
from zonedata.text.numbers import Grammar


@dataclass(frozen=True)
class Dataset:
    """A package as read, fully loaded by `load_dataset`: its schemas, roles, raw tables, source texts and
    located quotes, with the findings of reading them. Nothing is computed on access."""

    paths: Paths
    schemas: dict[str, TableSchema] = field(default_factory=dict)
    tables: dict[str, RawTable] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    #: a path of the package leaves the root: nothing was read, and `findings` say which (rule path-outside-root)
    refused: bool = False
    #: seeds/coverage_exclusions.csv as read (see loading.exclusions); None when there is none
    exclusions: RawTable | None = None
    #: the tables that play the sources, citations and figures roles (schema property `role`)
    roles: Roles = field(default_factory=Roles)
    #: the dataset's words (metadata/vocabulary/*.csv, see loading.vocabulary) and the number grammar built
    #: from them, which reads every quote's figures
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    grammar: Grammar = field(default_factory=lambda: Grammar(Vocabulary()), repr=False)
    #: metadata/package.json and pyproject.toml (path relative to the root -> bytes), read once right after the
    #: confinement check: the build publishes these bytes, never a file (or an outside link) swapped in since
    inputs: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: seed file contents read for `texts` (by resolved path), so the hash check reads each file once
    seed_bytes: dict[str, bytes] = field(default_factory=dict, repr=False)
    #: source_id -> stored source text (listed, inside seeds/, present)
    texts: dict[str, str] = field(default_factory=dict, repr=False)
    #: source_id -> `SourceText` (normalised text and offsets) of each of `texts`
    source_texts: dict[str, SourceText] = field(default_factory=dict, repr=False)
    #: the citations with normalised quotes and computed stored-text offsets (see text.locate); None when the
    #: citations cannot be read (that has its finding)
    located: Located | None = field(default=None, repr=False)

    def frame(self, table: str) -> pl.DataFrame | None:
        """The typed rows of `table` (every column of its schema); None when it has no valid schema."""
        t = self.tables.get(table)
        return None if t is None else t.frame

    def file(self, table: str) -> str:
        return self.paths.rel(self.paths.raw_csv(table))

    def role_table(self, role: str) -> RawTable | None:
        """The table that plays `role` ("sources", "citations", "figures"), as read; None when no valid
        schema declares the role (its schema-invalid finding says so) or that table's schema is invalid."""
        r = getattr(self.roles, role)
        return None if r is None else self.tables.get(r.table)

    def role_frame(self, role: str, *, strings: bool = False) -> pl.DataFrame | None:
        """The typed rows (or, with `strings`, the rows as written) of the table that plays `role`, with
        the role's fields under their default names (`ROLE_FIELDS`); None as for `role_table`."""
        table = self.role_table(role)
        if table is None:
            return None
        return getattr(self.roles, role).canonical(table.strings if strings else table.frame)

    def role_lacks(self, role: str, *fields: str) -> bool:
        """Whether the table that plays `role` is missing, or holds no values for one of the role's `fields`
        (default names; see RawTable.lacks)."""
        table, r = self.role_table(role), getattr(self.roles, role)
        return table is None or table.lacks(*(r[f] for f in fields))


def _sources(roles: Roles, table: RawTable | None) -> pl.DataFrame | None:
    """The sources' rows, their fields under the role's default names; None without a valid sources table."""
    return None if roles.sources is None or table is None else roles.sources.canonical(table.frame)


def _quotes(roles: Roles, table: RawTable | None) -> pl.DataFrame | None:
    """The citations' rows whose quotes `locate_quotes` locates, their fields under the role's default
    names: None when the table has no valid schema or lacks a field a quote is located by (that has its
    finding; no quote is then found or missed)."""
    role = roles.citations
    if role is None or table is None or table.lacks(*(role[f] for f in QUOTE_FIELDS)):
        return None
    return role.canonical(table.frame)


@dataclass(frozen=True)
class _Read:
    """What `_read_tables` reads: the tables (in the order of the schemas), the texts and the located quotes."""

    tables: list[RawTable]
    seed_bytes: dict[str, bytes]
    texts: dict[str, str]
    source_texts: dict[str, SourceText]
    located: Located | None


def _read_tables(paths: Paths, schemas: list[TableSchema], roles: Roles) -> _Read:
    """Read the tables, the source texts and locate the quotes, two tasks at a time (one thread per core
    on the 2-core machines CI gives): polars releases the GIL while it parses, so one thread's polars
    work overlaps the other's Python.

    Tasks are submitted in priority order, and a worker always takes the earliest task waiting; a
    task waits only on tasks submitted before it, so the two workers never deadlock. First comes the
    longest chain of work: parse the citations, read and normalise the source texts, locate the
    quotes in them. Then the other tables are parsed, largest first, and last comes, for each table,
    one query that says whether its constraints all hold (`constraints_pass`). Only a table where one
    fails goes to Pandera, which says what fails, and only then is Pandera imported: once every worker
    is done (importing C extensions, numpy or Pandera's pydantic, on one thread while polars parses on
    another once crashed a 1M build). A valid package never imports Pandera. Everything is read when
    this returns: the Dataset is built from the results.
    """
    seed_bytes: dict[str, bytes] = {}
    by_name = {schema.name: schema for schema in schemas}
    sources, citations = roles.table("sources"), roles.table("citations")

    def size(schema: TableSchema) -> int:
        try:
            return paths.raw_csv(schema.name).stat().st_size
        except OSError:
            return 0

    def texts_of(parsed_sources: RawTable | None) -> tuple[dict[str, str], dict[str, SourceText]]:
        texts = load_texts(paths.seeds, _sources(roles, parsed_sources), seed_bytes)
        return texts, SourceText.many(texts)

    # Pandera runs a few small lazy queries per column; polars' default engine choice for them is
    # the streaming engine, whose start-up makes them ~40% slower (same results)
    with pl.Config(engine_affinity="in-memory"):
        workers = min(2, os.cpu_count() or 1, len(schemas))
        if workers < 2:
            tables = [read_table(paths, schema) for schema in schemas]
            read = dict(zip((s.name for s in schemas), tables))
            texts, normalised = texts_of(read.get(sources) if sources else None)
            located = locate_quotes(_quotes(roles, read.get(citations) if citations else None), normalised)
            return _Read(tables, seed_bytes, texts, normalised, located)
        with ThreadPoolExecutor(workers) as pool:
            parsed = {}
            for name in (citations, sources):
                if name is not None and name in by_name:
                    parsed[name] = pool.submit(parse_table, paths, by_name[name])
            source_future = parsed.get(sources) if sources else None
            cite_future = parsed.get(citations) if citations else None

            def read_texts() -> tuple[dict[str, str], dict[str, SourceText]]:
                # the texts need the sources' rows, not their Pandera findings
                return texts_of(source_future.result() if source_future else None)

            def locate() -> Located | None:
                return locate_quotes(
                    _quotes(roles, cite_future.result() if cite_future else None), texts_future.result()[1]
                )

            def passes(name: str) -> bool:
                return constraints_pass(parsed[name].result())

            texts_future = pool.submit(read_texts)
            rest = sorted((schema for schema in schemas if schema.name not in parsed), key=size, reverse=True)
            if rest:  # the largest other table is parsed while the citations still are
                parsed[rest[0].name] = pool.submit(parse_table, paths, rest[0])
            located = pool.submit(locate)
            for schema in rest[1:]:
                parsed[schema.name] = pool.submit(parse_table, paths, schema)
            verdicts = {
                name: pool.submit(passes, name)
                for name in [*(s.name for s in rest), *(n for n in (citations, sources) if n in parsed)]
            }
            tables = {name: future.result() for name, future in parsed.items()}
            failing = [name for name, verdict in verdicts.items() if not verdict.result()]
            texts, normalised = texts_future.result()
            found = located.result()
        # every worker is done: Pandera says what fails in the tables where the one query found something
        if failing:
            import_pandera()
            for name in failing:
                check_constraints(tables[name])
        return _Read([tables[schema.name] for schema in schemas], seed_bytes, texts, normalised, found)


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


def _read_inputs(paths: Paths) -> dict[str, bytes]:
    """The package's own metadata files, each read once, not through a link (O_NOFOLLOW): a file that cannot be
    read here is left out, and its reader reports it as before."""
    out = {}
    for path in (paths.package_metadata, paths.pyproject):
        try:
            fd = os.open(paths.confined(path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except (OSError, ConfigError):
            continue
        with os.fdopen(fd, "rb") as fh:
            try:
                out[paths.rel(path)] = fh.read()
            except OSError:
                continue
    return out


def load_dataset(root: Path) -> Dataset:
    """Read every schema and table, the source texts, and locate the quotes: the Dataset is returned fully
    loaded and frozen. Schema problems are findings; a missing schemas/ is a ConfigError."""
    paths = Paths(Path(root))
    if not paths.schemas.is_dir():
        raise ConfigError(f"{root} has no schemas/ folder: is it a zonedata package? (pass --root)")
    escapes = confinement_findings(paths)
    if escapes:  # read nothing through a link that leaves the package: these findings are the whole report
        return Dataset(paths, findings=tuple(escapes), refused=True)
    inputs = _read_inputs(paths)
    findings: list[Finding] = []
    vocabulary, found, vocabulary_tables = read_vocabulary(paths, constraints=False)
    findings.extend(found)
    schemas: dict[str, TableSchema] = {}
    named = schema_names(paths)
    for name in named:
        try:
            schemas[name] = load_schema(paths, name, vocabulary)
        except SchemaError as exc:  # says how to fix it, and at which field
            findings.append(
                Finding(
                    "schema-invalid", str(exc), file=paths.rel(paths.schema(name)), field=exc.field, value=exc.value
                )
            )
        except ConfigError as exc:
            findings.append(Finding("schema-invalid", f"{exc}; fix the JSON", file=paths.rel(paths.schema(name))))
    # the tables the engine treats specially; a missing role is a finding, never a check that passes unseen
    roles, problems = find_roles(schemas, named)
    findings.extend(Finding("schema-invalid", why, file=file) for file, why in problems)
    # a key to a table or field that does not exist would be skipped, and its values published unchecked
    for name, problem in check_references(schemas, named).items():
        findings.append(Finding("schema-invalid", problem, file=paths.rel(paths.schema(name))))
        del schemas[name]
    paths = paths.with_sources(roles.table("sources"))
    schemas = {name: schemas[name] for name in publication_order(schemas, roles)}
    read = _read_tables(paths, list(schemas.values()), roles)
    tables = dict(zip(schemas, read.tables))
    for table in read.tables:
        findings.extend(table.findings)
    findings.extend(vocabulary_constraints(vocabulary_tables))  # (Pandera is imported by now)
    exclusions = read_exclusions(paths, roles.sources["source_id"] if roles.sources else "source_id")
    if exclusions is not None:
        findings.extend(exclusions.findings)
    if paths.raw.is_dir():  # (a table whose schema is invalid has that finding, not "no schema")
        for csv_path in sorted(paths.raw.glob("*.csv")):
            if csv_path.stem not in named and csv_path.stem != roles.table("sources"):
                findings.append(
                    Finding(
                        "schema-missing",
                        f"no schema for this table: add schemas/{csv_path.stem}.json "
                        "(every field with title, description, type and example)",
                        file=paths.rel(csv_path),
                    )
                )
    return Dataset(
        paths,
        schemas,
        tables,
        tuple(findings),
        exclusions=exclusions,
        roles=roles,
        vocabulary=vocabulary,
        grammar=Grammar(vocabulary),
        inputs=inputs,
        seed_bytes=read.seed_bytes,
        texts=read.texts,
        source_texts=read.source_texts,
        located=read.located,
    )

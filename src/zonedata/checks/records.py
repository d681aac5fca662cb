"""The record each finding is about: the primary key of the row at the finding's file and line.

Checks report a file and a line; a curator looks records up by id. One pass after all checks fills
`Finding.record` for every finding on a table row, from the row's primary key as read (a key that
could not be read stays empty); a row that supports another record (a citation) names that record. Only the lines that have findings are looked up.
"""

from __future__ import annotations

import dataclasses

import polars as pl

from zonedata.base.findings import LINE, Finding


def _record_key(schema) -> tuple[list[str], str]:
    """The fields that name a row's record: its primary key, or, for a row whose key holds a reference
    to another table's record (a citation: record_table, record_id, source, quote), that reference,
    which a curator knows the row by ("statistics:stat-0008")."""
    key = list(schema.primary_key)
    if len(key) > 1:
        for poly in schema.polymorphic_keys:
            if poly.table_field in key and poly.id_field in key:
                return [poly.table_field, poly.id_field], ":"
    return key, ","


def with_records(findings: list[Finding], tables: dict) -> list[Finding]:
    """`findings`, each finding on a row of a table carrying that row's primary key in `record`
    (several key fields joined with ',')."""
    wanted: dict[str, set[int]] = {}
    for f in findings:
        if f.record is None and f.file and f.line:
            wanted.setdefault(f.file, set()).add(f.line)
    if not wanted:
        return findings
    ids: dict[tuple[str | None, int | None], str] = {}
    for table in tables.values():
        lines = wanted.get(table.file)
        key, sep = _record_key(table.schema)
        if not lines or not key or table.lacks(*key) or LINE not in table.frame.columns:
            continue
        rows = table.frame.select(LINE, *key).filter(pl.col(LINE).is_in(sorted(lines)))
        for line, *values in rows.iter_rows():
            if all(v is not None for v in values):
                ids[(table.file, line)] = sep.join(str(v) for v in values)
    out = []
    for f in findings:
        record = ids.get((f.file, f.line)) if f.record is None else None
        out.append(dataclasses.replace(f, record=record) if record else f)
    return out

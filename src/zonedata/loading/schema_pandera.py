"""The execution of a table's specification (loading/schema.py) by Pandera's polars backend.

pandera splits what a schema declares (`api/`) from how it runs (`backends/`); zonedata does the
same: loading/schema.py parses the Table Schemas, this module turns one into a Pandera schema.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import polars as pl

from zonedata.loading.schema import POLARS_TYPES, Field, TableSchema


def to_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def import_pandera():
    """`pandera.polars`, imported when a table is first checked (`zonedata --help` does not need it).

    The runtime environment (`pip install zonedata`) has no pandas, so Pandera registers only its
    polars backend; the test environment adds pandas (frictionless reads Parquet with it).
    """
    import pandera.polars

    return pandera.polars


def _list_items_ok(column: str, delimiter: str) -> pl.Expr:
    """Per row: the list field's CSV text splits into items that are non-empty, without surrounding spaces,
    without a stray half of the delimiter ('a;b' where the delimiter is '; ') and not repeated (null: true)."""
    stray = delimiter.strip() if delimiter.strip() != delimiter else None
    items = pl.col(column).str.split(delimiter)
    good = (pl.element() != "") & (pl.element() == pl.element().str.strip_chars())
    if stray:
        good = good & ~pl.element().str.contains(stray, literal=True)
    return (items.list.eval(good).list.all() & (items.list.n_unique() == items.list.len())).fill_null(True)


def _list_length_ok(column: str, delimiter: str, lo: int | None, hi: int | None) -> pl.Expr:
    """Per row: minLength/maxLength as numbers of items (Table Schema v2; null: true)."""
    n = pl.col(column).str.split(delimiter).list.len()
    ok = pl.lit(True)
    if lo is not None:
        ok = ok & (n >= lo)
    if hi is not None:
        ok = ok & (n <= hi)
    return ok.fill_null(True)


def _list_checks(pa, f: Field) -> list:
    """The checks of a list field's CSV text (see `_list_items_ok`, `_list_length_ok`)."""
    delimiter = f.delimiter
    checks = [pa.Check(lambda data: data.lazyframe.select(_list_items_ok(data.key, delimiter)), name="list_items")]
    lo, hi = f.constraints.get("minLength"), f.constraints.get("maxLength")
    if lo is not None or hi is not None:
        checks.append(
            pa.Check(
                lambda data: data.lazyframe.select(_list_length_ok(data.key, delimiter, lo, hi)), name="list_length"
            )
        )
    return checks


def _bounds(f: Field) -> tuple:
    lo, hi = f.constraints.get("minimum"), f.constraints.get("maximum")
    return (to_date(lo), to_date(hi)) if f.type == "date" else (lo, hi)


def _enum(f: Field) -> list:
    return [to_date(v) for v in f.constraints["enum"]] if f.type == "date" else list(f.constraints["enum"])


def _unique(schema: TableSchema, f: Field) -> bool:
    # a single-field primary key is checked by the keys check (rule primary-key-duplicate)
    return bool(f.constraints.get("unique")) and schema.primary_key != (f.name,)


def constraints_hold(frame: pl.DataFrame, schema: TableSchema, present: Collection[str]) -> bool:
    """Whether every check `pandera_schema` makes on `frame` passes, found in one polars query, without
    importing Pandera. Each condition is that check's own expression, with Pandera's treatment of nulls
    (a null passes a value check: Check's ignore_na); an expression polars cannot evaluate on the column
    (a pattern on a number) counts as failing. False only sends the table to Pandera, which then says
    what fails: a valid table (every table, on every run of the real data) costs one query and no
    import of Pandera, pydantic and, where installed, pandas (`tests/test_table_reader.py` holds the
    two to the same verdict on every corpus case)."""
    conditions: list[pl.Expr] = []
    for f in schema.raw_fields:
        if f.name not in present or f.name not in frame.columns:
            continue
        c, col = f.constraints, pl.col(f.name)
        if f.required:  # Pandera counts NaN as null
            present_ok = col.is_not_null() & ~col.is_nan() if frame.schema[f.name].is_float() else col.is_not_null()
            conditions.append(present_ok.all())
        if _unique(schema, f):
            conditions.append(~col.is_duplicated().any())
        values = []
        if "enum" in c:
            values.append(col.is_in(_enum(f)))
        if "pattern" in c:
            values.append(col.str.contains(rf"^(?:{c['pattern']})$"))
        lo, hi = _bounds(f)
        if lo is not None:
            values.append(col >= lo)
        if hi is not None:
            values.append(col <= hi)
        if f.type == "list":
            values.append(_list_items_ok(f.name, f.delimiter))
            if c.get("minLength") is not None or c.get("maxLength") is not None:
                values.append(_list_length_ok(f.name, f.delimiter, c.get("minLength"), c.get("maxLength")))
        else:
            if "minLength" in c:
                values.append(col.str.len_chars() >= c["minLength"])
            if "maxLength" in c:
                values.append(col.str.len_chars() <= c["maxLength"])
        conditions += [(value | value.is_null()).all() for value in values]
    if not conditions:
        return True
    try:
        return all(frame.select(c.alias(str(i)) for i, c in enumerate(conditions)).row(0))
    except pl.exceptions.PolarsError:
        return False


def pandera_schema(schema: TableSchema, present: Collection[str] | None = None):
    """The Pandera (polars backend) schema checking a typed raw table: of the fields in `present`
    when given (a missing column is one header finding, not one per row). Imported lazily (see
    `import_pandera`)."""
    pa = import_pandera()

    columns = {}
    for f in schema.raw_fields:
        if present is not None and f.name not in present:
            continue
        c = f.constraints
        checks = []
        if "enum" in c:
            checks.append(pa.Check.isin(_enum(f)))
        if "pattern" in c:
            # str_matches anchors only the start, so anchor the end too
            checks.append(pa.Check.str_matches(rf"^(?:{c['pattern']})$"))
        lo, hi = _bounds(f)
        if lo is not None and hi is not None:
            checks.append(pa.Check.in_range(lo, hi))  # one query for both bounds
        elif lo is not None:
            checks.append(pa.Check.ge(lo))
        elif hi is not None:
            checks.append(pa.Check.le(hi))
        if f.type == "list":
            checks += _list_checks(pa, f)
        else:
            if "minLength" in c:
                checks.append(pa.Check.str_length(min_value=c["minLength"]))
            if "maxLength" in c:
                checks.append(pa.Check.str_length(max_value=c["maxLength"]))
        columns[f.name] = pa.Column(
            POLARS_TYPES[f.type],
            nullable=not f.required,
            unique=_unique(schema, f),
            checks=checks,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False, name=schema.name)

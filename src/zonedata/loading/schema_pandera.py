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


def _list_checks(pa, f: Field) -> list:
    """The checks of a list field's CSV text: every item non-empty, without surrounding spaces,
    without a stray half of the delimiter ('a;b' where the delimiter is '; ') and not repeated; and
    minLength/maxLength as numbers of items (Table Schema v2)."""
    delimiter = f.delimiter
    stray = delimiter.strip() if delimiter.strip() != delimiter else None

    def items_ok(data):
        items = pl.col(data.key).str.split(delimiter)
        good = (pl.element() != "") & (pl.element() == pl.element().str.strip_chars())
        if stray:
            good = good & ~pl.element().str.contains(stray, literal=True)
        ok = items.list.eval(good).list.all() & (items.list.n_unique() == items.list.len())
        return data.lazyframe.select(ok.fill_null(True))

    checks = [pa.Check(items_ok, name="list_items")]
    lo, hi = f.constraints.get("minLength"), f.constraints.get("maxLength")
    if lo is not None or hi is not None:

        def count_ok(data):
            n = pl.col(data.key).str.split(delimiter).list.len()
            ok = pl.lit(True)
            if lo is not None:
                ok = ok & (n >= lo)
            if hi is not None:
                ok = ok & (n <= hi)
            return data.lazyframe.select(ok.fill_null(True))

        checks.append(pa.Check(count_ok, name="list_length"))
    return checks


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
            checks.append(pa.Check.isin([to_date(v) for v in c["enum"]] if f.type == "date" else list(c["enum"])))
        if "pattern" in c:
            # str_matches anchors only the start, so anchor the end too
            checks.append(pa.Check.str_matches(rf"^(?:{c['pattern']})$"))
        lo, hi = c.get("minimum"), c.get("maximum")
        if f.type == "date":
            lo, hi = to_date(lo), to_date(hi)
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
            # a single-field primary key is checked by the keys check (rule primary-key-duplicate)
            unique=bool(c.get("unique")) and schema.primary_key != (f.name,),
            checks=checks,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False, name=schema.name)

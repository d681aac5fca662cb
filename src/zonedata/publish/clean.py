"""Raw tables to clean, published tables: typed columns, exact numbers, derived fields, fixed order.

Published types (the same for Parquet and CSV): string, Int64, Date, Boolean, and every
Table Schema `number` as an exact Decimal(38, 6) parsed from the cell text as written
(never from the float the validator reads). Rows are sorted by primary key and columns
follow the schema, derived fields included.

Derived fields are computed here and only here; a schema that declares a derived field this
module does not know is a configuration error, so the two cannot drift apart silently.

Normalisation of figures (the table with the figures role; exact decimal arithmetic, no binary floats):
    value_normalised = value x scale x unit factor
scale is 1, 10^3, 10^6, 10^9 or 10^12; the unit factor is 1 except for mu, which is exactly
2000/3 m2. The result keeps 6 decimal places; the only inexact step, the division by 3 for
mu, is rounded half to even (ties cannot occur when dividing by 3, so this is also
round-to-nearest). 1200 mu is 800000 m2 and 1.5 mu is 1000 m2 exactly.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import polars as pl

from zonedata.base.findings import LINE, ConfigError
from zonedata.base.vocabulary import DECIMAL, TYPES, Vocabulary, normalisation_factor, normalisation_overflows
from zonedata.loading.dataset import Dataset
from zonedata.loading.schema import TableSchema, list_items
from zonedata.loading.tables import exact_decimal
from zonedata.text.normalise import stored_passages


@dataclass
class CleanTable:
    name: str
    schema: TableSchema
    frame: pl.DataFrame


def published_schema(schema: TableSchema) -> dict[str, Any]:
    """Column name -> published polars dtype, in schema order (derived fields included)."""
    return {f.name: TYPES[f.type].published for f in schema.fields}


def _exact_numbers(table, schema: TableSchema) -> list[pl.Expr]:
    """Number fields parsed from the cell text as Decimal. Reading the table already refused any
    value that is not a plain decimal that Decimal(38, 6) holds (a type error), so none is rounded
    and none silently becomes null."""
    return [exact_decimal(pl.col(f.name)).alias(f.name) for f in schema.raw_fields if f.type == "number"]


def _base_frame(ds: Dataset, name: str) -> pl.DataFrame:
    """The raw fields of one table, typed for publication, with the LINE column kept for joins (a column
    the raw file lacks, in an invalid table, is all null there: it is published empty)."""
    table, schema = ds.tables[name], ds.schemas[name]
    frame = table.frame
    exprs = _exact_numbers(table, schema)
    if exprs:
        numbers = table.strings.select(LINE, *exprs)
        frame = frame.drop([c for c in numbers.columns if c != LINE]).join(numbers, on=LINE, how="left")
    lists = [list_items(f.name, f.delimiter) for f in schema.raw_fields if f.type == "list"]
    return frame.with_columns(lists) if lists else frame


def derive_figures(ds: Dataset, frame: pl.DataFrame) -> pl.DataFrame:
    """value_normalised, unit_normalised and currency from value, scale and unit (exact decimals).
    A value whose normalised form would not fit Decimal(38, 6) gets an empty value_normalised (the
    consistency check reports it as range-violation), never an overflow error: validate compares
    the publication with this while that finding is still being made."""
    unit = pl.col("unit")
    units = ds.vocabulary.recorded_units
    numerator = normalisation_factor(pl.col("scale"), unit, ds.vocabulary)
    denominator = unit.replace_strict({u: x.denominator for u, x in units.items()}, default=None, return_dtype=pl.Int64)
    value = pl.col("value").cast(DECIMAL)
    factors = frame.select(numerator.alias("f"))["f"]
    overflows = normalisation_overflows(frame.select(value)["value"], factors)
    if overflows.any():
        value = pl.when(pl.lit(overflows)).then(None).otherwise(value)
    return frame.with_columns(
        value_normalised=(value * numerator / denominator).cast(DECIMAL),
        unit_normalised=unit.replace_strict(
            {u: x.normalised for u, x in units.items()}, default=None, return_dtype=pl.String
        ),
        currency=unit.replace_strict({u: x.currency for u, x in units.items()}, default=None, return_dtype=pl.String),
    )


def derive_citations(ds: Dataset, frame: pl.DataFrame) -> pl.DataFrame:
    """quote_start and quote_end: the code-point offsets [start, end) of the quote in the stored text,
    and the published quote is the text at those offsets (`text[quote_start:quote_end]`): the source's
    own passage, with its quotes, dashes and spaces, not the curator's typing of it."""
    located = ds.located
    if located is None:
        return frame.with_columns(quote_start=pl.lit(None, dtype=pl.Int64), quote_end=pl.lit(None, dtype=pl.Int64))
    offsets = located.frame.select(LINE, "quote_start", "quote_end")
    frame = frame.join(offsets, on=LINE, how="left")
    passage = stored_passages(ds.texts, frame["source_id"], frame["quote_start"], frame["quote_end"])
    # (a quote that was not found has no offsets and a finding, so the build publishes nothing)
    return frame.with_columns(pl.coalesce(passage, pl.col("quote")).alias("quote"))


#: role -> (the derived fields it can compute, by their default names, how)
DERIVATIONS = {
    "figures": (("value_normalised", "unit_normalised", "currency"), derive_figures),
    "citations": (("quote_start", "quote_end"), derive_citations),
}


def check_derivations(schema: TableSchema, vocabulary: Vocabulary) -> None:
    """Every derived field a schema declares has a derivation here, and the figures' units all have factors."""
    role = schema.role
    derived = [f.name for f in schema.fields if f.derived]
    defaults = DERIVATIONS[role.role][0] if role is not None and role.role in DERIVATIONS else ()
    known = [role[d] for d in defaults] if role is not None else []
    unknown = [n for n in derived if n not in known]
    if unknown:
        raise ConfigError(
            f"{schema.name}: the schema declares derived field(s) {unknown} that the build cannot "
            f"compute (it knows {known or 'none'} for this table): give the table the role whose fields "
            "they are, add a derivation to src/zonedata/publish/clean.py, or drop 'derived'"
        )
    if role is None or role.role != "figures":
        return
    names = {f.name for f in schema.fields}
    # value_normalised looks each unit and scale up: one it does not know would be published empty
    for fld, table, where in (
        ("unit", vocabulary.recorded_units, "metadata/vocabulary/units.csv (with a normalised unit)"),
        ("scale", vocabulary.scale_factors, "metadata/vocabulary/scales.csv"),
    ):
        mine = role[fld]
        if mine not in names or role["value_normalised"] not in derived:
            continue
        values = schema.field(mine).constraints.get("enum")
        if values is None:
            raise ConfigError(
                f"{schema.name}: {mine} needs an enum of the values the build can normalise "
                f"({', '.join(k for k in table if k)})"
            )
        unknown = [u for u in values if u not in table]
        if unknown:
            raise ConfigError(f"{schema.name}: {mine}(s) {unknown} have no normalisation: add them to {where}")


def clean_table(ds: Dataset, name: str) -> CleanTable:
    """One published table: typed, derived fields computed, sorted by primary key, columns in schema order."""
    schema = ds.schemas[name]
    check_derivations(schema, ds.vocabulary)
    frame = _base_frame(ds, name)
    if any(f.derived for f in schema.fields) and schema.role is not None:
        role = schema.role
        frame = role.own(DERIVATIONS[role.role][1](ds, role.canonical(frame)))
    dtypes = published_schema(schema)
    frame = frame.select([pl.col(c).cast(t) for c, t in dtypes.items()])
    order = list(schema.primary_key) or list(dtypes)
    frame = frame.sort(order, nulls_last=True, maintain_order=True)
    return CleanTable(name, schema, frame)


def csv_frame(schema: TableSchema, frame: pl.DataFrame) -> pl.DataFrame:
    """The published frame as the CSV holds it: each list column as its items joined by the delimiter."""
    lists = [
        pl.col(f.name).list.join(f.delimiter).alias(f.name)
        for f in schema.fields
        if f.type == "list" and f.name in frame.columns
    ]
    return frame.with_columns(lists) if lists else frame


def read_csv_frame(schema: TableSchema, data: bytes) -> pl.DataFrame:
    """A published CSV read back with the published types (lists split at their delimiter)."""
    dtypes = published_schema(schema)
    text_types = {n: (pl.String if isinstance(t, pl.List) else t) for n, t in dtypes.items()}
    frame = pl.read_csv(io.BytesIO(data), schema=text_types, has_header=True)
    lists = [list_items(f.name, f.delimiter) for f in schema.fields if f.type == "list"]
    return frame.with_columns(lists) if lists else frame


def clean_tables(ds: Dataset) -> dict[str, CleanTable]:
    """Every table of the package, in publication order (sources first)."""
    return {name: clean_table(ds, name) for name in ds.schemas if name in ds.tables}

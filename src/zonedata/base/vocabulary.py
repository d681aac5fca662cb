"""The package's vocabulary, one row per thing: Table Schema types, units, scales and qualifiers.

Every table that must agree is derived from these rows: the raw and published dtypes and the
data dictionary's notes (`TYPES`), the number grammar's spellings and the provenance check's
matching (`SPELLINGS`, `UNITS`, `SCALES`, `QUALIFIERS`), the build's normalisation (`UNITS`,
`SCALES`). The schema enums that name them (statistics.unit, unit_normalised, currency, scale,
qualifier) are checked against these rows by tests/test_vocabulary.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

import polars as pl

#: decimal places of every exact number: the grammar reads quotes into it, the build publishes it
DECIMAL_SCALE = 6
#: the exact decimal type of numbers (32 integer digits: 1.21 trillion and 61.54 exactly)
DECIMAL = pl.Decimal(38, DECIMAL_SCALE)


@dataclass(frozen=True)
class TableType:
    """A Table Schema field type: how the raw CSV is read and checked, how it is published."""

    name: str
    raw: pl.DataType | type[pl.DataType]  # the polars dtype a raw column is checked as
    published: pl.DataType | type[pl.DataType]  # the polars dtype of the published column
    parquet: str  # the data dictionary's notes: Parquet type, CSV form
    csv: str


TYPES: dict[str, TableType] = {
    t.name: t
    for t in (
        TableType("string", pl.String, pl.String, "string", "UTF-8 text"),
        TableType("integer", pl.Int64, pl.Int64, "int64", "integer"),
        # checked as a float; exact values are parsed from the cell text with Decimal and published so
        TableType(
            "number", pl.Float64, DECIMAL, f"decimal(38, {DECIMAL_SCALE})", f"decimal with {DECIMAL_SCALE} places"
        ),
        TableType("date", pl.Date, pl.Date, "date32", "YYYY-MM-DD"),
        TableType("boolean", pl.Boolean, pl.Boolean, "boolean", "true / false"),
        # a Table Schema v2 list is read and checked as its CSV text (items joined by the field's
        # delimiter) and published as a list column
        TableType("list", pl.String, pl.List(pl.String), "list<string>", "items joined by the field's delimiter"),
    )
}


@dataclass(frozen=True)
class Spelling:
    """A unit as the number grammar reads it in a quote (`token`), with the ways texts write it:
    `before` a number ("RMB 5 billion") or `after` it ("5 billion yuan"), lower-cased, and its
    ISO 4217 currency. A unit the curators record names its tokens in `Unit.reads`."""

    token: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    currency: str | None = None


SPELLINGS: tuple[Spelling, ...] = (
    Spelling("%", after=("%", "percent", "per cent", "pct")),
    Spelling("percentage point", after=("percentage point", "percentage points")),
    Spelling("yuan", after=("yuan",), currency="CNY"),
    Spelling("RMB", before=("rmb",), after=("rmb",), currency="CNY"),
    Spelling("CNY", before=("cny",), after=("cny",), currency="CNY"),
    Spelling("¥", before=("¥", "￥"), currency="CNY"),
    Spelling("$", before=("$",), currency="USD"),
    Spelling("US$", before=("us$",), currency="USD"),
    Spelling("USD", before=("usd",), after=("usd",), currency="USD"),
    Spelling("dollars", after=("dollars", "dollar", "us dollars", "u.s. dollars"), currency="USD"),
    Spelling("HK$", before=("hk$",), currency="HKD"),
    Spelling("HKD", before=("hkd",), after=("hkd",), currency="HKD"),
    Spelling("HK dollars", after=("hk dollars", "hong kong dollars"), currency="HKD"),
    Spelling("mu", after=("mu",)),
    Spelling("kWh", after=("kwh", "kilowatt-hours", "kilowatt hours")),
    Spelling("kW", after=("kw",)),
    Spelling("MW", after=("mw",)),
    Spelling("GW", after=("gw",)),
    Spelling("ha", after=("hectares", "hectare", "ha")),
    Spelling(
        "km2",
        after=(
            "square kilometers",
            "square kilometres",
            "square kilometer",
            "square kilometre",
            "sq km",
            "sq. km",
            "km2",
            "km²",
        ),
    ),
    Spelling("m2", after=("square meters", "square metres", "sq m", "m2", "m²")),
    Spelling("km", after=("kilometers", "kilometres", "km")),
    Spelling("t", after=("tons", "tonnes", "ton", "tonne")),
    Spelling("TEU", after=("teu", "teus")),
)


@dataclass(frozen=True)
class Unit:
    """A unit the curators record (statistics.unit, its schema enum): its normalised unit and exact
    factor (value x numerator / denominator), its ISO 4217 currency, and how a quote must show it:
    one of the grammar's tokens `reads`, or, for a bare number ("1,221 projects", "in 2012"), one of
    the mention `kinds` with no unit or currency at all."""

    name: str
    normalised: str
    numerator: int = 1
    denominator: int = 1
    currency: str | None = None
    reads: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


UNITS: dict[str, Unit] = {
    u.name: u
    for u in (
        Unit("yuan", "CNY", currency="CNY", reads=("yuan",)),  # "70.1 billion yuan" is yuan, not RMB
        Unit("RMB", "CNY", currency="CNY", reads=("RMB",)),
        Unit("$", "USD", currency="USD", reads=("$", "US$")),
        Unit("mu", "m2", 2000, 3, reads=("mu",)),  # 1 mu = 2000/3 m2 exactly
        Unit("kWh", "kWh", reads=("kWh",)),
        Unit("%", "percent", reads=("%",)),  # kept as a percentage: 61.54% -> 61.54
        Unit("count", "count", kinds=("cardinal",)),
        Unit("rank", "rank", kinds=("ordinal",)),
        Unit("ordinal", "ordinal", kinds=("ordinal",)),
        Unit("years", "years", kinds=("cardinal",)),
        Unit("year", "year", kinds=("year", "cardinal")),
    )
}


@dataclass(frozen=True)
class Scale:
    """A scale word (statistics.scale), its exact factor, and its spellings in texts; `after_currency`
    are spellings that are a scale only right after a currency ("$3m", "US$5b")."""

    name: str
    factor: int
    spellings: tuple[str, ...]
    after_currency: tuple[str, ...] = ()


SCALES: dict[str, Scale] = {
    s.name: s
    for s in (
        Scale("thousand", 10**3, ("thousand",), after_currency=("k",)),
        Scale("million", 10**6, ("million", "mn", "mln"), after_currency=("m",)),
        Scale("billion", 10**9, ("billion", "bn", "bln"), after_currency=("b",)),
        Scale("trillion", 10**12, ("trillion", "tn", "trn")),
    )
}


#: statistics.scale -> its exact factor ("" or empty: 1)
SCALE_FACTORS: dict[str, int] = {"": 1, **{s.name: s.factor for s in SCALES.values()}}


def normalisation_factor(scale: pl.Expr, unit: pl.Expr) -> pl.Expr:
    """scale factor x unit numerator (Int64), the multiplier value_normalised's value is taken by
    before the unit's denominator divides it; null for an unknown scale or unit (an enum finding)."""
    return scale.fill_null("").replace_strict(SCALE_FACTORS, default=None, return_dtype=pl.Int64) * unit.replace_strict(
        {u: x.numerator for u, x in UNITS.items()}, default=None, return_dtype=pl.Int64
    )


def normalisation_overflows(values: pl.Series, factors: pl.Series) -> pl.Series:
    """True where value x factor (see `normalisation_factor`) does not fit the published
    Decimal(38, 6): value_normalised could not be computed exactly (polars would raise, not round).
    A float estimate picks the (rare) candidates; each is then decided exactly, so a value just
    below the limit is not refused. Null values or factors never overflow."""
    limit = 10 ** (DECIMAL.precision - DECIMAL.scale)
    estimate = values.cast(pl.Float64).abs() * factors.cast(pl.Float64)
    candidates = (estimate >= limit / 100).fill_null(False)
    if not candidates.any():
        return candidates
    flags = candidates.to_list()
    with localcontext() as ctx:
        ctx.prec = 100  # exact: the default 28 digits would round 10^32 - 10^-6 up to 10^32
        for i in candidates.arg_true().to_list():
            flags[i] = abs(Decimal(values[i]) * factors[i]) >= limit
    return pl.Series(values.name, flags, dtype=pl.Boolean)


@dataclass(frozen=True)
class Qualifier:
    """A qualifier of a figure (statistics.qualifier) and the words before a number that state it."""

    name: str
    words: tuple[str, ...] = ()


QUALIFIERS: dict[str, Qualifier] = {
    q.name: q
    for q in (
        Qualifier("exact"),
        Qualifier("about", ("about", "around", "approximately", "approx.", "roughly", "some")),
        Qualifier(
            "more_than", ("more than", "over", "exceed", "exceeds", "exceeded", "exceeding", "above", "in excess of")
        ),
        Qualifier("at_least", ("at least", "no less than", "not less than")),
        Qualifier("nearly", ("nearly", "almost", "close to")),
        Qualifier("less_than", ("less than", "fewer than", "under", "below")),
        Qualifier("up_to", ("up to", "no more than", "not more than")),
    )
}

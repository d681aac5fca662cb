"""The engine's types and the shape of a dataset's vocabulary.

`TYPES` is the engine's: how each Table Schema type is read, checked and published. The words are the
dataset's: its units (with their spellings before and after a number and their exact factors), scales,
qualifiers, indicators and the draft's name patterns live in its files metadata/vocabulary/*.csv, read
by `loading.vocabulary.load_vocabulary` into a `Vocabulary`, which the `Dataset` carries and every
function that needs a word takes as an argument (the number grammar `text.numbers.Grammar`, the
provenance check, the build's normalisation, the draft). Nothing here names a word of one dataset.
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
class Unit:
    """A unit (metadata/vocabulary/units.csv): how the grammar reads it in a quote, written `before` a
    number ("RMB 5 billion", "€5 million") or `after` it ("5 billion yuan"), lower-cased, or, for a bare
    number ("1,221 projects", "in 2012"), one of the mention `kinds` with no unit or currency at all (and
    then, if `words` are given, value_text must hold one of them: "three consecutive years"). A unit
    with a `normalised` unit can be recorded (statistics.unit's enum): the build publishes value x
    numerator / denominator in it, and `currency` (ISO 4217). One without is only read, so that a figure
    in it is never taken for a bare number."""

    name: str
    normalised: str | None = None
    numerator: int = 1
    denominator: int = 1
    currency: str | None = None
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    @property
    def recorded(self) -> bool:
        return self.normalised is not None


@dataclass(frozen=True)
class Scale:
    """A scale word (statistics.scale), its exact factor, and its spellings in texts; `after_currency`
    are spellings that are a scale only right after a currency ("$3m", "US$5b")."""

    name: str
    factor: int
    spellings: tuple[str, ...]
    after_currency: tuple[str, ...] = ()


@dataclass(frozen=True)
class Qualifier:
    """A qualifier of a figure (statistics.qualifier) and the words that state it, written `before` the
    number ("more than 600") or `after` it ("5 billion yuan or more")."""

    name: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    years: bool = False  # a bare number 1900-2100 with this qualifier is a year ("around 2015")


@dataclass(frozen=True)
class Indicator:
    """What a figure measures (statistics.indicator), and what it means."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class NamePattern:
    """A head word that ends a name ("... Industrial Park", "... Expo", "... project") and the table the
    draft proposes its candidate for; `lower_case`: the head names a thing written in lower case too
    ("the ... demonstration project"); `leads`: a name that starts with it goes to that table too
    ("Guideline on ..."); `short`: in lower case, one word before it makes a name ("the opening
    ceremony")."""

    head: str
    table: str
    lower_case: bool = False
    leads: bool = False
    short: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """A dataset's words, as read from its metadata/vocabulary/*.csv (see `loading.vocabulary`)."""

    units: tuple[Unit, ...] = ()
    scales: tuple[Scale, ...] = ()
    qualifiers: tuple[Qualifier, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    names: tuple[NamePattern, ...] = ()

    @property
    def unit(self) -> dict[str, Unit]:
        return {u.name: u for u in self.units}

    @property
    def recorded_units(self) -> dict[str, Unit]:
        """The units curators can record (those with a normalised unit), by name."""
        return {u.name: u for u in self.units if u.recorded}

    @property
    def scale_factors(self) -> dict[str, int]:
        """statistics.scale -> its exact factor ("" or empty: 1)."""
        return {"": 1, **{s.name: s.factor for s in self.scales}}

    def values(self, kind: str) -> tuple[str, ...]:
        """The values a schema field with `"vocabulary": kind` allows, in the file's order (see `KINDS`)."""
        recorded = [u for u in self.units if u.recorded]
        lists = {
            "unit": [u.name for u in recorded],
            "normalised_unit": [u.normalised for u in recorded if u.normalised],
            "currency": [u.currency for u in recorded if u.currency],
            "scale": [s.name for s in self.scales],
            "qualifier": [q.name for q in self.qualifiers],
            "indicator": [i.name for i in self.indicators],
        }
        return tuple(dict.fromkeys(lists[kind]))


#: field property vocabulary -> the file of metadata/vocabulary/ its values come from
KINDS: dict[str, str] = {
    "unit": "units.csv",
    "normalised_unit": "units.csv",
    "currency": "units.csv",
    "scale": "scales.csv",
    "qualifier": "qualifiers.csv",
    "indicator": "indicators.csv",
}


def normalisation_factor(scale: pl.Expr, unit: pl.Expr, vocabulary: Vocabulary) -> pl.Expr:
    """scale factor x unit numerator (Int64), the multiplier value_normalised's value is taken by
    before the unit's denominator divides it; null for an unknown scale or unit (an enum finding)."""
    numerators = {u.name: u.numerator for u in vocabulary.units if u.recorded}
    return scale.fill_null("").replace_strict(
        vocabulary.scale_factors, default=None, return_dtype=pl.Int64
    ) * unit.replace_strict(numerators, default=None, return_dtype=pl.Int64)


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

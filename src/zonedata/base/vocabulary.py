"""The package's vocabulary: names and types every stage shares."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

#: decimal places of every exact number: the grammar reads quotes into it, the build publishes it
DECIMAL_SCALE = 6
#: the exact decimal type of numbers (32 integer digits: 1.21 trillion and 61.54 exactly)
DECIMAL = pl.Decimal(38, DECIMAL_SCALE)


@dataclass(frozen=True)
class Unit:
    normalised: str
    numerator: int = 1
    denominator: int = 1
    currency: str | None = None


#: unit as written (controlled spelling) -> normalised unit, exact factor, ISO 4217 currency
UNITS: dict[str, Unit] = {
    "yuan": Unit("CNY", currency="CNY"),
    "RMB": Unit("CNY", currency="CNY"),
    "$": Unit("USD", currency="USD"),
    "mu": Unit("m2", 2000, 3),  # 1 mu = 2000/3 m2 exactly
    "kWh": Unit("kWh"),
    "%": Unit("percent"),  # kept as a percentage: 61.54% -> 61.54
    "count": Unit("count"),
    "rank": Unit("rank"),
    "ordinal": Unit("ordinal"),
    "years": Unit("years"),
    "year": Unit("year"),
}

"""ISO codes: country (ISO 3166-1 alpha-2), subdivision (ISO 3166-2) and currency (ISO 4217),
checked against pycountry's tables rather than a hand-kept list."""

from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path

import polars as pl

from zonedata.loading.dataset import Dataset
from zonedata.base.findings import Finding
from zonedata.base.findings import LINE
from zonedata.loading.tables import MAX_FINDINGS_PER_RULE

FIELDS = {"country_code": "ISO 3166-1 alpha-2 country", "subdivision_code": "ISO 3166-2 subdivision",
          "currency": "ISO 4217 currency"}


@lru_cache(maxsize=1)
def known_codes() -> dict[str, frozenset[str]]:
    """The codes in pycountry's ISO tables, read from its JSON files: the same codes as iterating
    pycountry.countries, .subdivisions and .currencies, without importing pycountry or building its
    objects (50 ms, a tenth of a small `zonedata validate`)."""
    spec = importlib.util.find_spec("pycountry")
    databases = Path(spec.origin).parent / "databases" if spec and spec.origin else None
    try:
        def table(name: str, key: str, code: str) -> frozenset[str]:
            return frozenset(entry[code] for entry in json.loads((databases / f"iso{name}.json").read_bytes())[key])

        return {"country_code": table("3166-1", "3166-1", "alpha_2"), "subdivision_code": table("3166-2", "3166-2", "code"),
                "currency": table("4217", "4217", "alpha_3")}
    except (TypeError, OSError, ValueError, KeyError):  # another pycountry layout: ask pycountry itself
        import pycountry

        return {
            "country_code": frozenset(c.alpha_2 for c in pycountry.countries),
            "subdivision_code": frozenset(s.code for s in pycountry.subdivisions),
            "currency": frozenset(c.alpha_3 for c in pycountry.currencies),
        }


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for name, table in ds.tables.items():
        present = [f for f in FIELDS if f in table.frame.columns and table.schema.field(f).type == "string"]
        for fld in present:
            codes = known_codes()[fld]
            bad = table.frame.filter(pl.col(fld).is_not_null() & ~pl.col(fld).is_in(list(codes))).sort(LINE)
            for line, value in bad.select(LINE, fld).head(MAX_FINDINGS_PER_RULE).iter_rows():
                findings.append(Finding("code-invalid", f"{value!r} is not an {FIELDS[fld]} code (e.g. CN, CN-GX, CNY)",
                                        file=ds.file(name), line=line, field=fld, value=value))
        if {"country_code", "subdivision_code"} <= set(present):
            # ISO 3166-1 lists Hong Kong, Macao and Taiwan as HK, MO, TW while ISO 3166-2 also has CN-HK, CN-MO, CN-TW
            inside = pl.col("subdivision_code").str.starts_with(pl.col("country_code") + "-") | (
                pl.col("country_code").is_in(["HK", "MO", "TW"]) & (pl.col("subdivision_code") == "CN-" + pl.col("country_code")))
            bad = table.frame.filter(pl.col("subdivision_code").is_not_null() & pl.col("country_code").is_not_null() & ~inside)
            for line, c, s in bad.select(LINE, "country_code", "subdivision_code").head(MAX_FINDINGS_PER_RULE).iter_rows():
                findings.append(Finding("code-invalid", f"subdivision {s} is not in country {c}: fix one of them",
                                        file=ds.file(name), line=line, field="subdivision_code", value=s))
    return findings

"""ISO codes: country (ISO 3166-1 alpha-2), subdivision (ISO 3166-2) and currency (ISO 4217),
checked against pycountry's tables rather than a hand-kept list."""

from __future__ import annotations

from functools import cache

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset

FIELDS = {
    "country_code": "ISO 3166-1 alpha-2 country",
    "subdivision_code": "ISO 3166-2 subdivision",
    "currency": "ISO 4217 currency",
}


@cache
def known_codes(field: str) -> frozenset[str]:
    """The codes of one ISO list, asked of pycountry's public API once per run (and only for the
    lists the data uses: its subdivision database is most of the cost)."""
    import pycountry

    if field == "country_code":
        return frozenset(c.alpha_2 for c in pycountry.countries)
    if field == "subdivision_code":
        return frozenset(s.code for s in pycountry.subdivisions)
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for name, table in ds.tables.items():
        present = [f for f in FIELDS if f in table.frame.columns and table.schema.field(f).type == "string"]
        for fld in present:
            codes = known_codes(fld)
            bad = table.frame.filter(pl.col(fld).is_not_null() & ~pl.col(fld).is_in(list(codes))).sort(LINE)
            for line, value in bad.select(LINE, fld).iter_rows():
                findings.append(
                    Finding(
                        "code-invalid",
                        f"{value!r} is not an {FIELDS[fld]} code (e.g. CN, CN-GX, CNY)",
                        file=ds.file(name),
                        line=line,
                        field=fld,
                        value=value,
                    )
                )
        if {"country_code", "subdivision_code"} <= set(present):
            # ISO 3166-1 lists Hong Kong, Macao and Taiwan as HK, MO, TW while ISO 3166-2 also has CN-HK, CN-MO, CN-TW
            inside = pl.col("subdivision_code").str.starts_with(pl.col("country_code") + "-") | (
                pl.col("country_code").is_in(["HK", "MO", "TW"])
                & (pl.col("subdivision_code") == "CN-" + pl.col("country_code"))
            )
            bad = table.frame.filter(
                pl.col("subdivision_code").is_not_null() & pl.col("country_code").is_not_null() & ~inside
            )
            for line, c, s in bad.select(LINE, "country_code", "subdivision_code").iter_rows():
                findings.append(
                    Finding(
                        "code-invalid",
                        f"subdivision {s} is not in country {c}: fix one of them",
                        file=ds.file(name),
                        line=line,
                        field="subdivision_code",
                        value=s,
                    )
                )
    return findings

"""ISO codes: the fields a schema marks with `isoCode` (ISO 3166-1 alpha-2 country, ISO 3166-2
subdivision, ISO 4217 currency), checked against pycountry's tables rather than a hand-kept list."""

from __future__ import annotations

from functools import cache

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.loading.schema import ISO_CODES


@cache
def known_codes(iso: str) -> frozenset[str]:
    """The codes of one ISO list (a key of ISO_CODES), asked of pycountry's public API once per run
    (and only for the lists the data uses: its subdivision database is most of the cost)."""
    import pycountry

    if iso == "3166-1":
        return frozenset(c.alpha_2 for c in pycountry.countries)
    if iso == "3166-2":
        return frozenset(s.code for s in pycountry.subdivisions)
    return frozenset(c.alpha_3 for c in pycountry.currencies)


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for name, table in ds.tables.items():
        present = {
            f.name: f.iso_code
            for f in table.schema.raw_fields
            if f.iso_code is not None  # (the loader gives every table all its schema's columns)
        }
        for fld, iso in present.items():
            codes = known_codes(iso)
            bad = table.frame.filter(pl.col(fld).is_not_null() & ~pl.col(fld).is_in(list(codes))).sort(LINE)
            for line, value in bad.select(LINE, fld).iter_rows():
                findings.append(
                    Finding(
                        "code-invalid",
                        f"{value!r} is not an {ISO_CODES[iso]} code (e.g. CN, CN-GX, CNY)",
                        file=ds.file(name),
                        line=line,
                        field=fld,
                        value=value,
                    )
                )
        countries = [f for f, iso in present.items() if iso == "3166-1"]
        subdivisions = [f for f, iso in present.items() if iso == "3166-2"]
        if len(countries) == 1 and len(subdivisions) == 1:  # a record's country and its subdivision
            country, subdivision = pl.col(countries[0]), pl.col(subdivisions[0])
            # ISO 3166-1 lists Hong Kong, Macao and Taiwan as HK, MO, TW while ISO 3166-2 also has CN-HK, CN-MO, CN-TW
            inside = subdivision.str.starts_with(country + "-") | (
                country.is_in(["HK", "MO", "TW"]) & (subdivision == "CN-" + country)
            )
            bad = table.frame.filter(subdivision.is_not_null() & country.is_not_null() & ~inside)
            for line, c, s in bad.select(LINE, country, subdivision).iter_rows():
                findings.append(
                    Finding(
                        "code-invalid",
                        f"subdivision {s} is not in country {c}: fix one of them",
                        file=ds.file(name),
                        line=line,
                        field=subdivisions[0],
                        value=s,
                    )
                )
    return findings

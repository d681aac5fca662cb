"""ISO codes: the fields a schema marks with `isoCode` (ISO 3166-1 alpha-2 country, ISO 3166-2
subdivision, ISO 4217 currency), checked against pycountry's tables rather than a hand-kept list."""

from __future__ import annotations

import json
from functools import cache

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.loading.schema import ISO_CODES

#: ISO list -> (pycountry's database of it, the field of an entry that holds its code)
_DATABASES = {"3166-1": ("countries", "alpha_2"), "3166-2": ("subdivisions", "code"), "4217": ("currencies", "alpha_3")}


@cache
def known_codes(iso: str) -> pl.Series:
    """The codes of one ISO list (a key of ISO_CODES), read once per run and only for the lists the data
    uses, from the file pycountry reads that list from (its database's public `filename` and `root_key`):
    only the codes are taken, not one object per entry with an index of each field (for the subdivisions,
    which are most of pycountry's data, that was most of the check's time)."""
    import pycountry

    name, field = _DATABASES[iso]
    database = getattr(pycountry, name)
    with open(database.filename, encoding="utf-8") as f:
        entries = json.load(f)[database.root_key]
    return pl.Series(iso, sorted({entry[field] for entry in entries}), dtype=pl.String)


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for name, table in ds.tables.items():
        present = {
            f.name: f.iso_code
            for f in table.schema.raw_fields
            if f.iso_code is not None  # (the loader gives every table all its schema's columns)
        }
        if not present:
            continue
        bad_code = {
            fld: pl.col(fld).is_not_null() & ~pl.col(fld).is_in(known_codes(iso).implode())
            for fld, iso in present.items()
        }
        countries = [f for f, iso in present.items() if iso == "3166-1"]
        subdivisions = [f for f, iso in present.items() if iso == "3166-2"]
        outside = None
        if len(countries) == 1 and len(subdivisions) == 1:  # a record's country and its subdivision
            country, subdivision = pl.col(countries[0]), pl.col(subdivisions[0])
            # ISO 3166-1 lists Hong Kong, Macao and Taiwan as HK, MO, TW while ISO 3166-2 also has CN-HK, CN-MO, CN-TW
            inside = subdivision.str.starts_with(country + "-") | (
                country.is_in(["HK", "MO", "TW"]) & (subdivision == "CN-" + country)
            )
            outside = subdivision.is_not_null() & country.is_not_null() & ~inside
        # one pass over the table says which fields hold a bad code (usually none); only those are listed
        any_bad = table.frame.select(
            *[bad.any().alias(fld) for fld, bad in bad_code.items()],
            *([outside.any().alias("__outside__")] if outside is not None else []),
        ).row(0, named=True)
        for fld, iso in present.items():
            if not any_bad[fld]:
                continue
            bad = table.frame.filter(bad_code[fld]).sort(LINE)
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
        if outside is not None and any_bad["__outside__"]:
            bad = table.frame.filter(outside)
            for line, c, s in bad.select(LINE, countries[0], subdivisions[0]).iter_rows():
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

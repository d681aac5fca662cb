"""A period's dates agree with the words the text uses for it (schema property `periods[i].words`).

Where the words state a year, a month or a day of the start or the end ("in 2016", "the first seven
months of this year", "since 2012", "From January to July this year", "on the 20th"), the recorded
date has it; a relative year ("this year", "last year") is counted from the year the record's source
was published. Words the reader cannot read (text.periods: "over the past 20 years") state nothing
here: they are not findings. Each distinct phrase is read once; the comparison is vectorised.
"""

from __future__ import annotations

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.text.periods import Point, describe, read_period

_PARTS = ("year", "rel", "month", "day")


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for table, schema in ds.schemas.items():
        for period in schema.periods:
            if period.words is None or table not in ds.tables or ds.tables[table].lacks(period.words):
                continue
            findings.extend(_check_period(ds, table, period.start, period.end, period.words))
    return findings


def _stated(words: pl.Series) -> pl.DataFrame:
    """words, and what each distinct phrase states: s_year, s_rel, s_month, s_day, e_year, ... (null: not stated)."""
    rows = []
    for phrase in words.unique().drop_nulls().to_list():
        read = read_period(phrase)
        if read is None:
            continue
        row: dict = {"words": phrase}
        for side, point in (("s", read.start), ("e", read.end)):
            p = point or Point()
            row |= {f"{side}_year": p.year, f"{side}_rel": p.relative, f"{side}_month": p.month, f"{side}_day": p.day}
        rows.append(row)
    schema = {"words": pl.String} | {
        f"{side}_{part}": (pl.Boolean if part == "rel" else pl.Int32) for side in "se" for part in _PARTS
    }
    return pl.DataFrame(rows, schema=schema)


def _publication_years(ds: Dataset, table: str) -> pl.DataFrame:
    """record_id, pub_year: the year each of a record's cited sources was published (records without one: absent)."""
    cites, sources = ds.role_frame("citations"), ds.role_frame("sources")
    empty = pl.DataFrame(schema={"record_id": pl.String, "pub_year": pl.Int32})
    if (
        cites is None
        or sources is None
        or ds.role_lacks("citations", "record_table", "record_id", "source_id")
        or ds.role_lacks("sources", "source_id", "date_published")
    ):
        return empty
    return (
        cites.filter(pl.col("record_table") == table)
        .select("record_id", "source_id")
        .join(sources.select("source_id", pl.col("date_published").dt.year().alias("pub_year")), on="source_id")
        .drop_nulls()
        .select("record_id", "pub_year")
        .unique()
    )


def _disagrees(date: str, side: str) -> pl.Expr:
    """Whether the date field `date` lacks a year, month or day the words state for this side (s or e)."""
    year = pl.when(pl.col(f"{side}_rel")).then(pl.col("pub_year") + pl.col(f"{side}_year")).otherwise(f"{side}_year")
    d = pl.col(date)
    return d.is_not_null() & (
        (year.is_not_null() & (d.dt.year() != year))
        | (pl.col(f"{side}_month").is_not_null() & (d.dt.month() != pl.col(f"{side}_month")))
        | (pl.col(f"{side}_day").is_not_null() & (d.dt.day() != pl.col(f"{side}_day")))
    ).fill_null(False)


def _check_period(ds: Dataset, table: str, start: str, end: str, words: str) -> list[Finding]:
    frame = ds.tables[table].frame
    key = ds.schemas[table].primary_key[0]
    rows = frame.select(LINE, pl.col(key).alias("record_id"), start, end, pl.col(words).alias("words")).filter(
        pl.col("words").is_not_null()
    )
    stated = _stated(rows["words"])
    if stated.is_empty():
        return []
    # a record cited from several sources agrees when its dates agree for one of them (a relative year
    # depends on the source); one with no dated source is compared on its absolute years only
    compared = (
        rows.join(stated, on="words")
        .join(_publication_years(ds, table), on="record_id", how="left")
        .with_columns(bad_start=_disagrees(start, "s"), bad_end=_disagrees(end, "e"))
        .group_by(LINE, maintain_order=True)
        .agg(pl.first("words", start, end, "pub_year"), pl.col("bad_start").all(), pl.col("bad_end").all())
        .filter(pl.col("bad_start") | pl.col("bad_end"))
        .sort(LINE)
    )
    findings = []
    for line, phrase, s, e, pub, bad_start in compared.select(
        LINE, "words", start, end, "pub_year", "bad_start"
    ).iter_rows():
        field, value = (start, s) if bad_start else (end, e)
        read = read_period(phrase)  # (read once already: read again for the message)
        point = None if read is None else read.start if bad_start else read.end
        relative = f", counted from its source's year {pub}" if point is not None and point.relative else ""
        findings.append(
            Finding(
                "period-words-disagree",
                f"{field} {value} disagrees with {words} {phrase!r}, which puts the "
                f"{'start' if bad_start else 'end'} in {describe(point or Point(), pub)}{relative}: correct the "
                "date to what the words say, or the words to the quote's",
                file=ds.file(table),
                line=line,
                field=field,
                value=str(value),
            )
        )
    return findings

"""Check 5: periods and dates make sense: start before end, and nothing reported ends after its
source was published (records that look ahead, such as planned and expected figures, may).

The periods are the schemas' (table property `periods`, see loading/schema.py)."""

from __future__ import annotations

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.base.vocabulary import DECIMAL, normalisation_factor, normalisation_overflows
from zonedata.loading.dataset import Dataset
from zonedata.loading.tables import exact_decimal


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = normalisable(ds)
    sources = ds.role_frame("sources")
    cites = ds.role_frame("citations")
    for table, schema, period in ((t, s, p) for t, s in ds.schemas.items() for p in s.periods):
        start, end, basis = period.start, period.end, period.forward_field
        frame = ds.frame(table)
        if frame is None or ds.tables[table].lacks(start, end):
            continue  # not a table of this package, or its period fields are not
        key = schema.primary_key[0]
        file = ds.file(table)
        inverted = frame.filter(pl.col(start) > pl.col(end)).sort(LINE)
        for line, s, e in inverted.select(LINE, start, end).iter_rows():
            findings.append(
                Finding(
                    "period-inverted",
                    f"{end} {e} is before {start} {s}: swap or correct them",
                    file=file,
                    line=line,
                    field=end,
                    value=str(e),
                )
            )
        if (
            sources is None
            or cites is None
            or ds.role_lacks("sources", "source_id", "date_published")
            or ds.role_lacks("citations", "record_table", "record_id", "source_id")
        ):
            continue  # a missing table or column has its own finding
        ahead = [basis] if basis is not None else []  # (a raw field of the schema: always a column)
        rows = frame.select(LINE, key, end, *ahead).filter(pl.col(end).is_not_null())
        for b in ahead:  # a record that looks ahead may end after its source was published
            rows = rows.filter(~pl.col(b).is_in(period.forward_values).fill_null(False))
        cited = cites.select("record_table", "record_id", "source_id").filter(pl.col("record_table") == table)
        late = (
            _join_ids(rows.select(LINE, pl.col(key).alias("record_id"), end), cited.drop("record_table"))
            .join(sources.select("source_id", "date_published").drop_nulls(), on="source_id")
            .filter(pl.col(end) > pl.col("date_published"))
            .unique([LINE, "source_id"])
            .sort(LINE)
        )
        for line, e, sid, pub in late.select(LINE, end, "source_id", "date_published").iter_rows():
            findings.append(
                Finding(
                    "period-after-publication",
                    f"{end} {e} is after source {sid} was published ({pub}): "
                    "a text cannot report what had not happened; check the year",
                    file=file,
                    line=line,
                    field=end,
                    value=str(e),
                )
            )
    return findings


#: from this many citations of a table on, its records are joined to them by hashed ids
MANY_CITED = 4096


def _join_ids(records: pl.DataFrame, cited: pl.DataFrame) -> pl.DataFrame:
    """`records` inner joined with `cited` on record_id. Strings are joined by their 64-bit hashes, then
    compared in full (equal ids hash alike; the comparison drops a collision, and a null id matches none):
    a join on integers costs a fraction of one that hashes and compares strings itself. (A few citations
    are joined as they are: there the three more operations cost more than they save.)"""
    if cited.height < MANY_CITED or records.schema["record_id"] != pl.String or cited.schema["record_id"] != pl.String:
        return records.join(cited, on="record_id")
    h = pl.col("record_id").hash().alias("__h")
    return (
        records.with_columns(h)
        .join(cited.select(h, pl.col("record_id").alias("__cited"), pl.exclude("record_id")), on="__h")
        .filter(pl.col("record_id") == pl.col("__cited"))
        .drop("__h", "__cited")
    )


def normalisable(ds: Dataset) -> list[Finding]:
    """A figure's value_normalised (value x scale x unit factor, see clean.py) fits the published
    Decimal(38, 6), with every intermediate product: else the build could not compute it exactly
    (it publishes such a value_normalised empty, beside this finding)."""
    figures, stats, typed = ds.roles.figures, ds.role_frame("figures", strings=True), ds.role_frame("figures")
    if figures is None or stats is None or typed is None or ds.role_lacks("figures", "value", "scale", "unit"):
        return []
    # first, cheaply: a value whose float, times the largest factor any scale and unit give, is far below the
    # limit fits; only the rest (rare: large values, and texts that are no plain number) is read exactly
    # and decided by `normalisation_overflows` (its own estimate, then exact decimals)
    vocabulary = ds.vocabulary
    numerators = [abs(u.numerator) for u in vocabulary.units if u.recorded]
    largest = max((abs(f) for f in vocabulary.scale_factors.values()), default=1) * max(numerators, default=1)
    # (the typed value, parsed when loading, is the text's Float64 where the text is a plain number and null
    # elsewhere: a null is read exactly, where a text that is no plain number has no exact value, so fits)
    estimate = typed.get_column("value").cast(pl.Float64, strict=False).abs() * float(largest)
    limit = 10 ** (DECIMAL.precision - DECIMAL.scale)
    rows = stats.filter(estimate.is_null() | (estimate >= limit / 1000)).select(
        LINE,
        "value",
        "scale",
        "unit",
        exact_decimal(pl.col("value")).alias("v"),
        normalisation_factor(pl.col("scale"), pl.col("unit"), vocabulary).alias("f"),
    )
    # (an unknown scale or unit has no factor: its enum finding says so)
    too_large = rows.filter(normalisation_overflows(rows["v"], rows["f"])).sort(LINE) if rows.height else rows
    digits = DECIMAL.precision - DECIMAL.scale
    return [
        Finding(
            "range-violation",
            f"{text} {scale or ''} {unit} is too large to publish: its normalised "
            f"value (value x scale x unit factor) needs {digits} digits or "
            "fewer before the decimal point; check the value and scale".replace("  ", " "),
            file=ds.file(figures.table),
            line=line,
            field=figures["value"],
            value=text,
        )
        for line, text, scale, unit in too_large.select(LINE, "value", "scale", "unit").iter_rows()
    ]

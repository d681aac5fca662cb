"""Coverage: every number mention in the seed texts is either held by a record whose quote spans
it, or listed in seeds/coverage_exclusions.csv with a reason. Nothing else is acceptable."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from zonedata.base.findings import LINE, Finding, Report
from zonedata.base.vocabulary import DECIMAL
from zonedata.loading.dataset import Dataset, load_dataset
from zonedata.loading.tables import exact_decimal
from zonedata.text.normalise import SourceText, normalise, normalise_series

EXCLUSION_COLUMNS = ["source_id", "phrase", "reason"]
NOTE_FIELDS = ("notes", "note")


@dataclass
class Coverage:
    mentions: pl.DataFrame  # source_id, file, line, start, end, text, kind, status, record, reason
    report: Report = field(default_factory=Report)
    #: where each exclusion's phrase occurs: source_id, start, end (stored offsets), reason
    exclusions: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"source_id": pl.String, "start": pl.Int64, "end": pl.Int64, "reason": pl.String}
        )
    )

    def to_dict(self) -> dict:
        out = self.report.to_dict()
        out["mentions"] = self.mentions.with_columns(pl.col("start", "end", "line").cast(pl.Int64)).to_dicts()
        return out


def _record_values(ds: Dataset) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(numbers, texts) a record holds: record_table, record_id, n (Decimal) / t (its text fields, see below)."""
    nums, texts = [], []
    for name, table in ds.tables.items():
        schema = table.schema
        if name in ds.roles.special or len(schema.primary_key) != 1:
            continue
        key = schema.primary_key[0]
        if table.lacks(key):
            continue  # no record of it can be cited (a field the CSV lacks is all null: it holds nothing)
        frame = table.strings
        num_fields = [f.name for f in schema.raw_fields if f.type in ("integer", "number")]
        # a note explains a record; it does not hold a value, so it accounts for nothing
        # nor does a reference: an id such as cepa-2003 names a record, it does not state 2003
        refs = {c for fk in schema.foreign_keys for c in fk.fields} | {
            c for p in schema.polymorphic_keys for c in (p.table_field, p.id_field)
        }
        text_fields = [
            f.name
            for f in schema.raw_fields
            if f.type in ("string", "list", "date") and f.name not in (key, *NOTE_FIELDS) and f.name not in refs
        ]
        base = frame.select(
            pl.lit(name).alias("record_table"), pl.col(key).alias("record_id"), *num_fields, *text_fields
        )
        if num_fields:
            nums.append(
                base.select("record_table", "record_id", *num_fields)
                .unpivot(index=["record_table", "record_id"], value_name="v")
                .select("record_table", "record_id", exact_decimal(pl.col("v")).alias("n"))
                .drop_nulls()
            )
        if text_fields:
            # one row per record: its text fields, each lowercased and normalised like the quotes (curly
            # quotes, dashes, spaces), joined by a newline. Normalised text has no newline (white space
            # becomes one space), so a mention found in the joined text is found in one of the fields
            normal = base.select(
                "record_table", "record_id", *(normalise_series(base[f].str.to_lowercase()) for f in text_fields)
            )
            texts.append(
                normal.filter(pl.any_horizontal(pl.col(text_fields).is_not_null())).select(
                    "record_table", "record_id", t=pl.concat_str(text_fields, separator="\n", ignore_nulls=True)
                )
            )
    numbers = (
        pl.concat(nums)
        if nums
        else pl.DataFrame(schema={"record_table": pl.String, "record_id": pl.String, "n": DECIMAL})
    )
    words = (
        pl.concat(texts)
        if texts
        else pl.DataFrame(schema={"record_table": pl.String, "record_id": pl.String, "t": pl.String})
    )
    return numbers, words


def _exclusions(ds: Dataset, sources: dict[str, SourceText], findings: list[Finding]) -> pl.DataFrame:
    """Where each exclusion's phrase occurs in its source. The file was read and checked against its
    schema with the tables (`Dataset.exclusions`): its findings are reported here too."""
    table = ds.exclusions
    schema = {"source_id": pl.String, "start": pl.Int64, "end": pl.Int64, "reason": pl.String}
    if table is None:
        return pl.DataFrame(schema=schema)
    findings.extend(table.findings)
    rel = table.file
    if table.lacks(*EXCLUSION_COLUMNS):
        return pl.DataFrame(schema=schema)  # unreadable, or a column is missing: its findings say so
    frame = table.frame.rename({LINE: "line"})
    rows = []
    for line, sid, phrase, reason in frame.select("line", *EXCLUSION_COLUMNS).iter_rows():
        src = sources.get(sid)
        needle = normalise(phrase or "")
        if not needle:
            continue  # an empty phrase is the table's required-missing finding (a missing reason too)
        if src is None:
            findings.append(
                Finding(
                    "exclusion-stale",
                    f"source {sid!r} is not a listed seed: fix source_id",
                    file=rel,
                    line=line,
                    field="source_id",
                    value=sid,
                )
            )
            continue
        start, found = 0, False
        while (i := src.normalised.find(needle, start)) >= 0:
            a, b = src.to_stored(i, i + len(needle))
            rows.append((sid, a, b, reason))
            start, found = i + 1, True
        if not found:
            findings.append(
                Finding(
                    "exclusion-stale",
                    f"the phrase does not occur in source {sid}: copy it exactly or delete the row",
                    file=rel,
                    line=line,
                    field="phrase",
                    value=phrase,
                )
            )
    return pl.DataFrame(rows, schema=schema, orient="row")


def coverage(root: Path | str, ds: Dataset | None = None) -> Coverage:
    """Classify every number mention in the seeds: recorded, excluded, or unaccounted (a finding).
    `ds` is the package at `root` when the caller has loaded it already (`zonedata draft`)."""
    ds = ds if ds is not None else load_dataset(Path(root))
    if ds.refused:  # a path leaves the package root: nothing was read
        empty = pl.DataFrame(
            schema={
                c: pl.Int64 if c in ("line", "start", "end") else pl.String
                for c in ("source_id", "file", "line", "start", "end", "text", "kind", "status", "record", "reason")
            }
        )
        return Coverage(empty, Report(list(ds.findings)))
    findings: list[Finding] = []
    texts = ds.texts
    sids = sorted(texts)
    sources = {sid: SourceText(texts[sid]) for sid in sids}
    files = {}
    src = ds.role_frame("sources")
    if src is not None and not ds.role_lacks("sources", "source_id", "file"):
        files = dict(src.select("source_id", "file").drop_nulls().iter_rows())
    m = ds.grammar.mentions_frame(pl.Series([texts[s] for s in sids], dtype=pl.String))
    m = m.with_columns(
        pl.Series(sids, dtype=pl.String).gather(m["row"]).alias("source_id")
    )  # a String even with no texts
    # line numbers in the stored text
    lines = []
    for sid in sids:
        nl = np.flatnonzero(np.frombuffer(texts[sid].encode("utf-32-le"), dtype=np.uint32) == 10)
        sub = m.filter(pl.col("source_id") == sid)
        lines.append(
            sub.select(
                "source_id",
                "start",
                pl.Series("line", np.searchsorted(nl, sub["start"].to_numpy()) + 1, dtype=pl.Int64),
            )
        )
    line_frame = (
        pl.concat(lines)
        if lines
        else pl.DataFrame(schema={"source_id": pl.String, "start": pl.Int64, "line": pl.Int64})
    )
    m = m.join(line_frame, on=["source_id", "start"], how="left").with_row_index("mention")

    located = ds.located
    numbers, words = _record_values(ds)
    recorded = pl.DataFrame(schema={"mention": pl.UInt32, "record": pl.String})
    if located is not None:
        # each mention with every record whose quote spans it. Offsets are laid end to end over the
        # sources (source k starts at k * 2**32), so a span holds a mention exactly when it holds its
        # global offsets: one inequality join (polars' IEJoin) over the distinct spans gives only the
        # pairs that match, instead of every mention against every quote of its source
        k_of = {sid: k for k, sid in enumerate(sids)}
        shift = pl.lit(1 << 32, dtype=pl.Int64)
        k = pl.col("source_id").replace_strict(k_of, default=None, return_dtype=pl.Int64)
        spans = (
            located.frame.filter(pl.col("quote_start").is_not_null())
            .select(
                "record_table",
                "record_id",
                (k * shift + pl.col("quote_start")).alias("gqs"),
                (k * shift + pl.col("quote_end")).alias("gqe"),
            )
            .drop_nulls("gqs")  # a source that is not a listed seed has no text to hold a mention
        )
        k = pl.col("row").cast(pl.Int64)
        ms = m.select(
            "mention",
            (k * shift + pl.col("start")).alias("gs"),
            (k * shift + pl.col("end")).alias("ge"),
            pl.col("number").cast(DECIMAL),
            normalise_series(m["text"].str.to_lowercase()).alias("mt"),
        )
        held = ms.join_where(
            spans.select("gqs", "gqe").unique(), pl.col("gqs") <= pl.col("gs"), pl.col("ge") <= pl.col("gqe")
        )
        mt = held.join(spans, on=["gqs", "gqe"])
        by_number = mt.join(
            numbers, left_on=["record_table", "record_id", "number"], right_on=["record_table", "record_id", "n"]
        )
        by_text = mt.join(words, on=["record_table", "record_id"]).filter(
            pl.col("t").str.contains(pl.col("mt"), literal=True)
        )
        recorded = (
            pl.concat([by_number, by_text], how="diagonal_relaxed")
            .group_by("mention")
            .agg((pl.col("record_table") + "/" + pl.col("record_id")).unique().sort().str.join("; ").alias("record"))
        )
    excl = _exclusions(ds, sources, findings)
    excluded = (
        m.select("mention", "source_id", "start", "end")
        .join(excl, on="source_id", suffix="_x")
        .filter((pl.col("start_x") <= pl.col("start")) & (pl.col("end") <= pl.col("end_x")))
        .group_by("mention")
        .agg(pl.col("reason").first())
    )
    out = (
        m.join(recorded, on="mention", how="left")
        .join(excluded, on="mention", how="left")
        .with_columns(
            status=pl.when(pl.col("record").is_not_null())
            .then(pl.lit("recorded"))
            .when(pl.col("reason").is_not_null())
            .then(pl.lit("excluded"))
            .otherwise(pl.lit("unaccounted")),
            file=pl.lit("seeds/") + pl.col("source_id").replace_strict(files, default=None, return_dtype=pl.String),
        )
        .select("source_id", "file", "line", "start", "end", "text", "kind", "status", "record", "reason")
        .sort("source_id", "start")
    )
    for r in out.filter(pl.col("status") == "unaccounted").iter_rows(named=True):
        snippet = texts[r["source_id"]][max(0, r["start"] - 40) : r["end"] + 40].replace("\n", " ")
        findings.append(
            Finding(
                "mention-unaccounted",
                f"{r['text']!r} (…{snippet}…) is neither recorded nor excluded: cite a quote "
                "spanning it from a record that holds it, or add it to seeds/coverage_exclusions.csv with a reason",
                file=r["file"],
                line=r["line"],
                value=r["text"],
            )
        )
    report = Report(findings)
    counts = out.group_by("status").len()
    report.stats.update(
        {"mentions": out.height, **{s: 0 for s in ("recorded", "excluded", "unaccounted")}, **dict(counts.iter_rows())}
    )
    return Coverage(out, report, excl)

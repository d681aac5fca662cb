"""Check 4: each quote occurs in its source (safe normalisation only), and every number a record
holds appears in one of its quotes with the same scale, unit and qualifier.

Quotes are located with polars' Aho-Corasick search (one automaton per source text), numbers are
read by the grammar in `numbers.py`; comparisons are joins, not loops over records.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np
import polars as pl

from zonedata.checks.sources import load_texts
from zonedata.dataset import CITATIONS_TABLE, Dataset
from zonedata.findings import WARNING, Finding
from zonedata.tables import LINE, MAX_FINDINGS_PER_RULE
from zonedata.text import SourceText, normalise_series

DECIMAL = pl.Decimal(38, 6)
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
#: how a statistic's unit (as written, controlled spelling) shows in the grammar's reading of the quote
UNIT_CURRENCY = {"yuan": "CNY", "RMB": "CNY", "$": "USD"}
UNIT_SAME = {"mu": "mu", "kWh": "kWh", "%": "%"}
UNIT_KINDS = {"count": ("cardinal",), "years": ("cardinal",), "year": ("year", "cardinal"),
              "rank": ("ordinal",), "ordinal": ("ordinal",)}
SUPERLATIVES = ("largest", "biggest", "most", "top", "closest", "highest", "greatest")
HINTS_MAX = 50  # closest-passage hints are computed for at most this many missing quotes


@dataclass
class Located:
    """Citations with their normalised quote and, where found, stored-text offsets."""

    frame: pl.DataFrame  # LINE, record_table, record_id, source_id, quote, quote_norm, quote_start, quote_end, n_found


def locate_quotes(ds: Dataset, texts: dict[str, str] | None = None) -> Located | None:
    cites = ds.frame(CITATIONS_TABLE)
    need = {"record_table", "record_id", "source_id", "quote"}
    if cites is None or not need <= set(cites.columns):
        return None
    texts = load_texts(ds) if texts is None else texts
    sources = {sid: SourceText(t) for sid, t in texts.items()}
    frame = cites.select(LINE, *sorted(need)).with_columns(
        quote_norm=normalise_series(cites["quote"].fill_null("")))
    pieces = []
    for (sid,), group in frame.filter(pl.col("quote_norm") != "").group_by("source_id", maintain_order=True):
        src = sources.get(sid)
        if src is None:
            continue
        patterns = group["quote_norm"].unique().to_list()
        hay = pl.Series([src.normalised])
        found = pl.DataFrame({
            "quote_norm": hay.str.extract_many(patterns, overlapping=True)[0],
            "byte": hay.str.find_many(patterns, overlapping=True)[0],
        })
        if found.is_empty():
            continue
        found = found.group_by("quote_norm").agg(pl.col("byte").min(), pl.len().alias("n_found"))
        chars = src.char_offsets()[found["byte"].to_numpy()]
        lengths = found["quote_norm"].str.len_chars().to_numpy()
        starts = src.index[chars]
        ends = src.index[chars + lengths - 1] + 1
        pieces.append(found.select(
            pl.lit(sid).alias("source_id"), "quote_norm", "n_found",
            pl.Series("quote_start", starts, dtype=pl.Int64), pl.Series("quote_end", ends, dtype=pl.Int64)))
    located = pl.concat(pieces) if pieces else pl.DataFrame(schema={
        "source_id": pl.String, "quote_norm": pl.String, "n_found": pl.UInt32, "quote_start": pl.Int64, "quote_end": pl.Int64})
    frame = frame.join(located, on=["source_id", "quote_norm"], how="left")
    return Located(frame)


def closest_passage(source: str, quote: str) -> str:
    """The passage of `source` most like `quote`: a hint for the curator, never a match."""
    words = source.split(" ")
    n = max(1, len(quote.split(" ")))
    best, best_ratio = "", 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for i in range(0, max(1, len(words) - n + 1)):
        window = " ".join(words[i : i + n])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        r = matcher.ratio()
        if r > best_ratio:
            best, best_ratio = window, r
    return best


def check(ds: Dataset) -> list[Finding]:
    texts, located = ds.texts, ds.located
    if located is None:
        return []
    file = ds.file(CITATIONS_TABLE)
    findings: list[Finding] = []
    frame = located.frame
    missing = frame.filter(pl.col("quote_start").is_null() & pl.col("source_id").is_in(list(texts))).sort(LINE)
    sources = {}
    for i, (line, sid, quote, qnorm) in enumerate(missing.select(LINE, "source_id", "quote", "quote_norm").head(MAX_FINDINGS_PER_RULE).iter_rows()):
        if not qnorm:
            continue  # an empty quote is a required-missing finding already
        hint = ""
        if i < HINTS_MAX:
            src = sources.setdefault(sid, SourceText(texts[sid]).normalised)
            near = closest_passage(src, qnorm)
            if near:
                hint = f'; the closest passage is: "{near}"'
        findings.append(Finding("quote-not-found", f"the quote does not occur in source {sid} (after normalising quotes, "
                                f"dashes and spaces only){hint}. Copy the text exactly", file=file, line=line,
                                field="quote", value=quote))
    for line, sid, n in frame.filter(pl.col("n_found") > 1).sort(LINE).select(LINE, "source_id", "n_found").head(MAX_FINDINGS_PER_RULE).iter_rows():
        findings.append(Finding("quote-ambiguous", f"the quote occurs {n} times in source {sid}; offsets point at the first. "
                                "Quote a longer passage to make it unique", file=file, line=line, field="quote",
                                severity=WARNING))
    findings.extend(check_statistics(ds, frame))
    findings.extend(check_record_numbers(ds, frame))
    return findings


def _unit_ok() -> pl.Expr:
    unit, kind = pl.col("unit"), pl.col("kind")
    ok = pl.lit(False)
    for u, cur in UNIT_CURRENCY.items():
        ok = ok | ((unit == u) & (pl.col("m_currency") == cur))
    for u, same in UNIT_SAME.items():
        ok = ok | ((unit == u) & (pl.col("m_unit") == same))
    for u, kinds in UNIT_KINDS.items():
        ok = ok | ((unit == u) & kind.is_in(kinds) & pl.col("m_unit").is_null() & pl.col("m_currency").is_null())
    return ok


def check_statistics(ds: Dataset, cites: pl.DataFrame) -> list[Finding]:
    """Every statistic's value, scale, unit and qualifier agree with each of its quotes."""
    from zonedata.numbers import mentions_frame

    stats = ds.tables.get("statistics")
    need = {"statistic_id", "value_text", "value", "scale", "unit", "qualifier"}
    if stats is None or stats.strings is None or not need <= set(stats.strings.columns):
        return []
    file = ds.file("statistics")
    s = stats.strings.select(
        pl.col(LINE).alias("stat_line"), pl.col("statistic_id").alias("record_id"), "value_text", "unit", "qualifier",
        pl.col("scale").fill_null(""),
        pl.col("value").alias("value_str"),
        pl.col("value").str.strip_chars().cast(DECIMAL, strict=False).alias("number"),
    ).filter(pl.col("number").is_not_null() & pl.col("value_text").is_not_null())
    pairs = cites.filter((pl.col("record_table") == "statistics") & pl.col("quote_start").is_not_null()).select(
        pl.col(LINE).alias("cite_line"), "record_id", "source_id", "quote_norm").join(s, on="record_id", how="inner")
    if pairs.is_empty():
        return []
    pairs = pairs.with_row_index("pair").with_columns(
        vt_norm=normalise_series(pairs["value_text"]))
    findings: list[Finding] = []
    not_in = pairs.filter(~pl.col("quote_norm").str.to_lowercase().str.contains(pl.col("vt_norm").str.to_lowercase(), literal=True))
    for line, cl, vt in not_in.select("stat_line", "cite_line", "value_text").head(MAX_FINDINGS_PER_RULE).iter_rows():
        findings.append(Finding("value-text-not-in-quote", f"value_text {vt!r} does not occur in the quote on "
                                f"{ds.file(CITATIONS_TABLE)} line {cl}: copy the value exactly as the quote writes it",
                                file=file, line=line, field="value_text", value=vt))

    m = mentions_frame(pairs["quote_norm"]).select(
        pl.col("row").cast(pl.UInt32).alias("pair"), pl.col("text").alias("m_text"), "kind",
        pl.col("qualifier").alias("m_qualifier"), pl.col("number").cast(DECIMAL).alias("m_number"),
        pl.col("scale_word").fill_null("").alias("m_scale"), pl.col("unit").alias("m_unit"), pl.col("currency").alias("m_currency"))
    joined = pairs.join(m, on="pair", how="left").with_columns(
        same_number=(pl.col("m_number") == pl.col("number")).fill_null(False),
        same_scale=pl.col("m_scale") == pl.col("scale"),
        unit_ok=_unit_ok().fill_null(False),
        same_qual=(pl.col("m_qualifier") == pl.col("qualifier")).fill_null(False),
    )
    # a superlative alone ("largest trading partner") is rank 1 when the quote says it
    superlative = (pl.col("unit") == "rank") & (pl.col("number") == pl.lit(1).cast(DECIMAL)) & \
        pl.col("vt_norm").str.to_lowercase().is_in(SUPERLATIVES) & \
        pl.col("quote_norm").str.to_lowercase().str.contains(pl.col("vt_norm").str.to_lowercase(), literal=True)
    per_pair = joined.group_by("pair").agg(
        pl.first("stat_line", "cite_line", "value_str", "value_text", "scale", "unit", "qualifier"),
        superlative.any().alias("superlative"),
        (pl.col("same_number") & pl.col("same_scale") & pl.col("unit_ok") & pl.col("same_qual")).any().alias("ok"),
        pl.col("same_number").any().alias("any_number"),
        (pl.col("same_number") & pl.col("same_scale")).any().alias("any_scale"),
        (pl.col("same_number") & pl.col("same_scale") & pl.col("unit_ok")).any().alias("any_unit"),
        pl.col("m_text").filter(pl.col("same_number")).first().alias("near"),
        pl.col("m_qualifier").filter(pl.col("same_number") & pl.col("same_scale") & pl.col("unit_ok")).first().alias("near_qual"),
        pl.col("m_text").filter(pl.col("kind").is_in(["cardinal", "percent", "ordinal", "year"])).unique(maintain_order=True).alias("all"),
    ).filter(~pl.col("ok") & ~pl.col("superlative")).sort("stat_line", "cite_line")
    where = ds.file(CITATIONS_TABLE)
    for r in per_pair.head(MAX_FINDINGS_PER_RULE).iter_rows(named=True):
        cited = f"the quote on {where} line {r['cite_line']}"
        recorded = f"{r['value_str']} {r['scale']} {r['unit']} ({r['qualifier']})".replace("  ", " ")
        if not r["any_number"]:
            seen = ", ".join(f"'{t}'" for t in (r["all"] or [])) or "no number"
            rule = "number-mismatch" if r["all"] else "number-not-in-quote"
            findings.append(Finding(rule, f"value {r['value_str']} does not appear in {cited}, which has {seen}: "
                                    "record the number exactly as the quote gives it", file=file, line=r["stat_line"],
                                    field="value", value=r["value_str"]))
        elif not r["any_scale"]:
            findings.append(Finding("unit-mismatch", f"{cited} has {r['near']!r}: the scale word must match "
                                    f"(recorded scale {r['scale'] or 'none'})", file=file, line=r["stat_line"],
                                    field="scale", value=r["scale"]))
        elif not r["any_unit"]:
            findings.append(Finding("unit-mismatch", f"{cited} has {r['near']!r}, which is not in unit {r['unit']!r}: "
                                    "record the unit or currency the quote gives", file=file, line=r["stat_line"],
                                    field="unit", value=r["unit"]))
        else:
            findings.append(Finding("qualifier-mismatch", f"{cited} has {r['near']!r}, qualifier {r['near_qual']}, "
                                    f"but the record says {r['qualifier']}: {recorded}", file=file, line=r["stat_line"],
                                    field="qualifier", value=r["qualifier"]))
    return findings


def check_record_numbers(ds: Dataset, cites: pl.DataFrame) -> list[Finding]:
    """Integer facts of other records (years, session numbers) appear in one of the record's quotes."""
    from zonedata.numbers import mentions_frame

    findings: list[Finding] = []
    for tname, table in ds.tables.items():
        schema = table.schema
        if tname in ("statistics", CITATIONS_TABLE) or table.frame.is_empty() or len(schema.primary_key) != 1:
            continue
        key = schema.primary_key[0]
        ints = [f.name for f in schema.raw_fields if f.type == "integer" and f.name in table.frame.columns]
        if not ints or key not in table.frame.columns:
            continue
        facts = table.frame.select(LINE, pl.col(key).alias("record_id"), *ints).unpivot(
            index=[LINE, "record_id"], variable_name="field", value_name="v").drop_nulls("v")
        quotes = cites.filter((pl.col("record_table") == tname) & pl.col("quote_start").is_not_null()).select(
            "record_id", "quote_norm")
        if facts.is_empty():
            continue
        quotes = quotes.with_row_index("q")
        m = mentions_frame(quotes["quote_norm"]).select(pl.col("row").cast(pl.UInt32).alias("q"), "number")
        numbers = quotes.join(m, on="q").select("record_id", pl.col("number").cast(DECIMAL).alias("n")).unique()
        facts = facts.with_columns(pl.col("v").cast(DECIMAL).alias("n"))
        missing = facts.join(numbers, on=["record_id", "n"], how="anti").sort(LINE, "field")
        for line, rid, fld, v in missing.select(LINE, "record_id", "field", "v").head(MAX_FINDINGS_PER_RULE).iter_rows():
            findings.append(Finding("number-not-in-quote", f"{fld} {v} of {rid!r} appears in none of its quotes: cite the "
                                    "sentence that states it, or leave the field empty", file=ds.file(tname), line=line,
                                    field=fld, value=str(v)))
    return findings

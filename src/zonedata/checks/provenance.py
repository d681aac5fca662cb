"""Check 4: each quote occurs in its source (safe normalisation only), and every number a record
holds appears in one of its quotes with the same scale, unit and qualifier.

Quotes are located with polars' literal search, each distinct quote in its own source's text;
numbers are read by the grammar in `numbers.py`; comparisons are joins, not loops over records.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from zonedata.base.findings import LINE, WARNING, Finding
from zonedata.base.vocabulary import DECIMAL, Vocabulary
from zonedata.loading.dataset import Dataset
from zonedata.loading.tables import exact_decimal
from zonedata.text.closest import closest_passage, word_differences
from zonedata.text.normalise import normalise_series

HINTS_MAX = 50  # closest-passage hints are computed for at most this many missing quotes


def check(ds: Dataset) -> list[Finding]:
    texts, located, role = ds.texts, ds.located, ds.roles.citations
    if located is None or role is None:
        return []
    file, quote_field = ds.file(role.table), role["quote"]
    findings: list[Finding] = []
    frame = located.frame
    missing = frame.filter(pl.col("quote_start").is_null() & pl.col("source_id").is_in(list(texts))).sort(LINE)
    for i, (line, sid, quote, qnorm) in enumerate(missing.select(LINE, "source_id", "quote", "quote_norm").iter_rows()):
        if not qnorm:
            continue  # an empty quote is a required-missing finding already
        hint = ""
        if i < HINTS_MAX:
            src = ds.source_texts[sid].normalised
            near = closest_passage(src, qnorm)
            if near:
                hint = f'; the closest passage is: "{near}"'
                differ = word_differences(qnorm, near)
                if differ:
                    hint += f"; the words that differ: {'; '.join(differ)}"
        findings.append(
            Finding(
                "quote-not-found",
                f"the quote does not occur in source {sid} (after normalising quotes, "
                f"dashes and spaces only){hint}. Copy the text exactly",
                file=file,
                line=line,
                field=quote_field,
                value=quote,
            )
        )
    for line, sid, n in frame.filter(pl.col("n_found") > 1).sort(LINE).select(LINE, "source_id", "n_found").iter_rows():
        findings.append(
            Finding(
                "quote-ambiguous",
                f"the quote occurs {n} times in source {sid}; offsets point at the first. "
                "Quote a longer passage to make it unique",
                file=file,
                line=line,
                field=quote_field,
                severity=WARNING,
            )
        )
    # every quote's numbers, read in one pass for both checks (the grammar's regular expressions
    # are compiled once per thread, ~30 ms, so one reader thread rather than two)
    mentions = located.mentions(ds.grammar)
    findings.extend(check_statistics(ds, frame, mentions))
    findings.extend(check_record_numbers(ds, frame, mentions))
    return findings


def _names_figure(rows: pl.DataFrame) -> pl.Series:
    """For each row (a value_text beside one mention of its quote: quote_norm, vt_norm, m_start, m_end,
    m_num_start, m_num_end), whether value_text names the mention as a whole figure: one occurrence of
    it in the quote either spans the whole mention ("more than 600 representatives" for "more than
    600"), or lies inside the mention and spans its numeral entire ("7.5 billion" in "RMB 7.5
    billion"), and starts and ends on word boundaries. So a piece of a figure ("1,22" of "1,221",
    "1.54%" of "61.54%"), a digit, a sign or a phrase that runs from one figure into another names none.

    An occurrence at position p, of length L, spans [a, b) iff the quote's text from b - L to a + L
    contains it: each case is one literal search in a window (vectorised, in stages so each piece is
    computed once). Letter case is ignored where lower-casing keeps the lengths (offsets are the
    grammar's, in the quote as written)."""
    zero = pl.lit(0, dtype=pl.Int64)
    # only the text around the mention matters (a window reaches len(value_text) + 1 beyond it): cut that
    # region out once, and work in its offsets
    frame = rows.select(
        "quote_norm", "vt_norm", *(pl.col(c).cast(pl.Int64) for c in ("m_start", "m_end", "m_num_start", "m_num_end"))
    )
    frame = frame.with_columns(n0=pl.col("vt_norm").str.len_chars().cast(pl.Int64))
    frame = frame.with_columns(r0=pl.max_horizontal(pl.col("m_start") - pl.col("n0") - 1, zero))
    frame = frame.select(
        *(pl.col(c) - pl.col("r0") for c in ("m_start", "m_end", "m_num_start", "m_num_end")),
        "vt_norm",
        region=pl.col("quote_norm").str.slice(pl.col("r0"), pl.col("m_end") + pl.col("n0") + 1 - pl.col("r0")),
    )
    q0, v0 = pl.col("region"), pl.col("vt_norm")
    frame = frame.with_columns(ql=q0.str.to_lowercase(), vl=v0.str.to_lowercase())
    same = (pl.col("ql").str.len_chars() == q0.str.len_chars()) & (pl.col("vl").str.len_chars() == v0.str.len_chars())
    frame = frame.select(
        "m_start",
        "m_end",
        "m_num_start",
        "m_num_end",
        q=pl.when(same).then("ql").otherwise(q0),
        v=pl.when(same).then("vl").otherwise(v0),
    )
    q, v = pl.col("q"), pl.col("v")
    frame = frame.with_columns(n=v.str.len_chars().cast(pl.Int64))
    n, ms, me, ns, ne = (pl.col(c) for c in ("n", "m_start", "m_end", "m_num_start", "m_num_end"))
    frame = frame.with_columns(  # the two windows: [me - n, ms + n) and [max(ms, ne - n), min(me, ns + n))
        lo1=pl.max_horizontal(me - n, zero),
        hi1=ms + n,
        lo2=pl.max_horizontal(ms, ne - n, zero),
        hi2=pl.min_horizontal(me, ns + n),
    )
    frame = frame.with_columns(
        w1=q.str.slice(pl.col("lo1"), pl.max_horizontal(pl.col("hi1") - pl.col("lo1"), zero)),
        w2=q.str.slice(pl.col("lo2"), pl.max_horizontal(pl.col("hi2") - pl.col("lo2"), zero)),
    )
    frame = frame.with_columns(
        f1=(pl.col("hi1") - pl.col("lo1") >= n) & pl.col("w1").str.contains(v, literal=True),
        f2=(pl.col("hi2") - pl.col("lo2") >= n) & pl.col("w2").str.contains(v, literal=True),
    )
    # where the occurrence starts (the first in its window), for the word-boundary test
    frame = frame.with_columns(
        p=pl.when("f1")
        .then(pl.col("lo1") + pl.col("w1").str.split(v).list.first().str.len_chars())
        .when("f2")
        .then(pl.col("lo2") + pl.col("w2").str.split(v).list.first().str.len_chars())
        .cast(pl.Int64)
    )
    word = r"^[\p{L}\p{N}]$"
    frame = frame.with_columns(
        before=pl.when(pl.col("p") > 0).then(q.str.slice(pl.col("p") - 1, 1)).otherwise(pl.lit("")).str.contains(word),
        after=q.str.slice(pl.col("p") + n, 1).str.contains(word),
        first=v.str.slice(0, 1).str.contains(word),
        last=v.str.slice(-1, 1).str.contains(word),
    )
    joins = (pl.col("before") & pl.col("first")).fill_null(False) | (pl.col("last") & pl.col("after")).fill_null(False)
    return frame.select(((n > 0) & (pl.col("f1") | pl.col("f2")) & ~joins).fill_null(False)).to_series()


def _unit_ok(vocabulary: Vocabulary) -> pl.Expr:
    unit, kind = pl.col("unit"), pl.col("kind")
    ok = pl.lit(False)
    # how a statistic's unit shows in the grammar's reading of the quote (metadata/vocabulary/units.csv):
    # the unit itself, as written ("70.1 billion yuan" is yuan, not RMB); or a bare number
    for u in vocabulary.units:
        if not u.recorded:
            continue
        if u.before or u.after:
            ok = ok | ((unit == u.name) & (pl.col("m_unit") == u.name))
        if u.kinds:
            bare = kind.is_in(list(u.kinds)) & pl.col("m_unit").is_null() & pl.col("m_currency").is_null()
            if u.words:  # the figure's own words say the unit: "three consecutive years", not "seven areas"
                words = "|".join(re.escape(w) for w in u.words)
                bare = bare & pl.col("vt_norm").str.to_lowercase().str.contains(
                    rf"(?:^|[^\p{{L}}])(?:{words})(?:$|[^\p{{L}}])"
                )
            ok = ok | ((unit == u.name) & bare)
    return ok


def check_statistics(ds: Dataset, cites: pl.DataFrame, mentions: pl.DataFrame) -> list[Finding]:
    """Every figure's value, scale, unit and qualifier agree with each of its quotes (`mentions`
    is `Located.mentions()`). The figures are the table with the figures role."""
    figures, stats, cited = ds.roles.figures, ds.role_table("figures"), ds.roles.citations
    if figures is None or stats is None or cited is None:
        return []  # (the schema-invalid finding says which role to declare)
    key = stats.schema.primary_key
    if (
        len(key) != 1
        or ds.role_lacks("figures", "value_text", "value", "scale", "unit", "qualifier")
        or stats.lacks(*key)
    ):
        return []  # (a figure without its value, unit or qualifier column would disagree with every quote)
    file = ds.file(figures.table)
    s = (
        figures.canonical(stats.strings)
        .select(
            pl.col(LINE).alias("stat_line"),
            pl.col(key[0]).alias("record_id"),
            "value_text",
            "unit",
            "qualifier",
            pl.col("scale").fill_null(""),
            pl.col("value").alias("value_str"),
            exact_decimal(pl.col("value")).alias("number"),  # a value that is not a plain number has its type error
        )
        .filter(pl.col("number").is_not_null() & pl.col("value_text").is_not_null())
    )
    pairs = (
        cites.select(LINE, "record_table", "record_id", "quote_key", "quote_start")
        .filter((pl.col("record_table") == figures.table) & pl.col("quote_start").is_not_null())
        .select(pl.col(LINE).alias("cite_line"), "record_id", "quote_key")
        .join(s, on="record_id", how="inner")
    )
    if pairs.is_empty():
        return []
    pairs = pairs.with_columns(vt_norm=normalise_series(pairs["value_text"]))
    # a quote and a recorded figure are compared once however many (statistic, citation) pairs share them
    key = ["quote_key", "vt_norm", "number", "scale", "unit", "qualifier"]
    groups = pairs.with_row_index("p").group_by(key, maintain_order=True).agg("p")
    # each distinct quote's text, by quote_key (the row of Located.quotes), for the distinct pairs only
    quotes = ds.located.quotes if ds.located is not None and ds.located.quotes is not None else None
    if quotes is None:
        quotes = cites.select("quote_key", "quote_norm").unique("quote_key").sort("quote_key")
    quote_norm = quotes["quote_norm"].gather(groups["quote_key"])
    distinct = (
        groups.select(*key)
        .with_columns(quote_norm)
        .with_row_index("k")
        .with_columns(
            vt_in_quote=pl.col("quote_norm")
            .str.to_lowercase()
            .str.contains(pl.col("vt_norm").str.to_lowercase(), literal=True)
        )
    )
    members = groups.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("k"), "p").explode("p")
    k = np.empty(len(pairs), dtype=np.uint32)
    k[members["p"].to_numpy()] = members["k"].to_numpy()
    pairs = pairs.with_columns(pl.Series("k", k), distinct["vt_in_quote"].gather(k))
    findings: list[Finding] = []
    not_in = pairs.filter(~pl.col("vt_in_quote"))
    for line, cl, vt in not_in.select("stat_line", "cite_line", "value_text").iter_rows():
        findings.append(
            Finding(
                "value-text-not-in-quote",
                f"{figures['value_text']} {vt!r} does not occur in the quote on "
                f"{ds.file(cited.table)} line {cl}: copy the value exactly as the quote writes it",
                file=file,
                line=line,
                field=figures["value_text"],
                value=vt,
            )
        )

    # the number mentions of each distinct quote, read once
    joined = distinct.join(mentions, on="quote_key", how="left", maintain_order="left_right").with_row_index("j")
    # naming a mention needs one text to hold the other (a cheap test that keeps few rows): only those
    # rows are searched for a whole-figure occurrence
    vt, mt = pl.col("vt_norm").str.to_lowercase(), pl.col("m_text").str.to_lowercase()
    candidates = joined.filter((vt.str.contains(mt, literal=True) | mt.str.contains(vt, literal=True)).fill_null(False))
    named = candidates.select("j").with_columns(_names_figure(candidates).alias("named"))
    joined = joined.join(named, on="j", how="left", maintain_order="left").with_columns(
        pl.col("named").fill_null(False)
    )
    joined = joined.with_columns(
        # only the mention that value_text names counts: "1,221 projects" cannot stand for 70.1 in the same quote
        same_number=((pl.col("m_number") == pl.col("number")) & pl.col("named")).fill_null(False),
        same_scale=pl.col("m_scale") == pl.col("scale"),
        unit_ok=_unit_ok(ds.vocabulary).fill_null(False),
        same_qual=(pl.col("m_qualifier") == pl.col("qualifier")).fill_null(False),
    )
    # a superlative alone ("largest trading partner") is rank 1 when the quote says it, as a word
    # (a word of units.csv's superlatives, in its unit)
    stated_one = [f"{unit}\x00{word}" for word, unit in ds.vocabulary.superlatives.items()]
    maybe = (
        (pl.col("unit") + pl.lit("\x00") + pl.col("vt_norm").str.to_lowercase()).is_in(stated_one)
        & (pl.col("number") == pl.lit(1).cast(DECIMAL))
        & pl.col("vt_in_quote")
        & (pl.col("qualifier") == "exact")
    )
    words = pl.lit(" ") + pl.col("quote_norm").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]+", " ") + pl.lit(" ")
    superlatives = distinct.filter(maybe.fill_null(False)).filter(
        words.str.contains(pl.lit(" ") + pl.col("vt_norm").str.to_lowercase() + pl.lit(" "), literal=True)
    )["k"]
    per_key = (
        joined.group_by("k")
        .agg(
            pl.col("named").any().alias("any_named"),
            pl.col("vt_in_quote").first(),
            (pl.col("same_number") & pl.col("same_scale") & pl.col("unit_ok") & pl.col("same_qual")).any().alias("ok"),
            pl.col("same_number").any().alias("any_number"),
            (pl.col("same_number") & pl.col("same_scale")).any().alias("any_scale"),
            (pl.col("same_number") & pl.col("same_scale") & pl.col("unit_ok")).any().alias("any_unit"),
            pl.col("m_text").filter(pl.col("same_number")).first().alias("near"),
            pl.col("m_qualifier")
            .filter(pl.col("same_number") & pl.col("same_scale") & pl.col("unit_ok"))
            .first()
            .alias("near_qual"),
            pl.col("m_text").filter(pl.col("named") & (pl.col("kind") == "unread")).first().alias("unread"),
            pl.col("m_text")
            .filter(pl.col("kind").is_in(["cardinal", "percent", "ordinal", "year", "unread"]))
            .unique(maintain_order=True)
            .alias("all"),
        )
        .with_columns(superlative=pl.col("k").is_in(superlatives.implode()))
        .filter(~pl.col("ok") & ~pl.col("superlative"))
    )
    per_pair = (
        pairs.select("k", "stat_line", "cite_line", "value_str", "value_text", "scale", "unit", "qualifier")
        .join(per_key, on="k", how="inner")
        .sort("stat_line", "cite_line")
    )
    where = ds.file(cited.table)
    for r in per_pair.iter_rows(named=True):
        rule, field, message = _mismatch(r, f"the quote on {where} line {r['cite_line']}")
        value = r["value_str"] if field == "value" else r[field]
        findings.append(Finding(rule, message, file=file, line=r["stat_line"], field=figures[field], value=value))
    return findings


def _mismatch(r: dict, cited: str) -> tuple[str, str, str]:
    """(rule, field, message) for a statistic none of whose quote's mentions matches it, from the first
    test it fails: the figure as written, the number, the scale word, the unit, then the qualifier."""
    seen = ", ".join(f"'{t}'" for t in (r["all"] or [])) or "no number"
    if r["vt_in_quote"] and not r["any_named"]:
        return (
            "value-text-not-in-quote",
            "value_text",
            f"value_text {r['value_text']!r} is not a whole figure of {cited}, which has {seen}: copy the whole "
            "figure as the quote writes it (its numeral entire, e.g. '1,221 projects', not '1,22' or '221 projects')",
        )
    if not r["any_number"] and r["unread"] is not None:
        return (
            "number-mismatch",
            "value",
            f"value_text {r['value_text']!r} names {r['unread']!r} in {cited}, which zonedata does not read as one "
            "exact figure: a currency the vocabulary does not name (S$, NT$, €...), a sign, a range, a fraction, "
            "multiple or fall in words, a negation, or a number form it cannot read exactly (5,2; 1 200; 1/3; "
            "5e9; lakh). Record no value from it, or, for a currency or word the dataset uses, add its row to "
            "metadata/vocabulary/",
        )
    if not r["any_number"]:
        return (
            "number-mismatch" if r["all"] else "number-not-in-quote",
            "value",
            f"value {r['value_str']} is not the number that value_text {r['value_text']!r} names in {cited}, "
            f"which has {seen}: record the number exactly as the quote gives it",
        )
    if not r["any_scale"]:
        return (
            "unit-mismatch",
            "scale",
            f"{cited} has {r['near']!r}: the scale word must match (recorded scale {r['scale'] or 'none'})",
        )
    if not r["any_unit"]:
        return (
            "unit-mismatch",
            "unit",
            f"{cited} has {r['near']!r}, which is not in unit {r['unit']!r}: record the unit or currency the quote gives",
        )
    recorded = f"{r['value_str']} {r['scale']} {r['unit']} ({r['qualifier']})".replace("  ", " ")
    return (
        "qualifier-mismatch",
        "qualifier",
        f"{cited} has {r['near']!r}, qualifier {r['near_qual']}, but the record says {r['qualifier']}: {recorded}",
    )


def check_record_numbers(ds: Dataset, cites: pl.DataFrame, mentions: pl.DataFrame) -> list[Finding]:
    """Integer facts of other records (years, session numbers) appear in one of the record's quotes
    (`mentions` is `Located.mentions()`)."""
    facts = {}
    for tname, table in ds.tables.items():
        schema = table.schema
        if (
            tname in ds.roles.special
            or tname == ds.roles.table("figures")
            or table.frame.is_empty()
            or len(schema.primary_key) != 1
        ):
            continue
        key = schema.primary_key[0]
        ints = [f.name for f in schema.raw_fields if f.type == "integer"]  # (one the CSV lacks: all null, dropped)
        if not ints or table.lacks(key):
            continue  # (without its key, no record's quotes are known: its numbers are in none)
        rows = (
            table.frame.select(LINE, pl.col(key).alias("record_id"), *ints)
            .unpivot(index=[LINE, "record_id"], variable_name="field", value_name="v")
            .drop_nulls("v")
        )
        if not rows.is_empty():
            facts[tname] = rows
    if not facts:
        return []
    # the numbers in the quotes of every record of these tables; each distinct quote is read once
    quotes = cites.select("record_table", "record_id", "quote_key", "quote_start").filter(
        pl.col("record_table").is_in(list(facts)) & pl.col("quote_start").is_not_null()
    )
    numbers = (
        quotes.join(mentions, on="quote_key")
        .select("record_table", "record_id", pl.col("m_number").alias("n"))
        .unique()
    )
    # a record with a quote that could not be located already has a finding; its numbers may be in that quote
    unlocated = (
        cites.filter(pl.col("record_table").is_in(list(facts)) & pl.col("quote_start").is_null())
        .select("record_table", "record_id")
        .unique()
    )
    findings: list[Finding] = []
    for tname, rows in facts.items():
        rows = rows.join(
            unlocated.filter(pl.col("record_table") == tname).drop("record_table"), on="record_id", how="anti"
        )
        rows = rows.with_columns(pl.col("v").cast(DECIMAL).alias("n"))
        missing = rows.join(
            numbers.filter(pl.col("record_table") == tname).drop("record_table"), on=["record_id", "n"], how="anti"
        ).sort(LINE, "field")
        for line, rid, fld, v in missing.select(LINE, "record_id", "field", "v").iter_rows():
            findings.append(
                Finding(
                    "number-not-in-quote",
                    f"{fld} {v} of {rid!r} appears in none of its quotes: cite the "
                    "sentence that states it, or leave the field empty",
                    file=ds.file(tname),
                    line=line,
                    field=fld,
                    value=str(v),
                )
            )
    return findings

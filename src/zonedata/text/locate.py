"""Quote location: where each cited quote occurs in its source text, and the numbers each quote holds.

Quotes are located with polars' literal search, each distinct quote in its own source's text.
The loader locates them once (`Dataset.located`); the provenance check, coverage and the build
read the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from zonedata.base.findings import LINE
from zonedata.base.vocabulary import DECIMAL
from zonedata.text.normalise import SourceText, normalise_series
from zonedata.text.numbers import Grammar

#: the citations' fields a quote is located by
QUOTE_FIELDS = ("record_table", "record_id", "source_id", "quote")


@dataclass
class Located:
    """Citations with their normalised quote and, where found, stored-text offsets."""

    #: LINE, record_table, record_id, source_id, quote, quote_key, quote_norm, quote_start, quote_end, n_found;
    #: quote_key numbers the distinct (source_id, quote) pairs, so later joins need not hash the quotes again
    frame: pl.DataFrame
    #: one row per distinct quote, the row of its quote_key: quote_key, quote_norm, n_found, quote_start, quote_end,
    #: ctx_before, ctx_after (the text around each, kept here only: per citation it would cost ~25 MB at 1M)
    #: (None: taken from `frame`, which then has ctx_before and ctx_after)
    quotes: pl.DataFrame | None = field(default=None, repr=False)
    _mentions: pl.DataFrame | None = field(default=None, repr=False)

    def mentions(self, grammar: Grammar) -> pl.DataFrame:
        """The number mentions of every distinct quote, by quote_key (see `quote_mentions`), read once by the
        dataset's `grammar`."""
        if self._mentions is None:
            quotes = self.frame if self.quotes is None else self.quotes
            self._mentions = quote_mentions(
                quotes.select("quote_key", "quote_norm", "ctx_before", "ctx_after"), grammar
            )
        return self._mentions


def locate_quotes(cites: pl.DataFrame | None, sources: dict[str, SourceText]) -> Located | None:
    """Each citation of `cites` (the citations table, with the `QUOTE_FIELDS`; None when there is none to
    read) with its quote located in its source's text."""
    if cites is None:
        return None
    frame = cites.select(LINE, *sorted(QUOTE_FIELDS))
    # each distinct (source, quote) is normalised and searched once, however many records cite it;
    # `group` numbers them, and each citation takes its distinct quote's results by that number
    groups = frame.with_row_index("row").group_by("source_id", pl.col("quote").fill_null("").alias("q")).agg("row")
    members = groups.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("group"), "row").explode("row")
    group = np.empty(frame.height, dtype=np.uint32)
    group[members["row"].to_numpy()] = members["group"].to_numpy()
    distinct = groups.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("quote_key"),
        "source_id",
        quote_norm=normalise_series(groups["q"]),
    )
    located = find_quotes(
        distinct.filter(pl.col("quote_norm") != "").select("source_id", "quote_norm").unique(), sources
    )
    # a left join on unique right keys keeps each distinct quote in its row: quote_key stays its row number
    distinct = distinct.join(located, on=["source_id", "quote_norm"], how="left", maintain_order="left").drop(
        "source_id"
    )
    return Located(frame.with_columns(distinct.drop("ctx_before", "ctx_after")[group]), quotes=distinct)


def find_quotes(pairs: pl.DataFrame, sources: dict[str, SourceText]) -> pl.DataFrame:
    """Where each distinct (source_id, quote_norm) occurs in its source's normalised text.

    Returns source_id, quote_norm, n_found (every occurrence, overlapping ones included) and the
    stored-text offsets of the first, for the quotes that occur. Each quote is searched only in its
    own source (polars' literal search, one needle per row), then once more in the bytes after the
    first byte of its first occurrence (occurrences may overlap: "aa" occurs twice in "aaa"). Only
    the (few) quotes found again are counted: by a count of non-overlapping occurrences, and, for a
    quote that can overlap itself (a prefix of it is also its suffix), occurrence by occurrence.
    """
    out_schema = {
        "source_id": pl.String,
        "quote_norm": pl.String,
        "n_found": pl.UInt32,
        "quote_start": pl.Int64,
        "quote_end": pl.Int64,
        "ctx_before": pl.String,
        "ctx_after": pl.String,
    }
    if not sources or pairs.is_empty():
        return pl.DataFrame(schema=out_schema)
    sids = list(sources)
    norm = pl.Series([sources[sid].normalised for sid in sids], dtype=pl.String)
    n_bytes = norm.str.len_bytes().cast(pl.Int64)
    n_chars = norm.str.len_chars().cast(pl.Int64)
    texts = pl.DataFrame(
        {
            "source_id": sids,
            "hay": norm,
            "byte_base": n_bytes.cum_sum() - n_bytes,
            "char_base": n_chars.cum_sum() - n_chars,
            "k": pl.int_range(len(sids), dtype=pl.Int64, eager=True),
        }
    )
    # byte <-> code point in the normalised texts laid end to end, from the (few) UTF-8 continuation bytes
    raw = np.frombuffer("".join(norm.to_list()).encode("utf-8"), dtype=np.uint8)
    cont = np.flatnonzero((raw & 0xC0) == 0x80) if len(raw) != n_chars.sum() else np.zeros(0, dtype=np.int64)
    del raw

    def char_of(byte: np.ndarray) -> np.ndarray:
        return byte - np.searchsorted(cont, byte)

    def byte_of(char: np.ndarray) -> np.ndarray:
        return char + np.searchsorted(cont - np.arange(len(cont)), char, side="right")

    found = (
        pairs.join(texts, on="source_id", how="inner")
        .with_columns(
            byte=pl.col("hay").str.find(pl.col("quote_norm"), literal=True),
        )
        .filter(pl.col("byte").is_not_null())
    )
    if found.is_empty():
        return pl.DataFrame(schema=out_schema)
    # UTF-8 is self-synchronising: a whole quote matched in the bytes starts on a character boundary
    found = found.with_columns(
        again=pl.col("hay")
        .cast(pl.Binary)
        .bin.slice(pl.col("byte") + 1)
        .bin.contains(pl.col("quote_norm").cast(pl.Binary))
    )
    first_char = char_of(found["byte_base"].to_numpy() + found["byte"].to_numpy())  # global code point
    count = np.ones(found.height, dtype=np.uint32)
    # a quote can overlap itself only if it has a border (a prefix that is also a suffix): if the border is
    # shorter than 8 characters the quote ends with its own first k < 8, otherwise its first 8 recur in it
    q, length = pl.col("quote_norm"), pl.col("quote_norm").str.len_chars()
    border = q.str.slice(1).str.contains(q.str.slice(0, 8), literal=True)
    for k in range(1, 8):
        border = border | ((length > k) & q.str.ends_with(q.str.slice(0, k)))
    again = (
        found.with_row_index("i")
        .filter(pl.col("again"))
        .with_columns(
            pl.col("i").cast(pl.Int64),
            n=pl.col("hay").str.count_matches(pl.col("quote_norm"), literal=True),
            border=border,
            c=pl.Series("c", first_char).filter(found["again"]) - pl.col("char_base"),
        )
    )
    count[again["i"].to_numpy()] = again["n"].cast(pl.UInt32).to_numpy()
    # a quote that can overlap itself: count it occurrence by occurrence from the first
    cur = again.filter(pl.col("border")).select("i", "hay", "quote_norm", "char_base", "c")
    count[cur["i"].to_numpy()] = 1
    while not cur.is_empty():
        nxt = cur.with_columns(
            rel=pl.col("hay").str.slice(pl.col("c") + 1).str.find(pl.col("quote_norm"), literal=True)
        ).filter(pl.col("rel").is_not_null())
        if nxt.is_empty():
            break
        base = nxt["char_base"].to_numpy()
        after = byte_of(base + nxt["c"].to_numpy() + 1)  # global byte of the character after the last occurrence
        count[nxt["i"].to_numpy()] += 1
        cur = nxt.with_columns(pl.Series("c", char_of(after + nxt["rel"].to_numpy()) - base)).drop("rel")
    # stored offsets: a normalised position plus the white space dropped before it in its text
    k = found["k"].to_numpy()
    char_base = found["char_base"].to_numpy()
    last_char = first_char + found["quote_norm"].str.len_chars().cast(pl.Int64).to_numpy() - 1
    drops = [sources[sid].dropped for sid in sids]
    if all(d is not None for d in drops):
        drops = [d for d in drops if d is not None]
        n_drops = np.array([len(d) for d in drops], dtype=np.int64)
        drop_base = np.cumsum(n_drops) - n_drops
        # drop j of text t comes after (dropped[j] - j) kept characters: as a global normalised position
        after_kept = np.concatenate([d - np.arange(len(d)) for d in drops] + [np.zeros(0, dtype=np.int64)])
        after_kept += np.repeat(texts["char_base"].to_numpy(), n_drops)

        def stored(char: np.ndarray) -> np.ndarray:
            return char - char_base + np.searchsorted(after_kept, char, side="right") - drop_base[k]

        def stored_end(char: np.ndarray) -> np.ndarray:
            return stored(char) + 1
    else:  # a text that NFC changed maps character by character (a composed character to its whole cluster)
        index = np.concatenate([sources[sid].index for sid in sids])
        end_index = np.concatenate([sources[sid].end_index for sid in sids])

        def stored(char: np.ndarray) -> np.ndarray:
            return index[char]

        def stored_end(char: np.ndarray) -> np.ndarray:
            return end_index[char]

    return pl.DataFrame(
        {
            "source_id": found["source_id"],
            "quote_norm": found["quote_norm"],
            "n_found": pl.Series(count, dtype=pl.UInt32),
            "quote_start": pl.Series(stored(first_char), dtype=pl.Int64),
            "quote_end": pl.Series(stored_end(last_char), dtype=pl.Int64),
            # the normalised source text around the first occurrence: the grammar reads a quote's figures in
            # it, so a quote cut after "−", "S$" or "no" is read as its text says ("−5.2%", not 5.2%)
            **_context(found["hay"], pl.Series(first_char - char_base), found["quote_norm"]),
        }
    )


#: characters of source text on each side of a quote that the grammar reads its figures in (more than the
#: longest figure: a figure cut by the quote's edge is read whole, then refused)
CONTEXT = 80


def _context(hay: pl.Series, start: pl.Series, quote: pl.Series) -> dict[str, pl.Series]:
    """The `CONTEXT` characters of each text `hay` before and after its quote, which starts at `start`."""
    frame = pl.DataFrame({"hay": hay, "c": start.cast(pl.Int64), "n": quote.str.len_chars().cast(pl.Int64)})
    out = frame.select(
        ctx_before=pl.col("hay").str.slice(
            pl.max_horizontal(pl.col("c") - CONTEXT, pl.lit(0)), pl.min_horizontal(pl.col("c"), pl.lit(CONTEXT))
        ),
        ctx_after=pl.col("hay").str.slice(pl.col("c") + pl.col("n"), CONTEXT),
    )
    return {"ctx_before": out["ctx_before"], "ctx_after": out["ctx_after"]}


def quote_mentions(quotes: pl.DataFrame, grammar: Grammar) -> pl.DataFrame:
    """The number mentions (see `numbers.Grammar.mentions_frame`) of each distinct quote of `quotes` (quote_key,
    quote_norm), by quote_key: quote_key, m_text, m_start, m_end (code points in quote_norm), m_num_start,
    m_num_end (its numeral's), kind, m_qualifier, m_number, m_scale, m_unit, m_currency."""
    quotes = quotes.filter(pl.col("quote_norm") != "").unique("quote_key", maintain_order=True)
    if "ctx_before" not in quotes.columns:
        quotes = quotes.with_columns(ctx_before=pl.lit(""), ctx_after=pl.lit(""))
    quotes = quotes.with_columns(pl.col("ctx_before", "ctx_after").fill_null(""))
    # each quote is read in its source's words around it (`find_quotes`): a mention wholly outside the
    # quote is dropped, one the quote's edge cuts is unread (the quote holds only part of that figure),
    # and offsets are the quote's
    lead = quotes["ctx_before"].str.len_chars().cast(pl.Int64)
    length = quotes["quote_norm"].str.len_chars().cast(pl.Int64)
    # (the mentions wholly in the context are found, so that the search is the same, but not read)
    m = grammar.mentions_frame(quotes["ctx_before"] + quotes["quote_norm"] + quotes["ctx_after"], (lead, lead + length))
    m = (
        m.with_columns(a=lead.gather(m["row"]), n=length.gather(m["row"]))
        .with_columns(s0=pl.col("start") - pl.col("a"), e0=pl.col("end") - pl.col("a"))
        .filter((pl.col("e0") > 0) & (pl.col("s0") < pl.col("n")))
    )
    cut = (pl.col("s0") < 0) | (pl.col("e0") > pl.col("n"))
    s_in, e_in = pl.max_horizontal(pl.col("s0"), pl.lit(0)), pl.min_horizontal(pl.col("e0"), pl.col("n"))
    m = m.with_columns(
        pl.when(cut)
        .then(pl.col("text").str.slice(s_in - pl.col("s0"), e_in - s_in))
        .otherwise(pl.col("text"))
        .alias("text"),
        pl.when(cut).then(pl.lit("unread")).otherwise(pl.col("kind")).alias("kind"),
        *(
            pl.when(cut).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("number", "scale_word", "value", "unit", "currency")
        ),
        pl.when(cut).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("number_text")).alias("number_text"),
        s_in.alias("start"),
        e_in.alias("end"),
    )
    text, numeral = pl.col("text"), pl.col("number_text")
    has = text.str.contains(numeral, literal=True).fill_null(False)
    num_start = pl.col("start") + pl.when(has).then(text.str.split(numeral).list.first().str.len_chars()).otherwise(
        0
    ).cast(pl.Int64)
    num_end = pl.when(has).then(num_start + numeral.str.len_chars().cast(pl.Int64)).otherwise(pl.col("end"))
    return m.select(
        quotes["quote_key"].gather(m["row"]),
        pl.col("text").alias("m_text"),
        pl.col("start").alias("m_start"),
        pl.col("end").alias("m_end"),
        num_start.alias("m_num_start"),
        num_end.alias("m_num_end"),
        "kind",
        pl.col("qualifier").alias("m_qualifier"),
        pl.col("number").cast(DECIMAL).alias("m_number"),
        pl.col("scale_word").fill_null("").alias("m_scale"),
        pl.col("unit").alias("m_unit"),
        pl.col("currency").alias("m_currency"),
    )

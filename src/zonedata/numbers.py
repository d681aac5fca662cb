"""Number mentions in free text: the grammar zonedata checks recorded values against.

Every number a record carries must appear in its verbatim quote with a compatible scale
word, currency/unit and qualifier ("about 1200 mu" cannot be recorded as exactly 1200;
71.1 cannot stand for 70.1). No maintained library parses phrases such as "exceeds RMB 90
billion" or "99.68 billion yuan ($14.60 billion)", so the grammar is ours: one regular
expression (`PATTERN`), run fully vectorised in polars with exact Decimal arithmetic.

Pipeline (`mentions_frame`), no per-row Python:

1. locate: ``str.extract_all(PATTERN)`` gives the mentions and ``str.split(PATTERN)`` the
   text between them (the same leftmost-first search, so the two lists align); the
   code-point lengths of both, summed, give each mention's code-point offsets;
2. read: in each lower-cased mention the first numeral is marked and split out, and the
   words before it (qualifier, currency) and after it (scale word, unit, ordinal suffix)
   are looked up in closed tables generated from the same vocabulary as the grammar; the
   numeral is a digit string cast to ``Decimal(38, 6)`` or a number word looked up;
   ``value = number x scale``;
3. the rare rest (dates, times, odd white space inside a mention, identifiers such as
   ``G20`` that the grammar swallows so their digits are not read as numbers) is read
   with the named groups of the same grammar (``str.extract_groups``), on that subset only.

Kinds: ``cardinal`` ("1,221 projects", "seven areas", "RMB 7.5 billion"), ``ordinal``
("21st", "second"), ``percent`` ("61.54%", "6 percent"), ``year`` (a bare four-digit
1900-2100 with no unit, currency or scale word: "in 2012"), ``date`` ("May 28, 2024",
"23 September 2024", "2023-09-16"; number and value null, the ``date`` column set when
complete) and ``time`` ("11:00").
"""

from __future__ import annotations

import datetime as _dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

__all__ = ["QUALIFIERS", "KINDS", "DECIMAL", "Mention", "mentions_frame", "parse_mentions", "PATTERN"]

QUALIFIERS = ("exact", "about", "more_than", "at_least", "nearly", "less_than", "up_to")
KINDS = ("cardinal", "ordinal", "percent", "year", "date", "time")
DECIMAL = pl.Decimal(38, 6)  # 32 integer digits, 6 decimals: 1.21 trillion and 61.54 exactly

# --------------------------------------------------------------------------- vocabulary

QUALIFIER_WORDS: dict[str, str] = {
    "about": "about", "around": "about", "approximately": "about", "approx.": "about",
    "roughly": "about", "some": "about", "nearly": "nearly", "almost": "nearly",
    "close to": "nearly", "more than": "more_than", "over": "more_than",
    "exceed": "more_than", "exceeds": "more_than", "exceeded": "more_than",
    "exceeding": "more_than", "above": "more_than", "in excess of": "more_than",
    "at least": "at_least", "no less than": "at_least", "not less than": "at_least",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than",
    "below": "less_than", "up to": "up_to", "no more than": "up_to",
    "not more than": "up_to",
}

UNITS_1 = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORD_1 = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
ORD_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
             "sixteenth", "seventeenth", "eighteenth", "nineteenth"]
ORD_TENS = ["twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
            "eightieth", "ninetieth"]

WORD_VALUES: dict[str, int] = {"a": 1}
WORD_VALUES.update({w: i + 1 for i, w in enumerate(UNITS_1)})
WORD_VALUES.update({w: i + 10 for i, w in enumerate(TEENS)})
WORD_VALUES.update({w: 10 * (i + 2) for i, w in enumerate(TENS)})
WORD_VALUES.update({w: i + 1 for i, w in enumerate(ORD_1)})
WORD_VALUES.update({w: i + 10 for i, w in enumerate(ORD_TEENS)})
WORD_VALUES.update({w: 10 * (i + 2) for i, w in enumerate(ORD_TENS)})
WORD_VALUES.update({"hundredth": 100, "a dozen": 12})

SCALE_WORDS: dict[str, str] = {
    "thousand": "thousand", "million": "million", "billion": "billion", "trillion": "trillion",
    "mn": "million", "bn": "billion", "tn": "trillion", "trn": "trillion",
}
SCALE_FACTORS: dict[str, int] = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

# currency written before the number: as written -> controlled spelling
CURRENCY_BEFORE: dict[str, str] = {
    "rmb": "RMB", "cny": "CNY", "¥": "¥", "￥": "¥", "$": "$", "us$": "US$", "usd": "USD",
    "hk$": "HK$", "hkd": "HKD",
}
# units written after the number (lower-cased, whitespace collapsed) -> controlled spelling
UNITS_AFTER: dict[str, str] = {
    "%": "%", "percent": "%", "per cent": "%", "pct": "%",
    "percentage point": "percentage point", "percentage points": "percentage point",
    "yuan": "yuan", "rmb": "RMB", "cny": "CNY",
    "dollars": "dollars", "dollar": "dollars", "us dollars": "dollars", "u.s. dollars": "dollars",
    "usd": "USD", "hk dollars": "HK dollars", "hong kong dollars": "HK dollars", "hkd": "HKD",
    "mu": "mu", "kwh": "kWh", "kilowatt-hours": "kWh", "kilowatt hours": "kWh",
    "kw": "kW", "mw": "MW", "gw": "GW",
    "hectares": "ha", "hectare": "ha", "ha": "ha",
    "square kilometers": "km2", "square kilometres": "km2", "square kilometer": "km2",
    "square kilometre": "km2", "sq km": "km2", "sq. km": "km2", "km2": "km2", "km²": "km2",
    "square meters": "m2", "square metres": "m2", "sq m": "m2", "m2": "m2", "m²": "m2",
    "kilometers": "km", "kilometres": "km", "km": "km",
    "tons": "t", "tonnes": "t", "ton": "t", "tonne": "t",
    "teu": "TEU", "teus": "TEU",
}
CURRENCY_OF_UNIT: dict[str, str] = {
    "yuan": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY",
    "$": "USD", "US$": "USD", "USD": "USD", "dollars": "USD",
    "HK$": "HKD", "HKD": "HKD", "HK dollars": "HKD",
}

MONTHS_FULL = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
MONTHS_ABBR = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
MONTH_NUMBER: dict[str, int] = {m[:3].lower(): i + 1 for i, m in enumerate(MONTHS_FULL)}

# --------------------------------------------------------------------------- the grammar

B = r"(?-u:\b)"                         # ASCII word boundary (keeps the lazy DFA usable)
_H = r"[ \t\r\x{a0}\x{2009}\x{202f}]"        # horizontal white space (normalised quotes have only " ")
S = rf"(?:{_H}+\n?|\n){_H}*"              # white space with at most one line break
S0 = rf"(?:{S})?"


def _word(w: str, ci: bool = True) -> str:
    """One literal word or phrase; letters ASCII case-insensitive, spaces matching `S`."""
    def char(c: str) -> str:
        if ci and c.isascii() and c.isalpha():
            return f"[{c.lower()}{c.upper()}]"
        return "\\" + c if c in r".^$*+?()[]{}|\-#&~" else c
    return S.join("".join(char(c) for c in part) for part in w.split(" "))


def _alt(words, ci: bool = True) -> str:
    """Longest-first alternation of literal words (ASCII case folding keeps the automaton small)."""
    return "(?:" + "|".join(_word(w, ci) for w in sorted(set(words), key=lambda x: (-len(x), x))) + ")"


def _month() -> str:
    """Capitalised or upper-case month names only ("may" the verb is not a month)."""
    def cap(w: str) -> str:
        return w[0] + "".join(f"[{c}{c.upper()}]" for c in w[1:])
    full = "|".join(cap(m) for m in sorted(MONTHS_FULL, key=len, reverse=True))
    abbr = "|".join(cap(m) for m in sorted(MONTHS_ABBR, key=len, reverse=True))
    return rf"(?:(?:{full}){B}|(?:{abbr})(?:\.|{B}))"


def _pattern(named: bool) -> str:
    def g(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    month = _month()
    day = r"(?:[12][0-9]|3[01]|0?[1-9])"
    year = r"[0-9]{4}"
    suffix = _alt(["st", "nd", "rd", "th"])

    # identifiers with digits (G20, A380, COVID-19): matched so that their digits are not
    # read as numbers, then dropped
    ident = rf"{B}(?:[A-Za-z_]+|[A-Z][A-Z0-9]+-)[0-9][A-Za-z0-9_]*"
    iso = rf"{g('iy', year)}[-/]{g('im', r'0?[1-9]|1[0-2]')}[-/]{g('id', day)}{B}"
    mdy = rf"{g('m1', month)}{S}{g('d1', day)}{suffix}?{B}(?:,?{S}{g('y1', year)}{B})?"
    my = rf"{g('m2', month)},?{S}{g('y2', year)}{B}"
    dmy = rf"{g('d3', day)}{suffix}?{S}(?:of{S})?{g('m3', month)}(?:,?{S}{g('y3', year)}{B})?"
    date = g("date", f"{iso}|{mdy}|{my}|{dmy}")
    ampm = rf"(?:[aApP]\.[mM]\.|[aApP][mM]{B})"
    time = g("time", rf"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?:{S0}{ampm})?"
                     rf"|(?:1[0-2]|0?[0-9]){S0}{ampm}")
    ord_digits = g("od", r"[0-9]+") + rf"{suffix}{B}"
    ord_words = B + g("ow", _alt(
        [f"{t}-{o}" for t in TENS for o in ORD_1] + ORD_TENS + ORD_TEENS + ORD_1 + ["hundredth"]
    )) + B

    digits = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
    word_number = (
        rf"{B}(?:{g('wh', _alt(UNITS_1 + TEENS + ['a']))}{S}{_word('hundred')}"
        rf"|{g('wt', _alt(TENS))}(?:-{g('wu', _alt(UNITS_1))})?"
        rf"|{g('ws', _alt(UNITS_1 + TEENS + ['a dozen']))}){B}"
    )
    numeral = g("num", rf"{g('nd', digits)}|{word_number}")
    qual = g("qual", _alt(QUALIFIER_WORDS))
    cur = g("cur", rf"{B}{_alt(['rmb', 'cny', 'usd', 'hkd', 'us$', 'hk$'])}|\$|¥|￥")
    scale = g("scale", _alt(SCALE_WORDS)) + B
    unit_words = [u for u in UNITS_AFTER if u not in ("%", "km²", "m²")]
    unit = g("unit", rf"%|km²|m²|{_alt(unit_words)}{B}")
    quant = (rf"(?:{B}{qual}{S})?(?:{cur}{S0})?{numeral}"
             rf"(?:{S}{scale})?(?:{S0}{unit})?")
    return "|".join([g("ident", ident), date, time, ord_digits, ord_words, quant])


PATTERN = _pattern(named=False)        # the grammar, for search (no capture groups)
PATTERN_GROUPS = _pattern(named=True)  # the same grammar with named groups

# --------------------------------------------------------------------------- read tables
# Closed tables over the lower-cased text before the numeral (qualifier, currency), after
# it (scale word, unit, ordinal suffix) and of number words, generated from the same
# vocabulary as PATTERN. Keys have single spaces; other white space takes the slow path.

_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")


def _pre_rows() -> dict[str, tuple[str, str | None]]:
    rows: dict[str, tuple[str, str | None]] = {"": ("exact", None)}
    for c, canon in CURRENCY_BEFORE.items():
        for sep in ("", " "):
            rows[c + sep] = ("exact", canon)
    for q, qual in QUALIFIER_WORDS.items():
        rows[q + " "] = (qual, None)
        for c, canon in CURRENCY_BEFORE.items():
            for sep in ("", " "):
                rows[f"{q} {c}{sep}"] = (qual, canon)
    return rows


def _post_rows() -> dict[str, tuple[str | None, str | None, bool]]:
    rows: dict[str, tuple[str | None, str | None, bool]] = {"": (None, None, False)}
    for suffix in _ORDINAL_SUFFIXES:
        rows[suffix] = (None, None, True)
    for sep in ("", " "):
        for u, canon in UNITS_AFTER.items():
            rows[sep + u] = (None, canon, False)
        for sw, scale in SCALE_WORDS.items():
            rows[sep + sw] = (scale, None, False)
            for sep2 in ("", " "):
                for u, canon in UNITS_AFTER.items():
                    rows[f"{sep}{sw}{sep2}{u}"] = (scale, canon, False)
    return rows


def _word_rows() -> dict[str, tuple[int, bool]]:
    rows: dict[str, tuple[int, bool]] = {}
    for w in UNITS_1 + TEENS + TENS + ["a dozen"]:
        rows[w] = (WORD_VALUES[w], False)
    for t in TENS:
        for u in UNITS_1:
            rows[f"{t}-{u}"] = (WORD_VALUES[t] + WORD_VALUES[u], False)
        for o in ORD_1:
            rows[f"{t}-{o}"] = (WORD_VALUES[t] + WORD_VALUES[o], True)
    for w in UNITS_1 + TEENS + ["a"]:
        rows[f"{w} hundred"] = (100 * WORD_VALUES[w], False)
    for w in ORD_1 + ORD_TEENS + ORD_TENS + ["hundredth"]:
        rows[w] = (WORD_VALUES[w], True)
    return rows


class _Table:
    """A closed lookup table: string keys -> row index -> typed columns (vectorised)."""

    def __init__(self, rows: dict[str, tuple], names: list[str], dtypes: list[pl.DataType]):
        self.keys = pl.Series(list(rows), dtype=pl.String)
        self.index = pl.int_range(0, len(rows), dtype=pl.UInt32, eager=True)
        self.columns = {
            name: pl.Series(name, [v[i] for v in rows.values()], dtype=dtype)
            for i, (name, dtype) in enumerate(zip(names, dtypes))
        }

    def lookup(self, keys: pl.Series) -> pl.Series:
        return keys.replace_strict(self.keys, self.index, default=None, return_dtype=pl.UInt32)

    def get(self, name: str, idx: pl.Series) -> pl.Series:
        return self.columns[name].gather(idx)


PRE_TABLE = _Table(_pre_rows(), ["qualifier", "pre_unit"], [pl.String, pl.String])
POST_TABLE = _Table(_post_rows(), ["scale_word", "post_unit", "post_ordinal"], [pl.String, pl.String, pl.Boolean])
WORD_TABLE = _Table(_word_rows(), ["word_value", "word_ordinal"], [pl.Int64, pl.Boolean])
assert not {"am", " am", "pm", " pm"} & set(POST_TABLE.keys), "times must not read as units"

# characters of qualifiers and currencies (everything a mention can hold before a digit)
_PRE_CHARS = "abcdefghijklmnopqrstuvwxyz.$¥￥ \t\n\r\u00a0\u2009\u202f"
_DIGIT_CHARS = "0123456789,."
# the first numeral in a lower-cased mention (qualifier and currency words hold none)
NUMERAL = (
    r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|"
    + B + _alt(list(WORD_TABLE.keys), ci=False) + B
)
_MARK = "\x00"
_DEC12 = pl.Decimal(38, 12)
_OUT_SCHEMA = {
    "row": pl.UInt32, "start": pl.Int64, "end": pl.Int64, "text": pl.String,
    "qualifier": pl.String, "kind": pl.String, "number_text": pl.String, "number": DECIMAL,
    "scale_word": pl.String, "value": DECIMAL, "unit": pl.String, "currency": pl.String,
    "date": pl.Date,
}
_READ_COLUMNS = ["ok", *[c for c in _OUT_SCHEMA if c not in ("row", "start", "end", "text")]]
_CURRENCY_KEYS = list(CURRENCY_OF_UNIT)
_CURRENCY_VALUES = list(CURRENCY_OF_UNIT.values())
_SCALE_KEYS = list(SCALE_FACTORS)
_SCALE_VALUES = [Decimal(v) for v in SCALE_FACTORS.values()]
_AT_END = f"(?:{PATTERN})$"

# --------------------------------------------------------------------------- locate


def _locate(texts: pl.Series) -> pl.DataFrame:
    """row, start, end, text of every match of PATTERN (code-point offsets), vectorised.

    One search: the texts are split after each match (``inclusive=True``), so every piece
    is the text between two matches followed by the match; the match is read back off
    the end of its piece. Offsets are summed code-point lengths of the pieces.
    """
    t = texts.fill_null("")
    n_chars = t.str.len_chars().cast(pl.Int64)
    before = n_chars.cum_sum() - n_chars                     # code points in earlier texts
    pieces = (
        pl.DataFrame({"piece": t.str.split(PATTERN, literal=False, inclusive=True)})
        .with_row_index("row")
        .explode("piece")
    )
    piece = pieces["piece"]
    row = pieces["row"]
    end = piece.str.len_chars().cast(pl.Int64).cum_sum() - before.gather(row)
    text = piece.str.extract(_AT_END, 0)                     # null for a text's unmatched tail
    start = end - text.str.len_chars().cast(pl.Int64)
    found = pl.DataFrame({"row": row, "start": start, "end": end, "text": text})
    return found.filter(pl.col("text").is_not_null())


# --------------------------------------------------------------------------- read


def _split_strip(orig: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """(text, before, numeral, after) of lower-cased mentions, by stripping character sets.

    Words before a digit numeral hold only letters, spaces, '.', '$' and '¥'; the numeral
    only digits, ',' and '.'. A mention without a digit numeral is offered whole as a
    number word ("two", "twenty-first"); anything else fails the tables and goes slow.
    """
    lm = orig.str.to_lowercase()
    rest = lm.str.strip_chars_start(_PRE_CHARS)
    after = rest.str.strip_chars_start(_DIGIT_CHARS)
    n_lm, n_rest, n_after = (x.str.len_chars() for x in (lm, rest, after))
    frame = pl.DataFrame({"lm": lm, "rest": rest, "after": after})
    no_digits = n_rest == n_after
    out = frame.select(
        pl.when(no_digits).then(pl.lit("")).otherwise(pl.col("lm").str.head(n_lm - n_rest)).alias("pre"),
        pl.when(no_digits).then(pl.col("lm")).otherwise(pl.col("rest").str.head(n_rest - n_after)).alias("num"),
        pl.when(no_digits).then(pl.lit("")).otherwise(pl.col("after")).alias("post"),
    )
    return orig, out["pre"], out["num"], out["post"]


def _split_marked(orig: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """(text, before, numeral, after) by marking the first numeral with a regex (general)."""
    orig = orig.str.replace_all(r"\s+", " ")
    parts = (
        orig.str.to_lowercase()
        .str.replace(NUMERAL, _MARK + "${0}" + _MARK)
        .str.split_exact(_MARK, 2)
        .struct.unnest()
    )
    return orig, parts["field_0"], parts["field_1"], parts["field_2"]


def _finish(orig: pl.Series, pre: pl.Series, num: pl.Series, post: pl.Series) -> pl.DataFrame:
    """Qualifier, kind, numeral, scale, value, unit and currency from the three pieces."""
    pre_i, post_i, word_i = PRE_TABLE.lookup(pre), POST_TABLE.lookup(post), WORD_TABLE.lookup(num)
    df = pl.DataFrame({
        "orig": orig, "pre": pre, "num": num, "post": post,
        "dig": num.str.replace_all(",", "", literal=True).cast(_DEC12, strict=False),
        "qualifier": PRE_TABLE.get("qualifier", pre_i),
        "pre_unit": PRE_TABLE.get("pre_unit", pre_i),
        "post_known": post_i.is_not_null(),
        "scale_word": POST_TABLE.get("scale_word", post_i),
        "post_unit": POST_TABLE.get("post_unit", post_i),
        "post_ordinal": POST_TABLE.get("post_ordinal", post_i),
        "word_value": WORD_TABLE.get("word_value", word_i),
        "word_ordinal": WORD_TABLE.get("word_ordinal", word_i),
    })
    exact6 = pl.col("dig") == pl.col("dig").cast(DECIMAL).cast(_DEC12)   # at most 6 decimals
    number = pl.coalesce(
        pl.when(exact6).then(pl.col("dig").cast(DECIMAL)),
        pl.col("word_value").cast(DECIMAL),
    )
    df = df.with_columns(
        number=number,
        unit=pl.coalesce("pre_unit", "post_unit"),
        ordinal=pl.col("word_ordinal").fill_null(False) | pl.col("post_ordinal").fill_null(False),
        ok=pl.col("qualifier").is_not_null() & pl.col("post_known")
        & (pl.col("dig").is_not_null() | pl.col("word_value").is_not_null()),
    )
    factor = pl.col("scale_word").replace_strict(
        _SCALE_KEYS, _SCALE_VALUES, default=None, return_dtype=pl.Decimal(38, 0))
    is_year = (
        (pl.col("num").str.len_bytes() == 4) & (pl.col("number") >= 1900) & (pl.col("number") <= 2100)
        & pl.col("unit").is_null() & pl.col("scale_word").is_null()
        & pl.col("qualifier").is_in(["exact", "about"])
    )
    kind = (
        pl.when(pl.col("ordinal")).then(pl.lit("ordinal"))
        .when(pl.col("unit") == "%").then(pl.lit("percent"))
        .when(is_year).then(pl.lit("year"))
        .otherwise(pl.lit("cardinal"))
    )
    written = pl.col("num").str.len_chars() + pl.when(pl.col("post_ordinal")).then(
        pl.col("post").str.len_chars()).otherwise(0)
    return df.select(
        pl.col("ok").fill_null(False),
        "qualifier",
        kind.alias("kind"),
        pl.col("orig").str.slice(pl.col("pre").str.len_chars(), written).alias("number_text"),
        "number",
        "scale_word",
        pl.when(factor.is_null()).then(pl.col("number")).otherwise(pl.col("number") * factor)
        .cast(DECIMAL).alias("value"),
        "unit",
        pl.col("unit").replace_strict(_CURRENCY_KEYS, _CURRENCY_VALUES, default=None, return_dtype=pl.String)
        .alias("currency"),
        pl.lit(None, dtype=pl.Date).alias("date"),
    )


def _read_groups(m: pl.Series) -> pl.DataFrame:
    """Dates, times and identifiers, read with the grammar's named groups (a small subset)."""
    g = m.str.extract_groups("^(?:" + PATTERN_GROUPS + ")$").struct.unnest()
    month = pl.coalesce("m1", "m2", "m3").str.slice(0, 3).str.to_lowercase().replace_strict(
        MONTH_NUMBER, default=None, return_dtype=pl.Int32)
    month = pl.coalesce(pl.col("im").cast(pl.Int32, strict=False), month)
    day = pl.coalesce("id", "d1", "d3").cast(pl.Int32, strict=False)
    year = pl.coalesce("iy", "y1", "y2", "y3").cast(pl.Int32, strict=False)
    iso = pl.format("{}-{}-{}", year, month.cast(pl.String).str.zfill(2), day.cast(pl.String).str.zfill(2))
    kind = (
        pl.when(pl.col("date").is_not_null()).then(pl.lit("date"))
        .when(pl.col("time").is_not_null()).then(pl.lit("time"))
        .when(pl.col("ident").is_not_null()).then(pl.lit("ident"))
        .otherwise(pl.lit("cardinal"))  # not expected: the grammar matched but no table knew it
    )
    return g.with_columns(m=m).select(
        pl.lit(True).alias("ok"),
        pl.lit("exact").alias("qualifier"),
        kind.alias("kind"),
        pl.col("m").alias("number_text"),
        pl.lit(None, dtype=DECIMAL).alias("number"),
        pl.lit(None, dtype=pl.String).alias("scale_word"),
        pl.lit(None, dtype=DECIMAL).alias("value"),
        pl.lit(None, dtype=pl.String).alias("unit"),
        pl.lit(None, dtype=pl.String).alias("currency"),
        iso.str.to_date("%Y-%m-%d", strict=False).alias("date"),
    )


def _patch(base: pl.DataFrame, idx: pl.Series, new: pl.DataFrame) -> pl.DataFrame:
    """`base` with the rows at `idx` replaced by `new` (same columns)."""
    if len(idx) == 0:
        return base
    return base.with_columns([base[c].scatter(idx, new[c]) for c in base.columns])


def _read(m: pl.Series) -> pl.DataFrame:
    """Read distinct mention texts: the fast table path, then the general ones for the rest."""
    out = _finish(*_split_strip(m))
    bad = out["ok"].not_().arg_true()
    if len(bad):
        sub = m.gather(bad)
        second = _finish(*_split_marked(sub))                    # words with qualifier/scale/unit, odd spaces
        out = _patch(out, bad, second)
        still = second["ok"].not_().arg_true()
        if len(still):
            out = _patch(out, bad.gather(still), _read_groups(sub.gather(still)))  # dates, times, identifiers
    return out


# --------------------------------------------------------------------------- public API

_PARALLEL_MIN_ROWS = 20_000


def _frame(texts: pl.Series) -> pl.DataFrame:
    located = _locate(texts)
    # read each distinct mention text once (numbers repeat a lot: "two", "2024", "10%")
    categorical = located["text"].cast(pl.Categorical(pl.Categories.random()))  # private mapping
    codes = categorical.to_physical()
    distinct = categorical.dtype.categories.to_series()          # index = physical code
    read = _read(distinct)
    out = located.with_columns([read[c].gather(codes) for c in read.columns if c != "ok"])
    return out.filter(pl.col("kind") != "ident").select([pl.col(c).cast(t) for c, t in _OUT_SCHEMA.items()])


def mentions_frame(texts: pl.Series) -> pl.DataFrame:
    """Every number mention in each text, one row per mention, vectorised.

    Columns: row (UInt32, index into `texts`), start, end (Int64 code-point offsets, end
    exclusive), text, qualifier, kind, number_text, number (Decimal), scale_word, value
    (Decimal, number x scale), unit, currency, date (Date, complete dates only). Large
    inputs are cut into one slice per core, each run through the same polars pipeline
    (polars releases the GIL).
    """
    if not isinstance(texts, pl.Series):
        texts = pl.Series(texts, dtype=pl.String)
    if texts.dtype != pl.String:
        texts = texts.cast(pl.String)
    n = len(texts)
    workers = min(pl.thread_pool_size(), os.cpu_count() or 1, max(1, n // _PARALLEL_MIN_ROWS))
    if workers <= 1:
        return _frame(texts)
    bounds = [n * k // workers for k in range(workers + 1)]
    jobs = [(bounds[k], texts.slice(bounds[k], bounds[k + 1] - bounds[k])) for k in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        frames = list(pool.map(lambda job: _frame(job[1]).with_columns(pl.col("row") + job[0]), jobs))
    return pl.concat(frames, rechunk=False)


@dataclass(frozen=True)
class Mention:
    """One number mention, as Python values (offsets in code points, end exclusive)."""

    start: int
    end: int
    text: str
    qualifier: str
    kind: str
    number_text: str
    number: Decimal | None
    scale_word: str | None
    value: Decimal | None
    unit: str | None
    currency: str | None
    date: _dt.date | None = None


def _plain(d: Decimal | None) -> Decimal | None:
    """Drop the fixed scale's trailing zeros without going to exponent form (14.600000 -> 14.6)."""
    if d is None:
        return None
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def parse_mentions(text: str) -> list[Mention]:
    """The mentions in one text, as Python objects with decimal.Decimal values."""
    frame = mentions_frame(pl.Series([text], dtype=pl.String))
    return [
        Mention(
            start=r["start"], end=r["end"], text=r["text"], qualifier=r["qualifier"], kind=r["kind"],
            number_text=r["number_text"], number=_plain(r["number"]), scale_word=r["scale_word"],
            value=_plain(r["value"]), unit=r["unit"], currency=r["currency"], date=r["date"],
        )
        for r in frame.iter_rows(named=True)
    ]

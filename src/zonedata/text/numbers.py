"""Number mentions in free text: the grammar zonedata checks recorded values against.

Every number a record carries must appear in its verbatim quote with a compatible scale
word, currency/unit and qualifier ("about 1200 mu" cannot be recorded as exactly 1200;
71.1 cannot stand for 70.1). No maintained library parses phrases such as "exceeds RMB 90
billion" or "99.68 billion yuan ($14.60 billion)", so the grammar is ours: one regular
expression (`Grammar.pattern`, built from the dataset's vocabulary), run fully vectorised in polars with exact Decimal arithmetic.

Pipeline (`mentions_frame`), no per-row Python:

0. fold: a text with a numeral character of another script (a decimal digit of any script,
   a full-width or Arabic number sign: ``normalise.NUMERALS``) is read with each replaced by
   its ASCII character, one code point for one, so "１２３ billion yuan" and "٣٤ mu" are read
   as 123 and 34 at the offsets they have; each mention's text and numeral are then given
   back as written. Superscripts, fractions and CJK numerals are not decimal digits: "m²"
   stays a unit;
1. locate: ``str.split(pattern, inclusive=True)`` cuts each text after every mention, so
   each piece is the text between two mentions followed by the mention; the mentions are
   the search's own matches (``str.extract_all``, the same search: the first k pieces of a
   text end with its k matches), and summed code-point lengths of the pieces give offsets;
2. read each distinct mention text once (a private Categorical): strip the characters a
   qualifier or currency can hold, then the digits, leaving pre / numeral / post; look
   pre and post up in closed tables generated from the same vocabulary as the grammar
   (qualifier, currency; scale word and factor, unit, ordinal suffix) and the numeral is
   cast to ``Decimal`` or looked up as a number word; ``value = number x factor``;
3. the rest (number words with a qualifier or scale, odd white space inside a mention,
   then dates, times and the identifiers such as ``G20`` that the grammar swallows so
   their digits are not read as numbers) is re-read by a regex reader and by the
   grammar's named groups (``str.extract_groups``), on that small subset only.

Kinds: ``cardinal`` ("1,221 projects", "seven areas", "RMB 7.5 billion"), ``ordinal``
("21st", "second"), ``percent`` ("61.54%", "6 percent"), ``year`` (a bare four-digit
1900-2100 with no unit, currency or scale word: "in 2012"), ``date`` ("May 28, 2024",
"23 September 2024", "2023-09-16"; number and value null, the ``date`` column set when
complete), ``time`` ("11:00") and ``unread``: a figure the grammar finds but cannot read as one exact
value (a currency sign the vocabulary does not name, "S$5 billion", "€5 million"; a qualifier before and
another after; or words around it that change what it says: a minus sign, a negation, a fall, a fraction
or multiple in words, a range, a decimal comma, space-grouped thousands, "1/3", "5e9", "5,000+", lakh or
万; see `_refused`): its number and value are null, so no record can claim it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import string
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

import polars as pl

from zonedata.base.vocabulary import DECIMAL, Vocabulary  # the one exact decimal type of the package
from zonedata.text.normalise import NUMERALS, stored_passages

__all__ = ["KINDS", "DECIMAL", "Grammar", "Mention"]

KINDS = ("cardinal", "ordinal", "percent", "year", "date", "time", "unread")

# --------------------------------------------------------------------------- the engine's words
# English number words, ordinals and months are the engine's; units, currencies, scales and
# qualifiers are the dataset's (its `Vocabulary`), and each `Grammar` is built from them.

UNITS_1 = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORD_1 = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
ORD_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
FRACTIONS = [
    "half",
    "halves",
    "third",
    "thirds",
    "quarter",
    "quarters",
    "fourth",
    "fourths",
    "fifth",
    "fifths",
    "sixth",
    "sixths",
    "seventh",
    "sevenths",
    "eighth",
    "eighths",
    "ninth",
    "ninths",
    "tenth",
    "tenths",
]
ORD_TENS = ["twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth"]

WORD_VALUES: dict[str, int] = {"a": 1}
WORD_VALUES.update({w: i + 1 for i, w in enumerate(UNITS_1)})
WORD_VALUES.update({w: i + 10 for i, w in enumerate(TEENS)})
WORD_VALUES.update({w: 10 * (i + 2) for i, w in enumerate(TENS)})
WORD_VALUES.update({w: i + 1 for i, w in enumerate(ORD_1)})
WORD_VALUES.update({w: i + 10 for i, w in enumerate(ORD_TEENS)})
WORD_VALUES.update({w: 10 * (i + 2) for i, w in enumerate(ORD_TENS)})
WORD_VALUES.update({"hundredth": 100, "a dozen": 12})

MONTHS_FULL = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_ABBR = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
MONTH_NUMBER: dict[str, int] = {m[:3].lower(): i + 1 for i, m in enumerate(MONTHS_FULL)}

# --------------------------------------------------------------------------- the grammar

B = r"(?-u:\b)"  # ASCII word boundary (keeps the lazy DFA usable)
_H = r"[ \t\r\x{a0}\x{2009}\x{202f}]"  # horizontal white space (normalised quotes have only " ")
S = rf"(?:{_H}+\n?|\n){_H}*"  # white space with at most one line break
S0 = rf"(?:{S})?"
J0 = rf"(?:{S}|-)?"  # numeral, scale word and unit: "10-billion-yuan fund"


_ESCAPED = {ord(c): "\\" + c for c in r".^$*+?()[]{}|\-#&~"}  # signs the regex syntax would read
_FOLDED = {**_ESCAPED, **{ord(c): f"[{c.lower()}{c.upper()}]" for c in string.ascii_letters}}


def _word(w: str, ci: bool = True) -> str:
    """One literal word or phrase; letters ASCII case-insensitive, spaces matching `S`."""
    table = _FOLDED if ci else _ESCAPED
    return S.join(part.translate(table) for part in w.split(" "))


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


def _spelled(words) -> str:
    """A longest-first alternation of spellings, each ending on a word boundary where it ends in a letter
    or digit ("rmb", "yuan"), not where it ends in a sign ("%", "m²", "$")."""
    words = sorted(set(words), key=lambda x: (-len(x), x))
    parts = [_word(w) + (B if w[-1].isascii() and w[-1].isalnum() else "") for w in words]
    return "(?:" + "|".join(parts) + ")" if parts else NEVER


def _starting(words) -> str:
    """A longest-first alternation of spellings written before a number: one that starts with a letter
    starts on a word boundary ("rmb", not the end of "farmb")."""
    words = sorted(set(words), key=lambda x: (-len(x), x))
    parts = [("" if not (w[0].isascii() and w[0].isalnum()) else B) + _word(w) for w in words]
    return "(?:" + "|".join(parts) + ")" if parts else NEVER


_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
_SEPARATORS = ("", " ", "-")  # between a numeral, a scale word and a unit ("5 billion yuan", "10-billion-yuan")
NEVER = r"[^\s\S]"  # matches nothing (the regex engine has no lookaround): a list of no words


@functools.cache
def _engine_parts(named: bool) -> tuple[str, str, str, str, str]:
    """The alternatives of the grammar that are the engine's own words (fraction, date, time, ordinal,
    identifier), the same for every vocabulary: built once. Named groups (``named=True``) only where
    the slow path reads them: dates, times and the swallowed fractions and identifiers."""

    def g(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    month = _month()
    day = r"(?:[12][0-9]|3[01]|0?[1-9])"
    year = r"[0-9]{4}"
    suffix = _alt(["st", "nd", "rd", "th"])

    # hyphenated fractions ("two-thirds", "one-half"): swallowed, so that "third" is not
    # read as an ordinal, then dropped (no exact decimal value for most of them)
    # (as one alternation of every "{u}-{f}" would say, longest first: at most one of them can end on a word
    # boundary where it starts, so the two halves need not be written out together)
    fraction = g("frac", rf"{B}(?:{_alt(UNITS_1 + ['a'])}-{_alt(FRACTIONS)}){B}")
    # identifiers with digits ("G20", "A380", "COVID-19", "FY2023"): swallowed so that
    # their digits are not read as numbers, then dropped. Tried after quantities, so
    # "RMB7.5 billion" is money, not an identifier.
    ident = g("ident", rf"{B}(?:[A-Za-z_]+|[A-Z][A-Z0-9]+-)[0-9][A-Za-z0-9_]*")

    month_number = r"0?[1-9]|1[0-2]"
    iso = (
        rf"{g('iy', year)}(?:-{g('im', month_number)}-{g('id', day)}"  # 2023-09-16
        rf"|/{g('im2', month_number)}/{g('id2', day)}){B}"
    )  # 2023/09/16
    mdy = rf"{g('m1', month)}{S}{g('d1', day)}{suffix}?{B}(?:,?{S}{g('y1', year)}{B})?"
    my = rf"{g('m2', month)},?{S}{g('y2', year)}{B}"
    dmy = rf"{g('d3', day)}{suffix}?{S}(?:of{S})?{g('m3', month)}(?:,?{S}{g('y3', year)}{B})?"
    date = g("date", f"{iso}|{mdy}|{my}|{dmy}")
    ampm = rf"(?:[aApP]\.[mM]\.|[aApP][mM]{B})"
    time = g(
        "time",
        rf"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?:{S0}{ampm})?"
        rf"|(?:1[0-2]|0?[0-9]){S0}{ampm}",
    )
    ordinal = (
        rf"[0-9]+{suffix}{B}"
        rf"|{B}(?:{_alt(TENS)}-{_alt(ORD_1)}|{_alt(ORD_TENS + ORD_TEENS + ORD_1 + ['hundredth'])}){B}"
    )
    return fraction, date, time, ordinal, ident


def _word_rows() -> dict[str, tuple]:
    """Number word -> (value, ordinal)."""
    rows: dict[str, tuple] = {}
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
    rows["a"] = (1, False)  # the grammar reads a bare "a" only in "a million"
    return rows


class _Table:
    """A closed lookup table: string keys (unique) -> typed columns, read by a left join (vectorised)."""

    def __init__(self, rows: dict[str, tuple], schema: dict[str, Any]):
        self.frame = pl.DataFrame(
            {"key": list(rows), **{name: [v[i] for v in rows.values()] for i, name in enumerate(schema)}},
            schema={"key": pl.String, **schema},
        )

    @property
    def keys(self) -> pl.Series:
        return self.frame["key"]

    def joined(self, rows: pl.LazyFrame, key: pl.Expr, found: str) -> pl.LazyFrame:
        """`rows` with this table's columns for the row whose key is `key` (null where none is), and a column
        `found`: true where one is, null where none is."""
        return (
            rows.with_columns(key.alias("_key"))
            .join(
                self.frame.lazy().with_columns(pl.lit(True).alias(found)),
                left_on="_key",
                right_on="key",
                how="left",
                maintain_order="left",
            )
            .drop("_key")
        )

    def read(self, keys: pl.Series) -> pl.DataFrame:
        """The row of each of `keys` (this table's columns; null where there is none, found says which)."""
        return self.joined(keys.to_frame("k").lazy(), pl.col("k"), "found").collect()

    def extended(self, more: pl.DataFrame) -> _Table:
        """This table with the rows of `more` (a key column and this table's columns) after its own."""
        out = _Table.__new__(_Table)
        out.frame = pl.concat([self.frame, more.select(self.frame.columns)])
        return out


_WORD_ROWS = _word_rows()
WORD_TABLE = _Table(_WORD_ROWS, {"word_value": pl.Decimal(38, 0), "word_ordinal": pl.Boolean})
_DIGIT_CHARS = "0123456789,."
# a numeral of the grammar: digits, or number words ("twenty-one", "a hundred", "a dozen")
_NUMERAL_PATTERN = (
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
    rf"|{B}(?:{_alt(UNITS_1 + TEENS + ['a'])}{S}{_word('hundred')}|{_alt(TENS)}(?:-{_alt(UNITS_1)})?"
    rf"|{_alt(UNITS_1 + TEENS + ['a dozen'])}){B})"
)
# the first numeral in a lower-cased mention (qualifier and currency words hold none)
NUMERAL = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|" + B + _alt(list(_WORD_ROWS), ci=False) + B
_MARK = "\x00"
_DEC12 = pl.Decimal(38, 12)
_VALUE_LIMIT = 0.999 * 10.0 ** (DECIMAL.precision - DECIMAL.scale)  # see _finish
_POST_SCHEMA: dict[str, Any] = {
    "scale_word": pl.String,
    "factor": pl.Decimal(38, 0),
    "post_unit": pl.String,
    "post_currency": pl.String,
    "post_ordinal": pl.Boolean,
}
_OUT_SCHEMA: dict[str, Any] = {
    "row": pl.UInt32,
    "start": pl.Int64,
    "end": pl.Int64,
    "text": pl.String,
    "qualifier": pl.String,
    "kind": pl.String,
    "number_text": pl.String,
    "number": DECIMAL,
    "scale_word": pl.String,
    "value": DECIMAL,
    "unit": pl.String,
    "currency": pl.String,
    "date": pl.Date,
}


class Grammar:
    """The number grammar of one dataset, built from its `Vocabulary`: the regular expression that finds
    mentions (`pattern`) and the closed tables that read them, generated from the same rows. Build it
    once per vocabulary (the `Dataset` carries one: `Dataset.grammar`) and read with `mentions_frame`
    or `parse_mentions`."""

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        v = vocabulary
        #: qualifier word before a number -> qualifier; the qualifier of a figure stated without one
        self.qualifier_words: dict[str, str] = {w: q.name for q in v.qualifiers for w in q.before}
        #: qualifier words after the figure ("5 billion yuan or more") -> qualifier
        self.qualifier_after: dict[str, str] = {w: q.name for q in v.qualifiers for w in q.after}
        self.plain_qualifier = next((q.name for q in v.qualifiers if not q.before and not q.after), None)
        self.year_qualifiers = [q.name for q in v.qualifiers if q.years]
        self.qualifiers = tuple(q.name for q in v.qualifiers)
        self.scale_words: dict[str, str] = {
            **{s.name: s.name for s in v.scales},
            **{w: s.name for s in v.scales for w in s.spellings if w != s.name},
        }
        # "$3m", "US$5b", "$40k": single letters are scale words only right after a currency
        self.scale_after_currency: dict[str, str] = {w: s.name for s in v.scales for w in s.after_currency}
        self.scale_factors: dict[str, int] = {s.name: s.factor for s in v.scales}
        # a unit written before the number ("rmb", "$", "€"), and after it ("yuan", "%"): spelling -> unit
        self.before: dict[str, str] = {w: u.name for u in v.units for w in u.before}
        self.after: dict[str, str] = {w: u.name for u in v.units for w in u.after}
        self.currency_of_unit: dict[str, str] = {u.name: u.currency for u in v.units if u.currency}
        quantity = self._quantity()
        fraction, date, time, ordinal, ident = _engine_parts(False)
        self.pattern = "|".join([fraction, date, time, ordinal, quantity, ident])  # for search (no capture groups)
        fraction, date, time, ordinal, ident = _engine_parts(True)
        self.pattern_groups = "|".join([fraction, date, time, ordinal, quantity, ident])  # with named groups
        self.pre_table = _Table(
            self._pre_rows(), {"qualifier": pl.String, "pre_unit": pl.String, "pre_currency": pl.String}
        )
        # the text after a numeral: "" and the ordinal suffixes, a unit, a scale word, a scale word and a unit
        # (see `_post_table`); the first three are a closed table, the last are read for the texts found
        currency = self.currency_of_unit
        plain: dict[str, tuple] = {"": (None, 1, None, None, False)}
        for suffix in _ORDINAL_SUFFIXES:
            plain[suffix] = (None, 1, None, None, True)
        for sep in _SEPARATORS:
            for u, canon in self.after.items():
                plain[sep + u] = (None, 1, canon, currency.get(canon), False)
        self.post_plain = _Table(plain, _POST_SCHEMA)
        scales = {**self.scale_words, **self.scale_after_currency}
        self.post_scales = pl.DataFrame(
            {
                "prefix": [sep + sw for sep in _SEPARATORS for sw in scales],
                "scale_word": [scale for _ in _SEPARATORS for scale in scales.values()],
                "factor": [self.scale_factors[scale] for _ in _SEPARATORS for scale in scales.values()],
            },
            schema={"prefix": pl.String, "scale_word": pl.String, "factor": _POST_SCHEMA["factor"]},
        ).with_row_index("order")
        # characters of qualifiers and currencies (everything a mention can hold before a digit)
        spelled = "".join(sorted({c for w in [*self.before, *self.qualifier_words] for c in w}))
        self.pre_chars = "abcdefghijklmnopqrstuvwxyz. \t\n\r\u00a0\u2009\u202f" + "".join(
            c for c in spelled if c not in _DIGIT_CHARS and c not in "abcdefghijklmnopqrstuvwxyz. "
        )

    def _quantity(self) -> str:
        """The grammar's quantities ("about RMB 7.5 billion yuan or more"), from the vocabulary's words (no
        named groups: quantities are read by tables, see `_finish`)."""
        qual = _spelled(self.qualifier_words) if self.qualifier_words else NEVER
        # a currency the vocabulary names, or one it does not (letters with a dollar sign, "S$", "NT$", or
        # any currency sign, "€", "£"): found, so its figure is never read as another currency or as a
        # bare number, then left unread (no table knows it)
        cur = rf"(?:{_starting(self.before)}|{B}[A-Za-z]{{1,4}}\$|\p{{Sc}})"
        scale = _alt(self.scale_words) + B if self.scale_words else NEVER
        scale_after_currency = (
            _alt(list(self.scale_words) + list(self.scale_after_currency)) + B if self.scale_words else NEVER
        )
        scale_full = _alt(self.scale_factors) + B if self.scale_factors else NEVER
        unit = _spelled(self.after)
        after = _spelled(self.qualifier_after)
        numeral = _NUMERAL_PATTERN
        return (
            rf"(?:{B}{qual}{S})?"
            rf"(?:{cur}{S0}{numeral}(?:{J0}{scale_after_currency})?"  # RMB 7.5 billion, $3m
            rf"|{numeral}(?:{J0}{scale})?"  # 70.1 billion, 62bn
            rf"|(?:{cur}{S0})?{B}[aA]{S}{scale_full})"  # a million
            rf"(?:{J0}{unit})?"  # yuan, mu, kWh, %
            rf"(?:{S}{after})?"  # or more
        )

    # Closed tables over the lower-cased text before the numeral (qualifier, currency), after
    # it (scale word, unit, ordinal suffix), generated from the same vocabulary as the pattern.
    # Keys have single spaces; other white space takes the slow path.

    def _pre_rows(self) -> dict[str, tuple]:
        """Text before a digit numeral -> (qualifier, unit, currency)."""
        plain = self.plain_qualifier
        rows: dict[str, tuple] = {"": (plain, None, None)}
        for c, canon in self.before.items():
            for sep in ("", " "):
                rows[c + sep] = (plain, canon, self.currency_of_unit.get(canon))
        for q, qual in self.qualifier_words.items():
            rows[q + " "] = (qual, None, None)
            for c, canon in self.before.items():
                for sep in ("", " "):
                    rows[f"{q} {c}{sep}"] = (qual, canon, self.currency_of_unit.get(canon))
        return rows

    def _post_table(self, post: pl.Series) -> _Table:
        """The readings of the texts after a numeral in `post`: scale word, factor, unit, currency, ordinal.

        The text is nothing, an ordinal suffix, or a separator ("", " ", "-") and then a unit, a scale word,
        or a scale word, another separator and a unit ("billion yuan", "bn-yuan"). A unit's own spelling
        wins ("km²" is square kilometres, never k x m²; `post_plain`); otherwise the first scale word that
        reads the text, in the order of `post_scales`, with the first separator after it that leaves a unit.
        Only the distinct texts of `post` that are no unit are read that way (the table of every scale word
        with every unit would be read for a few of its rows)."""
        keys = post.drop_nulls().unique()
        keys = keys.filter(~keys.is_in(self.post_plain.keys.implode()))
        if keys.is_empty() or self.post_scales.is_empty():
            return self.post_plain
        rest = pl.col("rest")
        units = [
            pl.when(rest.str.starts_with(sep2))
            .then(rest.str.slice(len(sep2)))
            .replace_strict(self.after, default=None, return_dtype=pl.String)
            for sep2 in _SEPARATORS
        ]
        more = (
            keys.to_frame("key")
            .lazy()
            .join(self.post_scales.lazy(), how="cross")
            .filter(pl.col("key").str.starts_with(pl.col("prefix")))
            .with_columns(rest=pl.col("key").str.slice(pl.col("prefix").str.len_chars()))
            .with_columns(post_unit=pl.when(rest != "").then(pl.coalesce(units)))
            .filter((rest == "") | pl.col("post_unit").is_not_null())
            .sort("order")
            .unique("key", keep="first", maintain_order=True)
            .select(
                "key",
                "scale_word",
                "factor",
                "post_unit",
                pl.col("post_unit")
                .replace_strict(self.currency_of_unit, default=None, return_dtype=pl.String)
                .alias("post_currency"),
                pl.lit(False).alias("post_ordinal"),
            )
            .collect()
        )
        return self.post_plain.extended(more)

    def mentions_frame(self, texts: pl.Series, spans: tuple[pl.Series, pl.Series] | None = None) -> pl.DataFrame:
        """Every number mention in each text, one row per mention, vectorised.

        Columns: row (UInt32, index into `texts`), start, end (Int64 code-point offsets, end
        exclusive), text, qualifier, kind, number_text, number (Decimal), scale_word, value
        (Decimal, number x scale), unit, currency, date (Date, complete dates only).

        With `spans` (a start and an end offset for each text), only the mentions that overlap
        their text's span are read and returned: the whole text is searched all the same, so
        each of them is found, and read, as it is without `spans`.
        """
        if not isinstance(texts, pl.Series):
            texts = pl.Series(texts, dtype=pl.String)
        if texts.dtype != pl.String:
            texts = texts.cast(pl.String)
        folded, changed = _fold_numerals(texts)
        located = _locate(self, folded, spans)
        if spans is not None:
            first, last = (pl.Series(s).cast(pl.Int64).gather(located["row"]) for s in spans)
            located = located.filter((located["end"] > first) & (located["start"] < last))
        read = _read_all(self, located["text"]).drop("ok")
        found = pl.concat([located, read], how="horizontal").filter(pl.col("kind") != "ident")
        # (computed once: each column below would otherwise run the refusals' regular expressions again)
        found = found.with_columns(_refused().alias("refused"))
        refused = pl.col("refused")
        found = found.with_columns(
            pl.when(refused).then(pl.lit("unread")).otherwise(pl.col("kind")).alias("kind"),
            *(
                pl.when(refused).then(None).otherwise(pl.col(c)).alias(c)
                for c in ("number", "scale_word", "value", "unit", "currency")
            ),
        )
        if len(changed):
            found = _as_written(found, texts, changed)
        return found.select([pl.col(c).cast(t) for c, t in _OUT_SCHEMA.items()])

    def parse_mentions(self, text: str) -> list[Mention]:
        """The mentions in one text, as Python objects with decimal.Decimal values."""
        if not isinstance(text, str):
            raise TypeError(f"parse_mentions reads a str, not {type(text).__name__}")
        if not text.isascii():
            # a lone surrogate (from surrogateescape decoding) is no character polars can hold: one U+FFFD each,
            # so every offset still points into `text`
            text = _SURROGATE.sub("\ufffd", text)
        frame = self.mentions_frame(pl.Series([text], dtype=pl.String))
        return [
            Mention(
                start=r["start"],
                end=r["end"],
                text=r["text"],
                qualifier=r["qualifier"],
                kind=r["kind"],
                number_text=r["number_text"],
                number=_plain(r["number"]),
                scale_word=r["scale_word"],
                value=_plain(r["value"]),
                unit=r["unit"],
                currency=r["currency"],
                date=r["date"],
            )
            for r in frame.iter_rows(named=True)
        ]


# --------------------------------------------------------------------------- locate


def _locate(g: Grammar, texts: pl.Series, spans: tuple[pl.Series, pl.Series] | None = None) -> pl.DataFrame:
    """row, start, end, text of every match of the grammar (code-point offsets), vectorised.

    The texts are split after each match (``inclusive=True``), so every piece is the text between two
    matches followed by the match, and the matches themselves are taken from the same search
    (``extract_all``), never re-read off a piece (a piece alone has lost what follows its match, so a
    regex anchored at its end could match more than the search did, or match in a text's tail). Offsets are summed code-point lengths of the pieces. With `spans`
    (see `Grammar.mentions_frame`), only the pieces that reach into their text's span are read.
    """
    t = texts.fill_null("")
    n_chars = t.str.len_chars().cast(pl.Int64)
    before = n_chars.cum_sum() - n_chars  # code points in earlier texts
    split = t.str.split(g.pattern, literal=False, inclusive=True)  # type: ignore[call-arg]
    n_split = split.list.len().cast(pl.Int64)
    pieces = pl.DataFrame({"piece": split}).with_row_index("row").explode("piece")
    del split
    piece = pieces["piece"]
    row = pieces["row"]
    # the mentions, as the search matched them (the same search as the split, so the first k pieces of a text
    # end with its k matches, in order, and any piece after them is its unmatched tail): a regex read off the
    # end of a piece alone could match more than the search did, or match in the tail
    matched = t.str.extract_all(g.pattern)
    index = pl.int_range(len(piece), dtype=pl.Int64, eager=True) - (n_split.cum_sum() - n_split).gather(row)
    at = (index < matched.list.len().cast(pl.Int64).gather(row)).arg_true()
    text = (
        pl.Series("text", dtype=pl.String).extend_constant(None, len(piece)).scatter(at, matched.explode().drop_nulls())
    )
    del matched
    n_piece = piece.str.len_chars().cast(pl.Int64)
    end = n_piece.cum_sum() - before.gather(row)
    # the pieces before and after each, in the same text (the words around its mention)
    after_same, next_piece = row.shift(-1) == row, piece.shift(-1)
    before_same, prev_piece = row.shift(1) == row, piece.shift(1)
    if spans is not None:  # a piece that ends before the span or starts after it holds no mention to read
        first, last = (pl.Series(s).cast(pl.Int64).gather(row) for s in spans)
        keep = ((end > first) & (end - n_piece < last)).arg_true()
        piece, row, end, n_piece = piece.gather(keep), row.gather(keep), end.gather(keep), n_piece.gather(keep)
        text = text.gather(keep)
        after_same, next_piece = after_same.gather(keep), next_piece.gather(keep)
        before_same, prev_piece = before_same.gather(keep), prev_piece.gather(keep)
    n_text = text.str.len_chars().cast(pl.Int64)
    start = end - n_text
    # the words around each mention, for the refusals (`_refused`): the end of the text before it in its
    # piece, and the start of the next piece of the same text
    # (the previous piece ends with the previous mention: "5 to 6 billion" has "5 to " before "6 billion")
    prefix = piece.str.head(n_piece - n_text.fill_null(0))
    prev = pl.select(pl.when(before_same).then(prev_piece.str.tail(_CONTEXT)).otherwise(pl.lit("")))
    lead = (prev.to_series() + prefix).str.tail(_CONTEXT)
    trail = pl.select(pl.when(after_same).then(next_piece.str.head(_CONTEXT)).otherwise(pl.lit(""))).to_series()
    found = pl.DataFrame({"row": row, "start": start, "end": end, "text": text, "lead": lead, "trail": trail})
    return found.filter(pl.col("text").is_not_null())


#: characters of context around a mention that the refusals look at
_CONTEXT = 40
#: the words right before a figure that change what it says in ways no exact value records (the engine's
#: English, like its number words): a minus sign, a negation, a fraction or multiple in words, a fall
#: ("down 5.2%", "a decrease of 5.2%": the value as written would read as a rise), "between",
#: the first number and the joining word of a range or a choice ("5 to", "5-", "5 or"), a decimal comma
#: ("5,2"), a thousands group after a space ("1 200"), a fraction ("1/3")
_REFUSED_LEAD = (
    r"(?i)(?:−\s*|(?:^|[\s(\[/])[-‐‑‒–—―﹘﹣]|(?:^|[^\p{L}])(?:minus|negative|not|no|never|nor|without|half|halves|quarter|quarters|"
    r"thirds?|twice|double|triple|treble|between|down|fell|falls?|fallen|dropped|drops?|declined|declines?|"
    r"decreased|decreases?|reduction|reduced|shrank|lower|contraction|contracted|loss|losses|deficit|slump|slumped|"
    r"plunged?|tumbled|cut|cuts|upwards\s+of|estimated|as\s+(?:much|many|few|little|high|low)\s+as)"
    r"\s+(?:(?:a|an|of|of\s+a|of\s+an|by|to)\s+)?|[0-9],|[0-9]/"
    # a sign of comparison or approximation ("~5 billion", ">5%", "±5%"), a format character (zero-width
    # space or joiner, soft hyphen, direction mark) against the figure, a word with letters of another
    # script right before it ("РMB 5 billion", Cyrillic Р)
    r"|[~≈∼≃<>≤≥±]\s*|\p{Cf}|\p{L}*[\p{L}--\p{Latin}]\p{L}*\s?)$"
)
#: right before a figure (not a year or date): a digit, a point or a digit-group sign other than the comma
#: ("1,2345", ".5 billion", "5.000.000", "5’500", "5·500", "5_500"), a power sign ("10^9 yuan" is not 9
#: yuan), or a scale word ("5 billion 600 million yuan" is 5.6 billion, not 600 million)
_JOINED_LEAD = (
    r"(?i)(?:(?:[0-9]|[0-9]?\.|[0-9]['’·․_])\p{Cf}*|(?:\^|\*\*)\s*"
    r"|(?:^|[^\p{L}])(?:hundred|thousand|million|billion|trillion|bn|mn)\s+)$"
)
#: right after it: the same signs and digits, a power sign ("10^9"), and a scale word ("5 hundred million",
#: "5 thousand million") or a word that starts with one ("5 millionth", "5 thousandths", "5 billionx")
_JOINED_TRAIL = r"(?i)^(?:\s*(?:\^|\*\*)|\p{Cf}*[0-9]|[.'’·․_]\p{Cf}*[0-9]|\s*\p{L}+\p{Cf}|[.\s]*-?\s*(?:hundred|thousand|million|billion|trillion)\p{L}*)"
_RANGE_LEAD = (
    r"(?i)(?:[0-9]\s*(?:-|–|—|to|or)|[0-9]\s*%\s*(?:-|–|—|or)|\bbetween\s+\S+\s+and"
    # a ratio in words ("1 in 5 firms", "3 out of 10")
    r"|(?:^|[^0-9.,])[0-9]{1,2}\s+(?:in|out\s+of)\s+)\s*$"
)
#: the words right after it: the rest of a range or choice, a decimal comma, a fraction, a plus sign, a
#: multiple ("1.5 times", "3-fold"), "and a half", scientific notation, the scale words of other number
#: systems that the vocabulary does not name (lakh, crore, 万, 亿)
_REFUSED_TRAIL = (
    r"(?i)^(?:,[0-9]|/[0-9]|\+|\s*(?:times|fold)\b|-fold\b|\s+and\s+(?:a\s+)?half\b|[eE][+-]?[0-9]|\s*[×x]\s*10|"
    r"\s*(?:lakhs?|crores?|万|亿|千|百万)|\s+(?:of\s+a|of\s+an)\b|"
    # a fall written after the figure ("a 5% decline", "6% lower"), "plus", a superscript or fraction sign
    # against it ("5²", "1½"), a format character
    r"\s+(?:(?:year[- ]on[- ]year|y-o-y|yoy)\s+)?(?:declines?|declined|decreases?|decreased|drops?|dropped|falls?|"
    r"fell|lower|less|fewer|down|reductions?|contraction|slump|loss|losses|deficit|cut)\b|\s*-?\s*plus\b|"
    # a fraction in words ("one third", "two fifths")
    r"\s+(?:halves|half|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b|"
    r"[\x{b2}\x{b3}\x{b9}\x{2070}-\x{209f}\x{bc}-\x{be}\x{2150}-\x{215f}]|\p{Cf}|"
    # a scale letter with no currency before the figure ("5m yuan", "5 B yuan", "5K"): not read as one
    r"\s?[kmb]\b)"
)
#: an ordinal word after "a", "an" or "one" is a fraction ("a fifth of the firms"), not a position
_FRACTION_LEAD = r"(?i)(?:^|[^\p{L}])(?:an?|one)\s+$"
_RANGE_TRAIL = r"(?i)^(?:\s*(?:-|–|—|to|or)\s*[0-9]|\s+(?:in|out\s+of)\s+[0-9]{1,2}(?:[^0-9.,]|$))"


def _refused() -> pl.Expr:
    """Mentions whose words around them say something no exact value records (see `_REFUSED_LEAD`): read
    as kind unread, with no number, so a record can never claim them. A year or date is not refused for
    a range ("2020-2024") or a neighbouring number."""
    lead, trail, numeral = pl.col("lead").fill_null(""), pl.col("trail").fill_null(""), pl.col("number_text")
    # "1 200" and "1, 200" (a thousands group after a space, or after a comma and the line break a quote's
    # normalised text has as a space)
    spaced_thousands = (
        lead.str.contains(r"(?:^|[^0-9.,])[0-9]{1,3},?[ \x{a0}\x{2009}\x{202f}]$") & numeral.str.contains(r"^[0-9]{3}$")
    ) | (
        trail.str.contains(r"^,?[ \x{a0}\x{2009}\x{202f}][0-9]{3}(?:[^0-9,.]|$)")
        & numeral.str.contains(r"^[0-9]{1,3}$")
    )
    # "2023-24", "2023/24": a span of two years (a fiscal or school year), not the year 2023
    split_year = (pl.col("kind") == "year") & trail.str.contains(r"^[-‐‑‒–—/][0-9]{2}(?:[^0-9]|$)")
    word_ordinal = (pl.col("kind") == "ordinal") & ~numeral.fill_null("").str.contains(r"[0-9]")
    timeless = ~pl.col("kind").is_in(["year", "date", "time"])
    # a figure glued to a letter or digit the grammar did not take into it ("US$5bnx", "5G", "1990s",
    # "2015May", "5,000th", "3rd5th", "5e9", "5%5"): the search stopped inside a word, so what it found is not
    # what the text says
    glued = trail.str.contains(r"^[\p{L}\p{N}_]") | (
        lead.str.contains(r"[\p{L}\p{N}_%]$") & pl.col("text").str.contains(r"^[\p{L}\p{N}_]")
    )
    return pl.col("kind").is_in(["cardinal", "ordinal", "percent", "year"]) & (
        glued
        | lead.str.contains(_REFUSED_LEAD)
        | trail.str.contains(_REFUSED_TRAIL)
        | (word_ordinal & lead.str.contains(_FRACTION_LEAD))
        | split_year
        | (
            timeless
            & (
                lead.str.contains(_RANGE_LEAD)
                | trail.str.contains(_RANGE_TRAIL)
                | spaced_thousands
                | lead.str.contains(_JOINED_LEAD)
                | trail.str.contains(_JOINED_TRAIL)
            )
        )
    )


# --------------------------------------------------------------------------- read


def _split_strip(g: Grammar, orig: pl.Series) -> pl.LazyFrame:
    """Cut lower-cased mentions into pre / num / post by stripping character sets (fast).

    Words before a digit numeral hold only letters, spaces, '.', '$' and '¥'; the numeral
    only digits, ',' and '.'. The whole mention is also offered as a number word ("two",
    "twenty-first"); anything else fails the tables and takes the general path.
    """
    lm, rest, post = pl.col("word"), pl.col("rest"), pl.col("post")
    return (
        orig.to_frame("orig")
        .lazy()
        .with_columns(word=pl.col("orig").str.to_lowercase())  # the whole mention, as a number word
        .with_columns(rest=lm.str.strip_chars_start(g.pre_chars))
        .with_columns(post=rest.str.strip_chars_start(_DIGIT_CHARS))
        .select(
            "orig",
            pre=lm.str.head(lm.str.len_chars() - rest.str.len_chars()),
            num=rest.str.head(rest.str.len_chars() - post.str.len_chars()),
            post=post,
            word=lm,
        )
    )


def _split_marked(orig: pl.Series) -> pl.LazyFrame:
    """Cut mentions into pre / num / post by marking the first numeral with a regex (general)."""
    parts = pl.col("orig").str.to_lowercase().str.replace(NUMERAL, _MARK + "${0}" + _MARK).str.split_exact(_MARK, 2)
    return (
        orig.to_frame("orig")
        .lazy()
        .with_columns(pl.col("orig").str.replace_all(r"\s+", " "))
        .with_columns(parts.alias("parts"))
        .select(
            "orig",
            pre=pl.col("parts").struct.field("field_0"),
            num=pl.col("parts").struct.field("field_1"),
            post=pl.col("parts").struct.field("field_2"),
        )
    )


def _qualifier_after(g: Grammar, pieces: pl.LazyFrame) -> pl.LazyFrame:
    """`pieces` with `post_rest`, the text after a numeral without a qualifier written after the figure,
    and `after`, that qualifier (null where there is none)."""
    if not g.qualifier_after:
        return pieces.with_columns(post_rest=pl.col("post"), after=pl.lit(None, dtype=pl.String))
    words = "|".join(re.escape(w) for w in sorted(g.qualifier_after, key=lambda w: (-len(w), w)))
    parts = pl.col("post").str.extract_groups(rf"^(?P<rest>.*?) ?(?P<aq>{words})$")
    aq = pl.col("_aq").struct.field("aq")
    return (
        pieces.with_columns(parts.alias("_aq"))
        .with_columns(
            post_rest=pl.when(aq.is_not_null()).then(pl.col("_aq").struct.field("rest")).otherwise(pl.col("post")),
            after=aq.replace_strict(g.qualifier_after, default=None, return_dtype=pl.String),
        )
        .drop("_aq")
    )


def _finish(g: Grammar, pieces: pl.LazyFrame, whole: bool) -> pl.DataFrame:
    """Qualifier, kind, numeral, scale, value, unit and currency from pre / num / post.

    With `whole`, the `word` column is the whole mention offered as a number word (fast
    path); without it the numeral itself is looked up as a number word.
    """
    split = _qualifier_after(g, pieces).collect()
    post_table = g._post_table(split["post_rest"])
    df = WORD_TABLE.joined(split.lazy(), pl.col("word" if whole else "num"), "word_found")
    # a whole-mention number word has nothing before or after it (the row of "")
    df = df.with_columns(is_whole_word=pl.col("word_found").is_not_null() if whole else pl.lit(False))
    blank = pl.col("is_whole_word")
    df = g.pre_table.joined(df, pl.when(blank).then(pl.lit("")).otherwise(pl.col("pre")), "pre_found")
    df = post_table.joined(df, pl.when(blank).then(pl.lit("")).otherwise(pl.col("post_rest")), "post_found")
    df = df.with_columns(
        digits=pl.col("num").str.replace_all(",", "", literal=True).cast(_DEC12, strict=False),
        known=pl.col("pre_found").is_not_null() & pl.col("post_found").is_not_null(),
    )
    # a qualifier after the figure ("5 billion yuan or more") is its qualifier; one before it and another
    # after it ("over 5 billion or more") say two things, and the figure is left unread
    plain = pl.lit(g.plain_qualifier, dtype=pl.String)
    df = df.with_columns(
        qualifier=pl.when(pl.col("after").is_null())
        .then(pl.col("qualifier"))
        .when(pl.col("qualifier") == plain)
        .then(pl.col("after"))
    )
    df = df.with_columns(known=pl.col("known") & pl.col("qualifier").is_not_null())
    six = pl.col("digits").cast(DECIMAL)
    number = pl.when(six.cast(_DEC12) == pl.col("digits")).then(six).otherwise(pl.col("word_value").cast(DECIMAL))
    df = df.with_columns(number=number, unit=pl.coalesce("pre_unit", "post_unit"))
    # number x scale must fit Decimal(38, 6) (32 digits before the point): a figure too large for it has
    # no value (no record can hold it either) rather than an overflow. The float estimate keeps a margin
    # below 10^32, so every product computed fits; both branches of a when() are computed, hence the 0.
    fits = (pl.col("number").cast(pl.Float64) * pl.col("factor").cast(pl.Float64)).abs() < _VALUE_LIMIT
    df = df.with_columns(
        fits=fits.fill_null(False), safe_number=pl.when(fits).then(pl.col("number")).otherwise(pl.lit(0, dtype=DECIMAL))
    )
    is_year = (
        (pl.col("num").str.len_bytes() == 4)
        & (pl.col("number") >= 1900)
        & (pl.col("number") <= 2100)
        & pl.col("unit").is_null()
        & pl.col("scale_word").is_null()
        & pl.col("qualifier").is_in(g.year_qualifiers)
    )
    # a unit before the number and another after it that are not the same currency ("$ 5 billion yuan",
    # "RMB 5 mu") say two things: the figure is left unread ("RMB 5 billion yuan" is yuan either way)
    two_units = (
        pl.col("pre_unit").is_not_null()
        & pl.col("post_unit").is_not_null()
        & ~(pl.col("pre_currency").is_not_null() & (pl.col("pre_currency") == pl.col("post_currency"))).fill_null(False)
    )
    kind = (
        pl.when(two_units)
        .then(pl.lit("unread"))
        .when(pl.col("post_ordinal") | pl.col("word_ordinal"))
        .then(pl.lit("ordinal"))
        .when(pl.col("unit") == "%")
        .then(pl.lit("percent"))
        .when(is_year)
        .then(pl.lit("year"))
        .otherwise(pl.lit("cardinal"))
    )
    start = pl.when(pl.col("is_whole_word")).then(0).otherwise(pl.col("pre").str.len_chars())
    length = (
        pl.when(pl.col("is_whole_word"))
        .then(pl.col("orig").str.len_chars())
        .when(pl.col("post_ordinal"))
        .then(pl.col("num").str.len_chars() + pl.col("post").str.len_chars())
        .otherwise(pl.col("num").str.len_chars())
    )
    return df.select(
        (pl.col("known") & (pl.col("digits").is_not_null() | pl.col("word_value").is_not_null()))
        .fill_null(False)
        .alias("ok"),
        "qualifier",
        kind.alias("kind"),
        pl.col("orig").str.slice(start, length).alias("number_text"),
        pl.when(~two_units).then(pl.col("number")).alias("number"),
        pl.when(~two_units).then(pl.col("scale_word")).alias("scale_word"),
        pl.when(pl.col("fits") & ~two_units)
        .then((pl.col("safe_number") * pl.col("factor")).cast(DECIMAL))
        .alias("value"),
        pl.when(~two_units).then(pl.col("unit")).alias("unit"),
        pl.when(~two_units).then(pl.coalesce("pre_currency", "post_currency")).alias("currency"),
        pl.lit(None, dtype=pl.Date).alias("date"),
    ).collect()


def _read_groups(g: Grammar, m: pl.Series) -> pl.DataFrame:
    """Dates, times and identifiers, read with the grammar's named groups (a small subset)."""
    groups = m.str.extract_groups("^(?:" + g.pattern_groups + ")$").struct.unnest()
    month = (
        pl.coalesce("m1", "m2", "m3")
        .str.slice(0, 3)
        .str.to_lowercase()
        .replace_strict(MONTH_NUMBER, default=None, return_dtype=pl.Int32)
    )
    month = pl.coalesce(pl.coalesce("im", "im2").cast(pl.Int32, strict=False), month)
    day = pl.coalesce("id", "id2", "d1", "d3").cast(pl.Int32, strict=False)
    year = pl.coalesce("iy", "y1", "y2", "y3").cast(pl.Int32, strict=False)
    iso = pl.format("{}-{}-{}", year, month.cast(pl.String).str.zfill(2), day.cast(pl.String).str.zfill(2))
    kind = (
        pl.when(pl.col("date").is_not_null())
        .then(pl.lit("date"))
        .when(pl.col("time").is_not_null())
        .then(pl.lit("time"))
        .when(pl.col("ident").is_not_null() | pl.col("frac").is_not_null())
        .then(pl.lit("ident"))
        .otherwise(pl.lit("unread"))  # the grammar found a figure no table reads exactly (S$5 billion): refused
    )
    return groups.with_columns(m=m).select(
        pl.lit(True).alias("ok"),
        pl.lit(g.plain_qualifier, dtype=pl.String).alias("qualifier"),
        kind.alias("kind"),
        pl.col("m").alias("number_text"),
        pl.lit(None, dtype=DECIMAL).alias("number"),
        pl.lit(None, dtype=pl.String).alias("scale_word"),
        pl.lit(None, dtype=DECIMAL).alias("value"),
        pl.lit(None, dtype=pl.String).alias("unit"),
        pl.lit(None, dtype=pl.String).alias("currency"),
        # year 0 is a date in polars but not in Python (a mention read as one could not be returned)
        pl.when(year >= 1).then(iso.str.to_date("%Y-%m-%d", strict=False)).alias("date"),
    )


def _patch(base: pl.DataFrame, idx: pl.Series, new: pl.DataFrame) -> pl.DataFrame:
    """`base` with the rows at `idx` replaced by `new` (same columns)."""
    if len(idx) == 0:
        return base
    return base.with_columns([base[c].scatter(idx, new[c]) for c in base.columns])


def _read(g: Grammar, m: pl.Series) -> pl.DataFrame:
    """Read distinct mention texts: the fast table path, then the general ones for the rest."""
    out = _finish(g, _split_strip(g, m), whole=True)
    bad = out["ok"].not_().arg_true()
    if len(bad):
        sub = m.gather(bad)
        second = _finish(g, _split_marked(sub), whole=False)  # words with qualifier/scale/unit, odd spaces
        out = _patch(out, bad, second)
        still = second["ok"].not_().arg_true()
        if len(still):
            out = _patch(out, bad.gather(still), _read_groups(g, sub.gather(still)))  # dates, times, identifiers
    return out


# --------------------------------------------------------------------------- public API

_DEDUP_SAMPLE = 20_000
_DEDUP_MAX_RATIO = 0.9  # read every mention when almost all are distinct


def _read_all(g: Grammar, m: pl.Series) -> pl.DataFrame:
    """_read for every mention text, reading each distinct text once when they repeat."""
    sample = m.head(_DEDUP_SAMPLE)
    if len(m) < 2 * _DEDUP_SAMPLE or sample.n_unique() > _DEDUP_MAX_RATIO * len(sample):
        return _read(g, m)
    categorical = m.cast(pl.Categorical(pl.Categories.random()))  # a private mapping
    distinct = categorical.dtype.categories.to_series()  # type: ignore[attr-defined]  # index = physical code
    return _read(g, distinct).rechunk().gather(categorical.to_physical())


_NUMERAL_KEYS = list(NUMERALS)
_NUMERAL_VALUES = list(NUMERALS.values())


def _fold_numerals(texts: pl.Series) -> tuple[pl.Series, pl.Series]:
    """`texts` with each digit of another script and each full-width or Arabic number sign replaced by
    its ASCII character (`normalise.NUMERALS`: "١٢٣" and "１２３" read as 123), and the indices of the
    texts that changed. One code point for one, so offsets into the folded texts are offsets into
    `texts`. Only texts with a non-ASCII character are searched."""
    non_ascii = (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False).arg_true()
    if not len(non_ascii):
        return texts, non_ascii
    candidates = texts.gather(non_ascii)
    has = candidates.str.contains_any(_NUMERAL_KEYS).fill_null(False)
    changed = non_ascii.filter(has)
    if not len(changed):
        return texts, changed
    folded = candidates.filter(has).str.replace_many(_NUMERAL_KEYS, _NUMERAL_VALUES)
    return texts.clone().scatter(changed, folded), changed


def _as_written(found: pl.DataFrame, texts: pl.Series, changed: pl.Series) -> pl.DataFrame:
    """`found` with the text and number_text of the mentions in the `changed` texts as their text writes
    them (mentions are read off the folded texts: "１２３ billion", not "123 billion")."""
    in_changed = pl.repeat(False, len(texts), dtype=pl.Boolean, eager=True).scatter(changed, True)
    idx = in_changed.gather(found["row"]).arg_true()
    if not len(idx):
        return found
    sub = found.gather(idx)
    # each mention's passage of its text by byte slices (a code-point slice of a long text per mention
    # would scan the text once per mention)
    keys = changed.cast(pl.String)
    as_written = stored_passages(
        dict(zip(keys.to_list(), texts.gather(changed).to_list())), sub["row"].cast(pl.String), sub["start"], sub["end"]
    )
    text, numeral = pl.col("text"), pl.col("number_text")
    has = text.str.contains(numeral, literal=True).fill_null(False)
    at = pl.when(has).then(text.str.split(numeral).list.first().str.len_chars())
    fixed = sub.with_columns(written=as_written).select(
        pl.col("written").alias("text"),
        # a numeral holds no white space, so its place in the folded mention is its place as written
        pl.when(has)
        .then(pl.col("written").str.slice(at, numeral.str.len_chars()))
        .otherwise(numeral)
        .alias("number_text"),
    )
    return found.with_columns(found[c].scatter(idx, fixed[c]) for c in ("text", "number_text"))


_SURROGATE = re.compile("[\ud800-\udfff]")


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
    with localcontext() as ctx:
        ctx.prec = 2 * DECIMAL.precision  # the default 28 digits cannot hold every Decimal(38, 6)
        if d == d.to_integral_value():
            return d.quantize(Decimal(1))
        return d.normalize()

"""Number mentions in free text: the grammar zonedata checks recorded values against.

Every number a record carries must appear in its verbatim quote with a compatible
scale word, currency/unit and qualifier. No maintained library parses phrases such as
"about 1200 mu", "exceeds RMB 90 billion" or "99.68 billion yuan ($14.60 billion)", so
the grammar is ours. It is written once, as one regular expression, and run fully
vectorised in polars (no per-row Python), with exact Decimal arithmetic:

1. one regex pass over the texts marks every mention and writes out its capture
   groups (``str.replace_all`` with group references);
2. the marked texts are split on the marker and exploded, one row per piece; the
   code-point lengths of the pieces give each mention's code-point offsets;
3. the captured pieces are mapped through small tables (``replace_strict``) to a
   qualifier, kind, numeral value, scale word, unit and currency; ``value`` is
   ``number x scale`` in ``Decimal(38, 6)``.

Kinds: ``cardinal`` ("1,221 projects", "seven areas", "RMB 7.5 billion"), ``ordinal``
("21st", "second"), ``percent`` ("61.54%", "6 percent"), ``year`` (a bare 4-digit
1900-2100 with no unit, currency or scale: "in 2012"), ``date`` ("May 28, 2024",
"23 September 2024", "2023-09-16"; number and value null, ``date`` set when complete)
and ``time`` ("11:00").
"""

from __future__ import annotations

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
S = r"(?:[^\S\n]+\n?|\n)[^\S\n]*"       # whitespace with at most one line break
S0 = rf"(?:{S})?"


def _alt(words) -> str:
    """Longest-first alternation of literal words, spaces matching any `S`."""
    out = []
    for w in sorted(set(words), key=lambda x: (-len(x), x)):
        out.append(S.join(_escape(p) for p in w.split(" ")))
    return "(?:" + "|".join(out) + ")"


def _escape(s: str) -> str:
    return "".join("\\" + c if c in r".^$*+?()[]{}|\-" else c for c in s)


def _ci(body: str) -> str:
    return f"(?i:{body})"


def _month() -> str:
    # capitalised (or upper-case) month names only: "may" the verb is not a month
    def cap(w):
        return w[0] + "(?i:" + w[1:] + ")"
    full = "|".join(cap(m) for m in sorted(MONTHS_FULL, key=len, reverse=True))
    abbr = "|".join(cap(m) for m in sorted(MONTHS_ABBR, key=len, reverse=True))
    return rf"(?:(?:{full}){B}|(?:{abbr})(?:\.|{B}))"


def _pattern(named: bool) -> str:
    def g(name: str, body: str) -> str:
        return f"(?P<{name}>{body})" if named else f"(?:{body})"

    month = _month()
    day = r"(?:[12][0-9]|3[01]|0?[1-9])"
    year = r"[0-9]{4}"
    suffix = r"(?i:st|nd|rd|th)"

    ident = rf"{B}(?:[A-Za-z_]+|[A-Z][A-Z0-9]+-)[0-9][A-Za-z0-9_]*"
    iso = rf"{g('iy', year)}[-/]{g('im', r'0?[1-9]|1[0-2]')}[-/]{g('id', day)}{B}"
    mdy = rf"{g('m1', month)}{S}{g('d1', day)}{suffix}?{B}(?:,?{S}{g('y1', year)}{B})?"
    my = rf"{g('m2', month)},?{S}{g('y2', year)}{B}"
    dmy = rf"{g('d3', day)}{suffix}?{S}(?:of{S})?{g('m3', month)}(?:,?{S}{g('y3', year)}{B})?"
    date = g("date", f"{iso}|{mdy}|{my}|{dmy}")
    ampm = rf"(?i:a\.m\.|p\.m\.|am{B}|pm{B})"
    time = g("time", rf"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?(?:{S0}{ampm})?"
                     rf"|(?:1[0-2]|0?[0-9]){S0}{ampm}")
    ord_digits = g("od", r"[0-9]+") + rf"{suffix}{B}"
    ord_words = B + g("ow", _ci(_alt(
        [f"{t}-{o}" for t in TENS for o in ORD_1] + ORD_TENS + ORD_TEENS + ORD_1 + ["hundredth"]
    ))) + B

    digits = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
    small = _alt(UNITS_1 + TEENS)
    word_number = _ci(
        rf"{B}(?:{g('wh', _alt(UNITS_1 + TEENS + ['a']))}{S}hundred"
        rf"|{g('wt', _alt(TENS))}(?:-{g('wu', _alt(UNITS_1))})?"
        rf"|{g('ws', small + '|a' + S + 'dozen')}){B}"
    )
    numeral = g("num", rf"{g('nd', digits)}|{word_number}")
    qual = g("qual", _ci(_alt(QUALIFIER_WORDS)))
    cur_words = _ci(_alt(["rmb", "cny", "usd", "hkd", "us$", "hk$"]))
    cur = g("cur", rf"{B}{cur_words}|\$|¥|￥")
    scale = g("scale", _ci(_alt(SCALE_WORDS))) + B
    unit_words = [u for u in UNITS_AFTER if u not in ("%", "km²", "m²")]
    unit = g("unit", rf"%|km²|m²|{_ci(_alt(unit_words))}{B}")
    quant = (rf"(?:{B}{qual}{S})?(?:{cur}{S0})?{numeral}"
             rf"(?:{S}{scale})?(?:{S0}{unit})?")
    return "|".join([g("ident", ident), date, time, ord_digits, ord_words, quant])


PATTERN = _pattern(named=False)        # the grammar, for search (no capture groups)
PATTERN_GROUPS = _pattern(named=True)  # the same grammar with named groups

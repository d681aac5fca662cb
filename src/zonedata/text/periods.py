"""Reading the words a text uses for a period: what year, month and day they state for its start and end.

A small, closed grammar, read whole or not at all: a phrase with any word outside it ("over the past
20 years", "for three consecutive years", "by the end of 2025") states nothing the reader can check,
and is left alone; a phrase it reads is read exactly. What it reads:

- a point: a year (`2016`, `this year`, `last year`, `next year`), a month with or without a year
  (`May`, `May 2024`, `Sept. 2023`), a day of a month (`May 28, 2024`, `28 May 2024`), or a day alone
  (`the 20th`);
- a preposition before it: `in`, `during`, `on`, `at` (the start and the end both lie in the point),
  `since`, `from` (the start does), `by`, `until`, `till`, `through`, `as of`, `as at`, `up to` (the end does);
- a span: `from|between <point> to|until|till|through|and|- <point>`, or `<year>-<year>`; a start that
  gives no year takes the end's (`From January to July this year`);
- `the first N months of <year>` (N in digits or words, one to twelve): January to month N.

Relative years are offsets from the year of the source's publication (`this year` = 0, `last year` =
-1), which the caller supplies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from zonedata.text.normalise import normalise
from zonedata.text.numbers import MONTHS_FULL

MONTHS = {
    **{
        m: i + 1
        for i, m in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            )
        )
    },
    **{
        m: i + 1
        for i, m in enumerate(("jan", "feb", "mar", "apr", None, "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
        if m
    },
    "sept": 9,
}
NUMBER_WORDS = {
    w: i + 1
    for i, w in enumerate(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
    )
}
RELATIVE_YEARS = {"this": 0, "last": -1, "next": 1, "current": 0, "previous": -1}
BOTH = ("in", "during", "on", "at", "for")
START = ("since", "from")
END = ("by", "until", "till", "through", "as of", "as at", "up to")
_TOKEN = re.compile(r"[a-z]+|[0-9]+(?:st|nd|rd|th)?|[-,.]")
_WHOLE = re.compile(r"(?:[a-z]+|[0-9]+(?:st|nd|rd|th)?|[-,.]| )+", re.ASCII)


@dataclass(frozen=True)
class Point:
    """What one point of a phrase states: a year (absolute, or relative to the publication year), a month, a day."""

    year: int | None = None
    relative: bool = False  # year is an offset from the year of publication
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class PeriodWords:
    """What a phrase states of a period's start and of its end (None: nothing)."""

    start: Point | None
    end: Point | None


def read_period(text: str) -> PeriodWords | None:
    """What `text` states of a period's start and end; None when any of its words is outside the grammar."""
    lowered = normalise(text).lower()
    if not _WHOLE.fullmatch(lowered):
        return None  # a character the grammar does not know (an apostrophe, a slash, a letter of another script)
    tokens = _TOKEN.findall(lowered)
    if not tokens:
        return None
    if tokens[0] == "the":
        tokens = tokens[1:]
    for prep in (*END, *START, *BOTH, "between"):
        words = prep.split()
        if tokens[: len(words)] == words:
            body = tokens[len(words) :]
            break
    else:
        prep, body = "", tokens
    span = _span(body) if prep in ("from", "between", "") else None
    if span is not None:
        return span
    if prep == "between":
        return None
    first = _first_months(body)
    if first is not None and prep in ("", *BOTH):
        return first
    point = _point(body)
    if point is None:
        return None
    if prep in START:
        return PeriodWords(point, None)
    if prep in END:
        return PeriodWords(None, point)
    return PeriodWords(point, point)


def _span(tokens: list[str]) -> PeriodWords | None:
    for i, tok in enumerate(tokens):
        if tok in ("to", "until", "till", "through", "and", "-") and 0 < i < len(tokens) - 1:
            a, b = _point(tokens[:i]), _point(tokens[i + 1 :])
            if a is None or b is None:
                continue
            if a.year is None and b.year is not None:
                a = Point(b.year, b.relative, a.month, a.day)
            return PeriodWords(a, b)
    return None


def _first_months(tokens: list[str]) -> PeriodWords | None:
    """`[the] first N months [of] <year>`: January to month N of the year."""
    if tokens[:1] == ["the"]:
        tokens = tokens[1:]
    if len(tokens) < 4 or tokens[0] != "first" or tokens[2] != "months":
        return None
    n = NUMBER_WORDS.get(tokens[1]) or (int(tokens[1]) if tokens[1].isdigit() else None)
    rest = tokens[3:]
    if rest[:1] == ["of"]:
        rest = rest[1:]
    year = _year(rest)
    if n is None or not 1 <= n <= 12 or year is None:
        return None
    return PeriodWords(Point(year[0], year[1], 1), Point(year[0], year[1], n))


def _year(tokens: list[str]) -> tuple[int, bool] | None:
    """(year, relative) of `2016` or `this year`; None otherwise."""
    if len(tokens) == 1 and re.fullmatch(r"[0-9]{4}", tokens[0]):
        return int(tokens[0]), False
    if len(tokens) == 2 and tokens[0] in RELATIVE_YEARS and tokens[1] == "year":
        return RELATIVE_YEARS[tokens[0]], True
    return None


def _day(token: str) -> int | None:
    m = re.fullmatch(r"([0-9]{1,2})(?:st|nd|rd|th)?", token)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def _point(tokens: list[str]) -> Point | None:
    """A year, a month [year], a day month [year], a month day[,] [year], or `the` day."""
    tokens = [t for t in tokens if t != "."]
    if tokens[:1] == ["the"]:
        tokens = tokens[1:]
    if not tokens:
        return None
    year = _year(tokens)
    if year is not None:
        return Point(year[0], year[1])
    if len(tokens) == 1 and re.fullmatch(r"[0-9]{1,2}(?:st|nd|rd|th)", tokens[0]):
        return Point(day=_day(tokens[0]))  # "the 20th": a day of a month the text does not name here
    day = None
    if _day(tokens[0]) is not None and len(tokens) > 1:  # 28 May 2024, the 28th of May
        day, tokens = _day(tokens[0]), tokens[1:]
        if tokens[:1] == ["of"]:
            tokens = tokens[1:]
    if not tokens or tokens[0] not in MONTHS:
        return None
    month, tokens = MONTHS[tokens[0]], tokens[1:]
    if day is None and tokens and _day(tokens[0]) is not None and not re.fullmatch(r"[0-9]{4}", tokens[0]):
        day, tokens = _day(tokens[0]), tokens[1:]  # May 28, 2024
    if tokens[:1] == [","]:
        tokens = tokens[1:]
    if not tokens:
        return Point(month=month, day=day)
    year = _year(tokens)
    if year is None:
        return None
    return Point(year[0], year[1], month, day)


_MONTH_NAMES = MONTHS_FULL  # one list of month names: the number grammar's


def describe(point: Point, publication_year: int | None = None) -> str:
    """What a point states, in words: "2016", "July 2024", "the 20th", "May (no year)"; a relative year is
    resolved against `publication_year` when given."""
    year = point.year
    if point.relative:
        year = None if publication_year is None else publication_year + (point.year or 0)
    parts = []
    if point.day is not None:
        parts.append(f"the {point.day}th" if point.month is None else str(point.day))
    if point.month is not None:
        parts.append(_MONTH_NAMES[point.month - 1])
    if year is not None:
        parts.append(str(year))
    return " ".join(parts) if parts else "nothing"


# Dates as texts write them, read by polars: "May 28, 2024", "Sept. 16, 2023", "28 May 2024", "2024-05-28"
_MON = (
    r"(?<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t|tember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b\.?"
)
_MDY = rf"{_MON} (?<d>[0-9]{{1,2}}),? (?<y>[0-9]{{4}})"
_DMY = rf"(?<d>[0-9]{{1,2}}) {_MON},? (?<y>[0-9]{{4}})"
_ISO = r"(?<y>[0-9]{4})-(?<m>[0-9]{2})-(?<d>[0-9]{2})"
_MONTH_NUMBER = {m[:3]: str(i + 1) for i, m in enumerate(_MONTH_NAMES)}
#: a text's dateline, in its first lines: a wire dateline ("NANNING, China, May 28, 2024 /Xinhua-AsiaNet/"),
#: a page header's date and time ("2023-09-16 11:00"), or a labelled date ("Updated:2017-06-27")
DATELINES = (
    rf"(?m)^[A-Z][A-Z.' -]+,(?: [A-Z][A-Za-z.' -]+,)? {_MDY}\b",
    rf"(?m)^{_ISO} [0-9]{{2}}:[0-9]{{2}}\b",
    rf"(?i)\b(?:updated|published|posted|release date|date)\s*:\s*(?:{_ISO})\b",
    rf"(?i)\b(?:updated|published|posted|release date|date)\s*:\s*(?-i:{_MDY})",
    # the same lines with the day first ("Updated: 28 May 2024", "BEIJING, 28 May 2024") or the ISO date
    # written with slashes ("Date: 2024/05/28"): read, so a date_published that contradicts them is found
    rf"(?m)^[A-Z][A-Z.' -]+,(?: [A-Z][A-Za-z.' -]+,)? {_DMY}\b",
    rf"(?i)\b(?:updated|published|posted|release date|date)\s*:\s*(?-i:{_DMY})\b",
    r"(?i)\b(?:updated|published|posted|release date|date)\s*:\s*(?<y>[0-9]{4})/(?<m>[0-9]{2})/(?<d>[0-9]{2})\b",
)
#: how far into a text its dateline may stand (the title, the publisher and the dateline come first)
DATELINE_HEAD = 1000


def read_date(expr: pl.Expr, patterns: tuple[str, ...]) -> pl.Expr:
    """The first date any of `patterns` (regexes with groups y, d and mon or m) finds in each value, as a
    pl.Date; null where none reads, or where what reads is no date (a 31st of February)."""
    out = []
    for pattern in patterns:
        groups = expr.str.extract_groups(pattern)
        names = re.findall(r"\(\?<([a-z]+)>", pattern)
        month = (
            groups.struct.field("mon")
            .str.slice(0, 3)
            .replace_strict(_MONTH_NUMBER, default=None, return_dtype=pl.String)
            if "mon" in names
            else groups.struct.field("m")
        )
        iso = pl.concat_str(
            groups.struct.field("y"),
            pl.lit("-"),
            month.str.zfill(2),
            pl.lit("-"),
            groups.struct.field("d").str.zfill(2),
        )
        out.append(iso.str.to_date("%Y-%m-%d", strict=False))
    return pl.coalesce(out)


#: a whole date written as the sources' date_published_text is
DATE_WORDS = (rf"^(?:Updated\s*:\s*)?{_ISO}$", rf"^{_MDY}$", rf"^{_DMY}$")

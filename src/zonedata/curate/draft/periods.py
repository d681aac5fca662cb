"""The period words of a sentence ("in the first two months of this year", "in 2024", "last year"),
resolved against the publication date where the words and the date fix them."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from zonedata.text.sentences import Span

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_NUMBER_WORDS = {
    w: i + 1
    for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_N = r"([0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_YEAR_REF = r"(this year|last year|[12][0-9]{3})"
#: period phrases: (pattern, kind); the first that matches a sentence gives its statistics their period
PERIODS = [
    (rf"\b(?:in |during |for )?the first {_N} months of {_YEAR_REF}", "first_months"),
    (rf"\b(?:in |during |for )?the first (half|quarter) of {_YEAR_REF}", "first_part"),
    (rf"\b(?:in |during |for )?the first {_N} quarters of {_YEAR_REF}", "first_quarters"),
    (r"\b[Aa]t the end of ([12][0-9]{3})\b", "end_of"),
    (rf"\b[Ff]rom {_MONTH} to {_MONTH},? {_YEAR_REF}", "month_range"),
    (rf"\b[Bb]etween {_MONTH} and {_MONTH},? {_YEAR_REF}", "month_range"),
    (r"\b(?:in|during|for) ([12][0-9]{3})\b(?! ?[-–]| to )", "year"),
    (r"\b(?:in|during) ([12][0-9]{3})[-–]([12][0-9]{3})\b", "years"),
    (r"\bon the ([0-9]{1,2})(?:st|nd|rd|th)\b", "day"),
    (r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b", "weekday"),
    (r"\b(?:in |during |for )?last year\b", "last_year"),
    (r"\bover the (?:past|last) (?:[0-9]+|\w+) (?:years|months)\b", "past"),
    (rf"\bfor {_N} consecutive years\b", "consecutive"),
    (r"\b(?:has|have) long been\b", "consecutive"),
    (
        r"\bafter (?:it|they|the \w+) (?:is|are) (?:fully )?completed(?: and put into (?:production|operation|use))?",
        "text",
    ),
    (r"\b(?:so far |up to now |to date )?this year\b", "text"),
    # "since 2021" ends a clause or opens one ("Since 2021 the park ..."): "since 2021 units" is no date
    (
        r"\bsince ((?:19|20|21)[0-9]{2})\b(?=\s*(?:[,.;:!?)]|$|(?:the|it|its|they|their|we|he|she|this|these|there|"
        r"a|an|and|when|as|has|have|had|our|my|his|her|its|many|more)\b|(?-i:[A-Z])))",
        "since",
    ),
    # "by 2027" ends a clause or goes on with a conjunction: "grew by 2000 tonnes" is no date
    (r"\bby (?:the end of )?((?:19|20|21)[0-9]{2})\b(?=\s*(?:[,.;:!?)]|$|and\b|or\b|when\b|at the latest\b))", "by"),
]
#: kinds of period words that hold for their own sentence only, never for the sentences after them
NOT_CARRIED = frozenset({"since", "by"})
_PERIODS = [(re.compile(p, re.IGNORECASE), k) for p, k in PERIODS]


@dataclass(frozen=True)
class Period:
    span: Span
    start: dt.date | None
    end: dt.date | None
    stated: bool  # the year is in the words themselves (else the publication date resolved it)
    kind: str = "text"  # which words: first_months, year, since, by, ... (PERIODS)

    @property
    def ahead(self) -> bool:
        """A target date ("by 2027"): the figure looks ahead, its period may end after publication."""
        return self.kind == "by"

    @property
    def period_type(self) -> str | None:
        """The period_type the words settle, or None."""
        if self.end is None:
            return None
        if self.kind in ("by", "consecutive"):
            return "on_or_before"
        if self.kind == "past":
            return "to_date"
        if self.kind == "end_of":
            return "as_at"
        return "as_at" if self.start == self.end else "period" if self.start else None


def _year(ref: str, published: dt.date | None) -> tuple[int | None, bool]:
    if ref.isdigit():
        return int(ref), True
    if published is None:
        return None, False
    return published.year - (1 if ref == "last year" else 0), False


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _resolve(kind: str, m: re.Match, published: dt.date | None) -> tuple[dt.date | None, dt.date | None, bool]:
    start = end = None
    stated = False
    try:
        if kind == "first_months":
            n = _NUMBER_WORDS.get(m.group(1).lower()) or int(m.group(1))
            year, stated = _year(m.group(2).lower(), published)
            if year and 1 <= n <= 12:
                start, end = dt.date(year, 1, 1), _last_day(year, n)
        elif kind == "first_quarters":
            n = _NUMBER_WORDS.get(m.group(1).lower()) or int(m.group(1))
            year, stated = _year(m.group(2).lower(), published)
            if year and 1 <= n <= 4:
                start, end = dt.date(year, 1, 1), _last_day(year, 3 * n)
        elif kind == "end_of":
            # "at the end of 2024": a state as at the year's last day (after the text's date: words only)
            end, stated = dt.date(int(m.group(1)), 12, 31), True
        elif kind == "first_part":
            year, stated = _year(m.group(2).lower(), published)
            if year:
                start, end = dt.date(year, 1, 1), _last_day(year, 6 if m.group(1) == "half" else 3)
        elif kind == "month_range":
            year, stated = _year(m.group(3).lower(), published)
            a, b = _MONTHS[m.group(1).lower()], _MONTHS[m.group(2).lower()]
            if year and a <= b:
                start, end = dt.date(year, a, 1), _last_day(year, b)
        elif kind == "year":
            year, stated = int(m.group(1)), True
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif kind == "years":
            a, b = int(m.group(1)), int(m.group(2))
            stated = True
            if a <= b:
                start, end = dt.date(a, 1, 1), dt.date(b, 12, 31)
        elif kind == "weekday" and published is not None:
            # "opened on Monday": the last such day up to the text's date (a guess: the week is not said)
            wanted = list(calendar.day_name).index(m.group(1).capitalize())
            start = end = published - dt.timedelta(days=(published.weekday() - wanted) % 7)
        elif kind == "day" and published is not None:
            start = end = published.replace(day=int(m.group(1)))
        elif kind == "since":
            # "since 2021": from the start of the year stated to the text's own date
            stated = False
            if published is not None and int(m.group(1)) <= published.year:
                start, end = dt.date(int(m.group(1)), 1, 1), published
        elif kind == "by":
            # "by 2027": no later than the end of that year; a target may lie after publication
            year = int(m.group(1))
            stated = True
            end = dt.date(year, 12, 31)
            return None, end, stated
        elif kind in ("past", "consecutive") and published is not None:
            # "over the past 20 years", "for three consecutive years": up to the text's own date, from
            # a start the words do not fix
            return None, published, False
        elif kind == "last_year" and published is not None:
            start, end = dt.date(published.year - 1, 1, 1), dt.date(published.year - 1, 12, 31)
    except ValueError:  # "on the 31st" of a 30-day month: the words stay, no dates
        start = end = None
    if published is not None and end is not None and end > published:
        start = end = None  # never a period the text could not have reported yet
    return start, end, stated


def find_periods(text: str, sentence: Span, published: dt.date | None) -> list[Period]:
    """The period words of a sentence, in order, each with its dates where the words and the
    publication date fix them. A period that would end after the publication date keeps its words only."""
    body = text[sentence.start : sentence.end]
    found: list[Period] = []
    for pattern, kind in _PERIODS:
        for m in pattern.finditer(body):
            a, b = sentence.start + m.start(), sentence.start + m.end()
            if any(p.span.start < b and a < p.span.end for p in found):
                continue
            lead = len(m.group()) - len(m.group().lstrip())
            start, end, stated = _resolve(kind, m, published)
            found.append(Period(Span(a + lead, b, m.group().strip()), start, end, stated, kind))
    return sorted(found, key=lambda p: p.span.start)

"""`zonedata draft`: candidate rows for a stored source text, for a curator to complete.

What the text states mechanically is drafted: one `statistics` row per number mention, read by
the number grammar (value as written, value, scale, unit, qualifier), with the period words of
its sentence resolved against the publication date where they can be, and a `citations` row
quoting the clause that states it; candidate parks, zones, projects, events and organisations
from their names, each with the sentence that names it; the mentions that look like dates,
page furniture or slogans as candidate coverage exclusions. Everything a reading needs
judgement for (ids, subject, indicator, label, basis and any other required field) is left as
a draft marker (`markers.FILL`) that `zonedata validate` reports, cell by cell, until filled.

Nothing here writes into data/raw: the draft is a separate file the curator copies from.
Mentions and names already accounted for (recorded or excluded, as `zonedata coverage` sees
them) are skipped, so a finished source drafts nothing new. Columns come from the schemas, so
the draft follows the tables as they are.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from zonedata.base.findings import ConfigError
from zonedata.base.paths import SOURCES_TABLE, Paths
from zonedata.base.vocabulary import NamePattern
from zonedata.checks.coverage import coverage
from zonedata.checks.markers import FILL, id_marker
from zonedata.checks.provenance import (
    SUPERLATIVES,  # the superlatives validate reads as rank 1
)
from zonedata.curate.addsource import atomic_write
from zonedata.loading.dataset import Dataset, confinement_findings, load_dataset
from zonedata.loading.exclusions import exclusions_schema
from zonedata.loading.schema import load_schema
from zonedata.loading.seeds import load_texts
from zonedata.loading.tables import parse_table
from zonedata.text.normalise import SourceText, normalise
from zonedata.text.sentences import (
    Span,
    clauses,
    find_sentences,
    sentence_at,
    sentences,
)

STATISTICS, CITATIONS = "statistics", "citations"
#: the draft's tables, in the order they are written; a table without a schema is drafted as names only
NAME_TABLES = ("parks", "projects", "events", "regions", "organisations")
#: the tag of each table's draft ids: FILL:stat-1, FILL:park-1, ...
TAGS = {
    "statistics": "stat-",
    "parks": "park-",
    "projects": "project-",
    "events": "event-",
    "regions": "region-",
    "organisations": "organisation-",
}

# --------------------------------------------------------------------------- statistics

#: a superlative after a determiner ("the largest", "China's largest"), or "closest to"
_SUPERLATIVE = re.compile(
    r"(?:\b(?:the|[Ii]ts|[Tt]heir)\s|['’]s\s|\b(?=closest to\b))(" + "|".join(SUPERLATIVES) + r")\b"
)
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
    (rf"\b[Ff]rom {_MONTH} to {_MONTH},? {_YEAR_REF}", "month_range"),
    (rf"\b[Bb]etween {_MONTH} and {_MONTH},? {_YEAR_REF}", "month_range"),
    (r"\b(?:in|during|for) ([12][0-9]{3})\b(?! ?[-–]| to )", "year"),
    (r"\b(?:in|during) ([12][0-9]{3})[-–]([12][0-9]{3})\b", "years"),
    (r"\bon the ([0-9]{1,2})(?:st|nd|rd|th)\b", "day"),
    (r"\b(?:in |during |for )?last year\b", "last_year"),
    (r"\bover the (?:past|last) (?:[0-9]+|\w+) (?:years|months)\b", "text"),
    (r"\b(?:so far |up to now |to date )?this year\b", "text"),
    (r"\bsince ([12][0-9]{3})\b", "text"),
]
_PERIODS = [(re.compile(p, re.IGNORECASE), k) for p, k in PERIODS]


@dataclass(frozen=True)
class Period:
    span: Span
    start: dt.date | None
    end: dt.date | None
    stated: bool  # the year is in the words themselves (else the publication date resolved it)


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
        elif kind == "day" and published is not None:
            start = end = published.replace(day=int(m.group(1)))
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
            found.append(Period(Span(a + lead, b, m.group().strip()), start, end, stated))
    return sorted(found, key=lambda p: p.span.start)


# --------------------------------------------------------------------------- names


@dataclass(frozen=True)
class Heads:
    """The dataset's name patterns (metadata/vocabulary/names.csv) as the name passes use them: the last
    word of a name -> the table its candidate goes to; heads that name a thing in lower case too ("the ...
    offshore wind power demonstration project"); first words that send a name to their table ("Guideline
    on ...")."""

    table: dict[str, str]
    lower: frozenset[str]
    leads: dict[str, str]

    @classmethod
    def of(cls, patterns: Iterable[NamePattern]) -> Heads:
        patterns = list(patterns)
        return cls(
            {p.head: p.table for p in patterns},
            frozenset(p.head for p in patterns if p.lower_case),
            {p.head: p.table for p in patterns if p.leads},
        )


CONNECTORS = frozenset({"and", "of", "for", "on", "the", "&", "–", "-", "—", "de"})
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "this", "these"})
_OPEN, _CLOSE = "“\"‘'(", "”\"’')"
_BREAK = ",;:.!?"
MAX_NAME_WORDS = 25
#: words that end a name read backwards from its head ("... Park is the third international park")
VERBS = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "be",
        "been",
        "will",
        "would",
        "can",
        "shows",
        "said",
        "says",
        "reached",
        "became",
        "become",
        "build",
        "built",
        "explored",
        "chose",
    }
)


@dataclass
class _Word:
    start: int
    end: int  # the word without its trailing punctuation
    core: str  # without quotes, brackets and trailing punctuation
    breaks: bool  # a comma, full stop or the like follows it


def _words(text: str, span: Span) -> list[_Word]:
    out = []
    for m in re.finditer(r"\S+", text[span.start : span.end]):
        raw = m.group()
        a = span.start + m.start()
        stripped = raw.rstrip(_BREAK + _CLOSE)
        if "(" in stripped and raw[len(stripped) :].startswith(")"):
            stripped += ")"  # "(CEPA)" keeps its closing bracket
        low = stripped.lower()
        if low in ("co", "ltd", "inc") and raw[len(stripped) :].startswith("."):
            stripped += "."  # "Co., Ltd." keeps its stops
        breaks = any(c in _BREAK for c in raw[len(stripped) :])
        if low == "co" and raw.lower().startswith("co.,"):
            breaks = False  # "Co., Ltd."
        core = stripped if stripped.startswith("(") else stripped.strip(_OPEN + _CLOSE)
        out.append(_Word(a, a + len(stripped), core, breaks))
    return out


def _capitalised(w: _Word) -> bool:
    c = w.core.lstrip("(")
    return bool(c) and (c[0].isupper() or c[0].isdigit())


def _head(w: _Word, heads: Heads) -> str | None:
    core = w.core.strip("()").lower().rstrip(".")
    return core if core in heads.table else None


def _table_of(words: list[_Word], heads: Heads) -> str:
    """The table a name goes to, by its head: the last head word before an "of" ("Experience Sharing of
    Industrial Parks" is an event, "Freeport Area of Bataan" a park), else its last head word."""
    first = words[0].core.lower()
    if first in heads.leads:
        return heads.leads[first]
    of = next((i for i, w in enumerate(words) if w.core.lower() in ("of", "for") and i), len(words))
    for part in (words[:of], words):
        for w in reversed(part):
            h = _head(w, heads)
            if h is not None:
                return heads.table[h]
    return "parks"


@dataclass(frozen=True)
class NameCandidate:
    table: str
    name: str
    start: int
    end: int
    sentence: Span


def _name(text: str, words: list[_Word], s: int, e: int) -> tuple[int, int, str] | None:
    """The stored name from word s to word e (a bracketed abbreviation after e joins it)."""
    if e + 1 < len(words) and re.fullmatch(r"\([A-Z][A-Za-z]*\)", words[e + 1].core) and not words[e].breaks:
        e += 1
    a, b = words[s].start, words[e].end
    while a < b and text[a] in _OPEN and not (text[a] == "(" and ")" in text[a:b]):
        a += 1
    name = text[a:b]
    # a quote that opens inside the name and does not close in it belongs outside
    for o, c in (("“", "”"), ("‘", "’")):
        if name.count(o) != name.count(c):
            return None
    if name.count('"') % 2:
        return None
    return (a, b, name) if len(name.split()) >= 2 else None


def name_candidates(text: str, spans: list[Span], patterns: Iterable[NamePattern]) -> list[NameCandidate]:
    """Names ending in a head word ("... Industrial Park", "... Cooperation Zone", "... project",
    "... Expo", "... Group"): capitalised runs, the words after a determiner up to a lower-case head,
    and quoted titles holding a head (the head words are the dataset's name `patterns`). Each (table,
    name) once, at its first occurrence."""
    heads = Heads.of(patterns)
    found: dict[tuple[str, str], NameCandidate] = {}

    def add(sentence: Span, ws: list[_Word], s: int, e: int) -> None:
        if e - s + 1 > MAX_NAME_WORDS:
            return
        got = _name(text, ws, s, e)
        if got is None:
            return
        a, b, name = got
        table = _table_of(ws[s : e + 1], heads)
        key = (table, normalise(name).lower())
        if key not in found:
            found[key] = NameCandidate(table, name, a, b, sentence)
        short = re.fullmatch(r"(.+?) \([A-Z][A-Za-z]*\)", name)
        if short:  # "ASEAN-China Centre (ACC)" is also "ASEAN-China Centre"
            key = (table, normalise(short.group(1)).lower())
            found.setdefault(key, NameCandidate(table, short.group(1), a, a + len(short.group(1)), sentence))

    for sentence in spans:
        ws = _words(text, sentence)
        n = len(ws)
        # capitalised runs: capitalised words joined by connectors, up to a break
        i = 0
        while i < n:
            if not _capitalised(ws[i]) or ws[i].core.lower() in DETERMINERS:
                i += 1
                continue
            j = i
            while (
                j + 1 < n
                and not ws[j].breaks
                and (_capitalised(ws[j + 1]) or (ws[j + 1].core.lower() in CONNECTORS and j + 2 < n))
            ):
                j += 1
            while j > i and ws[j].core.lower() in CONNECTORS:
                j -= 1
            run = range(i, j + 1)
            starts = [i] + [k + 1 for k in run if ws[k].core.lower() in ("the", "a", "an", "of") and k + 1 <= j]
            starts += [
                k + 1 for k in run if k + 1 <= j and k in starts and re.fullmatch(r"[0-9]+(st|nd|rd|th)?", ws[k].core)
            ]
            for e in run:
                if _head(ws[e], heads) is None or not _capitalised(ws[e]):
                    continue
                for s in sorted(set(starts)):
                    if s > e or any(ws[k].core.lower() in ("the", "a", "an") for k in range(s, e + 1)):
                        continue
                    if ws[s].core.lower() in CONNECTORS:
                        continue
                    add(sentence, ws, s, e)
                # "Freeport Area of Bataan": a head followed by "of" and capitalised words
                # "Office of the Guangxi Zhuang Autonomous Region", "Council for the Promotion of International Trade"
                the = 1 if e + 3 <= j and ws[e + 2].core.lower() == "the" else 0
                if (
                    e + 2 + the <= j
                    and ws[e + 1].core.lower() in ("of", "for")
                    and _capitalised(ws[e + 2 + the])
                    and (not the or heads.table.get(_head(ws[e], heads) or "") == "organisations")
                ):
                    k = e + 2 + the
                    while k + 1 <= j and (
                        _capitalised(ws[k + 1])
                        or (ws[k + 1].core.lower() == "of" and k + 2 <= j and _capitalised(ws[k + 2]))
                    ):
                        k += 1
                    for s in sorted(set(starts)):
                        if s <= e and not any(ws[m].core.lower() in ("the", "a", "an") for m in range(s, e + 1)):
                            add(sentence, ws, s, k)
            i = j + 1
        # a head in any case after a determiner or a possessive ("the free trade pilot zone",
        # "Guangzhou's Nansha free trade area"): the nearest two such openings in the clause
        for e in range(n):
            h = _head(ws[e], heads)
            if h is None or (h not in heads.lower and not _capitalised(ws[e])):
                continue
            opened = []
            for k in range(e - 1, max(-1, e - MAX_NAME_WORDS - 1), -1):
                if ws[k].breaks:
                    break
                low = ws[k].core.lower()
                if low in DETERMINERS or low.endswith(("'s", "’s")):
                    opened.append(k + 1)
                    if len(opened) == 2:
                        break
            for s in opened:
                # a capitalised head is the capitalised run's: here only lower-case words may lead to it
                # ("the border Lingang Industrial Park"), never "construction of ... Zone"
                inner_ok = all(
                    ws[k].core.lower() not in DETERMINERS | VERBS
                    or (ws[k].core.lower() in ("the",) and k + 1 <= e and any(c.isupper() for c in ws[k + 1].core))
                    for k in range(s, e)
                )
                lower_only = not any(any(c.isupper() for c in ws[k].core) for k in range(s, e + 1))
                if lower_only and (e - s + 1 < 4 or any(ws[k].core.lower() in CONNECTORS for k in range(s, e + 1))):
                    continue  # "signed projects", "construction of projects": words, not a name
                if not _capitalised(ws[e]) and any(
                    re.search(r"[0-9]", ws[k].core) or (ws[k].core.islower() and ws[k].core.endswith("ed"))
                    for k in range(s, e)
                ):
                    continue  # "... Park signed 42 projects": a clause, not a name
                if (
                    s < e
                    and inner_ok
                    and (
                        not _capitalised(ws[e])
                        or all(
                            ws[k].core.lower() not in CONNECTORS | {"such", "as", "in", "to", "with"}
                            for k in range(s, e + 1)
                        )
                    )
                ):
                    add(sentence, ws, s, e)
        # the other items of a list in which one whole item is a name: "the execution of Promotion of
        # ASEAN-China Industrial Cooperation, Experience Sharing of Industrial Parks, and panel discussions on ..."
        items, begin = [], 0
        for k, w in enumerate(ws):
            if w.breaks or k == n - 1:
                items.append((begin, k))
                begin = k + 1
        whole = {
            (a, b)
            for a, b in items
            if any(
                c.start == ws[a + (ws[a].core.lower() in ("and", "or"))].start and c.end == ws[b].end
                for c in found.values()
            )
        }
        if whole:
            for idx, (a, b) in enumerate(items):
                if (a, b) in whole:
                    continue
                neighbour = any(items[j] in whole for j in (idx - 1, idx + 1) if 0 <= j < len(items))
                if not neighbour:
                    continue
                if ws[a].core.lower() in ("and", "or"):
                    a += 1
                elif idx + 1 < len(items) and items[idx + 1] in whole:  # the first item: its last capitalised run
                    k = b
                    while (
                        k > a
                        and (_capitalised(ws[k - 1]) or ws[k - 1].core.lower() in ("of", "and", "on", "for"))
                        and ws[k - 1].core.lower() not in DETERMINERS
                    ):
                        k -= 1
                    while k < b and ws[k].core.lower() in CONNECTORS:
                        k += 1
                    if not _capitalised(ws[k]):
                        continue
                    a = k
                else:
                    continue  # only the items before the last whole name and the one after "and"
                if not 3 <= b - a + 1 <= 12 or any(ws[k].core.lower() in VERBS for k in range(a, b + 1)):
                    continue
                table = next(
                    c.table
                    for c in found.values()
                    if any(c.start == ws[x].start or c.start == ws[x + 1].start for x, _ in whole if x + 1 < n)
                )
                got = _name(text, ws, a, b)
                if got is not None:
                    key = (table, normalise(got[2]).lower())
                    found.setdefault(key, NameCandidate(table, got[2], got[0], got[1], sentence))
        # quoted titles: “Joint Promotion ... Tour”
        body = text[sentence.start : sentence.end]
        for m in re.finditer(r"[“\"]([^”\"]{3,300})[”\"]", body):
            inner = m.group(1).strip()
            last = re.sub(r"[^\w]+$", "", inner.split()[-1]).lower() if inner.split() else ""
            if last in heads.table and inner[:1].isupper():
                a = sentence.start + m.start(1)
                key = (heads.table[last], normalise(inner).lower())
                if key not in found and len(inner.split()) >= 2:
                    found[key] = NameCandidate(heads.table[last], inner, a, a + len(inner), sentence)
    return sorted(found.values(), key=lambda c: (c.start, -c.end, c.table))


# --------------------------------------------------------------------------- the draft


@dataclass
class Draft:
    """Candidate rows by destination file (relative to the root), each a list of dicts in schema order."""

    source_id: str
    file: str
    columns: dict[str, list[str]] = field(default_factory=dict)  # destination -> header
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())

    def to_dict(self) -> dict:
        return {
            "source_id": self.source_id,
            "file": self.file,
            "notes": self.notes,
            "tables": {dest: {"columns": self.columns[dest], "rows": rows} for dest, rows in self.rows.items() if rows},
            "left_to_fill": self.left_to_fill(),
        }

    def left_to_fill(self) -> int:
        return sum(1 for rows in self.rows.values() for r in rows for v in r.values() if _is_marker(v))

    def to_text(self) -> str:
        """Sections of CSV, one per destination file: the header, then the candidate rows to append."""
        if self.empty:
            return ""
        out = io.StringIO()
        out.write(
            f"# zonedata draft of source {self.source_id} ({self.file}): candidates, not data.\n"
            f"# Delete the rows you do not accept; fill every cell that says {FILL} ({self.left_to_fill()} left:\n"
            f"# `zonedata validate` lists each one); give each record its id in place of FILL:xN, the same in\n"
            "# its citations; then append each section's rows (without its header) to the file it names.\n"
        )
        for note in self.notes:
            out.write(f"# {note}\n")
        for dest, rows in self.rows.items():
            if not rows:
                continue
            out.write(f"\n## {dest} ({len(rows)})\n")
            w = csv.DictWriter(out, fieldnames=self.columns[dest], lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
        return out.getvalue()


def _is_marker(value: str) -> bool:
    return value == FILL or value.startswith(FILL + ":")


def _row(schema, values: dict[str, str]) -> dict[str, str]:
    """A raw row of `schema` in its column order: the drafted values, FILL in every other required field."""
    return {f.name: values.get(f.name, FILL if f.required else "") for f in schema.raw_fields}


def _unit(mention, after: str) -> tuple[str, int]:
    """The schema unit of a mention and how many characters after it belong to value_text."""
    if mention.kind == "percent":
        unit = "%"
    elif mention.kind == "year":
        unit = "year"
    elif mention.kind == "ordinal":
        m = re.match(rf"[ \-]+({'|'.join(SUPERLATIVES)})\b", after)
        if m:
            return "rank", m.end()
        unit = "ordinal"
    elif mention.unit in ("$", "US$"):
        unit = "$"
    elif mention.unit is not None:
        unit = mention.unit
    elif re.match(r" (?:consecutive )?years?\b", after):
        unit = "years"
    else:
        unit = "count"
    return unit, 0


#: the kind of quantity that a unit alone decides (a rank is a rank); money, counts and areas need the curator
QUANTITY_KIND_OF_UNIT = {"rank": "rank", "ordinal": "rank", "year": "year", "years": "duration", "%": "rate"}


def _kinds(schema, unit: str, period: Period | None) -> dict[str, str]:
    """quantity_kind and period_type where the unit or the resolved period decides them, if the schema has them."""
    out = {}
    names = schema.raw_names if schema is not None else []

    def allowed(name: str, value: str) -> bool:
        return name in names and value in schema.field(name).constraints.get("enum", [value])

    kind = QUANTITY_KIND_OF_UNIT.get(unit)
    if kind and allowed("quantity_kind", kind):
        out["quantity_kind"] = kind
    if period is not None and period.end is not None:
        ptype = "as_at" if period.start == period.end else "period" if period.start else None
        if ptype and allowed("period_type", ptype):
            out["period_type"] = ptype
    return out


def _value(mention) -> str:
    digits = mention.number_text.replace(",", "")
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", digits):
        return digits
    return format(mention.number, "f")


def _exclusion_reason(text: str, mention, sentence: Span, names: list[NameCandidate]) -> tuple[str, str] | None:
    """(phrase, reason) when a mention looks like something other than a figure, else None."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    line_end = text.find("\n", mention.end)
    line = text[line_start : len(text) if line_end < 0 else line_end].strip()
    if mention.kind in ("date", "time"):
        if len(line.split()) <= 8:
            return line, "candidate: a date or time line (page header, dateline): record it in the sources row, or keep"
        return mention.text, "candidate: a date or time, not a figure (dates go in date fields of the record they date)"
    if len(line.split()) <= 6 and not re.search(r"[.!?]$", line):
        return line, "candidate: page furniture (a short line that is not a sentence: header, footer, pagination)"
    next_chars = text[mention.end : mention.end + 2].strip()
    for n in names:
        if n.start <= mention.start and mention.end <= n.end and mention.end < n.end and next_chars[:1].isupper():
            return n.name, f"candidate: part of the name '{n.name}', not a figure"
    body = text[sentence.start : sentence.end]
    rel = mention.start - sentence.start
    for m in re.finditer(r"[“\"]([^”\"]{1,80})[”\"]", body):
        if m.start(1) <= rel < m.end(1) and len(m.group(1).split()) <= 10 and mention.unit is None:
            return m.group(1), "candidate: a quoted phrase (a slogan or a name), not a measured figure"
    before = text[max(sentence.start, mention.start - 12) : mention.start].lower()
    if mention.kind == "cardinal" and mention.unit is None and mention.number_text.isalpha():
        # the mention and the word after it ("the two countries", "one family"; "one of the")
        follow = re.match(
            r"[\w\-]+(?: the\b)?" if text[mention.end + 1 : mention.end + 4] == "of " else r"[\w\-]+",
            text[mention.end + 1 : sentence.end],
        )
        tail = (" " + follow.group()) if follow and text[mention.end : mention.end + 1] == " " else ""
        if mention.number_text.lower() == "two" and re.search(r"\bthe\s+$", before):
            phrase = re.search(r"\bthe\s+$", before)
            assert phrase is not None  # searched for just above
            start = mention.start - (len(before) - phrase.start())
            return text[start : mention.end] + tail, "candidate: refers to things the text names, not a figure"
        if mention.number_text.lower() == "one":
            return text[
                mention.start : mention.end
            ] + tail, "candidate: 'one' as a word (one of, one country), not a figure"
    return None


def draft(root: Path | str, source_id: str, *, skip_recorded: bool = True, ds: Dataset | None = None) -> Draft:
    """The draft of one stored source: candidate rows for what the text states, nothing accepted.

    With `skip_recorded` (the default), mentions that coverage finds recorded or excluded and names
    that a record already holds are left out. Raises ConfigError for an unknown source."""
    root = Path(root)
    ds = ds if ds is not None else _load(root)
    texts = ds.texts
    if source_id not in texts:
        known = ", ".join(sorted(texts)) or "none"
        raise ConfigError(
            f"no stored text for source {source_id!r} (the sources with a text: {known}); "
            "add it with `zonedata add-source`"
        )
    text = texts[source_id]
    src = ds.tables.get("sources")
    meta: dict = {}
    if src is not None and not src.lacks("source_id"):
        rows = src.strings.filter(src.strings["source_id"] == source_id).to_dicts()
        meta = rows[0] if rows else {}
    published = None
    try:
        published = dt.date.fromisoformat(meta.get("date_published") or "")
    except ValueError:
        pass
    external = meta.get("external_fields") or ""
    basis_of_date = "external" if "date_published" in external else "dateline"
    out = Draft(source_id, f"seeds/{meta.get('file') or ''}")
    if published is None:
        out.notes.append("the source has no date_published: relative periods ('this year') are left unresolved")

    spans = sentences(text)
    names = name_candidates(text, spans, ds.vocabulary.names)
    mentions = ds.grammar.parse_mentions(text)
    accounted: set[int] = set()
    excluded_spans: list[tuple[str, int, int]] = []
    if skip_recorded:
        cov = coverage(root, ds)
        excluded_spans = cov.exclusions.select("source_id", "start", "end").rows()
        done = cov.mentions.filter((cov.mentions["source_id"] == source_id) & (cov.mentions["status"] != "unaccounted"))
        accounted = set(done["start"].to_list())
    normalised = SourceText(text)

    def unique_quote(span: Span, sentence: Span) -> Span:
        """The clause, or its sentence when the clause is not unique in the text."""
        for cand in (span, sentence):
            q = normalise(cand.text or text[cand.start : cand.end])
            first = normalised.normalised.find(q)
            if first >= 0 and normalised.normalised.find(q, first + 1) < 0:
                return Span(cand.start, cand.end, text[cand.start : cand.end])
        return Span(sentence.start, sentence.end, text[sentence.start : sentence.end])

    stats_schema = ds.schemas.get(STATISTICS)
    cites_schema = ds.schemas.get(CITATIONS)
    cite_tables = (
        set(cites_schema.field("record_table").constraints.get("enum", []))
        if cites_schema and "record_table" in cites_schema.raw_names
        else set()
    )
    dest_cites = ds.file(CITATIONS)
    dest_excl = ds.paths.rel(ds.paths.coverage_exclusions)
    for dest, schema in (
        (ds.file(STATISTICS), stats_schema),
        *((ds.file(t), ds.schemas.get(t)) for t in NAME_TABLES),
        (dest_cites, cites_schema),
    ):
        if schema is not None:
            out.columns[dest] = schema.raw_names
            out.rows[dest] = []
    out.columns[dest_excl] = exclusions_schema(ds.paths).raw_names
    out.rows[dest_excl] = []

    def cite(table: str, rid: str, quote: Span) -> None:
        if cites_schema is None:
            return
        out.rows[dest_cites].append(
            _row(cites_schema, {"record_table": table, "record_id": rid, "source_id": source_id, "quote": quote.text})
        )

    # ---- statistics and exclusions
    basis_enum = (
        stats_schema.field("period_basis").constraints.get("enum", [])
        if stats_schema and "period_basis" in stats_schema.raw_names
        else []
    )
    excluded_phrases: set[str] = set()
    by_sentence: dict[int, list] = {}
    for mention in mentions:
        if mention.start in accounted:
            continue
        sentence = sentence_at(spans, mention.start, mention.end)
        if sentence is None:
            continue
        sentence = Span(sentence.start, sentence.end, text[sentence.start : sentence.end])
        why = _exclusion_reason(text, mention, sentence, names)
        if why is not None:
            phrase, reason = why
            key = normalise(phrase)
            if key and key not in excluded_phrases:
                excluded_phrases.add(key)
                out.rows[dest_excl].append({"source_id": source_id, "phrase": phrase, "reason": reason})
            continue
        by_sentence.setdefault(sentence.start, []).append((mention, sentence))
    rank_spans = _rank_spans(ds, source_id) if skip_recorded else {}
    n_stat = 0
    carry: tuple[Period, Span] | None = None  # the last period words of the paragraph, for the sentences after them
    for sentence in spans:
        if carry is not None and "\n" in text[carry[1].end : sentence.start]:
            carry = None  # a new paragraph
        periods = find_periods(text, sentence, published)
        group = by_sentence.get(sentence.start, [])
        inside = [m for m, _ in group if any(p.span.start <= m.start and m.end <= p.span.end for p in periods)]
        figures = [m for m, _ in group if m not in inside]
        usable = periods
        if not figures:  # the period words are the only numbers: draft them as figures themselves
            figures, usable = inside, []
        for mention in figures:
            unit, extra = _unit(mention, text[mention.end : sentence.end])
            value_text = text[mention.start : mention.end + extra]
            clause = next((c for c in clauses(text, sentence) if c.start <= mention.start < c.end), sentence)
            period, quote_span = None, clause
            if usable:
                period = min(
                    usable, key=lambda p: min(abs(p.span.start - mention.end), abs(mention.start - p.span.end))
                )
                if not (clause.start <= period.span.start and period.span.end <= clause.end):
                    quote_span = sentence
            elif carry is not None:
                period = carry[0]
                quote_span = Span(carry[1].start, sentence.end, "")
            quote = unique_quote(quote_span, sentence)
            n_stat += 1
            rid = id_marker(TAGS[STATISTICS], n_stat)
            values = {
                "statistic_id": rid,
                "value_text": value_text,
                "value": _value(mention),
                "scale": mention.scale_word or "",
                "unit": unit,
                "qualifier": mention.qualifier,
            }
            values.update(_kinds(stats_schema, unit, period))
            if period is not None:
                values["period_text"] = period.span.text
                if period.end is not None:
                    values["period_start"] = period.start.isoformat() if period.start else ""
                    values["period_end"] = period.end.isoformat()
                    pbasis = "stated" if period.stated else basis_of_date
                    if pbasis in basis_enum:
                        values["period_basis"] = pbasis
            if stats_schema is not None:
                out.rows[ds.file(STATISTICS)].append(_row(stats_schema, values))
                cite(STATISTICS, rid, quote)
        for m in _SUPERLATIVE.finditer(text, sentence.start, sentence.end):
            a, b = m.start(1), m.end(1)
            if (
                re.search(r"\bone of (?:the|its|their)\s*$", text[max(sentence.start, m.start() - 12) : m.start() + 4])
                or re.match(r"\s+(?:[a-z]+(?:ent|ive|able|ible|ful|al|ous|ic|ant|ed)\b|and\b|of\b)", text[b : b + 30])
                or any(qa <= a and b <= qb for qa, qb in rank_spans.get(m.group(1).lower(), ()))
            ):
                continue  # "one of the largest" is no rank; a rank already recorded is skipped
            clause = next((c for c in clauses(text, sentence) if c.start <= a < c.end), sentence)
            n_stat += 1
            rid = id_marker(TAGS[STATISTICS], n_stat)
            if stats_schema is not None:
                out.rows[ds.file(STATISTICS)].append(
                    _row(
                        stats_schema,
                        {
                            "statistic_id": rid,
                            "value_text": text[a:b],
                            "value": "1",
                            "scale": "",
                            "unit": "rank",
                            "qualifier": "exact",
                            **_kinds(stats_schema, "rank", None),
                        },
                    )
                )
                cite(STATISTICS, rid, unique_quote(clause, sentence))
        if periods and not group:
            # period words that open a paragraph ("From January to July this year, ...") hold for the
            # sentences after them that have none of their own
            carry = (periods[-1], sentence)
        elif group:
            carry = carry if not periods else None

    # ---- names
    recorded = _recorded_names(ds)
    recorded_spans = _spans_of(normalised, recorded)
    if skip_recorded:  # a phrase the curator excluded ("Two Countries, Twin Parks": a model, not a park)
        recorded_spans += [(a, b) for sid, a, b in excluded_spans if sid == source_id]
    written = _recorded_text(ds)
    counters: dict[str, int] = {}
    for cand in names:
        if skip_recorded and (
            normalise(cand.name).lower() in recorded
            or normalise(cand.name).lower() in written
            or any(a < cand.end and cand.start < b for a, b in recorded_spans)
        ):
            continue
        schema = ds.schemas.get(cand.table)
        sentence = Span(cand.sentence.start, cand.sentence.end, text[cand.sentence.start : cand.sentence.end])
        if schema is None:
            note = f"{cand.table} (no schemas/{cand.table}.json in this package: a name to note)"
            out.columns.setdefault(note, ["name", "quote"])
            out.rows.setdefault(note, []).append({"name": cand.name, "quote": sentence.text})
            continue
        counters[cand.table] = counters.get(cand.table, 0) + 1
        rid = id_marker(TAGS.get(cand.table, cand.table), counters[cand.table])
        pk = schema.primary_key[0] if len(schema.primary_key) == 1 else None
        values = {"name": cand.name}
        if pk:
            values[pk] = rid
        if "name_is_label" in schema.raw_names:
            values["name_is_label"] = "false"
        out.rows[ds.file(cand.table)].append(_row(schema, values))
        if cand.table in cite_tables and pk:
            cite(cand.table, rid, unique_quote(sentence, sentence))
    # the citations after the records they cite
    if dest_cites in out.rows:
        out.rows[dest_cites] = out.rows.pop(dest_cites)
    out.rows[dest_excl] = out.rows.pop(dest_excl)
    return out


def _texts(root: Path) -> dict[str, str]:
    """The stored texts alone: the sources table parsed without its Pandera checks (quote needs no more)."""
    paths = Paths(root)
    if not paths.schemas.is_dir():
        raise ConfigError(f"{root} has no schemas/ folder: is it a zonedata package? (pass --root)")
    escapes = confinement_findings(paths)
    if escapes:
        raise ConfigError("; ".join(f.message for f in escapes[:3]))
    table = parse_table(paths, load_schema(paths, SOURCES_TABLE))
    return load_texts(paths.seeds, table.strings, {})


def _load(root: Path):
    """The dataset, or a ConfigError when a path of the package leads out of it (nothing is read then)."""
    ds = load_dataset(root)
    if ds.refused:
        raise ConfigError("; ".join(f.message for f in ds.findings[:3]))
    return ds


def _rank_spans(ds, source_id: str) -> dict[str, list[tuple[int, int]]]:
    """value_text (lower case) -> stored quote spans in the source of the recorded rank statistics."""
    stats, located = ds.tables.get(STATISTICS), ds.located
    if stats is None or located is None or stats.lacks("statistic_id", "unit", "value_text"):
        return {}
    ranks = dict(stats.strings.filter(stats.strings["unit"] == "rank").select("statistic_id", "value_text").iter_rows())
    out: dict[str, list[tuple[int, int]]] = {}
    frame = located.frame.filter(
        (located.frame["record_table"] == STATISTICS) & (located.frame["source_id"] == source_id)
    )
    for rid, a, b in frame.select("record_id", "quote_start", "quote_end").iter_rows():
        if rid in ranks and a is not None:
            out.setdefault((ranks[rid] or "").lower(), []).append((a, b))
    return out


def _recorded_text(ds) -> str:
    """The text cells of every record that hold names (names, aliases, sponsors, organisers, publishers),
    normalised and lower-cased, one per line: a name written there is one the curator has seen."""
    cells: list[str] = []
    for name, table in ds.tables.items():
        frame = table.strings
        if name == CITATIONS:
            continue
        for col in frame.columns:
            # names, sponsors, organisers, publishers: not titles, labels, notes or words quoted from a text
            if col in ("title", "label", "notes", "note") or col.endswith("_text"):
                continue
            if frame[col].dtype == pl.String:
                cells.extend(v for v in frame[col].drop_nulls().to_list())
    return "\n".join(normalise(c).lower() for c in cells)


def _recorded_names(ds) -> set[str]:
    """Every name and alias a record holds, normalised and lower-cased."""
    names: set[str] = set()
    for table in ds.tables.values():
        frame = table.strings
        for col in ("name", "aliases"):
            if col in frame.columns:
                delimiter = table.schema.field(col).descriptor.get("delimiter", "; ")
                for v in frame[col].drop_nulls().to_list():
                    parts = (
                        [v]
                        if col == "name"
                        else [p.strip() for p in v.split(delimiter.strip() or delimiter) if p.strip()]
                    )
                    names.update(normalise(p).lower() for p in parts)
    return {n for n in names if n}


def _spans_of(src: SourceText, names: set[str]) -> list[tuple[int, int]]:
    """Stored spans of every occurrence of the recorded names in the text (case-insensitive)."""
    hay = src.normalised.lower()
    out = []
    for n in names:
        i = hay.find(n)
        while i >= 0:
            out.append(src.to_stored(i, i + len(n)))
            i = hay.find(n, i + 1)
    return out


# --------------------------------------------------------------------------- measured against the curated data


def measure(root: Path | str) -> dict:
    """How the draft of every stored source compares with what the curators recorded.

    A recorded statistic is found when a candidate of one of its sources has the same value, scale,
    unit and qualifier, a value_text that overlaps the recorded one, and a quote that contains the
    recorded value_text. A recorded park, project or event name (not a curator's label) is found when a
    candidate of any source has that name; the curators' labels are listed apart (`labels`), since no
    draft can find a name the text does not contain. Candidates that match nothing recorded are false ones."""
    root = Path(root)
    ds = _load(root)
    drafts = {sid: draft(root, sid, skip_recorded=False, ds=ds) for sid in sorted(ds.texts)}

    def num(v: str | None):
        try:
            return Decimal(v or "")
        except InvalidOperation:
            return None

    def key(r: dict) -> tuple:
        return (num(r.get("value")), r.get("scale") or "", r.get("unit") or "", r.get("qualifier") or "")

    stats_file, cites_file = ds.file(STATISTICS), ds.file(CITATIONS)
    candidates = []  # (source_id, key, value_text, quote)
    for sid, d in drafts.items():
        quotes = {c["record_id"]: c["quote"] for c in d.rows.get(cites_file, []) if c["record_table"] == STATISTICS}
        for r in d.rows.get(stats_file, []):
            candidates.append(
                (sid, key(r), normalise(r["value_text"]).lower(), normalise(quotes.get(r["statistic_id"], "")).lower())
            )
    cites, statistics = ds.tables[CITATIONS].strings, ds.tables[STATISTICS].strings
    sources_of: dict[str, set[str]] = {}
    for rt, rid, sid in cites.select("record_table", "record_id", "source_id").iter_rows():
        sources_of.setdefault(f"{rt}/{rid}", set()).add(sid)
    recorded = statistics.to_dicts()
    matched_candidates: set[int] = set()
    missed = []
    for r in recorded:
        vt = normalise(r["value_text"] or "").lower()
        hits = [
            i
            for i, (sid, k, cvt, quote) in enumerate(candidates)
            if sid in sources_of.get(f"statistics/{r['statistic_id']}", set())
            and k == key(r)
            and vt in quote
            and (cvt in vt or vt in cvt)
        ]
        matched_candidates.update(hits)
        if not hits:
            missed.append(r["statistic_id"])
    false = [f"{candidates[i][0]}: {candidates[i][2]}" for i in range(len(candidates)) if i not in matched_candidates]
    stats: dict[str, Any] = {
        "recorded": len(recorded),
        "found": len(recorded) - len(missed),
        "missed": missed,
        "candidates": len(candidates),
        "false_candidates": len(false),
        "false": false,
    }
    stats["recall"] = stats["found"] / stats["recorded"] if recorded else 1.0

    names_found = {
        normalise(r["name"]).lower()
        for d in drafts.values()
        for dest, rows in d.rows.items()
        for r in rows
        if "name" in r and dest != cites_file
    }
    all_recorded = _recorded_names(ds)
    names = {}
    for table in ("parks", "projects", "events", "organisations"):
        if table not in ds.tables:
            continue
        frame = ds.tables[table].strings
        # a curator's label ("China-ASEAN Industrial Cooperation Zone: Nanning area") is not in the text
        rows = frame.to_dicts()
        is_label = [
            (r.get("name_is_label") or "false").lower() == "true" or r.get("name_type") == "label" for r in rows
        ]
        wanted = [r["name"] for r, label in zip(rows, is_label) if not label]
        missing = [n for n in wanted if normalise(n).lower() not in names_found]
        names[table] = {
            "recorded": len(wanted),  # names verbatim in a text: what a draft can find
            "found": len(wanted) - len(missing),
            "missed": missing,
            # names the curators made (name_type label), not verbatim in any text: no draft can find them
            "labels": [r["name"] for r, label in zip(rows, is_label) if label],
        }
    n_candidates = len(names_found)  # distinct names, over all sources and tables
    false_names = sorted({n for n in names_found if n not in all_recorded})
    # exclusions: a curated one is proposed when a drafted phrase of its source overlaps it
    excl_file = ds.paths.rel(ds.paths.coverage_exclusions)
    curated = []
    if ds.paths.coverage_exclusions.exists():
        with ds.paths.coverage_exclusions.open(encoding="utf-8", newline="") as fh:
            curated = [(r.get("source_id"), normalise(r.get("phrase") or "").lower()) for r in csv.DictReader(fh)]
    proposed = [(sid, normalise(r["phrase"]).lower()) for sid, d in drafts.items() for r in d.rows.get(excl_file, [])]

    def overlaps(a: tuple, b: tuple) -> bool:
        return a[0] == b[0] and bool(a[1]) and bool(b[1]) and (a[1] in b[1] or b[1] in a[1])

    exclusions = {
        "recorded": len(curated),
        "found": sum(any(overlaps(c, p) for p in proposed) for c in curated),
        "candidates": len(proposed),
        "false_candidates": sum(not any(overlaps(c, p) for c in curated) for p in proposed),
    }
    return {
        "statistics": stats,
        "names": names,
        "exclusions": exclusions,
        "name_candidates": n_candidates,
        "false_name_candidates": len(false_names),
        "false_names": false_names,
    }


# --------------------------------------------------------------------------- quote and the draft file


def quote(root: Path | str, source_id: str, words: str) -> list[Span]:
    """The sentences of a stored source holding `words` (see `sentences.find_sentences`)."""
    if not normalise(words):
        raise ConfigError("give the words to look for")
    texts = _texts(Path(root))
    if source_id not in texts:
        raise ConfigError(
            f"no stored text for source {source_id!r} (the sources with a text: {', '.join(sorted(texts)) or 'none'})"
        )
    return find_sentences(texts[source_id], words)


#: folders of the package that a draft file may not go into (what curators and builds own)
PROTECTED = ("data", "seeds", "schemas", "metadata", "releases", "docs", "src", ".git")


def _is_draft(path: Path) -> bool:
    """Whether an existing file is an earlier draft (text or JSON), which a new draft may replace."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    return head.startswith((b"# zonedata draft", b'{\n  "source_id"')) or head == b""


def write_draft(root: Path | str, out: Path | str, body: str) -> str:
    """Write the draft atomically to `out`, which must be inside the package root and outside the
    folders the package owns (data/, seeds/, schemas/, ...). Returns the path relative to the root."""
    paths = Paths(Path(root))
    base = paths.root.resolve()
    target = (Path.cwd() / out).resolve() if not Path(out).is_absolute() else Path(out).resolve()
    try:
        rel = target.relative_to(base)
    except ValueError:
        raise ConfigError(f"--out {out}: the draft must go inside the package root {base}") from None
    if not rel.parts or rel.parts[0] in PROTECTED or target.is_dir() or any(p.startswith(".") for p in rel.parts):
        raise ConfigError(
            f"--out {out}: not into {rel.parts[0] if rel.parts else '.'} (the draft is never written "
            "into data/raw or the package's own folders): give a file such as draft-NNN.csv"
        )
    if target.exists() and not _is_draft(target):
        raise ConfigError(f"--out {out}: the file exists and is not a draft; a draft replaces only an earlier draft")
    if not target.parent.is_dir():
        raise ConfigError(f"--out {out}: folder {target.parent} does not exist")
    atomic_write(target, body.encode("utf-8"))
    return rel.as_posix()

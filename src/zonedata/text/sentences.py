"""Sentences and clauses of a stored source text, as code-point offsets into the stored text.

The texts are news releases laid out one paragraph (or one line of page furniture) per line, so
a line break always ends a sentence; inside a line a sentence ends at '.', '!' or '?' (with any
closing quote or bracket) before white space and a capital, a digit or an opening quote, unless
the word before the stop is an abbreviation ("Sept.", "Co.", "U.S."). That is all the texts
need: no sentence-splitting library (pysbd, nltk's punkt, spaCy) handles these texts better for
what zonedata does with a sentence, which is to quote it, so none is worth its dependencies.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from zonedata.text.normalise import SourceText, normalise

#: words that end with a full stop without ending a sentence (lower case, without the stop)
ABBREVIATIONS = frozenset(
    {
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "co",
        "corp",
        "inc",
        "ltd",
        "no",
        "nos",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "approx",
        "gov",
        "dept",
        "est",
        "fig",
        "vol",
        "pp",
    }
)
_STOP = re.compile(r"[.!?][\"”’')\]]*(?=[ \t\u00a0]+[\"“‘'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")


@dataclass(frozen=True)
class Span:
    """[start, end) in code points of the stored text, and the stored characters."""

    start: int
    end: int
    text: str


def _strip(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end]) if end > start else None


def sentences(text: str) -> list[Span]:
    """Every sentence of `text`, in order; a line break always ends one."""
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        begin = pos
        for m in _STOP.finditer(line):
            if m.group()[0] == ".":
                before = _WORD_BEFORE.search(line, 0, m.start())
                word = before.group(1).lower() if before else ""
                if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) or "." in word.rstrip("."):
                    continue  # "Sept. 16", "Co., Ltd.", "U.S. dollars", "Mr. Li"
            span = _strip(text, begin, pos + m.end())
            if span:
                out.append(span)
            begin = pos + m.end()
        span = _strip(text, begin, pos + len(line))
        if span:
            out.append(span)
        pos += len(line) + 1
    return out


def clauses(text: str, sentence: Span) -> list[Span]:
    """The clauses of a sentence: its parts between semicolons (a sentence without one is one clause)."""
    out, begin = [], sentence.start
    for i in range(sentence.start, sentence.end):
        if text[i] == ";":
            span = _strip(text, begin, i)
            if span:
                out.append(span)
            begin = i + 1
    span = _strip(text, begin, sentence.end)
    if span:
        out.append(span)
    return out


def sentence_at(spans: list[Span], start: int, end: int) -> Span | None:
    """The smallest run of consecutive spans covering [start, end), as one span (None if outside all)."""
    # spans are in order and do not overlap: both ends are found by bisection
    i = bisect.bisect_right(spans, start, key=lambda s: s.end)  # the first span ending after start
    j = bisect.bisect_left(spans, end, key=lambda s: s.start) - 1  # the last span starting before end
    if i >= len(spans) or j < 0 or spans[i].start > spans[j].start:
        return None
    return Span(spans[i].start, spans[j].end, "")


def find_sentences(text: str, words: str) -> list[Span]:
    """Each sentence (or run of sentences) of the stored `text` holding `words` after safe normalisation
    (the same as validate: NFC, quotes, dashes, spaces), exactly as stored, in order, each once."""
    needle = normalise(words)
    if not needle:
        return []
    src = SourceText(text)
    spans = sentences(text)
    found: list[Span] = []
    i = src.normalised.find(needle)
    while i >= 0:
        a, b = src.to_stored(i, i + len(needle))
        cover = sentence_at(spans, a, b)
        if cover is not None:
            span = Span(cover.start, cover.end, text[cover.start : cover.end])
            if not found or found[-1].start != span.start:
                found.append(span)
        i = src.normalised.find(needle, i + 1)
    return found

"""A number mention as a statistic: its unit, value, the kinds its unit decides, and the mentions
that look like something other than a figure (dates, page furniture, slogans, parts of names)."""

from __future__ import annotations

import re

from zonedata.checks.provenance import (
    SUPERLATIVES,  # the superlatives validate reads as rank 1
)
from zonedata.curate.draft.names import NameCandidate
from zonedata.curate.draft.periods import Period
from zonedata.text.sentences import Span

#: a superlative after a determiner ("the largest", "China's largest"), or "closest to"
_SUPERLATIVE = re.compile(
    r"(?:\b(?:the|[Ii]ts|[Tt]heir|[Oo]ur)\s|['’]s\s|\b(?=closest to\b))(" + "|".join(SUPERLATIVES) + r")\b"
)


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
    if period is not None:
        ptype = period.period_type
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

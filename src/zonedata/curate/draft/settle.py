"""What the words around a figure settle, and what they only suggest.

Each reader takes the stored text and a span (the figure's clause or sentence) and gives a value with
`settled` True when the words decide it ("expects" -> expected) and False when they only suggest it
("will" -> planned): a suggestion is written as a guess marker (`markers.guess`), which validate lists
until the curator confirms or changes it. Nothing is read from outside the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zonedata.text.sentences import Span


@dataclass(frozen=True)
class Reading:
    value: str
    settled: bool
    start: int = -1  # where the words that say it stand in the text (for a quoted field: -1 when not quoted)
    end: int = -1


# --------------------------------------------------------------------------- basis

#: (words, basis, settled, money only): the first that matches the figure's clause decides its basis
BASIS_WORDS = [
    (r"\bexpect(?:s|ed|ing)?\b|\bforecast(?:s|ed)?\b|\bprojected\b", "expected", True, False),
    # "plans to", "planned", "target": not "development plans" (a noun)
    (r"\bplans to\b|\bplanned\b|\bplanning to\b|\btarget(?:s|ed)?\b|\baims? to\b", "planned", True, False),
    (r"\bsigned contracts?\b|\bcontract(?:ed|ual)\b|\bcontract (?:value|investment)\b", "contracted", True, True),
    (r"\bsigned contracts?\b|\bcontract(?:ed|ual)\b", "contracted", False, False),
    (r"\bwill\b|\bis to\b|\bare to\b", "planned", False, False),
    # a figure told in the past tense suggests what happened (a guess: "signed" may still be a contract)
    (
        r"\b(?:reached|achieved|recorded|totall?ed|amounted|accounted|attracted|settled|hosted|numbered|grew|rose|"
        r"increased|exceeded|invested|completed|signed|opened|was|were|has been|have been|has grown|had)\b",
        "actual",
        False,
        False,
    ),
    (
        r"\b(?:remain(?:s|ed)?|covers?|ranks?|accounts?)\b",
        "actual",
        False,
        False,
    ),  # a state told as it is
]
_BASIS = [(re.compile(p, re.IGNORECASE), b, s, money) for p, b, s, money in BASIS_WORDS]
MONEY_UNITS = frozenset({"yuan", "RMB", "$", "US$"})


def basis(text: str, clause: Span, unit: str, at: int | None = None) -> Reading | None:
    """The basis the clause's words give a figure of `unit` standing at `at`; None when they say nothing of it.
    "signed contracts" settles the basis of an amount of money only: a count of signed projects is a guess.
    A clause whose words give two bases ("35 firms settled last year, and the park plans to expand to 6
    km2"): words of the first rank that stand before the figure (at `at`) or nearest it still decide; words
    that come only after it, past other basis words nearer it, do not, and the nearest words are a guess
    ("settled" -> actual for the 35 firms, not "plans to")."""
    body = text[clause.start : clause.end]
    found: list[Reading] = []
    for pattern, value, settled, money in _BASIS:
        if money and unit not in MONEY_UNITS:
            continue
        for m in pattern.finditer(body):
            a, b = clause.start + m.start(), clause.start + m.end()
            if not any(r.start < b and a < r.end for r in found):  # "signed" inside "signed contracts"
                found.append(Reading(value, settled, a, b))
                break
    if not found:
        return None
    first = found[0]
    if len({r.value for r in found}) == 1 or at is None:
        return first
    nearest = min(found, key=lambda r: min(abs(r.start - at), abs(r.end - at)))
    if first.start <= at or nearest.value == first.value:  # "plans to cover about 2,600 mu": "plans to" governs
        return first
    return Reading(nearest.value, False, nearest.start, nearest.end)


# --------------------------------------------------------------------------- attribution

#: who states the figures of a sentence, as written: "according to X", "statistics from X show", "X said"
ATTRIBUTION = [
    r"\b[Aa]ccording to (?:the )?(?P<who>[^,;.]+)",
    r"\b[Ss]tatistics (?:from|of|released by) (?:the )?(?P<who>[^,;.]+?) (?:show|showed|shows)\b",
    r"(?P<who>\b[A-Z][a-z]+(?: [A-Z][a-z]+){0,3})(?:, [^,;.]{3,120},)? (?:said|says|told)\b",
    r"\b(?:said|says) (?P<who>[A-Z][a-z]+(?: [A-Z][a-z]+){0,3})\b",
]
_ATTRIBUTION = [re.compile(p) for p in ATTRIBUTION]
#: a speaker written as a noun phrase in lower case, at the opening of a sentence or after a comma:
#: "the park's management committee said", "officials said", "a spokesperson for the zone says";
#: its words only suggest who states the figures (a guess), for no name settles it
_LOWER_SPEAKER = re.compile(
    r"(?:^\s*|(?<=, ))(?P<who>(?:(?:[Tt]he|[Aa]n?) )?[a-z][\w'’-]*"
    r"(?: (?:of|for|from|at)(?: the)? [A-Z][\w'’-]*(?: [A-Z][\w'’-]*)*| [a-z][\w'’-]*){0,6})"
    r" (?:said|says|stated)\b"
)
#: words that make the phrase before "said" no speaker ("it said", "which says", "the park was said")
_NOT_A_SPEAKER_WORD = frozenset(
    {"it", "he", "she", "they", "we", "i", "you", "this", "that", "these", "those", "which", "who", "there"}
    | {"is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "also", "and", "or"}
    | {"not", "as", "to", "in", "on", "by", "with", "what", "when", "where", "one", "some", "all"}
)
#: words that open a sentence and are no speaker ("The zone will ..., Wang Lin said" starts with "The")
_NOT_A_SPEAKER = frozenset({"The", "It", "This", "These", "They", "He", "She", "We", "In", "By", "On", "At"})


@dataclass(frozen=True)
class Attribution:
    text: str  # the words as written ("according to the Nanning Municipal Bureau of Commerce")
    who: str  # the name in them
    start: int
    end: int
    settled: bool = True  # False: a speaker written as words in lower case, which only suggest who it is


def attribution(text: str, sentence: Span) -> Attribution | None:
    """Who the sentence says states its figures, if it says so: a name settles it; a speaker written in
    lower case ("the park's management committee said") is read unsettled; a pronoun is no speaker."""
    body = text[sentence.start : sentence.end]
    for pattern in _ATTRIBUTION:
        m = pattern.search(body)
        if m and m.group("who").split()[0] not in _NOT_A_SPEAKER:
            a, b = sentence.start + m.start(), sentence.start + m.end()
            return Attribution(text[a:b], m.group("who").strip(), a, b)
    m = _LOWER_SPEAKER.search(body)
    if m and not _NOT_A_SPEAKER_WORD.intersection(w.lower() for w in m.group("who").split()):
        a, b = sentence.start + m.start("who"), sentence.start + m.end()
        return Attribution(text[a:b], m.group("who"), a, b, settled=False)
    return None


# --------------------------------------------------------------------------- growth and sessions

#: a growth rate: "an increase of 25% year-on-year", "up 12% year on year", "grew by 6% year-on-year"
#: (a list of rates, "an increase of 10% and 6% year-on-year", is read rate by rate)
_PCT_LIST = r"(?:[0-9]+(?:\.[0-9]+)?%\s*(?:,\s*(?:and\s+)?|and\s+))"
_GROWTH_BEFORE = re.compile(
    r"(?:\bincrease of|\bgrowth of|\brise of|\bup|\bgrew(?: by)?|\brose(?: by)?|\bincreased(?: by)?)\s+"
    + _PCT_LIST
    + r"*$",
    re.IGNORECASE,
)
_GROWTH_AFTER = re.compile(
    r"^(?:\s*(?:,\s*(?:and\s+)?|and\s+)[0-9]+(?:\.[0-9]+)?%)*"
    r"\s*(?:respectively,?\s*)?(?:year[- ]on[- ]year|yoy|y-o-y|(?:over|from|on) (?:the )?(?:previous|last|preceding) year)\b",
    re.IGNORECASE,
)


def is_yoy_growth(text: str, start: int, end: int) -> bool:
    """Whether the % figure at [start, end) is a year-on-year growth rate by the words around it."""
    return bool(_GROWTH_BEFORE.search(text[max(0, start - 60) : start]) and _GROWTH_AFTER.match(text[end : end + 60]))


_ORDINAL = re.compile(r"([0-9]{1,3})(?:st|nd|rd|th)")


def session_number(name: str) -> int | None:
    """The session number of an event named with an ordinal of its series ("3rd China-ASEAN Digital Forum")."""
    m = _ORDINAL.match(name)
    if not m or m.end() >= len(name) or name[m.end()] != " ":
        return None
    n = int(m.group(1))
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n % 100 not in (11, 12, 13) else 0, "th")
    return n if name[len(m.group(1)) : m.end()] == suffix else None

"""Candidate names of a text: runs ending in a head word ("... Industrial Park", "... Expo", "... Group"),
with the table each goes to by its head."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice

from zonedata.base.vocabulary import NamePattern
from zonedata.text.normalise import normalise
from zonedata.text.sentences import Span


@dataclass(frozen=True)
class Heads:
    """The dataset's name patterns (metadata/vocabulary/names.csv) as the name passes use them: the last
    word of a name -> the table its candidate goes to; heads that name a thing in lower case too ("the ...
    offshore wind power demonstration project"); lower-case heads that make a name with one word before
    them ("the opening ceremony"); first words that send a name to their table ("Guideline on ...")."""

    table: dict[str, str]
    lower: frozenset[str]
    short: frozenset[str]
    leads: dict[str, str]

    @classmethod
    def of(cls, patterns: Iterable[NamePattern]) -> Heads:
        patterns = list(patterns)
        return cls(
            {p.head: p.table for p in patterns},
            frozenset(p.head for p in patterns if p.lower_case),
            frozenset(p.head for p in patterns if p.short),
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
    return next(iter(heads.table.values()), "")  # no head word: the first table of the name patterns


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


Found = dict[tuple[str, str], NameCandidate]
Add = Callable[[Span, list[_Word], int, int], None]


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
        since = len(found)  # the candidates found from here on are this sentence's
        for one_pass in (_capitalised_runs, _determiner_heads, _list_items, _quoted_titles):
            one_pass(text, sentence, ws, found, add, since, heads)
    kept = _not_inside_longer(text, list(found.values()), heads)
    return sorted(kept, key=lambda c: (c.start, -c.end, c.table))


def _last_head(name: str, heads: Heads) -> str | None:
    for word in reversed(name.split()):
        core = word.strip(_OPEN + _CLOSE + _BREAK).lower()
        if core in heads.table:
            return core
    return None


def _occurrences(text: str, name: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", text)]


def _not_inside_longer(text: str, found: list[NameCandidate], heads: Heads) -> list[NameCandidate]:
    """The candidates less those that only stand inside a longer candidate with another head word: in
    "The 2nd China-ASEAN Port Logistics Forum", "China-ASEAN Port" is part of the forum's name, no port.
    One that also stands alone somewhere in the text is kept, and so is one inside words that end in a
    lower-case head ("the ... Agreement (RCEP) demonstration projects"), which describe, not name."""
    heads_of = {c.name: _last_head(c.name, heads) for c in found}
    # only a proper name swallows one: "the ... (RCEP) demonstration projects" is words about the RCEP
    proper = {c.name for c in found if c.name.split()[-1][:1].isupper()}
    spans: dict[str, list[tuple[int, int]]] = {}

    def at(name: str) -> list[tuple[int, int]]:
        if name not in spans:
            spans[name] = _occurrences(text, name)
        return spans[name]

    out = []
    for c in found:
        longer = [
            o.name
            for o in found
            if o.name in proper
            and len(o.name) > len(c.name)
            and c.name in o.name
            and heads_of[o.name] != heads_of[c.name]
        ]
        if longer:
            covers = [span for name in longer for span in at(name)]
            alone = [(a, b) for a, b in at(c.name) if not any(x <= a and b <= y for x, y in covers)]
            if at(c.name) and not alone:  # (a name not found as written again is kept: no evidence)
                continue
        out.append(c)
    return out


def _since(found: Found, since: int) -> list[NameCandidate]:
    """The candidates added to `found` after its first `since` ones, in the order they were added
    (a dict keeps insertion order; read from the end, so a long text is not read again per sentence)."""
    return list(islice(reversed(found.values()), len(found) - since))[::-1]


def _capitalised_runs(
    text: str, sentence: Span, ws: list[_Word], found: Found, add: Add, since: int, heads: Heads
) -> None:
    """Capitalised words joined by connectors up to a break, cut at each capitalised head word."""
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


def _determiner_heads(
    text: str, sentence: Span, ws: list[_Word], found: Found, add: Add, since: int, heads: Heads
) -> None:
    """A head in any case after a determiner or a possessive."""
    n = len(ws)
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
            shortest = 2 if h in heads.short else 4
            if lower_only and (e - s + 1 < shortest or any(ws[k].core.lower() in CONNECTORS for k in range(s, e + 1))):
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


def _list_items(text: str, sentence: Span, ws: list[_Word], found: Found, add: Add, since: int, heads: Heads) -> None:
    """The other items of a list in which one whole item is a name."""
    n = len(ws)
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
            for c in _since(found, since)
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
                for c in _since(found, since)
                if any(c.start == ws[x].start or c.start == ws[x + 1].start for x, _ in whole if x + 1 < n)
            )
            got = _name(text, ws, a, b)
            if got is not None:
                key = (table, normalise(got[2]).lower())
                found.setdefault(key, NameCandidate(table, got[2], got[0], got[1], sentence))


def _quoted_titles(
    text: str, sentence: Span, ws: list[_Word], found: Found, add: Add, since: int, heads: Heads
) -> None:
    """Quoted titles ending in a head word."""
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

"""Issue 19, "every published word that repeats the text is checked against it": names, period words,
whole words, publication dates and datelines, links between figures, and sources stored decomposed.

Each case is a variation of tests/corpus/base pinned to the rule, file, line and field it must be
reported at (the corpus contract of test_validate_corpus.py: validate reports it, the CLI exits 1
naming it, build refuses and writes nothing)."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from test_validate_corpus import CITES, PARKS, SEED_003, SOURCES, STATS, corpus_tests, replace
from zonedata.release.validate import validate
from zonedata.text.periods import PeriodWords, Point, read_period

QINZHOU = "China-Malaysia Qinzhou Industrial Park"


def _park_name(old: str, new: str):
    """parks.csv with the name cell `old` (right after its park_id) replaced by `new`."""
    return replace(PARKS, f"-park,{old},proper,", f"-park,{new},proper,")


#: (case, mutation, rule, file, line, field)
WORDS_BROKEN = [
    # a proper name is the text's own words: one the text never gives for this park is refused
    (
        "proper-name-not-in-quote",
        _park_name(QINZHOU, "China-Thailand Qinzhou Industrial Park"),
        "text-not-in-quote",
        PARKS,
        3,
        "name",
    ),
    # quoted words are whole words: "operation" is not in "Cooperation"
    (
        "status-word-inside-a-longer-word",
        replace(PARKS, "under_construction,is accelerating the construction of,", "under_construction,operation,"),
        "text-not-in-quote",
        PARKS,
        2,
        "status_text",
    ),
    # the period's dates agree with its words: "the first seven months of this year" (2024) end in July
    (
        "period-end-not-the-words-month",
        replace(STATS, "2024-01-01,2024-07-31,first seven", "2024-01-01,2024-06-30,first seven"),
        "period-words-disagree",
        STATS,
        6,
        "period_end",
    ),
    # "this year" is the year the source was published (003: 2024), not another
    (
        "period-this-year-is-another-year",
        replace(STATS, "2024-01-01,2024-07-31,first seven", "2023-01-01,2023-07-31,first seven"),
        "period-words-disagree",
        STATS,
        6,
        "period_start",
    ),
    # "on the 20th": the day the words state
    (
        "period-day-not-the-words-day",
        replace(STATS, "2024-08-20,2024-08-20,on the 20th", "2024-08-21,2024-08-21,on the 20th"),
        "period-words-disagree",
        STATS,
        5,
        "period_start",
    ),
]

test_words_broken_is_reported, test_words_cli_exits_1, test_words_build_refuses = corpus_tests(WORDS_BROKEN)


def test_a_label_need_not_be_in_a_quote(corpus_package):
    """A curator's label (name_type label) is not the text's words: no finding, whatever it says."""
    replace(PARKS, f"-park,{QINZHOU},proper,", "-park,Qinzhou park (label),label,")(corpus_package)
    report = validate(corpus_package, publication=False)
    assert not [f for f in report.findings if f.rule == "text-not-in-quote"], report.findings


def test_a_whole_word_at_either_end_of_the_quote_or_beside_punctuation_is_found(corpus_package):
    """Whole words end at the quote's ends, at spaces and at punctuation: "China-ASEAN" holds "ASEAN"."""
    replace(PARKS, "under_construction,is accelerating the construction of,", "under_construction,ASEAN,")(
        corpus_package
    )
    report = validate(corpus_package, publication=False)
    assert not [f for f in report.findings if f.rule == "text-not-in-quote"], report.findings


def _seed_003_decomposed(root: Path) -> None:
    """Seed 003 stored in NFD with one accented word, quoted composed (as typed): its hash updated."""
    seed = root / SEED_003
    before = seed.read_bytes()
    text = before.decode("utf-8")
    assert "including Nanning, Beihai" in text
    text = unicodedata.normalize("NFD", text.replace("including Nanning, Beihai", "including Nánning, Beihai", 1))
    seed.write_bytes(text.encode("utf-8"))
    replace(SOURCES, hashlib.sha256(before).hexdigest(), hashlib.sha256(text.encode("utf-8")).hexdigest())(root)
    replace(CITES, "including Nanning, Beihai", "including Nánning, Beihai")(root)


def test_a_source_stored_decomposed_is_quoted_as_typed(corpus_package):
    """Issue 19: NFC is part of the safe normalisation, so a composed quote is found in an NFD source and
    its stored offsets hold the decomposed passage."""
    _seed_003_decomposed(corpus_package)
    report = validate(corpus_package, publication=False)
    assert report.valid, [(f.rule, f.file, f.line, f.field, f.message) for f in report.errors]
    assert not [f for f in report.findings if f.file == CITES and f.line == 3], report.findings


def test_a_malformed_quoted_condition_is_a_schema_finding(corpus_package):
    """`quoted` is true, false or {"when": {"field": ..., "values": [...]}} naming a raw string field of the
    table and some of its values: anything else is schema-invalid (never a field silently unchecked)."""
    import json

    path = corpus_package / "schemas" / "parks.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    name = next(f for f in schema["fields"] if f["name"] == "name")
    for bad in (
        {"when": {"field": "no_such_field", "values": ["proper"]}},
        {"when": {"field": "name_type", "values": ["propper"]}},
        {"when": {"field": "name_type"}},
        "yes",
    ):
        name["quoted"] = bad
        path.write_text(json.dumps(schema), encoding="utf-8")
        report = validate(corpus_package, publication=False)
        hits = [f for f in report.findings if f.rule == "schema-invalid" and f.file == "schemas/parks.json"]
        assert hits and hits[0].field == "name", (bad, [(f.rule, f.file, f.message) for f in report.findings])


READINGS = [
    ("in 2016", PeriodWords(Point(2016), Point(2016))),
    ("first seven months of this year", PeriodWords(Point(0, True, 1), Point(0, True, 7))),
    ("From January to July this year", PeriodWords(Point(0, True, 1), Point(0, True, 7))),
    ("the first 7 months of 2024", PeriodWords(Point(2024, False, 1), Point(2024, False, 7))),
    ("since 2012", PeriodWords(Point(2012), None)),
    ("by 2025", PeriodWords(None, Point(2025))),
    ("last year", PeriodWords(Point(-1, True), Point(-1, True))),
    ("from 2015 to 2016", PeriodWords(Point(2015), Point(2016))),
    ("2015-2016", PeriodWords(Point(2015), Point(2016))),
    ("2015\u20132016", PeriodWords(Point(2015), Point(2016))),
    ("as of June 30, 2024", PeriodWords(None, Point(2024, False, 6, 30))),
    ("on 28 May 2024", PeriodWords(Point(2024, False, 5, 28), Point(2024, False, 5, 28))),
    ("in Sept. 2023", PeriodWords(Point(2023, False, 9), Point(2023, False, 9))),
    ("on the 20th", PeriodWords(Point(day=20), Point(day=20))),
    ("between March and May 2023", PeriodWords(Point(2023, False, 3), Point(2023, False, 5))),
]
#: words the reader does not read: they state nothing it could check, so they are never findings
UNREAD = [
    "over the past 20 years",
    "for three consecutive years",
    "has long been",
    "by the end of 2025",
    "in the first half of this year",
    "2015-16",
    "the 1990s",
    "in the 20th century",
    "in 2016's",
    "first thirteen months of this year",
    "in the year 2016",
    "Q1 2024",
    "",
]


def test_period_words_are_read_exactly():
    for text, want in READINGS:
        assert read_period(text) == want, text


def test_period_words_outside_the_grammar_are_not_read():
    for text in UNREAD:
        assert read_period(text) is None, text

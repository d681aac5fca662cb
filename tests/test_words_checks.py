"""Issue 19, "every published word that repeats the text is checked against it": names, period words,
whole words, publication dates and datelines, links between figures, and sources stored decomposed.

Each case is a variation of tests/corpus/base pinned to the rule, file, line and field it must be
reported at (the corpus contract of test_validate_corpus.py: validate reports it, the CLI exits 1
naming it, build refuses and writes nothing)."""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from pathlib import Path

from test_validate_corpus import CITES, PARKS, SEED_003, SOURCES, STATS, corpus_tests, replace
from zonedata.text.periods import PeriodWords, Point, read_period
from zonedata.validate import validate

QINZHOU = "China-Malaysia Qinzhou Industrial Park"
LINKS = "data/raw/statistic_links.csv"


def _link(statistic: str, relation: str, related: str, notes: str = ""):
    """statistic_links with one row (line 2), cited by the passage that cites `statistic` (so it is not uncited)."""

    def mutate(root: Path) -> None:
        path = root / LINKS
        header = path.read_text(encoding="utf-8").splitlines()[0]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(
            [header.split(","), ["link-0001", statistic, relation, related, notes]]
        )
        path.write_text(buf.getvalue(), encoding="utf-8")
        cites = root / CITES
        rows = list(csv.reader(io.StringIO(cites.read_text(encoding="utf-8"))))
        row = next(r for r in rows if r[:2] == ["statistics", statistic])
        rows.append(["statistic_links", "link-0001", *row[2:]])
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        cites.write_text(buf.getvalue(), encoding="utf-8")

    return mutate


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
    # a source's date: not in the future, and what its dateline says ("NANNING, China, Sept. 16, 2023")
    (
        "source-published-in-the-future",
        replace(SOURCES, ",2024-08-20,,,en,", ",2099-08-20,,,en,"),
        "source-date-future",
        SOURCES,
        3,
        "date_published",
    ),
    (
        "source-date-not-its-dateline",
        replace(SOURCES, ',2023-09-16,"Sept. 16, 2023",', ',2023-09-17,"Sept. 16, 2023",'),
        "source-date-contradicts-dateline",
        SOURCES,
        2,
        "date_published",
    ),
    (
        "source-date-words-not-in-its-text",
        replace(SOURCES, ',2023-09-16,"Sept. 16, 2023",', ',2023-09-16,"Sep 16, 2023",'),
        "text-not-in-quote",
        SOURCES,
        2,
        "date_published_text",
    ),
    # same_quantity: one quantity has one period and one kind (stat-0020 is a stock on the 20th, stat-0021 a
    # flow over seven months, though one sentence gives both)
    (
        "same-quantity-of-another-period",
        _link("stat-0020", "same_quantity", "stat-0021"),
        "link-period-mismatch",
        LINKS,
        2,
        "relation",
    ),
    # a link between figures from unrelated passages, without a word of why
    (
        "link-between-unrelated-passages",
        _link("stat-0008", "part_of", "stat-0011"),
        "link-unrelated-passages",
        LINKS,
        2,
        "notes",
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


def test_an_external_date_is_not_checked_against_a_dateline_the_text_lacks(corpus_package):
    """003 states no date (its date_published is external): another external date is not a dateline finding."""
    replace(SOURCES, ",2024-08-20,,,en,", ",2024-08-21,,,en,")(corpus_package)
    report = validate(corpus_package, publication=False)
    assert not [f for f in report.findings if f.rule.startswith("source-date")], report.findings


def test_the_dateline_wins_over_the_date_words(corpus_package):
    """Date words that agree with a wrong date_published do not hide a dateline that disagrees."""
    replace(SOURCES, ',2023-09-16,"Sept. 16, 2023",', ",2023-09-17,,")(corpus_package)
    report = validate(corpus_package, publication=False)
    hits = [f for f in report.findings if f.rule == "source-date-contradicts-dateline"]
    assert [(f.file, f.line, f.field, f.value) for f in hits] == [(SOURCES, 2, "date_published", "2023-09-17")]
    assert "dateline" in hits[0].message and "2023-09-16" in hits[0].message


def test_links_in_one_passage_or_explained_pass(corpus_package):
    """Figures one sentence gives together need no note; figures from unrelated passages may be linked with one."""
    _link("stat-0011", "same_quantity", "stat-0012")(
        corpus_package
    )  # (not one quantity, but one period, kind, sentence)
    report = validate(corpus_package, publication=False)
    assert not [f for f in report.findings if f.rule.startswith("link-")], report.findings


def test_an_explained_link_between_passages_passes(corpus_package):
    _link("stat-0008", "part_of", "stat-0011", "the park of 001's first paragraph is the Chinese park of its fifth")(
        corpus_package
    )
    report = validate(corpus_package, publication=False)
    assert not [f for f in report.findings if f.rule.startswith("link-")], report.findings


def test_a_malformed_linked_records_property_is_a_schema_finding(corpus_package):
    """linkedRecords names two foreign keys to one table, a kind field whose enum has the agree kinds, and
    fields that the linked table has: else schema-invalid at the schema, never a link left unchecked."""
    import json

    path = corpus_package / "schemas" / "statistic_links.json"
    good = json.loads(path.read_text(encoding="utf-8"))
    for edit in (
        lambda d: d.__setitem__("fields", ["statistic_id", "link_id"]),
        lambda d: d.__setitem__("agree", {"same_amount": ["period_start"]}),
        lambda d: d.__setitem__("agree", {"same_quantity": ["no_such_field"]}),
        lambda d: d.__setitem__("explainedBy", "nope"),
    ):
        schema = json.loads(json.dumps(good))
        edit(schema["linkedRecords"][0])
        path.write_text(json.dumps(schema), encoding="utf-8")
        report = validate(corpus_package, publication=False)
        assert any(f.rule == "schema-invalid" and f.file == "schemas/statistic_links.json" for f in report.findings), (
            schema["linkedRecords"],
            [(f.rule, f.file) for f in report.findings],
        )


def test_whole_words_in_every_script():
    """A word ends at a space or a sign; in scripts written without spaces (Chinese, Thai) at any character."""
    import polars as pl

    from zonedata.checks.quoted import _as_whole_words

    cases = [
        ("operation", "China-ASEAN Cooperation Zone", False),
        ("operation", "in operation.", True),
        ("ASEAN", "China-ASEAN Cooperation", True),
        ("park", "the parks and the park", True),  # the second occurrence is whole
        ("park", "the parks", False),
        ("café", "un cafés", False),
        ("café", "le café, ouvert", True),
        ("钦州", "中马钦州产业园", True),
        ("(ACC)", "Centre(ACC)", True),
        ("2016", "20160", False),
        ("aa", "aaa aa", True),
        ("aa", "aaaa", False),
    ]
    frame = pl.DataFrame(
        {
            "__row": list(range(len(cases))),
            "needle": [c[0] for c in cases],
            "quote_norm": [c[1] for c in cases],
        },
        schema={"__row": pl.UInt32, "needle": pl.String, "quote_norm": pl.String},
    )
    whole = set(_as_whole_words(frame)["__row"].to_list())
    assert {i for i, c in enumerate(cases) if c[2]} == whole, [cases[i] for i in whole]

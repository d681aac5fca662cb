"""A figure glued to letters or digits the grammar did not take into its mention ("US$5bnx", "5G", "1990s",
"2015May", "5,000th", "3rd5th", "RMB5a million yuan"): the search stops inside a word, so what it found is
not what the text says. Each such figure is read exactly or refused (kind unread, no value), never read as
the figure the search happened to stop at; and a mention is what the search matched, never more (a regex
read off the end of a piece alone once read "May 2015" where the search matched "2015", and a phantom
"a million yuan" in the unmatched tail of "RMB5a million yuan").

End to end: each case recorded the way validate wrongly accepted it, in a copy of the corpus package read
with the repository's vocabulary (`test_meaning_attack._package`), is refused with the rule and field.
"""

from __future__ import annotations

import pytest

from conftest import REPO, grammar_of
from test_meaning_attack import STATS, _attack, _package
from zonedata.validate import validate

GRAMMAR = grammar_of(REPO)


def readings(text: str) -> list[tuple]:
    return [
        (m.text, m.kind, None if m.value is None else str(m.value), m.unit, None if m.date is None else str(m.date))
        for m in GRAMMAR.parse_mentions(text)
    ]


U = "unread"

#: text -> every mention as (text, kind, value, unit, date): glued figures refused, the rest read exactly
READINGS = [
    # the three forms the search and the re-read disagreed on
    ("RMB5a million yuan", [("RMB5", U, None, None, None)]),
    ("May 2015x", [("2015", U, None, None, None)]),
    ("3rd5th", [("3", U, None, None, None), ("5th", U, None, None, None)]),
    # glued after
    ("US$5bnx", [("US$5", U, None, None, None)]),
    ("RMB5billionx", [("RMB5", U, None, None, None)]),
    ("5%x", [("5%", U, None, None, None)]),
    ("2015May", [("2015", U, None, None, None)]),
    ("5G networks", [("5", U, None, None, None)]),
    ("1990s", [("1990", U, None, None, None)]),
    ("5x growth", [("5", U, None, None, None)]),
    ("5kg", [("5", U, None, None, None)]),
    ("5,000th", [("5,000", U, None, None, None)]),
    ("2nd3", [("2", U, None, None, None), ("3", U, None, None, None)]),
    ("5e9 yuan", [("5", U, None, None, None), ("9 yuan", U, None, None, None)]),
    ("5%5", [("5%", U, None, None, None), ("5", U, None, None, None)]),
    ("1st5", [("1", U, None, None, None), ("5", U, None, None, None)]),
    ("2024Q3", [("2024", U, None, None, None), ("3", U, None, None, None)]),
    ("in 2015A", [("2015", U, None, None, None)]),
    ("5 millionth", [("5", U, None, None, None)]),
    ("5 billionx", [("5", U, None, None, None)]),
    ("5 thousandths", [("5", U, None, None, None)]),
    # read exactly
    ("RMB5.5billion", [("RMB5.5billion", "cardinal", "5500000000", "RMB", None)]),
    ("1,200mu", [("1,200mu", "cardinal", "1200", "mu", None)]),
    ("5yuan", [("5yuan", "cardinal", "5", "yuan", None)]),
    ("5 million-yuan", [("5 million-yuan", "cardinal", "5000000", "yuan", None)]),
    ("12 May 2015 2016", [("12 May 2015", "date", None, None, "2015-05-12"), ("2016", "year", "2016", None, None)]),
    ("May the 4th", [("4th", "ordinal", "4", None, None)]),
    ("May 2015.", [("May 2015", "date", None, None, None)]),
    ("RMB 5 billion yuan, 3rd and 2015.", [
        ("RMB 5 billion yuan", "cardinal", "5000000000", "RMB", None),
        ("3rd", "ordinal", "3", None, None),
        ("2015", "year", "2015", None, None),
    ]),
    # refused or not found at all
    ("3,4567", [("3,456", U, None, None, None), ("7", U, None, None, None)]),
    ("5.5.5", [("5.5", U, None, None, None), ("5", U, None, None, None)]),
    ("5 millions", [("5", U, None, None, None)]),
    ("a millionaire", []),
    ("a millionth", []),
    ("twentyfive", []),
    ("fivefold", []),
    ("x5", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), READINGS, ids=[r[0] for r in READINGS])
def test_a_glued_figure_is_read_exactly_or_refused(text, expected):
    assert readings(text) == expected


@pytest.mark.parametrize("text", ["RMB5a million yuan", "May 2015x", "3rd5th", "ab 12 May 2015x 5 yuan"])
def test_a_mention_is_what_the_search_matched(text):
    """Every mention is a match of the grammar's search at its offsets, in the vectorised frame as in
    parse_mentions (no mention is read in a text's unmatched tail, none reaches before its match)."""
    import polars as pl

    frame = GRAMMAR.mentions_frame(pl.Series([text, "x " + text]))
    for row in frame.iter_rows(named=True):
        source = [text, "x " + text][row["row"]]
        assert source[row["start"] : row["end"]] == row["text"]
    found = pl.Series([text]).str.extract_all(GRAMMAR.pattern).to_list()[0]
    read = iter(found)  # the mentions are matches of the search, in order (identifiers are dropped)
    assert all(m.text in read for m in GRAMMAR.parse_mentions(text))


#: (case, sentence, quote, value_text, value, scale, unit, qualifier as wrongly accepted, (rule, field) now)
CASES = [
    ("rmb-glued", "Investors put RMB5a million yuan in the fund.", "Investors put RMB5a million yuan in the fund.", "RMB5a", "5", "", "RMB", "exact", ("number-mismatch", "value")),
    ("date-glued", "Output was 33 billion yuan in May 2015x at the base.", "Output was 33 billion yuan in May 2015x at the base.", "33 billion yuan", "33", "billion", "yuan", "exact", ("text-not-in-quote", "period_text"),
     {"quantity_kind": "flow", "period_type": "period", "period_start": "2015-05-01", "period_end": "2015-05-31", "period_text": "May 2015", "period_basis": "stated"}),
    ("ordinal-glued", "The park ranks 3rd5th in the list.", "The park ranks 3rd5th in the list.", "3rd5th", "3", "", "count", "exact", ("number-mismatch", "value")),
    ("usd-glued", "Investors pledged US$5bnx to the park.", "Investors pledged US$5bnx to the park.", "US$5bnx", "5", "", "$", "exact", ("number-mismatch", "value")),
    ("5g", "The park has 5G networks everywhere.", "The park has 5G networks everywhere.", "5G", "5", "", "count", "exact", ("number-mismatch", "value")),
    ("decade", "The park grew in the 1990s quickly.", "The park grew in the 1990s quickly.", "1990s", "1990", "", "year", "exact", ("number-mismatch", "value")),
    ("millionth", "The park welcomed its 5 millionth visitor.", "The park welcomed its 5 millionth visitor.", "5 millionth", "5", "", "count", "exact", ("number-mismatch", "value")),
]  # fmt: skip


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    root = _package(tmp_path_factory.mktemp("glued"))
    lines = _attack(root, CASES)
    return lines, validate(root, publication=False)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_glued_figure_recorded_is_refused(attacked, case):
    lines, report = attacked
    hits = [(f.rule, f.field) for f in report.errors if f.file == STATS and f.line == lines[case[0]]]
    assert hits[:1] == [case[8]], hits


def test_the_glued_cases_add_no_other_error(attacked):
    lines, report = attacked
    others = [f.to_dict() for f in report.errors if not (f.file == STATS and f.line in lines.values())]
    assert others == []

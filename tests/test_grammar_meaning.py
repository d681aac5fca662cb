"""The grammar reads what the words say (issue 19): a figure written in a form the grammar has not seen is
read exactly or refused, never read as something else.

Each class of the attack is a figure in a short text of our own, added to a copy of the corpus package as
a new source, recorded the way the old grammar wrongly accepted it; validate must refuse it with the rule,
file, line and field. The property test at the end writes figures in many forms and asserts each is read
back exactly or refused.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO, add_source, grammar_of
from zonedata.validate import validate

GRAMMAR = grammar_of(REPO)
STATS = "data/raw/statistics.csv"

#: the sentences of the attack text (one per class), each a figure the old grammar misread
SENTENCES = {
    "sgd": "Singapore investors pledged S$5 billion to the park.",
    "ntd": "Taiwanese firms added NT$3 billion in the park.",
    "euro-sign": "A European fund gave €5 million to the zone.",
    "no-fewer": "The zone hosts no fewer than 10 firms.",
    "not-over": "The fair drew not over 5 delegations.",
    "minus": "Output changed by −5.2% in the first half.",
    "down": "Exports were down 5.2% last year.",
    "half": "The fund holds half a billion yuan.",
    "or-more": "The base will attract 5 billion yuan or more.",
    "plus": "The park created 5,000+ jobs.",
    "range": "The project will cost 5 to 6 billion yuan.",
    "decimal-comma": "The port handled 5,2 billion yuan of goods.",
    "spaced-thousands": "The park covers 1 200 mu of land.",
    "fraction": "The zone covers 1/3 of the county.",
    "times": "Trade grew 1.5 times over the decade.",
    "areas": "The zone includes seven areas.",
}


def _text() -> str:
    return " ".join(SENTENCES.values()) + "\n"


def _add_source(root: Path) -> str:
    add_source(root, "009", _text().encode("utf-8"), "An attack on the grammar")
    return "009"


def _add_figure(root: Path, sentence: str, value_text: str, value: str, scale: str, unit: str, qualifier: str) -> int:
    """A statistics row (a copy of the corpus's first, with this figure) citing `sentence`; its CSV line."""
    path = root / STATS
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, template = rows[0], dict(zip(rows[0], rows[1]))
    sid = f"stat-{9000 + len(rows)}"
    row = {
        **template,
        "statistic_id": sid,
        "value_text": value_text,
        "value": value,
        "scale": scale,
        "unit": unit,
        "qualifier": qualifier,
        "quantity_kind": "stock",
        "period_type": "none",
        "period_start": "",
        "period_end": "",
        "period_text": "",
        "period_basis": "",
        "notes": "",
    }
    with path.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow([row[h] for h in header])
    with (root / "data" / "raw" / "citations.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(["statistics", sid, "009", sentence, ""])
    return len(rows) + 1


#: (class, value_text, value, scale, unit, qualifier as the old grammar accepted it, field refused, words)
CASES = [
    ("sgd", "S$5 billion", "5", "billion", "$", "exact", "value", "does not read as one exact figure"),
    ("ntd", "NT$3 billion", "3", "billion", "$", "exact", "value", "does not read as one exact figure"),
    ("euro-sign", "€5 million", "5", "million", "count", "exact", "value", "does not read as one exact figure"),
    ("no-fewer", "no fewer than 10", "10", "", "count", "less_than", "qualifier", "at_least"),
    ("not-over", "over 5", "5", "", "count", "more_than", "value", "does not read as one exact figure"),
    ("minus", "5.2%", "5.2", "", "%", "exact", "value", "does not read as one exact figure"),
    ("down", "5.2%", "5.2", "", "%", "exact", "value", "does not read as one exact figure"),
    ("half", "a billion yuan", "1", "billion", "yuan", "exact", "value", "does not read as one exact figure"),
    ("or-more", "5 billion yuan or more", "5", "billion", "yuan", "exact", "qualifier", "at_least"),
    ("plus", "5,000", "5000", "", "count", "exact", "value", "does not read as one exact figure"),
    ("range", "6 billion yuan", "6", "billion", "yuan", "exact", "value", "does not read as one exact figure"),
    ("decimal-comma", "2 billion yuan", "2", "billion", "yuan", "exact", "value", "does not read as one exact figure"),
    ("spaced-thousands", "200 mu", "200", "", "mu", "exact", "value", "does not read as one exact figure"),
    ("fraction", "3", "3", "", "count", "exact", "value", "does not read as one exact figure"),
    ("times", "1.5", "1.5", "", "count", "exact", "value", "does not read as one exact figure"),
    ("areas", "seven areas", "7", "", "years", "exact", "unit", "not in unit 'years'"),
]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """One copy of the corpus package with the attack text and every misread figure recorded: validated once."""
    from conftest import CORPUS_BASE, copy_package

    root = copy_package(CORPUS_BASE, tmp_path_factory.mktemp("attack") / "pkg")
    _add_source(root)
    lines = {}
    for case, vt, value, scale, unit, qualifier, _field, _words in CASES:
        lines[case] = _add_figure(root, SENTENCES[case], vt, value, scale, unit, qualifier)
    return lines, validate(root, publication=False)


@pytest.mark.parametrize(
    ("case", "vt", "value", "scale", "unit", "qualifier", "field", "words"), CASES, ids=[c[0] for c in CASES]
)
def test_a_misread_figure_is_refused(attacked, case, vt, value, scale, unit, qualifier, field, words):
    lines, report = attacked
    hits = [f for f in report.findings if f.file == STATS and f.line == lines[case]]
    assert [(f.rule, f.field) for f in hits][:1] in (
        [("number-mismatch", field)],
        [("qualifier-mismatch", field)],
        [("unit-mismatch", field)],
    ), [f.to_dict() for f in hits]
    assert words in hits[0].message, hits[0].message


def test_the_attack_text_adds_no_other_error(attacked):
    lines, report = attacked
    others = [f for f in report.errors if not (f.file == STATS and f.line in lines.values())]
    assert others == [], [f.to_dict() for f in others]


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        # read exactly
        ("no fewer than 10", ("at_least", "10", None, None)),
        ("not fewer than 10", ("at_least", "10", None, None)),
        ("no less than 10", ("at_least", "10", None, None)),
        ("not more than 5", ("up_to", "5", None, None)),
        ("no more than 5", ("up_to", "5", None, None)),
        ("not exceeding 5", ("up_to", "5", None, None)),
        ("at most 5", ("up_to", "5", None, None)),
        ("up to 5", ("up_to", "5", None, None)),
        ("5 billion yuan or more", ("at_least", "5000000000", "yuan", "CNY")),
        ("5 billion yuan and above", ("at_least", "5000000000", "yuan", "CNY")),
        ("600 or so", ("about", "600", None, None)),
        ("5 per cent", ("exact", "5", "%", None)),
        ("5 percentage points", ("exact", "5", "percentage point", None)),
        ("US$5bn", ("exact", "5000000000", "$", "USD")),
        ("HK$ 5 million", ("exact", "5000000", "HK$", "HKD")),
        ("twenty-one", ("exact", "21", None, None)),
    ],
)
def test_forms_read_exactly(text, reading):
    (m,) = GRAMMAR.parse_mentions(text)
    assert (m.qualifier, str(m.value), m.unit, m.currency) == reading


@pytest.mark.parametrize(
    "text",
    [
        "S$5 billion",
        "NT$5 billion",
        "A$5 billion",
        "C$5 billion",
        "R$5 billion",
        "MOP$5 billion",
        "€5 million",
        "£5 million",
        "₹5 crore",
        "not over 5",
        "−5.2%",
        "-5.2%",
        "down 5.2%",
        "a decrease of 5.2%",
        "half a billion yuan",
        "a quarter of 5 billion",
        "twice 5 billion",
        "1.5 times",
        "3-fold",
        "5,000+",
        "over 5 billion or more",
        "5 lakh",
        "5 万",
        "5e9",
        "1/3",
    ],
)
def test_forms_refused(text):
    """Every mention of these is unread: no number, so no record can claim one."""
    mentions = GRAMMAR.parse_mentions(text)
    assert mentions and all(m.kind == "unread" and m.value is None for m in mentions), mentions


@pytest.mark.parametrize(
    "text", ["5 to 6 billion", "5-6 billion yuan", "between 5 and 6 billion", "5,2 billion", "1 200 mu"]
)
def test_both_ends_of_a_range_or_split_number_are_refused(text):
    assert [m.kind for m in GRAMMAR.parse_mentions(text)] == ["unread", "unread"]


def test_a_year_range_is_still_two_years():
    assert [(m.kind, str(m.value)) for m in GRAMMAR.parse_mentions("2020-2024")] == [("year", "2020"), ("year", "2024")]


# --------------------------------------------------------------------------- property

SCALES = {"": 1, "thousand": 10**3, "million": 10**6, "billion": 10**9, "bn": 10**9}
SCALE_NAME = {"bn": "billion"}
BEFORE_CURRENCY = {
    "": (None, None),
    "RMB ": ("RMB", "CNY"),
    "$": ("$", "USD"),
    "US$": ("$", "USD"),
    "HK$": ("HK$", "HKD"),
}
AFTER_UNIT = {"": (None, None), " yuan": ("yuan", "CNY"), " mu": ("mu", None), "%": ("%", None), " kWh": ("kWh", None)}
QUAL_BEFORE = {
    "": "exact",
    "about ": "about",
    "more than ": "more_than",
    "no fewer than ": "at_least",
    "up to ": "up_to",
}
QUAL_AFTER = {"": None, " or more": "at_least", " or so": "about"}
#: what comes before the figure and is never part of one exact reading
HOSTILE_BEFORE = ["", "", "", "−", "-", "not ", "half ", "S$", "NT$", "€", "down ", "twice "]
HOSTILE_AFTER = ["", "", "", "+", " times", " to 9", "/3", ",5", " lakh"]


@settings(max_examples=300, deadline=None)  # (derandomised by the profile: see conftest.py)
@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
    st.sampled_from(sorted(SCALES)),
    st.sampled_from(sorted(BEFORE_CURRENCY)),
    st.sampled_from(sorted(AFTER_UNIT)),
    st.sampled_from(sorted(QUAL_BEFORE)),
    st.sampled_from(sorted(QUAL_AFTER)),
    st.sampled_from(HOSTILE_BEFORE),
    st.sampled_from(HOSTILE_AFTER),
    st.booleans(),
)
def test_a_figure_in_any_form_is_read_back_exactly_or_refused(
    number, scale, before, after, qual_before, qual_after, hostile_before, hostile_after, thousands
):
    if before and after in (" yuan", "%", " kWh", " mu"):
        after = ""  # one unit per figure
    if "$" in hostile_before or "€" in hostile_before:
        before = ""  # the hostile currency is the figure's
    numeral = f"{number:,}" if thousands else f"{number}"
    # the hostile words stand right before the currency and number, after any qualifier ("about −5.2%")
    figure = f"{qual_before}{hostile_before}{before}{numeral}{' ' + scale if scale else ''}{after}{qual_after}"
    text = f"The park reported {figure}{hostile_after} in total."
    mentions = [m for m in GRAMMAR.parse_mentions(text) if m.kind != "unread"]
    unit, currency = BEFORE_CURRENCY[before] if before else AFTER_UNIT[after]
    qualifier = QUAL_BEFORE[qual_before]
    if QUAL_AFTER[qual_after]:
        qualifier = QUAL_AFTER[qual_after] if qualifier == "exact" else None  # two qualifiers: refused
    want = (qualifier, number * SCALES[scale], unit, currency, SCALE_NAME.get(scale, scale) or None)
    # a mention read where the figure stands is the figure, read exactly; with hostile words beside it
    # (a sign, a negation, a fraction, a foreign currency, a range) it is refused
    start = len("The park reported ")
    end = start + len(figure)
    for m in mentions:
        if m.end <= start or m.start >= end:
            continue  # a number of the hostile words themselves (" to 9")
        got = (m.qualifier, m.value, m.unit, m.currency)
        assert qualifier is not None and not hostile_before.strip() and not hostile_after.strip(), (text, got)
        assert (m.start, m.end) == (start, end), (text, m)
        assert got == want[:4] and m.scale_word == want[4], (text, got, want)

"""Numbers written in the decimal digits of any script ("１２３ billion yuan", "٣٤ mu", "१२३") are
numbers: the grammar reads them, coverage counts them, and a record's value_text and quote holding them
are compared with its value. The safe normalisation folds each decimal digit (Unicode category Nd) to
its ASCII digit and each full-width form to its ASCII character, one code point for one (offsets into the
stored text stay exact), and nothing that is not the same character in another script: `m²` stays a unit.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from conftest import REPO as _REPO
from conftest import grammar_of
from zonedata.checks.coverage import coverage
from zonedata.cli import cli
from zonedata.loading.dataset import load_dataset
from zonedata.publish.clean import clean_table
from zonedata.text.normalise import DIGITS, FORMS, NUMERALS, SUBSTITUTIONS, SourceText, normalise, normalise_series
from zonedata.validate import validate

#: the repository's grammar (metadata/vocabulary/)
GRAMMAR = grammar_of(_REPO)
parse_mentions, mentions_frame = GRAMMAR.parse_mentions, GRAMMAR.mentions_frame

HERE = Path(__file__).parent
REPO = HERE.parent
BASE = HERE / "corpus" / "base"

#: one sample of each kind of numeral character: digits of many scripts (astral ones too), full-width
#: and Arabic number punctuation
SCRIPTS = {
    "full-width": "０１２３４５６７８９",
    "Arabic-Indic": "٠١٢٣٤٥٦٧٨٩",
    "Extended Arabic-Indic": "۰۱۲۳۴۵۶۷۸۹",
    "Devanagari": "०१२३४५६७८९",
    "Bengali": "০১২৩৪৫৬৭৮৯",
    "Thai": "๐๑๒๓๔๕๖๗๘๙",
    "Myanmar": "၀၁၂၃၄၅၆၇၈၉",
    "Khmer": "០១២៣៤៥៦៧៨៩",
    "mathematical bold": "".join(chr(0x1D7CE + d) for d in range(10)),
    "Adlam": "".join(chr(0x1E950 + d) for d in range(10)),
}
#: signs that look like numbers but are not decimal digits: folding them would change what a text says
NOT_DIGITS = "²³¹⁰⁴₂½¼①⑩ⅣⅫ‰‱〇一二三十百万亿"


def written(ascii_text: str, script: str) -> str:
    """`ascii_text` with its ASCII digits written in `script`."""
    digits = SCRIPTS[script]
    return re.sub("[0-9]", lambda m: digits[int(m.group())], ascii_text)


# --------------------------------------------------------------------------- the table


def test_every_decimal_digit_folds_to_its_own_ascii_digit():
    """The written-out table (Unicode 18.0: 760 digits beyond ASCII) holds every decimal digit the running Python knows, each
    with its value, and nothing this Python knows as something else."""
    known = [chr(c) for c in range(0x80, sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Nd"]
    assert len(known) >= 650 and len(DIGITS) == 760
    assert all(DIGITS.get(c) == str(unicodedata.decimal(c)) for c in known)
    assert all(unicodedata.category(c) in ("Nd", "Cn") for c in DIGITS)  # Cn: newer than this Python
    for script, digits in SCRIPTS.items():
        assert normalise(digits) == "0123456789", script


def test_full_width_forms_fold_as_nfkc_does_and_arabic_number_signs_to_theirs():
    full_width = {c: v for c, v in FORMS.items() if 0xFF01 <= ord(c) <= 0xFF5E}
    assert len(full_width) == 94 and all(unicodedata.normalize("NFKC", c) == v for c, v in full_width.items())
    assert normalise("１２，３４５．６７％ ＲＭＢ ￥５") == "12,345.67% RMB ￥5"
    assert normalise("٣٫٥٪ ١٬٢٣٤") == "3.5% 1,234"
    assert all(len(k) == 1 and len(v) == 1 and v.isascii() for k, v in NUMERALS.items())


@pytest.mark.parametrize("sign", list(NOT_DIGITS))
def test_signs_that_are_not_decimal_digits_are_left_alone(sign):
    """A superscript is an exponent, a fraction a fraction, a circled number a label, ‰ per mille: none
    is the digit or percent sign it resembles, so none folds (`m²` must stay a unit, never "m2")."""
    assert sign not in SUBSTITUTIONS
    assert normalise(f"12 m{sign} x") == f"12 m{sign} x"


def test_a_square_metre_stays_a_unit_and_superscripts_read_as_nothing():
    (m,) = parse_mentions("a hall of １２ m²")
    assert (m.text, m.number, m.unit) == ("１２ m²", Decimal(12), "m2")
    assert normalise("m²") == "m²" and SourceText("m² ³").normalised == "m² ³"
    # only the ASCII 5 is a numeral here (and ‰ is no percent sign)
    assert [(m.text, m.unit) for m in parse_mentions("x² + y³ = z¹⁰, ½ of ① and 5‰")] == [("5", None)]


# --------------------------------------------------------------------------- normalisation forms agree


TEXTS = [
    "The park attracted １２３ billion yuan, ６１．５４％ of the total.",
    "\u201c٣٤ mu\u201d \u2013 and  ۱۲۳\u00a0hectares\n\n१२,३४५ tonnes",
    "𝟏𝟐𝟑 billion yuan and 𞥑𞥒 mu in ２０２４－０９－１６ at １１：００",
    "ＲＭＢ　７．５ billion (Ｕ Ｓ＄１．０５ billion) and 12 m² of ½ ① ²",
]


@pytest.mark.parametrize("text", TEXTS)
def test_scalar_vectorised_and_stored_forms_agree_with_exact_offsets(text):
    want = normalise(text)
    assert normalise_series(pl.Series([text])).to_list() == [want]
    for source in (SourceText(text), SourceText.many({"s": text})["s"]):
        assert source.normalised.strip(" ") == want
        assert len(source.index) == len(source.normalised)
        for i, ch in enumerate(source.normalised):  # each normalised character is its stored one, folded
            stored = text[source.index[i]]
            assert ch == (" " if stored.isspace() else SUBSTITUTIONS.get(stored, stored))


def test_a_quote_in_ascii_digits_is_found_at_the_stored_passage_in_full_width_ones():
    text = "Intro.\nThe park attracted １２３ billion yuan of investment.\n"
    source = SourceText(text)
    at = source.normalised.find(normalise("attracted 123 billion yuan"))
    start, end = source.to_stored(at, at + len("attracted 123 billion yuan"))
    assert text[start:end] == "attracted １２３ billion yuan"


# --------------------------------------------------------------------------- the grammar


@pytest.mark.parametrize("script", list(SCRIPTS))
@pytest.mark.parametrize(
    "ascii_text",
    [
        "investment of 123 billion yuan in 2024",
        "about 1,200 mu and 61.54% of RMB 7.5 billion",
        "the 21st project, 3 parks on 2023-09-16 at 11:00",
    ],
)
def test_a_number_in_any_script_reads_as_the_same_number_at_the_same_offsets(script, ascii_text):
    text = written(ascii_text, script)
    got, want = parse_mentions(text), parse_mentions(ascii_text)
    assert len(got) == len(want) > 0
    for g, w in zip(got, want):
        assert g.text == text[g.start : g.end]  # the mention as written, offsets into the text as given
        assert (g.start, g.end, g.kind, g.qualifier, g.number, g.scale_word, g.value, g.unit, g.currency, g.date) == (
            w.start,
            w.end,
            w.kind,
            w.qualifier,
            w.number,
            w.scale_word,
            w.value,
            w.unit,
            w.currency,
            w.date,
        )
        assert g.number_text == written(w.number_text, script)


@pytest.mark.parametrize(
    "text, number, scale, value, unit",
    [
        ("１２３ billion yuan", "123", "billion", "123000000000", "yuan"),
        ("٣٤ billion yuan", "34", "billion", "34000000000", "yuan"),
        ("RMB １２．５ billion", "12.5", "billion", "12500000000", "RMB"),
        ("６１．５４％", "61.54", None, "61.54", "%"),
        ("about ２，３４５ mu", "2345", None, "2345", "mu"),
        ("٣٫٥٪", "3.5", None, "3.5", "%"),
        ("١٬٢٣٤ tonnes", "1234", None, "1234", "t"),
        ("१२३ million", "123", "million", "123000000", None),
        ("𝟏𝟐 million", "12", "million", "12000000", None),
        ("１２３ ｂｉｌｌｉｏｎ ｙｕａｎ", "123", "billion", "123000000000", "yuan"),
    ],
)
def test_readings_in_other_scripts(text, number, scale, value, unit):
    (m,) = parse_mentions(text)
    assert (m.text, m.number, m.scale_word, m.value, m.unit) == (text, Decimal(number), scale, Decimal(value), unit)


def test_the_frame_reads_mixed_texts_as_each_text_alone():
    texts = [*TEXTS, "plain 70.1 billion yuan", None, "", "café 12 projects", "G２０ summit, COVID-１９"]
    frame = mentions_frame(pl.Series(texts, dtype=pl.String))
    for row, text in enumerate(texts):
        one = frame.filter(pl.col("row") == row)
        assert one["text"].to_list() == [m.text for m in parse_mentions(text or "")]
        assert all(text[a:b] == t for a, b, t in one.select("start", "end", "text").iter_rows())
    assert frame.filter(pl.col("row") == len(texts) - 1).is_empty()  # identifiers in any script are not figures


def test_the_seed_texts_hold_no_numeral_of_another_script():
    """So their mentions (tests/golden/number_mentions.json, coverage, data/clean) are what they were."""
    for path in sorted((REPO / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert not set(text) & set(NUMERALS), path.name


# --------------------------------------------------------------------------- coverage and provenance

TEXT = (
    "Hall Park reports a strong year\n\n"
    "The park attracted １２３ billion yuan of investment in ２０２４.\n"
    "It covers ٣٤ mu, and its hall 12 m².\n"
)
STAT = (
    "stat-0900,parks,china-asean-industrial-cooperation-zone,,,investment,investment attracted by the park,"
    "{value_text},{value},billion,yuan,exact,actual,flow,period,2024-01-01,2024-12-31,in ２０２４,stated,,,,,\n"
)
QUOTE = "The park attracted １２３ billion yuan of investment in ２０２４."


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def pkg(tmp_path) -> tuple[Path, str]:
    """The corpus base with an invented source 004 whose figures are written in full-width and
    Arabic-Indic digits."""
    root = tmp_path / "pkg"
    shutil.copytree(BASE, root)
    text = tmp_path / "hall.txt"
    text.write_text(TEXT, encoding="utf-8")
    result = run(
        "add-source",
        text,
        "--title",
        "Hall Park reports a strong year",
        "--publisher",
        "Invented",
        "--date",
        "2025-03-03",
        "--url",
        "https://example.org/hall",
        "--external",
        "url",
        "--root",
        root,
    )
    assert result.exit_code == 0, result.output
    (stored,) = (root / "seeds").glob("004_*.txt")
    return root, f"seeds/{stored.name}"


def add_record(root: Path, value_text: str, value: str, quote: str) -> int:
    """Append the statistic and its citation; the statistic's line."""
    stats = root / "data" / "raw" / "statistics.csv"
    with stats.open("a", encoding="utf-8") as fh:
        fh.write(STAT.format(value_text=value_text, value=value))
    with (root / "data" / "raw" / "citations.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(["statistics", "stat-0900", "004", quote, ""])
    return len(stats.read_text(encoding="utf-8").splitlines())


def test_coverage_reports_a_figure_in_full_width_digits_as_unaccounted(pkg):
    root, file = pkg
    result = run("coverage", "--root", root, "--format", "github")
    assert result.exit_code == 1
    found = [l for l in result.output.splitlines() if file in l]
    located = {(re.search(r"line=(\d+)", l).group(1), re.search(r"::'([^']*)'", l).group(1)) for l in found}
    assert {("3", "１２３ billion yuan"), ("3", "２０２４"), ("4", "٣٤ mu"), ("4", "12 m²")} <= located
    assert all("title=mention-unaccounted" in l for l in found)
    doc = json.loads(run("coverage", "--root", root, "--format", "json").output)
    mine = [m for m in doc["mentions"] if m["file"] == file]
    assert {m["text"] for m in mine} == {"１２３ billion yuan", "２０２４", "٣٤ mu", "12 m²"}
    assert all(TEXT[m["start"] : m["end"]] == m["text"] and m["status"] == "unaccounted" for m in mine)


def test_a_record_in_full_width_digits_validates_and_accounts_for_its_figure(pkg):
    root, file = pkg
    add_record(root, "１２３ billion yuan", "123", QUOTE)
    report = validate(root, publication=False)
    assert report.valid, [f.to_dict() for f in report.errors]
    mentions = coverage(root).mentions.filter(pl.col("file") == file)
    row = mentions.filter(pl.col("text") == "１２３ billion yuan").row(0, named=True)
    assert row["status"] == "recorded" and row["record"] == "statistics/stat-0900"


@pytest.mark.parametrize(
    "value_text, quote",
    [
        ("123 billion yuan", QUOTE),  # value_text in ASCII digits, quote as the text writes it
        ("１２３ billion yuan", "The park attracted 123 billion yuan of investment in 2024."),  # and the reverse
    ],
)
def test_digits_of_another_script_match_and_the_published_quote_is_the_stored_passage(pkg, value_text, quote):
    root, _ = pkg
    add_record(root, value_text, "123", quote)
    report = validate(root, publication=False)
    assert report.valid, [f.to_dict() for f in report.errors]
    ds = load_dataset(root)
    cites = clean_table(ds, "citations").frame.filter(pl.col("record_id") == "stat-0900").row(0, named=True)
    assert cites["quote"] == QUOTE == ds.texts["004"][cites["quote_start"] : cites["quote_end"]]


@pytest.mark.parametrize(
    "value_text, value, rule",
    [
        ("１２３ billion yuan", "124", "number-mismatch"),  # the value is compared with the full-width figure
        ("٣٤ billion yuan", "34", "value-text-not-in-quote"),  # another number than the quote's
        ("２３ billion yuan", "23", "value-text-not-in-quote"),  # a piece of the figure
    ],
)
def test_a_record_in_full_width_digits_that_says_another_number_is_refused(pkg, value_text, value, rule):
    root, _ = pkg
    line = add_record(root, value_text, value, QUOTE)
    report = validate(root, publication=False)
    found = [f for f in report.errors if f.file == "data/raw/statistics.csv" and f.line == line]
    assert rule in {f.rule for f in found}, [f.to_dict() for f in report.errors]

"""A second dataset through the whole chain (issue 20): tests/fixtures/second/package, made with `zonedata init`
and filled by hand from an invented text (tests/fixtures/second/aubeval.txt, about a science park).

It is shaped unlike this repository's dataset: its sources are `documents` (key `document_id`), its citations
`evidence` (fields `document_id` and `passage`), its figures `measures` (key `measure_id`), its records `sites`
(with a parent site); each role's fields are mapped with `roleFields`. add-source, draft, validate, build,
release, diff, cite, coverage and site run on a copy of it, and the corpus's classes of bad input are rejected
there at the rule, file, line and field they are rejected at in tests/corpus/base (test_validate_corpus.py's
contract, `corpus_tests`, bound here to this package by overriding its `corpus_package` fixture).
"""

from __future__ import annotations

import csv
import html as html_lib
import json
import re
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from conftest import TESTS, build_valid, copy_package, git
from test_integrity_corpus import set_cells
from test_validate_corpus import append_bytes, corpus_tests, delete, duplicate_line, line_of, replace, write
from zonedata.cli import cli
from zonedata.loading.dataset import load_dataset
from zonedata.validate import validate

SECOND = TESTS / "fixtures" / "second" / "package"
TEXT = TESTS / "fixtures" / "second" / "aubeval.txt"
DOCS = "seeds/documents.csv"
SEED = "seeds/000_a3ace92e1dbe7e80.txt"
SITES = "data/raw/sites.csv"
MEASURES = "data/raw/measures.csv"
EVIDENCE = "data/raw/evidence.csv"
EXCLUSIONS = "seeds/coverage_exclusions.csv"


@pytest.fixture
def second(tmp_path) -> Path:
    """A fresh copy of the second dataset, nothing published yet."""
    return copy_package(SECOND, tmp_path / "second")


@pytest.fixture
def corpus_package(second) -> Path:
    """The corpus contract's package, in this module: the second dataset."""
    return second


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _rows(root: Path, rel: str) -> list[dict[str, str]]:
    with (root / rel).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# --- the chain --------------------------------------------------------------------------------------------


def test_the_second_dataset_validates_and_its_roles_are_its_own(second):
    report = validate(second, publication=False)
    assert report.valid, [(f.rule, f.file, f.line, f.message) for f in report.errors]
    ds = load_dataset(second)
    assert (ds.roles.sources.table, ds.roles.citations.table, ds.roles.figures.table) == (
        "documents",
        "evidence",
        "measures",
    )
    assert ds.roles.sources["source_id"] == "document_id" and ds.roles.citations["quote"] == "passage"


def test_build_publishes_it_and_validate_then_passes(second):
    result = invoke("build", "--root", second)
    assert result.exit_code == 0, result.output
    descriptor = json.loads((second / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["title"] == "Aubeval science parks (test fixture)" and descriptor["version"] == "0.1.0"
    assert {r["name"] for r in descriptor["resources"]} >= {"measures-csv", "evidence-parquet", "documents-csv"}
    measures = {r["measure_id"]: r for r in _rows(second, "data/clean/measures.csv")}
    assert Decimal(measures["m-0003"]["value_normalised"]) == 1400 and measures["m-0003"]["unit_normalised"] == "count"
    # the package's own vocabulary: hectares and euros, before the number and after it, in exact normalised values
    area, cost, plan = measures["m-0006"], measures["m-0007"], measures["m-0008"]
    assert (Decimal(area["value_normalised"]), area["unit_normalised"]) == (1_200_000, "m2")
    assert (Decimal(cost["value_normalised"]), cost["unit_normalised"], cost["currency"]) == (45_000_000, "EUR", "EUR")
    assert (Decimal(plan["value_normalised"]), plan["currency"], plan["period_end"]) == (
        12_000_000,
        "EUR",
        "2027-12-31",
    )
    assert measures["m-0009"]["qualifier"] == "about"  # "environ 300 chercheurs": a French qualifier word
    evidence = _rows(second, "data/clean/evidence.csv")
    text = (second / SEED).read_text(encoding="utf-8")
    for row in evidence:  # the published passage is the text's own, at its offsets
        assert text[int(row["quote_start"]) : int(row["quote_end"])] == row["passage"]
    checked = invoke("validate", "--root", second)
    assert checked.exit_code == 0, checked.output


def test_coverage_accounts_for_every_figure_of_the_text(second):
    result = invoke("coverage", "--root", second, "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["valid"], result.output


def test_cite_names_the_second_dataset(second):
    build_valid(second)
    result = invoke("cite", "--root", second)
    assert result.exit_code == 0, result.output
    assert "Aubeval science parks (test fixture)" in result.output and "0.1.0" in result.output


def test_site_has_a_page_per_table_record_and_document(second, tmp_path):
    build_valid(second)
    out = tmp_path / "site"
    result = invoke("site", "--root", second, "--out", out)
    assert result.exit_code == 0, result.output
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert any("measures" in p for p in pages) and any("sites" in p for p in pages)
    assert any("documents" in p or "sources" in p for p in pages)
    records = [p.read_text(encoding="utf-8") for p in sorted((out / "records" / "measures").rglob("*.html"))]
    html = "".join(records)
    for measure in ("m-0001", "m-0002", "m-0003", "m-0004", "m-0005"):
        assert measure in html
    assert "27 patents" in html and "In 2024 the park" in html  # the figure and its passage, quoted


def test_site_source_facet_follows_the_renamed_roles(second, tmp_path):
    """The source facet of a table page comes from the table with the citations role, whatever its name and
    its source field's name (here evidence.document_id), counted per record as polars counts it."""
    build_valid(second)
    out = tmp_path / "site"
    assert invoke("site", "--root", second, "--out", out).exit_code == 0
    evidence = pl.read_csv(second / "data" / "clean" / "evidence.csv", infer_schema=False)
    for table in ("sites", "measures"):
        page = (out / "tables" / f"{table}.html").read_text(encoding="utf-8")
        meta = json.loads(html_lib.unescape(re.search(r'id="table-meta">(.*?)</script>', page, re.DOTALL)[1]))
        facet = next(f for f in meta["facets"] if f["name"] == "~sources")
        expected = (
            evidence.filter(pl.col("record_table") == table)
            .unique(["record_id", "document_id"])
            .group_by("document_id")
            .len()
            .sort(["len", "document_id"], descending=[True, False])
        )
        assert expected.height > 0
        assert [tuple(v[:2]) for v in facet["values"]] == list(expected.iter_rows()), table


NEW_TEXT = (
    "Lindmark Innovation Quarter grows\n\n"
    "LINDMARK, 2 June 2025 -- This is an invented text, written for the tests of zonedata; nothing in it is real.\n\n"
    "The new Harbour Campus of the Lindmark Innovation Quarter hosts 52 start-ups.\n"
)


def test_add_source_then_draft_on_the_second_dataset(second, tmp_path):
    build_valid(second)
    text = tmp_path / "lindmark.txt"
    text.write_text(NEW_TEXT, encoding="utf-8")
    added = invoke(
        "add-source", text, "--root", second, "--title", "Lindmark Innovation Quarter grows",
        "--date", "2025-06-02", "--publisher", "Lindmark (invented)",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added to seeds/documents.csv" in added.output
    rows = _rows(second, DOCS)
    assert [r["document_id"] for r in rows] == ["000", "001"] and rows[1][
        "title"
    ] == "Lindmark Innovation Quarter grows"
    assert validate(second).valid  # add-source rebuilt the publication
    drafted = invoke("draft", "001", "--root", second, "--out", second / "draft-001.csv")
    assert drafted.exit_code == 0, drafted.output
    draft = (second / "draft-001.csv").read_text(encoding="utf-8")
    assert "## data/raw/measures.csv" in draft and "## data/raw/evidence.csv" in draft
    assert "record_table,record_id,document_id,passage" in draft
    sentence = "The new Harbour Campus of the Lindmark Innovation Quarter hosts 52 start-ups."
    assert f"measures,FILL:stat-1,001,{sentence}," in draft
    # the package's name patterns (metadata/vocabulary/names.csv: campus -> sites) propose the new site
    assert "## data/raw/sites.csv" in draft and "site_id,name,kind,parent_site_id,country_code,notes" in draft
    assert "FILL:site-1," in draft and "Harbour Campus" in draft and f"sites,FILL:site-1,001,{sentence}," in draft


def test_release_then_diff_on_the_second_dataset(second, git_identity):
    build_valid(second)
    git(second, "init", "-q")
    git(second, "add", "-A")
    git(second, "commit", "-q", "-m", "initial")
    released = invoke("release", "--root", second, "--version", "1.0.0", "--date", "2025-04-01")
    assert released.exit_code == 0, released.output
    git(second, "add", "-A")
    git(second, "commit", "-q", "-m", "Release 1.0.0")
    assert json.loads((second / "datapackage.json").read_text(encoding="utf-8"))["version"] == "1.0.0"
    assert (second / "releases" / "aubeval-parks-1.0.0.zip").is_file()  # the archive has the package's name
    # a corrected value: the row-level diff names the measure and its field
    set_cells(MEASURES, 6, value_text="27 patents", value="27", notes="Filed by the companies of the park.")(second)
    build_valid(second)
    result = invoke("diff", "1.0.0", ".", "--root", second, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "m-0005" in result.output and "notes" in result.output and "measures" in result.output


# --- the corpus's classes of bad input, on this package -------------------------------------------------

#: (case, mutation, rule, file, line, field): one case per family of rules, at this package's lines
#: (sites.csv: 2 the park, 3 North Campus, 4 South Campus; measures.csv: 2 60%, 3 more than 80,
#: 4 1,400, 5 35 teams, 6 27 patents, 7 about 120 hectares, 8 €45 million, 9 12 million euros,
#: 10 environ 300 chercheurs; evidence.csv: 2-5 the sites, 6-14 the measures)
BROKEN = [
    # the source texts
    ("changed-seed", append_bytes(SEED, b" "), "source-hash-mismatch", DOCS, 2, "sha256"),
    ("missing-seed", delete(SEED), "source-file-missing", DOCS, 2, "file"),
    ("unlisted-seed", write("seeds/999_extra.txt", b"An extra text.\n"), "source-unlisted", "seeds/999_extra.txt", None, None),
    ("no-sources-role", delete("schemas/documents.json"), "schema-invalid", "schemas", None, None),
    # the tables' shape
    ("empty-table", write(SITES, b""), "csv-malformed", SITES, 1, None),
    ("ragged-row", line_of(SITES, 4, lambda l: l.replace(",campus,", ",", 1)), "row-ragged", SITES, 4, None),
    ("required-missing", set_cells(SITES, 3, name=""), "required-missing", SITES, 3, "name"),
    ("enum", set_cells(SITES, 3, kind="campus_site"), "enum-violation", SITES, 3, "kind"),
    ("pattern", set_cells(MEASURES, 4, measure_id="M-3"), "pattern-violation", MEASURES, 4, "measure_id"),
    ("number-type", set_cells(MEASURES, 4, value="1.400,0"), "type-error", MEASURES, 4, "value"),
    ("formula", set_cells(SITES, 5, notes="=HYPERLINK(1)"), "formula-injection", SITES, 5, "notes"),
    ("country-code", set_cells(SITES, 2, country_code="XX"), "code-invalid", SITES, 2, "country_code"),
    ("header-column", line_of(MEASURES, 1, lambda l: l.replace(",basis,", ",base,")), "header-missing-column", MEASURES, 1, "basis"),
    # keys
    ("duplicate-key", duplicate_line(SITES, 3), "primary-key-duplicate", SITES, 6, "site_id"),
    ("dangling-subject", set_cells(MEASURES, 5, subject_id="east-campus"), "foreign-key-dangling", MEASURES, 5, "subject_id"),
    ("dangling-parent", set_cells(SITES, 3, parent_site_id="aubeval"), "foreign-key-dangling", SITES, 3, "parent_site_id"),
    ("own-parent", set_cells(SITES, 2, parent_site_id="aubeval-science-park"), "reference-cycle", SITES, 2, "parent_site_id"),
    ("dangling-document", set_cells(EVIDENCE, 6, document_id="007"), "foreign-key-dangling", EVIDENCE, 6, "document_id"),
    ("exclusion-unknown-document", append_bytes(EXCLUSIONS, b'999,40 km,a distance\n'), "foreign-key-dangling", EXCLUSIONS, 8, "source_id"),
    ("uncited", line_of(EVIDENCE, 5, lambda l: ""), "record-uncited", SITES, 5, "site_id"),
    # provenance: the passage and the figure against it
    ("passage-typo", replace(EVIDENCE, "filed 27 patents", "filed 72 patents"), "quote-not-found", EVIDENCE, 10, "passage"),
    ("value-disagrees", set_cells(MEASURES, 4, value="1410"), "number-mismatch", MEASURES, 4, "value"),
    ("qualifier-disagrees", set_cells(MEASURES, 3, qualifier="exact"), "qualifier-mismatch", MEASURES, 3, "qualifier"),
    ("unit-disagrees", set_cells(MEASURES, 2, unit="count"), "unit-mismatch", MEASURES, 2, "unit"),
    ("value-text", set_cells(MEASURES, 5, value_text="36 teams"), "value-text-not-in-quote", MEASURES, 5, "value_text"),
    ("euros-as-count", set_cells(MEASURES, 8, unit="count"), "unit-mismatch", MEASURES, 8, "unit"),
    ("hectares-as-percent", set_cells(MEASURES, 7, unit="%"), "unit-mismatch", MEASURES, 7, "unit"),
    ("scale-disagrees", set_cells(MEASURES, 9, scale="thousand"), "unit-mismatch", MEASURES, 9, "scale"),
    ("environ-as-exact", set_cells(MEASURES, 10, qualifier="exact"), "qualifier-mismatch", MEASURES, 10, "qualifier"),
    ("euros-disagree", set_cells(MEASURES, 8, value="54"), "number-mismatch", MEASURES, 8, "value"),
    # the vocabulary itself
    ("spelling-twice", replace("metadata/vocabulary/units.csv", "km|kilometres", "ha|kilometres"), "vocabulary-invalid", "metadata/vocabulary/units.csv", 8, "after"),
    # consistency
    ("period-inverted", set_cells(MEASURES, 6, period_start="2024-12-31", period_end="2024-01-01"), "period-inverted", MEASURES, 6, "period_end"),
    ("period-after", set_cells(MEASURES, 6, period_start="2025-01-01", period_end="2025-12-31", period_text=""), "period-after-publication", MEASURES, 6, "period_end"),
    ("period-words", set_cells(MEASURES, 6, period_start="2023-01-01", period_end="2023-12-31"), "period-words-disagree", MEASURES, 6, "period_start"),
]  # fmt: skip

test_broken_input_is_reported, test_cli_exits_1_naming_file_and_line, test_build_refuses_and_writes_nothing = (
    corpus_tests(BROKEN)
)

"""The dataset's vocabulary (metadata/vocabulary/*.csv) is data: read and checked on load, with findings
that name its file and line, and the schema enums that name its units, scales, qualifiers and indicators
come from it (a field's `"vocabulary"` property), never from a second list kept by hand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import TYPES
from zonedata.cli import cli
from zonedata.loading.dataset import load_dataset
from zonedata.loading.vocabulary import load_vocabulary
from zonedata.validate import validate

SCHEMAS = REPO / "schemas"
UNITS = "metadata/vocabulary/units.csv"


def test_the_repository_vocabulary_is_valid_and_fills_the_enums():
    vocabulary, findings = load_vocabulary(Paths(REPO))
    assert findings == []
    ds = load_dataset(REPO)
    assert not [f for f in ds.findings if f.rule in ("schema-invalid", "vocabulary-invalid")]
    stats = ds.schemas["statistics"]
    assert stats.field("unit").constraints["enum"] == list(vocabulary.values("unit"))
    assert stats.field("unit").constraints["enum"][:3] == ["yuan", "RMB", "$"]
    assert stats.field("currency").constraints["enum"] == ["CNY", "USD"]
    assert stats.field("scale").constraints["enum"] == ["thousand", "million", "billion", "trillion"]
    assert "trade_volume" in stats.field("indicator").constraints["enum"]
    # a unit without a normalised unit is read in quotes, so never taken for a bare number, but not recorded
    assert "ha" in vocabulary.unit and "ha" not in stats.field("unit").constraints["enum"]


def test_no_schema_writes_an_enum_its_vocabulary_gives():
    for path in sorted(SCHEMAS.glob("*.json")):
        for f in json.loads(path.read_text(encoding="utf-8"))["fields"]:
            if "vocabulary" in f:
                assert "enum" not in f.get("constraints", {}), f"{path.name}: {f['name']}"


def test_every_schema_field_type_is_in_the_vocabulary():
    for path in sorted(SCHEMAS.glob("*.json")):
        for f in json.loads(path.read_text(encoding="utf-8"))["fields"]:
            assert f.get("type", "string") in TYPES, (
                f"{path.name}: {f['name']} has type {f.get('type')!r}: add a TableType row"
            )


def _edit_rows(path: Path, edit) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    edit(rows)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _row(rows: list[list[str]], key: str) -> list[str]:
    return next(r for r in rows if r[0] == key)


def _line(rows: list[list[str]], key: str) -> int:
    return 1 + next(i for i, r in enumerate(rows) if r[0] == key)


@pytest.mark.parametrize(
    ("case", "file", "edit", "rule", "key", "field"),
    [
        # a spelling given to two units: a quote's words would read two ways
        (
            "spelling-twice",
            UNITS,
            lambda rows: _row(rows, "RMB").__setitem__(6, "rmb|yuan"),
            "vocabulary-invalid",
            "RMB",
            "after",
        ),
        (
            "empty-item",
            UNITS,
            lambda rows: _row(rows, "mu").__setitem__(6, "mu||"),
            "vocabulary-invalid",
            "mu",
            "after",
        ),
        (
            "digit-before",
            UNITS,
            lambda rows: _row(rows, "RMB").__setitem__(5, "rmb|r2"),
            "vocabulary-invalid",
            "RMB",
            "before",
        ),
        ("no-spelling", UNITS, lambda rows: _row(rows, "kWh").__setitem__(6, ""), "vocabulary-invalid", "kWh", "after"),
        (
            "factor-not-a-number",
            UNITS,
            lambda rows: _row(rows, "mu").__setitem__(2, "two thousand"),
            "type-error",
            "mu",
            "numerator",
        ),
        (
            "qualifier-word-is-a-scale",
            "metadata/vocabulary/qualifiers.csv",
            lambda rows: _row(rows, "about").__setitem__(1, "about|bn"),
            "vocabulary-invalid",
            "about",
            "before",
        ),
        (
            "duplicate",
            "metadata/vocabulary/scales.csv",
            lambda rows: rows.append(list(_row(rows, "billion"))),
            "vocabulary-invalid",
            None,
            "scale",
        ),
    ],
    ids=lambda c: c if isinstance(c, str) and "/" not in c else None,
)
def test_a_bad_vocabulary_row_is_a_finding_at_its_file_and_line(corpus_package, case, file, edit, rule, key, field):
    path = corpus_package / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    line = _line(rows, key) if key else len(rows) + 1
    _edit_rows(path, edit)
    report = validate(corpus_package, publication=False)
    assert any((f.rule, f.file, f.line, f.field) == (rule, file, line, field) for f in report.findings), [
        f.to_dict() for f in report.findings
    ]
    assert not report.valid
    result = CliRunner().invoke(cli, ["validate", "--no-publication", "--root", str(corpus_package)])
    assert result.exit_code == 1 and file in result.output, result.output
    assert f"line {line} [{field}] error {rule}" in result.output, result.output


def test_an_enum_beside_a_vocabulary_is_blamed_on_the_schema(corpus_package):
    path = corpus_package / "schemas" / "statistics.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "unit")["constraints"]["enum"] = ["yuan", "bushel"]
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    report = validate(corpus_package, publication=False)
    hits = [f for f in report.findings if f.rule == "schema-invalid"]
    assert [(f.file, f.field) for f in hits] == [("schemas/statistics.json", "unit")]
    assert "delete the enum, and add a value as a row of metadata/vocabulary/units.csv" in hits[0].message


def test_a_package_without_a_vocabulary_file_is_told_which_rows_to_add(corpus_package):
    (corpus_package / "metadata" / "vocabulary" / "indicators.csv").unlink()
    report = validate(corpus_package, publication=False)
    hits = [f for f in report.findings if f.rule == "schema-invalid"]
    assert [(f.file, f.field) for f in hits] == [("schemas/statistics.json", "indicator")]
    assert "metadata/vocabulary/indicators.csv lists no indicator values" in hits[0].message


def _walkthrough_rows() -> dict[str, list[str]]:
    """The CSV lines CONTRIBUTING.md's walkthrough 1 tells a curator to write, by the part they are in."""
    text = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Walkthrough 1:", 1)[1].split("## Walkthrough 2:", 1)[0]
    rows: dict[str, list[str]] = {}
    part = None
    for line in section.splitlines():
        if line.startswith("**A "):
            part = line.split(".**")[0].removeprefix("**A ")
        elif line.startswith("    ") and part:
            rows.setdefault(part, []).append(line.strip())
    return rows


def _apply(root: Path, file: str, line: str) -> None:
    """What a curator does with a walkthrough's line: replace the row with its key, or add it."""
    path = root / "metadata" / "vocabulary" / file
    lines = path.read_text(encoding="utf-8").splitlines()
    key = line.split(",", 1)[0]
    at = next((i for i, old in enumerate(lines) if old.split(",", 1)[0] == key), None)
    if at is None:
        lines.append(line)
    else:
        lines[at] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_contributing_walkthroughs_are_true_on_a_scratch_copy(repository):
    """Walkthrough 1 of CONTRIBUTING.md, followed literally: a unit, a currency, a qualifier word and a name
    pattern, each one CSV line and no Python."""
    from zonedata.curate.draft.names import name_candidates
    from zonedata.text.numbers import Grammar
    from zonedata.text.sentences import sentences

    rows = _walkthrough_rows()
    assert set(rows) == {"unit", "currency", "qualifier word", "name pattern"}, rows
    for part, file in (("unit", "units.csv"), ("currency", "units.csv"), ("qualifier word", "qualifiers.csv")):
        for line in rows[part]:
            _apply(repository, file, line)
    (line,) = rows["name pattern"]
    _apply(repository, "names.csv", line)
    ds = load_dataset(repository)
    assert not [f.to_dict() for f in ds.findings if f.rule in ("schema-invalid", "vocabulary-invalid")]
    stats = ds.schemas["statistics"]
    assert {"ha", "EUR"} <= set(stats.field("unit").constraints["enum"])
    assert "EUR" in stats.field("currency").constraints["enum"]
    assert "EUR" in stats.field("unit_normalised").constraints["enum"]
    ha = ds.vocabulary.recorded_units["ha"]
    assert (ha.normalised, ha.numerator, ha.denominator) == ("m2", 10000, 1)
    grammar = Grammar(ds.vocabulary)
    read = [
        (m.text, m.qualifier, str(m.value), m.unit, m.currency)
        for m in grammar.parse_mentions(
            "€5 million, EUR 5 million and 5 million euros; 12 hectares; upwards of 600 representatives"
        )
    ]
    assert read == [
        ("€5 million", "exact", "5000000", "EUR", "EUR"),
        ("EUR 5 million", "exact", "5000000", "EUR", "EUR"),
        ("5 million euros", "exact", "5000000", "EUR", "EUR"),
        ("12 hectares", "exact", "12", "ha", None),
        ("upwards of 600", "more_than", "600", None, None),
    ]
    text = "Ships call at the Qinzhou Container Terminal every day."
    names = name_candidates(text, sentences(text), ds.vocabulary.names)
    assert ("parks", "Qinzhou Container Terminal") in [(c.table, c.name) for c in names]

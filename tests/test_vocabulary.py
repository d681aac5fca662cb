"""The vocabulary (src/zonedata/base/vocabulary.py) and the schemas name the same units, scales,
qualifiers, currencies and types: when they disagree, these tests say which row or enum to add."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zonedata.base.vocabulary import QUALIFIERS, SCALES, SPELLINGS, TYPES, UNITS
from zonedata.cli import cli
from zonedata.validate import validate

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"


def _enum(table: str, field: str) -> list[str]:
    schema = json.loads((SCHEMAS / f"{table}.json").read_text(encoding="utf-8"))
    return next(f for f in schema["fields"] if f["name"] == field)["constraints"]["enum"]


@pytest.mark.parametrize(
    ("field", "rows", "what"),
    [
        ("unit", list(UNITS), "a Unit row in UNITS"),
        ("unit_normalised", sorted({u.normalised for u in UNITS.values()}), "the normalised unit of a Unit row"),
        ("currency", sorted({u.currency for u in UNITS.values() if u.currency}), "the currency of a Unit row"),
        ("scale", list(SCALES), "a Scale row in SCALES"),
        ("qualifier", list(QUALIFIERS), "a Qualifier row in QUALIFIERS"),
    ],
)
def test_statistics_enums_name_the_vocabulary(field, rows, what):
    enum = _enum("statistics", field)
    missing_row = sorted(set(enum) - set(rows))
    missing_enum = sorted(set(rows) - set(enum))
    assert not missing_row, f"schemas/statistics.json {field} allows {missing_row}: add {what} in base/vocabulary.py"
    assert not missing_enum, (
        f"base/vocabulary.py has {missing_enum}: add them to the {field} enum of schemas/statistics.json"
    )


def test_each_unit_reads_tokens_the_grammar_knows():
    tokens = {s.token: s for s in SPELLINGS}
    for u in UNITS.values():
        assert u.reads or u.kinds, f"unit {u.name!r}: give the tokens it reads as, or the kinds of a bare number"
        for t in u.reads:
            assert t in tokens, f"unit {u.name!r} reads {t!r}, which no Spelling row in SPELLINGS has"
            assert tokens[t].currency == u.currency, f"unit {u.name!r} and its token {t!r} disagree on the currency"
        assert u.numerator > 0 and u.denominator > 0


def test_spellings_are_each_one_tokens():
    seen: dict[tuple[str, str], str] = {}
    for s in SPELLINGS:
        for where, words in (("before", s.before), ("after", s.after)):
            for w in words:
                assert w == w.lower(), f"{w!r}: spellings are lower-cased"
                assert (where, w) not in seen, (
                    f"{w!r} ({where}) is a spelling of both {seen[(where, w)]!r} and {s.token!r}"
                )
                seen[(where, w)] = s.token


def test_every_schema_field_type_is_in_the_vocabulary():
    for path in sorted(SCHEMAS.glob("*.json")):
        for f in json.loads(path.read_text(encoding="utf-8"))["fields"]:
            assert f.get("type", "string") in TYPES, (
                f"{path.name}: {f['name']} has type {f.get('type')!r}: add a TableType row"
            )


@pytest.mark.parametrize(
    ("field", "value", "record", "list_name"),
    [
        ("unit", "bushel", ",70.1,billion,bushel,exact,", "UNITS"),
        ("scale", "lakh", ",70.1,lakh,yuan,exact,", "SCALES"),
        ("qualifier", "circa", ",70.1,billion,yuan,circa,", "QUALIFIERS"),
    ],
)
def test_an_enum_value_without_a_vocabulary_row_is_blamed_on_the_schema(
    corpus_package, field, value, record, list_name
):
    """Adding a unit to the enum but not to base/vocabulary.py used to show as unit-mismatch on the data."""
    pkg = corpus_package
    path = pkg / "schemas" / "statistics.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == field)["constraints"]["enum"].append(value)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    stats = pkg / "data" / "raw" / "statistics.csv"  # a record that uses it
    text = stats.read_text(encoding="utf-8")
    assert ",70.1,billion,yuan,exact," in text, "fixture drift"
    stats.write_text(text.replace(",70.1,billion,yuan,exact,", record, 1), encoding="utf-8")
    report = validate(pkg, publication=False)
    hits = [f for f in report.findings if f.rule == "schema-invalid"]
    assert [(f.file, f.field, f.value) for f in hits] == [("schemas/statistics.json", field, value)]
    assert f"{list_name} in src/zonedata/base/vocabulary.py" in hits[0].message
    assert not [f for f in report.findings if f.rule in ("unit-mismatch", "qualifier-mismatch", "enum-violation")]
    result = CliRunner().invoke(cli, ["validate", "--no-publication", "--root", str(pkg)])
    assert result.exit_code == 1 and "base/vocabulary.py" in result.output, result.output

"""zonedata's own schema properties drive the checks, so a new table with periods or ISO codes needs no
Python: `periods` (table), `isoCode` and `vocabulary` (field). Each is checked when the schema is read
(a bad one is a schema-invalid finding at the schema, with the field and how to fix it), and none of
them is published in datapackage.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from zonedata.loading.schema import CHECK_ONLY_FIELD_KEYS, CHECK_ONLY_TABLE_KEYS
from zonedata.validate import validate

TESTS = Path(__file__).parent
EVENTS, STATS, PARKS = "data/raw/events.csv", "data/raw/statistics.csv", "data/raw/parks.csv"


@pytest.fixture
def pkg(corpus_package) -> Path:
    return corpus_package


def edit_schema(root: Path, table: str, edit: Callable[[dict], None]) -> None:
    path = root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    edit(schema)
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def field_of(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def replace(root: Path, path: str, old: str, new: str) -> None:
    f = root / path
    text = f.read_text(encoding="utf-8")
    assert old in text, f"fixture drift: {old!r} not in {path}"
    f.write_text(text.replace(old, new, 1), encoding="utf-8", newline="")


def findings(root: Path, rule: str) -> list[tuple]:
    return [(f.file, f.line, f.field, f.value) for f in validate(root, publication=False).findings if f.rule == rule]


def set_periods(table: str, periods) -> Callable[[dict], None]:
    return lambda s: s.__setitem__("periods", periods)


def set_property(table: str, name: str, key: str, value) -> Callable[[dict], None]:
    return lambda s: field_of(s, name).__setitem__(key, value)


# (case, table, schema edit, field and value of the finding, words its message must have)
HOSTILE = [
    (
        "period-unknown-field",
        "events",
        set_periods("events", [{"start": "start_date", "end": "stop"}]),
        None,
        "stop",
        ['end "stop" is not a field of this table'],
    ),
    (
        "period-not-a-date",
        "events",
        set_periods("events", [{"start": "start_date", "end": "date_text"}]),
        "date_text",
        None,
        ["'date_text' is of type string", "type date"],
    ),
    (
        "period-derived-field",
        "statistics",
        set_periods("statistics", [{"start": "period_start", "end": "value_normalised"}]),
        "value_normalised",
        None,
        ["'value_normalised' is derived"],
    ),
    (
        "period-one-field-twice",
        "events",
        set_periods("events", [{"start": "end_date", "end": "end_date"}]),
        "end_date",
        None,
        ["both 'end_date'"],
    ),
    (
        "period-twice",
        "events",
        set_periods("events", [{"start": "start_date", "end": "end_date"}, {"start": "start_date", "end": "end_date"}]),
        "end_date",
        None,
        ["periods[1] repeats the period start_date to end_date"],
    ),
    ("period-no-end", "events", set_periods("events", [{"start": "start_date"}]), None, None, ["has no end"]),
    (
        "period-misspelt-key",
        "events",
        set_periods("events", [{"begin": "start_date", "end": "end_date"}]),
        None,
        None,
        ["unknown key(s) ['begin']"],
    ),
    ("period-a-string", "events", set_periods("events", ["start_date"]), None, None, ["must be an object"]),
    (
        "periods-an-object",
        "events",
        set_periods("events", {"start": "start_date", "end": "end_date"}),
        None,
        None,
        ["periods must be a list"],
    ),
    (
        "forward-looking-unknown-value",
        "statistics",
        set_periods(
            "statistics",
            [{"start": "period_start", "end": "period_end", "forwardLooking": {"field": "basis", "values": ["hoped"]}}],
        ),
        "basis",
        None,
        ["its enum has no ['hoped']"],
    ),
    (
        "forward-looking-null-field",
        "statistics",
        set_periods(
            "statistics",
            [{"start": "period_start", "end": "period_end", "forwardLooking": {"field": None, "values": []}}],
        ),
        None,
        "None",
        ["forwardLooking.field null is not a raw string field"],
    ),
    (
        "forward-looking-a-list",
        "statistics",
        set_periods("statistics", [{"start": "period_start", "end": "period_end", "forwardLooking": ["basis"]}]),
        None,
        None,
        ["forwardLooking must be an object"],
    ),
    (
        "iso-code-unknown-list",
        "parks",
        set_property("parks", "country_code", "isoCode", "3166"),
        "country_code",
        None,
        ['isoCode "3166" is not an ISO list', '"3166-1"', '"4217"'],
    ),
    (
        "iso-code-on-an-integer",
        "parks",
        set_property("parks", "year_established", "isoCode", "3166-1"),
        "year_established",
        None,
        ["isoCode applies to string fields"],
    ),
    (
        "vocabulary-unknown",
        "statistics",
        set_property("statistics", "unit", "vocabulary", "units"),
        "unit",
        None,
        ['vocabulary "units" is not one of'],
    ),
    (
        "vocabulary-with-an-enum-of-its-own",
        "statistics",
        lambda s: field_of(s, "unit")["constraints"].update(enum=["yuan"]),
        "unit",
        None,
        ["has no enum of its own", "metadata/vocabulary/units.csv"],
    ),
]


@pytest.mark.parametrize(("case", "table", "edit", "field", "value", "words"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_a_bad_schema_property_is_schema_invalid_at_the_schema(pkg, case, table, edit, field, value, words):
    edit_schema(pkg, table, edit)
    report = validate(pkg, publication=False)
    hits = [f for f in report.findings if f.rule == "schema-invalid"]
    assert [(f.file, f.field, f.value) for f in hits] == [(f"schemas/{table}.json", field, value)], hits
    for w in words:
        assert w in hits[0].message, hits[0].message
    assert not report.valid


def test_periods_in_the_schema_drive_the_period_checks(pkg):
    inverted = ",,,,,,,recently,,,nanning,"
    replace(pkg, EVENTS, inverted, ",,,,2023-09-10,2023-09-01,,recently,,happened,nanning,")
    assert findings(pkg, "period-inverted") == [(EVENTS, 2, "end_date", "2023-09-01")]
    edit_schema(pkg, "events", lambda s: s.pop("periods"))
    assert findings(pkg, "period-inverted") == []


def test_forward_looking_records_may_end_after_their_source(pkg):
    replace(
        pkg,
        STATS,
        ",exact,actual,flow,period,2024-01-01,2024-07-31,",
        ",exact,planned,flow,period,2024-01-01,2030-12-31,",
    )
    assert findings(pkg, "period-after-publication") == []
    edit_schema(pkg, "statistics", lambda s: s["periods"][0].pop("forwardLooking"))
    assert findings(pkg, "period-after-publication") == [(STATS, 6, "period_end", "2030-12-31")]


def test_iso_codes_follow_the_field_property_not_the_field_name(pkg):
    replace(pkg, PARKS, ",MY,MY-06,", ",XY,MY-06,")
    assert (PARKS, 4, "country_code", "XY") in findings(pkg, "code-invalid")
    edit_schema(pkg, "parks", lambda s: field_of(s, "country_code").pop("isoCode"))
    edit_schema(pkg, "parks", set_property("parks", "city", "isoCode", "4217"))
    hits = findings(pkg, "code-invalid")
    assert not [h for h in hits if h[2] == "country_code"]
    assert hits and {h[2] for h in hits} == {"city"}  # a city is no ISO 4217 currency


@pytest.mark.parametrize(
    ("iso", "database", "field"),
    [("3166-1", "countries", "alpha_2"), ("3166-2", "subdivisions", "code"), ("4217", "currencies", "alpha_3")],
)
def test_the_codes_are_pycountrys_own_lists(iso, database, field):
    """The code check reads pycountry's database files itself (only the codes, not an object per entry):
    it knows exactly the codes pycountry's API lists."""
    import pycountry

    from zonedata.checks.codes import known_codes

    listed = {getattr(entry, field) for entry in getattr(pycountry, database)}
    assert set(known_codes(iso).to_list()) == listed
    assert {"MY", "MY-06", "MYR"} & listed  # (one of them is in each list)


def test_a_subdivision_must_lie_in_the_country_of_the_record(pkg):
    replace(pkg, PARKS, ",MY,MY-06,", ",MY,CN-GX,")
    report = validate(pkg, publication=False)
    hits = [f for f in report.findings if f.rule == "code-invalid"]
    assert [(f.file, f.line, f.field, f.value) for f in hits] == [(PARKS, 4, "subdivision_code", "CN-GX")]
    assert "not in country MY" in hits[0].message


def test_the_published_schemas_leave_out_the_check_only_properties():
    """datapackage.json keeps its bytes: the properties only say how the raw tables are checked."""
    repo = TESTS.parent
    used = set()
    for path in (repo / "schemas").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        used |= set(schema) & set(CHECK_ONLY_TABLE_KEYS)
        used |= {k for f in schema["fields"] for k in f if k in CHECK_ONLY_FIELD_KEYS}
    # the schemas use each of them (but roleFields: this dataset's fields have the roles' default names;
    # tests/test_roles.py maps them)
    assert used | {"roleFields"} == {*CHECK_ONLY_TABLE_KEYS, *CHECK_ONLY_FIELD_KEYS}
    for res in json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        assert not set(res["schema"]) & set(CHECK_ONLY_TABLE_KEYS), res["name"]
        assert not {k for f in res["schema"]["fields"] for k in f} & set(CHECK_ONLY_FIELD_KEYS), res["name"]

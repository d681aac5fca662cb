"""Issue 10, integrity: what passes validate is exactly what is published, and no broken input
ends in an internal error. Each case is a variation of tests/corpus/base (as in
test_validate_corpus.py) pinned to the rule, file, line and field it must be reported at; the
CLI must exit 1 naming them, and build must refuse and write nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from test_validate_corpus import (
    CITES,
    PARKS,
    SEED_003,
    SOURCES,
    STATS,
    _bounds,
    assert_cli_names,
    corpus_tests,
    edit_schema,
    line_of,
    one_per_rule,
    replace,
    write,
)
from zonedata.cli import cli
from zonedata.validate import validate

EVENTS = "data/raw/events.csv"
EXCLUSIONS = "seeds/coverage_exclusions.csv"
ZONE = "china-asean-industrial-cooperation-zone"
HUGE = "9" * 26  # fits the grammar's Decimal(38, 12), but not once multiplied by a trillion


def schema_key(table: str, key: str, value) -> Callable[[Path], None]:
    return edit_schema(table, lambda schema: schema.__setitem__(key, value))


def field_constraint(table: str, field: str, key: str, value) -> Callable[[Path], None]:
    return edit_schema(
        table,
        lambda schema: (
            next(f for f in schema["fields"] if f["name"] == field)
            .setdefault("constraints", {})
            .__setitem__(key, value)
        ),
    )


def _duplicate_field(schema: dict) -> None:
    schema["fields"].append(dict(schema["fields"][1]))


def _seed_003_with(old: str, new: str) -> Callable[[Path], None]:
    """Seed 003 with `old` replaced by `new`, its recorded hash updated (a new capture of the text)."""

    def mutate(root: Path) -> None:
        seed = root / SEED_003
        before = seed.read_bytes()
        after = before.replace(old.encode(), new.encode(), 1)
        assert after != before
        seed.write_bytes(after)
        replace(SOURCES, hashlib.sha256(before).hexdigest(), hashlib.sha256(after).hexdigest())(root)

    return mutate


LINKS = "data/raw/statistic_links.csv"
RELATIONS = "data/raw/relations.csv"


def links(*rows: tuple[str, str, str]) -> Callable[[Path], None]:
    """statistic_links holding `rows` (statistic_id, relation, related_statistic_id), one per line from 2."""
    body = "".join(f"link-{i:04d},{a},{rel},{b},\n" for i, (a, rel, b) in enumerate(rows, 1))
    return write(LINKS, ("link_id,statistic_id,relation,related_statistic_id,notes\n" + body).encode())


def both(*mutations: Callable[[Path], None]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        for m in mutations:
            m(root)

    return mutate


def _rows(root: Path, path: str) -> list[list[str]]:
    with (root / path).open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write_rows(root: Path, path: str, rows: list[list[str]]) -> None:
    with (root / path).open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def set_cells(path: str, lineno: int, **cells: str) -> Callable[[Path], None]:
    """Set named cells of the record on line `lineno` (the base's tables hold one record per line)."""

    def mutate(root: Path) -> None:
        rows = _rows(root, path)
        for column, value in cells.items():
            rows[lineno - 1][rows[0].index(column)] = value
        _write_rows(root, path, rows)

    return mutate


def add_like(path: str, lineno: int, *records: dict[str, str]) -> Callable[[Path], None]:
    """Append copies of the record on line `lineno`, each with some cells changed."""

    def mutate(root: Path) -> None:
        rows = _rows(root, path)
        for changes in records:
            row = list(rows[lineno - 1])
            for column, value in changes.items():
                row[rows[0].index(column)] = value
            rows.append(row)
        _write_rows(root, path, rows)

    return mutate


def events(*chain: tuple[str, str, str]) -> Callable[[Path], None]:
    """Events (id, series, parent) like the base's one event, from line 3 on."""
    return add_like(EVENTS, 2, *({"event_id": e, "series_event_id": s, "parent_event_id": p} for e, s, p in chain))


# the base's one event, on line 2 of events.csv
EVENT = "china-asean-cross-border-supply-chain-innovation-and-development-forum"
SCIENCE_PARK = "china-malaysia-international-science-and-technology-park"  # parks.csv line 5, inside line 3's park

# (case id, mutation, rule, file, line, field)
BROKEN = [
    # casts that silently null
    (
        "value-overflows-decimal",
        replace(STATS, ",70.1,billion,", ",1" + "0" * 60 + ",billion,"),
        "type-error",
        STATS,
        6,
        "value",
    ),
    (
        "value-33-integer-digits",
        replace(STATS, ",70.1,billion,", ",1" + "0" * 32 + ",billion,"),
        "type-error",
        STATS,
        6,
        "value",
    ),
    (
        "normalised-value-overflows",
        replace(STATS, ",70.1,billion,", ",1" + "0" * 25 + ",billion,"),
        "range-violation",
        STATS,
        6,
        "value",
    ),
    # value_text names the whole figure
    (
        "value-text-part-of-number",
        replace(STATS, '"1,221 projects",1221', '"1,22",1221'),
        "value-text-not-in-quote",
        STATS,
        5,
        "value_text",
    ),
    (
        "value-text-tail-of-number",
        replace(STATS, "70.1 billion yuan,70.1", "0.1 billion yuan,70.1"),
        "value-text-not-in-quote",
        STATS,
        6,
        "value_text",
    ),
    (
        "value-text-one-digit",
        replace(STATS, '"1,221 projects",1221', "1,1221"),
        "value-text-not-in-quote",
        STATS,
        5,
        "value_text",
    ),
    (
        "value-text-one-letter",
        replace(STATS, "70.1 billion yuan,70.1", "n,70.1"),
        "value-text-not-in-quote",
        STATS,
        6,
        "value_text",
    ),
    (
        "value-text-full-stop",
        replace(STATS, "70.1 billion yuan,70.1", ".,70.1"),
        "value-text-not-in-quote",
        STATS,
        6,
        "value_text",
    ),
    (
        "value-text-cuts-the-figure-off",
        replace(STATS, "70.1 billion yuan,70.1", "was 70.1,70.1"),
        "value-text-not-in-quote",
        STATS,
        6,
        "value_text",
    ),
    (
        "value-text-blank",
        replace(STATS, "70.1 billion yuan,70.1", " ,70.1"),
        "required-missing",
        STATS,
        6,
        "value_text",
    ),
    # blank required text
    ("name-blank", set_cells(PARKS, 2, name=" "), "required-missing", PARKS, 2, "name"),
    ("name-ideographic-space", set_cells(PARKS, 2, name="\u3000"), "required-missing", PARKS, 2, "name"),
    ("name-zero-width-space", set_cells(PARKS, 2, name="\u200b\u00a0"), "required-missing", PARKS, 2, "name"),
    (
        "label-blank",
        replace(STATS, ",order of the China-Malaysia", ",\u3000\t,order of the China-Malaysia"),
        "required-missing",
        STATS,
        2,
        "label",
    ),
    # foreign keys must resolve to a table and field
    (
        "fk-to-missing-table",
        schema_key(
            "parks",
            "foreignKeys",
            [{"fields": ["parent_park_id"], "reference": {"resource": "zones", "fields": ["zone_id"]}}],
        ),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "fk-to-missing-field",
        schema_key(
            "parks",
            "foreignKeys",
            [{"fields": ["parent_park_id"], "reference": {"resource": "parks", "fields": ["zone_id"]}}],
        ),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    ("fk-empty-object", schema_key("parks", "foreignKeys", {}), "schema-invalid", "schemas/parks.json", None, None),
    # reference cycles
    ("own-parent", set_cells(PARKS, 2, parent_park_id=ZONE), "reference-cycle", PARKS, 2, "parent_park_id"),
    ("own-twin", set_cells(PARKS, 2, twin_park_id=ZONE), "reference-cycle", PARKS, 2, "twin_park_id"),
    ("parent-loop", set_cells(PARKS, 3, parent_park_id=SCIENCE_PARK), "reference-cycle", PARKS, 3, "parent_park_id"),
    ("own-series", set_cells(EVENTS, 2, series_event_id=EVENT), "reference-cycle", EVENTS, 2, "series_event_id"),
    ("own-parent-event", set_cells(EVENTS, 2, parent_event_id=EVENT), "reference-cycle", EVENTS, 2, "parent_event_id"),
    (
        "series-loop",
        events(("expo-a", "expo-b", ""), ("expo-b", "expo-a", "")),
        "reference-cycle",
        EVENTS,
        3,
        "series_event_id",
    ),
    (
        "region-loop",
        set_cells("data/raw/regions.csv", 2, parent_region_id="guangxi"),
        "reference-cycle",
        "data/raw/regions.csv",
        2,
        "parent_region_id",
    ),
    # a link row from a record to itself, and loops of directional links (schemas' distinctReferences, acyclicLinks)
    (
        "stat-linked-to-itself",
        links(("stat-0008", "same_quantity", "stat-0008")),
        "self-link",
        LINKS,
        2,
        "related_statistic_id",
    ),
    (
        "relation-subject-is-object",
        set_cells(RELATIONS, 2, object_table="organisations", object_id="chinese-government"),
        "self-link",
        RELATIONS,
        2,
        "object_id",
    ),
    (
        "stat-subject-is-counterpart",
        set_cells(STATS, 2, counterpart_table="parks", counterpart_id="china-malaysia-qinzhou-industrial-park"),
        "self-link",
        STATS,
        2,
        "counterpart_id",
    ),
    (
        "part-of-each-other",
        links(("stat-0008", "part_of", "stat-0011"), ("stat-0011", "part_of", "stat-0008")),
        "reference-cycle",
        LINKS,
        3,
        "related_statistic_id",
    ),
    (
        "distinct-references-not-keys",
        schema_key("statistic_links", "distinctReferences", [["notes", "link_id"]]),
        "schema-invalid",
        "schemas/statistic_links.json",
        None,
        None,
    ),
    (
        "acyclic-links-kinds-missing",
        schema_key(
            "statistic_links",
            "acyclicLinks",
            [{"fields": ["statistic_id", "related_statistic_id"], "kindField": "relation"}],
        ),
        "schema-invalid",
        "schemas/statistic_links.json",
        None,
        None,
    ),
    # numbers as strict as dates: a space around the number is refused, not trimmed
    ("number-trailing-space", replace(STATS, ",1221,,count,", ",1221 ,,count,"), "type-error", STATS, 5, "value"),
    ("number-leading-space", replace(STATS, ",1221,,count,", ", 1221,,count,"), "type-error", STATS, 5, "value"),
    ("number-tab-after", replace(STATS, ",1221,,count,", ",1221\t,,count,"), "type-error", STATS, 5, "value"),
    (
        "integer-trailing-space",
        set_cells(PARKS, 3, construction_start_year="2012 "),
        "type-error",
        PARKS,
        3,
        "construction_start_year",
    ),
    # strict dates, sane bounds
    ("date-one-digit-month", set_cells(STATS, 2, period_start="2023-9-16"), "type-error", STATS, 2, "period_start"),
    ("date-one-digit-day", set_cells(STATS, 2, period_end="2023-09-6"), "type-error", STATS, 2, "period_end"),
    ("date-plus-sign", set_cells(STATS, 2, period_start="+2023-09-16"), "type-error", STATS, 2, "period_start"),
    ("date-leading-space", set_cells(STATS, 2, period_start=" 2023-09-16"), "type-error", STATS, 2, "period_start"),
    ("date-trailing-space", set_cells(STATS, 2, period_start="2023-09-16 "), "type-error", STATS, 2, "period_start"),
    ("date-year-zero", set_cells(STATS, 2, period_start="0000-01-01"), "type-error", STATS, 2, "period_start"),
    ("date-basic-format", set_cells(STATS, 2, period_start="20230916"), "type-error", STATS, 2, "period_start"),
    (
        "bound-nan",
        _bounds("parks", "construction_start_year", maximum=float("nan")),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "bound-infinite",
        _bounds("parks", "construction_start_year", minimum=float("-inf")),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "date-bound-basic-format",
        _bounds("statistics", "period_start", minimum="19000101"),
        "schema-invalid",
        "schemas/statistics.json",
        None,
        None,
    ),
    (
        "length-bound-negative",
        _bounds("parks", "name", minLength=-1),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    # formula injection (OWASP)
    ("formula-minus", set_cells(PARKS, 6, city="-2+3+cmd|' /C calc'!A0"), "formula-injection", PARKS, 6, "city"),
    ("formula-plus", set_cells(PARKS, 6, city="+1"), "formula-injection", PARKS, 6, "city"),
    ("formula-at", set_cells(PARKS, 6, city="@SUM(A1)"), "formula-injection", PARKS, 6, "city"),
    ("formula-tab", set_cells(PARKS, 6, city="\t=1"), "formula-injection", PARKS, 6, "city"),
    (
        "formula-carriage-return",
        both(set_cells(PARKS, 6, city="CR"), replace(PARKS, ",CR,", ',"\r=1",')),
        "formula-injection",
        PARKS,
        6,
        "city",
    ),
    ("formula-after-space", set_cells(PARKS, 6, city=" =1"), "formula-injection", PARKS, 6, "city"),
    # no internal errors
    (
        "header-deleted",
        lambda root: (root / STATS).write_text(
            (root / STATS).read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8"
        ),
        "header-missing-column",
        STATS,
        1,
        "statistic_id",
    ),
    ("header-matches-nothing", write(STATS, b"a,b,c\n1,2,3\n"), "header-missing-column", STATS, 1, "statistic_id"),
    ("header-only-unknown-one-cell", write(STATS, b"x\n1\n2\n"), "header-missing-column", STATS, 1, "statistic_id"),
    (
        "quote-number-overflows",
        both(
            _seed_003_with("70.1 billion yuan", f"{HUGE} trillion yuan"),
            replace(CITES, "70.1 billion yuan", f"{HUGE} trillion yuan", count=2),
            replace(STATS, "70.1 billion yuan,70.1,billion,", f"{HUGE} trillion yuan,{HUGE},trillion,"),
        ),
        "range-violation",
        STATS,
        6,
        "value",
    ),
    ("fk-not-an-object", schema_key("parks", "foreignKeys", ["x"]), "schema-invalid", "schemas/parks.json", None, None),
    (
        "fk-without-reference",
        schema_key("parks", "foreignKeys", [{"fields": ["parent_park_id"]}]),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "fk-two-fields-to-one",
        schema_key(
            "parks",
            "foreignKeys",
            [{"fields": ["parent_park_id", "twin_park_id"], "reference": {"resource": "parks", "fields": ["park_id"]}}],
        ),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "fk-fields-a-number",
        schema_key("parks", "foreignKeys", [{"fields": 5, "reference": {"resource": "parks", "fields": ["park_id"]}}]),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    ("primary-key-a-number", schema_key("parks", "primaryKey", 5), "schema-invalid", "schemas/parks.json", None, None),
    (
        "primary-key-field-twice",
        schema_key("parks", "primaryKey", ["park_id", "park_id"]),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    ("field-name-twice", edit_schema("parks", _duplicate_field), "schema-invalid", "schemas/parks.json", None, None),
    (
        "field-named-like-the-line-column",
        edit_schema("parks", lambda s: s["fields"].insert(-1, {"name": "__line__"})),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "field-name-a-number",
        edit_schema("parks", lambda s: s["fields"][1].__setitem__("name", 5)),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "constraints-a-string",
        edit_schema("parks", lambda s: s["fields"][1].__setitem__("constraints", "x")),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    ("enum-a-number", field_constraint("parks", "kind", "enum", 5), "schema-invalid", "schemas/parks.json", None, None),
    (
        "enum-of-objects",
        field_constraint("parks", "kind", "enum", [{"a": 1}]),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "pattern-unbalanced",
        field_constraint("parks", "park_id", "pattern", "("),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "pattern-a-number",
        field_constraint("parks", "park_id", "pattern", 5),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "required-a-string",
        field_constraint("parks", "name", "required", "yes"),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "polymorphic-key-without-id-field",
        schema_key("citations", "polymorphicKeys", [{"tableField": "record_table"}]),
        "schema-invalid",
        "schemas/citations.json",
        None,
        None,
    ),
    (
        "polymorphic-keys-an-object",
        schema_key("citations", "polymorphicKeys", {}),
        "schema-invalid",
        "schemas/citations.json",
        None,
        None,
    ),
    (
        "unique-keys-of-numbers",
        schema_key("parks", "uniqueKeys", [5]),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "fields-of-strings",
        schema_key("regions", "fields", ["region_id"]),
        "schema-invalid",
        "schemas/regions.json",
        None,
        None,
    ),
    (
        "exclusions-unclosed-quote",
        write(EXCLUSIONS, b'source_id,phrase,reason\n001,"the third,slogan\n'),
        "csv-malformed",
        EXCLUSIONS,
        2,
        None,
    ),
    (
        "exclusions-extra-cell",
        write(EXCLUSIONS, b"source_id,phrase,reason\n001,the third,slogan,extra\n"),
        "row-ragged",
        EXCLUSIONS,
        2,
        None,
    ),
    (
        "exclusions-invalid-utf8",
        write(EXCLUSIONS, b"source_id,phrase,reason\n001,the \xff third,slogan\n"),
        "encoding-error",
        EXCLUSIONS,
        2,
        None,
    ),
    ("exclusions-empty", write(EXCLUSIONS, b""), "csv-malformed", EXCLUSIONS, 1, None),
    (
        "exclusions-missing-reason",
        write(EXCLUSIONS, b"source_id,phrase,reason\n001,the third,\n"),
        "required-missing",
        EXCLUSIONS,
        2,
        "reason",
    ),
    (
        "exclusions-unknown-source",
        write(EXCLUSIONS, b"source_id,phrase,reason\n009,the third,slogan\n"),
        "foreign-key-dangling",
        EXCLUSIONS,
        2,
        "source_id",
    ),
    (
        "unclosed-quote-in-table",
        line_of(PARKS, 4, lambda l: l.replace(",Kuantan,", ',"Kuantan,', 1)),
        "csv-malformed",
        PARKS,
        4,
        None,
    ),
    (
        "table-is-a-directory",
        lambda root: ((root / PARKS).unlink(), (root / PARKS).mkdir()),
        "table-unreadable",
        PARKS,
        None,
        None,
    ),
]


test_broken_input_is_reported, test_cli_exits_1_naming_file_and_line, test_build_refuses_and_writes_nothing = (
    corpus_tests(BROKEN, renamed=True)
)


def _findings(corpus_package: Path, file: str) -> list[tuple]:
    return [(f.rule, f.line, f.field) for f in validate(corpus_package, publication=False).findings if f.file == file]


@pytest.mark.parametrize("value", [".5", "1e3", "1E3", "0x10", "1_000", "١٢٣", "1,221", "nan", "-inf", "5."])
def test_a_number_that_is_not_plain_gets_the_type_error_alone(corpus_package, value):
    """No spurious number-mismatch beside the type error (the quote checks read only what typed)."""
    replace(STATS, ",1221,,count,", f',"{value}",,count,')(corpus_package)
    assert _findings(corpus_package, STATS) == [("type-error", 5, "value")]


def test_a_value_of_32_integer_digits_is_publishable(corpus_package):
    """The largest value Decimal(38, 6) holds is no range-violation (exact arithmetic, not 28 digits)."""
    replace(STATS, ",70.1,billion,", ",99999999999999999999999999999999.999999,,")(corpus_package)
    rules = {rule for rule, *_ in _findings(corpus_package, STATS)}
    assert "range-violation" not in rules and "type-error" not in rules


@pytest.mark.parametrize(
    "value,scale", [(HUGE, "trillion"), ("9" * 32, "million"), ("99999999999999999999999999", "billion")]
)
def test_an_overflowing_figure_in_a_published_package_is_a_finding_not_an_internal_error(tmp_path, value, scale):
    """Issue 10: with data/clean built, validate also compares the publication with what a build would
    write now, and that computes value_normalised while the range check runs beside it: a figure whose
    normalised value overflows Decimal(38, 6) must be range-violation (exit 1) with every other finding
    kept, not an overflow error that loses the report."""
    root = tmp_path / "corpus_package"
    shutil.copytree(Path(__file__).parent / "fixtures" / "valid", root)
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "--root", str(root)])
    assert built.exit_code == 0, built.output
    replace(STATS, ",70.1,billion,", f",{value},{scale},")(root)
    result = runner.invoke(cli, ["validate", "--root", str(root), "--format", "json"])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    found = {(f["rule"], f["file"], f["line"], f["field"]) for f in json.loads(result.output)["findings"]}
    assert ("range-violation", STATS, 2, "value") in found
    assert ("number-mismatch", STATS, 2, "value") in found  # the other findings are still reported
    stale = [f for f in json.loads(result.output)["findings"] if f["rule"] == "publication-stale"]
    assert [(f["file"], f["line"], f["field"]) for f in stale] == [("datapackage.json", None, None)]
    assert "data/clean/statistics.csv" in stale[0]["value"]


def _link_findings(corpus_package: Path, rule: str) -> list[tuple]:
    return [(f.file, f.line, f.field) for f in validate(corpus_package, publication=False).findings if f.rule == rule]


def test_a_loop_of_directional_links_names_every_row_and_only_those(corpus_package):
    links(
        ("stat-0008", "growth_rate_of", "stat-0011"),  # 2: a loop of three growth_rate_of rows
        ("stat-0011", "growth_rate_of", "stat-0012"),  # 3
        ("stat-0012", "growth_rate_of", "stat-0008"),  # 4
        ("stat-0020", "growth_rate_of", "stat-0008"),  # 5: leads into the loop, is not on it
    )(corpus_package)
    assert _link_findings(corpus_package, "reference-cycle") == [(LINKS, 2, "related_statistic_id")] + [
        (LINKS, n, "related_statistic_id") for n in (3, 4)
    ]


def test_links_that_go_both_ways_or_change_kind_are_no_loop(corpus_package):
    links(
        ("stat-0008", "same_quantity", "stat-0011"),  # same_quantity is not directional
        ("stat-0011", "same_quantity", "stat-0008"),
        ("stat-0012", "part_of", "stat-0020"),  # two kinds: a part of B, B a growth rate of A, is no loop
        ("stat-0020", "growth_rate_of", "stat-0012"),
    )(corpus_package)
    assert _link_findings(corpus_package, "reference-cycle") == []
    assert _link_findings(corpus_package, "self-link") == []


def test_a_relation_member_of_loop_is_a_cycle(corpus_package):
    set_cells(RELATIONS, 2, relation="member_of", object_table="organisations", object_id="foreign-government")(
        corpus_package
    )
    set_cells(RELATIONS, 3, relation="member_of", object_table="organisations", object_id="chinese-government")(
        corpus_package
    )
    assert _link_findings(corpus_package, "reference-cycle") == [
        (RELATIONS, 2, "object_id"),
        (RELATIONS, 3, "object_id"),
    ]


@pytest.mark.parametrize("value", ["1221 ", " 1221", "\u00a01221"])
def test_a_spaced_number_is_a_type_error_that_says_to_delete_the_space(corpus_package, value):
    replace(STATS, ",1221,,count,", f',"{value}",,count,')(corpus_package)
    hits = [f for f in validate(corpus_package, publication=False).findings if f.file == STATS]
    assert [(f.rule, f.line, f.field) for f in hits] == [("type-error", 5, "value")]
    assert "delete the space" in hits[0].message


def test_a_negative_number_is_no_formula(corpus_package):
    replace(STATS, ",70.1,billion,", ",-70.1,billion,")(corpus_package)
    rules = {rule for rule, *_ in _findings(corpus_package, STATS)}
    assert "formula-injection" not in rules and "number-mismatch" in rules


def test_a_parent_loop_names_every_member(corpus_package):
    set_cells(PARKS, 3, parent_park_id=SCIENCE_PARK)(corpus_package)
    hits = [f for f in validate(corpus_package, publication=False).findings if f.rule == "reference-cycle"]
    assert [(f.line, f.field) for f in hits] == [(3, "parent_park_id"), (5, "parent_park_id")]
    assert (
        "china-malaysia-qinzhou-industrial-park -> china-malaysia-international-science-and-technology-park -> "
        "china-malaysia-qinzhou-industrial-park" in hits[0].message
    )


def test_reciprocal_twins_are_no_cycle_and_a_chain_into_a_loop_reports_only_the_loop(corpus_package):
    # the two twin pairs of the base point at each other: that is the reciprocity a twin needs, not a loop
    events(("expo-a", "expo-b", ""), ("expo-b", "expo-c", ""), ("expo-c", "expo-b", ""))(corpus_package)
    hits = [
        (f.file, f.line, f.field)
        for f in validate(corpus_package, publication=False).findings
        if f.rule == "reference-cycle"
    ]
    assert hits == [(EVENTS, 4, "series_event_id"), (EVENTS, 5, "series_event_id")]


def test_cycles_come_from_the_schema_for_any_table(corpus_package):
    """A self-referencing key that no code names (regions' parent) gets the cycle check from its schema."""
    set_cells("data/raw/regions.csv", 2, parent_region_id="kuantan")(
        corpus_package
    )  # china -> kuantan -> pahang -> malaysia
    set_cells("data/raw/regions.csv", 7, parent_region_id="china")(corpus_package)  # malaysia -> china: a loop of four
    hits = [
        (f.file, f.line, f.field)
        for f in validate(corpus_package, publication=False).findings
        if f.rule == "reference-cycle"
    ]
    assert hits == [("data/raw/regions.csv", n, "parent_region_id") for n in (2, 7, 8, 9)]


def test_a_whitespace_only_optional_cell_is_empty(corpus_package):
    set_cells(PARKS, 6, city=" \u3000 ")(corpus_package)
    report = validate(corpus_package, publication=False)
    assert report.valid, [(f.rule, f.file, f.line) for f in report.errors]


def test_table_missing_is_said_only_of_a_missing_file(corpus_package):
    (corpus_package / PARKS).unlink()
    (corpus_package / PARKS).mkdir()
    rules = {f.rule for f in validate(corpus_package, publication=False).findings if f.file == PARKS}
    assert "table-missing" not in rules and "table-unreadable" in rules


def test_coverage_with_broken_exclusions_reports_findings(corpus_package):
    write(EXCLUSIONS, b'source_id,phrase,reason\n001,"the third,slogan\n')(corpus_package)
    result = CliRunner().invoke(cli, ["coverage", "--root", str(corpus_package), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert any(f["rule"] == "csv-malformed" and f["file"] == EXCLUSIONS for f in report["findings"])


def test_valid_exclusions_pass(corpus_package):
    write(EXCLUSIONS, b"source_id,phrase,reason\n001,the third international park,an ordinal recorded elsewhere\n")(
        corpus_package
    )
    report = validate(corpus_package, publication=False)
    assert report.valid, [(f.rule, f.file, f.line) for f in report.errors]


@pytest.mark.parametrize(
    "key,value,words",
    [
        ("licenses", 5, "licenses must be a non-empty list"),
        ("licenses", ["CC-BY-4.0"], "licenses[0] must be an object"),
        ("licenses", [{"title": "CC BY"}], "licenses[0] needs a name"),
        ("licenses", [{"name": 4}], "licenses[0].name must be a non-empty string"),
        ("keywords", "China", "keywords must be a list"),
        ("keywords", ["China", 5], "keywords must be a list"),
        ("contributors", [{"roles": ["creator"]}], "contributors[0] needs a title"),
        ("contributors", [{"title": "x", "roles": "creator"}], "contributors[0].roles must be a list"),
        ("contributors", [{"title": "x", "roles": [1]}], "contributors[0].roles must be a list of strings"),
        ("contributors", [{"title": "x", "email": "nobody"}], "is not an email address"),
        ("title", 5, "title must be a non-empty string"),
        ("homepage", ["https://x"], "homepage must be a non-empty string"),
    ],
)
def test_package_metadata_of_the_wrong_type_is_refused(package, key, value, words):
    path = package / "metadata" / "package.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta[key] = value
    path.write_text(json.dumps(meta), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert result.exit_code == 2, result.output
    assert "metadata/package.json" in result.output and words in result.output, result.output
    assert "internal error" not in result.output
    assert not (package / "datapackage.json").exists()


def test_the_fixture_metadata_passes_and_frictionless_accepts_the_descriptor(package):
    import frictionless

    result = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert result.exit_code == 0, result.output
    report = frictionless.validate(str(package / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])


def test_the_published_quote_is_the_seed_passage_whatever_the_typing(package):
    """A quote typed with straight quotes, a hyphen for a dash or a doubled space is published as the
    source writes it, so quote and offsets agree for every reader."""
    import polars as pl

    raw = package / "data" / "raw" / "citations.csv"
    text = raw.read_text(encoding="utf-8")
    assert " Guangxi Zhuang Autonomous Region is accelerating" in text
    raw.write_text(
        text.replace(
            " Guangxi Zhuang Autonomous Region is accelerating",
            " Guangxi  Zhuang\u00a0Autonomous Region is   accelerating",
            1,
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert result.exit_code == 0, result.output
    cites = pl.read_parquet(package / "data" / "clean" / "citations.parquet")
    files = dict(
        pl.read_parquet(package / "data" / "clean" / "sources.parquet").select("source_id", "file").iter_rows()
    )
    for sid, quote, start, end in cites.select("source_id", "quote", "quote_start", "quote_end").iter_rows():
        assert (package / "seeds" / files[sid]).read_text(encoding="utf-8")[start:end] == quote
    assert not cites.filter(pl.col("quote").str.contains("  ", literal=True)).height


@pytest.mark.parametrize(
    "field,edit,vocabulary,code,words",
    [
        # the field's "vocabulary" property: its enum comes from metadata/vocabulary/, so an enum of the
        # schema's own is blamed on the schema (schema-invalid), and build refuses
        ("scale", lambda c: c.update(enum=["billion", "quadrillion"]), True, 1, "has no enum of its own"),
        ("unit", lambda c: c.update(enum=["yuan"]), True, 1, "delete the enum, and add a value as a row of"),
        # without it, the build's own guard still refuses to publish values it cannot normalise
        (
            "scale",
            lambda c: c.update(enum=["billion", "quadrillion"]),
            False,
            2,
            "scale(s) ['quadrillion'] have no normalisation",
        ),
        ("unit", lambda c: None, False, 2, "unit needs an enum"),
    ],
)
def test_a_unit_or_scale_the_build_cannot_normalise_is_refused(package, field, edit, vocabulary, code, words):
    """value_normalised looks every scale and unit up: one it does not know would be published empty."""
    path = package / "schemas" / "statistics.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    spec = next(f for f in schema["fields"] if f["name"] == field)
    edit(spec["constraints"])
    if not vocabulary:
        spec.pop("vocabulary")
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert result.exit_code == code and words in result.output, result.output
    assert not (package / "datapackage.json").exists()


def drop_column(path: str, column: str) -> Callable[[Path], None]:
    """Delete a column from a table: from its header and from every record."""

    def mutate(root: Path) -> None:
        rows = _rows(root, path)
        i = rows[0].index(column)
        _write_rows(root, path, [r[:i] + r[i + 1 :] for r in rows])

    return mutate


REGIONS = "data/raw/regions.csv"
STATISTIC_LINKS = "data/raw/statistic_links.csv"

#: (case id, mutation, every error validate reports, as (rule, file, line, field)): a column or table the
#: package lacks is reported once, and nothing else is blamed on it (issue 11: the loader null-fills it)
ABSENT = [
    ("optional-column", drop_column(PARKS, "city"), [("header-missing-column", PARKS, 1, "city")]),
    # columns a schema property names (isoCode, periods' forwardLooking): the checks read them unguarded
    (
        "iso-code-column",
        drop_column(PARKS, "country_code"),
        [("header-missing-column", PARKS, 1, "country_code")],
    ),
    ("forward-looking-column", drop_column(STATS, "basis"), [("header-missing-column", STATS, 1, "basis")]),
    # not one required-missing per record
    ("required-column", drop_column(PARKS, "name"), [("header-missing-column", PARKS, 1, "name")]),
    ("unit-column", drop_column(STATS, "unit"), [("header-missing-column", STATS, 1, "unit")]),
    # not one foreign-key-dangling per citation, statistic or relation naming a park, nor a primary-key-duplicate
    ("key-column", drop_column(PARKS, "park_id"), [("header-missing-column", PARKS, 1, "park_id")]),
    (
        "key-column-of-a-keyed-target",
        drop_column(REGIONS, "region_id"),
        [("header-missing-column", REGIONS, 1, "region_id")],
    ),
    ("referencing-column", drop_column(PARKS, "region_id"), [("header-missing-column", PARKS, 1, "region_id")]),
    (
        "self-reference-column",
        drop_column(PARKS, "twin_park_id"),
        [("header-missing-column", PARKS, 1, "twin_park_id")],
    ),
    # not one quote-not-found, record-uncited or text-not-in-quote per citation
    ("quote-column", drop_column(CITES, "quote"), [("header-missing-column", CITES, 1, "quote")]),
    ("record-id-column", drop_column(CITES, "record_id"), [("header-missing-column", CITES, 1, "record_id")]),
    ("quoted-column", drop_column(PARKS, "status_text"), [("header-missing-column", PARKS, 1, "status_text")]),
    # not one number-mismatch or unit-mismatch per figure
    ("value-column", drop_column(STATS, "value"), [("header-missing-column", STATS, 1, "value")]),
    # not one source-unlisted per seed text, nor a source-hash-mismatch
    ("seed-file-column", drop_column(SOURCES, "file"), [("header-missing-column", SOURCES, 1, "file")]),
    ("hash-column", drop_column(SOURCES, "sha256"), [("header-missing-column", SOURCES, 1, "sha256")]),
    # a whole table: its one finding, and no reference to it dangles
    ("table", lambda root: (root / PARKS).unlink(), [("table-missing", PARKS, None, None)]),
    ("citations-table", lambda root: (root / CITES).unlink(), [("table-missing", CITES, None, None)]),
    ("sources-table", lambda root: (root / SOURCES).unlink(), [("table-missing", SOURCES, None, None)]),
    ("leaf-table", lambda root: (root / STATISTIC_LINKS).unlink(), [("table-missing", STATISTIC_LINKS, None, None)]),
]


@pytest.mark.parametrize("case,mutate,expected", ABSENT, ids=[c[0] for c in ABSENT])
def test_a_missing_column_or_table_is_reported_once(corpus_package, case, mutate, expected):
    mutate(corpus_package)
    report = validate(corpus_package, publication=False)
    assert [(f.rule, f.file, f.line, f.field) for f in report.errors] == expected


#: the CLI renders every finding alike: one case per rule
_FIRST_OF_RULE = {name for name, *_ in one_per_rule([(name, m, expected[0][0]) for name, m, expected in ABSENT])}
ABSENT_PER_RULE = [c for c in ABSENT if c[0] in _FIRST_OF_RULE]


@pytest.mark.parametrize("case,mutate,expected", ABSENT_PER_RULE, ids=[c[0] for c in ABSENT_PER_RULE])
def test_cli_exits_1_naming_the_missing_column_or_table(corpus_package, case, mutate, expected):
    (rule, file, line, _field), *_ = expected
    mutate(corpus_package)
    assert_cli_names(corpus_package, rule, file, line)


def test_the_loader_fills_a_missing_column_with_nulls_of_its_type(corpus_package):
    from zonedata.base.findings import LINE
    from zonedata.base.paths import Paths
    from zonedata.base.vocabulary import TYPES
    from zonedata.loading.schema import load_schema
    from zonedata.loading.tables import read_table

    drop_column(PARKS, "construction_start_year")(corpus_package)
    drop_column(PARKS, "city")(corpus_package)
    paths = Paths(corpus_package)
    schema = load_schema(paths, "parks")
    table = read_table(paths, schema)
    assert table.read and table.absent == {"construction_start_year", "city"}
    assert table.lacks("city") and not table.lacks("name") and table.lacks("no_such_field")
    for frame in (table.frame, table.strings):
        assert frame.columns == [*schema.raw_names, LINE]  # every column, in the schema's order
        assert frame.height == 6 and frame["city"].null_count() == 6
    assert table.frame.schema["construction_start_year"] == TYPES["integer"].raw
    assert table.strings.schema["construction_start_year"] == TYPES["string"].raw
    assert table.frame["name"].null_count() == 0
    assert [(f.rule, f.field) for f in table.findings] == [
        ("header-missing-column", "city"),
        ("header-missing-column", "construction_start_year"),
    ]


def test_a_table_that_cannot_be_read_has_every_column_and_no_rows(corpus_package):
    from zonedata.base.findings import LINE
    from zonedata.base.paths import Paths
    from zonedata.loading.schema import load_schema
    from zonedata.loading.tables import read_table

    paths = Paths(corpus_package)
    schema = load_schema(paths, "parks")
    for mutate in (
        (lambda: (corpus_package / PARKS).unlink()),
        (lambda: (corpus_package / PARKS).mkdir()),
        (lambda: write(PARKS, b"")(corpus_package)),
    ):
        mutate()
        table = read_table(paths, schema)
        assert not table.read and table.absent == set(schema.raw_names)
        assert table.frame.columns == table.strings.columns == [*schema.raw_names, LINE]
        assert table.frame.height == 0 and table.frame.schema["year_established"] == pl.Int64
        assert len(table.findings) == 1
        if (corpus_package / PARKS).is_dir():
            (corpus_package / PARKS).rmdir()

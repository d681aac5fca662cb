"""The corpus of broken inputs: each case is a small variation of the valid package in
tests/corpus/base/, and must produce a given rule code at a given file and line (and exit 1,
without a traceback). Variations that must pass are at the end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from renaming import assert_renaming_changes_no_finding
from zonedata.cli import cli
from zonedata.validate import validate

BASE = Path(__file__).parent / "corpus" / "base"
SEED_001 = "seeds/001_27ad36de142194f5.txt"
SEED_003 = "seeds/003_ba2da06112540458.txt"
PARKS, STATS, CITES, SOURCES = (
    "data/raw/parks.csv",
    "data/raw/statistics.csv",
    "data/raw/citations.csv",
    "seeds/sources.csv",
)
REGIONS, ORGS, PARTS, RELS = (
    "data/raw/regions.csv",
    "data/raw/organisations.csv",
    "data/raw/participants.csv",
    "data/raw/relations.csv",
)


def replace(path: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        f = root / path
        text = f.read_text(encoding="utf-8")
        assert text.count(old) >= 1, f"fixture drift: {old!r} not in {path}"
        f.write_text(text.replace(old, new, count), encoding="utf-8", newline="")

    return mutate


def line_of(path: str, lineno: int, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        f = root / path
        lines = f.read_text(encoding="utf-8").split("\n")
        lines[lineno - 1] = edit(lines[lineno - 1])
        f.write_text("\n".join(lines), encoding="utf-8", newline="")

    return mutate


def append_bytes(path: str, data: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        with (root / path).open("ab") as fh:
            fh.write(data)

    return mutate


def delete(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


def write(path: str, data: bytes) -> Callable[[Path], None]:
    return lambda root: (root / path).write_bytes(data)


def duplicate_line(path: str, lineno: int) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        f = root / path
        lines = f.read_text(encoding="utf-8").rstrip("\n").split("\n")
        f.write_text("\n".join(lines + [lines[lineno - 1]]) + "\n", encoding="utf-8", newline="")

    return mutate


def insert_bytes(path: str, lineno: int, data: bytes) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        f = root / path
        lines = f.read_bytes().split(b"\n")
        lines[lineno - 1] = lines[lineno - 1].replace(b",", b"," + data, 1)
        f.write_bytes(b"\n".join(lines))

    return mutate


def _non_utf8_seed(root: Path) -> None:
    """A seed with a Windows-1252 byte, its hash updated so only the encoding is wrong."""
    import hashlib

    seed = root / SEED_003
    data = seed.read_bytes().replace(b"accelerates", b"acceler\x93tes", 1)
    seed.write_bytes(data)
    old = hashlib.sha256(data.replace(b"acceler\x93tes", b"accelerates", 1)).hexdigest()
    replace(SOURCES, old, hashlib.sha256(data).hexdigest())(root)


def edit_schema(table: str, edit: Callable[[dict], None]) -> Callable[[Path], None]:
    """Change schemas/<table>.json (a schema edit, not a data edit)."""

    def mutate(root: Path) -> None:
        import json

        path = root / "schemas" / f"{table}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        edit(schema)
        path.write_text(json.dumps(schema), encoding="utf-8")

    return mutate


def _bounds(table: str, field: str, **constraints) -> Callable[[Path], None]:
    """Set constraints of one field in a schema."""
    return edit_schema(
        table,
        lambda schema: (
            next(f for f in schema["fields"] if f["name"] == field).setdefault("constraints", {}).update(constraints)
        ),
    )


# (case id, mutation, rule, file, line, field)
BROKEN = [
    ("empty-table", write(PARKS, b""), "csv-malformed", PARKS, 1, None),
    (
        "column-twice",
        line_of(PARKS, 1, lambda l: l.replace("park_id,name,", "park_id,park_id,", 1)),
        "header-duplicate-column",
        PARKS,
        1,
        "park_id",
    ),
    (
        "no-sources-schema",  # no table plays the sources role: the finding says which property to add
        delete("schemas/sources.json"),
        "schema-invalid",
        "schemas",
        None,
        None,
    ),
    ("changed-seed", append_bytes(SEED_003, b" "), "source-hash-mismatch", SOURCES, 3, "sha256"),
    ("missing-seed", delete(SEED_001), "source-file-missing", SOURCES, 2, "file"),
    (
        "seed-path-leaves-seeds",
        replace(SOURCES, "001,001_27ad36de142194f5.txt", "001,../001_27ad36de142194f5.txt"),
        "source-path-outside-seeds",
        SOURCES,
        2,
        "file",
    ),
    (
        "unlisted-seed",
        write("seeds/999_extra.txt", b"An extra text.\n"),
        "source-unlisted",
        "seeds/999_extra.txt",
        None,
        None,
    ),
    (
        "quote-typo",
        replace(CITES, "is the third international park", "is the thrid international park"),
        "quote-not-found",
        CITES,
        5,
        "quote",
    ),
    ("value-disagrees", replace(STATS, ",70.1,billion,", ",71.1,billion,"), "number-mismatch", STATS, 6, "value"),
    (
        "draft-marker-left",
        replace(STATS, "stat-0008,parks,china-malaysia-qinzhou-industrial-park,", "stat-0008,FILL,FILL,"),
        "draft-unfilled",
        STATS,
        2,
        "subject_table",
    ),
    (
        "qualifier-disagrees",
        replace(STATS, "about 1200 mu,1200,,mu,about", "about 1200 mu,1200,,mu,exact"),
        "qualifier-mismatch",
        STATS,
        3,
        "qualifier",
    ),
    (
        "scale-disagrees",
        replace(STATS, "RMB 7.5 billion,7.5,billion,RMB", "RMB 7.5 billion,7.5,million,RMB"),
        "unit-mismatch",
        STATS,
        4,
        "scale",
    ),
    (
        "currency-disagrees",
        replace(STATS, "RMB 7.5 billion,7.5,billion,RMB", "RMB 7.5 billion,7.5,billion,$"),
        "unit-mismatch",
        STATS,
        4,
        "unit",
    ),
    (
        "value-text-not-in-quote",
        replace(STATS, "about 1200 mu,1200", "around 1200 mu,1200"),
        "value-text-not-in-quote",
        STATS,
        3,
        "value_text",
    ),
    (
        "year-not-in-quote",
        line_of(PARKS, 3, lambda l: l.replace(",,2012,,", ",,2013,,")),
        "number-not-in-quote",
        PARKS,
        3,
        "construction_start_year",
    ),
    ("duplicate-key", duplicate_line(PARKS, 3), "primary-key-duplicate", PARKS, 8, "park_id"),
    (
        "dangling-reference",
        replace(
            STATS,
            "stat-0008,parks,china-malaysia-qinzhou-industrial-park",
            "stat-0008,parks,china-malaysia-qinzhou-park",
        ),
        "foreign-key-dangling",
        STATS,
        2,
        "subject_id",
    ),
    (
        "dangling-twin",
        line_of(PARKS, 4, lambda l: l.replace(",china-malaysia-qinzhou-industrial-park,", ",no-such-park,")),
        "foreign-key-dangling",
        PARKS,
        4,
        "twin_park_id",
    ),
    (
        "twin-not-reciprocal",
        line_of(PARKS, 4, lambda l: l.replace(",china-malaysia-qinzhou-industrial-park,", ",,")),
        "twin-not-reciprocal",
        PARKS,
        3,
        "twin_park_id",
    ),
    (
        "dangling-citation-source",
        line_of(CITES, 5, lambda l: l.replace(",001,", ",002,")),
        "foreign-key-dangling",
        CITES,
        5,
        "source_id",
    ),
    ("invalid-utf8", insert_bytes(PARKS, 4, b"\xff\xfe"), "encoding-error", PARKS, 4, None),
    ("ragged-row", line_of(PARKS, 5, lambda l: l.replace(",proper,", ",", 1)), "row-ragged", PARKS, 5, None),
    (
        "empty-required-field",
        line_of(PARKS, 2, lambda l: l.replace(",China-ASEAN Industrial Cooperation Zone,", ",,", 1)),
        "required-missing",
        PARKS,
        2,
        "name",
    ),
    ("unknown-column", line_of(STATS, 1, lambda l: l + ",colour"), "header-unknown-column", STATS, 1, "colour"),
    (
        "missing-column",
        line_of(PARKS, 1, lambda l: l.replace(",city,", ",town,")),
        "header-missing-column",
        PARKS,
        1,
        "city",
    ),
    ("enum-violation", replace(STATS, ",count,exact,", ",pieces,exact,"), "enum-violation", STATS, 5, "unit"),
    (
        "pattern-violation",
        replace(PARKS, "\nchina-asean-industrial-cooperation-zone,", "\nChina ASEAN zone,"),
        "pattern-violation",
        PARKS,
        2,
        "park_id",
    ),
    (
        "type-error",
        line_of(PARKS, 3, lambda l: l.replace(",,2012,,", ",,2012a,,")),
        "type-error",
        PARKS,
        3,
        "construction_start_year",
    ),
    (
        "year-out-of-range",
        line_of(PARKS, 3, lambda l: l.replace(",,2012,,", ",,2212,,")),
        "range-violation",
        PARKS,
        3,
        "construction_start_year",
    ),
    (
        "date-out-of-range",
        replace(STATS, ",as_at,2023-09-16,2023-09-16,", ",as_at,1899-12-31,2023-09-16,"),
        "range-violation",
        STATS,
        2,
        "period_start",
    ),
    (
        "missing-key-column",
        line_of(STATS, 1, lambda l: l.replace("statistic_id,", "", 1)),
        "header-missing-column",
        STATS,
        1,
        "statistic_id",
    ),
    ("missing-citations-table", delete(CITES), "table-missing", CITES, None, None),
    (
        "minimum-above-maximum",
        _bounds("parks", "construction_start_year", minimum=2100, maximum=1900),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "bound-of-another-kind",
        _bounds("parks", "construction_start_year", maximum="2100"),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "date-bound-not-a-date",
        _bounds("statistics", "period_start", minimum=1900),
        "schema-invalid",
        "schemas/statistics.json",
        None,
        None,
    ),
    (
        "formula-injection",
        line_of(PARKS, 6, lambda l: l.replace(",Chongzuo,", ",=HYPERLINK(1),")),
        "formula-injection",
        PARKS,
        6,
        "city",
    ),
    (
        "bad-country-code",
        line_of(PARKS, 4, lambda l: l.replace(",MY,MY-06,", ",XY,MY-06,")),
        "code-invalid",
        PARKS,
        4,
        "country_code",
    ),
    (
        "table-without-schema",
        write("data/raw/extras.csv", b"a,b\n1,2\n"),
        "schema-missing",
        "data/raw/extras.csv",
        None,
        None,
    ),
    (
        "period-after-publication",
        replace(STATS, ",2024-01-01,2024-07-31,", ",2024-01-01,2024-12-31,"),
        "period-after-publication",
        STATS,
        6,
        "period_end",
    ),
    (
        "period-inverted",
        replace(STATS, ",2024-01-01,2024-07-31,", ",2024-07-31,2024-01-01,"),
        "period-inverted",
        STATS,
        6,
        "period_end",
    ),
    ("value-not-a-plain-number", replace(STATS, ",70.1,billion,", ",inf,billion,"), "type-error", STATS, 6, "value"),
    ("too-many-decimals", replace(STATS, ",70.1,billion,", ",70.1000004,billion,"), "type-error", STATS, 6, "value"),
    (
        "value-of-another-mention",
        replace(STATS, ",70.1,billion,yuan,", ",1221,,count,"),
        "number-mismatch",
        STATS,
        6,
        "value",
    ),
    (
        "currency-word-disagrees",
        replace(STATS, ",70.1,billion,yuan,", ",70.1,billion,RMB,"),
        "unit-mismatch",
        STATS,
        6,
        "unit",
    ),
    ("seed-not-utf8", _non_utf8_seed, "encoding-error", SEED_003, 1, None),
    (
        "schema-without-primary-key",
        edit_schema("parks", lambda schema: schema.pop("primaryKey")),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "empty-seed-file-name",
        replace(SOURCES, "001,001_27ad36de142194f5.txt,", "001,,"),
        "required-missing",
        SOURCES,
        2,
        "file",
    ),
    # the 2.0 model: lists, organisations, participants, relations, region hierarchy, quantity kinds
    (
        "list-item-empty",
        replace(
            PARKS,
            "IT electronic information technology; intelligent",
            "IT electronic information technology; ; intelligent",
        ),
        "list-item-invalid",
        PARKS,
        6,
        "industries",
    ),
    (
        "list-stray-delimiter",
        replace(
            PARKS,
            "IT electronic information technology; intelligent",
            "IT electronic information technology;intelligent",
        ),
        "list-item-invalid",
        PARKS,
        6,
        "industries",
    ),
    (
        "list-item-padded",
        replace(
            PARKS,
            "IT electronic information technology; intelligent",
            "IT electronic information technology;  intelligent",
        ),
        "list-item-invalid",
        PARKS,
        6,
        "industries",
    ),
    (
        "list-item-repeated",
        replace(REGIONS, ",Qinzhou City,", ",Qinzhou City; Qinzhou City,"),
        "list-item-invalid",
        REGIONS,
        5,
        "aliases",
    ),
    ("list-too-long", _bounds("parks", "industries", maxLength=3), "range-violation", PARKS, 6, "industries"),
    ("list-with-enum", _bounds("parks", "industries", enum=["x"]), "schema-invalid", "schemas/parks.json", None, None),
    (
        "list-of-integers",
        edit_schema(
            "parks",
            lambda schema: next(f for f in schema["fields"] if f["name"] == "industries").update(itemType="integer"),
        ),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    (
        "list-blank-delimiter",
        edit_schema(
            "parks", lambda schema: next(f for f in schema["fields"] if f["name"] == "industries").update(delimiter=" ")
        ),
        "schema-invalid",
        "schemas/parks.json",
        None,
        None,
    ),
    # a spreadsheet runs a cell, not an item: a list cell is checked where it starts
    (
        "list-formula",
        replace(PARKS, ",IT electronic information technology; intelligent", ",=cmd|' /C calc'!A0; intelligent"),
        "formula-injection",
        PARKS,
        6,
        "industries",
    ),
    (
        "dangling-management-body",
        replace(PARKS, ",china-malaysia-qinzhou-industrial-park-management-committee,", ",qinzhou-committee,"),
        "foreign-key-dangling",
        PARKS,
        3,
        "management_organisation_id",
    ),
    (
        "dangling-park-region",
        line_of(PARKS, 6, lambda l: l.replace(",chongzuo,", ",chongzuo-city,")),
        "foreign-key-dangling",
        PARKS,
        6,
        "region_id",
    ),
    (
        "dangling-parent-region",
        replace(REGIONS, ",city,pahang,", ",city,pahang-state,"),
        "foreign-key-dangling",
        REGIONS,
        9,
        "parent_region_id",
    ),
    (
        "dangling-participant-event",
        replace(PARTS, ",china-asean-cross-border-supply-chain-innovation-and-development-forum,", ",forum,"),
        "foreign-key-dangling",
        PARTS,
        2,
        "event_id",
    ),
    (
        "dangling-participant-organisation",
        replace(PARTS, ",speaker,china-council-for-the-promotion-of-international-trade,", ",speaker,ccpit,"),
        "foreign-key-dangling",
        PARTS,
        2,
        "organisation_id",
    ),
    (
        "bad-participant-country",
        replace(
            PARTS,
            ",speaker,china-council-for-the-promotion-of-international-trade,china,CN,",
            ",speaker,china-council-for-the-promotion-of-international-trade,china,ZZ,",
        ),
        "code-invalid",
        PARTS,
        2,
        "country_code",
    ),
    (
        "dangling-relation-subject",
        replace(RELS, ",organisations,foreign-government,", ",organisations,malaysian-government,"),
        "foreign-key-dangling",
        RELS,
        3,
        "subject_id",
    ),
    (
        "relation-subject-wrong-table",
        replace(RELS, ",organisations,foreign-government,", ",regions,foreign-government,"),
        "foreign-key-dangling",
        RELS,
        3,
        "subject_id",
    ),
    (
        "park-status-unknown-word",
        line_of(PARKS, 3, lambda l: l.replace(",operating,", ",closed,")),
        "enum-violation",
        PARKS,
        3,
        "status",
    ),
    (
        "quantity-kind-unknown-word",
        replace(STATS, ",exact,planned,stock,as_at,", ",exact,planned,level,as_at,"),
        "enum-violation",
        STATS,
        4,
        "quantity_kind",
    ),
    (
        "period-type-missing",
        replace(STATS, ",exact,planned,stock,as_at,", ",exact,planned,stock,,"),
        "required-missing",
        STATS,
        4,
        "period_type",
    ),
    (
        "status-text-not-in-quote",
        replace(
            PARKS,
            ",operating,in which multiple enterprises have settled,",
            ",operating,in which many enterprises have settled,",
        ),
        "text-not-in-quote",
        PARKS,
        6,
        "status_text",
    ),
    (
        "list-item-not-in-quote",
        replace(REGIONS, ",Qinzhou City,", ",Qinzhou City; Qinzhou Town,"),
        "text-not-in-quote",
        REGIONS,
        5,
        "aliases",
    ),
    (
        "relation-text-not-in-quote",
        replace(
            RELS,
            ",jointly built by the Chinese government and foreign government,,,,The",
            ",built jointly by the Chinese government and a foreign government,,,,The",
        ),
        "text-not-in-quote",
        RELS,
        3,
        "relation_text",
    ),
    (
        "region-parent-cycle",
        replace(
            REGIONS,
            "\nguangxi,Guangxi Zhuang Autonomous Region,Guangxi,autonomous_region,china,",
            "\nguangxi,Guangxi Zhuang Autonomous Region,Guangxi,autonomous_region,qinzhou,",
        ),
        "reference-cycle",
        REGIONS,
        3,
        "parent_region_id",
    ),
    (
        "uncited-organisation",
        replace(CITES, "\norganisations,foreign-government,", "\norganisations,chinese-government,"),
        "record-uncited",
        ORGS,
        4,
        "organisation_id",
    ),
    (
        "uncited-record",
        replace(
            CITES, "\nparks,malaysia-china-kuantan-industrial-park,", "\nparks,china-malaysia-qinzhou-industrial-park,"
        ),
        "record-uncited",
        PARKS,
        4,
        "park_id",
    ),
]


def test_base_fixture_is_valid():
    report = validate(BASE, publication=False)
    assert report.valid, [f for f in report.errors]


def assert_cli_names(root: Path, rule: str, file: str, line: int | None) -> None:
    """`zonedata validate --format github` on `root` exits 1 with an annotation of `rule` at file and line."""
    result = CliRunner().invoke(cli, ["validate", "--no-publication", "--root", str(root), "--format", "github"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    expected = f"::error file={file}" + (f",line={line}" if line else "")
    assert any(l.startswith(expected) and f"title={rule}" in l for l in result.output.splitlines()), result.output


def one_per_rule(cases: list[tuple]) -> list[tuple]:
    """The first case of each rule (a case's third item): the cases a rendering or a command is tested on,
    since they go through the same code for every case of a rule."""
    seen: set[str] = set()
    return [c for c in cases if not (c[2] in seen or seen.add(c[2]))]


def corpus_tests(broken: list[tuple], *, renamed: bool = False):
    """The corpus contract, the same for every case list: each case (name, mutation, rule, file, line,
    field) applied to a fresh corpus package is reported by validate at that rule, file, line and field;
    and, on the first case of each rule (the CLI and the build take the same path for every case of a
    rule, so running them on all of them tripled the corpus's time and tested nothing more), named by
    `zonedata validate --format github` (exit 1) and refused by `zonedata build`, which writes nothing.
    With `renamed` (the cases of tests/corpus/base, whose tables tests/renaming.py knows how to rename), each
    case also gets the same findings with its tables and fields renamed (issue 20, roles not names), checked
    against the same validation of the case.
    A module binds the three tests to its list: `test_a, test_b, test_c = corpus_tests(BROKEN)`."""
    cases = pytest.mark.parametrize("case,mutate,rule,file,line,field", broken, ids=[c[0] for c in broken])
    families = one_per_rule(broken)
    family_cases = pytest.mark.parametrize("case,mutate,rule,file,line,field", families, ids=[c[0] for c in families])

    @cases
    def test_broken_input_is_reported(corpus_package, case, mutate, rule, file, line, field):
        mutate(corpus_package)
        report = validate(corpus_package, publication=False)
        hits = [f for f in report.findings if f.rule == rule]
        assert hits, f"{case}: expected {rule}, got {[(f.rule, f.file, f.line, f.field) for f in report.findings]}"
        assert any(f.file == file and f.line == line and f.field == field for f in hits), (
            f"{case}: {rule} not at {file}:{line} [{field}]: {[(f.file, f.line, f.field, f.message) for f in hits]}"
        )
        assert not report.valid
        assert all(f.message for f in hits)
        if renamed:
            assert_renaming_changes_no_finding(corpus_package, report)

    @family_cases
    def test_cli_exits_1_naming_file_and_line(corpus_package, case, mutate, rule, file, line, field):
        mutate(corpus_package)
        assert_cli_names(corpus_package, rule, file, line)

    @family_cases
    def test_build_refuses_and_writes_nothing(corpus_package, case, mutate, rule, file, line, field):
        mutate(corpus_package)
        result = CliRunner().invoke(cli, ["build", "--root", str(corpus_package)])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert not (corpus_package / "datapackage.json").exists()
        assert not (corpus_package / "data" / "clean").exists()

    return test_broken_input_is_reported, test_cli_exits_1_naming_file_and_line, test_build_refuses_and_writes_nothing


test_broken_input_is_reported, test_cli_exits_1_naming_file_and_line, test_build_refuses_and_writes_nothing = (
    corpus_tests(BROKEN, renamed=True)
)


def test_quote_typo_hint_shows_closest_passage(corpus_package):
    replace(CITES, "is the third international park", "is the thrid international park")(corpus_package)
    (finding,) = [f for f in validate(corpus_package, publication=False).findings if f.rule == "quote-not-found"]
    assert "the third international park jointly built" in finding.message


def test_all_findings_are_collected_in_one_run(corpus_package):
    replace(STATS, ",70.1,billion,", ",71.1,billion,")(corpus_package)
    duplicate_line(PARKS, 3)(corpus_package)
    append_bytes(SEED_003, b" ")(corpus_package)
    rules = {f.rule for f in validate(corpus_package, publication=False).errors}
    assert {"number-mismatch", "primary-key-duplicate", "source-hash-mismatch"} <= rules


def _crlf(root: Path) -> None:
    for p in (root / "data" / "raw").glob("*.csv"):
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))


def _bom(root: Path) -> None:
    for p in [*(root / "data" / "raw").glob("*.csv"), root / SOURCES]:
        p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())


PASSING = [
    ("crlf", _crlf),
    ("bom", _bom),
    (
        "typographic-quotes",
        replace(CITES, '""Two Countries, Twin Parks""', "\u201cTwo Countries, Twin Parks\u201d", count=2),
    ),
    (
        "curly-apostrophe-and-dash",
        replace(
            CITES,
            "Since the start of construction in 2012, the China-Malaysia",
            "Since the start of construction in 2012, the China\u2010Malaysia",
        ),
    ),
    ("doubled-spaces", replace(CITES, "is the third international park", "is  the third   international park")),
    ("no-break-space", replace(CITES, "is the third international park", "is the\u00a0third international park")),
    (
        "one-item-list",
        replace(
            PARKS,
            "IT electronic information technology; intelligent voice interaction; computer terminals; "
            "Internet of Things equipment",
            "IT electronic information technology",
        ),
    ),
    ("list-items-with-commas", replace(REGIONS, ",Qinzhou City,", ',"Qinzhou City, Guangxi; Qinzhou",')),
]


@pytest.mark.parametrize("case,mutate", PASSING, ids=[c[0] for c in PASSING])
def test_variation_passes(corpus_package, case, mutate):
    mutate(corpus_package)
    report = validate(corpus_package, publication=False)
    assert report.valid, [(f.rule, f.file, f.line, f.message) for f in report.errors]


def test_a_blank_line_is_one_finding_not_a_record_missing_every_field(corpus_package):
    with (corpus_package / PARKS).open("a", encoding="utf-8") as fh:
        fh.write("\n\n")
    findings = [f for f in validate(corpus_package, publication=False).findings if f.file == PARKS]
    assert [(f.rule, f.line) for f in findings] == [("row-ragged", 8), ("row-ragged", 9)]


def test_a_mistyped_required_cell_is_one_finding(corpus_package):
    replace(STATS, ",70.1,billion,", ",seventy,billion,")(corpus_package)
    findings = [
        (f.rule, f.line, f.field) for f in validate(corpus_package, publication=False).findings if f.file == STATS
    ]
    assert findings == [("type-error", 6, "value")]


def test_unique_keys_are_checked(corpus_package):
    """frictionless ignores uniqueKeys; zonedata checks them like the primary key."""
    import json

    path = corpus_package / "schemas" / "parks.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["uniqueKeys"] = [["name", "country_code"]]
    path.write_text(json.dumps(schema), encoding="utf-8")
    line_of(
        PARKS,
        4,
        lambda l: l.replace(
            "Malaysia-China Kuantan Industrial Park,proper,", "China-ASEAN Industrial Cooperation Zone,proper,", 1
        ),
    )(corpus_package)
    line_of(PARKS, 4, lambda l: l.replace(",MY,MY-06,", ",CN,CN-GX,"))(corpus_package)
    hits = [f for f in validate(corpus_package, publication=False).findings if f.rule == "unique-violation"]
    assert [(f.file, f.line, f.field) for f in hits] == [(PARKS, 4, "name,country_code")]
    assert "first on line 2" in hits[0].message


def test_a_column_with_more_range_errors_than_reported_shows_its_first_lines(corpus_package):
    """Above the maximum and below the minimum in one column: every finding is counted, the report shows
    the first 200 lines and says how many more there are."""
    path = corpus_package / PARKS
    lines = path.read_text(encoding="utf-8").split("\n")
    template = lines[2]  # china-malaysia-qinzhou-industrial-park, construction_start_year 2012
    extra = [
        template.replace("china-malaysia-qinzhou-industrial-park,", f"park-{i:03d},", 1).replace(
            ",,2012,,", f",,{3000 if i < 210 else 1800},,"
        )
        for i in range(420)
    ]
    start = len(lines) + 1 if lines[-1] else len(lines)  # the line the first extra row lands on
    path.write_text("\n".join([l for l in lines if l] + extra) + "\n", encoding="utf-8")
    report = validate(corpus_package, publication=False)
    every = [f for f in report.findings if f.rule == "range-violation" and f.field == "construction_start_year"]
    assert len(every) == 420
    shown, omitted = report.shown()
    hits = [f for f in shown if f.rule == "range-violation" and f.field == "construction_start_year"]
    assert sorted(f.line for f in hits) == list(range(start, start + 200))
    ranges = [(o.rule, o.file, o.field, o.count) for o in omitted if o.rule == "range-violation"]
    assert ranges == [("range-violation", PARKS, "construction_start_year", 220)]
    doc = report.to_dict()
    assert doc["stats"]["errors"] == len(report.errors) >= 420
    assert {"rule": "range-violation", "file": PARKS, "field": "construction_start_year", "count": 220} in doc[
        "omitted"
    ]
    assert len(doc["findings"]) + sum(o["count"] for o in doc["omitted"]) == len(report.findings)
    text = CliRunner().invoke(cli, ["validate", "--no-publication", "--root", str(corpus_package)]).output
    assert (
        "  ... and 220 more range-violation finding(s) in data/raw/parks.csv [construction_start_year] (not shown)"
        in text
    )
    assert text.count("range-violation") == 201
    github = (
        CliRunner()
        .invoke(cli, ["validate", "--no-publication", "--format", "github", "--root", str(corpus_package)])
        .output
    )
    assert "::notice file=data/raw/parks.csv,title=range-violation::and 220 more range-violation" in github


def test_a_draft_marker_is_the_only_finding_on_its_cell(corpus_package):
    """A FILL left in a drafted row says what to fill, not also that FILL breaks the enum, the pattern or a reference."""
    replace(STATS, "stat-0008,parks,china-malaysia-qinzhou-industrial-park,", "FILL:stat-1,FILL,FILL,")(corpus_package)
    replace(CITES, "statistics,stat-0008,", "statistics,FILL:stat-1,")(corpus_package)
    report = validate(corpus_package, publication=False)
    errors = sorted(report.errors, key=lambda f: f.sort_key())
    assert [(f.rule, f.file, f.line, f.field) for f in errors] == [
        ("draft-unfilled", CITES, 12, "record_id"),
        ("draft-unfilled", STATS, 2, "statistic_id"),
        ("draft-unfilled", STATS, 2, "subject_id"),
        ("draft-unfilled", STATS, 2, "subject_table"),
    ]
    assert "one of regions, parks, projects, events" in errors[3].message
    assert "FILL:stat-1" in errors[1].message and "citations" in errors[1].message

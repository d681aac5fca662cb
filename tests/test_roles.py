"""Roles, not names (issue 20): the engine finds the sources, the citations and the figures by the `role`
their schemas declare, so renaming a table changes no finding.

The rename test breaks a copy of tests/corpus/base as each corpus case does (test_validate_corpus.py and
test_integrity_corpus.py), then renames `statistics` to `figures` and `citations` to `evidence` in it
(files, schema names, foreign keys, polymorphic table values in the data, record_table values) and two of
their fields (`value` to `amount`, `quote` to `passage`, mapped back with `roleFields`). Validate must
report the same findings (rule, file, line, field) on both, modulo the renamed names.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPUS_BASE, copy_package
from test_integrity_corpus import BROKEN as INTEGRITY_BROKEN
from test_validate_corpus import BROKEN as VALIDATE_BROKEN
from test_validate_corpus import edit_schema
from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.loading.dataset import load_dataset
from zonedata.loading.schema import load_roles
from zonedata.loading.versioning import archive_name
from zonedata.publish.descriptor import read_metadata
from zonedata.validate import validate

#: old table name -> new; (table, old field) -> new field, each mapped back with the schema's roleFields
TABLES = {"statistics": "figures", "citations": "evidence"}
FIELDS = {("statistics", "value"): "amount", ("citations", "quote"): "passage"}
ROLE_OF = {"statistics": "figures", "citations": "citations"}


def _cells(name: str) -> re.Pattern:
    """A CSV cell that is exactly `name` (between commas or line ends)."""
    return re.compile(rf"(?<![^,\n]){re.escape(name)}(?=,|\r?\n|\r?$)")


def rename_tables(root: Path) -> None:
    """Rename the tables and fields of `root` (a package, possibly broken by a corpus case) in place."""
    schemas, raw = root / "schemas", root / "data" / "raw"
    # the data: polymorphic table values (record_table, subject_table, ...) in every table, and the headers
    for csv in [*raw.glob("*.csv"), root / "seeds" / "coverage_exclusions.csv"]:
        if not csv.is_file():
            continue
        text = csv.read_bytes().decode("utf-8", errors="surrogateescape")
        for old, new in TABLES.items():
            text = _cells(old).sub(new, text)
        table = csv.stem
        if any(t == table for t, _ in FIELDS):
            head, sep, rest = text.partition("\n")
            for (t, old), new in FIELDS.items():
                if t == table:
                    head = _cells(old).sub(new, head)
            text = head + sep + rest
        csv.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    # the schemas: resource names in foreign keys, enums of table fields, the renamed fields
    for path in schemas.glob("*.json"):
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        for old, new in TABLES.items():
            text = text.replace(json.dumps(old), json.dumps(new))
        for (t, old), new in FIELDS.items():
            if path.stem == t:
                text = text.replace(json.dumps(old), json.dumps(new))
        try:
            schema = json.loads(text)
        except ValueError:
            schema = None
        if isinstance(schema, dict) and path.stem in ROLE_OF:
            mapped = {old: new for (t, old), new in FIELDS.items() if t == path.stem}
            if schema.get("role") == TABLES.get(ROLE_OF[path.stem]):  # a role's name is no table's: put it back
                schema["role"] = ROLE_OF[path.stem]
            if schema.get("role") == ROLE_OF[path.stem]:
                schema["roleFields"] = {**schema.get("roleFields", {}), **mapped}
            text = json.dumps(schema, indent=2)
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    # the files
    for old, new in TABLES.items():
        for folder, suffix in ((schemas, ".json"), (raw, ".csv")):
            if (folder / f"{old}{suffix}").exists():
                (folder / f"{old}{suffix}").rename(folder / f"{new}{suffix}")


def _renamed(value: str | None) -> str | None:
    """A file or field name of the original package as the renamed package calls it."""
    if value is None:
        return None
    for old, new in TABLES.items():
        value = value.replace(f"/{old}.", f"/{new}.")
    return value


def _field_in(file: str | None, field: str | None) -> str | None:
    """`field` (or each of a key's fields, "a,b") of the original `file` as the renamed package calls it."""
    if field is None or file is None:
        return field
    renamed = {old: new for (t, old), new in FIELDS.items() if file.endswith((f"/{t}.csv", f"/{t}.json"))}
    return ",".join(renamed.get(f, f) for f in field.split(","))


def findings(root: Path, *, renamed: bool) -> Counter:
    """(rule, file, line, field) of every finding, the original's written in the renamed package's names."""
    report = validate(root, publication=False)
    out: Counter = Counter()
    for f in report.findings:
        if renamed:
            out[(f.rule, f.file, f.line, f.field)] += 1
        else:
            out[(f.rule, _renamed(f.file), f.line, _field_in(f.file, f.field))] += 1
    return out


CASES = [*VALIDATE_BROKEN, *INTEGRITY_BROKEN]


@pytest.mark.parametrize("case,mutate,rule,file,line,field", CASES, ids=[c[0] for c in CASES])
def test_renaming_the_tables_changes_no_finding(tmp_path, case, mutate, rule, file, line, field):
    original = copy_package(CORPUS_BASE, tmp_path / "original")
    mutate(original)
    renamed = copy_package(original, tmp_path / "renamed")
    rename_tables(renamed)
    expected = findings(original, renamed=False)
    assert any(r == rule for r, *_ in expected), case  # the case itself still holds
    assert findings(renamed, renamed=True) == expected


def test_the_renamed_package_is_valid_and_says_where_its_roles_are(tmp_path):
    root = copy_package(CORPUS_BASE, tmp_path / "pkg")
    rename_tables(root)
    assert not (root / "schemas" / "statistics.json").exists() and (root / "data/raw/figures.csv").is_file()
    report = validate(root, publication=False)
    assert report.valid, [(f.rule, f.file, f.line, f.message) for f in report.errors]
    ds = load_dataset(root)
    assert ds.roles.figures is not None and ds.roles.citations is not None
    assert (ds.roles.figures.table, ds.roles.figures["value"]) == ("figures", "amount")
    assert (ds.roles.citations.table, ds.roles.citations["quote"]) == ("evidence", "passage")
    assert ds.roles.special == {"sources", "evidence"}


def _record_as(root: Path, table: str, value_text: str, value: str, field: str = "value") -> int:
    """Record `value` for the figure whose value_text is `value_text`: the line it is on."""
    path = root / "data" / "raw" / f"{table}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    at = header.index(field)
    for n, text in enumerate(lines[1:], start=2):
        if f",{value_text}," in text:
            cells = text.split(",")
            cells[at] = value
            lines[n - 1] = ",".join(cells)
            path.write_text("\n".join(lines), encoding="utf-8")
            return n
    raise AssertionError(f"no figure {value_text!r} in {path}")


def test_the_reviewers_repro_a_wrong_figure_in_a_renamed_table_is_a_finding(tmp_path):
    """Renamed statistics -> figures, "70.1 billion yuan" recorded as 71.1 must not pass."""
    root = copy_package(CORPUS_BASE, tmp_path / "pkg")
    rename_tables(root)
    line = _record_as(root, "figures", "70.1 billion yuan", "71.1", field="amount")
    report = validate(root, publication=False)
    assert not report.valid
    assert ("number-mismatch", "data/raw/figures.csv", line, "amount") in {
        (f.rule, f.file, f.line, f.field) for f in report.findings
    }


def _drop_role(table: str):
    return edit_schema(table, lambda schema: schema.pop("role"))


@pytest.mark.parametrize(
    ("mutate", "file", "words"),
    [
        (_drop_role("statistics"), "schemas", ['"role": "figures"', "schemas/"]),
        (_drop_role("citations"), "schemas", ['"role": "citations"', "schemas/"]),
        (
            edit_schema(
                "parks",
                lambda schema: schema.update(
                    role="sources", roleFields={"source_id": "park_id", "file": "name", "sha256": "kind"}
                ),
            ),
            "schemas/parks.json",
            ['"role": "sources"', "schemas/sources.json", "remove the property"],
        ),
        (
            edit_schema("statistics", lambda schema: schema.__setitem__("roleFields", {"value": "amount"})),
            "schemas/statistics.json",
            ["'amount'", '"roleFields"'],
        ),
        (
            edit_schema("statistics", lambda schema: schema.__setitem__("role", "numbers")),
            "schemas/statistics.json",
            ['"numbers"', "sources, citations, figures"],
        ),
    ],
    ids=["no-figures-role", "no-citations-role", "one-role-on-two-tables", "role-field-missing", "unknown-role"],
)
def test_a_missing_or_doubled_role_is_schema_invalid(corpus_package, mutate, file, words):
    mutate(corpus_package)
    report = validate(corpus_package, publication=False)
    hits = [f for f in report.findings if f.rule == "schema-invalid" and f.file == file]
    assert hits, [(f.rule, f.file, f.message) for f in report.findings]
    assert all(w in hits[0].message for w in words), hits[0].message
    assert not report.valid


def test_without_a_figures_role_no_check_passes_silently(corpus_package):
    """A wrong figure in a table that lost its role: the package is still invalid, and says why."""
    _record_as(corpus_package, "statistics", "70.1 billion yuan", "71.1")
    _drop_role("statistics")(corpus_package)
    report = validate(corpus_package, publication=False)
    assert not report.valid
    assert any(f.rule == "schema-invalid" and '"role": "figures"' in f.message for f in report.findings)


def test_every_table_but_the_sources_and_citations_needs_citations(corpus_package):
    """Issue 19: a table the citations' record_table enum does not name still needs its records cited."""
    schema_path = corpus_package / "schemas" / "citations.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    enum = next(f for f in schema["fields"] if f["name"] == "record_table")["constraints"]["enum"]
    enum.remove("people")
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    cites = corpus_package / "data" / "raw" / "citations.csv"
    kept = [line for line in cites.read_text(encoding="utf-8").split("\n") if not line.startswith("people,")]
    cites.write_text("\n".join(kept), encoding="utf-8")
    report = validate(corpus_package, publication=False)
    uncited = [f for f in report.findings if f.rule == "record-uncited"]
    people = (corpus_package / "data" / "raw" / "people.csv").read_text(encoding="utf-8").strip().split("\n")[1:]
    assert people and len([f for f in uncited if f.file == "data/raw/people.csv"]) == len(people)


def test_commands_that_need_no_data_find_the_roles(corpus_package):
    rename_tables(corpus_package)
    paths, roles = load_roles(Paths(corpus_package))
    assert roles.table("figures") == "figures" and roles.of("evidence") == "citations"
    assert paths.raw_csv("sources") == corpus_package / "seeds" / "sources.csv"
    assert paths.raw_csv("evidence") == corpus_package / "data" / "raw" / "evidence.csv"


def test_the_package_name_comes_from_its_metadata(package):
    """The package's identity is its metadata's: the descriptor's name and the archive's file name."""
    meta_path = package / "metadata" / "package.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["name"] = "lakeside-figures"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert archive_name(read_metadata(Paths(package))["name"], "1.2.0") == "lakeside-figures-1.2.0.zip"
    meta["name"] = "Lakeside Figures"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ConfigError, match="name"):
        read_metadata(Paths(package))

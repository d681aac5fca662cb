"""Roles, not names (issue 20): the engine finds the sources, the citations and the figures by the `role`
their schemas declare, so renaming a table changes no finding.

tests/renaming.py renames `statistics` to `figures` and `citations` to `evidence` in a package (files, schema
names, foreign keys, polymorphic table values in the data, record_table values) and two of their fields
(`value` to `amount`, `quote` to `passage`, mapped back with `roleFields`). Each case of the corpus of broken
inputs (test_validate_corpus.py, test_integrity_corpus.py) asserts, beside its own finding, that its broken
package renamed so gets the same findings (rule, file, line, field) modulo the renamed names; the corpus
validates each case once for both. Here: the renamed package itself, the roles' own findings and the commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS_BASE, copy_package
from renaming import cells, rename_tables
from test_validate_corpus import edit_schema
from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.loading.dataset import load_dataset
from zonedata.loading.schema import load_roles
from zonedata.loading.versioning import archive_name
from zonedata.publish.descriptor import read_metadata
from zonedata.validate import validate


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


def _rename_field(root: Path, schema_name: str, csv_path: Path, old: str, new: str, role_default: str) -> None:
    """Rename one field of a table (schema and header) and map the role's field to it with roleFields."""
    schema_path = root / "schemas" / f"{schema_name}.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == old)["name"] = new
    schema["roleFields"] = {**schema.get("roleFields", {}), role_default: new}
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    head, sep, rest = csv_path.read_text(encoding="utf-8").partition("\n")
    csv_path.write_text(cells(old).sub(new, head) + sep + rest, encoding="utf-8")


def test_add_source_and_draft_write_the_roles_own_field_names(tmp_path):
    """add-source and draft read and write the role's fields under the table's names (roleFields), not the
    defaults: a renamed sha256 gets the new text's hash, the drafted figure its amount, its citation its passage."""
    from zonedata.curate.addsource import add_source
    from zonedata.curate.draft import draft
    from zonedata.curate.draft.apply import apply_draft

    root = copy_package(CORPUS_BASE, tmp_path / "pkg")
    rename_tables(root)
    _rename_field(root, "sources", root / "seeds" / "sources.csv", "sha256", "digest", "sha256")
    _rename_field(root, "sources", root / "seeds" / "sources.csv", "date_published", "issued", "date_published")
    assert validate(root, publication=False).valid
    text = tmp_path / "new.txt"
    text.write_text("The Sample Harbour Park plans to invest 3.5 billion yuan this year.\n", encoding="utf-8")
    added = add_source(root, text, {"title": "A new text", "date_published": "2024-05-01", "url": "https://e.x/a"})
    assert added.ok and added.written, [f.to_dict() for f in added.findings]
    assert added.row["digest"] == added.sha256 and added.row["issued"] == "2024-05-01"
    assert "sha256" not in added.row and "date_published" not in added.row
    assert validate(root, publication=False).valid
    out = draft(root, added.source_id)
    (figure,) = [r for r in out.rows["data/raw/figures.csv"] if r["value_text"] == "3.5 billion yuan"]
    assert figure["amount"] == "3.5" and "value" not in figure
    assert not [n for n in out.notes if "date_published" in n]  # the date was read from `issued`
    assert any(r["passage"] and r["record_table"] == "figures" for r in out.rows["data/raw/evidence.csv"])
    applied = apply_draft(root, added.source_id)
    assert applied.rows["data/raw/figures.csv"] and applied.rows["data/raw/evidence.csv"]
    left = validate(root, publication=False).findings
    assert not [(f.rule, f.file) for f in left if f.rule.startswith("header-")]  # the columns are the tables'
    assert any(f.file == "data/raw/figures.csv" and f.rule == "draft-unfilled" for f in left)

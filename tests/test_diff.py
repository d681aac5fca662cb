"""`zonedata diff`: records matched by primary key between fixture versions, schema changes and their bump levels.

The fixture versions (tests/fixtures/versions/):
- 1.0.0: parks P1-P3, citations of each;
- 1.1.0: park P4 and its citation added, P1's area corrected 1000 -> 1050, P3's quote corrected,
  "science park" added to the kind enum (loosened): needs minor;
- 2.0.0: park P2 and its citation removed, field area_ha renamed area_hectares: needs major.
"""

import copy
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import copy_package
from zonedata.base.paths import Paths
from zonedata.cli import cli
from zonedata.loading.versioning import ReleaseEntry, write_manifest
from zonedata.release.diff import compare_schemas, diff, load_version
from zonedata.render.diff import render_json, render_text

VERSIONS = Path(__file__).parent / "fixtures" / "versions"
V100, V110, V200 = (VERSIONS / v for v in ("1.0.0", "1.1.0", "2.0.0"))


def keys(frame, key):
    return [tuple(r) for r in frame.select(key).iter_rows()]


def test_added_and_corrected_records():
    d = diff(V100, V110)
    parks, cites = d.tables["parks"], d.tables["citations"]
    assert keys(parks.added, ["park_id"]) == [("P4",)]
    assert parks.removed.height == 0
    assert parks.changed_records() == [
        {"key": {"park_id": "P1"}, "fields": [{"field": "area_ha", "old": "1000", "new": "1050"}]}
    ]
    assert keys(cites.added, ["record_id", "source_id"]) == [("P4", "S3")]
    assert [(r["key"], [f["field"] for f in r["fields"]]) for r in cites.changed_records()] == [
        ({"record_id": "P1", "source_id": "S1"}, ["quote"]),
        ({"record_id": "P3", "source_id": "S2"}, ["quote"]),
    ]
    assert cites.changed_records()[1]["fields"][0] == {
        "field": "quote",
        "old": "China-ASEAN Industrial Cooperation Zone",
        "new": "the China-ASEAN Industrial Cooperation Zone",
    }
    assert [(c.kind, c.level, c.table, c.field) for c in d.schema_changes] == [
        ("constraint-loosened", "minor", "parks", "kind")
    ]
    assert d.required_level == "minor"


def test_removed_records_and_renamed_field():
    d = diff(V110, V200)
    assert keys(d.tables["parks"].removed, ["park_id"]) == [("P2",)]
    assert keys(d.tables["citations"].removed, ["record_id", "source_id"]) == [("P2", "S1")]
    assert d.tables["parks"].added.height == 0 and d.tables["parks"].changed.height == 0
    assert [(c.kind, c.level, c.field) for c in d.schema_changes] == [("field-renamed", "major", "area_hectares")]
    assert "'area_ha' renamed to 'area_hectares'" in d.schema_changes[0].message
    assert {c.kind for c in d.reasons("major")} == {"field-renamed", "records-removed"}
    assert d.required_level == "major"


def test_a_renamed_field_still_shows_its_corrected_values():
    d = diff(V100, V200)
    assert d.tables["parks"].changed_records() == [
        {"key": {"park_id": "P1"}, "fields": [{"field": "area_hectares", "old": "1000", "new": "1050"}]}
    ]
    assert keys(d.tables["parks"].added, ["park_id"]) == [("P4",)]
    assert keys(d.tables["parks"].removed, ["park_id"]) == [("P2",)]


def test_identical_versions_have_no_differences():
    d = diff(V100, V100)
    assert d.is_empty and d.required_level == "none"
    result = CliRunner().invoke(cli, ["diff", str(V100), str(V100)])
    assert result.exit_code == 0 and "no differences" in result.output


def test_text_output_lists_records_and_values():
    result = CliRunner().invoke(cli, ["diff", str(V100), str(V110)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "parks: 1 added, 0 removed, 1 changed (3 -> 4 records)" in out
    assert "  + P4\n" in out
    assert "  ~ P1\n      area_ha: '1000' -> '1050'\n" in out
    assert "required version bump: minor" in out
    summary = CliRunner().invoke(cli, ["diff", str(V100), str(V110), "--summary"]).output
    assert "parks: 1 added" in summary and "+ P4" not in summary


def test_json_output_is_the_library_result():
    result = CliRunner().invoke(cli, ["diff", str(V110), str(V200), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == json.loads(json.dumps(diff(V110, V200).to_dict()))
    assert set(data) == {"old", "new", "required_bump", "summary", "tables", "schema_changes", "changes"}
    assert data["old"] == {"label": str(V110), "version": "1.1.0"}
    assert data["required_bump"] == "major"
    assert data["summary"]["parks"] == {"added": 0, "removed": 1, "changed": 0, "rows_old": 4, "rows_new": 3}
    removed = data["tables"]["parks"]["removed"][0]
    assert removed["key"] == {"park_id": "P2"} and removed["record"]["name"] == "Malaysia-China Kuantan Industrial Park"
    assert set(data["schema_changes"][0]) == {"kind", "level", "table", "field", "message"}


def _zip_package(src: Path, dest: Path, top: str) -> None:
    with zipfile.ZipFile(dest, "w") as zf:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(src).as_posix()}")


def test_versions_from_archives_and_the_release_manifest(tmp_path):
    root = tmp_path / "pkg"
    copy_package(V110, root)
    (root / "releases").mkdir()
    archive = root / "releases" / "zonedata-1.0.0.zip"
    _zip_package(V100, archive, "zonedata-1.0.0")
    from zonedata.base.hashing import sha256_file

    write_manifest(
        Paths(root),
        [
            ReleaseEntry(
                "1.0.0", "2026-01-15", "releases/zonedata-1.0.0.zip", sha256_file(archive), archive.stat().st_size
            )
        ],
    )
    assert load_version(archive).version == "1.0.0"
    result = CliRunner().invoke(cli, ["diff", "1.0.0", ".", "--root", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["old"]["version"] == "1.0.0" and data["new"] == {"label": ".", "version": "1.1.0"}
    assert data["summary"]["parks"]["added"] == 1

    unknown = CliRunner().invoke(cli, ["diff", "9.9.9", ".", "--root", str(root)])
    assert unknown.exit_code == 2 and "not a release recorded" in unknown.output

    archive.write_bytes(archive.read_bytes() + b"tampered")
    tampered = CliRunner().invoke(cli, ["diff", "1.0.0", ".", "--root", str(root)])
    assert tampered.exit_code == 2 and "never rewritten" in tampered.output


def test_a_folder_without_a_descriptor_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["diff", str(tmp_path), str(V100)])
    assert result.exit_code == 2 and "no datapackage.json" in result.output
    assert "Traceback" not in result.output


def test_removed_table_is_major_and_added_table_minor(tmp_path):
    smaller = tmp_path / "smaller"
    copy_package(V100, smaller)
    pkg = json.loads((smaller / "datapackage.json").read_text())
    pkg["resources"] = [r for r in pkg["resources"] if r["name"] != "citations-csv"]
    (smaller / "datapackage.json").write_text(json.dumps(pkg))
    down = diff(V100, smaller)
    assert d_kinds(down) == [("resource-removed", "major", "citations")]
    assert down.tables["citations"].status == "removed" and down.tables["citations"].removed.height == 3
    up = diff(smaller, V100)
    assert d_kinds(up) == [("resource-added", "minor", "citations")]
    assert up.required_level == "minor"


def d_kinds(d):
    return [(c.kind, c.level, c.table) for c in d.changes]


# --- the bump rules, one schema change at a time ------------------------------------------------

BASE = {
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True}},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}"}},
        {"name": "area", "type": "number", "description": "Area.", "constraints": {"minimum": 0, "maximum": 100}},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": ["id"],
}


def changed(edit):
    new = copy.deepcopy(BASE)
    edit(new)
    return [(c.kind, c.level, c.field) for c in compare_schemas("t", BASE, new)]


def field(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            lambda s: field(s, "note").setdefault("constraints", {}).update(required=True),
            ("constraint-tightened", "major", "note"),
        ),
        (lambda s: field(s, "id")["constraints"].pop("required"), ("constraint-loosened", "minor", "id")),
        (lambda s: field(s, "kind")["constraints"].update(enum=["a"]), ("constraint-tightened", "major", "kind")),
        (
            lambda s: field(s, "kind")["constraints"].update(enum=["a", "b", "c"]),
            ("constraint-loosened", "minor", "kind"),
        ),
        (lambda s: field(s, "kind")["constraints"].update(enum=["b", "a"]), ("metadata-changed", "patch", "kind")),
        (
            lambda s: field(s, "code")["constraints"].update(pattern="[A-Z]{3}"),
            ("constraint-tightened", "major", "code"),
        ),
        (lambda s: field(s, "code")["constraints"].pop("pattern"), ("constraint-loosened", "minor", "code")),
        (lambda s: field(s, "area")["constraints"].update(minimum=1), ("constraint-tightened", "major", "area")),
        (lambda s: field(s, "area")["constraints"].update(minimum=-1), ("constraint-loosened", "minor", "area")),
        (lambda s: field(s, "area")["constraints"].update(maximum=50), ("constraint-tightened", "major", "area")),
        (lambda s: field(s, "area")["constraints"].pop("maximum"), ("constraint-loosened", "minor", "area")),
        (lambda s: field(s, "area").update(type="integer"), ("field-retyped", "major", "area")),
        (lambda s: field(s, "area").update(description="Planned area."), ("metadata-changed", "patch", "area")),
        (lambda s: s["fields"].pop(), ("field-removed", "major", "note")),
        (lambda s: s["fields"].append({"name": "extra", "type": "string"}), ("field-added", "major", "extra")),
        (lambda s: s.update(primaryKey=["id", "kind"]), ("primary-key-changed", "major", None)),
        (
            lambda s: s.update(foreignKeys=[{"fields": ["kind"], "reference": {"resource": "k", "fields": ["id"]}}]),
            ("foreign-key-added", "major", None),
        ),
    ],
)
def test_bump_level_of_each_schema_change(edit, expected):
    assert changed(edit) == [expected]


def test_reordered_fields_are_major():
    def swap(s):
        s["fields"][3], s["fields"][4] = s["fields"][4], s["fields"][3]

    assert changed(swap) == [("fields-reordered", "major", None)]


def _with_parks(tmp_path, name: str, csv_text: str, fields: list[dict]) -> Path:
    """A copy of the 1.0.0 fixture whose parks resource has these fields and rows."""
    pkg_dir = tmp_path / name
    copy_package(V100, pkg_dir)
    pkg = json.loads((pkg_dir / "datapackage.json").read_text())
    parks = next(r for r in pkg["resources"] if r["name"] == "parks-csv")
    parks["schema"]["fields"] = fields
    (pkg_dir / "datapackage.json").write_text(json.dumps(pkg))
    (pkg_dir / "data" / "clean" / "parks.csv").write_text(csv_text)
    return pkg_dir


def test_a_new_field_shows_what_the_existing_records_hold(tmp_path):
    """A field added in the new version is not a 'changed' value, but a reviewer must see what it says."""
    base = [{"name": "park_id", "type": "string"}, {"name": "name", "type": "string"}]
    old = _with_parks(tmp_path, "old", "park_id,name\nP1,a\nP2,b\nP3,c\n", base)
    new = _with_parks(
        tmp_path,
        "new",
        "park_id,name,status\nP1,a,planned\nP2,b,planned\nP3,c,\nP4,d,operating\n",
        base + [{"name": "status", "type": "string"}],
    )
    d = diff(old, new)
    t = d.tables["parks"]
    assert t.new_fields == {"status": {"filled": 2, "records": 3, "values": {"planned": 2}}}  # P4 is an added record
    assert "  new field status in the 3 existing record(s): planned 2, 1 empty" in render_text(d).splitlines()
    assert json.loads(render_json(d))["tables"]["parks"]["new_fields"]["status"]["values"] == {"planned": 2}


def test_a_changed_list_shows_the_items_gained_and_lost(tmp_path):
    fields = [
        {"name": "park_id", "type": "string"},
        {"name": "industries", "type": "list", "delimiter": "; ", "itemType": "string"},
    ]
    old = _with_parks(tmp_path, "old", "park_id,industries\nP1,steel; glass\nP2,a; b\n", fields)
    new = _with_parks(tmp_path, "new", "park_id,industries\nP1,steel; chemicals\nP2,b; a\n", fields)
    lines = render_text(diff(old, new)).splitlines()
    assert "        items: + 'chemicals'; - 'glass'" in lines
    assert "        items: items reordered" in lines


def test_a_list_field_with_an_unusable_delimiter_is_compared_as_text(tmp_path):
    fields = [{"name": "park_id", "type": "string"}, {"name": "industries", "type": "list", "delimiter": 5}]
    old = _with_parks(tmp_path, "old", "park_id,industries\nP1,steel\n", fields)
    new = _with_parks(tmp_path, "new", "park_id,industries\nP1,glass\n", fields)
    text = render_text(diff(old, new))
    assert "      industries: 'steel' -> 'glass'" in text.splitlines() and "items:" not in text


def test_summaries_cut_long_keys_but_keep_short_ones():
    """A citation's key holds its whole quote: the release summary shows its start, not a paragraph."""
    import polars as pl

    from zonedata.release.diff.changes import KEY_CHARS_SHOWN, _keys_text

    quote = "On 23 September 2024, the ASEAN-China Centre (ACC) co-hosted the 2024 Roundtable Conference"
    frame = pl.DataFrame({"record_id": ["rcep", "stat-0001"], "quote": [quote, "short"]})
    text = _keys_text(frame, ["record_id", "quote"])
    first, second = text.split("; ")
    assert first.startswith("rcep, On 23 September 2024") and first.endswith("…")
    assert len(first) == len("rcep, ") + KEY_CHARS_SHOWN
    assert second == "stat-0001, short"


def test_a_csv_without_a_column_its_schema_lists_is_refused(tmp_path):
    """Issue 19: the column was read as absent on both sides and diff said "no differences"."""
    broken = tmp_path / "broken"
    shutil.copytree(V100, broken)
    parks = broken / "data/clean/parks.csv"
    lines = parks.read_text(encoding="utf-8").splitlines()
    parks.write_text("\n".join(",".join(line.split(",")[:-1]) for line in lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", str(V100), str(broken)])
    assert result.exit_code == 2, result.output
    assert "data/clean/parks.csv lacks the column(s)" in result.output and "no differences" not in result.output

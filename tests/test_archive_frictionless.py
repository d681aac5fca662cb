"""A release archive is a zipped Frictionless package: `frictionless validate releases/zonedata-X.Y.Z.zip`
validates every resource it lists (not just a stray file, as with the folder layout up to 1.0.0), the
Parquet resources with Table Schema `list` fields included.

frictionless 5.21 reads Parquet through pandas, which hands list cells over as numpy arrays; its `list`
field rejects those, so without the plugin zonedata ships (src/frictionless_zonedata) every Parquet
resource with a non-null list cell is INVALID. These tests run the real `frictionless` command on the real
archive and on the repository's datapackage.json, and on a fixture release that has a list field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_release import DATE, build, commit, git
from zonedata.release.release import release

pytestmark = pytest.mark.usefixtures("git_identity")  # commits in throwaway repositories

ROOT = Path(__file__).resolve().parents[1]
FRICTIONLESS = Path(sys.executable).parent / "frictionless"
needs_frictionless = pytest.mark.skipif(
    not FRICTIONLESS.exists(), reason="frictionless's command is installed with the test lock"
)


def _latest_archive() -> str:
    """The newest release archive releases/releases.json lists (1.0.0's folder layout predates the zipped package)."""
    releases = json.loads((ROOT / "releases" / "releases.json").read_text(encoding="utf-8"))
    return releases[-1]["archive"]


def _start(target: str, cwd: Path) -> subprocess.Popen[str]:
    cmd = [str(FRICTIONLESS), "validate", "--json", target]
    return subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(proc: subprocess.Popen[str]) -> tuple[int, dict]:
    out, err = proc.communicate(timeout=600)
    assert out, err
    return proc.returncode, json.loads(out)


def _assert_every_resource_valid(returncode: int, report: dict, descriptor: dict) -> None:
    tasks = {task["name"]: task for task in report["tasks"]}
    assert sorted(tasks) == sorted(r["name"] for r in descriptor["resources"])
    assert all(task["type"] == "table" for task in tasks.values())
    invalid = {name: [e["message"] for e in task["errors"][:3]] for name, task in tasks.items() if not task["valid"]}
    assert invalid == {}
    assert report["valid"] is True and returncode == 0
    # every table was read whole, not skipped: frictionless counted the rows the descriptor's files hold (a
    # header-only table, such as the release fixture's empty figures table, has no row count to check)
    assert all(task["stats"]["rows"] > 0 for task in tasks.values() if "rows" in task["stats"])
    assert sum("rows" in task["stats"] for task in tasks.values()) >= len(tasks) - 2


@needs_frictionless
def test_frictionless_validates_every_resource_of_the_real_archive_and_datapackage_json():
    archive = _latest_archive()
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    # the real data has list fields in Parquet resources (aliases, topics, external_fields, ...): what broke
    with_lists = {r["name"] for r in descriptor["resources"] if r["format"] == "parquet" and _list_fields(r)}
    assert {"parks-parquet", "sources-parquet", "events-parquet", "relations-parquet"} <= with_lists
    # both at once: each run reads every table (~10-30 s on a loaded machine)
    runs = [_start(archive, ROOT), _start("datapackage.json", ROOT)]
    for proc in runs:
        _assert_every_resource_valid(*_finish(proc), descriptor)


def _list_fields(resource: dict) -> list[str]:
    return [f["name"] for f in resource["schema"]["fields"] if f["type"] == "list"]


def _with_a_list_field(path: Path) -> Path:
    """A copy of the release fixture given a Table Schema `list` field (parks.aliases: a list in Parquet,
    '; ' in CSV), built and committed in a new git repository."""
    schema_path = path / "schemas" / "parks.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"].append(
        {
            "name": "aliases",
            "title": "Aliases",
            "description": "Other names of the park.",
            "type": "list",
            "example": "Qinzhou Park",
            "delimiter": "; ",
            "itemType": "string",
        }
    )
    schema_path.write_text(json.dumps(schema, indent=2) + "\n", encoding="utf-8")
    (path / "data" / "raw" / "parks.csv").write_text(
        "park_id,name,area_ha,aliases\n"
        "P1,Qinzhou Industrial Park,1000,Qinzhou Park; QIP\n"  # two items
        "P2,Kuantan Industrial Park,1200,\n",  # null
        encoding="utf-8",
    )
    build(path)
    git(path, "init", "-q")
    commit(path, "initial")
    return path


@needs_frictionless
def test_frictionless_validates_every_resource_of_a_release_archive_with_list_fields(release_package):
    repo = _with_a_list_field(release_package)
    release(repo, version="1.0.0", date=DATE)
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    parks = {r["name"]: r for r in descriptor["resources"]}["parks-parquet"]
    assert _list_fields(parks) == ["aliases"]
    _assert_every_resource_valid(*_finish(_start("releases/zonedata-1.0.0.zip", repo)), descriptor)


@needs_frictionless
def test_without_the_plugin_the_fixture_parquet_lists_are_type_errors(release_package):
    """The fixture exercises what broke: frictionless alone rejects its Parquet list cells (and only those)."""
    repo = _with_a_list_field(release_package)
    code = (
        "import json, sys\n"
        "from frictionless import Package, system\n"
        "system.plugins.pop('zonedata')\n"  # before `methods` is computed from the plugins
        "report = Package('datapackage.json').validate()\n"
        "print(json.dumps({t.name: [(e.type, e.field_name, e.row_number) for e in t.errors] for t in report.tasks}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    errors = json.loads(out.stdout)
    assert errors["parks-parquet"] == [["type-error", "aliases", 2]]
    assert {name: e for name, e in errors.items() if name != "parks-parquet"} == {
        "sources-csv": [],
        "sources-parquet": [],
        "citations-csv": [],
        "citations-parquet": [],
        "statistics-csv": [],
        "statistics-parquet": [],
        "parks-csv": [],
    }

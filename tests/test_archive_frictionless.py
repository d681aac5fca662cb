"""A release archive is a zipped Frictionless package: `frictionless validate releases/zonedata-X.Y.Z.zip`
validates every resource it lists (not just a stray file, as with the folder layout up to 1.0.0)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from test_release import DATE, git_identity, make_repo  # noqa: F401  (git_identity: autouse fixture)
from zonedata.release.release import release

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


@pytest.mark.skipif(not FRICTIONLESS.exists(), reason="frictionless's command is installed with the test lock")
def test_frictionless_validates_every_resource_of_the_release_archive(tmp_path):
    repo = make_repo(tmp_path / "repo")
    release(repo, version="1.0.0", date=DATE)
    archive = "releases/zonedata-1.0.0.zip"
    out = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", archive], cwd=repo, capture_output=True, text=True, timeout=300
    )
    report = json.loads(out.stdout)
    descriptor = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(task["name"] for task in report["tasks"]) == sorted(r["name"] for r in descriptor["resources"])
    assert all(task["type"] == "table" for task in report["tasks"])
    assert report["valid"] is True, [e["message"] for task in report["tasks"] for e in task["errors"]]
    assert out.returncode == 0

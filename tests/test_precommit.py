"""The pre-commit hooks: `.pre-commit-hooks.yaml` (zonedata validate for other dataset repositories) and this
repository's `.pre-commit-config.yaml` (ruff, and zonedata validate when data changes)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
DATA_FILES = [
    "data/raw/parks.csv",
    "data/clean/parks.parquet",
    "schemas/parks.json",
    "seeds/sources.csv",
    "seeds/000_b3e5e928df9ca75b.txt",
    "metadata/package.json",
    "datapackage.json",
    "pyproject.toml",
]
CODE_FILES = ["src/zonedata/cli.py", "tests/test_cli.py", "README.md", "dev.py"]


def _hooks(path: str) -> dict[str, dict]:
    data = yaml.safe_load((ROOT / path).read_text())
    hooks = data if isinstance(data, list) else [h for repo in data["repos"] for h in repo["hooks"]]
    return {hook["id"]: hook for hook in hooks}


def test_the_published_hook_runs_zonedata_validate_on_the_whole_package():
    hooks = _hooks(".pre-commit-hooks.yaml")
    for hook_id, args in (("zonedata-validate", []), ("zonedata-validate-raw", ["--no-publication"])):
        hook = hooks[hook_id]
        assert hook["entry"].split() == ["zonedata", "validate", *args]
        assert hook["entry"].split()[0] in SCRIPTS  # the console script pre-commit's install of this repo provides
        assert hook["language"] == "python" and hook["pass_filenames"] is False


@pytest.mark.parametrize(
    "path,hook_id", [(".pre-commit-hooks.yaml", "zonedata-validate"), (".pre-commit-config.yaml", "zonedata-validate")]
)
def test_validate_runs_when_data_changes_and_not_for_code(path, hook_id):
    files = re.compile(_hooks(path)[hook_id]["files"])
    assert all(files.search(name) for name in DATA_FILES)
    assert not any(files.search(name) for name in CODE_FILES)


def test_this_repository_runs_the_pinned_ruff_and_zonedata_from_the_venv():
    hooks = _hooks(".pre-commit-config.yaml")
    assert hooks["ruff"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    assert hooks["zonedata-validate"]["entry"] == ".venv/bin/zonedata validate"
    assert "ruff==" in (ROOT / "requirements-test.lock").read_text()


def test_the_readme_example_pins_a_release_commit_that_has_the_hooks():
    """The README's `rev:` for other repositories is the commit of a release (tags are local to where a release
    is cut, so a clone may hold none), whose tree holds .pre-commit-hooks.yaml with the hooks the example names
    (v1.0.0 predates the file: pre-commit would fail to find the hooks)."""
    import subprocess

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    revs = re.findall(r"^\s*rev: (\S+)", readme, re.M)
    assert revs, "README.md has no pre-commit example with a rev"
    if (
        subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        == "true"
    ):
        pytest.skip("a shallow clone (a CI checkout) may not hold the release commit")
    for rev in revs:
        assert re.fullmatch(r"[0-9a-f]{40}", rev), f"README pins rev {rev}: pin a release's full commit sha"
        subject = subprocess.run(
            ["git", "log", "-1", "--format=%s", rev], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        assert re.fullmatch(r"Release \d+\.\d+\.\d+", subject), f"rev {rev} is not a release commit: {subject!r}"
        hooks = subprocess.run(
            ["git", "show", f"{rev}:.pre-commit-hooks.yaml"], cwd=ROOT, capture_output=True, text=True
        )
        assert hooks.returncode == 0, f"commit {rev} has no .pre-commit-hooks.yaml"
        named = set(re.findall(r"^\s*- id: ([\w-]+)", readme, re.M))
        assert named <= {hook["id"] for hook in yaml.safe_load(hooks.stdout)}

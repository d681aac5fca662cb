"""A release killed at any moment is finished by a rerun, to the same bytes as a release never interrupted
(issue 19): the release keeps a journal (releases/.release-journal.json) from before its first write to
after its last, and a rerun puts the files back as the commit holds them and cuts the release again.

Each kill is a real SIGKILL of a `zonedata release` subprocess: at each write step through the test hook
ZONEDATA_RELEASE_STOP_AFTER, and at a few moments drawn at random (seeded) within a release's duration. The
rerun after it runs the command in this process (click's CliRunner): what it checks is what the release does
with the files the killed one left, which no state of the process it runs in takes part in; each rerun's exit
code and output are those of `zonedata release`."""

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import GIT_ENV as CONFTEST_GIT_ENV
from conftest import RELEASE_PACKAGE, build_valid, copy_package, git
from zonedata.cli import cli
from zonedata.release.release import JOURNAL_NAME, STOP_AFTER_ENV, release
from zonedata.validate import validate

DATE = "2026-01-15"
STEPS = range(1, 10)  # the write steps of _write_release (journal, pyproject, ..., manifest)
GIT_ENV = {**CONFTEST_GIT_ENV, "GIT_AUTHOR_DATE": "2026-01-15T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-15T00:00:00Z"}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch):
    for var, value in GIT_ENV.items():
        monkeypatch.setenv(var, value)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def release_args(root: Path) -> list[str]:
    return ["release", "--root", str(root), "--bump", "minor", "--date", DATE]


def release_command(root: Path) -> list[str]:
    return [sys.executable, "-m", "zonedata", *release_args(root)]


def run_release(root: Path, stop_after: int | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != STOP_AFTER_ENV}
    if stop_after is not None:
        env[STOP_AFTER_ENV] = str(stop_after)
    return subprocess.run(release_command(root), capture_output=True, text=True, env=env, timeout=300)


def rerun_release(root: Path, *extra: str) -> Result:
    """`zonedata release` again, in this process, after a kill."""
    return CliRunner().invoke(cli, [*release_args(root), *extra])


def tree(root: Path) -> dict[str, bytes]:
    """Every file of the package but git's own, by path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.fixture(scope="module")
def ready(tmp_path_factory) -> Path:
    """A package after its 1.0.0 release with one value corrected and built, all committed: ready for 1.1.0."""
    mp = pytest.MonkeyPatch()
    for var, value in GIT_ENV.items():
        mp.setenv(var, value)
    try:
        root = copy_package(RELEASE_PACKAGE, tmp_path_factory.mktemp("recovery") / "repo")
        build_valid(root)
        git(root, "init", "-q")
        commit(root, "initial")
        release(root, version="1.0.0", date=DATE)
        commit(root, "Release 1.0.0")
        parks = root / "data/raw/parks.csv"
        parks.write_text(parks.read_text(encoding="utf-8").replace(",1200\n", ",1300\n"), encoding="utf-8")
        build_valid(root)
        commit(root, "a corrected area")
    finally:
        mp.undo()
    return root


@pytest.fixture(scope="module")
def expected(ready, tmp_path_factory) -> tuple[dict[str, bytes], float]:
    """The files after an uninterrupted release of 1.1.0, and how long it took."""
    root = tmp_path_factory.mktemp("uninterrupted") / "repo"
    shutil.copytree(ready, root, symlinks=True)
    start = time.monotonic()
    done = run_release(root)
    assert done.returncode == 0, done.stdout + done.stderr
    return tree(root), time.monotonic() - start


def copy_of(ready: Path, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ready, root, symlinks=True)
    return root


def assert_finished(root: Path, expected: dict[str, bytes]) -> None:
    rerun = rerun_release(root)
    assert rerun.exit_code == 0, rerun.output
    after = tree(root)
    assert sorted(after) == sorted(expected)
    assert [name for name in expected if after[name] != expected[name]] == []
    assert not (root / "releases" / JOURNAL_NAME).exists()


@pytest.mark.parametrize("step", STEPS)
def test_a_release_killed_after_each_step_is_finished_by_a_rerun(ready, expected, tmp_path, step):
    root = copy_of(ready, tmp_path)
    killed = run_release(root, stop_after=step)
    assert killed.returncode == -9, killed.stdout + killed.stderr  # it really died at that step
    assert (root / "releases" / JOURNAL_NAME).is_file()
    if step == 6:  # validate tells the curator to rerun, not to commit what is there
        findings = [(f.rule, f.file) for f in validate(root).findings if f.rule == "release-interrupted"]
        assert findings == [("release-interrupted", "releases/" + JOURNAL_NAME)]
    assert_finished(root, expected[0])


def test_a_release_killed_at_random_moments_is_finished_by_a_rerun(ready, expected, tmp_path):
    files, seconds = expected
    moments = random.Random(19).sample([i / 20 for i in range(1, 20)], 3)
    for i, fraction in enumerate(moments):
        root = copy_of(ready, tmp_path / str(i))
        env = {k: v for k, v in os.environ.items() if k != STOP_AFTER_ENV}
        process = subprocess.Popen(release_command(root), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(seconds * fraction)
        process.kill()
        process.wait(timeout=60)
        if (root / "releases" / JOURNAL_NAME).exists():
            assert_finished(root, files)
        else:  # killed before its first write, or after its last (the timing varies with the machine's load)
            assert tree(root) in (files, tree(ready)), "no journal, yet a half-written release"


def test_a_half_release_left_uncommitted_beside_other_edits_is_refused_untouched(ready, tmp_path):
    """The rerun never throws away a curator's own edits: it refuses and changes nothing."""
    root = copy_of(ready, tmp_path)
    assert run_release(root, stop_after=6).returncode == -9
    readme = root / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nmy note\n", encoding="utf-8")
    before = tree(root)
    rerun = rerun_release(root)
    assert rerun.exit_code == 1, rerun.output
    assert "was interrupted" in rerun.output and "README.md" in rerun.output
    assert tree(root) == before


def test_a_half_release_committed_is_refused_with_the_way_back(ready, tmp_path):
    """Following the old advice ("commit them") no longer blocks every later release silently: the rerun says
    which commit the release was cut from."""
    root = copy_of(ready, tmp_path)
    head = git(root, "rev-parse", "HEAD").strip()
    assert run_release(root, stop_after=6).returncode == -9
    git(root, "add", "-A", "--", ":!releases/" + JOURNAL_NAME)
    git(root, "commit", "-q", "-m", "half a release")
    rerun = rerun_release(root)
    assert rerun.exit_code == 1, rerun.output
    assert f"git checkout {head} -- ." in rerun.output


def test_a_dry_run_after_a_kill_says_what_it_would_put_back(ready, tmp_path):
    root = copy_of(ready, tmp_path)
    assert run_release(root, stop_after=4).returncode == -9
    before = tree(root)
    dry = rerun_release(root, "--dry-run")
    assert dry.exit_code == 1 and "pyproject.toml" in dry.output
    assert tree(root) == before

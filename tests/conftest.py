"""The shared test packages: each test that changes a package gets a fresh copy of one of them.

- `package`: tests/fixtures/valid, the small package that builds, cites and serves the reader API
  (metadata, pyproject.toml); `built` is it after `build` (a copy of `published`, built once a session).
- `corpus_package`: tests/corpus/base, the package every corpus case breaks one thing in; `one_error`
  is it with one duplicated row.
- `release_package`: tests/fixtures/versions/package, the package the release tests release.
- `repository`: the repository's own raw package (schemas/, seeds/, data/raw/), nothing published.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings

from zonedata.base.paths import Paths
from zonedata.loading.vocabulary import load_vocabulary
from zonedata.publish.build import build
from zonedata.text.numbers import Grammar

# Property tests draw the same examples on every run ("repeatable"), so a run fails only when the code
# changes, never by the luck of the draw; the inputs they once found that broke the code are pinned as
# explicit @example(s). `--hypothesis-profile=explore` (README: a longer randomised run) draws fresh
# random examples, 1,000 per property, to look for new ones.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, max_examples=1000, database=None)
settings.load_profile("repeatable")

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FIXTURE = TESTS / "fixtures" / "valid"
CORPUS_BASE = TESTS / "corpus" / "base"
RELEASE_PACKAGE = TESTS / "fixtures" / "versions" / "package"
REPOSITORY_PARTS = ("schemas", "seeds", "data/raw", "metadata/vocabulary")


def grammar_of(root: Path) -> Grammar:
    """The number grammar of the package at `root`, built from its metadata/vocabulary/ (which must be valid)."""
    vocabulary, findings = load_vocabulary(Paths(root))
    assert not findings, [f.to_dict() for f in findings]
    return Grammar(vocabulary)


def copy_package(source: Path, dest: Path) -> Path:
    """A copy of the package at `source` in `dest`, its files 0644 and folders 0755 whatever the checkout's."""
    shutil.copytree(source, dest)
    for p in dest.rglob("*"):
        p.chmod(0o644 if p.is_file() else 0o755)
    return dest


def add_source(root: Path, source_id: str, data: bytes, title: str) -> str:
    """The text `data` added to the package at `root` as source `source_id`: seeds/<id>_<sha256[:16]>.txt and
    its seeds/sources.csv row (published 2024-08-20, English); the file's name."""
    sha = hashlib.sha256(data).hexdigest()
    name = f"{source_id}_{sha[:16]}.txt"
    (root / "seeds" / name).write_bytes(data)
    with (root / "seeds" / "sources.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            [source_id, name, sha, title, "", "", "", "2024-08-20", "", "", "en", "", ""]
        )
    return name


def copy_tree(source: Path, dest: Path) -> Path:
    """A copy of the folder at `source` (a package or a repository made once for many tests) in `dest`, its
    files' bytes, modes and times kept and its links copied as links."""
    shutil.copytree(source, dest, symlinks=True)
    return dest


def build_valid(root: Path) -> Path:
    """`root` after `build`, which must find it valid."""
    result = build(root)
    assert result.report.valid, [f.to_dict() for f in result.report.errors]
    return root


@pytest.fixture
def package(tmp_path) -> Path:
    """A fresh copy of the fixture package (tests/fixtures/valid), nothing published yet."""
    return copy_package(FIXTURE, tmp_path / "pkg")


@pytest.fixture
def built(published, tmp_path) -> Path:
    """A fresh copy of the fixture package, built (valid): a copy of the session's one build of it (`published`),
    which is the same bytes as building each copy (the build is byte-identical for identical input)."""
    return copy_tree(published, tmp_path / "pkg")


@pytest.fixture
def corpus_package(tmp_path) -> Path:
    """A fresh copy of the corpus base package (tests/corpus/base)."""
    return copy_package(CORPUS_BASE, tmp_path / "pkg")


@pytest.fixture
def one_error(corpus_package) -> Path:
    """The corpus base package with line 3 of parks.csv repeating line 2: one error, primary-key-duplicate."""
    path = corpus_package / "data" / "raw" / "parks.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[1] + lines[1] + "".join(lines[2:]), encoding="utf-8")
    return corpus_package


@pytest.fixture
def release_package(tmp_path) -> Path:
    """A fresh copy of the release fixture package (tests/fixtures/versions/package), not built."""
    return copy_package(RELEASE_PACKAGE, tmp_path / "pkg")


@pytest.fixture
def repository(tmp_path) -> Path:
    """A copy of the repository's raw package: schemas/, seeds/ and data/raw/, nothing published."""
    root = tmp_path / "pkg"
    for part in REPOSITORY_PARTS:
        shutil.copytree(REPO / part, root / part)
    return root


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    """The fixture package built once for the whole session: for tests that only read it."""
    return build_valid(copy_package(FIXTURE, tmp_path_factory.mktemp("published") / "pkg"))


#: commits in the tests' throwaway repositories, isolated from the user's git configuration
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    """Run git in the repository at `root`; its standard output."""
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_identity(monkeypatch):
    for var, value in GIT_ENV.items():
        monkeypatch.setenv(var, value)

"""`zonedata release` end to end in a throwaway git repository holding a copy of the fixture package
(tests/fixtures/versions/package), and the versions check of `zonedata validate`."""

import hashlib
import io
import json
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import GIT_ENV, RELEASE_PACKAGE, copy_package, copy_tree, git
from zonedata.base.paths import Paths
from zonedata.cli import cli
from zonedata.loading.dataset import load_dataset
from zonedata.release import versions
from zonedata.release.release import ReleaseRefused, archive_bytes, release
from zonedata.validate import validate

DATE = "2026-01-15"


pytestmark = pytest.mark.usefixtures("git_identity")


def build(root: Path) -> None:
    from zonedata.publish.build import build as run_build

    assert run_build(root).report.valid


def commit(root: Path, message: str = "edit") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def make_repo(path: Path) -> Path:
    """A git repository with the fixture package, built and committed: ready for its first release."""
    copy_package(RELEASE_PACKAGE, path)
    build(path)
    git(path, "init", "-q")
    commit(path, "initial")
    return path


@pytest.fixture(scope="module")
def repo_once(tmp_path_factory) -> Path:
    """The repository `repo` copies, made once a module (never changed itself)."""
    with pytest.MonkeyPatch.context() as mp:
        for var, value in GIT_ENV.items():
            mp.setenv(var, value)
        return make_repo(tmp_path_factory.mktemp("repo") / "repo")


@pytest.fixture
def repo(repo_once, tmp_path) -> Path:
    """A fresh git repository with the fixture package, built and committed: ready for its first release (a copy
    of `repo_once`, with its history)."""
    return copy_tree(repo_once, tmp_path / "repo")


def make_released(repo_once: Path, dest: Path, *, tag: bool) -> Path:
    """A copy of `repo_once` at `dest` after its 1.0.0 release, committed (and tagged v1.0.0 if `tag`)."""
    with pytest.MonkeyPatch.context() as mp:
        for var, value in GIT_ENV.items():
            mp.setenv(var, value)
        root = copy_tree(repo_once, dest)
        release(root, version="1.0.0", date=DATE)
        commit(root, "Release 1.0.0")
        if tag:
            git(root, "tag", "-a", "v1.0.0", "-m", "1.0.0")
    return root


@pytest.fixture(scope="module")
def released_once(repo_once, tmp_path_factory) -> Path:
    """The repository `released` copies, made once a module (never changed itself)."""
    return make_released(repo_once, tmp_path_factory.mktemp("released") / "repo", tag=True)


@pytest.fixture
def released(released_once, tmp_path) -> Path:
    """A fresh copy of the fixture package's repository after its 1.0.0 release, committed and tagged."""
    return copy_tree(released_once, tmp_path / "repo")


def edit_parks(root: Path, rows: str) -> None:
    """parks.csv holding `rows`, each park cited by the sentence of the fixture's text that names it."""
    (root / "data/raw/parks.csv").write_text("park_id,name,area_ha\n" + rows, encoding="utf-8")
    cites = "".join(f"parks,{r.split(',')[0]},001,The {r.split(',')[1]} covers\n" for r in rows.splitlines())
    (root / "data/raw/citations.csv").write_text("record_table,record_id,source_id,quote\n" + cites, encoding="utf-8")
    build(root)
    commit(root)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- the first release ------------------------------------------------------------------------


def test_first_release_writes_every_file(repo):
    result = invoke("release", "--root", repo, "--version", "1.0.0", "--date", DATE)
    assert result.exit_code == 0, result.output
    assert "Released zonedata 1.0.0 (2026-01-15): first release." in result.output
    assert 'git commit -m "Release 1.0.0"' in result.output and "git tag -a v1.0.0" in result.output

    assert tomllib.loads((repo / "pyproject.toml").read_text())["project"]["version"] == "1.0.0"
    assert json.loads((repo / "datapackage.json").read_text())["version"] == "1.0.0"
    cff = yaml.safe_load((repo / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert (cff["version"], cff["date-released"], cff["license"]) == ("1.0.0", DATE, "CC-BY-4.0")
    assert cff["title"] == "zonedata release fixture" and cff["abstract"] == "Two small tables for testing releases."
    assert cff["authors"] == [{"name": "zonedata contributors"}]
    assert cff["repository-code"] == "https://example.org/zonedata-fixture"
    assert cff["keywords"] == ["fixture", "industrial parks"] and cff["message"]
    zenodo = json.loads((repo / ".zenodo.json").read_text())
    assert zenodo["upload_type"] == "dataset" and zenodo["version"] == "1.0.0"
    assert zenodo["publication_date"] == DATE and zenodo["license"] == "cc-by-4.0"
    assert zenodo["creators"] == [{"name": "zonedata contributors"}]
    assert zenodo["title"] == cff["title"] and zenodo["description"] == cff["abstract"]
    assert zenodo["keywords"] == cff["keywords"]

    changelog = (repo / "CHANGELOG.md").read_text()
    assert "## [Unreleased]\n\n## [1.0.0] - 2026-01-15\n\nFirst release." in changelog
    assert "| parks | 2 |" in changelog and "- parks: 2 record(s)" in changelog

    manifest = json.loads((repo / "releases/releases.json").read_text())
    archive = repo / "releases/zonedata-1.0.0.zip"
    assert manifest == [
        {
            "version": "1.0.0",
            "date": DATE,
            "archive": "releases/zonedata-1.0.0.zip",
            "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(),
            "bytes": archive.stat().st_size,
            "commit": git(repo, "rev-parse", "HEAD").strip(),  # the commit it was cut from (issue 23: no tag needed)
        }
    ]
    assert validate(repo).valid, validate(repo).to_dict()
    cite = invoke("cite", "--root", repo)
    assert (
        cite.output == "zonedata contributors (2026). zonedata release fixture (Version 1.0.0) [Data set]. "
        "https://example.org/zonedata-fixture\n"
    )


def test_archive_contents_and_checksums(repo):
    release(repo, version="1.0.0", date=DATE)
    with zipfile.ZipFile(repo / "releases/zonedata-1.0.0.zip") as zf:
        names = zf.namelist()
        assert names == sorted(names)
        # datapackage.json at the top: the archive is a zipped Frictionless package
        assert names == [
            "CHANGELOG.md",
            "CITATION.cff",
            "LICENSE",
            "README.md",
            "SHA256SUMS",
            "data/clean/citations.csv",
            "data/clean/citations.parquet",
            "data/clean/parks.csv",
            "data/clean/parks.parquet",
            "data/clean/sources.csv",
            "data/clean/sources.parquet",
            "data/clean/statistics.csv",
            "data/clean/statistics.parquet",
            "datapackage.json",
            "docs/data-dictionary.md",
            "schemas/citations.json",
            "schemas/parks.json",
            "schemas/sources.json",
            "schemas/statistics.json",
            "seeds/sources.csv",
        ]
        assert not any(n.endswith(".txt") for n in names)  # third-party texts stay out of the deposit
        assert {i.date_time for i in zf.infolist()} == {(2026, 1, 15, 0, 0, 0)}
        sums = dict(reversed(line.split("  ")) for line in zf.read("SHA256SUMS").decode().splitlines())
        assert sorted(sums) == [n for n in names if n != "SHA256SUMS"]
        for name, digest in sums.items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == digest
        assert zf.read("datapackage.json") == (repo / "datapackage.json").read_bytes()
        assert yaml.safe_load(zf.read("CITATION.cff"))["version"] == "1.0.0"


def test_archives_up_to_1_0_0_can_be_recreated_in_their_folder_layout(repo):
    """The committed 1.0.0 archive holds zonedata-1.0.0/...; archive_bytes(folder=True) still makes that layout."""
    release(repo, version="1.0.0", date=DATE)
    flat = (repo / "releases/zonedata-1.0.0.zip").read_bytes()
    with (
        zipfile.ZipFile(io.BytesIO(archive_bytes(Paths(repo), "1.0.0", DATE, folder=True))) as zf,
        zipfile.ZipFile(io.BytesIO(flat)) as top,
    ):
        assert zf.namelist() == [f"zonedata-1.0.0/{n}" for n in top.namelist()]
        assert all(zf.read(f"zonedata-1.0.0/{n}") == top.read(n) for n in top.namelist())


def test_archive_is_reproducible_byte_for_byte(tmp_path):
    one, two = make_repo(tmp_path / "one"), make_repo(tmp_path / "two")
    release(one, version="1.0.0", date=DATE)
    release(two, version="1.0.0", date=DATE)
    data = (one / "releases/zonedata-1.0.0.zip").read_bytes()
    assert data == (two / "releases/zonedata-1.0.0.zip").read_bytes()
    # and anyone can re-create it from the released files
    assert archive_bytes(Paths(one), "1.0.0", DATE) == data


def test_dry_run_writes_nothing(repo):
    result = invoke("release", "--root", repo, "--bump", "major", "--dry-run", "--date", DATE)
    assert result.exit_code == 0, result.output
    assert "Would release zonedata 1.0.0" in result.output and "nothing was written" in result.output
    assert git(repo, "status", "--porcelain") == ""


# --- refusals ---------------------------------------------------------------------------------


def test_refuses_uncommitted_changes(repo):
    (repo / "README.md").write_text("changed\n")
    result = invoke("release", "--root", repo, "--version", "1.0.0")
    assert result.exit_code == 1
    assert "uncommitted changes" in result.output and "README.md" in result.output
    assert not (repo / "releases").exists()


def test_refuses_outside_git_with_a_usage_error(release_package):
    root = release_package
    result = invoke("release", "--root", root, "--version", "1.0.0")
    assert result.exit_code == 2
    assert "not in a git repository" in result.output and "Traceback" not in result.output


def test_bump_or_version_is_required(repo):
    assert invoke("release", "--root", repo).exit_code == 2
    assert invoke("release", "--root", repo, "--bump", "minor", "--version", "1.0.0").exit_code == 2
    bad = invoke("release", "--root", repo, "--version", "1.0")
    assert bad.exit_code == 2 and "not a version number" in bad.output


def test_refuses_invalid_data(repo):
    (repo / "data/raw/parks.csv").write_text("park_id,name,area_ha\nP1,Qinzhou,1000\nP1,Again,5\n")
    commit(repo)
    result = invoke("release", "--root", repo, "--version", "1.0.0")
    assert result.exit_code == 1
    assert "the data is invalid" in result.output and "primary-key-duplicate" in result.output


def test_refuses_an_existing_or_lower_version(released):
    again = invoke("release", "--root", released, "--version", "1.0.0")
    assert again.exit_code == 1 and "already released" in again.output and "never rewritten" in again.output
    lower = invoke("release", "--root", released, "--version", "0.9.0")
    assert lower.exit_code == 1 and "not greater than the latest release 1.0.0" in lower.output


def test_refuses_a_release_with_nothing_changed(released):
    result = invoke("release", "--root", released, "--bump", "patch")
    assert result.exit_code == 1 and "nothing to release" in result.output


def test_added_record_needs_minor(released):
    edit_parks(released, "P1,Qinzhou Industrial Park,1000\nP2,Kuantan Industrial Park,1200\nP3,Batang Park,4300\n")
    with pytest.raises(ReleaseRefused) as refused:
        release(released, bump="patch", date="2026-02-01")
    assert "1.0.1 is a patch release, but the changes since 1.0.0 need a minor release" in str(refused.value)
    assert refused.value.reasons == [
        "citations: 1 record(s) added (parks, P3, 001, The Batang Park covers)",
        "parks: 1 record(s) added (P3)",
    ]
    result = release(released, bump="minor", date="2026-02-01")
    assert (result.version, result.bump, result.required) == ("1.1.0", "minor", "minor")
    changelog = (released / "CHANGELOG.md").read_text()
    entry = changelog.split("## [1.1.0] - 2026-02-01\n", 1)[1].split("## [1.0.0]")[0]
    assert "| parks | 3 | 1 | 0 | 0 |" in entry and "| sources | 1 | 0 | 0 | 0 |" in entry
    assert (
        "### Added\n\n- citations: 1 record(s) added (parks, P3, 001, The Batang Park covers)\n- parks: 1 record(s) added (P3)\n"
        in entry
    )
    assert changelog.index("## [1.1.0]") < changelog.index("## [1.0.0]")
    assert [e["version"] for e in json.loads((released / "releases/releases.json").read_text())] == ["1.0.0", "1.1.0"]


def test_corrected_value_needs_a_patch(released):
    edit_parks(released, "P1,Qinzhou Industrial Park,1050\nP2,Kuantan Industrial Park,1200\n")
    result = release(released, bump="patch", date="2026-02-01")
    assert (result.version, result.required) == ("1.0.1", "patch")
    assert "- parks: 1 record(s) corrected (P1; fields: area_ha)" in (released / "CHANGELOG.md").read_text()


def test_removed_record_needs_major_and_says_which(released):
    edit_parks(released, "P1,Qinzhou Industrial Park,1000\n")
    result = invoke("release", "--root", released, "--bump", "minor")
    assert result.exit_code == 1
    assert "need a major release (--bump major)" in result.output
    assert "parks: 1 record(s) removed (P2)" in result.output


def test_renamed_field_needs_major(released):
    schema = json.loads((released / "schemas/parks.json").read_text())
    schema["fields"][2]["name"] = "area_hectares"
    (released / "schemas/parks.json").write_text(json.dumps(schema, indent=2))
    (released / "data/raw/parks.csv").write_text(
        "park_id,name,area_hectares\nP1,Qinzhou Industrial Park,1000\nP2,Kuantan Industrial Park,1200\n"
    )
    build(released)
    commit(released)
    with pytest.raises(ReleaseRefused) as refused:
        release(released, bump="minor")
    assert "parks.area_hectares: field 'area_ha' renamed to 'area_hectares'" in refused.value.reasons
    assert release(released, bump="major", date="2026-03-01").version == "2.0.0"


def test_unreleased_notes_move_into_the_release_entry(released):
    changelog = released / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text().replace(
            "## [Unreleased]\n",
            "## [Unreleased]\n\nChecked against the archived texts again.\n\n"
            "### Fixed\n\n- The area of P1 was mistyped.\n",
            1,
        )
    )
    edit_parks(released, "P1,Qinzhou Industrial Park,1050\nP2,Kuantan Industrial Park,1200\n")
    release(released, bump="patch", date="2026-02-01")
    text = changelog.read_text()
    head, entry = text.split("## [1.0.1] - 2026-02-01\n", 1)
    assert head.endswith("## [Unreleased]\n\n")
    assert "Checked against the archived texts again." in entry.split("## [1.0.0]")[0]
    assert "### Fixed\n\n- The area of P1 was mistyped.\n" in entry.split("## [1.0.0]")[0]


def test_curated_citation_keys_survive_a_release(released):
    cff = yaml.safe_load((released / "CITATION.cff").read_text())
    cff["authors"] = [
        {"family-names": "Tan", "given-names": "Mei Ling", "orcid": "https://orcid.org/0000-0002-1825-0097"}
    ]
    (released / "CITATION.cff").write_text(yaml.safe_dump(cff, sort_keys=False))
    edit_parks(released, "P1,Qinzhou Industrial Park,1050\nP2,Kuantan Industrial Park,1200\n")
    release(released, bump="patch", date="2026-02-01")
    after = yaml.safe_load((released / "CITATION.cff").read_text())
    assert after["authors"] == cff["authors"] and after["version"] == "1.0.1" and after["date-released"] == "2026-02-01"
    zenodo = json.loads((released / ".zenodo.json").read_text())
    assert zenodo["creators"] == [{"name": "Tan, Mei Ling", "orcid": "0000-0002-1825-0097"}]


# --- the versions check -----------------------------------------------------------------------


def version_findings(root: Path):
    return [(f.rule, f.file, f.line, f.severity) for f in versions.check(load_dataset(root))]


def test_versions_check_is_silent_before_the_first_release(repo):
    assert version_findings(repo) == []


def test_versions_check_passes_after_a_release(released):
    assert version_findings(released) == []


def test_versions_check_reports_each_disagreeing_file(released):
    cff = released / "CITATION.cff"
    cff.write_text(cff.read_text().replace("version: 1.0.0", "version: 1.0.1"))
    zenodo = released / ".zenodo.json"
    zenodo.write_text(zenodo.read_text().replace('"version": "1.0.0"', '"version": "0.9.0"'))
    cff_line = cff.read_text().splitlines().index("version: 1.0.1") + 1
    zenodo_line = zenodo.read_text().splitlines().index('  "version": "0.9.0",') + 1
    assert version_findings(released) == [
        ("version-mismatch", ".zenodo.json", zenodo_line, "error"),
        ("version-mismatch", "CITATION.cff", cff_line, "error"),
    ]
    report = validate(released)
    assert not report.valid
    finding = next(f for f in report.findings if f.file == "CITATION.cff")
    assert finding.value == "1.0.1" and "pyproject.toml says 1.0.0" in finding.message


def test_versions_check_reports_a_version_that_was_never_released(released):
    pyproject = released / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "1.0.0"', 'version = "1.1.0"'))
    # one finding, at the cause: the other files still agree with the latest release
    assert version_findings(released) == [("version-mismatch", "pyproject.toml", 4, "error")]
    message = versions.check(load_dataset(released))[0].message
    assert "1.1.0 is not a release" in message and "set it back to 1.0.0" in message


def test_versions_check_reports_missing_citation_keys(released):
    cff = released / "CITATION.cff"
    data = yaml.safe_load(cff.read_text())
    del data["authors"], data["keywords"]
    cff.write_text(yaml.safe_dump(data, sort_keys=False))
    findings = versions.check(load_dataset(released))
    assert [(f.rule, f.field, f.severity) for f in findings] == [
        ("citation-key-missing", "authors", "error"),
        ("citation-key-missing", "keywords", "warning"),
    ]


def test_versions_check_reports_a_rewritten_archive(released):
    archive = released / "releases/zonedata-1.0.0.zip"
    archive.write_bytes(archive.read_bytes() + b"x")
    assert version_findings(released) == [("release-archive-mismatch", "releases/zonedata-1.0.0.zip", None, "error")]


# --- issue 19: releases.json and CHANGELOG.md cannot be hand-edited without a finding -----------------


def manifest_of(root: Path) -> list[dict]:
    return json.loads((root / "releases/releases.json").read_text())


def set_manifest(root: Path, entries: list[dict]) -> None:
    (root / "releases/releases.json").write_text(json.dumps(entries, indent=2) + "\n")


def pinned(root: Path):
    return [(f.rule, f.file, f.line, f.field, f.value) for f in versions.check(load_dataset(root))]


def test_a_hand_edited_archive_size_is_reported(released):
    entries = manifest_of(released)
    entries[0]["bytes"] += 1
    set_manifest(released, entries)
    assert pinned(released) == [
        ("release-archive-mismatch", "releases/releases.json", 3, "bytes", str(entries[0]["bytes"]))
    ]


def test_an_archive_that_holds_another_version_is_reported(released):
    """The archive and its sha256 replaced together (by hand) by one whose descriptor states another version."""
    archive = released / "releases/zonedata-1.0.0.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(buf, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "datapackage.json":
                data = data.replace(b'"version": "1.0.0"', b'"version": "0.9.0"')
            new.writestr(info, data)
    archive.write_bytes(buf.getvalue())
    entries = manifest_of(released)
    entries[0].update(sha256=hashlib.sha256(buf.getvalue()).hexdigest(), bytes=len(buf.getvalue()))
    set_manifest(released, entries)
    findings = pinned(released)
    assert findings == [("release-archive-mismatch", "releases/zonedata-1.0.0.zip", None, "version", None)]
    assert "says version 0.9.0, not 1.0.0" in versions.check(load_dataset(released))[0].message


@pytest.mark.parametrize(
    ("date", "words"),
    [("2999-01-01", "after today"), ("2026-13-40", "not a date"), ("15 January 2026", "not a date")],
)
def test_a_release_date_in_the_future_or_not_a_date_is_reported(released, date, words):
    entries = manifest_of(released)
    entries[0]["date"] = date
    set_manifest(released, entries)
    findings = versions.check(load_dataset(released))
    dated = [f for f in findings if f.rule == "release-date-invalid"]
    assert [(f.file, f.line, f.field, f.value) for f in dated] == [("releases/releases.json", 3, "date", date)]
    assert words in dated[0].message


def test_release_dates_that_go_backwards_are_reported(released):
    edit_parks(released, "P1,Qinzhou Industrial Park,1000\nP2,Kuantan Industrial Park,1200\nP3,Third Park,5\n")
    release(released, bump="minor", date="2026-02-01")
    commit(released, "Release 1.1.0")
    entries = manifest_of(released)
    entries[1]["date"] = "2025-12-31"
    set_manifest(released, entries)
    findings = [f for f in versions.check(load_dataset(released)) if f.rule == "release-date-invalid"]
    assert [(f.file, f.field, f.value) for f in findings] == [("releases/releases.json", "date", "2025-12-31")]
    assert findings[0].line == 11 and "before the release before it" in findings[0].message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("## [1.0.0] - 2026-01-15", "## [1.0.0] - 2026-01-16"), ("date", "2026-01-16")),
        (lambda t: t.replace("## [1.0.0] - 2026-01-15", "## [1.0.1] - 2026-01-15"), ("version", "1.0.1")),
        (lambda t: t + "\n## [1.0.0] - 2026-01-15\n", ("version", "1.0.0")),
    ],
)
def test_changelog_entries_are_the_releases(released, edit, expected):
    changelog = released / "CHANGELOG.md"
    changelog.write_text(edit(changelog.read_text()))
    findings = [f for f in versions.check(load_dataset(released)) if f.rule == "changelog-mismatch"]
    assert (findings[0].file, findings[0].field, findings[0].value) == ("CHANGELOG.md", *expected)
    assert findings[0].line is not None or expected == ("version", "1.0.0")


def test_a_changelog_without_a_release_entry_is_reported(released):
    changelog = released / "CHANGELOG.md"
    changelog.write_text(changelog.read_text().replace("## [1.0.0] - 2026-01-15", "## Old notes"))
    assert pinned(released) == [("changelog-mismatch", "CHANGELOG.md", None, "version", "1.0.0")]


def test_an_archive_missing_what_its_descriptor_lists_is_never_published(released):
    """data/clean/ ignored by git (a common habit for build output): the archive would hold none of the tables
    its datapackage.json lists. The release refuses and keeps nothing."""
    (released / ".gitignore").write_text("data/clean/\n")
    git(released, "rm", "-r", "-q", "--cached", "data/clean")
    commit(released, "ignore data/clean")
    edit_parks(released, "P1,Qinzhou Industrial Park,1000\nP2,Kuantan Industrial Park,1200\nP3,Third Park,5\n")
    before = {p: p.read_bytes() for p in released.rglob("*") if p.is_file() and ".git" not in p.parts}
    with pytest.raises(ReleaseRefused) as refused:
        release(released, bump="minor", date=DATE)
    assert "does not hold what its own datapackage.json lists" in str(refused.value)
    assert "data/clean/parks.csv: listed in datapackage.json but not in the archive" in refused.value.reasons
    assert not (released / "releases/zonedata-1.1.0.zip").exists()
    after = {p: p.read_bytes() for p in released.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before


def test_deleting_citation_cff_does_not_silence_the_release_checks(released):
    """CITATION.cff removed from a released package: validate says so, and still checks releases.json
    (a hand-edited size went unreported once CITATION.cff was gone)."""
    (released / "CITATION.cff").unlink()
    entries = manifest_of(released)
    entries[0]["bytes"] += 1
    set_manifest(released, entries)
    found = pinned(released)
    assert ("citation-invalid", "CITATION.cff", None, None, None) in found, found
    assert ("release-archive-mismatch", "releases/releases.json", 3, "bytes", str(entries[0]["bytes"])) in found

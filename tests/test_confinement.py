"""Confinement and atomicity: nothing outside the package root is read or written (symlinks, absolute
and ../ paths in datapackage.json and releases/releases.json), and a build that fails half way leaves
the old publication whole."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from zonedata.cli import cli
from zonedata.publish import build as build_module
from zonedata.publish.build import build
from zonedata.validate import validate


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def published(root: Path) -> dict[str, bytes]:
    files = {f"data/clean/{p.name}": p.read_bytes() for p in (root / "data" / "clean").iterdir()}
    files["datapackage.json"] = (root / "datapackage.json").read_bytes()
    files["docs/data-dictionary.md"] = (root / "docs" / "data-dictionary.md").read_bytes()
    return files


def change_a_park(root: Path) -> None:
    """A change that makes the build rewrite every published file: a park's name and a field's description."""
    raw = root / "data" / "raw" / "parks.csv"
    raw.write_text(
        raw.read_text(encoding="utf-8").replace("Zone,cooperation_zone", "Zone (CAICZ),cooperation_zone"),
        encoding="utf-8",
    )
    schema = root / "schemas" / "parks.json"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace("Identifier of the park.", "The park's identifier."),
        encoding="utf-8",
    )


def move_out(root: Path, rel: str, outside: Path) -> Path:
    """Replace root/rel by a symlink to a copy of it outside the root."""
    target = outside / rel.replace("/", "_")
    shutil.move(str(root / rel), str(target))
    (root / rel).symlink_to(target, target_is_directory=target.is_dir())
    return target


# --- symlinks out of the root -------------------------------------------------------------------


@pytest.mark.parametrize(
    "rel",
    [
        "data/clean",
        "docs",
        "datapackage.json",
        "docs/data-dictionary.md",
        "data/clean/parks.csv",
        "schemas",
        "data/raw/parks.csv",
        "metadata/package.json",
        "seeds/sources.csv",
    ],
)
@pytest.mark.parametrize("command", ["validate", "build", "coverage"])
def test_a_symlink_out_of_the_root_is_refused(built, outside, rel, command):
    change_a_park(built)  # a build would write
    target = move_out(built, rel, outside)
    before = snapshot(outside)
    result = invoke(command, "--root", built, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    (finding,) = report["findings"]
    assert (finding["rule"], finding["file"], finding["value"]) == ("path-outside-root", rel, str(target.resolve()))
    assert "outside the package root" in finding["message"]
    assert snapshot(outside) == before, "nothing outside the root was written"
    assert not (outside / "parks.csv").exists()


def test_a_link_inside_the_root_is_fine(built):
    """A symlink that stays inside the package is followed as usual."""
    (built / "notes").mkdir()
    shutil.move(str(built / "docs"), str(built / "notes" / "docs"))
    (built / "docs").symlink_to(built / "notes" / "docs", target_is_directory=True)
    assert validate(built).valid, validate(built).to_dict()


def test_a_symlinked_build_never_puts_an_absolute_path_in_the_descriptor(built, outside):
    """Before: a symlinked data/clean made every resource path absolute, and validate accepted it."""
    move_out(built, "data/clean", outside)
    assert not build(built).report.valid
    descriptor = json.loads((built / "datapackage.json").read_text())
    assert all(r["path"].startswith("data/clean/") for r in descriptor["resources"])


def test_the_root_itself_may_be_a_symlink(built, tmp_path):
    link = tmp_path / "link"
    link.symlink_to(built, target_is_directory=True)
    assert validate(link).valid
    change_a_park(built)
    assert build(link).report.valid


def test_a_symlink_loop_is_a_finding(built):
    (built / "data" / "raw" / "loop.csv").symlink_to(built / "data" / "raw" / "loop.csv")
    report = validate(built)
    assert [(f.rule, f.file) for f in report.findings] == [("path-outside-root", "data/raw/loop.csv")]


# --- paths in datapackage.json and releases/releases.json ---------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "../../etc/hostname",
        "/etc/hostname",
        "data/../../x.csv",
        "file:///etc/hostname",
        "C:/x.csv",
        "data\\clean\\parks.csv",
    ],
)
def test_a_resource_path_outside_the_package_is_refused(built, path):
    descriptor_path = built / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    descriptor["resources"][0]["path"] = path
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n")
    line = next(
        i
        for i, text in enumerate(descriptor_path.read_text().splitlines(), 1)
        if text.strip().startswith('"path": ' + json.dumps(path))
    )
    report = validate(built)
    found = [f for f in report.findings if f.rule == "path-outside-root"]
    assert [(f.file, f.line, f.field, f.value) for f in found] == [("datapackage.json", line, "path", path)]
    assert not any("hostname" in (f.file or "") for f in report.findings), "the outside file was not read"
    assert not any(
        "sha256:" in f.message and f.rule == "publication-hash-mismatch" and f.file == path for f in report.findings
    )


def test_a_resource_path_through_a_link_out_is_refused(built, outside):
    """A path that looks relative but leads out through a symlink that is not part of the layout."""
    (outside / "x.csv").write_text("a\n1\n")
    (built / "elsewhere").symlink_to(outside, target_is_directory=True)
    descriptor_path = built / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    descriptor["resources"][0]["path"] = "elsewhere/x.csv"
    descriptor_path.write_text(json.dumps(descriptor, indent=2) + "\n")
    found = [f for f in validate(built).findings if f.rule == "path-outside-root"]
    assert [(f.file, f.value) for f in found] == [("datapackage.json", "elsewhere/x.csv")]


def test_load_refuses_a_resource_path_outside_the_package(built):
    import zonedata

    descriptor_path = built / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    parquet = next(r for r in descriptor["resources"] if r["name"] == "parks-parquet")
    parquet["path"] = "../../../../../../etc/hostname"
    descriptor_path.write_text(json.dumps(descriptor))
    with pytest.raises(ValueError, match="not a relative path inside"):
        zonedata.load("parks", root=built)


def make_release_manifest(root: Path, archive: str) -> None:
    (root / "releases").mkdir(exist_ok=True)
    (root / "releases" / "releases.json").write_text(
        json.dumps([{"version": "1.0.0", "date": "2026-01-01", "archive": archive, "sha256": "0" * 64, "bytes": 1}])
    )


@pytest.mark.parametrize("archive", ["../../etc/hostname", "/etc/hostname", "releases/../../../etc/hostname"])
def test_a_release_archive_outside_the_package_is_refused(built, archive):
    make_release_manifest(built, archive)
    result = invoke("diff", "--root", built, "1.0.0", ".")
    assert result.exit_code == 2
    assert "leaves the package root" in result.output and "hostname" in result.output
    assert hashlib.sha256(Path("/etc/hostname").read_bytes()).hexdigest() not in result.output


# --- atomicity ----------------------------------------------------------------------------------


def test_a_directory_named_datapackage_json_changes_nothing(built):
    """Before: the tables were renamed into place, then the descriptor's rename failed."""
    change_a_park(built)
    (built / "datapackage.json").unlink()
    (built / "datapackage.json").mkdir()
    clean_before = snapshot(built / "data" / "clean")
    docs_before = snapshot(built / "docs")
    result = invoke("build", "--root", built)
    assert result.exit_code == 2, result.output
    assert "datapackage.json is a directory" in result.output and "nothing was changed" in result.output
    assert "internal error" not in result.output
    assert snapshot(built / "data" / "clean") == clean_before and snapshot(built / "docs") == docs_before
    assert not list(built.glob(".zonedata-build-*"))


@pytest.mark.parametrize("failing", ["docs", "datapackage.json", "data/clean/parks.parquet"])
def test_a_rename_that_fails_midway_puts_the_old_publication_back(built, monkeypatch, failing):
    """A read-only docs/ (or any rename failing after the first): every file renamed so far is put back."""
    change_a_park(built)
    before = published(built)
    real_replace = os.replace
    moved = []

    def replace(src, dst):
        dst_rel = Path(dst).relative_to(built).as_posix()
        if dst_rel.startswith(failing) and not Path(src).name.startswith("old-"):  # old-*: the rollback itself
            raise PermissionError(13, "Permission denied", str(dst))
        moved.append(dst_rel)
        return real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", replace)
    with pytest.raises(build_module.PublishError, match=f"cannot write {failing}.*Permission denied"):
        build(built)
    monkeypatch.setattr(build_module.os, "replace", real_replace)
    assert failing == "data/clean/parks.parquet" or moved, "some files were renamed before the failure"
    assert published(built) == before, "the old publication is whole"
    assert not list(built.glob(".zonedata-build-*"))


def _read_only(folder: Path, on: bool) -> bool:
    """Make a folder read-only for real: chmod for a user, the immutable attribute for root (who ignores chmod)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        done = (
            subprocess.run(["chattr", "+i" if on else "-i", str(folder)], capture_output=True, check=False)
            if shutil.which("chattr")
            else None
        )
        return done is not None and done.returncode == 0
    folder.chmod(0o555 if on else 0o755)
    return True


def test_a_read_only_docs_folder_keeps_the_old_publication(built):
    """Before: new data/clean/* were renamed into place, then docs/ refused the dictionary, and the old
    descriptor was left beside the new tables."""
    change_a_park(built)
    before = published(built)
    if not _read_only(built / "docs", True):
        pytest.skip("cannot make a folder read-only here")
    try:
        result = invoke("build", "--root", built)
    finally:
        _read_only(built / "docs", False)
    assert result.exit_code == 2, result.output
    assert "cannot write docs/data-dictionary.md" in result.output and "old publication is whole" in result.output
    assert "internal error" not in result.output
    assert published(built) == before
    assert not list(built.glob(".zonedata-build-*"))


def test_a_stale_file_is_removed_only_with_the_rest(built, monkeypatch):
    """A removal is part of the same all-or-nothing step: a failure puts the removed file back too."""
    stale = built / "data" / "clean" / "gone.csv"
    stale.write_text("a\n1\n")
    change_a_park(built)
    before = published(built)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == "datapackage.json" and not Path(src).name.startswith("old-"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", replace)
    with pytest.raises(build_module.PublishError, match="No space left"):
        build(built)
    monkeypatch.setattr(build_module.os, "replace", real_replace)
    assert published(built) == before and stale.read_text() == "a\n1\n"
    assert build(built).removed == ["data/clean/gone.csv"]


def test_an_interrupted_build_puts_the_old_publication_back(built, monkeypatch):
    change_a_park(built)
    before = published(built)
    real_replace = os.replace

    def replace(src, dst):
        if Path(dst).name == "data-dictionary.md":
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(build_module.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        build(built)
    monkeypatch.setattr(build_module.os, "replace", real_replace)
    assert published(built) == before


# --- beyond the list: file kinds, nested links, staging failures, concurrency -----------


@pytest.mark.parametrize(
    "rel", ["data/raw/parks.csv", "seeds/sources.csv", "schemas/parks.json", "datapackage.json", "data/clean/parks.csv"]
)
def test_a_fifo_is_refused_not_read(built, rel):
    """A named pipe where a file belongs would block every read forever."""
    path = built / rel
    path.unlink()
    os.mkfifo(path)
    out = subprocess.run(
        [sys.executable, "-m", "zonedata", "validate", "--root", str(built), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 1, out.stderr
    (finding,) = json.loads(out.stdout)["findings"]
    assert (finding["rule"], finding["file"]) == ("file-not-regular", rel)


def test_a_link_out_inside_a_linked_folder_is_found(built, outside):
    """docs/ links to a folder inside the root, and a file in it links out."""
    (built / "notes").mkdir()
    shutil.move(str(built / "docs"), str(built / "notes" / "docs"))
    (built / "docs").symlink_to(built / "notes" / "docs", target_is_directory=True)
    (outside / "secret.md").write_text("secret\n")
    (built / "notes" / "docs" / "extra.md").symlink_to(outside / "secret.md")
    (built / "data" / "clean" / "again").symlink_to(built / "data", target_is_directory=True)  # a folder loop inside
    report = validate(built)
    assert [(f.rule, f.file) for f in report.findings] == [("path-outside-root", "docs/extra.md")]


def test_a_read_only_root_is_a_clear_error(built):
    change_a_park(built)
    before = published(built)
    if not _read_only(built, True):
        pytest.skip("cannot make a folder read-only here")
    try:
        result = invoke("build", "--root", built)
    finally:
        _read_only(built, False)
    assert result.exit_code == 2 and "staging folder" in result.output and "nothing was changed" in result.output
    assert "internal error" not in result.output
    assert published(built) == before


def test_a_full_disk_while_staging_changes_nothing(built, monkeypatch):
    change_a_park(built)
    before = published(built)
    real_fsync = os.fsync
    calls = []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(build_module.os, "fsync", fsync)
    with pytest.raises(build_module.PublishError, match="No space left on device.*nothing was changed"):
        build(built)
    monkeypatch.setattr(build_module.os, "fsync", real_fsync)
    assert published(built) == before and not list(built.glob(".zonedata-build-*"))


def test_two_builds_at_once_leave_one_whole_publication(built):
    """Two processes build the same change at the same time: they take turns, and the result validates."""
    change_a_park(built)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "zonedata", "build", "--root", str(built)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    codes = [p.wait(timeout=300) for p in procs]
    assert codes == [0, 0, 0], [p.stderr.read() for p in procs]
    assert validate(built).valid
    assert not list(built.glob(".zonedata-build-*"))


def test_the_site_refuses_a_link_out_of_the_package(built, outside, tmp_path):
    target = move_out(built, "data/clean", outside)
    out = tmp_path / "site"
    result = invoke("site", "--root", built, "--out", out)
    assert result.exit_code == 1, result.output
    assert (
        "data/clean" in result.output and str(target) in result.output and "outside the package root" in result.output
    )
    assert not out.exists()


def test_the_site_never_writes_through_a_symlinked_site_folder(built, outside):
    (built / "site").symlink_to(outside, target_is_directory=True)
    result = invoke("site", "--root", built)
    assert result.exit_code == 2 and "leads out of it" in result.output
    assert list(outside.iterdir()) == []

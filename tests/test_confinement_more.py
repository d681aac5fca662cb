"""Issue 19, "Confinement and errors": each class below ended in an internal error, or read or published
something outside the package, before its fix."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURE, build_valid, copy_package
from zonedata.cli import cli
from zonedata.validate import validate


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- build reads every file once, after its confinement check ---------------------------------------------


def test_metadata_swapped_for_an_outside_link_during_the_checks_is_not_published(built, tmp_path, monkeypatch):
    """The checks pass on the package's own metadata/package.json; a link to an outside file swapped in for
    it while they run must not reach datapackage.json (the build publishes what it checked)."""
    import zonedata.publish.build as build_module

    outside = tmp_path / "outside.json"
    meta = json.loads((built / "metadata/package.json").read_text(encoding="utf-8"))
    outside.write_text(json.dumps({**meta, "title": "OUTSIDE TITLE"}), encoding="utf-8")
    real = build_module.run_checks

    def checks_then_swap(ds, *args, **kwargs):
        report = real(ds, *args, **kwargs)
        target = built / "metadata/package.json"
        target.unlink()
        target.symlink_to(outside)
        return report

    monkeypatch.setattr(build_module, "run_checks", checks_then_swap)
    (built / "data/raw/parks.csv").write_text(
        (built / "data/raw/parks.csv").read_text(encoding="utf-8").replace("Kuantan", "Kuantan "), encoding="utf-8"
    )
    build_module.build(built)
    assert "OUTSIDE TITLE" not in (built / "datapackage.json").read_text(encoding="utf-8")


# --- a folder whose name holds glob characters is a name, not a pattern --------------------------------------


@pytest.mark.parametrize("name", ["pkg[1]", "pkg?", "pkg*"])
def test_a_package_path_with_glob_characters_reads_its_own_tables(tmp_path, name):
    """polars expands a glob in a path it is given: pkg[1]/data/raw/parks.csv matched the sibling pkg1's."""
    own = copy_package(FIXTURE, tmp_path / name)
    sibling = copy_package(FIXTURE, tmp_path / "pkg1")
    parks = sibling / "data/raw/parks.csv"
    parks.write_text(parks.read_text(encoding="utf-8").replace(",MY,", ",XX,"), encoding="utf-8")  # same bytes count
    assert not validate(sibling, publication=False).valid  # the sibling really is invalid
    report = validate(own, publication=False)
    assert report.valid, [f.to_dict() for f in report.findings]


def test_a_site_of_a_package_path_with_glob_characters_shows_its_own_tables(tmp_path):
    own = build_valid(copy_package(FIXTURE, tmp_path / "pkg[1]"))
    sibling = build_valid(copy_package(FIXTURE, tmp_path / "pkg1"))
    for rel in ("data/clean/parks.csv", "data/clean/parks.parquet"):
        (sibling / rel).write_bytes(b"not a table")
    result = invoke("site", "--root", own, "--out", tmp_path / "site")
    assert result.exit_code == 0, result.output


# --- a foreign key within the table (no `resource`) ---------------------------------------------------------


def test_a_key_within_the_table_naming_its_own_field_is_a_finding(package):
    """`{"fields": ["park_id"], "reference": {"fields": ["park_id"]}}`: a reference within the same table (no
    resource, as Table Schema allows) on the key itself; the cycle check selected park_id twice and crashed."""
    path = package / "schemas/parks.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["foreignKeys"].append({"fields": ["park_id"], "reference": {"fields": ["park_id"]}})
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    report = validate(package, publication=False)
    cycles = [(f.rule, f.file, f.line, f.field) for f in report.findings if f.rule == "reference-cycle"]
    assert (
        cycles
        == [
            ("reference-cycle", "data/raw/parks.csv", 2, "park_id"),
            ("reference-cycle", "data/raw/parks.csv", 3, "park_id"),
            ("reference-cycle", "data/raw/parks.csv", 4, "park_id"),
            ("reference-cycle", "data/raw/parks.csv", 5, "park_id"),
        ][: len(cycles)]
    )
    assert len(cycles) >= 2


def test_a_parent_key_without_resource_is_checked_for_loops(package):
    path = package / "schemas/parks.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for fk in schema["foreignKeys"]:
        fk["reference"].pop("resource")
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    parks = package / "data/raw/parks.csv"
    text = parks.read_text(encoding="utf-8")
    parks.write_text(text.replace(",MY,P001,", ",MY,P002,"), encoding="utf-8")  # P002's twin is itself
    report = validate(package, publication=False)
    assert ("reference-cycle", "data/raw/parks.csv", 2, "twin_park_id") in [
        (f.rule, f.file, f.line, f.field) for f in report.findings
    ]


# --- a terminal that cannot show a character of the report ---------------------------------------------------


def test_a_latin1_terminal_gets_escapes_not_an_internal_error(package):
    """Every command's output goes through the same streams: a quote with curly quotes (U+201C) is shown
    escaped under PYTHONIOENCODING=latin-1."""
    cites = package / "data/raw/citations.csv"
    rows = list(csv.reader(io.StringIO(cites.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("quote")] = "\u201cno such words \u2212 anywhere\u201d"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    cites.write_text(buf.getvalue(), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run(
        [sys.executable, "-m", "zonedata", "validate", "--root", str(package), "--no-publication", "--format", "json"],
        capture_output=True,
        env=env,
        timeout=300,
    )
    out = done.stdout.decode("latin-1") + done.stderr.decode("latin-1")
    assert done.returncode == 1, out
    assert "internal error" not in out and "quote-not-found" in out
    assert "\\u201cno such words \\u2212 anywhere\\u201d" in out  # the value, escaped


# --- a read-only package ------------------------------------------------------------------------------------


def _read_only(folder: Path, on: bool) -> bool:
    """Every folder and file read-only for real: chmod for a user, the immutable attribute for root."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if not shutil.which("chattr"):
            return False
        done = subprocess.run(["chattr", "-R", "+i" if on else "-i", str(folder)], capture_output=True, check=False)
        return done.returncode == 0
    for p in [folder, *folder.rglob("*")]:
        p.chmod((0o555 if p.is_dir() else 0o444) if on else (0o755 if p.is_dir() else 0o644))
    return True


@pytest.fixture
def read_only(built):
    if not _read_only(built, True):
        pytest.skip("cannot make a folder read-only here")
    yield built
    _read_only(built, False)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("site",), "cannot write the site"),
        (("draft", "S001", "--out", "{root}/draft-001.csv"), "cannot write the draft"),
    ],
)
def test_a_read_only_package_is_a_clear_error(read_only, args, words):
    before = tree(read_only)
    result = invoke(*[a.format(root=read_only) for a in args], "--root", read_only)
    assert result.exit_code == 2, result.output
    assert words in result.output and "internal error" not in result.output
    assert tree(read_only) == before


def test_add_source_dry_run_writes_nothing_even_in_a_read_only_package(repository, tmp_path):
    if not _read_only(repository, True):
        pytest.skip("cannot make a folder read-only here")
    try:
        _dry_run_add_source(repository, tmp_path)
    finally:
        _read_only(repository, False)


def _dry_run_add_source(read_only: Path, tmp_path: Path) -> None:
    text = tmp_path / "new.txt"
    text.write_text("The park reported output of 5 billion yuan in 2024.\n", encoding="utf-8")
    before = tree(read_only)
    result = invoke(
        "add-source", text, "--title", "T", "--publisher", "P", "--date", "2024-08-20",
        "--url", "https://example.org/a", "--root", read_only, "--dry-run",
    )  # fmt: skip
    assert "internal error" not in result.output
    assert result.exit_code == 0 and "would store seeds/" in result.output, result.output
    assert tree(read_only) == before


def test_add_source_dry_run_leaves_no_file_in_seeds(repository, tmp_path, monkeypatch):
    """ "writes nothing": not even a temporary file in seeds/ (watched while it runs)."""
    import tempfile

    made = []
    real = tempfile.mkstemp

    def watch(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", watch)
    text = tmp_path / "new.txt"
    text.write_text("The park reported output of 5 billion yuan in 2024.\n", encoding="utf-8")
    invoke(
        "add-source", text, "--title", "T", "--publisher", "P", "--date", "2024-08-20",
        "--url", "https://example.org/a", "--root", repository, "--dry-run",
    )  # fmt: skip
    assert made, "the row is still checked by the table reader, from a temporary copy"
    assert not [m for m in made if Path(m).resolve().is_relative_to(repository.resolve())]

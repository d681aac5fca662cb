"""Issue 21, "Feedback a curator can act on": what a curator sees after add-source, a dangling id, a quote
that is not found, and `zonedata quote`, pinned to rule, file, line, field and the words of the message."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import build_valid
from zonedata.cli import cli
from zonedata.validate import validate

NOTE = "Nanning, May 3 -- The Sample Digital Park said its output reached 1.2 billion yuan in 2025.\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_validate_after_add_source_has_no_error_about_the_publication(release_package, tmp_path):
    built = build_valid(release_package)
    text = tmp_path / "note.txt"
    text.write_text(NOTE, encoding="utf-8")
    added = run("add-source", text, "--title", "Sample", "--root", built)
    assert added.exit_code == 0, added.output
    assert "rebuilt the published files: data/clean/sources.csv" in added.output
    report = validate(built)
    assert report.errors == [], [f.to_dict() for f in report.errors]


def test_add_source_no_build_leaves_one_stale_finding_for_the_package(release_package, tmp_path):
    built = build_valid(release_package)
    text = tmp_path / "note.txt"
    text.write_text(NOTE, encoding="utf-8")
    assert run("add-source", text, "--title", "Sample", "--no-build", "--root", built).exit_code == 0
    result = run("validate", "--root", built, "--format", "json")
    assert result.exit_code == 1
    errors = [f for f in json.loads(result.output)["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["file"], f["line"], f["field"]) for f in errors] == [
        ("publication-stale", "datapackage.json", None, None)
    ]
    assert errors[0]["message"].startswith("the published files are out of date: run zonedata build")
    assert errors[0]["value"].split("; ") == [
        "data/clean/sources.csv",
        "data/clean/sources.parquet",
        "datapackage.json",
    ]


def test_add_source_on_an_invalid_package_says_why_it_did_not_build(release_package, tmp_path):
    built = build_valid(release_package)
    parks = Path(built) / "data" / "raw" / "parks.csv"
    lines = parks.read_text(encoding="utf-8").splitlines(keepends=True)
    parks.write_text(lines[0] + lines[1] + lines[1] + "".join(lines[2:]), encoding="utf-8")  # a duplicate key
    text = tmp_path / "note.txt"
    text.write_text(NOTE, encoding="utf-8")
    added = run("add-source", text, "--title", "Sample", "--root", built)
    assert added.exit_code == 0
    assert "the published files were not rebuilt: the package has" in added.output

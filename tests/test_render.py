"""The three renderings of a report. The JSON shape is pinned by a golden file; regenerate it
with `ZONEDATA_REGENERATE=1 python3 dev.py test tests/test_render.py` after a deliberate change."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from zonedata.base.findings import RULES, Finding, Report
from zonedata.cli import cli
from zonedata.render.report import render

GOLDEN = Path(__file__).parent / "golden" / "validate_report.json"


@pytest.fixture
def broken(corpus_package) -> Path:
    """The corpus package with a wrong figure and a wrong qualifier."""
    root = corpus_package
    stats = root / "data/raw/statistics.csv"
    stats.write_text(
        stats.read_text()
        .replace(",70.1,billion,", ",71.1,billion,")
        .replace("about 1200 mu,1200,,mu,about", "about 1200 mu,1200,,mu,exact")
    )
    return root


def test_json_report_matches_golden(broken):
    result = CliRunner().invoke(cli, ["validate", "--no-publication", "--format", "json", "--root", str(broken)])
    assert result.exit_code == 1
    if os.environ.get("ZONEDATA_REGENERATE"):
        GOLDEN.write_text(result.output)
    assert json.loads(result.output) == json.loads(GOLDEN.read_text())
    doc = json.loads(result.output)
    assert set(doc) == {"valid", "stats", "findings", "omitted"}
    assert set(doc["findings"][0]) == {"rule", "message", "file", "line", "field", "value", "severity", "record"}


def test_text_report_groups_by_file_and_summarises(broken):
    result = CliRunner().invoke(cli, ["validate", "--no-publication", "--root", str(broken)])
    lines = result.output.splitlines()
    assert "data/raw/statistics.csv" in lines
    # each finding on a row names the row's record (issue 21)
    assert any(l.startswith("  line 3 [qualifier] (stat-0011) error qualifier-mismatch:") for l in lines)
    assert any(l.startswith("  line 6 [value] (stat-0021) error number-mismatch:") for l in lines)
    assert lines[-1].startswith("validate: invalid: 2 error(s), 2 warning(s)")


def test_github_annotations_escape_and_locate():
    report = Report([Finding("row-ragged", "50% wrong,\nsee", file="data/raw/a,b.csv", line=7, field="x")])
    out = render(report, "github").splitlines()
    assert out[0] == "::error file=data/raw/a%2Cb.csv,line=7,title=row-ragged::[x] 50%25 wrong,%0Asee"


def test_rule_codes_are_kebab_case():
    import re

    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in RULES)


def test_unknown_rule_code_is_a_program_error():
    import pytest

    with pytest.raises(ValueError):
        Finding("no-such-rule", "x")


def test_every_rendering_is_a_format_choice():
    """`--format` offers exactly the renderings in render.report.RENDERERS: a new one needs no CLI edit."""
    from zonedata.render.report import RENDERERS

    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert "[" + "|".join(RENDERERS) + "]" in result.output

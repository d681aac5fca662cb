"""The renderings of results outside the findings model: a release's refusal and a coverage listing.
(Diffs and citations: tests/test_diff.py and tests/test_cite.py; a release's result: tests/test_release.py.)"""

from __future__ import annotations

import json

import polars as pl

from zonedata.base.findings import Finding, Report
from zonedata.checks.coverage import Coverage
from zonedata.release.release import ReleaseRefused
from zonedata.render.coverage import render_coverage
from zonedata.render.release import render_refused
from zonedata.render.report import render


def test_a_refusal_lists_each_reason_escaped_then_the_report():
    report = Report([Finding("primary-key-duplicate", "park_id P1 is repeated", file="data/raw/parks.csv", line=3)])
    refused = ReleaseRefused("the data is invalid", ["parks: a\nforged line"], report)
    assert render_refused(refused) == (
        "Error: release refused: the data is invalid\n"
        "  - parks: a\\nforged line\n" + render(report, "text", title="release")
    )
    assert render_refused(ReleaseRefused("no")) == "Error: release refused: no\n"


MENTIONS = pl.DataFrame(
    {
        "source_id": ["001", "001"],
        "file": ["seeds/001.txt", "seeds/001.txt"],
        "line": [3, 9],
        "start": [10, 99],
        "end": [14, 103],
        "text": ["1200", "two\x1b"],
        "kind": ["cardinal", "cardinal"],
        "status": ["recorded", "unaccounted"],
        "record": ["ST0001", None],
        "reason": [None, None],
    }
)


def test_coverage_lists_every_mention_only_in_text_with_all():
    cov = Coverage(MENTIONS, Report([], {"mentions": 2}))
    listed = render_coverage(cov, "text", show_all=True)
    first, second, blank = listed.splitlines()[:3]
    assert first == f"seeds/001.txt:3  {'1200'!r:<40} recorded    ST0001"
    assert second.startswith("seeds/001.txt:9  'two\\x1b'") and second.rstrip().endswith("unaccounted")
    assert blank == ""
    assert listed.endswith(render(cov.report, "text", title="coverage"))
    assert render_coverage(cov, "github", show_all=True) == render(cov.report, "github", title="coverage")
    doc = json.loads(render_coverage(cov, "json", show_all=True))
    assert [m["text"] for m in doc["mentions"]] == ["1200", "two\x1b"]

"""Facts of this dataset: how well `zonedata draft` finds what the curators recorded from the repository's
own sources (tests/draft_recall.py measures it; README.md's draft-recall paragraph states it).

When a source is added to data/raw (and its records), rerun the measurement and rewrite README.md's
`<!-- draft-recall: -->` paragraph from it (see tests/dataset/README.md):

    .venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); from draft_recall import measure; print(measure('.'))"
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from draft_recall import measure
from zonedata.cli import cli
from zonedata.curate.draft import draft
from zonedata.loading.dataset import load_dataset

REPO = Path(__file__).resolve().parents[2]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def readme_recall() -> dict[str, int]:
    block = (REPO / "README.md").read_text(encoding="utf-8").split("<!-- draft-recall:", 1)[1].split("\n\n", 1)[0]
    block = " ".join(block.split())
    m = re.search(
        r"give (\d+) candidate statistics: (\d+) of the (\d+) recorded statistics \((\d+)%\).*?; (\d+) candidates "
        r"match no recorded statistic.*?Of the recorded names, (\d+) are verbatim in a text and all (\d+) are found "
        r"among the (\d+) distinct candidate names \((\d+) parks, (\d+) projects, (\d+) events\), and (\d+) of the "
        r"(\d+) organisations are \(not found: (.*?)\); of the \d+ candidates, (\d+) name nothing recorded.*?"
        r"The other (\d+) recorded names are curator-made labels .*?: (\d+) parks \((.*?)\), (\d+) projects "
        r"\((.*?)\) and (\d+) events \((.*?)\)\. "
        r"Of the (\d+) coverage exclusions the curators wrote, (\d+) are proposed .*?among (\d+) proposals of "
        r"which (\d+) overlap none",
        block,
    )
    assert m, block
    keys = [
        "candidates",
        "found",
        "recorded",
        "percent",
        "false",
        "verbatim",
        "verbatim_found",
        "names",
        "parks",
        "projects",
        "events",
        "organisations_found",
        "organisations",
        "organisations_missed",
        "false_names",
        "labels",
        "park_labels",
        "park_label_names",
        "project_labels",
        "project_label_names",
        "event_labels",
        "event_label_names",
        "exclusions",
        "exclusions_found",
        "proposals",
        "false_proposals",
    ]

    def value(key: str, text: str):
        if key.endswith("_label_names") or key.endswith("_missed"):
            return re.findall(r'"(.*?)"', text)  # the names listed, each in double quotes
        return int(text)

    return {k: value(k, v) for k, v in zip(keys, m.groups())}


def test_draft_measured_against_the_curated_sources():
    """The thresholds the README states: >= 90% of the recorded statistics drafted with identical value,
    scale, unit and qualifier and a quote holding their value_text; every recorded name a candidate."""
    m = measure(REPO)
    s = m["statistics"]
    recorded = pl.read_csv(REPO / "data" / "raw" / "statistics.csv", infer_schema=False).height
    assert s["recorded"] == recorded and s["recall"] >= 0.9, s
    for table in ("parks", "projects", "events"):
        n = m["names"][table]
        # every name verbatim in a text is found; the curators' labels (not in any text) are reported apart
        assert n["recorded"] and n["found"] == n["recorded"], (
            f"{table}: {n['found']} of the {n['recorded']} names verbatim in a text found, missed {n['missed']}; "
            f"curator-made labels no draft can find: {n['labels']}"
        )
    # the README states what is measured here; when the data changes, rewrite its draft-recall paragraph
    # from the measurement (.venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); from draft_recall import measure; print(measure('.'))")
    orgs, names = m["names"]["organisations"], m["names"]
    verbatim = sum(names[t]["recorded"] for t in ("parks", "projects", "events"))
    assert readme_recall() == {
        "candidates": s["candidates"],
        "found": s["found"],
        "recorded": s["recorded"],
        "percent": round(100 * s["recall"]),
        "false": s["false_candidates"],
        # names verbatim in a text, all found; then the curators' labels, which no draft can find, by name
        "verbatim": verbatim,
        "verbatim_found": sum(names[t]["found"] for t in ("parks", "projects", "events")),
        "parks": names["parks"]["recorded"],
        "projects": names["projects"]["recorded"],
        "events": names["events"]["recorded"],
        "organisations_found": orgs["found"],
        "organisations": orgs["recorded"],
        "organisations_missed": orgs["missed"],
        "names": m["name_candidates"],
        "false_names": m["false_name_candidates"],
        "labels": sum(len(names[t]["labels"]) for t in names),
        "park_labels": len(names["parks"]["labels"]),
        "park_label_names": names["parks"]["labels"],
        "project_labels": len(names["projects"]["labels"]),
        "project_label_names": names["projects"]["labels"],
        "event_labels": len(names["events"]["labels"]),
        "event_label_names": names["events"]["labels"],
        "exclusions": m["exclusions"]["recorded"],
        "exclusions_found": m["exclusions"]["found"],
        "proposals": m["exclusions"]["candidates"],
        "false_proposals": m["exclusions"]["false_candidates"],
    }, json.dumps(m)[:2000]


def test_draft_of_a_finished_source_is_empty():
    """Every mention of the curated texts is recorded or excluded, and every name recorded, excluded or
    written in a record: nothing new to draft (the same texts drafted afresh give the measured candidates)."""
    ds = load_dataset(REPO)
    assert ds.roles.sources is not None
    for sid in ds.frame(ds.roles.sources.table)[ds.roles.sources["source_id"]].to_list():
        d = draft(REPO, sid)
        assert d.empty, (sid, d.to_text()[:500])
        assert not draft(REPO, sid, skip_recorded=False).empty
    result = run("draft", "003", "--root", REPO)
    assert result.exit_code == 0 and "nothing new in source 003" in result.output

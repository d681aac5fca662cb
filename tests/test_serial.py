"""The paths a one-core machine takes give the same reports as the threaded ones.

Loading and the checks use threads only where a second core exists (the two pools a head-to-head
run showed paying, bench/README.md); the serial path is run here and compared with the threaded
one, finding for finding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zonedata.validate import validate

BASE = Path(__file__).parent / "corpus" / "base"


@pytest.fixture
def broken(corpus_package) -> Path:
    """The corpus package with a wrong figure, a wrong qualifier, a dangling key and a misquote."""
    root = corpus_package
    stats = root / "data/raw/statistics.csv"
    stats.write_text(
        stats.read_text(encoding="utf-8")
        .replace(",70.1,billion,", ",71.1,billion,")
        .replace("about 1200 mu,1200,,mu,about", "about 1200 mu,1200,,mu,exact"),
        encoding="utf-8",
    )
    cites = root / "data/raw/citations.csv"
    lines = cites.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace("parks,", "parks-typo,", 1) if "parks," in lines[1] else lines[1]
    lines[2] = lines[2].replace(" the ", " teh ", 1)
    cites.write_text("\n".join(lines), encoding="utf-8")
    return root


@pytest.mark.parametrize("root", ["base", "broken"])
def test_one_core_gives_the_same_report(root, broken, monkeypatch):
    root = BASE if root == "base" else broken
    threaded = validate(root, publication=False).to_dict()
    assert threaded["findings"] or root == BASE
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert validate(root, publication=False).to_dict() == threaded

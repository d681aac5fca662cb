"""The paths a one-core machine takes give the same reports as the threaded ones.

Loading, the checks and the number grammar use threads only where a second core exists, and the
numbers in the quotes are read beside the quote search only when validating; each bypassed path
is run here and compared with the usual one, finding for finding.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from zonedata.checks import run_checks
from zonedata.loading.dataset import load_dataset
from zonedata.release.validate import PACKAGE_CHECKS, validate
from zonedata.text import numbers

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


def test_numbers_read_after_locating_give_the_same_report(broken):
    """`read_numbers=False` (coverage, the build's own load) reads the quotes' numbers when the check asks."""
    late = run_checks(load_dataset(broken, read_numbers=False), PACKAGE_CHECKS).to_dict()
    assert late == validate(broken).to_dict()


def test_the_grammar_in_one_slice_and_in_several_gives_the_same_mentions(monkeypatch):
    texts = [f"about {i} billion yuan, more than {i + 1}% and the {i % 30 + 1}st session" for i in range(3000)]
    monkeypatch.setattr(numbers, "_PARALLEL_MIN_ROWS", 500)
    several = numbers.mentions_frame(texts)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert numbers._workers(len(texts)) == 1
    assert numbers.mentions_frame(texts).equals(several)

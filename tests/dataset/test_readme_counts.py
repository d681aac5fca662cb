"""Facts of this dataset: README.md's table of record counts (the `<!-- counts: -->` block) matches data/raw.

When a source and its records are added, rewrite the block's counts (one row per table: its raw CSV's
records); see tests/dataset/README.md.
"""

import re
from pathlib import Path

import polars as pl

from zonedata.base.paths import Paths
from zonedata.loading.schema import load_roles, schema_names

ROOT = Path(__file__).resolve().parents[2]


def readme_counts() -> dict[str, int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- counts:", 1)[1]
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| `?(\w+)`? \| (\d+) \|", block, re.M)}


def test_readme_counts_match_the_data():
    paths, _ = load_roles(Paths(ROOT))
    actual = {t: pl.read_csv(paths.raw_csv(t), infer_schema=False).height for t in schema_names(paths)}
    assert readme_counts() == actual

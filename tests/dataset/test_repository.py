"""Tests of the repository itself: the committed data is valid and published, and its seeds
are the byte-for-byte texts recorded in seeds/sources.csv."""

import hashlib
from pathlib import Path

import polars as pl

from zonedata.validate import validate

ROOT = Path(__file__).resolve().parents[2]


def test_committed_data_is_valid_and_published():
    report = validate(ROOT)
    assert report.valid, [(f.rule, f.file, f.line, f.message) for f in report.errors]


def test_seed_hashes_are_the_captured_ones():
    # the sha256 of each text as captured (from shared/seeds/SOURCES.md)
    captured = {
        "000_b3e5e928df9ca75b.txt": "b51b4cc9a2bdafc5ea968d2c64ee5899cf119402626c48593507c8bfc6f0d9ee",
        "001_27ad36de142194f5.txt": "dccfa768986fe6151a7b12867fac26ca607fa92d08192c198c5f8ea763a135b0",
        "002_cfaeb96985c72997.txt": "34a16648a178dd4918bb01acde21b5de7aaac995c9f05db9dcd8b14249817873",
        "003_ba2da06112540458.txt": "9af2e1b6025ed5285041c89fa1a6bcb5e96a16a77d04b78ad0c5efaa53d13f99",
        "004_f72b2bd15d92dbf3.txt": "72a1378d563322b02cdd730d660a73d2455575ae03f2d356d8d35c06befff55e",
    }
    listed = dict(pl.read_csv(ROOT / "seeds" / "sources.csv", infer_schema=False).select("file", "sha256").iter_rows())
    # each captured text listed with its hash (a source added later is listed beside them)
    assert {name: listed.get(name) for name in captured} == captured
    for name, digest in captured.items():
        assert hashlib.sha256((ROOT / "seeds" / name).read_bytes()).hexdigest() == digest

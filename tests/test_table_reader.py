"""The CSV reader's line accounting: every record's line and cell count, whatever the file holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zonedata.base.paths import Paths
from zonedata.loading.schema import load_schema
from zonedata.loading.tables import read_table

BASE = Path(__file__).parent / "corpus" / "base"
PARKS = "data/raw/parks.csv"
PARKS_CSV = (BASE / PARKS).read_bytes()


@pytest.fixture
def pkg(tmp_path) -> Path:
    root = tmp_path / "pkg"
    shutil.copytree(BASE, root)
    return root


def _read(root: Path, data: bytes):
    (root / PARKS).write_bytes(data)
    paths = Paths(root)
    return read_table(paths, load_schema(paths, "parks"))


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def test_a_nul_in_a_cell_does_not_move_the_lines_after_it(pkg):
    """A quoted cell that spans lines is counted with NUL markers: a NUL of the file's own is not one."""
    lines = _lines(PARKS_CSV)
    lines[2] = lines[2].replace(b",proper,", b",pro\x00per,", 1)  # a NUL on line 3
    lines[3] = lines[3].replace(b",Kuantan,", b',"Kuan\ntan",', 1)  # line 4 spans two lines (4 and 5)
    lines[5] = lines[5].replace(b",", b"", 1)  # the record on line 7 has a cell too few
    table = _read(pkg, b"\n".join(lines))
    assert [(f.rule, f.line) for f in table.findings if f.rule == "row-ragged"] == [("row-ragged", 7)]

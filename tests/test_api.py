"""`zonedata.load()` and `zonedata.package()`: from a published package, from a checkout, from an installed wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import zonedata
from conftest import REPO
from zonedata import api


def test_load_returns_typed_polars(published):
    stats = zonedata.load("statistics", root=published)
    assert isinstance(stats, pl.DataFrame)
    assert stats.schema["value_normalised"] == pl.Decimal(38, 6)
    assert stats.filter(pl.col("statistic_id") == "ST0003")["value_normalised"].item() == Decimal("800000")


def test_load_matches_the_csv_resource(published):
    parks = zonedata.load("parks", root=published)
    csv = pl.read_csv(published / "data" / "clean" / "parks.csv", schema=parks.schema)
    assert parks.equals(csv, null_equal=True)


def test_package_is_the_descriptor(published):
    descriptor = zonedata.package(root=published)
    assert descriptor["name"] == "zonedata" and descriptor["version"] == "0.1.0"
    assert api.tables(root=published) == ["sources", "citations", "parks", "statistics"]


def test_unknown_table_names_the_tables(published):
    with pytest.raises(KeyError, match="sources, citations, parks, statistics"):
        zonedata.load("zones", root=published)


def test_root_without_a_build(tmp_path):
    with pytest.raises(FileNotFoundError, match="zonedata build"):
        zonedata.package(root=tmp_path)


def test_checkout_fallback():
    """In a source checkout (editable install) the repository's own published files are used."""
    if not (REPO / "datapackage.json").is_file():
        pytest.skip("the repository has not been published yet (run zonedata build)")
    assert zonedata.package()["name"] == "zonedata"
    assert zonedata.load("statistics").height > 0


def test_load_from_an_installed_wheel(published, tmp_path):
    """Build a wheel of a checkout holding the fixture's published files, install it into a throwaway
    venv (dependencies from this one) and load a table from outside any checkout."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("src", "pyproject.toml", "hatch_build.py", "README.md"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, src / name)
    for name in ("datapackage.json", "data", "schemas"):
        (shutil.copytree if (published / name).is_dir() else shutil.copy)(published / name, src / name)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-w",
            str(wheels),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies (polars, ...) come from this venv, but only via a plain path entry, so this
    # venv's editable zonedata is not picked up
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            *map(str, wheels.glob("*.whl")),
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import zonedata, pathlib; "
        "print(pathlib.Path(zonedata.__file__).parent.parent.name); "
        "print(zonedata.load('statistics').height, zonedata.package()['version'])"
    )
    out = subprocess.run(
        [str(python), "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ZONEDATA_ROOT")},
    ).stdout
    assert out.split() == ["site-packages", "4", "0.1.0"]

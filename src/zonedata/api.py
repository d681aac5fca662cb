"""For analysts: `zonedata.load(table)` and `zonedata.package()`, on the package installed or at `root`.

The published files are looked up, in order: the `root` you pass; the package data installed
with the wheel (zonedata/_package/: datapackage.json, data/clean/, schemas/); the repository
root of a source checkout or editable install.
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path

import polars as pl

from zonedata.base.paths import INSTALLED_PACKAGE, is_within, safe_relative
from zonedata.loading.datapackage import parse_descriptor
from zonedata.publish.descriptor import resource_name

PACKAGE_DATA = INSTALLED_PACKAGE
DESCRIPTOR = "datapackage.json"


def _base(root: Path | str | None = None):
    """The folder holding datapackage.json (a Path or an importlib.resources Traversable)."""
    if root is not None:
        base = Path(root)
        if not (base / DESCRIPTOR).is_file():
            raise FileNotFoundError(f"{base} has no {DESCRIPTOR}: run `zonedata build` there first")
        return base
    installed = resources.files("zonedata") / PACKAGE_DATA
    if (installed / DESCRIPTOR).is_file():
        return installed
    checkout = Path(__file__).resolve().parents[2]  # src/zonedata/api.py -> the repository root
    if (checkout / DESCRIPTOR).is_file():
        return checkout
    raise FileNotFoundError(
        f"no published zonedata package found (looked in the installed package data and in "
        f"{checkout}): run `zonedata build`, or pass root="
    )


def package(root: Path | str | None = None) -> dict:
    """The Data Package descriptor (datapackage.json) as a dict."""
    return _descriptor(_base(root))


def _descriptor(base) -> dict:
    return parse_descriptor((base / DESCRIPTOR).read_bytes(), str(base))


def tables(root: Path | str | None = None) -> list[str]:
    """The names of the published tables, in publication order."""
    return [r["name"].removesuffix("-parquet") for r in package(root)["resources"] if r["name"].endswith("-parquet")]


def load(table: str, *, root: Path | str | None = None) -> pl.DataFrame:
    """One published table as a typed polars DataFrame, read from its Parquet file.

    Example:
        >>> import zonedata
        >>> from zonedata.api import tables
        >>> tables()  # the names of the published tables
        >>> frame = zonedata.load(tables()[0])
        >>> frame.schema  # its columns and their types, as the package's schema declares them
    """
    base = _base(root)
    descriptor = _descriptor(base)
    wanted = resource_name(table, "parquet")
    for res in descriptor["resources"]:
        if res["name"] == wanted:
            rel = res.get("path")
            if not safe_relative(rel) or (isinstance(base, Path) and not is_within(base / rel, base)):
                raise ValueError(
                    f"{DESCRIPTOR}: resource {wanted!r} names {rel!r}, which is not a relative path "
                    "inside the package: refusing to read it"
                )
            target = base
            for part in rel.split("/"):
                target = target / part
            return pl.read_parquet(io.BytesIO(target.read_bytes()))
    known = [r["name"].removesuffix("-parquet") for r in descriptor["resources"] if r["name"].endswith("-parquet")]
    raise KeyError(f"no table {table!r}; the tables are: {', '.join(known)}")

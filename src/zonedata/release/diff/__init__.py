"""Record-level diff between two versions of the published package, and the version bump it needs.

Three parts, as datacontract-cli splits its changelog from its breaking rules:
- load.py: loading of a version (a package folder, a release archive, a released version number or
  "." / "current" for the working tree);
- changes.py: finding of changes (records matched by primary key, schemas, resources, metadata);
- grading.py: grading of the bump each kind of change requires (the Frictionless "Data Package
  Version" recipe).
"""

from __future__ import annotations

from pathlib import Path

from zonedata.base.findings import ConfigError
from zonedata.release.diff.changes import PackageDiff, TableDiff, compare_schemas, diff_packages
from zonedata.release.diff.grading import Change
from zonedata.release.diff.load import PackageVersion, TableVersion, load_version


def diff(old_spec: str | Path, new_spec: str | Path, root: Path | None = None) -> PackageDiff:
    return diff_packages(load_version(old_spec, root), load_version(new_spec, root))


__all__ = [
    "Change",
    "ConfigError",
    "PackageDiff",
    "PackageVersion",
    "TableDiff",
    "TableVersion",
    "diff",
    "diff_packages",
    "load_version",
    "compare_schemas",
]

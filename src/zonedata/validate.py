"""`validate(root)`: run every check over a package and return one report. Writes nothing."""

from __future__ import annotations

import importlib
from pathlib import Path

from zonedata.dataset import Dataset, load_dataset
from zonedata.findings import Report

#: check modules under zonedata.checks, in the order they run; each has `check(ds) -> list[Finding]`
CHECKS = ("sources", "keys", "codes", "provenance", "consistency")
#: checks of the published output (skipped by `validate(publication=False)`, which the build itself uses)
PUBLICATION_CHECKS = ("publication", "versions")


def validate(root: Path | str, *, publication: bool = True) -> Report:
    return run_checks(load_dataset(Path(root)), publication=publication)


def run_checks(ds: Dataset, *, publication: bool = True) -> Report:
    """Every check over an already loaded dataset (the build reuses the dataset it validated)."""
    report = Report()
    report.extend(ds.findings)
    for name in CHECKS + (PUBLICATION_CHECKS if publication else ()):
        report.extend(importlib.import_module(f"zonedata.checks.{name}").check(ds))
    report.stats.update({name: t.frame.height for name, t in ds.tables.items()})
    return report

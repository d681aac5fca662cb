"""`validate(root)`: run every check over a package and return one report. Writes nothing."""

from __future__ import annotations

import importlib
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zonedata.dataset import Dataset, load_dataset
from zonedata.findings import Report
from zonedata.markers import apply_markers

#: check modules under zonedata.checks, in the order they run; each has `check(ds) -> list[Finding]`
CHECKS = ("sources", "keys", "codes", "provenance", "consistency")
#: checks of the published output (skipped by `validate(publication=False)`, which the build itself uses)
PUBLICATION_CHECKS = ("publication", "versions")


def validate(root: Path | str, *, publication: bool = True) -> Report:
    return run_checks(load_dataset(Path(root), read_numbers=True), publication=publication)


def run_checks(ds: Dataset, *, publication: bool = True) -> Report:
    """Every check over an already loaded dataset (the build reuses the dataset it validated)."""
    report = Report()
    report.extend(ds.findings)
    names = CHECKS + (PUBLICATION_CHECKS if publication else ())
    checks = {name: importlib.import_module(f"zonedata.checks.{name}").check for name in names}
    # two at a time, the longest (provenance) first: polars releases the GIL, so the short checks
    # run beside it on the second core; findings are still reported in the order of `names`
    with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        futures = {name: pool.submit(checks[name], ds) for name in sorted(names, key=lambda n: n != "provenance")}
        for name in names:
            report.extend(futures[name].result())
    # cells that `zonedata draft` left for the curator: one finding each says what to fill, in place of the
    # pattern, enum or reference errors the marker itself would cause
    report.findings = apply_markers(report.findings, ds.tables)
    report.stats.update({name: t.frame.height for name, t in ds.tables.items()})
    return report

"""The checks of the raw data, one module per concern, each `check(dataset) -> list[Finding]`.

`CHECKS` lists them in the order their findings are reported; `run_checks` runs them over a
loaded dataset. The checks of the published output live with the stage that writes it
(`publish.publication`, `release.versions`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from zonedata.base.findings import Finding, Report
from zonedata.checks import codes, consistency, keys, links, period_words, provenance, quoted, sources
from zonedata.checks.markers import apply_markers
from zonedata.checks.records import with_records
from zonedata.loading.dataset import Dataset

Check = Callable[[Dataset], list[Finding]]

#: check name -> check, in the order they run
CHECKS: dict[str, Check] = {
    "sources": sources.check,
    "keys": keys.check,
    "codes": codes.check,
    "provenance": provenance.check,
    "quoted": quoted.check,
    "consistency": consistency.check,
    "period_words": period_words.check,
    "links": links.check,
}


def run_checks(ds: Dataset, checks: dict[str, Check] = CHECKS) -> Report:
    """Every check of `checks` over an already loaded dataset (the build reuses the dataset it validated)."""
    report = Report()
    report.extend(ds.findings)
    if ds.refused:  # a path leads out of the root: nothing was read, so there is nothing to check
        return report
    names = list(checks)
    # two at a time, the longest (provenance) first: polars releases the GIL, so the short checks
    # run beside it on the second core; findings are still reported in the order of `names`
    with ThreadPoolExecutor(min(2, os.cpu_count() or 1)) as pool:
        futures = {name: pool.submit(checks[name], ds) for name in sorted(names, key=lambda n: n != "provenance")}
        for name in names:
            report.extend(futures[name].result())
    # cells that `zonedata draft` left for the curator: one finding each says what to fill, in place of the
    # pattern, enum or reference errors the marker itself would cause
    report.findings = apply_markers(report.findings, ds.tables)
    report.findings = with_records(report.findings, ds.tables)  # the id of the record each finding is about
    report.stats.update({name: t.frame.height for name, t in ds.tables.items()})
    return report

"""`validate(root)`: run every check over a package and return one report. Writes nothing.

It checks the whole package, the raw data (`checks`) and what is published (`publish.publication`)
and released (`release.versions`), so it sits in the release layer, above all three.
"""

from __future__ import annotations

from pathlib import Path

from zonedata.base.findings import Report
from zonedata.checks import CHECKS, Check, run_checks
from zonedata.loading.dataset import load_dataset
from zonedata.publish import publication
from zonedata.release import versions

#: every check of a package, in the order they run: the raw data's, then the published output's
#: (skipped by `validate(publication=False)`; the build runs only `checks.CHECKS`)
PACKAGE_CHECKS: dict[str, Check] = {**CHECKS, "publication": publication.check, "versions": versions.check}


def validate(root: Path | str, *, publication: bool = True) -> Report:
    return run_checks(load_dataset(Path(root)), PACKAGE_CHECKS if publication else CHECKS)

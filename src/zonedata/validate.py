"""`validate(root)`: run every check over a package and return one report. Writes nothing.

It runs every check of the whole package: the raw data's (`checks`), then the published output's
(`publish.publication`) and the release metadata's (`release.versions`). It is a stage of its own,
not part of releasing; since it runs those two checks it imports their layers, so it shares
release's layer in tests/test_layers.py (release, in turn, validates before it cuts a version).
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

"""`validate(root)`: run every check over a package and return one report. Writes nothing."""

from __future__ import annotations

from pathlib import Path

from zonedata.dataset import load_dataset
from zonedata.findings import Report


def validate(root: Path | str, *, publication: bool = True) -> Report:
    from zonedata.checks import codes, consistency, keys, provenance, sources

    ds = load_dataset(Path(root))
    report = Report()
    report.extend(ds.findings)
    report.extend(sources.check(ds))
    report.extend(keys.check(ds))
    report.extend(codes.check(ds))
    texts = sources.load_texts(ds)
    report.extend(provenance.check(ds, texts=texts))
    report.extend(consistency.check(ds))
    if publication:
        try:
            from zonedata.checks import publication as publication_check
        except ImportError:  # the build is not part of this package yet
            publication_check = None
        if publication_check is not None:
            report.extend(publication_check.check(ds, report))
    report.stats.update({name: t.frame.height for name, t in ds.tables.items()})
    return report

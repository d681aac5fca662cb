"""The renderings of a coverage result (`zonedata coverage`): the report, with every mention when asked."""

from __future__ import annotations

import json

from zonedata.base.findings import escape_text
from zonedata.checks.coverage import Coverage
from zonedata.render.report import render


def render_mentions(cov: Coverage) -> str:
    """One line per mention: where it is, its text, its status and what accounts for it; then a blank line."""
    lines = []
    for r in cov.mentions.iter_rows(named=True):
        why = r["record"] if r["status"] == "recorded" else (r["reason"] or "")
        lines.append(escape_text(f"{r['file']}:{r['line']}  {r['text']!r:<40} {r['status']:<11} {why}"))
    return "".join(line + "\n" for line in [*lines, ""])


def render_coverage(cov: Coverage, fmt: str, *, quiet: bool = False, show_all: bool = False) -> str:
    """`fmt` "json": the report and every mention; otherwise the report as `render` gives it, after every
    mention when `show_all` (text format only)."""
    if fmt == "json":
        return json.dumps(cov.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n"
    listed = render_mentions(cov) if fmt == "text" and show_all else ""
    return listed + render(cov.report, fmt, title="coverage", quiet=quiet)

"""The text rendering of a release's result and of its refusal (`zonedata release`)."""

from __future__ import annotations

from zonedata.base.findings import escape_text
from zonedata.release.release import ReleaseRefused, ReleaseResult
from zonedata.render.report import render


def render_result(result: ReleaseResult) -> str:
    lines = []
    kind = (
        "first release"
        if result.previous is None
        else f"a {result.bump} release after {result.previous} (the changes need at least {result.required})"
    )
    verb = "Would release" if result.dry_run else "Released"
    lines.append(f"{verb} zonedata {result.version} ({result.date}): {kind}.")
    if result.diff is not None:
        for name, t in result.diff.tables.items():
            if t.status != "unchanged":
                lines.append(f"  {name}: {t.added.height} added, {t.removed.height} removed, {t.n_changed} changed")
        for change in result.diff.schema_changes:
            lines.append(f"  {change.level}: {change.describe()}")
    if result.dry_run:
        lines.append("Dry run: nothing was written.")
        return "\n".join(escape_text(line) for line in lines) + "\n"
    lines.append("Wrote: " + ", ".join(result.written))
    lines.append(f"Archive: {result.archive} ({result.bytes} bytes, sha256 {result.sha256})")
    lines.append("Nothing is committed. Review the changes (git diff), then:")
    lines += [f"  {cmd}" for cmd in result.git_commands()]
    return "\n".join(escape_text(line) for line in lines) + "\n"


def render_refused(exc: ReleaseRefused) -> str:
    """Why a release was refused: the error, each reason, then the validation report if there was one."""
    lines = [f"Error: release refused: {exc}", *(f"  - {reason}" for reason in exc.reasons)]
    text = "".join(escape_text(line) + "\n" for line in lines)
    if exc.report is not None:
        text += render(exc.report, "text", title="release")
    return text

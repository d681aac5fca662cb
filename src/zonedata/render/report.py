"""The renderings of one report: human text, JSON for tools, GitHub workflow annotations (`RENDERERS`)."""

from __future__ import annotations

import json
from itertools import groupby

from zonedata.base.findings import Report, escape_text


def render(report: Report, fmt: str, *, title: str = "validate", quiet: bool = False) -> str:
    """The report in `fmt`; `quiet` gives only the summary line the text and github renderings end with."""
    if quiet and fmt != "json":
        return escape_text(summary_line(report, fmt, title)) + "\n"
    return RENDERERS[fmt](report, title)


def summary_line(report: Report, fmt: str = "text", title: str = "validate") -> str:
    n_err, n_warn = len(report.errors), len(report.warnings)
    if fmt == "github":
        return f"{title}: {n_err} error(s), {n_warn} warning(s)"
    checked = ", ".join(f"{v} {k}" for k, v in report.stats.items())
    verdict = "valid" if report.valid else "invalid"
    return f"{title}: {verdict}: {n_err} error(s), {n_warn} warning(s)" + (f" ({checked})" if checked else "")


def render_text(report: Report, title: str = "validate") -> str:
    """Findings grouped by file; every value is escaped (see escape_text), so each line is one finding."""
    lines: list[str] = []
    shown, omitted = report.shown()
    for file, group in groupby(shown, key=lambda f: f.file or "(package)"):
        lines.append(file)
        for f in group:
            where = f"  line {f.line}" if f.line else "  -"
            field = f" [{f.field}]" if f.field else ""
            record = f" ({f.record})" if f.record else ""
            lines.append(f"{where}{field}{record} {f.severity} {f.rule}: {f.message}")
        lines.extend(f"  ... {o.describe()}" for o in omitted if (o.file or "(package)") == file)
        lines.append("")
    lines.append(summary_line(report, "text", title))
    return "\n".join(escape_text(line) for line in lines) + "\n"


def render_json(report: Report, title: str = "validate") -> str:
    """The stable JSON shape: {"valid", "stats": {"errors", "warnings", ...}, "findings": [...], "omitted": [...]}.

    Each finding is {"rule", "message", "file", "line", "field", "value", "severity", "record"} (record: the
    primary key of the row the finding is about, or null); each omitted
    entry {"rule", "file", "field", "count"} counts the findings beyond the cap (`findings.MAX_SHOWN`).
    """
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, title: str = "validate") -> str:
    out = []
    shown, omitted = report.shown()
    for f in shown:
        props = []
        if f.file:
            props.append(f"file={_escape_prop(f.file)}")
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_prop(f.rule)}")
        field = f"[{f.field}] " if f.field else ""
        field += f"({f.record}) " if f.record else ""
        out.append(f"::{f.severity} {','.join(props)}::{_escape_data(field + f.message)}")
    for o in omitted:
        props = ([f"file={_escape_prop(o.file)}"] if o.file else []) + [f"title={_escape_prop(o.rule)}"]
        out.append(f"::notice {','.join(props)}::{_escape_data(o.describe())}")
    out.append(escape_text(summary_line(report, "github", title)))
    return "\n".join(out) + "\n"


#: --format name -> rendering of a report; every command's --format offers exactly these
RENDERERS = {"text": render_text, "json": render_json, "github": render_github}
FORMATS = tuple(RENDERERS)

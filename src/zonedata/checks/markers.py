"""Draft markers: the cells `zonedata draft` leaves for the curator, and how validate reports them.

A cell that holds `FILL` (a field to fill in), `FILL:<tag>` (a record id to give: the same tag
marks the record and its citations) or `FILL?<value>` (a guess: the words suggest the value but
do not settle it; write the value to confirm it, or another) is a draft marker. Validate reports each one as
`draft-unfilled` with what the field wants, and drops every other finding on that cell (a
marker is not also a pattern, enum or reference error), so its report is exactly what is left.
"""

from __future__ import annotations

import polars as pl

from zonedata.base.findings import LINE, Finding

FILL = "FILL"
MARKER_PATTERN = rf"^{FILL}(?:[:?].*)?$"
GUESS = FILL + "?"


def id_marker(tag: str, n: int) -> str:
    """The marker of a drafted record's id: FILL:s1 (statistics), FILL:p1 (parks), ..."""
    return f"{FILL}:{tag}{n}"


def guess(value: str) -> str:
    """The marker of a value the words suggest but do not settle: FILL?planned."""
    return GUESS + value


def _wants(field) -> str:
    c = field.constraints
    if "enum" in c:
        return "one of " + ", ".join(map(str, c["enum"]))
    example = field.descriptor.get("example")
    desc = (field.descriptor.get("description") or field.descriptor.get("title") or "").split(". ")[0].rstrip(".")
    hint = desc[:160]
    if "pattern" in c:
        hint += f" (pattern {c['pattern']}" + (f", e.g. {example!r})" if example else ")")
    elif example:
        hint += f" (e.g. {example!r})"
    return hint or field.type


def marker_findings(tables: dict) -> list[Finding]:
    """One `draft-unfilled` finding per marker cell of the raw tables (`RawTable`s by name)."""
    findings = []
    for table in tables.values():
        frame = table.strings
        if frame.is_empty():
            continue
        cols = [c for c in frame.columns if c != LINE]
        # a marker starts with FILL: a cheap first look finds the (rare) columns that may hold one; an all-null
        # column (empty in every row, or one the CSV lacks) holds none, and a series knows its null count
        full = [c for c in cols if frame.get_column(c).null_count() < frame.height]
        starts = frame.select(pl.col(c).str.starts_with(FILL).any() for c in full).row(0) if full else ()
        maybe = [c for c, has in zip(full, starts) if has]
        if not maybe:
            continue
        hit = frame.select(
            pl.any_horizontal(pl.col(c).str.contains(MARKER_PATTERN) for c in maybe).fill_null(False)
        ).to_series()
        if not hit.any():
            continue
        long = (
            frame.filter(hit)
            .select(LINE, *maybe)
            .unpivot(index=LINE, variable_name="__field__", value_name="__marker__")
            .filter(pl.col("__marker__").str.contains(MARKER_PATTERN))
            .sort(LINE)
        )
        order = {c: i for i, c in enumerate(cols)}
        for line, fld, value in sorted(long.iter_rows(), key=lambda r: (r[0], order[r[1]])):
            f = table.schema.field(fld)
            if value == FILL:
                msg = f"{fld} is left for the curator (draft marker {FILL}): fill in {_wants(f)}"
            elif value.startswith(GUESS):
                msg = (
                    f"{fld} holds a guess ({value}): the words suggest {value[len(GUESS) :]!r} but do not settle it; "
                    f"write {value[len(GUESS) :]!r} to confirm it, or fill in {_wants(f)}"
                )
            else:
                msg = (
                    f"{fld} holds the draft id {value}: give the record its id ({_wants(f)}) and write the same id "
                    f"wherever {value} stands (its citations' record_id)"
                )
            findings.append(Finding("draft-unfilled", msg, file=table.file, line=line, field=fld, value=value))
    return findings


def apply_markers(findings: list[Finding], tables: dict) -> list[Finding]:
    """`findings` without those on marker cells, plus one `draft-unfilled` per marker cell, in place of them."""
    marks = marker_findings(tables)
    if not marks:
        return findings
    cells = {(m.file, m.line, m.field) for m in marks}
    # a citation's record_id FILL:s1 points at a record whose id is still FILL:s1: no other finding either
    values = {m.value for m in marks}
    kept = [f for f in findings if (f.file, f.line, f.field) not in cells and f.value not in values]
    return kept + marks

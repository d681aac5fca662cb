"""The site's pictures, drawn as static SVG at build time (no script, no library, byte-identical output).

- The timeline: one lane per source text (its title above it), each dated record it reports (a table with a `periods` schema
  property: its start and end fields) as a bar from start to end, and the source's publication date as a
  diamond. At most `MAX_LANES` lanes (the sources with the most dated records) and `MAX_MARKS` bars per
  lane are drawn; the page says what was left out.
- The graph: records as boxes in one column per table, a line for every reference between two of them
  (a foreign or polymorphic key), and for every row of a link table (a table without a name whose schema
  pairs two references in `distinctReferences`) a line between the two records it links. At most
  `MAX_PER_COLUMN` records per table are drawn (those with the most links); the page says so.

Each bar and box is a link to its record. The SVG has a fixed size and scrolls inside its frame.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup, escape

from zonedata.render.site.model import LABEL_FIELDS, STRUCTURAL, Table

#: the Site being built (zonedata.render.site.build.Site; not imported here, which would be a cycle)
Site = Any

MAX_LANES = 60
MAX_MARKS = 300
MAX_PER_COLUMN = 40
PALETTE = ("#0b57a4", "#b3541e", "#2e7d32", "#7b1fa2", "#c62828", "#00838f", "#6d4c41", "#455a64", "#ad1457")


def _date(text: str | None) -> int | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]).toordinal()
    except ValueError:
        return None


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _colours(tables: list[Table]) -> dict[str, str]:
    return {t.name: PALETTE[k % len(PALETTE)] for k, t in enumerate(tables)}


def _legend(used: list[Table], colours: dict[str, str]) -> list[dict]:
    return [{"title": t.title, "colour": colours[t.name]} for t in used]


# --- the timeline -----------------------------------------------------------------------------------


def _dated(site: Site) -> dict[int, list[tuple[int, int, Table, int]]]:
    """source row -> [(start, end, table, row)] of the records it supports that have a period."""
    lanes: dict[int, list[tuple[int, int, Table, int]]] = {}
    for t in site.tables.values():
        if t.role in STRUCTURAL:
            continue
        periods = [p for p in t.schema.get("periods") or [] if isinstance(p, dict)]
        p = next((p for p in periods if p.get("start") in t.columns and p.get("end") in t.columns), None)
        if p is None:
            continue
        starts, ends = t.columns[p["start"]], t.columns[p["end"]]
        for i in range(t.rows):
            a, b = _date(starts[i]), _date(ends[i])
            if a is None and b is None:
                continue
            a = a if a is not None else b
            b = b if b is not None else a
            assert a is not None and b is not None
            for _, s in site.sources_of(t, i):
                lanes.setdefault(s, []).append((min(a, b), max(a, b), t, i))
    return lanes


def timeline(site: Site) -> dict:
    src = site.sources
    lanes = _dated(site)
    published = src.columns.get("date_published", [None] * src.rows)
    chosen = sorted(lanes, key=lambda s: (-len(lanes[s]), s))[:MAX_LANES]
    chosen.sort(key=lambda s: (published[s] or "", src.key(s)))
    if not chosen:
        return {"svg": None, "note": "No record of this package has a period, so there is no timeline.", "legend": []}
    dates = [d for s in chosen for a, b, _, _ in lanes[s][:MAX_MARKS] for d in (a, b)]
    dates += [d for s in chosen if (d := _date(published[s])) is not None]
    lo, hi = min(dates), max(dates)
    lo_year, hi_year = dt.date.fromordinal(lo).year, dt.date.fromordinal(hi).year + 1
    x0, x1 = dt.date(lo_year, 1, 1).toordinal(), dt.date(hi_year, 1, 1).toordinal()
    plot_l, plot_r, row_h, width = 12, 1085, 9, 1100
    dated_tables = {it[2].name for s in chosen for it in lanes[s]}
    colours = _colours([t for t in site.tables.values() if t.name in dated_tables])

    def x(d: int) -> float:
        return plot_l + (d - x0) * (plot_r - plot_l) / max(1, x1 - x0)

    parts: list[str] = []
    y = 40
    used: dict[str, Table] = {}
    left_out = 0
    for s in chosen:
        items = sorted(lanes[s], key=lambda it: (it[0], it[1], it[2].name, it[3]))
        left_out += max(0, len(items) - MAX_MARKS)
        items = items[:MAX_MARKS]
        rows_end: list[float] = []
        placed: list[tuple[float, float, int, Table, int, int, int]] = []
        for a, b, t, i in items:
            xa, xb = x(a), max(x(b), x(a) + 5)
            k = next((k for k, e in enumerate(rows_end) if e + 2 <= xa), None)
            if k is None:
                k = len(rows_end) if len(rows_end) < 12 else len(placed) % 12
                if k == len(rows_end):
                    rows_end.append(xb)
            rows_end[k] = max(rows_end[k], xb)
            placed.append((xa, xb, k, t, i, a, b))
        lane_h = max(1, len(rows_end)) * row_h + 26
        title = src.labels[s]
        parts.append(
            f'<g class="lane"><line x1="0" x2="{width}" y1="{y + lane_h}" y2="{y + lane_h}" class="lane-line"/>'
        )
        parts.append(
            f'<a href="../{escape(src.href(s))}" aria-label="source {escape(title)}">'
            f'<text x="4" y="{y + 13}" class="lane-label">{escape(_cut(title, 120))}</text>'
            f"<title>{escape(title)}</title></a>"
        )
        d = _date(published[s])
        if d is not None:
            cx = x(d)
            parts.append(
                f'<path d="M{cx:.1f} {y + 16} l5 5 l-5 5 l-5 -5 z" class="published">'
                f"<title>{escape(title)}: published {escape(published[s])}</title></path>"
            )
        for xa, xb, k, t, i, a, b in placed:
            used[t.name] = t
            when = dt.date.fromordinal(a).isoformat() + ("" if a == b else " to " + dt.date.fromordinal(b).isoformat())
            label = f"{t.title}: {t.labels[i]} ({when})"
            parts.append(
                f'<a href="../{escape(t.href(i))}" aria-label="{escape(label)}">'
                f'<rect x="{xa:.1f}" y="{y + 18 + k * row_h}" width="{xb - xa:.1f}" height="{row_h - 2}" '
                f'rx="2" fill="{colours[t.name]}"><title>{escape(label)}</title></rect></a>'
            )
        parts.append("</g>")
        y += lane_h
    height = y + 10
    axis = []
    years = list(range(lo_year, hi_year + 1))
    step = max(1, len(years) // 12)
    for yr in years[::step]:
        gx = x(dt.date(yr, 1, 1).toordinal())
        if gx > width - 30:
            continue
        axis.append(
            f'<line x1="{gx:.1f}" x2="{gx:.1f}" y1="30" y2="{height}" class="grid"/>'
            f'<text x="{gx + 3:.1f}" y="24" class="year">{yr}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="group" aria-label="Timeline of dated records by source">'
        + "".join(axis)
        + "".join(parts)
        + "</svg>"
    )
    notes = []
    if len(lanes) > len(chosen):
        notes.append(
            f"{len(lanes) - len(chosen):,} of {len(lanes):,} sources are not drawn (a sample: the {len(chosen)} "
            "sources with the most dated records)."
        )
    if left_out:
        notes.append(f"{left_out:,} dated records beyond the first {MAX_MARKS} of a source are not drawn.")
    total = sum(len(v) for v in lanes.values())
    return {
        "svg": Markup(svg),
        "note": " ".join(notes) or f"All {total:,} dated records of all {len(lanes):,} sources are drawn.",
        "legend": _legend(list(used.values()), colours),
    }


# --- the graph ----------------------------------------------------------------------------------------


def _link_pair(t: Table) -> list[int] | None:
    """For a link table (no name field; two references paired in `distinctReferences`): which of its refs
    are the two ends."""
    if any(f in t.columns for f in LABEL_FIELDS):
        return None
    for pair in t.schema.get("distinctReferences") or []:
        if isinstance(pair, list) and len(pair) == 2:
            idx = [next((k for k, r in enumerate(t.refs) if r.id_field == f), None) for f in pair]
            if None not in idx:
                return [k for k in idx if k is not None]
    return None


def _edges(site: Site) -> tuple[list[tuple[tuple[str, int], tuple[str, int], str]], list[Table]]:
    node_tables = [
        t for t in site.tables.values() if t.role not in STRUCTURAL and any(f in t.columns for f in LABEL_FIELDS)
    ]
    names = {t.name for t in node_tables}
    edges: dict[tuple, str] = {}
    for t in site.tables.values():
        if t.role in STRUCTURAL:
            continue
        resolved = site.resolved[t.name]
        pair = _link_pair(t)
        if pair is not None:
            kind = next(
                (
                    f["name"]
                    for f in t.fields
                    if (f.get("constraints") or {}).get("enum")
                    and (f.get("constraints") or {}).get("required")
                    and f["name"] not in {r.table_field for r in t.refs}
                ),
                None,
            )
            for i in range(t.rows):
                ends_a, ends_b = resolved[pair[0]][i], resolved[pair[1]][i]
                for a, ja in ends_a:
                    for b, jb in ends_b:
                        if a.name in names and b.name in names:
                            what = t.columns[kind][i] if kind else t.title
                            edges.setdefault(((a.name, ja), (b.name, jb)), str(what))
            continue
        if t.name not in names:
            continue
        for ref, per_row in zip(t.refs, resolved):
            title = site.titles[t.name].get(ref.id_field, ref.id_field)
            for i, targets in enumerate(per_row):
                for b, jb in targets:
                    if b.name in names and (b.name, jb) != (t.name, i):
                        edges.setdefault(((t.name, i), (b.name, jb)), title)
    return [(a, b, what) for (a, b), what in edges.items()], node_tables


def graph(site: Site) -> dict:
    edges, node_tables = _edges(site)
    degree: dict[tuple[str, int], int] = {}
    for a, b, _ in edges:
        degree[a] = degree.get(a, 0) + 1
        degree[b] = degree.get(b, 0) + 1
    if not edges:
        return {"svg": None, "note": "No two records of this package refer to each other.", "legend": []}
    columns: list[tuple[Table, list[int]]] = []
    connected = 0
    for t in node_tables:
        rows = [i for (name, i) in degree if name == t.name]
        connected += len(rows)
        rows.sort(key=lambda i: (-degree[(t.name, i)], i))
        rows = sorted(rows[:MAX_PER_COLUMN])
        if rows:
            columns.append((t, rows))
    drawn = {(t.name, i) for t, rows in columns for i in rows}
    shown_edges = [(a, b, w) for a, b, w in edges if a in drawn and b in drawn]
    col_of = {t.name: k for k, (t, _) in enumerate(columns)}
    # order each column by the mean position of its neighbours (two sweeps), so that lines cross less
    pos = {(t.name, i): float(k) for t, rows in columns for k, i in enumerate(rows)}
    neighbours: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for a, b, _ in shown_edges:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    for _ in range(3):
        for t, rows in columns:

            def bary(i: int, t=t) -> tuple[float, int]:
                near = [pos[n] for n in neighbours.get((t.name, i), []) if n[0] != t.name]
                return (sum(near) / len(near) if near else pos[(t.name, i)], i)

            rows.sort(key=bary)
            for k, i in enumerate(rows):
                pos[(t.name, i)] = float(k)
    col_w, box_w, box_h, gap, top = 240, 200, 22, 8, 40
    tallest = max(len(rows) for _, rows in columns)
    height = top + tallest * (box_h + gap) + 20
    width = len(columns) * col_w + 40
    colours = _colours([t for t, _ in columns])

    def centre(node: tuple[str, int]) -> tuple[float, float]:
        k = col_of[node[0]]
        return 20 + k * col_w, top + pos[node] * (box_h + gap) + box_h / 2

    lines = []
    for a, b, what in sorted(shown_edges, key=lambda e: (col_of[e[0][0]], pos[e[0]], col_of[e[1][0]], pos[e[1]])):
        (ax, ay), (bx, by) = centre(a), centre(b)
        ta, tb = site.tables[a[0]], site.tables[b[0]]
        title = escape(f"{ta.labels[a[1]]} → {what} → {tb.labels[b[1]]}")
        if col_of[a[0]] == col_of[b[0]]:  # within one table: an arc on the right of the column
            rx = ax + box_w
            bend = rx + 14 + min(60, abs(by - ay) / 6)
            d = f"M{rx:.1f} {ay:.1f} C{bend:.1f} {ay:.1f} {bend:.1f} {by:.1f} {rx:.1f} {by:.1f}"
        else:
            if ax > bx:
                (ax, ay), (bx, by) = (bx, by), (ax, ay)
            sx, ex = ax + box_w, bx
            mid = (sx + ex) / 2
            d = f"M{sx:.1f} {ay:.1f} C{mid:.1f} {ay:.1f} {mid:.1f} {by:.1f} {ex:.1f} {by:.1f}"
        lines.append(f'<path d="{d}" class="edge"><title>{title}</title></path>')
    boxes = []
    heads = []
    for t, rows in columns:
        cx = 20 + col_of[t.name] * col_w
        heads.append(f'<text x="{cx}" y="24" class="col-head">{escape(t.title)} ({len(rows)})</text>')
        for i in rows:
            _, cy = centre((t.name, i))
            label = t.labels[i]
            boxes.append(
                f'<a href="../{escape(t.href(i))}" aria-label="{escape(t.title)}: {escape(label)}">'
                f'<rect x="{cx}" y="{cy - box_h / 2:.1f}" width="{box_w}" height="{box_h}" rx="4" '
                f'stroke="{colours[t.name]}" class="node"/>'
                f'<text x="{cx + 6}" y="{cy + 4:.1f}" class="node-label">{escape(_cut(label, 30))}</text>'
                f"<title>{escape(t.title)}: {escape(label)}</title></a>"
            )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="group" aria-label="Graph of how the records refer to each other">'
        + "".join(heads)
        + "".join(lines)
        + "".join(boxes)
        + "</svg>"
    )
    if len(drawn) < connected:
        note = (
            f"A sample: {len(drawn):,} of the {connected:,} linked records are drawn (the {MAX_PER_COLUMN} with "
            f"the most links in each table), with the {len(shown_edges):,} of {len(edges):,} links between them."
        )
    else:
        note = f"All {connected:,} records that are linked to another record are drawn, with all {len(edges):,} links."
    return {"svg": Markup(svg), "note": note, "legend": _legend([t for t, _ in columns], colours)}

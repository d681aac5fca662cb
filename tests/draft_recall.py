"""The draft measured against the curated data of this dataset (a harness for its tests, not part
of the wheel): how many recorded statistics, names and exclusions a fresh draft of each stored text proposes."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from zonedata.curate.draft import draft
from zonedata.curate.draft.candidates import _load, _recorded_names
from zonedata.text.normalise import normalise


def measure(root: Path | str) -> dict:
    """How the draft of every stored source compares with what the curators recorded.

    A recorded statistic is found when a candidate of one of its sources has the same value, scale,
    unit and qualifier, a value_text that overlaps the recorded one, and a quote that contains the
    recorded value_text. A recorded park, project or event name (not a curator's label) is found when a
    candidate of any source has that name; the curators' labels are listed apart (`labels`), since no
    draft can find a name the text does not contain. Candidates that match nothing recorded are false ones."""
    root = Path(root)
    ds = _load(root)
    drafts = {sid: draft(root, sid, skip_recorded=False, ds=ds) for sid in sorted(ds.texts)}

    def num(v: str | None):
        try:
            return Decimal(v or "")
        except InvalidOperation:
            return None

    def key(r: dict) -> tuple:
        return (num(r.get("value")), r.get("scale") or "", r.get("unit") or "", r.get("qualifier") or "")

    STATISTICS, CITATIONS = ds.roles.table("figures") or "", ds.roles.table("citations") or ""  # noqa: N806
    stats_file, cites_file = ds.file(STATISTICS), ds.file(CITATIONS)
    candidates = []  # (source_id, key, value_text, quote)
    for sid, d in drafts.items():
        quotes = {c["record_id"]: c["quote"] for c in d.rows.get(cites_file, []) if c["record_table"] == STATISTICS}
        for r in d.rows.get(stats_file, []):
            candidates.append(
                (sid, key(r), normalise(r["value_text"]).lower(), normalise(quotes.get(r["statistic_id"], "")).lower())
            )
    cites, statistics = ds.tables[CITATIONS].strings, ds.tables[STATISTICS].strings
    sources_of: dict[str, set[str]] = {}
    for rt, rid, sid in cites.select("record_table", "record_id", "source_id").iter_rows():
        sources_of.setdefault(f"{rt}/{rid}", set()).add(sid)
    recorded = statistics.to_dicts()
    matched_candidates: set[int] = set()
    missed = []
    for r in recorded:
        vt = normalise(r["value_text"] or "").lower()
        hits = [
            i
            for i, (sid, k, cvt, quote) in enumerate(candidates)
            if sid in sources_of.get(f"statistics/{r['statistic_id']}", set())
            and k == key(r)
            and vt in quote
            and (cvt in vt or vt in cvt)
        ]
        matched_candidates.update(hits)
        if not hits:
            missed.append(r["statistic_id"])
    false = [f"{candidates[i][0]}: {candidates[i][2]}" for i in range(len(candidates)) if i not in matched_candidates]
    stats: dict[str, Any] = {
        "recorded": len(recorded),
        "found": len(recorded) - len(missed),
        "missed": missed,
        "candidates": len(candidates),
        "false_candidates": len(false),
        "false": false,
    }
    stats["recall"] = stats["found"] / stats["recorded"] if recorded else 1.0

    names_found = {
        normalise(r["name"]).lower()
        for d in drafts.values()
        for dest, rows in d.rows.items()
        for r in rows
        if "name" in r and dest != cites_file
    }
    all_recorded = _recorded_names(ds)
    names = {}
    for table in ("parks", "projects", "events", "organisations"):
        if table not in ds.tables:
            continue
        frame = ds.tables[table].strings
        # a curator's label ("China-ASEAN Industrial Cooperation Zone: Nanning area") is not in the text
        rows = frame.to_dicts()
        is_label = [
            (r.get("name_is_label") or "false").lower() == "true" or r.get("name_type") == "label" for r in rows
        ]
        wanted = [r["name"] for r, label in zip(rows, is_label) if not label]
        missing = [n for n in wanted if normalise(n).lower() not in names_found]
        names[table] = {
            "recorded": len(wanted),  # names verbatim in a text: what a draft can find
            "found": len(wanted) - len(missing),
            "missed": missing,
            # names the curators made (name_type label), not verbatim in any text: no draft can find them
            "labels": [r["name"] for r, label in zip(rows, is_label) if label],
        }
    n_candidates = len(names_found)  # distinct names, over all sources and tables
    false_names = sorted({n for n in names_found if n not in all_recorded})
    # exclusions: a curated one is proposed when a drafted phrase of its source overlaps it
    excl_file = ds.paths.rel(ds.paths.coverage_exclusions)
    curated = []
    if ds.paths.coverage_exclusions.exists():
        with ds.paths.coverage_exclusions.open(encoding="utf-8", newline="") as fh:
            curated = [(r.get("source_id"), normalise(r.get("phrase") or "").lower()) for r in csv.DictReader(fh)]
    proposed = [(sid, normalise(r["phrase"]).lower()) for sid, d in drafts.items() for r in d.rows.get(excl_file, [])]

    def overlaps(a: tuple, b: tuple) -> bool:
        return a[0] == b[0] and bool(a[1]) and bool(b[1]) and (a[1] in b[1] or b[1] in a[1])

    exclusions = {
        "recorded": len(curated),
        "found": sum(any(overlaps(c, p) for p in proposed) for c in curated),
        "candidates": len(proposed),
        "false_candidates": sum(not any(overlaps(c, p) for c in curated) for p in proposed),
    }
    return {
        "statistics": stats,
        "names": names,
        "exclusions": exclusions,
        "name_candidates": n_candidates,
        "false_name_candidates": len(false_names),
        "false_names": false_names,
    }

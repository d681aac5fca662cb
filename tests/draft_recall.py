"""The draft measured against the curated data of this dataset (a harness for its tests, not part
of the wheel): how many recorded statistics, names and exclusions a fresh draft of each stored text proposes."""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from zonedata.checks.markers import FILL, GUESS
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
    drafted_rows = []  # the drafted row of each candidate
    for sid, d in drafts.items():
        quotes = {c["record_id"]: c["quote"] for c in d.rows.get(cites_file, []) if c["record_table"] == STATISTICS}
        for r in d.rows.get(stats_file, []):
            candidates.append(
                (sid, key(r), normalise(r["value_text"]).lower(), normalise(quotes.get(r["statistic_id"], "")).lower())
            )
            drafted_rows.append(r)
    first_hit: dict[str, int] = {}  # recorded statistic_id -> the candidate it is found as
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
        else:
            first_hit[r["statistic_id"]] = hits[0]
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
        "readings": _readings(ds, drafts, recorded, drafted_rows, candidates, first_hit),
        "names": names,
        "exclusions": exclusions,
        "name_candidates": n_candidates,
        "false_name_candidates": len(false_names),
        "false_names": false_names,
    }


# --------------------------------------------------------------------------- a text curated by hand


def _plain(v: str | None) -> str:
    """A drafted cell without its guess marker (FILL?planned -> planned); a bare FILL is empty."""
    v = v or ""
    if v.startswith(GUESS):
        return v[len(GUESS) :]
    return "" if v == FILL or v.startswith(FILL + ":") else v


def _same_words(a: str, b: str) -> bool:
    """Period or attribution words read alike: equal, or one holds the other (case and spacing aside)."""
    a, b = normalise(a).lower().strip(" ,."), normalise(b).lower().strip(" ,.")
    return a == b or (bool(a) and bool(b) and (a in b or b in a))


def measure_draft(d, expected: dict) -> dict:
    """The draft `d` of one text against its hand curation `expected` (tests/fixtures/draft/texts/*.json).

    A curated figure is found when a drafted statistic has the same value, scale, unit and qualifier
    and a value_text that holds it or is held by it (each candidate matches one figure). Of the found
    figures: the basis is right when the drafted one (a guess counts) equals it; the period words when
    both are empty or one holds the other; the dates when period_start and period_end are equal; the
    attribution when the curated one is given and the drafted words overlap it. A name is found when
    a candidate of any table has it (case and spacing aside), in the right table when its table is the
    curated one. A link is found when a drafted growth link joins the two curated figures. Candidates
    that match no curated figure or name are the false ones."""
    stats = [r for dest, rows in d.rows.items() if dest.endswith("/statistics.csv") for r in rows]
    by_id = {r["statistic_id"]: r for r in stats}

    def num(v: str | None):
        try:
            return Decimal(_plain(v))
        except InvalidOperation:
            return None

    used: set[int] = set()
    match: dict[int, dict] = {}  # curated index -> drafted row
    for n, e in enumerate(expected["figures"]):
        want = normalise(e["value_text"]).lower()
        for i, r in enumerate(stats):
            got = normalise(r["value_text"]).lower()
            if i in used or (num(r["value"]), r["scale"], r["unit"], r["qualifier"]) != (
                num(e["value"]),
                e["scale"],
                e["unit"],
                e["qualifier"],
            ):
                continue
            if got in want or want in got:
                used.add(i)
                match[n] = r
                break
    figures = expected["figures"]
    found = [figures[n] for n in match]
    basis_right = sum(_plain(match[n].get("basis")) == figures[n]["basis"] for n in match)
    words_right = sum(
        (not figures[n]["period_text"] and not _plain(match[n].get("period_text")))
        or _same_words(figures[n]["period_text"], _plain(match[n].get("period_text")))
        for n in match
    )
    dates_right = sum(
        (_plain(match[n].get("period_start")), _plain(match[n].get("period_end")))
        == (figures[n]["period_start"], figures[n]["period_end"])
        for n in match
    )
    attributed = [n for n in match if figures[n].get("attribution_text")]
    attribution_right = sum(
        _same_words(figures[n]["attribution_text"], match[n].get("attribution_text") or "") for n in attributed
    )
    names = {
        normalise(r["name"]).lower(): Path(dest).stem
        for dest, rows in d.rows.items()
        if not dest.endswith("/citations.csv")
        for r in rows
        if r.get("name")
    }
    names_found = [e for e in expected["names"] if normalise(e["name"]).lower() in names]
    tables_right = [e for e in names_found if names[normalise(e["name"]).lower()] == e["table"]]
    curated_names = {normalise(e["name"]).lower() for e in expected["names"]}
    links = [r for dest, rows in d.rows.items() if dest.endswith("/statistic_links.csv") for r in rows]

    def joins(link: dict, e: dict) -> bool:
        left, right = by_id.get(link.get("statistic_id", "")), by_id.get(link.get("related_statistic_id", ""))
        return (
            left is not None
            and right is not None
            and _same_words(left["value_text"], e["growth"])
            and _same_words(right["value_text"], e["of"])
        )

    links_found = sum(any(joins(link, e) for link in links) for e in expected["links"])
    return {
        "figures": len(figures),
        "figures_found": len(found),
        "missed": [e["value_text"] for n, e in enumerate(figures) if n not in match],
        "false_figures": [r["value_text"] for i, r in enumerate(stats) if i not in used],
        "basis_right": basis_right,
        "period_words_right": words_right,
        "period_dates_right": dates_right,
        "attributions": len(attributed),
        "attributions_right": attribution_right,
        "names": len(expected["names"]),
        "names_found": len(names_found),
        "names_in_right_table": len(tables_right),
        "names_missed": [e["name"] for e in expected["names"] if e not in names_found],
        "false_names": sorted(n for n in names if n not in curated_names),
        "links": len(expected["links"]),
        "links_found": links_found,
        "false_links": len(links) - links_found,
    }


def _readings(ds, drafts: dict, recorded: list[dict], rows: list[dict], candidates: list, first_hit: dict) -> dict:
    """Of the recorded statistics found: how many have the recorded period words (when the record has
    period words: the drafted ones hold them or are held by them), the recorded period dates (start
    and end equal, for the records with period words) and the recorded basis (a guess counts); and
    how many recorded growth links (growth_rate_of) a draft states between the two figures found."""
    by_id = {r["statistic_id"]: r for r in recorded}
    worded = [sid for sid in first_hit if by_id[sid].get("period_text")]
    words_right = [
        sid for sid in worded if _same_words(by_id[sid]["period_text"], _plain(rows[first_hit[sid]].get("period_text")))
    ]
    dates_right = [
        sid
        for sid in worded
        if (_plain(rows[first_hit[sid]].get("period_start")), _plain(rows[first_hit[sid]].get("period_end")))
        == (by_id[sid].get("period_start") or "", by_id[sid].get("period_end") or "")
    ]
    basis_right = [
        sid for sid in first_hit if _plain(rows[first_hit[sid]].get("basis")) == (by_id[sid].get("basis") or "")
    ]
    # growth links: the recorded ones, and the drafted ones by the (source, draft id) of their figures
    recorded_links = []
    if "statistic_links" in ds.tables:
        frame = ds.tables["statistic_links"].strings
        recorded_links = [r for r in frame.to_dicts() if r.get("relation") == "growth_rate_of"]
    index = {(candidates[i][0], rows[i]["statistic_id"]): i for i in range(len(rows))}
    drafted_links = {
        (index.get((sid, r.get("statistic_id"))), index.get((sid, r.get("related_statistic_id"))))
        for sid, d in drafts.items()
        for dest, link_rows in d.rows.items()
        if dest.endswith("/statistic_links.csv")
        for r in link_rows
    }
    links_found = [
        r["link_id"]
        for r in recorded_links
        if (first_hit.get(r["statistic_id"]), first_hit.get(r["related_statistic_id"])) in drafted_links
        and first_hit.get(r["statistic_id"]) is not None
    ]
    return {
        "found": len(first_hit),
        "with_period_words": len(worded),
        "period_words_right": len(words_right),
        "period_dates_right": len(dates_right),
        "period_missed": sorted(set(worded) - set(words_right) | (set(worded) - set(dates_right))),
        "basis_right": len(basis_right),
        "basis_missed": sorted(set(first_hit) - set(basis_right)),
        "growth_links": len(recorded_links),
        "growth_links_found": len(links_found),
        "drafted_links": len(drafted_links),
        "false_links": len(drafted_links) - len(links_found),
    }

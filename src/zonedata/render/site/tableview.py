"""What a table page shows first: its columns in a reader's order, the columns made of several fields
(a value as written with its qualifier, the normalised value with its unit, a period, the sources), and
the facets with their counts over the whole table.

Everything is derived from the Table Schema: value groups from the `*_text`/`*_normalised` fields,
periods from the schema's `periods` property, references from its foreign and polymorphic keys, facets
from enums, booleans, ISO codes (`isoCode`) and references. No table or field of one dataset is named
here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from zonedata.render.site.model import LABEL_FIELDS, STRUCTURAL, Table

#: the Site being built (zonedata.render.site.build.Site; not imported here, which would be a cycle)
Site = Any

#: columns a table page opens on (the reader chooses the others)
DEFAULT_COLUMNS = 8
#: values listed per facet (the count of the rest is given)
FACET_VALUES = 100
SOURCES_COLUMN = "~sources"


def is_cited(site: Site, t: Table) -> bool:
    return site.citations is not None and t.role not in STRUCTURAL


def _virtual_columns(site: Site, t: Table) -> tuple[list[dict], set[str]]:
    """Columns made of several fields, and the fields they show."""
    names = t.field_names()
    virtual: list[dict] = []
    used: set[str] = set()
    for g in site.groups[t.name]:
        title = "Value" if g["prefix"] == "value" else g["prefix"].replace("_", " ").capitalize()
        virtual.append(
            {
                "name": f"~{g['prefix']}.written",
                "title": f"{title} as written",
                "kind": "written",
                "type": "string",
                "text": names.index(g["text"]),
                "qualifier": names.index(g["qualifier"]) if g["qualifier"] else None,
            }
        )
        virtual.append(
            {
                "name": f"~{g['prefix']}.normalised",
                "title": f"{title} normalised",
                "kind": "normalised",
                "type": "number",
                "normalised": names.index(g["normalised"]),
                "unit": names.index(g["unit"]) if g["unit"] else None,
            }
        )
        used.update(x for x in (g["text"], g["normalised"], g["unit"], g["qualifier"]) if x)
    for k, p in enumerate(t.schema.get("periods") or []):
        if isinstance(p, dict) and p.get("start") in names and p.get("end") in names:
            virtual.append(
                {
                    "name": "~period" if k == 0 else f"~period.{k}",
                    "title": "Period" if k == 0 else f"Period {k + 1}",
                    "kind": "period",
                    "type": "date",
                    "start": names.index(p["start"]),
                    "end": names.index(p["end"]),
                }
            )
            used.update((p["start"], p["end"]))
    if is_cited(site, t):
        virtual.append({"name": SOURCES_COLUMN, "title": "Source", "kind": "sources", "type": "string"})
    return virtual, used


def _facet_fields(t: Table) -> list[dict]:
    """Fields with few distinct values by their schema: enums, booleans, ISO codes and references, in that
    order (required enums first)."""
    ref_fields = {r.id_field for r in t.refs}
    table_fields = {r.table_field for r in t.refs if r.table_field}
    ranked = []
    for f in t.fields:
        name = f["name"]
        c = f.get("constraints") or {}
        if name in t.pk and len(t.pk) == 1:
            continue
        if c.get("enum") and name not in table_fields:
            rank = 0 if c.get("required") else 3
        elif name in table_fields:
            rank = 5
        elif f.get("isoCode"):
            rank = 1
        elif f.get("type") == "boolean":
            rank = 4
        elif name in ref_fields:
            rank = 6
        else:
            continue
        ranked.append((rank, name))
    return [{"name": n, "rank": r} for r, n in sorted(ranked, key=lambda x: x[0])]


def _facet(site: Site, t: Table, name: str) -> dict:
    counts: Counter = Counter()
    first: dict = {}
    column = t.columns[name]
    for i, v in enumerate(column):
        for x in v if isinstance(v, list) else (v,):
            if x is None:
                continue
            counts[x] += 1
            first.setdefault(x, i)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ranked[:FACET_VALUES]
    labels = {}
    if any(r.id_field == name for r in t.refs):
        for value, _ in shown:
            hits = site._targets(t, first[value]).get(name, {})
            if value in hits:
                target, j = hits[value]
                if target.labels[j] != value:
                    labels[value] = target.labels[j]
    return {
        "values": [[v, n] + ([labels[v]] if v in labels else []) for v, n in shown],
        "distinct": len(ranked),
    }


def _sources_facet(site: Site, t: Table) -> dict:
    counts: Counter = Counter()
    for i in range(t.rows):
        for _, j in site.sources_of(t, i):
            counts[j] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    src = site.sources
    values = []
    for j, n in ranked[:FACET_VALUES]:
        value = src.key(j)[-1]
        values.append([value, n] + ([src.labels[j]] if src.labels[j] != value else []))
    return {"values": values, "distinct": len(ranked)}


def _single_valued(t: Table, name: str) -> bool:
    seen = set()
    for v in t.columns[name]:
        seen.add(tuple(v) if isinstance(v, list) else v)
        if len(seen) > 1:
            return False
    return True


def default_columns(t: Table, virtual: list[dict], used: set[str]) -> list[str]:
    """The columns a reader needs first: the key, the name, the values as written and normalised, what
    they are about, the period, the kind-like enums and the country, and the source."""
    names = t.field_names()
    fields = {f["name"]: f for f in t.fields}
    table_fields = {r.table_field for r in t.refs if r.table_field}
    chosen: list[str] = list(t.pk)
    label = next((n for n in LABEL_FIELDS if n in fields), None)
    if label and label not in chosen:
        chosen.append(label)
    chosen += [v["name"] for v in virtual if v["kind"] in ("written", "normalised")]
    required = [r.id_field for r in t.refs if ((fields[r.id_field].get("constraints") or {}).get("required"))]
    chosen += [n for n in required if n not in chosen]
    chosen += [v["name"] for v in virtual if v["kind"] == "period"]
    rest = [
        n
        for n in names
        if n not in chosen
        and n not in used
        and n not in table_fields
        and ((fields[n].get("constraints") or {}).get("enum") and (fields[n].get("constraints") or {}).get("required"))
        and not _single_valued(t, n)
    ]
    rest += [n for n in names if fields[n].get("isoCode") and n not in chosen and not _single_valued(t, n)]
    tail = [v["name"] for v in virtual if v["kind"] == "sources"]
    room = max(0, DEFAULT_COLUMNS - len(chosen) - len(tail))
    return chosen + rest[:room] + tail


def table_meta(site: Site, t: Table, shard_size: int, page_rows: int) -> dict:
    virtual, used = _virtual_columns(site, t)
    ref_fields = {r.id_field for r in t.refs}
    columns = [
        {
            "name": f["name"],
            "title": f.get("title") or f["name"],
            "type": f.get("type", "string"),
            "key": f["name"] in t.pk,
            "ref": f["name"] in ref_fields,
            "delimiter": f.get("delimiter", ",") if f.get("type") == "list" else None,
        }
        for f in t.fields
    ]
    defaults = default_columns(t, virtual, used)
    facets = []
    for ff in _facet_fields(t):
        facets.append({"name": ff["name"], "rank": ff["rank"], **_facet(site, t, ff["name"])})
    if is_cited(site, t):
        facets.append({"name": SOURCES_COLUMN, "rank": 2, **_sources_facet(site, t)})
    facets.sort(key=lambda f: f["rank"])
    facets = [f for f in facets if f["distinct"] > 0]
    shards = (t.rows + shard_size - 1) // shard_size
    return {
        "table": t.name,
        "rows": t.rows,
        "shardSize": shard_size,
        "pageRows": page_rows,
        "shards": [f"data/{t.name}/{k:04d}.js" for k in range(1, shards + 1)],
        "columns": columns,
        "virtual": virtual,
        "defaults": defaults,
        "sticky": t.pk[0],
        "facets": facets,
    }

"""The text and JSON renderings of a diff between two versions (`zonedata diff`)."""

from __future__ import annotations

import json

from zonedata.base.findings import escape_text
from zonedata.release.diff import PackageDiff, PackageVersion


def _list_change(old, new, delimiter: str) -> str:
    """`+ item; - item` for a list field whose items changed (order alone: 'reordered')."""
    a, b = old.split(delimiter), new.split(delimiter)
    gained, lost = [x for x in b if x not in a], [x for x in a if x not in b]
    if not gained and not lost:
        return "items reordered"
    return "; ".join([*(f"+ {x!r}" for x in gained), *(f"- {x!r}" for x in lost)])


def _key_label(key: dict) -> str:
    return ", ".join(str(v) for v in key.values()) if len(key) > 1 else str(next(iter(key.values())))


def _value(v) -> str:
    return "(empty)" if v is None else repr(v)


def render_text(d: PackageDiff, *, summary: bool = False) -> str:
    """Per table: counts, then + added, - removed, ~ changed records with old -> new values; then schema changes."""

    def version(p: PackageVersion) -> str:
        return p.label + (f" ({p.version})" if p.version and p.version != p.label else "")

    lines = [f"diff {version(d.old)} -> {version(d.new)}", ""]
    for name, t in d.tables.items():
        if t.status == "unchanged":
            continue
        head = (
            f"{name}: {t.added.height} added, {t.removed.height} removed, {t.n_changed} changed "
            f"({t.old_rows} -> {t.new_rows} records)"
        )
        if t.status in ("added", "removed"):
            head += f" [table {t.status}]"
        lines.append(head)
        if not summary:
            for r in t.added.select(t.key or t.added.columns).iter_rows():  # no key: the whole record
                lines.append(f"  + {', '.join(str(v) for v in r)}")
            for r in t.removed.select(t.key or t.removed.columns).iter_rows():
                lines.append(f"  - {', '.join(str(v) for v in r)}")
            for rec in t.changed_records():
                lines.append(f"  ~ {_key_label(rec['key'])}")
                for f in rec["fields"]:
                    lines.append(f"      {f['field']}: {_value(f['old'])} -> {_value(f['new'])}")
                    if f["field"] in t.list_delimiters and f["old"] is not None and f["new"] is not None:
                        lines.append(
                            f"        items: {_list_change(f['old'], f['new'], t.list_delimiters[f['field']])}"
                        )
            for name, info in t.new_fields.items():
                if not info["records"]:
                    continue
                empty = info["records"] - info["filled"]
                held = ", ".join(f"{v} {c}" for v, c in info["values"].items()) or f"{info['filled']} filled"
                held = "all empty" if not info["filled"] else held + (f", {empty} empty" if empty else "")
                lines.append(f"  new field {name} in the {info['records']} existing record(s): {held}")
        lines.append("")
    unchanged = [name for name, t in d.tables.items() if t.status == "unchanged"]
    if unchanged:
        lines.extend([f"unchanged: {', '.join(unchanged)}", ""])
    if d.schema_changes:
        lines.append("schema and metadata changes:")
        lines.extend(f"  {c.level:<5} {c.kind}: {c.describe()}" for c in d.schema_changes)
        lines.append("")
    if d.is_empty:
        lines.append("no differences")
    else:
        lines.append(f"required version bump: {d.required_level}")
    return "\n".join(escape_text(line) for line in lines) + "\n"


def render_json(d: PackageDiff) -> str:
    return json.dumps(d.to_dict(), indent=2, ensure_ascii=False) + "\n"

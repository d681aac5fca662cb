"""`zonedata draft SOURCE --apply`: the draft's candidate rows written into the package's raw tables.

Each drafted record gets an id by its table's primary key pattern (the schemas say it): the next
free number for a numbered pattern (`stat-[0-9]{4}` -> stat-0035 after stat-0034), a slug of its
name for a slug pattern (`[a-z0-9]+(-[a-z0-9]+)*` -> sample-nanning-digital-park). The same id
replaces the draft id in every row that names it (citations, links, subjects, guesses).

Nothing already there changes: rows are appended, a drafted record whose name is a recorded
record's name or alias is not written (its draft id becomes the recorded id), and a source whose
candidates are all recorded adds nothing, so a second `--apply` writes nothing. The cells the words
do not settle keep their markers (FILL, FILL?guess), which `zonedata validate` lists one by one.
Candidate coverage exclusions are judgements and are not written (`zonedata draft` shows them).
Every file is prepared before any is written, and each is replaced atomically inside the package.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from zonedata.base.findings import ConfigError
from zonedata.checks.markers import FILL, GUESS
from zonedata.curate.addsource import atomic_write
from zonedata.curate.draft.candidates import Draft, _is_marker, _load, _recorded_id, draft
from zonedata.text.normalise import normalise

_NUMBERED = re.compile(r"\^?([a-z]+-)\[0-9\]\{([0-9]+)(?:,[0-9]*)?\}\$?")
_SLUG = re.compile(r"\^?((?:[a-z]+-)?)\[a-z0-9\]\+")


@dataclass
class Applied:
    """The rows `--apply` writes (or, with `--dry-run`, would write), by destination file."""

    source_id: str
    dry_run: bool
    columns: dict[str, list[str]] = field(default_factory=dict)
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    linked: dict[str, str] = field(default_factory=dict)  # name drafted -> the recorded id it links to
    exclusions: int = 0  # candidate exclusions, not written

    @property
    def written(self) -> int:
        return sum(len(r) for r in self.rows.values())

    def left_to_decide(self) -> int:
        return sum(1 for rows in self.rows.values() for r in rows for v in r.values() if _is_marker(v))

    def to_dict(self) -> dict:
        return {
            "source_id": self.source_id,
            "dry_run": self.dry_run,
            "tables": {d: {"columns": self.columns[d], "rows": rows} for d, rows in self.rows.items() if rows},
            "linked": self.linked,
            "left_to_decide": self.left_to_decide(),
            "candidate_exclusions": self.exclusions,
        }

    def to_text(self) -> str:
        out = io.StringIO()
        for dest, rows in self.rows.items():
            if rows:
                out.write(f"## {dest} ({len(rows)})\n")
                w = csv.DictWriter(out, fieldnames=self.columns[dest], lineterminator="\n", extrasaction="ignore")
                w.writeheader()
                w.writerows(rows)
                out.write("\n")
        return out.getvalue()


def slug(name: str) -> str:
    """An id slug of a name: ASCII letters and digits, lower case, joined by hyphens."""
    flat = unicodedata.normalize("NFKD", normalise(name)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", flat).strip("-")


def _id_maker(pattern: str, existing: set[str]):
    """A function giving the next id for a row (by its name) under `pattern`, or None when the pattern
    is neither numbered nor a slug (the draft id stays, for the curator)."""
    numbered = _NUMBERED.fullmatch(pattern)
    if numbered:
        prefix, width = numbered.group(1), int(numbered.group(2))
        used = [int(i[len(prefix) :]) for i in existing if i.startswith(prefix) and i[len(prefix) :].isdigit()]
        counter = [max(used, default=0)]

        def number(_: str) -> str | None:
            counter[0] += 1
            rid = f"{prefix}{counter[0]:0{width}d}"
            return rid if re.fullmatch(pattern, rid) else None

        return number
    slugged = _SLUG.match(pattern)
    if slugged:
        prefix = slugged.group(1)

        def by_name(name: str) -> str | None:
            base = prefix + slug(name)
            if not slug(name) or not re.fullmatch(pattern, base):
                return None
            rid, n = base, 1
            while rid in existing:
                n += 1
                rid = f"{base}-{n}"
            existing.add(rid)
            return rid

        return by_name
    return None


def apply_draft(root: Path | str, source_id: str, *, dry_run: bool = False) -> Applied:
    """Write the draft of `source_id` into the raw tables (nothing with `dry_run`); see the module text."""
    root = Path(root)
    ds = _load(root)
    d: Draft = draft(root, source_id, ds=ds)
    table_of = {ds.file(t): t for t in ds.schemas}
    result = Applied(source_id, dry_run)
    excl = ds.paths.rel(ds.paths.coverage_exclusions)
    result.exclusions = len(d.rows.get(excl, []))

    # the draft ids, and which of them a recorded or longer drafted record stands for
    ids: dict[str, str] = {}
    dropped: set[str] = set()
    for dest, rows in d.rows.items():
        table = table_of.get(dest)
        if table is None or not rows:
            continue
        schema = ds.schemas[table]
        if len(schema.primary_key) != 1:
            continue
        pk = schema.primary_key[0]
        names = [normalise(r.get("name") or "") for r in rows]
        for r, name in zip(rows, names):
            marker = r.get(pk, "")
            if not marker.startswith(FILL + ":") or not name:
                continue
            recorded = _recorded_id(ds, table, name)
            if recorded is not None:
                ids[marker], result.linked[name] = recorded, recorded
                dropped.add(marker)
                continue
            # "Nanning Municipal Bureau" beside "Nanning Municipal Bureau of Commerce": the longer name
            longer = next(
                (o for o, on in zip(rows, names) if on != name and on.startswith(name + " of ")),
                None,
            )
            if longer is not None:
                ids[marker] = longer[pk]
                dropped.add(marker)
        existing = set()
        raw = ds.tables.get(table)
        if raw is not None and pk in raw.strings.columns:
            existing = {v for v in raw.strings[pk].drop_nulls().to_list()}
        make = _id_maker(schema.field(pk).constraints.get("pattern", ""), existing)
        if make is None:
            continue
        for r, name in zip(rows, names):
            marker = r.get(pk, "")
            if marker.startswith(FILL + ":") and marker not in dropped:
                rid = make(name or marker)
                if rid is not None:
                    ids[marker] = rid
    for marker, target in list(ids.items()):  # a drafted name that stands for another drafted one
        while target in ids and target != ids[target]:
            target = ids[target]
        ids[marker] = target

    def resolve(value: str) -> str:
        if value in ids:
            return ids[value]
        if value.startswith(GUESS) and value[len(GUESS) :] in ids:
            return GUESS + ids[value[len(GUESS) :]]
        return value

    for dest, rows in d.rows.items():
        table = table_of.get(dest)
        if table is None or not rows:
            continue
        pk = ds.schemas[table].primary_key[0] if len(ds.schemas[table].primary_key) == 1 else None
        kept = []
        for r in rows:
            if pk is not None and r.get(pk) in dropped:
                continue
            kept.append({k: resolve(v) for k, v in r.items()})
        if kept:
            result.columns[dest], result.rows[dest] = d.columns[dest], kept
    # the citations of records not written: their records are there already (or stand for a longer name)
    cites_dest = ds.file(ds.roles.citations.table) if ds.roles.citations is not None else None
    for dest, rows in result.rows.items():
        if dest == cites_dest:
            unique: dict[tuple, dict[str, str]] = {}
            for r in rows:
                unique.setdefault(tuple(r.values()), r)
            result.rows[dest] = list(unique.values())
    if not dry_run and result.written:
        _write(root, result)
    return result


def _write(root: Path, result: Applied) -> None:
    """Append the rows to their files: every file's new bytes are made first, then each is replaced atomically."""
    base = root.resolve()
    bodies: list[tuple[Path, bytes]] = []
    for dest, rows in result.rows.items():
        path = (root / dest).resolve()
        try:
            path.relative_to(base)
        except ValueError:
            raise ConfigError(f"{dest} leads out of the package {base}: nothing written") from None
        old = path.read_bytes() if path.exists() else b""
        text = old.decode("utf-8-sig") if old else ""
        newline = "\r\n" if "\r\n" in text else "\n"
        header = next(csv.reader(io.StringIO(text)), None) if text else None
        columns = header or result.columns[dest]
        missing = [c for c in result.columns[dest] if c not in columns and any(r.get(c) for r in rows)]
        if missing:
            raise ConfigError(f"{dest} has no column {', '.join(missing)}: add it (see its schema) and apply again")
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=columns, lineterminator=newline, extrasaction="ignore", restval="")
        if not text:
            w.writeheader()
        w.writerows(rows)
        sep = "" if not text or text.endswith(("\n", "\r")) else newline
        bodies.append((path, old + (sep + out.getvalue()).encode("utf-8")))
    for path, body in bodies:
        atomic_write(path, body)

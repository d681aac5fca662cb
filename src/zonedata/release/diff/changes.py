"""Finding of changes between two loaded versions: records matched by each resource's primaryKey with
polars joins (every value compared as the published CSV text), schemas field by field, resources and
package metadata. Each difference that bears on the version number is a `Change`, graded in grading.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

from zonedata.base.findings import ConfigError
from zonedata.release.diff.grading import Change, change, constraint_kind, required_level
from zonedata.release.diff.load import PackageVersion, TableVersion, is_csv_resource, table_name

NEW_SUFFIX = "__new"
#: field properties that change how a value is read: changing one is a major change
PARSING_KEYS = ("format", "trueValues", "falseValues", "decimalChar", "groupChar", "bareNumber", "missingValues")
#: resource properties that say where or how big a file is, not what it means (a move needs no new version)
RESOURCE_LOCATION_KEYS = ("path", "hash", "bytes", "sha256", "schema", "name")
PACKAGE_IGNORED_KEYS = ("version", "resources", "created")
KEYS_SHOWN = 5  # keys named in a change's message before "and N more"


@dataclass
class TableDiff:
    table: str
    key: list[str]  # the fields records are matched on
    old_rows: int
    new_rows: int
    added: pl.DataFrame  # new records, all fields
    removed: pl.DataFrame  # old records, all fields
    changed: pl.DataFrame  # one row per changed value: key fields, field, old, new
    status: str = "changed"  # "added", "removed", "changed", "unchanged"
    #: fields the new version adds: field -> {"filled": records of both versions with a value, "values": {value: count}}
    new_fields: dict = field(default_factory=dict)
    #: list fields of the new version: field -> delimiter (to show which items a changed list gained or lost)
    list_delimiters: dict = field(default_factory=dict)

    @property
    def n_changed(self) -> int:
        return self.changed.select(self.key).unique().height if self.changed.height else 0

    @property
    def is_empty(self) -> bool:
        return not (self.added.height or self.removed.height or self.changed.height)

    def changed_records(self) -> list[dict]:
        """[{"key": {...}, "fields": [{"field", "old", "new"}, ...]}] in key order."""
        out: list[dict] = []
        last = None
        for row in self.changed.iter_rows(named=True):
            key = {k: row[k] for k in self.key}
            if key != last:
                out.append({"key": key, "fields": []})
                last = key
            out[-1]["fields"].append({"field": row["field"], "old": row["old"], "new": row["new"]})
        return out

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "key": self.key,
            "rows": {"old": self.old_rows, "new": self.new_rows},
            "counts": {"added": self.added.height, "removed": self.removed.height, "changed": self.n_changed},
            "added": [{"key": {k: r[k] for k in self.key}, "record": r} for r in self.added.iter_rows(named=True)],
            "removed": [{"key": {k: r[k] for k in self.key}, "record": r} for r in self.removed.iter_rows(named=True)],
            "changed": self.changed_records(),
            "new_fields": self.new_fields,
        }


@dataclass
class PackageDiff:
    old: PackageVersion
    new: PackageVersion
    tables: dict[str, TableDiff]
    schema_changes: list[Change]  # resources, fields, constraints, keys, descriptive metadata
    record_changes: list[Change]  # records added, removed, changed (one per table and kind)

    @property
    def changes(self) -> list[Change]:
        return self.schema_changes + self.record_changes

    @property
    def required_level(self) -> str:
        """The smallest bump these changes allow: "major", "minor", "patch" or "none"."""
        return required_level(self.changes)

    def reasons(self, level: str) -> list[Change]:
        return [c for c in self.changes if c.level == level]

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def to_dict(self) -> dict:
        """The stable JSON shape of `zonedata diff --format json` (see README, "Releases and citation")."""
        return {
            "old": {"label": self.old.label, "version": self.old.version},
            "new": {"label": self.new.label, "version": self.new.version},
            "required_bump": self.required_level,
            "summary": {
                name: {
                    "added": t.added.height,
                    "removed": t.removed.height,
                    "changed": t.n_changed,
                    "rows_old": t.old_rows,
                    "rows_new": t.new_rows,
                }
                for name, t in self.tables.items()
            },
            "tables": {name: t.to_dict() for name, t in self.tables.items()},
            "schema_changes": [c.to_dict() for c in self.schema_changes],
            "changes": [c.to_dict() for c in self.changes],
        }


#: a key value longer than this is cut in summaries (a citation's key holds its whole quote);
#: the records themselves are listed in full
KEY_CHARS_SHOWN = 48


def _short(value: str) -> str:
    return value if len(value) <= KEY_CHARS_SHOWN else value[: KEY_CHARS_SHOWN - 1].rstrip() + "…"


def _keys_text(frame: pl.DataFrame, key: list[str]) -> str:
    if not key:
        return "no field in common with the other version to match records by"
    keys = frame.select(key).unique(maintain_order=True)
    shown = [", ".join(_short(str(v)) for v in row) for row in keys.head(KEYS_SHOWN).iter_rows()]
    more = f" and {keys.height - KEYS_SHOWN} more" if keys.height > KEYS_SHOWN else ""
    return "; ".join(shown) + more


def _fields(schema: dict) -> dict[str, dict]:
    return {f["name"]: f for f in schema.get("fields", []) if isinstance(f, dict) and "name" in f}


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _constraint_changes(table: str, name: str, old: dict, new: dict) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new)):
        o, n = old.get(key), new.get(key)
        if o == n:
            continue
        kind = constraint_kind(key, o, n)
        what = f"constraint {key}: {json.dumps(o)} -> {json.dumps(n)}"
        note = {"metadata-changed": "same values allowed", "constraint-tightened": "tightened"}.get(kind, "loosened")
        changes.append(change(kind, table, name, f"{what} ({note})"))
    return changes


def _detect_renames(old: TableVersion, new: TableVersion, removed: list[str], added: list[str]) -> dict[str, str]:
    """old name -> new name for a field that vanished and reappeared under another name with the same type, and
    either the same position in the schema or the same values in every record both versions hold."""
    pk = new.primary_key
    if (
        not removed
        or not added
        or not pk
        or pk != old.primary_key
        or not set(pk) <= set(old.frame.columns) & set(new.frame.columns)
    ):
        return {}
    ofields, nfields = _fields(old.schema), _fields(new.schema)
    opos, npos = {n: i for i, n in enumerate(ofields)}, {n: i for i, n in enumerate(nfields)}
    # a key column is matched on, never compared (a schema may drop a key field its CSV still has)
    both = old.frame.select(pk + [c for c in removed if c in old.frame.columns and c not in pk]).join(
        new.frame.select(pk + [c for c in added if c in new.frame.columns and c not in pk]),
        on=pk,
        how="inner",
        suffix=NEW_SUFFIX,
        nulls_equal=True,
    )
    renames: dict[str, str] = {}
    for o in removed:
        for n in added:
            if n in renames.values() or ofields[o].get("type", "string") != nfields[n].get("type", "string"):
                continue
            same_values = (
                not both.is_empty()
                and o in both.columns
                and n in both.columns
                and both.select(pl.col(o).eq_missing(pl.col(n)).all()).item()
            )
            if same_values or opos[o] == npos[n]:
                renames[o] = n
                break
    return renames


def compare_schemas(table: str, old: dict, new: dict, renames: dict[str, str] | None = None) -> list[Change]:
    """Schema changes of one table, each with its level (see the module docstring)."""
    renames = renames or {}
    ofields, nfields = _fields(old), _fields(new)
    changes: list[Change] = []
    for o, n in renames.items():
        changes.append(change("field-renamed", table, n, f"field {o!r} renamed to {n!r}"))
    for name in ofields:
        if name not in nfields and name not in renames:
            changes.append(change("field-removed", table, name, f"field {name!r} removed"))
    for name in nfields:
        if name not in ofields and name not in renames.values():
            changes.append(
                change(
                    "field-added",
                    table,
                    name,
                    f"field {name!r} added (a new column breaks readers that rely on column positions)",
                )
            )
    pairs = [(o, renames.get(o, o)) for o in ofields if renames.get(o, o) in nfields]
    old_order = [n for _, n in pairs]
    new_order = [n for n in nfields if n in set(old_order)]
    if old_order != new_order:
        changes.append(
            change(
                "fields-reordered",
                table,
                None,
                f"fields re-ordered: {', '.join(old_order)} -> {', '.join(new_order)}",
            )
        )
    for o, n in pairs:
        fo, fn = ofields[o], nfields[n]
        if fo.get("type", "string") != fn.get("type", "string"):
            changes.append(
                change("field-retyped", table, n, f"type {fo.get('type', 'string')} -> {fn.get('type', 'string')}")
            )
        for key in PARSING_KEYS:
            if fo.get(key) != fn.get(key):
                changes.append(
                    change(
                        "field-format-changed",
                        table,
                        n,
                        f"{key}: {json.dumps(fo.get(key))} -> {json.dumps(fn.get(key))}",
                    )
                )
        changes.extend(_constraint_changes(table, n, fo.get("constraints", {}), fn.get("constraints", {})))
        described = sorted(
            k
            for k in set(fo) | set(fn)
            if k not in ("name", "type", "constraints", *PARSING_KEYS) and fo.get(k) != fn.get(k)
        )
        if described:
            changes.append(change("metadata-changed", table, n, f"{', '.join(described)} changed"))

    def renamed(names) -> list[str]:
        return [renames.get(x, x) for x in _as_list(names)]

    if renamed(old.get("primaryKey")) != _as_list(new.get("primaryKey")):
        changes.append(
            change(
                "primary-key-changed",
                table,
                None,
                f"primary key {_as_list(old.get('primaryKey'))} -> {_as_list(new.get('primaryKey'))}",
            )
        )
    for key, kind in (("foreignKeys", "foreign-key"), ("uniqueKeys", "unique-key")):

        def canon(keys, rename, key=key):
            out = set()
            for k in keys or []:
                if key == "foreignKeys" and isinstance(k, dict):
                    k = {**k, "fields": rename(k.get("fields"))}
                else:
                    k = rename(k)
                out.add(json.dumps(k, sort_keys=True))
            return out

        o, n = canon(old.get(key), renamed), canon(new.get(key), _as_list)
        for k in sorted(n - o):
            changes.append(change(f"{kind}-added", table, None, f"{key} added: {k}"))
        for k in sorted(o - n):
            changes.append(change(f"{kind}-removed", table, None, f"{key} removed: {k}"))
    if old.get("missingValues") != new.get("missingValues"):
        changes.append(
            change(
                "field-format-changed",
                table,
                None,
                f"missingValues: {json.dumps(old.get('missingValues'))} -> {json.dumps(new.get('missingValues'))}",
            )
        )
    described = sorted(
        k
        for k in set(old) | set(new)
        if k not in ("fields", "primaryKey", "foreignKeys", "uniqueKeys", "missingValues") and old.get(k) != new.get(k)
    )
    if described:
        changes.append(change("metadata-changed", table, None, f"schema {', '.join(described)} changed"))
    return changes


def _empty_changes(key: list[str]) -> pl.DataFrame:
    return pl.DataFrame(schema={**{k: pl.String for k in key}, "field": pl.String, "old": pl.String, "new": pl.String})


def diff_records(
    old: TableVersion | None, new: TableVersion | None, renames: dict[str, str] | None = None
) -> TableDiff:
    """Added, removed and changed records of one table, matched by primary key (vectorised joins)."""
    renames = renames or {}
    if old is None or new is None:
        t = new or old
        assert t is not None, "diff_records needs at least one version of the table"
        key = [k for k in t.primary_key if k in t.frame.columns] or list(t.frame.columns)
        frame = t.frame.sort(key)
        empty = frame.clear()
        return TableDiff(
            t.name,
            key,
            0 if old is None else frame.height,
            0 if new is None else frame.height,
            added=frame if old is None else empty,
            removed=frame if new is None else empty,
            changed=_empty_changes(key),
            status="added" if old is None else "removed",
        )
    applied = {a: b for a, b in renames.items() if a in old.frame.columns}  # a renamed field the CSV really has
    o = old.frame.rename(applied)
    n = new.frame
    key = new.primary_key
    if not key or not set(key) <= set(o.columns) & set(n.columns):
        key = old.primary_key if old.primary_key and set(old.primary_key) <= set(o.columns) & set(n.columns) else []
    whole_rows = not key
    if whole_rows:  # no usable primary key: a record is all its common fields, so records are only added or removed
        key = [c for c in n.columns if c in o.columns]
    if not key:  # no field in common (every field renamed): nothing to match records by
        return TableDiff(
            new.name,
            [],
            old.frame.height,
            new.frame.height,
            added=n,
            removed=old.frame,
            changed=_empty_changes([]),
            status="unchanged" if not (n.height or old.frame.height) else "changed",
        )
    for label, frame in (("old", o), ("new", n)):
        if not whole_rows and frame.select(pl.struct(key).is_duplicated().any()).item():
            raise ConfigError(
                f"{new.name}: the {label} version has duplicate primary keys {key}: it is not a valid package"
            )
    added = n.join(o.select(key), on=key, how="anti", nulls_equal=True).sort(key)
    back = {b: a for a, b in applied.items()}
    removed = (
        o.join(n.select(key), on=key, how="anti", nulls_equal=True).rename(back).sort([back.get(k, k) for k in key])
    )
    common = [c for c in n.columns if c in o.columns and c not in key]
    if whole_rows or not common:
        changed = _empty_changes(key)
    else:
        both = o.select(key + common).join(
            n.select(key + common), on=key, how="inner", suffix=NEW_SUFFIX, nulls_equal=True
        )
        pieces = [
            both.filter(~pl.col(c).eq_missing(pl.col(c + NEW_SUFFIX))).select(
                *key,
                pl.lit(c).alias("field"),
                pl.col(c).alias("old"),
                pl.col(c + NEW_SUFFIX).alias("new"),
                pl.lit(i).alias("__order"),
            )
            for i, c in enumerate(common)
        ]
        changed = pl.concat(pieces).sort([*key, "__order"]).drop("__order")
    diff = TableDiff(new.name, key, old.frame.height, new.frame.height, added, removed, changed)
    diff.status = "unchanged" if diff.is_empty else "changed"
    diff.list_delimiters = _list_delimiters(new.schema)
    if not whole_rows:
        kept = n.join(o.select(key), on=key, how="semi", nulls_equal=True)
        diff.new_fields = _new_field_values(kept, [c for c in n.columns if c not in o.columns])
    return diff


#: a new field with more distinct values than this is summarised by how many records fill it
VALUES_SHOWN = 8


def _new_field_values(kept: pl.DataFrame, fields: list[str]) -> dict:
    """What a field the new version adds holds in the records both versions have: a reviewer sees
    "status: under_construction 8, unknown 11" rather than nothing (the records are not 'changed')."""
    out = {}
    for f in fields:
        counts = kept.select(pl.col(f).drop_nulls().value_counts(sort=True)).unnest(f) if kept.height else None
        filled = int(kept[f].is_not_null().sum())
        values = {}
        if counts is not None and 0 < counts.height <= VALUES_SHOWN:
            values = {str(v): int(c) for v, c in counts.sort(["count", f], descending=[True, False]).iter_rows()}
        out[f] = {"filled": filled, "records": kept.height, "values": values}
    return out


def _list_delimiters(schema: dict) -> dict:
    # a descriptor read from an archive may hold anything: a delimiter that is not usable text is ignored
    delimiters = {name: f.get("delimiter", ",") for name, f in _fields(schema).items() if f.get("type") == "list"}
    return {name: d for name, d in delimiters.items() if isinstance(d, str) and d}


def _record_changes(t: TableDiff) -> list[Change]:
    changes = []
    if t.status == "added":
        return [change("resource-added", t.table, None, f"new table with {t.added.height} record(s)")]
    if t.status == "removed":
        return [change("resource-removed", t.table, None, f"table removed ({t.removed.height} record(s))")]
    if t.added.height:
        changes.append(
            change(
                "records-added",
                t.table,
                None,
                f"{t.added.height} record(s) added ({_keys_text(t.added, t.key)})",
            )
        )
    if t.removed.height:
        changes.append(
            change(
                "records-removed",
                t.table,
                None,
                f"{t.removed.height} record(s) removed ({_keys_text(t.removed, t.key)}): their identifiers "
                "disappear for everyone who references them",
            )
        )
    if t.changed.height:
        fields = ", ".join(t.changed["field"].unique(maintain_order=True).to_list())
        changes.append(
            change(
                "records-changed",
                t.table,
                None,
                f"{t.n_changed} record(s) corrected ({_keys_text(t.changed, t.key)}; fields: {fields})",
            )
        )
    return changes


def _describe_resource_changes(old: PackageVersion, new: PackageVersion, tables: set[str]) -> list[Change]:
    changes = []
    oldr, newr = old.resources, new.resources
    for name in sorted(set(oldr) - set(newr)):
        if table_name(oldr[name]) not in tables or not is_csv_resource(oldr[name]):
            changes.append(change("resource-removed", None, None, f"resource {name!r} removed"))
    for name in sorted(set(newr) - set(oldr)):
        if table_name(newr[name]) not in tables or not is_csv_resource(newr[name]):
            changes.append(change("resource-added", None, None, f"resource {name!r} added"))
    for name in sorted(set(oldr) & set(newr)):
        described = sorted(
            k
            for k in set(oldr[name]) | set(newr[name])
            if k not in RESOURCE_LOCATION_KEYS and oldr[name].get(k) != newr[name].get(k)
        )
        if described:
            changes.append(change("metadata-changed", None, None, f"resource {name!r}: {', '.join(described)} changed"))
    for key in ("name", "id"):
        if old.descriptor.get(key) != new.descriptor.get(key):
            changes.append(
                change(
                    "package-renamed",
                    None,
                    None,
                    f"package {key} {old.descriptor.get(key)!r} -> {new.descriptor.get(key)!r}",
                )
            )
    described = sorted(
        k
        for k in set(old.descriptor) | set(new.descriptor)
        if k not in (*PACKAGE_IGNORED_KEYS, "name", "id") and old.descriptor.get(k) != new.descriptor.get(k)
    )
    if described:
        changes.append(change("metadata-changed", None, None, f"package {', '.join(described)} changed"))
    return changes


def diff_packages(old: PackageVersion, new: PackageVersion) -> PackageDiff:
    """Every difference between two versions: records per table, schemas, resources, metadata."""
    tables: dict[str, TableDiff] = {}
    schema_changes: list[Change] = []
    for name in sorted(set(old.tables) | set(new.tables)):
        o, n = old.tables.get(name), new.tables.get(name)
        renames: dict[str, str] = {}
        if o is not None and n is not None:
            ofields, nfields = _fields(o.schema), _fields(n.schema)
            renames = _detect_renames(
                o, n, [f for f in ofields if f not in nfields], [f for f in nfields if f not in ofields]
            )
            schema_changes.extend(compare_schemas(name, o.schema, n.schema, renames))
        tables[name] = diff_records(o, n, renames)
    schema_changes.extend(_describe_resource_changes(old, new, set(tables)))
    record_changes = [c for t in tables.values() for c in _record_changes(t)]
    return PackageDiff(old, new, tables, schema_changes, record_changes)

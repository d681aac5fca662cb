"""The Table Schemas in schemas/ are the single source of truth.

From each schema this module derives the specification (pandera's `api/`): the raw CSV's
columns (fields not marked `derived`), the polars dtypes, the keys and references between
tables and zonedata's own properties, parsed once into frozen values. Running it over a table
is loading/schema_pandera.py's work (pandera's `backends/`). Frictionless descriptors are
written from the same files by the build.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from zonedata.base import safe_json
from zonedata.base.findings import LINE, ConfigError, SchemaError
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import KINDS, TYPES, Vocabulary

#: Table Schema type -> the polars dtype a raw column is checked as (base/vocabulary.py)
POLARS_TYPES = {t.name: t.raw for t in TYPES.values()}
#: item types of list fields that zonedata can publish
LIST_ITEM_TYPES = ("string",)
#: the Table Schema v2 default delimiter of a list field
DEFAULT_LIST_DELIMITER = ","
#: field property isoCode: the ISO list a code field's values come from (checked by checks/codes.py)
ISO_CODES = {
    "3166-1": "ISO 3166-1 alpha-2 country",
    "3166-2": "ISO 3166-2 subdivision",
    "4217": "ISO 4217 currency",
}
#: field property vocabulary: the field's enum is the dataset's list of units (or normalised units,
#: currencies, scales, qualifiers, indicators) in metadata/vocabulary/ (base.vocabulary.KINDS)
VOCABULARY_FOLDER = "metadata/vocabulary"
#: zonedata's own schema properties that datapackage.json leaves out (the published schema is the
#: Table Schema of the data; these say how zonedata checks the raw tables)
CHECK_ONLY_TABLE_KEYS = ("periods", "role", "roleFields")
CHECK_ONLY_FIELD_KEYS = ("isoCode", "vocabulary")


def list_items(column: str, delimiter: str) -> pl.Expr:
    """The items of a list field's CSV text (null stays null): the one way text becomes a list."""
    return pl.col(column).str.split(delimiter).alias(column)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    descriptor: dict

    @property
    def constraints(self) -> dict:
        return self.descriptor.get("constraints", {})

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def derived(self) -> bool:
        return bool(self.descriptor.get("derived"))

    @property
    def delimiter(self) -> str:
        """The item separator of a list field's CSV text."""
        return self.descriptor.get("delimiter", DEFAULT_LIST_DELIMITER)

    @property
    def quoted(self) -> bool:
        """Its values are words copied from the text (`"quoted": true`, or `{"when": ...}` for some rows)."""
        return self.descriptor.get("quoted", False) not in (False, None)

    @property
    def quoted_when(self) -> tuple[str, tuple[str, ...]] | None:
        """(field, values): only the rows whose `field` holds one of `values` copy this field's words
        from the text (`"quoted": {"when": {"field": "name_type", "values": ["proper"]}}`: a name is
        the text's only when it is a proper name); None when every row does (or none)."""
        q = self.descriptor.get("quoted")
        if not isinstance(q, dict):
            return None
        return q["when"]["field"], tuple(q["when"]["values"])

    @property
    def iso_code(self) -> str | None:
        """The ISO list of the field's codes (a key of ISO_CODES), when it holds codes."""
        return self.descriptor.get("isoCode")


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    ref_fields: tuple[str, ...]
    #: the reference goes both ways (a twin park's twin names it back): a record pointing at
    #: itself is a cycle, a pair pointing at each other is not (see checks.keys)
    reciprocal: bool = False


@dataclass(frozen=True)
class Period:
    """Two date fields of one record that form a period (schema property `periods`): the start is
    not after the end, and the end is not after the publication of the record's sources unless the
    record looks ahead (its `forward_field` holds one of `forward_values`, e.g. basis planned)."""

    start: str
    end: str
    forward_field: str | None = None
    forward_values: tuple[str, ...] = ()
    #: a raw string field holding the words the text uses for the period ("in 2016", "the first seven
    #: months of this year"): where they state a year, month or day, the dates agree (checks.period_words)
    words: str | None = None


@dataclass(frozen=True)
class PolymorphicKey:
    table_field: str
    id_field: str


@dataclass(frozen=True)
class AcyclicLink:
    """Link rows of a table form no loop: read `source -> target` (two reference fields, each a
    foreign key or the idField of a polymorphic key) for the rows whose `kind_field` is one of
    `kinds` (all rows when there is no kind field). Each kind is a directional relation of its own:
    A part of B and B part of A is a loop, a part of B and B growth rate of A is not (see checks.keys)."""

    source: str
    target: str
    kind_field: str | None = None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkedRecords:
    """Link rows that join two records of one table (schema property `linkedRecords`, see checks.links):
    for a row whose `kind_field` holds a kind of `agree`, the two records have equal values in each of
    that kind's fields (a same_quantity link joins figures of one period and quantity kind); and the two
    records are cited in one paragraph of one source, or the row's `explained_by` field says why not."""

    source: str
    target: str
    table: str
    kind_field: str | None = None
    agree: tuple[tuple[str, tuple[str, ...]], ...] = ()
    explained_by: str | None = None


@dataclass(frozen=True)
class TableSchema:
    name: str
    path: Path
    descriptor: dict
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    polymorphic_keys: tuple[PolymorphicKey, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = field(default=())
    periods: tuple[Period, ...] = ()
    #: pairs of reference fields that must not resolve to the same record (a link from a record to itself)
    distinct_references: tuple[tuple[str, str], ...] = ()
    acyclic_links: tuple[AcyclicLink, ...] = ()
    linked_records: tuple[LinkedRecords, ...] = ()
    #: the role the table plays (schema properties `role` and `roleFields`), if any
    role: Role | None = None

    @property
    def raw_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.derived)

    @property
    def raw_names(self) -> list[str]:
        return [f.name for f in self.raw_fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


#: role -> the fields the engine reads in the table with that role, by their default names (a schema
#: maps its own names to these with `roleFields`); the first group must exist, the second may be absent
ROLE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # the source texts: one row per stored text in seeds/, its hash and metadata
    "sources": (
        ("source_id", "file", "sha256"),
        (
            "date_published",
            "title",
            "publisher",
            "wire",
            "url",
            "date_published_text",
            "date_accessed",
            "language",
            "external_fields",
        ),
    ),
    # the quotes: each supports one record of another table (a polymorphic key) from one source
    "citations": (("record_table", "record_id", "source_id", "quote", "quote_start", "quote_end"), ("note",)),
    # the figures whose numbers are checked against their quotes
    "figures": (
        ("value_text", "value", "scale", "unit", "qualifier"),
        (
            "currency",
            "value_normalised",
            "unit_normalised",
            "period_start",
            "period_end",
            "period_text",
            "period_basis",
        ),
    ),
}
ROLE_HINTS = {
    "sources": "the table of the source texts (one row per file in seeds/, with its sha256)",
    "citations": "the table of quotes (one row per record per verbatim quote from a source)",
    "figures": "the table whose numbers are checked against their quotes (value_text, value, scale, unit, qualifier)",
}


@dataclass(frozen=True)
class Role:
    """The table that plays a role, and its fields by their default names (`ROLE_FIELDS`)."""

    role: str
    table: str
    #: default field name -> this table's field name (every field of the role, mapped or not)
    fields: dict[str, str]

    def __getitem__(self, default: str) -> str:
        """This table's name for the role's field `default` (e.g. figures["value"])."""
        return self.fields[default]

    def canonical(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` (this table's rows) with the role's fields under their default names."""
        rename = {mine: default for default, mine in self.fields.items() if mine != default and mine in frame.columns}
        return frame.rename(rename) if rename else frame

    def own(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`canonical` undone: the role's fields of `frame` under this table's names."""
        rename = {
            default: mine for default, mine in self.fields.items() if mine != default and default in frame.columns
        }
        return frame.rename(rename) if rename else frame


@dataclass(frozen=True)
class Roles:
    """The tables the engine treats specially, found by the `role` property of their schemas.

    A role that no valid schema declares is None (its schema-invalid finding says so)."""

    sources: Role | None = None
    citations: Role | None = None
    figures: Role | None = None

    @property
    def special(self) -> frozenset[str]:
        """The tables that hold the evidence rather than records: the sources' and the citations'."""
        return frozenset(r.table for r in (self.sources, self.citations) if r is not None)

    def of(self, table: str) -> str | None:
        """The role of `table`, if it has one."""
        for r in (self.sources, self.citations, self.figures):
            if r is not None and r.table == table:
                return r.role
        return None

    def table(self, role: str) -> str | None:
        r = getattr(self, role)
        return None if r is None else r.table


def _role(where: str, name: str, descriptor: dict, names: set[str]) -> Role | None:
    """The schema's `role` and `roleFields`, checked; None when it declares no role."""
    role = descriptor.get("role")
    mapping = descriptor.get("roleFields", {})
    if role is None:
        if mapping:
            raise SchemaError(f'{where}: roleFields without a role: add "role" (one of {", ".join(ROLE_FIELDS)})')
        return None
    if not isinstance(role, str) or role not in ROLE_FIELDS:
        raise SchemaError(
            f"{where}: role {json.dumps(role)} is not a role zonedata knows: use one of {', '.join(ROLE_FIELDS)}",
            value=str(role),
        )
    required, optional = ROLE_FIELDS[role]
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise SchemaError(
            f"{where}: roleFields must be an object of default field name -> this table's field name, e.g. "
            f'{{"{required[0]}": "my_{required[0]}"}}, not {json.dumps(mapping)}'
        )
    unknown = sorted(set(mapping) - set(required) - set(optional))
    if unknown:
        raise SchemaError(
            f"{where}: roleFields maps {unknown}, which are not fields of role {role!r} (its fields: "
            f"{', '.join(required + optional)})",
            value=unknown[0],
        )
    fields = {d: mapping.get(d, d) for d in required + optional}
    for default in required + tuple(mapping):
        if fields[default] not in names:
            mapped = default in mapping
            raise SchemaError(
                f"{where}: role {role!r} needs the field {default!r}"
                + (
                    f", which roleFields maps to {fields[default]!r}, a field this table does not have"
                    if mapped
                    else ""
                )
                + f": add a field {fields[default]!r} to this schema, or name this table's field for it in "
                f'"roleFields": {{"{default}": "<field name>"}}',
                field=fields[default],
            )
    return Role(role, name, fields)


def _as_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


#: a date as a Table Schema writes it: YYYY-MM-DD, nothing more (date.fromisoformat also takes 20240501)
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_ISO_DATE = re.compile(ISO_DATE)
#: Table Schema keys whose value must be a list (an object or a string there is a mistake, not "none")
_LIST_KEYS = (
    "foreignKeys",
    "polymorphicKeys",
    "uniqueKeys",
    "missingValues",
    "periods",
    "distinctReferences",
    "acyclicLinks",
    "linkedRecords",
)


def _names(where: str, value, what: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    """A field name or a list of field names (each a non-empty string, none twice); ConfigError otherwise."""
    names = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else None
    if names is None or not all(isinstance(n, str) and n for n in names) or (not names and not allow_empty):
        raise ConfigError(f"{where}: {what} must be a field name or a list of field names, not {json.dumps(value)}")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ConfigError(f"{where}: {what} names {twice} more than once")
    return names


def parse_schema(name: str, path: Path, descriptor: dict, vocabulary: Vocabulary | None = None) -> TableSchema:
    """A TableSchema from a Table Schema descriptor; raises ConfigError when it is unusable. A field with
    `"vocabulary": kind` gets its enum from `vocabulary` (the dataset's metadata/vocabulary/ files).

    Every key zonedata reads is checked for its type here, so no later step meets a malformed one:
    a table's references to other tables are checked by `check_references` once all are parsed."""
    where = f"schemas/{path.name}"
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list) or not descriptor["fields"]:
        raise ConfigError(f"{where}: a Table Schema needs a non-empty 'fields' list")
    for key in _LIST_KEYS:
        if key in descriptor and not isinstance(descriptor[key], list):
            raise ConfigError(f"{where}: {key} must be a list, not {json.dumps(descriptor[key])}")
    missing_values = descriptor.get("missingValues", [])
    if not all(isinstance(v, str) for v in missing_values):
        raise ConfigError(f"{where}: missingValues must be a list of strings")
    fields: list[Field] = []
    invalid = _invalid_patterns(descriptor["fields"])
    for i, f in enumerate(descriptor["fields"]):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f["name"]:
            raise ConfigError(f"{where}: field {i} needs a name (a non-empty string)")
        if any(f["name"] == g.name for g in fields):
            raise ConfigError(f"{where}: field name {f['name']!r} appears twice")
        if f["name"] == LINE:
            raise ConfigError(f"{where}: field name {LINE!r} is reserved (zonedata keeps each record's CSV line in it)")
        ftype = f.get("type", "string")
        if not isinstance(ftype, str) or ftype not in POLARS_TYPES:
            raise ConfigError(f"{where}: field {f['name']!r} has unsupported type {ftype!r}")
        if not isinstance(f.get("constraints", {}), dict):
            raise ConfigError(
                f"{where}: field {f['name']!r}: constraints must be an object, not {json.dumps(f['constraints'])}"
            )
        if not isinstance(f.get("derived", False), bool):
            raise ConfigError(f"{where}: field {f['name']!r}: derived must be true or false")
        if "vocabulary" in f:
            f = _with_vocabulary(path, f, vocabulary)
            # the published schema names the values too (datapackage.json, the data dictionary)
            descriptor = {**descriptor, "fields": [*descriptor["fields"][:i], f, *descriptor["fields"][i + 1 :]]}
        fields.append(Field(f["name"], ftype, f))
        if ftype == "list":
            _check_list(path, fields[-1])
        _check_constraints(path, fields[-1], invalid)
        _check_bounds(path, fields[-1])
        _check_iso_code(path, fields[-1])
    names = {f.name for f in fields}
    for f in fields:
        _check_quoted(where, f, fields)

    def known(cols: tuple[str, ...], what: str) -> tuple[str, ...]:
        missing = [c for c in cols if c not in names]
        if missing:
            raise ConfigError(f"{where}: {what} refers to unknown field(s) {missing}")
        return cols

    if descriptor.get("primaryKey") in (None, [], ""):
        # every check that joins tables or reports duplicates needs a key
        raise ConfigError(f"{where}: a table needs a primaryKey (a field, or a list of fields, unique per record)")
    pk = known(_names(where, descriptor["primaryKey"], "primaryKey"), "primaryKey")
    fks = []
    for i, fk in enumerate(descriptor.get("foreignKeys", [])):
        what = f"foreignKeys[{i}]"
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            raise ConfigError(
                f"{where}: {what} must be an object with fields and a reference object, not {json.dumps(fk)}"
            )
        ref = fk["reference"]
        resource = ref.get("resource", "")
        if not isinstance(resource, str):
            raise ConfigError(f"{where}: {what}: reference.resource must be a table name (empty for this table)")
        local = known(_names(where, fk.get("fields"), f"{what}.fields"), f"{what}.fields")
        remote = _names(where, ref.get("fields"), f"{what}.reference.fields")
        if len(local) != len(remote):
            raise ConfigError(
                f"{where}: {what} pairs {len(local)} field(s) {list(local)} with {len(remote)} reference field(s) "
                f"{list(remote)}: give as many of each"
            )
        if not isinstance(fk.get("reciprocal", False), bool):
            raise ConfigError(f"{where}: {what}: reciprocal must be true or false")
        fks.append(ForeignKey(local, resource or name, remote, bool(fk.get("reciprocal"))))
    polys = []
    for i, p in enumerate(descriptor.get("polymorphicKeys", [])):
        if not isinstance(p, dict) or not all(isinstance(p.get(k), str) for k in ("tableField", "idField")):
            raise ConfigError(
                f"{where}: polymorphicKeys[{i}] must be an object with a tableField and an idField (field names)"
            )
        known((p["tableField"], p["idField"]), f"polymorphicKeys[{i}]")
        polys.append(PolymorphicKey(p["tableField"], p["idField"]))
    uniques = tuple(
        known(_names(where, u, f"uniqueKeys[{i}]"), f"uniqueKeys[{i}]")
        for i, u in enumerate(descriptor.get("uniqueKeys", []))
    )
    periods = tuple(_period(where, i, p, fields) for i, p in enumerate(descriptor.get("periods", [])))
    for i, p in enumerate(periods):
        if any((p.start, p.end) == (q.start, q.end) for q in periods[:i]):
            raise SchemaError(f"{where}: periods[{i}] repeats the period {p.start} to {p.end}: give it once", p.end)
    references = {f for fk in fks if len(fk.fields) == 1 for f in fk.fields} | {p.id_field for p in polys}

    def reference_pair(value, what: str) -> tuple[str, str]:
        pair = _names(where, value, what)
        if len(pair) != 2:
            raise ConfigError(f"{where}: {what} must name two reference fields, not {json.dumps(value)}")
        unknown = [c for c in pair if c not in references]
        if unknown:
            raise ConfigError(
                f"{where}: {what} names {unknown}, which is not a one-field foreign key or the idField of a "
                "polymorphic key of this table"
            )
        return pair[0], pair[1]

    distinct = tuple(
        reference_pair(d, f"distinctReferences[{i}]") for i, d in enumerate(descriptor.get("distinctReferences", []))
    )
    acyclic = []
    for i, a in enumerate(descriptor.get("acyclicLinks", [])):
        what = f"acyclicLinks[{i}]"
        if not isinstance(a, dict):
            raise ConfigError(f"{where}: {what} must be an object with fields [source, target], kindField and kinds")
        source, target = reference_pair(a.get("fields"), f"{what}.fields")
        kind_field = a.get("kindField")
        if kind_field is not None:
            if not isinstance(kind_field, str):
                raise ConfigError(f"{where}: {what}.kindField must be a field name, not {json.dumps(kind_field)}")
            known((kind_field,), f"{what}.kindField")
        kinds = a.get("kinds", [])
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds) or (kind_field and not kinds):
            raise ConfigError(f"{where}: {what}.kinds must be a non-empty list of the kindField's values")
        acyclic.append(AcyclicLink(source, target, kind_field, tuple(kinds)))
    linked = tuple(
        _linked(where, i, d, fields, fks, reference_pair) for i, d in enumerate(descriptor.get("linkedRecords", []))
    )
    return TableSchema(
        name,
        path,
        descriptor,
        tuple(fields),
        pk,
        tuple(fks),
        tuple(polys),
        uniques,
        periods,
        distinct_references=distinct,
        acyclic_links=tuple(acyclic),
        linked_records=linked,
        role=_role(where, name, descriptor, names),
    )


def _linked(where: str, i: int, d, fields: list[Field], fks: list[ForeignKey], reference_pair) -> LinkedRecords:
    """linkedRecords[i]: {"fields": [two one-field foreign keys to one table], "kindField": a field,
    "agree": {kind: [fields of the linked table]}, "explainedBy": a string field}; ConfigError otherwise.
    (That the agree fields exist in the linked table is checked by `check_references`.)"""
    what = f"linkedRecords[{i}]"
    if not isinstance(d, dict) or not set(d) <= {"fields", "kindField", "agree", "explainedBy"}:
        raise ConfigError(f"{where}: {what} must be an object with fields, kindField, agree and explainedBy")
    source, target = reference_pair(d.get("fields"), f"{what}.fields")
    tables = {fk.table for fk in fks if fk.fields in ((source,), (target,))}
    if len(tables) != 1 or sum(fk.fields in ((source,), (target,)) for fk in fks) != 2:
        raise ConfigError(f"{where}: {what}.fields must be two one-field foreign keys to the same table")
    by_name = {f.name: f for f in fields}
    kind_field, explained = d.get("kindField"), d.get("explainedBy")
    for key, name in (("kindField", kind_field), ("explainedBy", explained)):
        if name is not None and (not isinstance(name, str) or name not in by_name or by_name[name].type != "string"):
            raise ConfigError(f"{where}: {what}.{key} {json.dumps(name)} is not a string field of this table")
    agree = d.get("agree", {})
    if not isinstance(agree, dict) or (agree and kind_field is None):
        raise ConfigError(f"{where}: {what}.agree must be an object {{kind: [fields]}}, with a kindField")
    enum = by_name[kind_field].constraints.get("enum") if kind_field else None
    pairs = []
    for kind, names in agree.items():
        if enum is not None and kind not in enum:
            raise ConfigError(f"{where}: {what}.agree names kind {kind!r}, which {kind_field}'s enum lacks")
        pairs.append((kind, _names(where, names, f"{what}.agree[{kind!r}]")))
    return LinkedRecords(source, target, tables.pop(), kind_field, tuple(pairs), explained)


_PERIOD_KEYS = ("start", "end", "forwardLooking", "words")


def _period(where: str, i: int, p, fields: list[Field]) -> Period:
    """periods[i]: {"start": a date field, "end": another, "forwardLooking": {"field": ..., "values": [...]},
    "words": a string field} (forwardLooking and words optional); SchemaError otherwise."""
    what = f"{where}: periods[{i}]"
    example = '{"start": "period_start", "end": "period_end"}'
    if not isinstance(p, dict):
        raise SchemaError(f"{what} must be an object naming two date fields, e.g. {example}, not {json.dumps(p)}")
    unknown = sorted(set(p) - set(_PERIOD_KEYS))
    if unknown:
        raise SchemaError(f"{what} has unknown key(s) {unknown}: a period takes {', '.join(_PERIOD_KEYS)}")
    by_name = {f.name: f for f in fields}
    for key in ("start", "end"):
        name = p.get(key)
        if name is None:
            raise SchemaError(f"{what} has no {key}: a period names two date fields, e.g. {example}")
        if not isinstance(name, str) or name not in by_name:
            raise SchemaError(
                f"{what}: {key} {json.dumps(name)} is not a field of this table: name one of its date fields",
                value=str(name),
            )
        f = by_name[name]
        if f.type != "date" or f.derived:
            kind = "derived" if f.derived else f"of type {f.type}"
            raise SchemaError(
                f"{what}: {key} field {name!r} is {kind}: a period is two raw date fields (type date)", field=name
            )
    if p["start"] == p["end"]:
        raise SchemaError(f"{what}: start and end are both {p['start']!r}: a period needs two fields", field=p["end"])
    words = p.get("words")
    if words is not None and (
        not isinstance(words, str) or words not in by_name or by_name[words].type != "string" or by_name[words].derived
    ):
        raise SchemaError(
            f"{what}: words {json.dumps(words)} is not a raw string field of this table: name the field that holds "
            "the text's words for the period (e.g. period_text)",
            value=str(words),
        )
    if "forwardLooking" not in p:
        return Period(p["start"], p["end"], words=words)
    forward = p["forwardLooking"]
    if (
        not isinstance(forward, dict)
        or set(forward) != {"field", "values"}
        or not isinstance(forward["values"], list)
        or not all(isinstance(v, str) for v in forward["values"])
    ):
        raise SchemaError(
            f"{what}: forwardLooking must be an object with a field and the values of it that mark a record as "
            f'looking ahead, e.g. {{"field": "basis", "values": ["planned"]}}, not {json.dumps(forward)}'
        )
    fwd = forward["field"]
    if not isinstance(fwd, str) or fwd not in by_name or by_name[fwd].type != "string" or by_name[fwd].derived:
        raise SchemaError(
            f"{what}: forwardLooking.field {json.dumps(fwd)} is not a raw string field of this table: name the "
            "field whose values say that a record looks ahead (e.g. basis)",
            value=str(fwd),
        )
    enum = by_name[fwd].constraints.get("enum")
    stray = [v for v in forward["values"] if enum is not None and v not in enum]
    if not forward["values"] or stray:
        raise SchemaError(
            f"{what}: forwardLooking.values must be values of field {fwd!r}"
            + (f", and its enum has no {stray}" if stray else ", and none are given"),
            field=fwd,
        )
    return Period(p["start"], p["end"], fwd, tuple(forward["values"]), words)


def _check_iso_code(path: Path, f: Field) -> None:
    """isoCode names one of the ISO lists checks/codes.py knows, on a string field."""
    if "isoCode" not in f.descriptor:
        return
    where = f"schemas/{path.name}: field {f.name!r}"
    code = f.descriptor["isoCode"]
    if not isinstance(code, str) or code not in ISO_CODES:
        lists = ", ".join(f'"{k}" ({v})' for k, v in ISO_CODES.items())
        raise SchemaError(
            f"{where}: isoCode {json.dumps(code)} is not an ISO list zonedata checks: use {lists}", f.name
        )
    if f.type != "string":
        raise SchemaError(f"{where}: isoCode applies to string fields, and this field is {f.type}", f.name)


def _check_quoted(where: str, f: Field, fields: list[Field]) -> None:
    """`quoted` is true, false, or {"when": {"field": a raw string field of the table, "values": [some of
    its values]}}: anything else would leave the field's words unchecked without a word."""
    q = f.descriptor.get("quoted", False)
    if isinstance(q, bool):
        return
    what = f"{where}: field {f.name!r}: quoted"
    example = '{"when": {"field": "name_type", "values": ["proper"]}}'
    when = q.get("when") if isinstance(q, dict) and set(q) == {"when"} else None
    if not isinstance(when, dict) or set(when) != {"field", "values"}:
        raise SchemaError(f"{what} must be true, false or an object such as {example}, not {json.dumps(q)}", f.name)
    by_name = {g.name: g for g in fields}
    cond, values = when["field"], when["values"]
    g = by_name.get(cond) if isinstance(cond, str) else None
    if g is None or g.derived or g.type != "string" or g.name == f.name:
        raise SchemaError(
            f"{what}: when.field {json.dumps(cond)} is not another raw string field of this table", f.name
        )
    enum = g.constraints.get("enum")
    if (
        not isinstance(values, list)
        or not values
        or not all(isinstance(v, str) for v in values)
        or (enum is not None and not set(values) <= set(enum))
    ):
        raise SchemaError(
            f"{what}: when.values must be a non-empty list of values of {cond!r}"
            + (f" (its enum: {enum})" if enum is not None else ""),
            f.name,
        )


def _with_vocabulary(path: Path, f: dict, vocabulary: Vocabulary | None) -> dict:
    """The field `f` with `"vocabulary": kind` and its enum: the values the dataset's vocabulary lists for
    that kind, in the files' order. A curator adds a unit, currency, qualifier or indicator to its file in
    metadata/vocabulary/, never to the schema, so an enum written in the schema too is refused: two lists
    kept in step by hand drift."""
    where = f"schemas/{path.name}: field {f['name']!r}"
    kind = f["vocabulary"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise SchemaError(
            f"{where}: vocabulary {json.dumps(kind)} is not one of {', '.join(map(repr, KINDS))}", f["name"]
        )
    source = f"{VOCABULARY_FOLDER}/{KINDS[kind]}"
    if f.get("type", "string") != "string":
        raise SchemaError(
            f"{where}: a field with a vocabulary is a string field (its values are listed in {source})", f["name"]
        )
    constraints = f.get("constraints", {})
    if "enum" in constraints:
        raise SchemaError(
            f'{where}: the field\'s values come from {source} ("vocabulary": {json.dumps(kind)}), so it has no enum '
            f"of its own: delete the enum, and add a value as a row of {source}",
            f["name"],
        )
    if vocabulary is None:
        return f  # (read for its shape or roles only: no values are checked with it)
    values = list(vocabulary.values(kind))
    if not values:
        raise SchemaError(
            f"{where}: {source} lists no {kind} values, so no value of this field could pass: add its rows", f["name"]
        )
    return {**f, "constraints": {**constraints, "enum": values}}


def check_references(schemas: dict[str, TableSchema], named: Collection[str]) -> dict[str, str]:
    """Table -> why its foreign keys cannot be checked: a reference to a table that has no schema (of
    the tables `named`) or to fields that table lacks. A table whose schema is itself invalid (named,
    but not in `schemas`) has its own finding, so keys to it are not reported twice."""
    problems = {}
    for name, schema in schemas.items():
        for i, link in enumerate(schema.linked_records):
            target = schemas.get(link.table)
            have = set() if target is None else {f.name for f in target.fields}
            missing = sorted({c for _, cols in link.agree for c in cols} - have) if target is not None else []
            if missing:
                problems[name] = (
                    f"schemas/{schema.path.name}: linkedRecords[{i}].agree names field(s) {missing}, which table "
                    f"{link.table!r} does not have"
                )
        for i, fk in enumerate(schema.foreign_keys):
            where = f"schemas/{schema.path.name}: foreignKeys[{i}]"
            if fk.table not in named:
                problems[name] = (
                    f"{where} points at table {fk.table!r}, which has no schema (tables: "
                    f"{', '.join(sorted(named))}): fix reference.resource"
                )
                break
            target = schemas.get(fk.table)
            missing = [] if target is None else [c for c in fk.ref_fields if c not in {f.name for f in target.fields}]
            if missing:
                problems[name] = (
                    f"{where} points at field(s) {missing}, which table {fk.table!r} does not have: fix reference.fields"
                )
                break
    return problems


def _regex(pattern: str) -> str:
    """A field's pattern as polars runs it: the whole cell must match."""
    return rf"^(?:{pattern})$"


def _invalid_patterns(fields: list) -> dict[str, str]:
    """Each pattern of the `fields` (descriptors) that polars' regular-expression engine, which is not
    Python's, does not compile -> why: one query for all of them, then one per pattern only when that
    query fails."""
    patterns = list(
        dict.fromkeys(
            f["constraints"]["pattern"]
            for f in fields
            if isinstance(f, dict)
            and isinstance(f.get("constraints"), dict)
            and isinstance(f["constraints"].get("pattern"), str)
        )
    )

    def compiles(*patterns: str) -> None:
        pl.select(pl.lit("").str.contains(_regex(p)).alias(str(i)) for i, p in enumerate(patterns))

    try:
        if patterns:
            compiles(*patterns)
        return {}
    except pl.exceptions.PolarsError:
        pass
    invalid = {}
    for pattern in patterns:
        try:
            compiles(pattern)
        except pl.exceptions.PolarsError as exc:
            reason = str(exc).strip().splitlines()
            invalid[pattern] = f" ({reason[-1].strip()})" if reason else ""
    return invalid


def _check_constraints(path: Path, f: Field, invalid: dict[str, str]) -> None:
    """The constraints zonedata checks have the type Table Schema gives them; a pattern compiles in the
    regular-expression engine that will run it (`invalid`: the schema's patterns that do not, and why)."""
    c = f.constraints
    where = f"schemas/{path.name}: field {f.name!r}"
    for key in ("required", "unique"):
        if key in c and not isinstance(c[key], bool):
            raise ConfigError(f"{where}: {key} must be true or false, not {json.dumps(c[key])}")
    if "enum" in c:
        enum = c["enum"]
        if not isinstance(enum, list) or not enum or not all(_of_type(f.type, v) for v in enum):
            wanted = "dates as YYYY-MM-DD" if f.type == "date" else f"{f.type} values"
            raise ConfigError(f"{where}: enum must be a non-empty list of {wanted}, not {json.dumps(enum)}")
    for key, types in (("pattern", ("string",)), ("minLength", ("string", "list")), ("maxLength", ("string", "list"))):
        if key in c and f.type not in types:
            raise ConfigError(
                f"{where}: {key} applies to {' and '.join(types)} fields only, and this field is {f.type}"
            )
    if "pattern" in c:
        if not isinstance(c["pattern"], str):
            raise ConfigError(
                f"{where}: pattern must be a regular expression (a string), not {json.dumps(c['pattern'])}"
            )
        if c["pattern"] in invalid:
            raise ConfigError(
                f"{where}: pattern {c['pattern']!r} is not a valid regular expression" + invalid[c["pattern"]]
            )


def _of_type(ftype: str, value) -> bool:
    """Whether a JSON value (of an enum) is a value of a field of type `ftype`."""
    if ftype == "string":
        return isinstance(value, str)
    if ftype == "date":
        return isinstance(value, str) and bool(_ISO_DATE.match(value)) and _is_date(value)
    if ftype == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if ftype == "integer":
        return isinstance(value, int) and -(2**63) <= value < 2**63
    return isinstance(value, (int, float)) and math.isfinite(value)


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_list(path: Path, f: Field) -> None:
    """A list field needs a usable delimiter and an item type zonedata can publish."""
    where = f"schemas/{path.name}: field {f.name!r}"
    delimiter, item_type = f.descriptor.get("delimiter", DEFAULT_LIST_DELIMITER), f.descriptor.get("itemType", "string")
    if (
        not isinstance(delimiter, str)
        or not delimiter.strip()
        or delimiter != delimiter.lstrip()
        or "\n" in delimiter
        or '"' in delimiter
    ):
        raise ConfigError(
            f"{where}: delimiter {delimiter!r} must be a non-blank character sequence that starts with a "
            "visible character, without quotes or line breaks (e.g. ',' or '; ')"
        )
    if item_type not in LIST_ITEM_TYPES:
        raise ConfigError(
            f"{where}: itemType {item_type!r} is not supported for lists (use {', '.join(LIST_ITEM_TYPES)})"
        )
    if (
        "enum" in f.constraints
        or "pattern" in f.constraints
        or "minimum" in f.constraints
        or "maximum" in f.constraints
    ):
        raise ConfigError(
            f"{where}: a list field takes only required, minLength and maxLength (the number of items) "
            "as constraints (Table Schema v2)"
        )


def _check_bounds(path: Path, f: Field) -> None:
    """minimum/maximum must be of the field's kind (a finite number; an ISO date YYYY-MM-DD for a
    date field) and in order, and minLength/maxLength whole numbers, not negative, in order: else no
    value could be checked against them."""
    c = f.constraints
    where = f"schemas/{path.name}: field {f.name!r}"
    for lo_key, hi_key, kind in (
        ("minimum", "maximum", "date" if f.type == "date" else "number"),
        ("minLength", "maxLength", "length"),
    ):
        bounds: dict[str, Any] = {}
        for key in (lo_key, hi_key):
            if key not in c:
                continue
            value = c[key]
            try:
                if kind == "date":
                    if not isinstance(value, str) or not _ISO_DATE.match(value):
                        raise ValueError
                    bounds[key] = date.fromisoformat(value)
                elif (
                    isinstance(value, bool)
                    or not isinstance(value, int if kind == "length" else (int, float))
                    or (isinstance(value, float) and not math.isfinite(value))
                    or (kind == "length" and value < 0)
                    or (isinstance(value, int) and not -(2**63) <= value < 2**63)
                ):
                    raise TypeError
                else:
                    bounds[key] = value
            except (TypeError, ValueError):
                wanted = {
                    "date": "a date as YYYY-MM-DD",
                    "number": "a finite number",
                    "length": "a whole number, 0 or more",
                }[kind]
                raise ConfigError(f"{where}: {key} {json.dumps(value)} is not {wanted}") from None
        if len(bounds) == 2 and bounds[lo_key] > bounds[hi_key]:
            raise ConfigError(
                f"{where}: {lo_key} {c[lo_key]!r} is above {hi_key} {c[hi_key]!r}, so no value could pass"
            )


def load_schema(paths: Paths, table: str, vocabulary: Vocabulary | None = None) -> TableSchema:
    """schemas/<table>.json, its vocabulary fields filled from `vocabulary` (the package's own, read by
    `loading.vocabulary.load_vocabulary`; without one, for a schema's shape or roles only, they have no enum)."""
    path = paths.schema(table)
    try:
        descriptor = safe_json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{paths.rel(path)}: cannot read schema: {exc}") from exc
    return parse_schema(table, path, descriptor, vocabulary)


def schema_names(paths: Paths) -> list[str]:
    """The tables with a schema, alphabetically (`publication_order` puts the sources first)."""
    return sorted(p.stem for p in paths.schemas.glob("*.json"))


def publication_order(names: Collection[str], roles: Roles) -> list[str]:
    """Tables in publication order: the sources first, then the rest alphabetically."""
    return sorted(names, key=lambda n: (n != roles.table("sources"), n))


def find_roles(schemas: dict[str, TableSchema], named: Collection[str]) -> tuple[Roles, list[tuple[str, str]]]:
    """The roles the valid `schemas` declare, and (file, why) for each problem: a role that two tables
    declare (each schema file is told), or a required role no table declares (told at schemas/, since no
    table is known to be meant). A missing role is not reported while a schema of the tables `named` is
    itself invalid: that one may be the table meant, and it has its own finding."""
    problems: list[tuple[str, str]] = []
    found: dict[str, Role] = {}
    complete = set(named) <= set(schemas)
    for role in ROLE_FIELDS:
        holders = [s for s in schemas.values() if s.role is not None and s.role.role == role]
        if len(holders) > 1:
            for s in holders:
                others = ", ".join(f"schemas/{o.path.name}" for o in holders if o is not s)
                problems.append(
                    (
                        f"schemas/{s.path.name}",
                        f'schemas/{s.path.name} declares "role": "{role}", and so does {others}: one table plays '
                        "each role; remove the property from all but one",
                    )
                )
        elif holders and holders[0].role is not None:
            found[role] = holders[0].role
        elif complete:
            problems.append(
                (
                    "schemas",
                    f'no schema declares "role": "{role}", so nothing would be checked as {ROLE_HINTS[role]}: add '
                    f'"role": "{role}" to that table\'s schema in schemas/ (the tables: {", ".join(sorted(named))})',
                )
            )
    return Roles(**found), problems


def load_roles(paths: Paths) -> tuple[Paths, Roles]:
    """The roles of the package at `paths`, and its layout knowing where the sources are (for a command
    that needs them without loading the data); ConfigError when a schema or a role is unusable."""
    named = schema_names(paths)
    schemas = {}
    for name in named:
        try:
            schemas[name] = load_schema(paths, name)
        except ConfigError as exc:
            raise ConfigError(f"{exc}: run `zonedata validate` for every problem") from None
    roles, problems = find_roles(schemas, named)
    if problems:
        raise ConfigError(" ".join(why for _, why in problems))
    return paths.with_sources(roles.table("sources")), roles

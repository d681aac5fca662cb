"""The Table Schemas in schemas/ are the single source of truth.

From each schema this module derives: the raw CSV's columns (fields not marked `derived`),
the polars dtypes, the Pandera schema that checks a raw table, and the references between
tables. Frictionless descriptors are written from the same files by the build.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from zonedata.base import safe_json
from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import TYPES

#: Table Schema type -> the polars dtype a raw column is checked as (base/vocabulary.py)
POLARS_TYPES = {t.name: t.raw for t in TYPES.values()}
#: item types of list fields that zonedata can publish
LIST_ITEM_TYPES = ("string",)
#: the Table Schema v2 default delimiter of a list field
DEFAULT_LIST_DELIMITER = ","


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


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    ref_fields: tuple[str, ...]


@dataclass(frozen=True)
class PolymorphicKey:
    table_field: str
    id_field: str


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


def _as_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def parse_schema(name: str, path: Path, descriptor: dict) -> TableSchema:
    """A TableSchema from a Table Schema descriptor; raises ConfigError when it is unusable."""
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        raise ConfigError(f"schemas/{path.name}: a Table Schema needs a 'fields' list")
    fields = []
    for i, f in enumerate(descriptor["fields"]):
        if not isinstance(f, dict) or "name" not in f:
            raise ConfigError(f"schemas/{path.name}: field {i} has no name")
        ftype = f.get("type", "string")
        if ftype not in POLARS_TYPES:
            raise ConfigError(f"schemas/{path.name}: field {f['name']!r} has unsupported type {ftype!r}")
        fields.append(Field(f["name"], ftype, f))
        if ftype == "list":
            _check_list(path, fields[-1])
        _check_bounds(path, fields[-1])
    names = {f.name for f in fields}
    pk = _as_list(descriptor.get("primaryKey"))
    if not pk:
        # every check that joins tables or reports duplicates needs a key
        raise ConfigError(f"schemas/{path.name}: a table needs a primaryKey (a field, or a list of fields, unique per record)")
    fks = []
    for fk in descriptor.get("foreignKeys", []):
        ref = fk.get("reference", {})
        fks.append(ForeignKey(_as_list(fk.get("fields")), ref.get("resource") or name, _as_list(ref.get("fields"))))
    polys = tuple(
        PolymorphicKey(p["tableField"], p["idField"]) for p in descriptor.get("polymorphicKeys", [])
    )
    uniques = tuple(_as_list(u) for u in descriptor.get("uniqueKeys", []))
    for cols in (pk, *(fk.fields for fk in fks), *uniques):
        missing = [c for c in cols if c not in names]
        if missing:
            raise ConfigError(f"schemas/{path.name}: key refers to unknown field(s) {missing}")
    return TableSchema(name, path, descriptor, tuple(fields), pk, tuple(fks), polys, uniques)


def _check_list(path: Path, f: Field) -> None:
    """A list field needs a usable delimiter and an item type zonedata can publish."""
    where = f"schemas/{path.name}: field {f.name!r}"
    delimiter, item_type = f.descriptor.get("delimiter", DEFAULT_LIST_DELIMITER), f.descriptor.get("itemType", "string")
    if not isinstance(delimiter, str) or not delimiter.strip() or delimiter != delimiter.lstrip() or "\n" in delimiter or '"' in delimiter:
        raise ConfigError(f"{where}: delimiter {delimiter!r} must be a non-blank character sequence that starts with a "
                          "visible character, without quotes or line breaks (e.g. ',' or '; ')")
    if item_type not in LIST_ITEM_TYPES:
        raise ConfigError(f"{where}: itemType {item_type!r} is not supported for lists (use {', '.join(LIST_ITEM_TYPES)})")
    if "enum" in f.constraints or "pattern" in f.constraints or "minimum" in f.constraints or "maximum" in f.constraints:
        raise ConfigError(f"{where}: a list field takes only required, minLength and maxLength (the number of items) "
                          "as constraints (Table Schema v2)")


def _check_bounds(path: Path, f: Field) -> None:
    """minimum/maximum must be of the field's kind (a number; an ISO date for a date field) and in
    order, and minLength/maxLength whole numbers in order: else no value could be checked against them."""
    c = f.constraints
    where = f"schemas/{path.name}: field {f.name!r}"
    for lo_key, hi_key, kind in (("minimum", "maximum", "date" if f.type == "date" else "number"),
                                 ("minLength", "maxLength", "length")):
        bounds: dict[str, Any] = {}
        for key in (lo_key, hi_key):
            if key not in c:
                continue
            value = c[key]
            try:
                if kind == "date":
                    bounds[key] = date.fromisoformat(value)
                elif isinstance(value, bool) or not isinstance(value, int if kind == "length" else (int, float)):
                    raise TypeError
                else:
                    bounds[key] = value
            except (TypeError, ValueError):
                wanted = {"date": "a date as YYYY-MM-DD", "number": "a number", "length": "a whole number"}[kind]
                raise ConfigError(f"{where}: {key} {value!r} is not {wanted}") from None
        if len(bounds) == 2 and bounds[lo_key] > bounds[hi_key]:
            raise ConfigError(f"{where}: {lo_key} {c[lo_key]!r} is above {hi_key} {c[hi_key]!r}, so no value could pass")


def load_schema(paths: Paths, table: str) -> TableSchema:
    path = paths.schema(table)
    try:
        descriptor = safe_json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{paths.rel(path)}: cannot read schema: {exc}") from exc
    return parse_schema(table, path, descriptor)


def schema_names(paths: Paths) -> list[str]:
    """Tables in publication order: sources first, then the rest alphabetically."""
    names = sorted(p.stem for p in paths.schemas.glob("*.json"))
    return sorted(names, key=lambda n: (n != "sources", n))


def to_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def import_pandera():
    """`pandera.polars`, imported when a table is first checked (`zonedata --help` does not need it).

    The runtime environment (`pip install zonedata`) has no pandas, so Pandera registers only its
    polars backend; the test environment adds pandas (frictionless reads Parquet with it).
    """
    import pandera.polars

    return pandera.polars


def _list_checks(pa, f: Field) -> list:
    """The checks of a list field's CSV text: every item non-empty, without surrounding spaces,
    without a stray half of the delimiter ('a;b' where the delimiter is '; ') and not repeated; and
    minLength/maxLength as numbers of items (Table Schema v2)."""
    delimiter = f.delimiter
    stray = delimiter.strip() if delimiter.strip() != delimiter else None

    def items_ok(data):
        items = pl.col(data.key).str.split(delimiter)
        good = (pl.element() != "") & (pl.element() == pl.element().str.strip_chars())
        if stray:
            good = good & ~pl.element().str.contains(stray, literal=True)
        ok = items.list.eval(good).list.all() & (items.list.n_unique() == items.list.len())
        return data.lazyframe.select(ok.fill_null(True))

    checks = [pa.Check(items_ok, name="list_items")]
    lo, hi = f.constraints.get("minLength"), f.constraints.get("maxLength")
    if lo is not None or hi is not None:
        def count_ok(data):
            n = pl.col(data.key).str.split(delimiter).list.len()
            ok = pl.lit(True)
            if lo is not None:
                ok = ok & (n >= lo)
            if hi is not None:
                ok = ok & (n <= hi)
            return data.lazyframe.select(ok.fill_null(True))

        checks.append(pa.Check(count_ok, name="list_length"))
    return checks


def pandera_schema(schema: TableSchema, present: Collection[str] | None = None):
    """The Pandera (polars backend) schema checking a typed raw table: of the fields in `present`
    when given (a missing column is one header finding, not one per row). Imported lazily (see
    `import_pandera`)."""
    pa = import_pandera()

    columns = {}
    for f in schema.raw_fields:
        if present is not None and f.name not in present:
            continue
        c = f.constraints
        checks = []
        if "enum" in c:
            checks.append(pa.Check.isin(list(c["enum"])))
        if "pattern" in c:
            # str_matches anchors only the start, so anchor the end too
            checks.append(pa.Check.str_matches(rf"^(?:{c['pattern']})$"))
        lo, hi = c.get("minimum"), c.get("maximum")
        if f.type == "date":
            lo, hi = to_date(lo), to_date(hi)
        if lo is not None and hi is not None:
            checks.append(pa.Check.in_range(lo, hi))  # one query for both bounds
        elif lo is not None:
            checks.append(pa.Check.ge(lo))
        elif hi is not None:
            checks.append(pa.Check.le(hi))
        if f.type == "list":
            checks += _list_checks(pa, f)
        else:
            if "minLength" in c:
                checks.append(pa.Check.str_length(min_value=c["minLength"]))
            if "maxLength" in c:
                checks.append(pa.Check.str_length(max_value=c["maxLength"]))
        columns[f.name] = pa.Column(
            POLARS_TYPES[f.type],
            nullable=not f.required,
            # a single-field primary key is checked by the keys check (rule primary-key-duplicate)
            unique=bool(c.get("unique")) and schema.primary_key != (f.name,),
            checks=checks,
            coerce=False,
        )
    return pa.DataFrameSchema(columns, strict=False, name=schema.name)

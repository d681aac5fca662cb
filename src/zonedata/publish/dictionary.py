"""The data dictionary (docs/data-dictionary.md), generated from schemas/ by `zonedata build`.

One section per table (sources first) with every field's published type, unit, whether it is
required or computed by the build, its description, allowed values and an example.
"""

from __future__ import annotations

import json

from zonedata.base.paths import Paths
from zonedata.base.vocabulary import DECIMAL_SCALE, TYPES
from zonedata.loading.schema import TableSchema

#: Table Schema type -> how it is published (Parquet / CSV), from base/vocabulary.py
TYPE_NOTES = {t.name: (t.parquet, t.csv) for t in TYPES.values()}


def _cell(value) -> str:
    """A Markdown table cell: no line breaks, pipes escaped."""
    if value is None or value == "":
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return " ".join(text.split()).replace("|", "\\|")


def _code_list(values) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _constraints(field) -> str:
    c = field.constraints
    parts = []
    if "enum" in c:
        parts.append("one of " + _code_list(c["enum"]))
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minimum" in c or "maximum" in c:
        parts.append("range " + f"{c.get('minimum', '')}..{c.get('maximum', '')}")
    if c.get("unique"):
        parts.append("unique")
    return "; ".join(parts)


def _table_section(paths: Paths, schema: TableSchema) -> list[str]:
    d = schema.descriptor
    csv = paths.rel(paths.clean_file(schema.name, "csv"))
    parquet = paths.rel(paths.clean_file(schema.name, "parquet"))
    lines = [f"## {schema.name}", ""]
    if d.get("title"):
        lines += [f"**{_cell(d['title'])}.** {_cell(d.get('description', ''))}".rstrip(), ""]
    lines.append(f"Files: `{parquet}`, `{csv}` (resources `{schema.name}-parquet`, `{schema.name}-csv`).")
    if schema.primary_key:
        lines.append(f"Primary key: {_code_list(schema.primary_key)}; rows are sorted by it.")
    for fk in schema.foreign_keys:
        lines.append(
            f"Reference: {_code_list(fk.fields)} → `{fk.table}` ({_code_list(fk.ref_fields)})."
            + (" It goes both ways: the record referenced names this one back." if fk.reciprocal else "")
        )
    for poly in schema.polymorphic_keys:
        lines.append(f"Reference: `{poly.id_field}` is an id in the table named by `{poly.table_field}`.")
    lines += [
        "",
        "| field | type | unit | required | description | allowed values | example |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in schema.fields:
        parquet_type, csv_type = TYPE_NOTES[f.type]
        kind = f.type if parquet_type == f.type else f"{f.type} ({parquet_type})"
        required = "yes" if f.required else ("computed" if f.derived else "")
        description = f.descriptor.get("description", "")
        if f.derived:
            description = f"*Computed by the build.* {description}" if "build" not in description else description
        lines.append(
            "| "
            + " | ".join(
                [
                    f"`{f.name}`",
                    kind,
                    _cell(f.descriptor.get("unit", "")),
                    required,
                    _cell(description),
                    _cell(_constraints(f)),
                    _cell(f.descriptor.get("example", "")),
                ]
            )
            + " |"
        )
    lines.append("")
    return lines


def render_dictionary(paths: Paths, schemas: dict[str, TableSchema]) -> str:
    """The whole dictionary as Markdown (LF line endings, final newline)."""
    lines = [
        "# Data dictionary",
        "",
        "<!-- Generated from schemas/ by `zonedata build`: do not edit by hand. -->",
        "",
        "Every table is published twice with the same schema: as Parquet (typed) and as CSV",
        "(UTF-8, comma-separated, header row, LF line endings, empty cell = missing). Types:",
        "",
        "| schema type | Parquet | CSV |",
        "|---|---|---|",
    ]
    for t, (parquet_type, csv_type) in TYPE_NOTES.items():
        lines.append(f"| {t} | {parquet_type} | {csv_type} |")
    lines += [
        "",
        f"Numbers are exact decimals with {DECIMAL_SCALE} places, never binary floats. Fields marked",
        "*computed* are derived by `zonedata build` and do not appear in `data/raw/`.",
        "",
    ]
    for schema in schemas.values():
        lines += _table_section(paths, schema)
    return "\n".join(lines).rstrip("\n") + "\n"

"""Renaming a package's tables and fields (issue 20, roles not names): `statistics` becomes `figures` and
`citations` becomes `evidence` (files, schema names, foreign keys, polymorphic table values in the data,
record_table values), and two of their fields (`value` to `amount`, `quote` to `passage`) are mapped back with
`roleFields`. The engine finds the sources, the citations and the figures by their schemas' `role`, so validate
reports the same findings on a renamed package, modulo the renamed names: every case of the corpus of broken
inputs asserts it (`corpus_tests(..., renamed=True)` in test_validate_corpus.py), test_roles.py the rest."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from conftest import copy_package
from zonedata.base.findings import Report
from zonedata.validate import validate

#: old table name -> new; (table, old field) -> new field, each mapped back with the schema's roleFields
TABLES = {"statistics": "figures", "citations": "evidence"}
FIELDS = {("statistics", "value"): "amount", ("citations", "quote"): "passage"}
ROLE_OF = {"statistics": "figures", "citations": "citations"}


def cells(name: str) -> re.Pattern:
    """A CSV cell that is exactly `name` (between commas or line ends)."""
    return re.compile(rf"(?<![^,\n]){re.escape(name)}(?=,|\r?\n|\r?$)")


def rename_tables(root: Path) -> None:
    """Rename the tables and fields of `root` (a package, possibly broken by a corpus case) in place."""
    schemas, raw = root / "schemas", root / "data" / "raw"
    # the data: polymorphic table values (record_table, subject_table, ...) in every table, and the headers
    for csv in [*raw.glob("*.csv"), root / "seeds" / "coverage_exclusions.csv"]:
        if not csv.is_file():
            continue
        text = csv.read_bytes().decode("utf-8", errors="surrogateescape")
        for old, new in TABLES.items():
            text = cells(old).sub(new, text)
        table = csv.stem
        if any(t == table for t, _ in FIELDS):
            head, sep, rest = text.partition("\n")
            for (t, old), new in FIELDS.items():
                if t == table:
                    head = cells(old).sub(new, head)
            text = head + sep + rest
        csv.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    # the schemas: resource names in foreign keys, enums of table fields, the renamed fields
    for path in schemas.glob("*.json"):
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        for old, new in TABLES.items():
            text = text.replace(json.dumps(old), json.dumps(new))
        for (t, old), new in FIELDS.items():
            if path.stem == t:
                text = text.replace(json.dumps(old), json.dumps(new))
        try:
            schema = json.loads(text)
        except ValueError:
            schema = None
        if isinstance(schema, dict) and path.stem in ROLE_OF:
            mapped = {old: new for (t, old), new in FIELDS.items() if t == path.stem}
            if schema.get("role") == TABLES.get(ROLE_OF[path.stem]):  # a role's name is no table's: put it back
                schema["role"] = ROLE_OF[path.stem]
            if schema.get("role") == ROLE_OF[path.stem]:
                schema["roleFields"] = {**schema.get("roleFields", {}), **mapped}
            text = json.dumps(schema, indent=2)
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    # the files
    for old, new in TABLES.items():
        for folder, suffix in ((schemas, ".json"), (raw, ".csv")):
            if (folder / f"{old}{suffix}").exists():
                (folder / f"{old}{suffix}").rename(folder / f"{new}{suffix}")


def _renamed(value: str | None) -> str | None:
    """A file or field name of the original package as the renamed package calls it."""
    if value is None:
        return None
    for old, new in TABLES.items():
        value = value.replace(f"/{old}.", f"/{new}.")
    return value


def _field_in(file: str | None, field: str | None) -> str | None:
    """`field` (or each of a key's fields, "a,b") of the original `file` as the renamed package calls it."""
    if field is None or file is None:
        return field
    renamed = {old: new for (t, old), new in FIELDS.items() if file.endswith((f"/{t}.csv", f"/{t}.json"))}
    return ",".join(renamed.get(f, f) for f in field.split(","))


def finding_keys(report: Report, *, renamed: bool) -> Counter:
    """(rule, file, line, field) of every finding of `report`, the original's written in the renamed package's
    names."""
    out: Counter = Counter()
    for f in report.findings:
        if renamed:
            out[(f.rule, f.file, f.line, f.field)] += 1
        else:
            out[(f.rule, _renamed(f.file), f.line, _field_in(f.file, f.field))] += 1
    return out


def assert_renaming_changes_no_finding(root: Path, report: Report) -> None:
    """A copy of the package at `root` (whose `validate(root, publication=False)` is `report`), its tables and
    fields renamed, gets the same findings (rule, file, line, field), modulo the renamed names."""
    renamed = copy_package(root, root.parent / f"{root.name}-renamed")
    rename_tables(renamed)
    assert finding_keys(validate(renamed, publication=False), renamed=True) == finding_keys(report, renamed=False)

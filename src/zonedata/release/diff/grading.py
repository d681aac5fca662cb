"""Grading of the bump: the level each kind of change requires, following the Frictionless
"Data Package Version" recipe (as datacontract-cli's breaking rules grade its changelog):

- major: a resource removed; a field renamed, removed, added, re-ordered, retyped or re-formatted;
  a constraint tightened (required or unique added, enum narrowed, pattern added or changed,
  minimum raised, maximum lowered, a foreign or unique key added); the primary key changed;
  records removed (their identifiers disappear for everyone who references them);
- minor: a resource or records added; a constraint loosened;
- patch: values corrected in existing records; descriptive metadata changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from zonedata.loading.versioning import level_rank

LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength")

#: the breaking rules: each kind of change -> the smallest bump it requires
BUMP_RULES = {
    "resource-removed": "major",
    "field-renamed": "major",
    "field-removed": "major",
    "field-added": "major",
    "fields-reordered": "major",
    "field-retyped": "major",
    "field-format-changed": "major",
    "constraint-tightened": "major",
    "primary-key-changed": "major",
    "foreign-key-added": "major",
    "unique-key-added": "major",
    "records-removed": "major",
    "package-renamed": "major",
    "resource-added": "minor",
    "records-added": "minor",
    "constraint-loosened": "minor",
    "foreign-key-removed": "minor",
    "unique-key-removed": "minor",
    "records-changed": "patch",
    "metadata-changed": "patch",
}


@dataclass(frozen=True)
class Change:
    """One difference that bears on the version number."""

    kind: str  # stable kebab-case code, e.g. "field-renamed", "records-added"
    level: str  # "major", "minor" or "patch"
    table: str | None
    field: str | None
    message: str

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "level": self.level,
            "table": self.table,
            "field": self.field,
            "message": self.message,
        }

    def describe(self) -> str:
        where = self.table + (f".{self.field}" if self.field else "") if self.table else "package"
        return f"{where}: {self.message}"


def change(kind: str, table: str | None, field: str | None, message: str) -> Change:
    """A change of `kind`, graded by the breaking rules."""
    return Change(kind, BUMP_RULES[kind], table, field, message)


def required_level(changes: list[Change]) -> str:
    """The smallest bump these changes allow: "major", "minor", "patch" or "none"."""
    return max((c.level for c in changes), key=level_rank, default="none")


def _tighter(key: str, old, new) -> bool | None:
    """True if changing constraint `key` from old to new (None: absent) restricts values, False if it relaxes them,
    None if it allows exactly the same values."""
    if key in ("required", "unique"):
        return bool(new) and not bool(old) if bool(new) != bool(old) else None
    if key == "enum":
        if old is None or new is None:
            return old is None
        o, n = set(map(json.dumps, old)), set(map(json.dumps, new))
        return None if o == n else not o <= n
    if key in LOWER_BOUNDS + UPPER_BOUNDS:
        if old is None or new is None:
            return old is None
        try:
            return new > old if key in LOWER_BOUNDS else new < old
        except TypeError:
            return True
    if key == "pattern":
        return new is not None  # whether one pattern admits more than another is undecidable here: treat as tighter
    return True  # an unknown constraint that changed: assume it restricts


def constraint_kind(key: str, old, new) -> str:
    """How changing constraint `key` from old to new (None: absent) is graded."""
    tighter = _tighter(key, old, new)
    if tighter is None:
        return "metadata-changed"
    return "constraint-tightened" if tighter else "constraint-loosened"

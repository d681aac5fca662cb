"""One finding model for every check, and the report that collects them.

A finding names a stable kebab-case rule code, its severity, the file and line, the field,
the offending value, and a message that says how to fix it. Text, JSON and GitHub
annotations are three renderings of the same findings (see `render.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"

#: findings shown per rule, file and field; the rest are counted, and the report says "and N more"
MAX_SHOWN = 200

LINE = "__line__"  # the 1-based CSV line a record starts on, kept beside every row (findings cite it)

#: Every rule code a check may emit, with a one-line title (documented in README, pinned by a test).
RULES: dict[str, str] = {
    # 0. confinement
    "path-outside-root": "A path zonedata would read or write leaves the package root (a symlink, an absolute or ../ path)",
    "file-not-regular": "A path zonedata would read is a FIFO, socket or device, not a regular file",
    # 1. sources
    "source-path-outside-seeds": "A source file path leaves seeds/",
    "source-file-missing": "A listed source file does not exist",
    "source-hash-mismatch": "A source file's sha256 differs from the recorded one",
    "source-unlisted": "A text file in seeds/ is not listed in the seeds metadata",
    "source-duplicate": "A text given to add-source is already stored (same sha256)",
    # 2. tables
    "schema-missing": "A raw table has no schema",
    "schema-invalid": "A schema file is not valid JSON or not a usable Table Schema",
    "vocabulary-invalid": "A row of metadata/vocabulary/ cannot be read one way (a spelling given twice, an empty item)",
    "table-missing": "A table that has a schema has no CSV file",
    "table-unreadable": "A table's file exists but cannot be read (a folder, or not readable)",
    "encoding-error": "A file is not valid UTF-8",
    "csv-malformed": "A CSV file cannot be parsed",
    "header-unknown-column": "A column that the schema does not define",
    "header-missing-column": "A column that the schema defines is missing",
    "header-duplicate-column": "A column name appears twice in the header",
    "header-order": "Columns are not in the schema's order",
    "row-ragged": "A row has more or fewer cells than the header",
    "type-error": "A cell cannot be read as the field's type",
    "required-missing": "A required field is empty",
    "enum-violation": "A value is not one of the allowed values",
    "pattern-violation": "A value does not match the field's pattern",
    "list-item-invalid": "A list cell has an empty, repeated or space-padded item, or a stray delimiter",
    "range-violation": "A value is outside the allowed range",
    "unique-violation": "A value that must be unique appears more than once",
    "draft-unfilled": "A cell still holds a draft marker (FILL) that the curator has to fill in",
    "formula-injection": "A text cell starts with =, +, -, @, a tab or a carriage return (spreadsheets run it as a formula)",
    "code-invalid": "A country, subdivision or currency code is not a valid ISO code",
    # 3. keys
    "primary-key-duplicate": "A primary key appears more than once",
    "foreign-key-dangling": "A reference points at a record that does not exist",
    "twin-not-reciprocal": "A twin park does not point back",
    "reference-cycle": "A record leads back to itself through references to its own table (its own parent, twin or series), or directional link rows form a loop (A part of B and B part of A)",
    "self-link": "A row's two references that must differ name the same record (a statistic linked to itself, a relation whose subject is its object)",
    "record-uncited": "A record has no citation",
    # 4. provenance
    "quote-not-found": "A quote does not occur in its source text",
    "quote-ambiguous": "A quote occurs more than once in its source text",
    "value-text-not-in-quote": "The value as written does not occur in the quote",
    "number-not-in-quote": "A number in the record does not appear in its quote",
    "text-not-in-quote": "Words a record takes from its text (a field marked quoted) occur in none of its quotes",
    "number-mismatch": "The recorded number disagrees with the one in the quote",
    "unit-mismatch": "The recorded unit, currency or scale disagrees with the quote",
    "qualifier-mismatch": "The recorded qualifier disagrees with the quote",
    # 5. consistency
    "period-after-publication": "A period ends after its source was published",
    "period-inverted": "A period ends before it starts",
    "source-date-future": "A source's publication date is later than today",
    "source-date-contradicts-dateline": "A source's publication date disagrees with the date its text's dateline states",
    "link-period-mismatch": "A same_quantity link joins figures of different periods or quantity kinds",
    "link-unrelated-passages": "A link joins figures that no paragraph of a source cites together, and its notes do not say why",
    "period-words-disagree": "A period's dates disagree with the year, month or day its words (period_text) state",
    # 6. publication
    "publication-missing": "A published file or the descriptor is missing",
    "publication-stale": "A published file differs from what a build would write now",
    "publication-hash-mismatch": "A published file's bytes or sha256 differ from the descriptor",
    "publication-rows-differ": "A Parquet file does not hold exactly the rows of its CSV twin",
    "version-mismatch": "The version differs between datapackage.json, pyproject.toml, CITATION.cff and .zenodo.json",
    "citation-key-missing": "CITATION.cff lacks a required key",
    "citation-invalid": "CITATION.cff or .zenodo.json cannot be read",
    "release-archive-mismatch": (
        "A release archive is missing, differs from the sha256 or size in releases/releases.json, or does not "
        "hold its version"
    ),
    "release-date-invalid": "A release date in releases/releases.json is not a date, in the future, or out of order",
    "release-interrupted": "A release was killed half way (releases/.release-journal.json): rerun it",
    "changelog-mismatch": "CHANGELOG.md's release entries are not the releases of releases/releases.json",
    # coverage
    "mention-unaccounted": "A number mention in a seed is neither recorded nor excluded",
    "exclusion-stale": "A coverage exclusion's phrase does not occur in its source",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    value: str | None = None
    severity: str = ERROR
    #: the primary key of the record the finding is about (filled for rows of a table after the checks)
    record: str | None = None

    def __post_init__(self):
        if self.rule not in RULES:
            raise ValueError(f"unknown rule code {self.rule!r}")

    def sort_key(self):
        return (self.file or "", self.line or 0, self.field or "", self.rule, self.message)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """All findings of one run, plus counts of what was checked."""

    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def shown(self) -> tuple[list[Finding], list[Omitted]]:
        """The findings to show, in file order, at most `MAX_SHOWN` per rule, file and field (a broken
        column should not flood the report), and how many of each were left out. The one place the
        cap is applied: checks report every finding, and the counts in `to_dict` include them all."""
        counts: dict[tuple, int] = {}
        shown = []
        for f in self.sorted():
            key = (f.rule, f.file, f.field)
            counts[key] = counts.get(key, 0) + 1
            if counts[key] <= MAX_SHOWN:
                shown.append(f)
        omitted = [Omitted(rule, file, fld, n - MAX_SHOWN) for (rule, file, fld), n in counts.items() if n > MAX_SHOWN]
        return shown, omitted

    def to_dict(self) -> dict:
        shown, omitted = self.shown()
        return {
            "valid": self.valid,
            "stats": {"errors": len(self.errors), "warnings": len(self.warnings), **self.stats},
            "findings": [f.to_dict() for f in shown],
            "omitted": [asdict(o) for o in omitted],
        }


@dataclass(frozen=True)
class Omitted:
    """`count` more findings of `rule` in `file` and `field` than the report shows."""

    rule: str
    file: str | None
    field: str | None
    count: int

    def describe(self) -> str:
        where = " ".join(x for x in (self.file, f"[{self.field}]" if self.field else "") if x)
        return f"and {self.count} more {self.rule} finding(s)" + (f" in {where}" if where else "") + " (not shown)"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_text(text: str) -> str:
    """One line of a text report, whatever a value holds: control characters and line separators are written as
    escapes (\\n, \\x1b, \\u2028), so a value with a newline cannot start a line of its own (a fake finding, or a
    `::error` line that a CI runner would take for an annotation) and no escape sequence reaches the terminal."""
    return _CONTROL.sub(
        lambda m: _NAMED.get(m[0]) or (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}"), text
    )


class ConfigError(Exception):
    """A usage or configuration problem (exit 2), as opposed to invalid data (exit 1)."""


class SchemaError(ConfigError):
    """A schema property zonedata cannot use, at one field (`field`, when it is one field's): the
    message says what is wrong and how to fix it (validate reports it as rule schema-invalid)."""

    def __init__(self, message: str, field: str | None = None, value: str | None = None):
        super().__init__(message)
        self.field, self.value = field, value

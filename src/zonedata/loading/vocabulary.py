"""A dataset's words, metadata/vocabulary/*.csv: units, scales, qualifiers, indicators, name patterns.

The files are CSV, like the raw tables curators already edit, so each is read by the project's own
table reader against a Table Schema below (encoding, header, ragged rows, types, required cells,
one row per key) and every problem is a finding with the file and line; then what a schema cannot say
(a spelling given to two units, a qualifier word that is also a scale word, a list with an empty item)
is a `vocabulary-invalid` finding at the row. A list cell holds its items separated by `|`; spellings
are matched ignoring ASCII case. A file that is absent has no rows (a schema field that needs them says
so). The rows become a `Vocabulary` (base/vocabulary.py), which the `Dataset` carries.
"""

from __future__ import annotations

from pathlib import Path

from zonedata.base.findings import LINE, Finding
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import Indicator, NamePattern, Qualifier, Scale, Unit, Vocabulary
from zonedata.loading.schema import parse_schema
from zonedata.loading.tables import RawTable, check_constraints, parse_table

#: the separator of the items of a list cell ("$|us$")
ITEM_SEPARATOR = "|"
#: the mention kinds a unit read from a bare number can name (see text.numbers.KINDS)
BARE_KINDS = ("cardinal", "ordinal", "year")

_SPELLINGS = "Ways texts write it, lower case, separated by |"


def _field(name: str, title: str, description: str, example: str, **constraints) -> dict:
    return {
        "name": name,
        "type": "integer" if constraints.pop("integer", False) else "string",
        "title": title,
        "description": description,
        "example": example,
        **({"constraints": constraints} if constraints else {}),
    }


#: file name (without .csv) -> its Table Schema
SCHEMAS: dict[str, dict] = {
    "units": {
        "title": "Units",
        "description": "The units the number grammar reads, and how recorded figures in them are normalised.",
        "fields": [
            _field("unit", "Unit", "The unit as curators record it (statistics.unit).", "yuan", required=True),
            _field(
                "normalised",
                "Normalised unit",
                "The unit value_normalised is published in; empty: read in quotes, not recorded.",
                "CNY",
            ),
            _field(
                "numerator",
                "Numerator",
                "Exact factor to the normalised unit (empty: 1).",
                "2000",
                integer=True,
                minimum=1,
            ),
            _field("denominator", "Denominator", "Divisor of the factor (empty: 1).", "3", integer=True, minimum=1),
            _field("currency", "Currency", "ISO 4217 code, for money.", "CNY", pattern="[A-Z]{3}"),
            _field("before", "Written before", f"{_SPELLINGS}, written before the number.", "rmb|cny"),
            _field("after", "Written after", f"{_SPELLINGS}, written after the number.", "yuan"),
            _field(
                "kinds",
                "Bare number kinds",
                "For a unit shown by a bare number: the kinds of mention it reads (cardinal, ordinal, year).",
                "cardinal",
                pattern="(cardinal|ordinal|year)([|](cardinal|ordinal|year))*",
            ),
            _field("words", "Words", "For a bare-number unit: value_text must hold one of these words.", "years"),
            _field("description", "Description", "What the unit is.", "Chinese yuan"),
        ],
        "primaryKey": ["unit"],
        "missingValues": [""],
    },
    "scales": {
        "title": "Scales",
        "description": "Scale words and their exact factors.",
        "fields": [
            _field(
                "scale", "Scale", "The scale word as curators record it (statistics.scale).", "billion", required=True
            ),
            _field("factor", "Factor", "Its exact factor.", "1000000000", integer=True, required=True, minimum=2),
            _field("spellings", "Spellings", f"{_SPELLINGS}.", "billion|bn", required=True),
            _field("after_currency", "After a currency", f"{_SPELLINGS}, a scale only right after a currency.", "b"),
        ],
        "primaryKey": ["scale"],
        "missingValues": [""],
    },
    "qualifiers": {
        "title": "Qualifiers",
        "description": "Qualifiers of figures and the words that state them; the one without words is a figure's "
        "qualifier when its quote gives none.",
        "fields": [
            _field(
                "qualifier", "Qualifier", "As curators record it (statistics.qualifier).", "more_than", required=True
            ),
            _field("before", "Written before", f"{_SPELLINGS}, written before the number.", "more than|over"),
            _field("after", "Written after", f"{_SPELLINGS}, written after the figure.", "or more"),
            _field(
                "years",
                "Years",
                "true: a bare number 1900-2100 with this qualifier is read as a year ('around 2015').",
                "true",
                enum=["true", "false"],
            ),
            _field("description", "Description", "What it means.", "above the figure"),
        ],
        "primaryKey": ["qualifier"],
        "missingValues": [""],
    },
    "indicators": {
        "title": "Indicators",
        "description": "What figures measure (statistics.indicator).",
        "fields": [
            _field("indicator", "Indicator", "Its name.", "trade_volume", required=True, pattern="[a-z][a-z0-9_]*"),
            _field("description", "Description", "What it measures.", "total trade volume"),
        ],
        "primaryKey": ["indicator"],
        "missingValues": [""],
    },
    "names": {
        "title": "Name patterns",
        "description": "Head words that end a name, and the table the draft proposes its candidate for.",
        "fields": [
            _field("head", "Head word", "The last word of a name, lower case.", "park", required=True),
            _field("table", "Table", "The table a name with this head goes to.", "parks", required=True),
            _field(
                "lower_case",
                "Lower case",
                "true: names written in lower case end in it too.",
                "true",
                enum=["true", "false"],
            ),
            _field(
                "short",
                "Short",
                "true: in lower case, one word before it makes a name ('the opening ceremony').",
                "false",
                enum=["true", "false"],
            ),
            _field(
                "leads",
                "Leads",
                "true: a name that starts with it goes to the table too.",
                "false",
                enum=["true", "false"],
            ),
        ],
        "primaryKey": ["head"],
        "missingValues": [""],
    },
}


def _items(cell: str | None) -> tuple[str, ...]:
    return () if cell is None else tuple(item.strip().lower() for item in cell.split(ITEM_SEPARATOR))


class _Reader:
    """Reads the files in order and collects their findings."""

    def __init__(self, paths: Paths, constraints: bool):
        self.paths = paths
        self.constraints = constraints
        self.findings: list[Finding] = []
        #: the files as read, for `vocabulary_constraints` when their Pandera checks are left for later
        self.tables: list[RawTable] = []

    def rows(self, name: str) -> tuple[str, list[dict]]:
        """(file, rows) of metadata/vocabulary/<name>.csv: rows with a finding of the reader are left out."""
        path = self.paths.vocabulary_csv(name)
        file = self.paths.rel(path)
        if not (path.exists() or path.is_symlink()):
            return file, []
        schema = parse_schema(f"vocabulary/{name}", Path(f"{name}.csv.schema.json"), SCHEMAS[name])
        table: RawTable = parse_table(self.paths, schema, path)
        if self.constraints:
            check_constraints(table)
        else:
            self.tables.append(table)
        self.findings.extend(table.findings)
        bad = {f.line for f in table.findings}
        if None in bad or not table.read:
            return file, []
        required = [f.name for f in schema.fields if f.required]  # (a row without one has its finding)
        rows = [
            r
            for r in table.strings.iter_rows(named=True)
            if r[LINE] not in bad and all(r[c] is not None for c in required)
        ]
        key = schema.primary_key[0]
        first: dict[str, int] = {}
        for row in rows:
            if row[key] in first:
                self.invalid(
                    file,
                    row,
                    key,
                    row[key],
                    f"{key} {row[key]!r} is already on line {first[row[key]]}: one row per thing, so merge the two",
                )
            first.setdefault(row[key], row[LINE])
        return file, [r for r in rows if first[r[key]] == r[LINE]]

    def invalid(self, file: str, row: dict, field: str, value: str | None, message: str) -> None:
        self.findings.append(
            Finding("vocabulary-invalid", message, file=file, line=row[LINE], field=field, value=value)
        )

    def spellings(self, file: str, row: dict, field: str, seen: dict[str, str], owner: str) -> tuple[str, ...]:
        """The items of a spelling list cell; an empty item, one already taken, or a digit in a word written
        before a number (where the grammar would take it for the number) is a finding."""
        items = _items(row[field])
        for item in items:
            if not item or (field != "after" and any(c.isdigit() for c in item)):
                self.invalid(
                    file,
                    row,
                    field,
                    row[field],
                    f"{field} has an empty item or, before a number, one with a digit ({item!r}): "
                    f"write the words as texts spell them, separated by {ITEM_SEPARATOR}",
                )
            elif item in seen and seen[item] != owner:
                self.invalid(
                    file,
                    row,
                    field,
                    item,
                    f"{item!r} is already a spelling of {seen[item]}: a quote's words must "
                    "read one way, so give it to one row only",
                )
            else:
                seen[item] = owner
        return tuple(i for i in items if i)


def load_vocabulary(paths: Paths) -> tuple[Vocabulary, list[Finding]]:
    """The dataset's `Vocabulary` and the findings of its files (metadata/vocabulary/*.csv)."""
    vocabulary, findings, _tables = read_vocabulary(paths, constraints=True)
    return vocabulary, findings


def vocabulary_constraints(tables: list[RawTable]) -> list[Finding]:
    """The Pandera findings (required, enum, pattern, minimum) of the files `read_vocabulary` left unchecked."""
    findings: list[Finding] = []
    for table in tables:
        before = len(table.findings)
        check_constraints(table)
        findings.extend(table.findings[before:])
    return findings


def read_vocabulary(paths: Paths, *, constraints: bool) -> tuple[Vocabulary, list[Finding], list[RawTable]]:
    """`load_vocabulary`, with the files' Pandera checks left for later (`vocabulary_constraints` on the
    returned tables) unless `constraints`: `load_dataset` builds the grammar first and checks the files once
    Pandera is imported, beside the tables (importing it takes seconds)."""
    r = _Reader(paths, constraints)
    taken: dict[str, str] = {}  # a spelling -> what it already reads as (a unit, scale or qualifier)

    file, rows = r.rows("scales")
    scales = []
    for row in rows:
        who = f"scale {row['scale']} ({file})"
        scales.append(
            Scale(
                row["scale"],
                int(row["factor"]),
                r.spellings(file, row, "spellings", taken, who),
                r.spellings(file, row, "after_currency", {}, who),
            )
        )

    file, rows = r.rows("qualifiers")
    qualifiers = []
    for row in rows:
        who = f"qualifier {row['qualifier']} ({file})"
        before = r.spellings(file, row, "before", taken, who)
        after_taken = {k: v for k, v in taken.items() if v.startswith("qualifier")}
        after = r.spellings(file, row, "after", after_taken, who)
        qualifiers.append(Qualifier(row["qualifier"], before, after, row["years"] == "true"))
    plain = [q for q in qualifiers if not q.before and not q.after]
    if qualifiers and len(plain) != 1:
        r.findings.append(
            Finding(
                "vocabulary-invalid",
                f"{len(plain)} qualifiers have no words ({', '.join(q.name for q in plain) or 'none'}): exactly one "
                "must, the qualifier of a figure whose quote states none (e.g. exact)",
                file=file,
                field="before",
            )
        )

    file, rows = r.rows("units")
    units = []
    before_taken: dict[str, str] = {k: v for k, v in taken.items() if v.startswith("qualifier")}
    for row in rows:
        who = f"unit {row['unit']} ({file})"
        before = r.spellings(file, row, "before", before_taken, who)
        after = r.spellings(file, row, "after", taken, who)
        kinds = _items(row["kinds"])
        if not (before or after or kinds):
            r.invalid(
                file,
                row,
                "after",
                None,
                f"unit {row['unit']!r} has no spelling and no kind: no quote could show "
                "it; give the words texts write before or after the number, or the kind of bare number it reads",
            )
        if row["normalised"] is None and (row["numerator"] or row["denominator"]):
            r.invalid(file, row, "normalised", None, "a factor needs the normalised unit it leads to")
        units.append(
            Unit(
                row["unit"],
                row["normalised"],
                int(row["numerator"] or 1),
                int(row["denominator"] or 1),
                row["currency"],
                before,
                after,
                kinds,
                tuple(w for w in _items(row["words"]) if w),
            )
        )

    file, rows = r.rows("indicators")
    indicators = [Indicator(row["indicator"], row["description"] or "") for row in rows]

    file, rows = r.rows("names")
    names = [
        NamePattern(
            row["head"].lower(),
            row["table"],
            row["lower_case"] == "true",
            row["leads"] == "true",
            row["short"] == "true",
        )
        for row in rows
    ]
    vocabulary = Vocabulary(tuple(units), tuple(scales), tuple(qualifiers), tuple(indicators), tuple(names))
    return vocabulary, r.findings, r.tables

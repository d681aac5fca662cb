"""Reading hand-curated CSV tables: encoding, header, ragged rows, types, Pandera constraints.

Every problem becomes a finding with the CSV line it is on; nothing raises for bad data.
Row work is vectorised polars; the only Python loop is over the findings themselves.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import DECIMAL, DECIMAL_SCALE, TYPES
from zonedata.loading.schema import ISO_DATE, POLARS_TYPES, TableSchema
from zonedata.loading.schema_pandera import constraints_hold, pandera_schema

BOM = b"\xef\xbb\xbf"
_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_CELL_QUOTE = re.compile(r'(?:^|(?<=,))"', re.M)
_CLOSED_CELL = re.compile(r'"(?:[^"]|"")*"(?=,|\r?\n|$)')
#: a header cell that polars and the csv module read alike: no quote, or one pair around a name that holds none
#: (polars keeps a doubled quote "" of a quoted name as two, and reads a stray quote in other ways too)
_HEADER_CELL = re.compile(r'(?:"[^"]*"|[^",]*)(?=,|\Z)')
#: digits a published number holds before its decimal point (Decimal(38, 6): 32)
INTEGER_DIGITS = DECIMAL.precision - DECIMAL_SCALE
#: a plain decimal that the published Decimal(38, 6) holds exactly: casting a text that matches cannot fail
NUMBER_PATTERN = rf"^[+-]?[0-9]{{1,{INTEGER_DIGITS}}}(\.[0-9]{{1,{DECIMAL_SCALE}}})?$"
#: OWASP's CSV-injection characters: a spreadsheet runs a cell starting with one as a formula (white
#: space before =, +, - or @ too: some spreadsheets skip it, and a CR in a cell is read as a line end)
FORMULA_START = r"^(?:[=+\-@\t\r]|\s+[=+\-@])"
#: a cell of nothing but white space, control and invisible format characters (U+200B...) is empty
BLANK = r"^[\s\p{Cc}\p{Cf}]*$"
#: how a cell that is blank or may be a formula starts (an empty cell "" included): a cheap first look
SPECIAL_START = r"^(?:[=+\-@\s\p{Cc}\p{Cf}]|$)"


@dataclass
class RawTable:
    """A raw table as read: `frame` is typed per the schema, with the LINE column.

    `frame` and `strings` always hold every column of the schema, in its order, then LINE: a column
    the CSV lacks (or every column, when the table could not be read) is all null there, named in
    `absent`, and reported once (header-missing-column, table-missing, ...), so a check reads any
    column without a guard. A check that would blame such a null on every row asks `absent` first.
    """

    name: str
    schema: TableSchema
    path: Path
    frame: pl.DataFrame
    findings: list[Finding] = field(default_factory=list)
    #: the same rows as read, every cell a string (exact numbers are parsed from these, never from floats)
    strings: pl.DataFrame = field(default_factory=pl.DataFrame)
    #: the schema's columns the CSV does not have: null-filled in `frame` and `strings`, each reported once
    absent: frozenset[str] = frozenset()
    #: the rows were read (False: a missing, unreadable or unparsable file, whose one finding says so)
    read: bool = True

    @property
    def file(self) -> str:
        return self.path.as_posix()

    def lacks(self, *columns: str) -> bool:
        """Whether the table holds no values for any of `columns`: the CSV lacks it (its values are unknown,
        not empty) or the schema does not declare it. For a check that names fields itself; a check
        driven by the schema's own fields needs no test."""
        return any(c in self.absent or c not in self.frame.columns for c in columns)


def with_absent(table: RawTable, typed: pl.DataFrame, strings: pl.DataFrame, present: list[str]) -> RawTable:
    """Set `table.frame` and `table.strings` to `typed` and `strings` (of the `present` columns and LINE)
    with every other column of the schema added as an all-null column of its type, in schema order."""
    schema = table.schema
    absent = [f for f in schema.raw_fields if f.name not in present]
    if absent:
        order = [*schema.raw_names, LINE]
        typed = typed.with_columns(pl.lit(None, dtype=TYPES[f.type].raw).alias(f.name) for f in absent).select(order)
        strings = strings.with_columns(pl.lit(None, dtype=pl.String).alias(f.name) for f in absent).select(order)
    table.frame, table.strings, table.absent = typed, strings, frozenset(f.name for f in absent)
    table.read = True
    return table


def unread(table: RawTable) -> RawTable:
    """`table` as one that could not be read: no rows, every column of its schema absent."""
    empty = pl.DataFrame({LINE: pl.Series([], dtype=pl.Int64)})
    with_absent(table, empty, empty, [])
    table.read = False
    return table


def _decode(data: bytes, file: str, findings: list[Finding]) -> str:
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.end].hex(" ")
        findings.append(
            Finding(
                "encoding-error",
                f"byte(s) {bad} are not valid UTF-8; save the file as UTF-8 "
                "(in a spreadsheet: 'CSV UTF-8'). Undecodable bytes are shown as U+FFFD below.",
                file=file,
                line=line,
                value=bad,
            )
        )
        text = data.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _record_lines(text: str) -> tuple[list[int], list[int]]:
    """For each CSV record after the header: the physical line it starts on and its cell count.

    Quoted sections are collapsed first, so commas and newlines inside quotes do not count; a
    newline they swallow is marked with a NUL, so a NUL of the file's own is blanked first.
    """
    text = text.replace("\x00", " ")
    if '"' in text:
        collapsed = _QUOTED.sub("Q", text)
        if collapsed.count("\n") != text.count("\n"):
            # a quoted cell holds a newline: keep one marker per swallowed newline to count lines
            collapsed = _QUOTED.sub(lambda m: "Q" + "\x00" * m.group().count("\n"), text)
    else:
        collapsed = text
    lines = pl.Series("l", collapsed.split("\n"), dtype=pl.String)
    if len(lines) and lines[-1] == "":
        lines = lines.head(len(lines) - 1)
    frame = (
        pl.DataFrame({"l": lines})
        .with_columns(
            cells=pl.col("l").str.count_matches(",", literal=True) + 1,
            swallowed=pl.col("l").str.count_matches("\x00", literal=True),
        )
        .with_columns(line=(pl.int_range(1, pl.len() + 1) + pl.col("swallowed").cum_sum().shift(1, fill_value=0)))
    )
    frame = frame.slice(1)  # the header
    return frame["line"].to_list(), frame["cells"].to_list()


#: bytes looked at a time by `_byte_counts` (small enough to stay in the processor's cache)
_CHUNK = 1 << 20


def _byte_counts(data: bytes, offset: int) -> tuple[int, int, int] | None:
    """The newlines, commas and quotes of `data` from `offset` on; None when it has a CR anywhere (which
    `_decode` makes a line end), does not end with a newline, or has a quote that is not where a quoted cell
    has one: its first at a cell's start, its last before a cell's end, others doubled. Then every quote is
    part of a cell polars reads as quoted, and no unquoted cell has one."""
    if len(data) < offset or not data.endswith(b"\n") or b"\r" in data:  # the header's line too
        return None
    return _scan(np, np.frombuffer(data, dtype=np.uint8), offset)


def _scan(np, data, offset: int) -> tuple[int, int, int] | None:
    newlines = commas = 0
    quotes = [np.zeros(0, dtype=np.intp)]
    for start in range(offset, len(data), _CHUNK):
        piece = data[start : start + _CHUNK]
        newlines += int(np.count_nonzero(piece == 10))
        commas += int(np.count_nonzero(piece == 44))
        quotes.append(np.flatnonzero(piece == 34) + start)
    at = np.concatenate(quotes)
    if len(at) % 2:
        return None
    if len(at):
        # the k-th quote opens a quoted section when k is even: after a comma or a newline (a cell's start),
        # or right after the quote before it (a doubled quote); it closes one when k is odd: before a comma
        # or a newline (the file's last byte is one), or right before the next quote
        opening, closing = at[0::2], at[1::2]
        glued = opening[1:] == closing[:-1] + 1
        before, after = data[opening - 1], data[closing + 1]
        start_ok = (before == 44) | (before == 10)
        start_ok[1:] |= glued
        end_ok = (after == 44) | (after == 10)
        end_ok[:-1] |= glued
        if not (start_ok.all() and end_ok.all()):
            return None
    return newlines, commas, len(at)


def _counted(data: bytes) -> tuple[str, pl.DataFrame, set[str]] | None:
    """The header line and polars' parse of the usual file (its bytes `data`), when whole-file counts prove that each line
    after the header is one record with every cell (so `_record_lines` would give lines 2, 3, ... and the
    header's cell count for each); None when they do not or do not apply: then `_record_lines` reads it.
    With them, the columns that have a cell that may be blank or a formula (`SPECIAL_START`), found in the
    same query as the commas inside the cells.

    polars (with ragged lines not truncated) fails on a row with too many cells, so when the file's
    commas are one per cell boundary of every row plus those inside the cells, no row has too few either;
    when its newlines are one per record and it ends with one, no record spans lines. `_byte_counts`
    makes sure every quote is where a quoted cell has it (a quote in an unquoted cell, x"y, is a character
    to polars but opens a quoted section for `_record_lines`). Applies to valid UTF-8 without CR and a
    header without quotes that is not blank.
    """
    end = data.find(b"\n") + 1
    if not end:
        return None
    try:
        header = data[: end - 1].removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not header.strip() or '"' in header or "\ufeff" in header:
        return None
    counts = _byte_counts(data, end)
    if counts is None:
        return None
    newlines, commas, quotes = counts
    newlines, commas, quotes = counts
    try:
        frame = pl.read_csv(
            data,
            infer_schema=False,
            truncate_ragged_lines=False,
            has_header=True,
            raise_if_empty=False,
            new_columns=None,
        )
    except Exception:  # noqa: BLE001  too many cells, a stray quote, invalid UTF-8...: the exact path
        return None
    if newlines != frame.height or frame.width != header.count(",") + 1:
        return None
    # (a comma is inside a cell only in a quoted one: without a quote, none is)
    inside = (
        [pl.sum_horizontal(pl.col(c).str.count_matches(",", literal=True).sum() for c in frame.columns).cast(pl.Int64)]
        if quotes
        else []
    )
    found = (
        frame.select(
            *(pl.col(c).str.contains(SPECIAL_START).any().alias(str(i)) for i, c in enumerate(frame.columns)),
            *(e.alias("inside") for e in inside),
        ).row(0)
        if frame.height
        else ()
    )
    if commas != frame.height * (frame.width - 1) + (found[-1] if inside and found else 0):
        return None
    return header, frame, {c for c, has in zip(frame.columns, found) if has is True}


def _read_csv(source) -> pl.DataFrame:
    return pl.read_csv(
        source, infer_schema=False, truncate_ragged_lines=True, has_header=True, raise_if_empty=False, new_columns=None
    )


def read_table(paths: Paths, schema: TableSchema, path: Path | None = None) -> RawTable:
    """Read, shape-check, type and constraint-check one raw CSV table."""
    return check_constraints(parse_table(paths, schema, path))


def constraints_pass(table: RawTable) -> bool:
    """Whether `check_constraints` would find nothing in `table`: one polars query, no Pandera."""
    present = [c for c in table.schema.raw_names if c not in table.absent]
    return not present or constraints_hold(table.frame, table.schema, present)


def check_constraints(table: RawTable) -> RawTable:
    """Add the Pandera findings to a table `parse_table` read (the last step of `read_table`)."""
    # (none: a table that could not be read, or whose header names no column of the schema: nothing to check)
    present = [c for c in table.schema.raw_names if c not in table.absent]
    if present:
        # a cell that failed its type is null in the typed frame: say so once, not also "required"
        mistyped = {(f.line, f.field) for f in table.findings if f.rule == "type-error"}
        table.findings.extend(
            f
            for f in _constraint_findings(table.frame, table.schema, present, table.file)
            if not (f.rule == "required-missing" and (f.line, f.field) in mistyped)
        )
    return table


def parse_table(paths: Paths, schema: TableSchema, path: Path | None = None) -> RawTable:
    """`read_table` up to the Pandera checks: read, shape-check and type (so others can use the rows sooner)."""
    path = path or paths.raw_csv(schema.name)
    file = paths.rel(path)
    findings: list[Finding] = []
    table = RawTable(schema.name, schema, Path(file), pl.DataFrame(), findings)
    try:
        data = path.read_bytes()  # read once: the counts and polars both read these bytes
    except OSError as exc:
        if path.exists() or path.is_symlink():  # there, but not a readable file: creating it is not the fix
            findings.append(
                Finding(
                    "table-unreadable",
                    f"cannot read {file}: {exc.strerror or exc}; make it a readable CSV file",
                    file=file,
                )
            )
        else:
            findings.append(
                Finding(
                    "table-missing",
                    f"cannot read the table: {exc.strerror}; create {file} with the "
                    "header " + ",".join(schema.raw_names),
                    file=file,
                )
            )
        return unread(table)
    counted = _counted(data)
    parsed = None
    if counted is not None:
        header_line, parsed, maybe_special = counted
        body = data
        # every line after the header is one record with every cell: none is ragged
        lines: pl.Series | list[int] = pl.int_range(2, parsed.height + 2, dtype=pl.Int64, eager=True)
        cells: list[int] = []
    else:
        text = _decode(data, file, findings)
        if not text.strip():
            findings.append(
                Finding(
                    "csv-malformed",
                    "the file is empty; it needs at least the header row " + ",".join(schema.raw_names),
                    file=file,
                    line=1,
                )
            )
            return unread(table)
        header_line = text.split("\n", 1)[0]
        if '"' in header_line and (quoted := _header_quotes(header_line, file)):
            findings.extend(quoted)
            return unread(table)
        body = text.encode("utf-8")
        lines, cells = _record_lines(text)
    del data
    header = next(csv.reader([header_line]))
    expected = schema.raw_names
    seen = set()
    for col in header:
        if col in seen:
            findings.append(
                Finding(
                    "header-duplicate-column",
                    f"column {col!r} appears twice; delete one",
                    file=file,
                    line=1,
                    field=col,
                    value=col,
                )
            )
        seen.add(col)
        if col not in expected:
            hint = f"; did you mean {', '.join(_close(col, expected))}?" if _close(col, expected) else ""
            findings.append(
                Finding(
                    "header-unknown-column",
                    f"column {col!r} is not in {paths.rel(schema.path)}: rename or delete it, or add it to the schema{hint}",
                    file=file,
                    line=1,
                    field=col,
                    value=col,
                )
            )
    for col in expected:
        if col not in seen:
            findings.append(
                Finding(
                    "header-missing-column",
                    f"column {col!r} is missing from the header: add it (may be left empty unless required)",
                    file=file,
                    line=1,
                    field=col,
                )
            )
    present = [c for c in expected if c in seen]
    if not any(f.rule == "header-duplicate-column" for f in findings):
        order = [c for c in header if c in expected]
        if order != present:
            findings.append(
                Finding(
                    "header-order",
                    "columns are not in the schema's order: " + ",".join(expected),
                    file=file,
                    line=1,
                    severity="warning",
                )
            )

    n_header = len(header)
    ragged = (
        pl.DataFrame({"line": pl.Series(lines, dtype=pl.Int64), "cells": pl.Series(cells, dtype=pl.Int64)})
        .filter(pl.col("cells") != n_header)
        .rows()
        if cells
        else []
    )
    for line, n in ragged:
        if n == 1 and n_header > 1:  # may still hold one value: the blank-row filter below keeps such a row
            findings.append(
                Finding(
                    "row-ragged",
                    f"the line is blank or holds a single cell: delete it, or fill in its {n_header} cells",
                    file=file,
                    line=line,
                    value=str(n),
                )
            )
            continue
        findings.append(
            Finding(
                "row-ragged",
                f"the row has {n} cell(s) but the header has {n_header}: "
                "add or remove cells (quote a value that contains a comma)",
                file=file,
                line=line,
                value=str(n),
            )
        )
    # a blank line is one finding (above), not also a record with every required field missing
    blank = [line for line, n in ragged if n == 1] if n_header > 1 else []

    try:
        frame = parsed if parsed is not None else _read_csv(body)
    except Exception as exc:  # polars' parser errors have no common base we can rely on
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        findings.append(_malformed(f"cannot parse the CSV: {reason}", body, file))
        return unread(table)
    if frame.height != len(lines):
        findings.append(_malformed(f"parsed {frame.height} rows from {len(lines)} lines", body, file))
        return unread(table)
    del body  # (the file's bytes: the frame holds its cells)
    # (a header that names none of the schema's columns selects no column: the line numbers still fit)
    # (one chunk per column: polars parses a large file in chunks whose buffers hold spare room, which a copy
    # in one chunk leaves behind; every later query on the columns reads one chunk)
    # (a column empty in every row is made anew as nulls, which cost next to nothing: as parsed, each of its
    # cells costs 16 bytes, polars' string view, ~7 MB a column at 1M, and a large package has many such)
    nulls = frame.null_count().row(0, named=True) if frame.height else {}
    frame = frame.select(
        *(pl.lit(None, dtype=pl.String).alias(c) if nulls.get(c) == frame.height else pl.col(c) for c in present),
        pl.Series(LINE, lines, dtype=pl.Int64),
    ).rechunk()
    if blank:
        frame = frame.filter(
            ~(
                pl.col(LINE).is_in(pl.Series(blank, dtype=pl.Int64).implode())
                & pl.all_horizontal(pl.col(present).is_null())
            )
        )
    # a quoted empty cell ("") reads as "", not null, and a cell of white space only (" ", U+3000) holds
    # nothing either: make them null (a required field is then missing), in the (rare) columns that have one
    # One scan finds the (few) columns with a cell that may be either, by its first character alone: only
    # those are searched for blank cells and formulas.
    special = (
        [c for c in present if c in maybe_special]
        if parsed is not None
        else [
            c
            for c, has in frame.select(pl.col(c).str.contains(SPECIAL_START).any() for c in present)
            .row(0, named=True)
            .items()
            if has
        ]
        if present and frame.height
        else []
    )
    empty = (
        [
            c
            for c, has in frame.select(pl.col(c).str.contains(BLANK).any() for c in special).row(0, named=True).items()
            if has
        ]
        if special
        else []
    )
    if empty:
        frame = frame.with_columns(
            [pl.when(pl.col(c).str.contains(BLANK)).then(None).otherwise(pl.col(c)).alias(c) for c in empty]
        )
    typed, type_findings = _typed(frame, schema, present, file)
    findings.extend(type_findings)
    findings.extend(_formula_findings(typed, schema, special, file))
    return with_absent(table, typed, frame, present)


def _header_quotes(header_line: str, file: str) -> list[Finding]:
    """csv-malformed for each cell of the header line with a quote that is not one of a pair around all of it:
    polars names such a column otherwise than the csv module does (""a is `a` to one, `"` to the other), or
    reads the header on into the next line, so neither name can be trusted."""
    findings = []
    pos, n = 0, 1
    while True:
        cell = _HEADER_CELL.match(header_line, pos)
        if cell is not None:
            end = cell.end()
        else:  # the cell as written: up to the next comma (a quote that would close it is not there)
            end = header_line.find(",", pos)
            end = len(header_line) if end < 0 else end
            written = header_line[pos:end]
            name = written.replace('"', "").replace("\ufeff", "")
            findings.append(
                Finding(
                    "csv-malformed",
                    f"the header's cell {n} holds a quote character ({written!r}), which CSV readers read in "
                    "different ways, so the table is not read: write the column name without quotes"
                    + (f" ({name!r})" if name else ""),
                    file=file,
                    line=1,
                    field=name or None,
                    value=written,
                )
            )
        if end >= len(header_line):
            return findings
        pos, n = end + 1, n + 1


def _malformed(what: str, body: bytes, file: str) -> Finding:
    """csv-malformed, at the line of the first quote that is never closed (when there is one)."""
    line = None
    text = body.decode("utf-8", errors="replace")
    # a quoted cell starts a cell and ends with a quote before a comma or a line end; the first that
    # does not is the one never closed (only this error path scans quoted cells one by one)
    pos = 0
    while (start := _CELL_QUOTE.search(text, pos)) is not None:
        closed = _CLOSED_CELL.match(text, start.start())
        if closed is None:
            line = text.count("\n", 0, start.start()) + 1
            break
        pos = closed.end()
    where = (
        f"; the quote opened on line {line} is never closed: close it, or double a quote inside a value"
        if line
        else "; check for an unclosed quote"
    )
    return Finding("csv-malformed", what + where, file=file, line=line)


def exact_decimal(text: pl.Expr) -> pl.Expr:
    """A number cell as the exact published Decimal(38, 6); null unless it is a plain decimal that
    fits (which `_typed` reports). For the texts that match, the cast cannot fail or round."""
    text = text.str.strip_chars()
    return pl.when(text.str.contains(NUMBER_PATTERN)).then(text.cast(DECIMAL, strict=False)).otherwise(None)


def _close(word: str, options: list[str]) -> list[str]:
    return difflib.get_close_matches(word, options, n=2)


def _typed(frame: pl.DataFrame, schema: TableSchema, present: list[str], file: str):
    findings: list[Finding] = []
    exprs = []
    for name in present:
        f = schema.field(name)
        col = pl.col(name)
        if f.type in ("string", "list"):
            continue
        if f.type == "date":
            # strictly YYYY-MM-DD: the parser alone also takes 2024-2-3, +2024-05-01 and a leading space
            # (and year 0, which polars reads but Python, pandas and frictionless cannot: not a date)
            day = col.str.to_date("%Y-%m-%d", strict=False)
            exprs.append(
                pl.when(col.str.contains(ISO_DATE) & (day.dt.year() >= 1)).then(day).otherwise(None).alias(name)
            )
        elif f.type == "boolean":
            exprs.append(
                col.str.to_lowercase()
                .replace_strict({"true": True, "false": False}, default=None, return_dtype=pl.Boolean)
                .alias(name)
            )
        elif f.type == "number":
            # plain decimals only: no inf, nan, exponents or thousands separators, and at most the
            # six decimal places the published Decimal(38, 6) columns hold (never silently rounded);
            # as strict as dates: a space before or after the number is refused, not trimmed
            exprs.append(
                pl.when(col.str.contains(NUMBER_PATTERN))
                .then(col.cast(pl.Float64, strict=False))
                .otherwise(None)
                .alias(name)
            )
        else:
            # (an integer too: the space is refused, not trimmed; the pattern keeps the cast from trimming it)
            exprs.append(
                pl.when(col.str.contains(r"^\S(.*\S)?$"))
                .then(col.cast(POLARS_TYPES[f.type], strict=False))
                .otherwise(None)
                .alias(name)
            )
    typed = frame.with_columns(exprs) if exprs else frame
    hint = {
        "date": "a date as YYYY-MM-DD",
        "integer": "a whole number such as 2012",
        "number": "a plain decimal number such as 7.5 (no commas, units or exponent; "
        f"at most {INTEGER_DIGITS} digits before the point and {DECIMAL_SCALE} decimal places)",
        "boolean": "true or false",
    }
    checked = [name for name in present if schema.field(name).type not in ("string", "list")]
    # a cell that holds a value its type does not read: one query says which columns have one
    flags: tuple = ()
    if checked and frame.height:
        pairs = pl.DataFrame(
            [s.alias(f"{k}{i}") for i, n in enumerate(checked) for k, s in (("s", frame[n]), ("t", typed[n]))]
        )
        flags = pairs.select(
            (pl.col(f"s{i}").is_not_null() & pl.col(f"t{i}").is_null()).any().alias(str(i)) for i in range(len(checked))
        ).row(0)
    for name, has in zip(checked, flags):
        if not has:
            continue
        failed = frame[name].is_not_null() & typed[name].is_null()
        f = schema.field(name)
        bad = frame.select(LINE, pl.col(name)).filter(failed)
        for line, value in bad.iter_rows():
            spaced = value != value.strip() and value.strip() != ""
            message = (
                f"{value!r} has white space before or after it: delete the space; the cell holds {hint[f.type]} alone"
                if spaced
                else f"{value!r} is not {hint[f.type]}"
            )
            findings.append(Finding("type-error", message, file=file, line=line, field=name, value=value))
    return typed, findings


def _formula_findings(frame: pl.DataFrame, schema: TableSchema, present: list[str], file: str) -> list[Finding]:
    strings = [c for c in present if schema.field(c).type in ("string", "list")]
    if not strings or frame.is_empty():
        return []
    # only the (rare) rows with such a cell are unpivoted
    hit = frame.select(pl.any_horizontal(pl.col(c).str.contains(FORMULA_START) for c in strings).fill_null(False))
    if not hit.to_series().any():
        return []
    long = (
        frame.filter(hit.to_series())
        .select(LINE, *strings)
        .unpivot(index=LINE, variable_name="field", value_name="value")
        .filter(pl.col("value").str.contains(FORMULA_START))
        .sort(LINE, "field")
    )
    return [
        Finding(
            "formula-injection",
            "the cell starts with =, +, -, @, a tab or a carriage return, which spreadsheets "
            "run as a formula: reword it or start it with another character",
            file=file,
            line=line,
            field=fld,
            value=value,
        )
        for line, fld, value in long.iter_rows()
    ]


_CHECK_RULES = [
    ("not_nullable", "required-missing"),
    ("field_uniqueness", "unique-violation"),
    ("isin", "enum-violation"),
    ("str_matches", "pattern-violation"),
    ("in_range", "range-violation"),
    ("greater_than_or_equal_to", "range-violation"),
    ("less_than_or_equal_to", "range-violation"),
    ("str_length", "range-violation"),
    ("list_items", "list-item-invalid"),
    ("list_length", "range-violation"),
]


def _constraint_findings(frame: pl.DataFrame, schema: TableSchema, present: list[str], file: str) -> list[Finding]:
    """Run the Pandera schema (all errors at once) and map each failure case to its CSV line; a table whose
    constraints all hold (one query, `constraints_hold`) has none, and Pandera is not run or imported."""
    if constraints_hold(frame, schema, present):
        return []
    checker = pandera_schema(schema, present)  # imports pandera first
    import pandera.errors

    try:
        checker.validate(frame, lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    except pandera.errors.SchemaError as exc:  # pragma: no cover - lazy=True collects; kept for safety
        return [Finding("schema-invalid", f"cannot check the table: {exc}", file=file)]
    lines = frame[LINE]
    findings = []
    cases = cases.filter(pl.col("index").is_not_null()).sort("index", maintain_order=True)
    for value, column, check, index in cases.select("failure_case", "column", "check", "index").iter_rows():
        rule = next((r for prefix, r in _CHECK_RULES if check.startswith(prefix)), None)
        if rule is None:
            rule = "type-error"
        findings.append(
            Finding(
                rule,
                _constraint_message(rule, schema, column, value),
                file=file,
                line=int(lines[int(index)]),
                field=column,
                value=value,
            )
        )
    return findings


def _constraint_message(rule: str, schema: TableSchema, column: str, value) -> str:
    c = schema.field(column).constraints
    if rule == "required-missing":
        return f"{column} is required: fill it in"
    if rule == "unique-violation":
        return f"{value!r} appears more than once in {column}, which must be unique: change or remove the duplicate"
    if rule == "enum-violation":
        return f"{value!r} is not allowed; use one of: {', '.join(c['enum'])}"
    if rule == "pattern-violation":
        example = schema.field(column).descriptor.get("example")
        return f"{value!r} does not match the pattern {c['pattern']}" + (
            f" (for example {example!r})" if example else ""
        )
    if rule == "range-violation":
        bounds = ", ".join(f"{k} {c[k]}" for k in ("minimum", "maximum", "minLength", "maxLength") if k in c)
        if schema.field(column).type == "list":
            return f"{value!r} has a number of items out of range ({bounds})"
        return f"{value!r} is out of range ({bounds})"
    if rule == "list-item-invalid":
        d = schema.field(column).delimiter
        return (
            f"{value!r} is not a clean list: separate the items with {d!r} exactly, with no empty, repeated or "
            "space-padded item"
        )
    return f"{value!r} fails the check on {column}"

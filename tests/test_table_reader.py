"""The CSV reader's line accounting: every record's line and cell count, whatever the file holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from conftest import CORPUS_BASE, copy_package
from test_properties_readers import BOUNDED
from zonedata.base.paths import Paths
from zonedata.cli import cli
from zonedata.loading import tables
from zonedata.loading.schema import load_schema
from zonedata.loading.tables import read_table

BASE = CORPUS_BASE
PARKS = "data/raw/parks.csv"
PARKS_CSV = (BASE / PARKS).read_bytes()


def _read(root: Path, data: bytes):
    (root / PARKS).write_bytes(data)
    paths = Paths(root)
    return read_table(paths, load_schema(paths, "parks"))


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def test_a_nul_in_a_cell_does_not_move_the_lines_after_it(corpus_package):
    """A quoted cell that spans lines is counted with NUL markers: a NUL of the file's own is not one."""
    lines = _lines(PARKS_CSV)
    lines[2] = lines[2].replace(b",proper,", b",pro\x00per,", 1)  # a NUL on line 3
    lines[3] = lines[3].replace(b",Kuantan,", b',"Kuan\ntan",', 1)  # line 4 spans two lines (4 and 5)
    lines[5] = lines[5].replace(b",", b"", 1)  # the record on line 7 has a cell too few
    table = _read(corpus_package, b"\n".join(lines))
    assert [(f.rule, f.line) for f in table.findings if f.rule == "row-ragged"] == [("row-ragged", 7)]


# --- the whole-file count check and its fallback to the exact path --------------------------------


def _exact(monkeypatch, root: Path, data: bytes):
    """The table as the exact path (`_record_lines`) reads it, the count check bypassed."""
    with monkeypatch.context() as m:
        m.setattr(tables, "_counted", lambda data: None)
        return _read(root, data)


def _same(a, b) -> None:
    assert [f.to_dict() for f in a.findings] == [f.to_dict() for f in b.findings]
    assert (a.strings is None) == (b.strings is None)
    if a.strings is not None:
        assert a.frame.equals(b.frame) and a.strings.equals(b.strings)


def _edit(lineno: int, old: bytes, new: bytes, data: bytes = PARKS_CSV) -> bytes:
    lines = _lines(data)
    assert old in lines[lineno - 1], f"fixture drift: {old!r} not on line {lineno}"
    lines[lineno - 1] = lines[lineno - 1].replace(old, new, 1)
    return b"\n".join(lines)


N_CELLS = PARKS_CSV.split(b"\n", 1)[0].count(b",") + 1
TOO_MANY = _edit(3, b",proper,", b",proper,,")
#: line 3 has a cell too many and line 5 one too few: the file has as many commas as a sound one
COMPENSATING = _edit(5, b",", b"", data=TOO_MANY)
#: two cells Ku"antan and x"y: polars reads two cells, the exact path one quoted section "antan,x" (one cell)
STRAY_QUOTES = _edit(4, b",Kuantan,,", b',Ku"antan,x"y,')
#: a quoted line break in line 2's status_text: the records after it start a line later (line 3's type error
#: is on line 4)
QUOTED_NEWLINE = _edit(2, b",is accelerating the", b',"is accelerating\nthe', data=_edit(3, b",,2012,,", b",,2012a,,"))
QUOTED_NEWLINE = QUOTED_NEWLINE.replace(b"construction of,CN,", b'construction of",CN,', 1)
RAGGED = "row-ragged"
#: (the file, its findings as (rule, line, value), or None where only agreement with the exact path is checked)
HOSTILE = {
    "compensating-ragged-rows": (COMPENSATING, [(RAGGED, 3, N_CELLS + 1), (RAGGED, 5, N_CELLS - 1)]),
    "one-cell-too-few": (_edit(5, b",", b""), [(RAGGED, 5, N_CELLS - 1)]),
    "one-cell-too-many": (TOO_MANY, [(RAGGED, 3, N_CELLS + 1)]),
    "stray-quotes-mid-cell": (STRAY_QUOTES, [(RAGGED, 4, N_CELLS - 1)]),
    "one-stray-quote": (_edit(4, b",Kuantan,", b',Kuan"tan,'), None),
    # a quote in an unquoted cell, even where polars and the exact path read the same cells
    "a-quote-after-a-space": (_edit(4, b",Kuantan,", b',Kuan "tan",'), []),
    "quoted-newline": (QUOTED_NEWLINE, [("type-error", 4, "2012a")]),
    "cr-line-ends": (PARKS_CSV.replace(b"\n", b"\r"), []),
    "cr-line-ends-ragged": (_edit(5, b",", b"").replace(b"\n", b"\r"), [(RAGGED, 5, N_CELLS - 1)]),
    "crlf-line-ends": (_edit(5, b",", b"").replace(b"\n", b"\r\n"), [(RAGGED, 5, N_CELLS - 1)]),
    "cr-before-the-header": (b"\r" + PARKS_CSV, None),
    "cr-in-the-header": (PARKS_CSV.replace(b",name,", b",na\rme,", 1), None),
    "lone-cr-in-a-cell": (_edit(4, b",Kuantan,", b",Kuan\rtan,"), [(RAGGED, 4, 11), (RAGGED, 5, N_CELLS - 10)]),
    "bom-twice": (b"\xef\xbb\xbf\xef\xbb\xbf" + PARKS_CSV, None),
    "bom-inside-the-header": (PARKS_CSV.replace(b",name,", b",\xef\xbb\xbfname,", 1), None),
    "last-line-without-newline": (PARKS_CSV.removesuffix(b"\n"), []),
    # as many newlines as records, but one is in a cell and the last record has none
    "quoted-newline-and-no-newline-at-the-end": (QUOTED_NEWLINE.removesuffix(b"\n"), [("type-error", 4, "2012a")]),
    "blank-line": (PARKS_CSV.replace(b"\nchongzuo", b"\n\nchongzuo", 1), [(RAGGED, 6, 1)]),
    "blank-lines-at-the-end": (PARKS_CSV + b"\n\n", [(RAGGED, 8, 1), (RAGGED, 9, 1)]),
    "header-only-without-newline": (PARKS_CSV.split(b"\n", 1)[0], []),
    "quote-in-the-header": (PARKS_CSV.replace(b",name,", b',"name",', 1), []),
    "invalid-utf8": (_edit(4, b",Kuantan,", b",Kuan\xfftan,"), None),
    "nul-and-a-cell-too-few": (
        _edit(5, b",", b"", data=_edit(3, b",proper,", b",pro\x00per,")),
        [(RAGGED, 5, N_CELLS - 1)],
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_file_the_counts_cannot_vouch_for_takes_the_exact_path(corpus_package, monkeypatch, case):
    data, expected = HOSTILE[case]
    (corpus_package / PARKS).write_bytes(data)
    assert tables._counted(data) is None
    table = _read(corpus_package, data)
    _same(table, _exact(monkeypatch, corpus_package, data))
    if expected is not None:  # a ragged row shifts the cells after it: only the row-ragged findings then
        shown = [f for f in table.findings if f.rule == RAGGED or not any(e[0] == RAGGED for e in expected)]
        assert [(f.rule, f.line, int(f.value) if f.rule == RAGGED else f.value) for f in shown] == expected


SOUND = {
    "as-is": PARKS_CSV,
    "bom": b"\xef\xbb\xbf" + PARKS_CSV,
    "header-only": PARKS_CSV.split(b"\n", 1)[0] + b"\n",
    "quoted-cells-with-commas-and-quotes": _edit(4, b",Kuantan,", b',"Kuan, ""tan"",",'),
    "quoted-empty-cell-and-a-comma-before-a-closing-quote": _edit(4, b",Kuantan,,", b',"Kuantan,","",'),
    "nul-in-a-cell": _edit(3, b",proper,", b",pro\x00per,"),
}


@pytest.mark.parametrize("case", SOUND)
def test_a_sound_file_is_read_from_the_counts_as_the_exact_path_reads_it(corpus_package, monkeypatch, case):
    data = SOUND[case]
    (corpus_package / PARKS).write_bytes(data)
    assert tables._counted(data) is not None
    _same(_read(corpus_package, data), _exact(monkeypatch, corpus_package, data))


# cells as a curator's spreadsheet or a careless hand writes them: plain, quoted (with commas, doubled
# quotes, line breaks), quotes where a CSV has none, and rows with a cell too many or too few
PLAIN = st.sampled_from(["", "a", "1", "2024-05-01", "true", "park-1", "FILL", " ", "=1", "é", "\u00a0", "\x00"])
SAFE = st.lists(st.sampled_from(["a", ",", '"', " ", "1", ',"', '""', ","]), max_size=6).map("".join)
INSIDE = st.lists(st.sampled_from(["a", ",", '"', "\n", " ", "1", ',"', '""', "\r"]), max_size=6).map("".join)
ODD = st.sampled_from(['x"y', 'x"y,z"w', ' "ab"', 'a""b', 'x"', '"ab"c', '"a', '""', '"""', '","', '",""'])


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


SOUND_CELL = st.one_of(PLAIN, PLAIN, SAFE.map(_quoted))
ANY_CELL = st.one_of(PLAIN, SAFE.map(_quoted), INSIDE.map(_quoted), ODD, INSIDE)


@st.composite
def csv_files(draw) -> bytes:
    """Half of them sound (the count check vouches for them), the others broken in their cells, rows or end."""
    broken = draw(st.sampled_from(["", "", "", "cells", "rows", "end", "cells rows end"]))
    cell = st.one_of(*[SOUND_CELL] * 30, ANY_CELL) if "cells" in broken else SOUND_CELL
    skews = st.sampled_from([0, 0, 0, 1, -1, 1 - N_CELLS]) if "rows" in broken else st.just(0)
    rows = [
        ",".join(draw(st.lists(cell, min_size=max(1, N_CELLS + skew), max_size=max(1, N_CELLS + skew))))
        for skew in draw(st.lists(skews, max_size=5))
    ]
    end = draw(st.sampled_from(["\n", "", "\n\n"])) if "end" in broken else "\n"
    text = PARKS_CSV.split(b"\n", 1)[0].decode() + "\n" + "\n".join(rows) + end
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + text.encode("utf-8")


@BOUNDED
@given(data=csv_files())
def test_the_count_check_and_the_exact_path_read_any_file_alike(pkg_once, data):
    mp = pytest.MonkeyPatch()
    try:
        _same(_read(pkg_once, data), _exact(mp, pkg_once, data))
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def pkg_once(tmp_path_factory) -> Path:
    return copy_package(BASE, tmp_path_factory.mktemp("reader") / "pkg")


# --- quotes in the header: polars and the csv module name the columns alike, or the file gets a finding -------

HEADER, BODY = PARKS_CSV.split(b"\n", 1)
MALFORMED = "csv-malformed"


def _header(old: bytes, new: bytes, data: bytes = PARKS_CSV) -> bytes:
    head, body = data.split(b"\n", 1)
    assert head.count(old) == 1, f"fixture drift: {old!r} not once in the header"
    return head.replace(old, new) + b"\n" + body


#: a header cell with a quote that is not one of a pair around all of it: (file, [(cell, field, value)]).
#: Before: polars named the column otherwise than the csv module did (`""name` is `"` to polars, `name` to csv,
#: `"na""me"` is `na""me` to polars), and selecting the csv module's name raised ColumnNotFoundError
MISREAD = {
    "doubled-quotes-before-a-name": (_header(b",name,", b',""name,'), [(2, "name", '""name')]),
    "a-quote-opening-a-name": (_header(b",name,", b',"name,'), [(2, "name", '"name')]),
    "a-quote-inside-a-name": (_header(b",name,", b',na"me,'), [(2, "name", 'na"me')]),
    "a-quote-ending-a-name": (_header(b",name,", b',name",'), [(2, "name", 'name"')]),
    "a-doubled-quote-inside-a-quoted-name": (_header(b",name,", b',"na""me",'), [(2, "name", '"na""me"')]),
    "text-after-the-closing-quote": (_header(b",name,", b',"name"x,'), [(2, "namex", '"name"x')]),
    "a-space-before-the-opening-quote": (_header(b",name,", b', "name",'), [(2, " name", ' "name"')]),
    "a-quote-opening-the-first-cell": (_header(b"park_id,name,", b'""park_id,name,'), [(1, "park_id", '""park_id')]),
    "an-unclosed-quote-in-the-last-cell": (_header(b",notes", b',"notes'), [(N_CELLS, "notes", '"notes')]),
    "a-cell-of-three-quotes": (_header(b",notes", b',"""'), [(N_CELLS, None, '"""')]),
    # the csv module reads `"`, polars `""`
    "a-cell-of-four-quotes": (_header(b",notes", b',""""'), [(N_CELLS, None, '""""')]),
    # a quoted line break in a name: the header's line ends inside the quotes
    "a-quoted-line-break-in-a-name": (_header(b",name,", b',"na\nme",'), [(2, "na", '"na')]),
    "a-bom-then-a-stray-quote": (
        b"\xef\xbb\xbf" + _header(b"park_id,name,", b'""park_id,name,'),
        [(1, "park_id", '""park_id')],
    ),
    # the second BOM is a character of the first cell (the first is the file's): polars drops it, csv keeps it
    "two-boms-then-a-quoted-name": (
        b"\xef\xbb\xbf\xef\xbb\xbf" + _header(b"park_id,name,", b'"park_id",name,'),
        [(1, "park_id", '\ufeff"park_id"')],
    ),
    "crlf-and-a-stray-quote": (_header(b",name,", b',""name,').replace(b"\n", b"\r\n"), [(2, "name", '""name')]),
    "a-nul-and-a-stray-quote": (_header(b",name,", b',na\x00me",'), [(2, "na\x00me", 'na\x00me"')]),
    "two-cells": (
        _header(b",kind,", b',kind"s,', data=_header(b",name,", b',"name,')),
        [(2, "name", '"name'), (5, "kinds", 'kind"s')],
    ),
}


@pytest.mark.parametrize("case", MISREAD)
def test_a_header_cell_with_a_stray_quote_is_a_finding(corpus_package, case):
    data, cells = MISREAD[case]
    table = _read(corpus_package, data)
    assert [(f.rule, f.file, f.line, f.field, f.value) for f in table.findings] == [
        (MALFORMED, PARKS, 1, field, value) for _, field, value in cells
    ]
    for (cell, _, value), finding in zip(cells, table.findings):
        assert finding.message.startswith(f"the header's cell {cell} holds a quote character ({value!r})")
        assert "write the column name without quotes" in finding.message
    assert not table.read and table.frame.height == 0 and table.absent == set(table.schema.raw_names)


#: headers with quotes that both readers read alike, per the CSV standard: (file, the header written plainly)
READ_ALIKE = {
    "every-name-quoted": (b",".join(b'"' + c + b'"' for c in HEADER.split(b",")) + b"\n" + BODY, PARKS_CSV),
    "a-bom-and-a-quoted-first-name": (b"\xef\xbb\xbf" + _header(b"park_id,name,", b'"park_id",name,'), PARKS_CSV),
    "crlf-and-quoted-names": (_header(b",name,", b',"name",').replace(b"\n", b"\r\n"), PARKS_CSV),
    # the same name twice once unquoted: header-duplicate-column, as for the plain header
    "a-name-twice-once-quoted": (_header(b",kind,", b',"name",'), _header(b",kind,", b",name,")),
    "a-quoted-empty-name": (_header(b",notes", b',""'), _header(b",notes", b",")),
    "a-quoted-name-with-a-nul": (_header(b",name,", b',"na\x00me",'), _header(b",name,", b",na\x00me,")),
    "a-quoted-name-with-a-comma": (_header(b",notes", b',"no,tes"'), None),
}


@pytest.mark.parametrize("case", READ_ALIKE)
def test_a_header_with_quotes_both_readers_read_alike_is_read_as_written_plainly(corpus_package, case):
    data, plain = READ_ALIKE[case]
    table = _read(corpus_package, data)
    assert not any(f.rule == MALFORMED for f in table.findings)
    if plain is not None:
        _same(table, _read(corpus_package, plain))
    else:  # a comma in a name: a column the schema does not have, and the rows have a cell too few
        assert ("header-unknown-column", 1, "no,tes") in [(f.rule, f.line, f.field) for f in table.findings]


def test_validate_reports_a_stray_quote_in_a_header_and_exits_1(repository):
    """The differential attack's case on the real data: relations.csv's header with ""relation_text."""
    path = repository / "data" / "raw" / "relations.csv"
    data = path.read_bytes()
    path.write_bytes(_header(b",relation_text,", b',""relation_text,', data=data))
    result = CliRunner().invoke(cli, ["validate", "--root", str(repository), "--no-publication", "--format", "json"])
    assert result.exit_code == 1, result.output
    found = [f for f in json.loads(result.output)["findings"] if f["file"] == "data/raw/relations.csv"]
    assert [(f["rule"], f["line"], f["field"], f["value"]) for f in found] == [
        (MALFORMED, 1, "relation_text", '""relation_text')
    ]

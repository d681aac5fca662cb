"""Issue 21, "Feedback a curator can act on": what a curator sees after add-source, a dangling id, a quote
that is not found, and `zonedata quote`, pinned to rule, file, line, field and the words of the message."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import build_valid
from zonedata.cli import cli
from zonedata.validate import validate

NOTE = "Nanning, May 3 -- The Sample Digital Park said its output reached 1.2 billion yuan in 2025.\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_validate_after_add_source_has_no_error_about_the_publication(release_package, tmp_path):
    built = build_valid(release_package)
    text = tmp_path / "note.txt"
    text.write_text(NOTE, encoding="utf-8")
    added = run("add-source", text, "--title", "Sample", "--root", built)
    assert added.exit_code == 0, added.output
    assert "rebuilt the published files: data/clean/sources.csv" in added.output
    report = validate(built)
    assert report.errors == [], [f.to_dict() for f in report.errors]


def test_add_source_no_build_leaves_one_stale_finding_for_the_package(release_package, tmp_path):
    built = build_valid(release_package)
    text = tmp_path / "note.txt"
    text.write_text(NOTE, encoding="utf-8")
    assert run("add-source", text, "--title", "Sample", "--no-build", "--root", built).exit_code == 0
    result = run("validate", "--root", built, "--format", "json")
    assert result.exit_code == 1
    errors = [f for f in json.loads(result.output)["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["file"], f["line"], f["field"]) for f in errors] == [
        ("publication-stale", "datapackage.json", None, None)
    ]
    assert errors[0]["message"].startswith("the published files are out of date: run zonedata build")
    assert errors[0]["value"].split("; ") == [
        "data/clean/sources.csv",
        "data/clean/sources.parquet",
        "datapackage.json",
    ]


def test_add_source_on_an_invalid_package_says_why_it_did_not_build(release_package, tmp_path):
    built = build_valid(release_package)
    parks = Path(built) / "data" / "raw" / "parks.csv"
    lines = parks.read_text(encoding="utf-8").splitlines(keepends=True)
    parks.write_text(lines[0] + lines[1] + lines[1] + "".join(lines[2:]), encoding="utf-8")  # a duplicate key
    text = tmp_path / "note.txt"
    text.write_text(NOTE, encoding="utf-8")
    added = run("add-source", text, "--title", "Sample", "--root", built)
    assert added.exit_code == 0
    assert "the published files were not rebuilt: the package has" in added.output


# --- a dangling id says which ids are closest --------------------------------------------------------

PARKS_CSV, STATS_CSV, CITES_CSV = "data/raw/parks.csv", "data/raw/statistics.csv", "data/raw/citations.csv"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = Path(root) / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(root: Path, rel: str, start: str) -> int:
    lines = (Path(root) / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


def test_a_dangling_foreign_key_names_the_closest_ids(corpus_package):
    kuantan = "malaysia-china-kuantan-industrial-park"  # its twin_park_id is the first such cell
    _edit(corpus_package, PARKS_CSV, ",china-malaysia-qinzhou-industrial-park,,,", ",china-malaysia-qinzhou-park,,,")
    (f,) = [f for f in validate(corpus_package, publication=False).findings if f.rule == "foreign-key-dangling"]
    assert (f.file, f.line, f.field, f.value, f.record) == (
        PARKS_CSV,
        _line_of(corpus_package, PARKS_CSV, kuantan),
        "twin_park_id",
        "china-malaysia-qinzhou-park",
        kuantan,
    )
    assert "(did you mean `china-malaysia-qinzhou-industrial-park`?)" in f.message


def test_a_dangling_subject_names_the_closest_ids_of_its_table(corpus_package):
    _edit(
        corpus_package,
        STATS_CSV,
        "stat-0008,parks,china-malaysia-qinzhou-industrial-park,",
        "stat-0008,parks,china-malaysia-qinzhou-indusrial-park,",
    )
    (f,) = [f for f in validate(corpus_package, publication=False).findings if f.rule == "foreign-key-dangling"]
    assert (f.file, f.line, f.field, f.record) == (
        STATS_CSV,
        _line_of(corpus_package, STATS_CSV, "stat-0008,"),
        "subject_id",
        "stat-0008",
    )
    assert "parks has no record 'china-malaysia-qinzhou-indusrial-park' (did you mean" in f.message
    assert "`china-malaysia-qinzhou-industrial-park`" in f.message


def test_did_you_mean_is_bounded_per_field(corpus_package):
    """Hints for the first SUGGEST_MAX dangling ids of a field; the others are reported without one."""
    from zonedata.checks.keys import SUGGEST_MAX

    path = Path(corpus_package) / STATS_CSV
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(line for line in lines if line.startswith("stat-0008,"))
    extra = [
        row.replace("stat-0008,parks,china-malaysia-qinzhou-industrial-park,", f"stat-{9000 + i},parks,qinzhou-{i},")
        for i in range(SUGGEST_MAX + 5)
    ]
    path.write_text("".join(lines + extra), encoding="utf-8")
    dangling = [
        f
        for f in validate(corpus_package, publication=False).findings
        if f.rule == "foreign-key-dangling" and f.field == "subject_id"
    ]
    assert len(dangling) == SUGGEST_MAX + 5
    assert sum("did you mean" in f.message for f in dangling) <= SUGGEST_MAX


def test_closest_ids_picks_the_near_id_among_many():
    import polars as pl

    from zonedata.text.closest import IDS_COMPARED, closest_ids

    ids = pl.Series([f"park-{i:06d}" for i in range(100_000)] + ["pingxiang-border-industrial-park"])
    assert closest_ids("pingxiang-border-park", ids) == ["pingxiang-border-industrial-park"]
    assert closest_ids("huayi-qinzhou-base", pl.Series(["huayi-group-qinzhou-integrated-base-for-chemicals"])) == [
        "huayi-group-qinzhou-integrated-base-for-chemicals"
    ]
    assert closest_ids("zzz", ids) == []
    # every id shares the word "park": only the IDS_COMPARED nearest in length are compared one by one
    near = closest_ids("park-00012x", ids)
    assert len(near) == 3 and all(x.startswith("park-00") for x in near) and IDS_COMPARED < ids.len()


# --- quote-not-found shows the words that differ; every finding on a row carries its record's id ------


def test_quote_not_found_names_the_words_that_differ_and_the_record(corpus_package):
    _edit(
        corpus_package,
        CITES_CSV,
        "statistics,stat-0008,001,The China-Malaysia Qinzhou Industrial Park is the third",
        "statistics,stat-0008,001,The China-Malaysia Qinzhou Industrial Park is the thrid",
    )
    result = run("validate", "--root", corpus_package, "--no-publication", "--format", "json")
    assert result.exit_code == 1
    (f,) = [f for f in json.loads(result.output)["findings"] if f["rule"] == "quote-not-found"]
    assert (f["file"], f["line"], f["field"], f["record"]) == (
        CITES_CSV,
        _line_of(corpus_package, CITES_CSV, "statistics,stat-0008,001,"),
        "quote",
        "statistics:stat-0008",
    )
    assert 'the words that differ: "thrid" where the text has "third"' in f["message"]
    text = run("validate", "--root", corpus_package, "--no-publication").output
    assert f"line {f['line']} [quote] (statistics:stat-0008) error quote-not-found" in text


def test_findings_about_no_row_carry_no_record(corpus_package):
    (Path(corpus_package) / "data" / "raw" / "statistic_links.csv").unlink()
    (f,) = [f for f in validate(corpus_package, publication=False).findings if f.rule == "table-missing"]
    assert (f.line, f.record) == (None, None)
    assert '"record": null' in json.dumps(f.to_dict())


# --- zonedata quote ----------------------------------------------------------------------------------


def test_quote_shows_the_closest_passage_and_the_words_that_differ(corpus_package):
    result = CliRunner().invoke(
        cli, ["quote", "003", "the first seven months of this year was 71.1 billion yuan", "--root", corpus_package]
    )
    assert result.exit_code == 1
    assert "no sentence of source 003 contains" in result.output
    assert '"the first seven months of this year was 70.1 billion yuan"' in result.output
    assert 'the words that differ: "71.1" where the text has "70.1"' in result.output
    data = json.loads(
        run("quote", "003", "this year was 71.1 billion", "--root", corpus_package, "--format", "json").output
    )
    assert data["sentences"] == [] and data["closest"]["differences"] == ['"71.1" where the text has "70.1"']


def test_quote_reads_dashes_and_quotes_as_validate_does(corpus_package):
    # straight quotes and a plain hyphen for the text's curly quotes and en dash
    found = run("quote", "003", 'Vietnam\'s "2-hour economic circle"', "--root", corpus_package)
    assert found.exit_code == 0, found.output
    assert "Vietnam’s “2-hour economic circle”" in found.output


def test_a_passage_over_two_paragraphs_pasted_into_citations_validates(corpus_package):
    import csv
    import io

    result = run("quote", "003", "new energy industry. Qian Zhigang, President", "--root", corpus_package)
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()
    passage = line.split(": ", 1)[1]
    assert "\\n" not in passage and "new energy industry. Qian Zhigang" in passage
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["statistics", "stat-0020", "003", passage, ""])
    cites = Path(corpus_package) / CITES_CSV
    cites.write_text(cites.read_text(encoding="utf-8") + out.getvalue(), encoding="utf-8")
    last = len(cites.read_text(encoding="utf-8").splitlines())
    findings = validate(corpus_package, publication=False).findings
    assert [f.rule for f in findings if f.file == CITES_CSV and f.line == last] == []


# --- an event announced in advance keeps its dates ------------------------------------------------------


def _announce(root: Path, timing: str) -> int:
    """An event of source 003 (published 2024-08-20) dated after its publication, with its citation;
    the line it is on in events.csv."""
    import csv
    import io

    events = Path(root) / "data" / "raw" / "events.csv"
    header = events.read_text(encoding="utf-8").splitlines()[0].split(",")
    row = dict.fromkeys(header, "")
    row.update(
        event_id="roundtable-2030",
        name="2030 Roundtable",
        name_type="label",
        kind="conference",
        is_series="false",
        start_date="2030-05-01",
        end_date="2030-05-02",
        date_precision="day",
        date_basis="stated",
        timing=timing,
    )
    out = io.StringIO()
    csv.DictWriter(out, header, lineterminator="\n").writerow(row)
    events.write_text(events.read_text(encoding="utf-8") + out.getvalue(), encoding="utf-8")
    cites = Path(root) / "data" / "raw" / "citations.csv"
    cites.write_text(
        cites.read_text(encoding="utf-8")
        + "events,roundtable-2030,003,Guangxi officials held a site promotion meeting,\n",
        encoding="utf-8",
    )
    return len(events.read_text(encoding="utf-8").splitlines())


def test_an_announced_event_may_be_dated_after_its_source(repository):
    _announce(repository, "announced")
    findings = validate(repository, publication=False).findings
    assert [f.rule for f in findings if f.record == "roundtable-2030"] == []


def test_an_event_that_happened_cannot_end_after_its_source(repository):
    line = _announce(repository, "happened")
    late = [f for f in validate(repository, publication=False).findings if f.rule == "period-after-publication"]
    assert [(f.file, f.line, f.field, f.value, f.record) for f in late] == [
        ("data/raw/events.csv", line, "end_date", "2030-05-02", "roundtable-2030")
    ]
    assert "after source 003 was published" in late[0].message

"""`zonedata draft SOURCE --apply`: a short invented announcement (tests/fixtures/draft/nanning.txt) goes
into data/raw with ids, citations and links; only what its words leave open stays marked.

The text holds what a curator's first try got wrong: "by 2027" (was dropped), "since 2021" (was put on
another figure), "3rd" (was proposed as an exclusion, not the forum's session number) and "Sample Nanning
Digital Park" (was not proposed, since "Nanning" is a recorded region)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO, build_valid
from zonedata.checks.markers import FILL
from zonedata.cli import cli
from zonedata.validate import validate

HERE = Path(__file__).parent
TEXT = HERE / "fixtures" / "draft" / "nanning.txt"
ADD = ["--title", "Sample Nanning Digital Park signs 18 projects", "--publisher", "Invented"]
ADD += ["--date", "2025-05-20", "--url", "https://example.org/nanning", "--external", "url"]
RAW = ("statistics", "parks", "events", "organisations", "statistic_links", "citations")
PARK, ZONE = "sample-nanning-digital-park", "sample-beibu-gulf-trade-zone"
FORUM, SESSION = "china-asean-digital-forum", "3rd-china-asean-digital-forum"
BUREAU = "nanning-municipal-bureau-of-commerce"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def added(root: Path) -> str:
    result = run("add-source", TEXT, *ADD, "--root", root)
    assert result.exit_code == 0, result.output
    return re.search(r"as source ([0-9]{3})", result.output).group(1)


def rows(root: Path, table: str) -> list[dict[str, str]]:
    with (root / "data" / "raw" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (root / "data" / "raw").glob("*.csv")}


def test_apply_writes_the_rows_with_ids_citations_and_links(corpus_package):
    sid = added(corpus_package)
    before = {t: rows(corpus_package, t) for t in RAW}
    old_bytes = snapshot(corpus_package)
    result = run("draft", sid, "--apply", "--root", corpus_package)
    assert result.exit_code == 0, result.output
    assert "wrote 26 row(s)" in result.output
    after = {t: rows(corpus_package, t) for t in RAW}
    # nothing already there changes: every file starts with its old bytes
    for name, data in old_bytes.items():
        assert (corpus_package / "data" / "raw" / name).read_bytes().startswith(data), name
    new = {t: after[t][len(before[t]) :] for t in RAW}
    assert after["statistics"][: len(before["statistics"])] == before["statistics"]

    # ids by each table's pattern: the next free stat-NNNN / link-NNNN, a slug of the name
    last = max(int(r["statistic_id"][5:]) for r in before["statistics"])
    stats = new["statistics"]
    assert [r["statistic_id"] for r in stats] == [f"stat-{last + i:04d}" for i in range(1, 8)]
    s = {r["value_text"]: r for r in stats}
    assert set(s) == {"18", "4.6 billion yuan", "25%", "more than 120", "30", "50 billion yuan", "6"}
    cols = ("subject_table", "subject_id", "indicator", "basis", "quantity_kind", "period_type")
    cols += ("period_start", "period_end", "period_text", "period_basis", "attribution_text")
    cols += ("stated_by_organisation_id",)
    got = {vt: tuple(r[c] for c in cols) for vt, r in s.items()}
    G = FILL + "?"  # a guess: the words suggest it, the curator confirms
    period = ("2025-01-01", "2025-02-28", "In the first two months of this year", "dateline", "", "")
    assert got == {
        "18": ("parks", PARK, FILL, G + "contracted", FILL, "period", *period),
        "4.6 billion yuan": ("parks", PARK, FILL, "contracted", FILL, "period", *period),
        "25%": ("parks", PARK, "growth_rate_yoy", G + "contracted", "rate", "period", *period),
        # "since 2021" is on the 120 enterprises (its clause), not on the 30 of "this year"
        # "has attracted": told as done, so actual is the guess
        "more than 120": (G + "parks", G + PARK, FILL, G + "actual", FILL, "period")
        + ("2021-01-01", "2025-05-20", "Since 2021", "dateline", "", ""),
        "30": (G + "parks", G + PARK, FILL, "planned", FILL, FILL, "", "", "this year", "", "", ""),
        # "by 2027": a target, after publication, with the basis the words settle
        "50 billion yuan": (G + "parks", G + PARK, FILL, "expected", FILL, "on_or_before", "", "2027-12-31")
        + ("by 2027", "stated", "according to the Nanning Municipal Bureau of Commerce", BUREAU),
        "6": (G + "parks", G + ZONE, FILL, G + "planned", FILL, FILL, "", "", "", "", "Wang Lin said", ""),
    }
    # figures exactly as written
    assert [(r["value"], r["scale"], r["unit"], r["qualifier"]) for r in stats] == [
        ("18", "", "count", "exact"),
        ("4.6", "billion", "yuan", "exact"),
        ("25", "", "%", "exact"),
        ("120", "", "count", "more_than"),
        ("30", "", "count", "exact"),
        ("50", "billion", "yuan", "exact"),
        ("6", "", "count", "exact"),
    ]
    assert [(r["park_id"], r["name"], r["name_type"], r["kind"], r["status"]) for r in new["parks"]] == [
        (PARK, "Sample Nanning Digital Park", FILL, FILL, FILL),
        (ZONE, "Sample Beibu Gulf Trade Zone", FILL, FILL, FILL),
    ]
    # "3rd" is the session number of the forum, a session of its series; not an exclusion, not a figure
    events = [
        (r["event_id"], r["name"], r["kind"], r["is_series"], r["series_event_id"], r["session_number"])
        for r in new["events"]
    ]
    assert events == [
        (SESSION, "3rd China-ASEAN Digital Forum", "forum", "false", FORUM, "3"),
        (FORUM, "China-ASEAN Digital Forum", "forum", "true", "", ""),
    ]
    assert [(r["organisation_id"], r["name"]) for r in new["organisations"]] == [
        (BUREAU, "Nanning Municipal Bureau of Commerce")
    ]
    growth, base = s["25%"]["statistic_id"], s["4.6 billion yuan"]["statistic_id"]
    assert [(r["statistic_id"], r["relation"], r["related_statistic_id"]) for r in new["statistic_links"]] == [
        (growth, "growth_rate_of", base)
    ]
    assert re.fullmatch(r"link-[0-9]{4}", new["statistic_links"][0]["link_id"])
    # every record written is cited by a passage of the text that holds what it states
    text = next((corpus_package / "seeds").glob(f"{sid}_*.txt")).read_text(encoding="utf-8")
    cited = {(c["record_table"], c["record_id"]) for c in new["citations"]}
    written = {("statistics", r["statistic_id"]) for r in stats} | {("parks", PARK), ("parks", ZONE)}
    written |= {("events", SESSION), ("events", FORUM), ("organisations", BUREAU)}
    written |= {("statistic_links", new["statistic_links"][0]["link_id"])}
    assert cited == written
    assert all(c["source_id"] == sid and c["quote"] in text for c in new["citations"])
    for r in stats:
        quote = next(c["quote"] for c in new["citations"] if c["record_id"] == r["statistic_id"])
        assert r["value_text"] in quote and r["period_text"] in quote and r["attribution_text"] in quote
    # the headline's "18" restates the first paragraph: a candidate exclusion, shown, not written
    assert "not written: 2 candidate coverage exclusion(s)" in result.output


def test_validate_lists_exactly_the_cells_left_to_decide(corpus_package):
    sid = added(corpus_package)
    assert run("draft", sid, "--apply", "--root", corpus_package).exit_code == 0
    report = validate(corpus_package, publication=False)
    assert {f.rule for f in report.errors} == {"draft-unfilled"}, [
        (f.rule, f.file, f.line, f.field, f.message) for f in report.errors if f.rule != "draft-unfilled"
    ]
    marked = {
        (f"data/raw/{t}.csv", i + 2, k)
        for t in RAW
        for i, r in enumerate(rows(corpus_package, t))
        for k, v in r.items()
        if v == FILL or (v or "").startswith((FILL + ":", FILL + "?"))
    }
    assert {(f.file, f.line, f.field) for f in report.errors} == marked and len(marked) == 43
    guess = next(f for f in report.errors if f.value == "FILL?planned")
    assert "the words suggest 'planned'" in guess.message and guess.field == "basis"


def test_a_second_apply_adds_nothing_and_dry_run_writes_nothing(corpus_package):
    sid = added(corpus_package)
    start = snapshot(corpus_package)
    dry = run("draft", sid, "--apply", "--dry-run", "--root", corpus_package)
    assert dry.exit_code == 0 and "would write 26 row(s)" in dry.output
    assert "## data/raw/statistics.csv (7)" in dry.output and f"{PARK},Sample Nanning Digital Park" in dry.output
    assert snapshot(corpus_package) == start
    js = json.loads(run("draft", sid, "--apply", "--dry-run", "--format", "json", "--root", corpus_package).output)
    assert js["dry_run"] and js["left_to_decide"] == 43 and snapshot(corpus_package) == start
    assert run("draft", sid, "--apply", "--root", corpus_package).exit_code == 0
    once = snapshot(corpus_package)
    again = run("draft", sid, "--apply", "--root", corpus_package)
    assert again.exit_code == 0 and "wrote 0 row(s) (nothing new in source" in again.output
    assert snapshot(corpus_package) == once
    assert run("draft", sid, "--dry-run", "--root", corpus_package).exit_code == 2  # --dry-run needs --apply
    assert run("draft", sid, "--apply", "--out", corpus_package / "d.csv", "--root", corpus_package).exit_code == 2


def test_a_name_already_recorded_links_to_its_record(corpus_package, tmp_path):
    """A second announcement naming the park the first one added: its figures' subject is that park,
    and no second park is written."""
    sid = added(corpus_package)
    assert run("draft", sid, "--apply", "--root", corpus_package).exit_code == 0
    parks = rows(corpus_package, "parks")
    other = tmp_path / "second.txt"
    other.write_text(
        "Second note\n\nNANNING, June 2, 2025 -- Invented.\n\n"
        "The Sample Nanning Digital Park signed 7 projects in May 2025.\n",
        encoding="utf-8",
    )
    out = run("add-source", other, "--title", "Second note", "--date", "2025-06-02", "--root", corpus_package)
    second = re.search(r"as source ([0-9]{3})", out.output).group(1)
    applied = run("draft", second, "--apply", "--root", corpus_package)
    assert applied.exit_code == 0, applied.output
    assert rows(corpus_package, "parks") == parks
    seven = next(r for r in rows(corpus_package, "statistics") if r["value_text"] == "7")
    assert (seven["subject_table"], seven["subject_id"]) == ("parks", PARK)


def test_apply_on_a_built_copy_of_the_dataset_leaves_only_markers(repository):
    """The curator's round on a copy of this dataset: add-source, draft --apply, validate."""
    built = repository
    shutil.copy(REPO / "metadata" / "package.json", built / "metadata" / "package.json")  # (the vocabulary is there)
    for name in ("pyproject.toml", "CITATION.cff", ".zenodo.json", "LICENSE"):
        shutil.copy(REPO / name, built / name)
    build_valid(built)
    sid = added(built)
    result = run("draft", sid, "--apply", "--root", built)
    assert result.exit_code == 0, result.output
    report = validate(built)
    # what is left is the marked cells alone: while a table holds a marker, the publication check
    # (publication-stale) waits, since a table that does not load has no defined published form
    assert {f.rule for f in report.errors} == {"draft-unfilled"}, [
        (f.rule, f.file, f.line, f.field, f.message) for f in report.errors if f.rule != "draft-unfilled"
    ]
    target = [r for r in rows(built, "statistics") if r["value_text"] == "50 billion yuan"]
    assert [(r["period_type"], r["period_end"], r["basis"]) for r in target] == [
        ("on_or_before", "2027-12-31", "expected")
    ]


def test_apply_appends_in_the_files_own_line_ends(corpus_package):
    path = corpus_package / "data" / "raw" / "parks.csv"
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    sid = added(corpus_package)
    assert run("draft", sid, "--apply", "--root", corpus_package).exit_code == 0
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"") and f"\r\n{PARK},".encode() in data
    assert len(list(csv.DictReader(io.StringIO(data.decode("utf-8"))))) == len(rows(corpus_package, "parks"))


def test_period_and_basis_words_are_read_exactly_or_not_at_all():
    """A year after "by" or "since" is a period only where it ends or opens a clause; a noun is no basis."""
    import datetime as dt

    from zonedata.curate.draft.periods import find_periods
    from zonedata.curate.draft.settle import basis
    from zonedata.text.sentences import Span

    published = dt.date(2025, 5, 20)

    def periods(text: str) -> list[tuple]:
        return [
            (p.span.text, p.start, p.end, p.period_type)
            for p in find_periods(text, Span(0, len(text), text), published)
        ]

    assert periods("It will reach 50 billion yuan by 2027.") == [
        ("by 2027", None, dt.date(2027, 12, 31), "on_or_before")
    ]
    assert periods("Output grew by 2000 tonnes.") == []  # an amount, not a date
    assert periods("Since 2021 the park has attracted 120 firms.") == [
        ("Since 2021", dt.date(2021, 1, 1), published, "period")
    ]
    assert periods("Since 2021 units were sold.") == []  # "2021 units": an amount
    assert periods("It has grown since 2030.") == [("since 2030", None, None, None)]  # after the text: words only
    text = "The park has 12 development plans."
    assert basis(text, Span(0, len(text), text), "count") is None
    text = "The park plans to invest 3 billion yuan."
    assert basis(text, Span(0, len(text), text), "yuan").value == "planned"


def test_apply_never_writes_through_a_link_that_leaves_the_package(corpus_package, tmp_path):
    sid = added(corpus_package)
    outside = tmp_path / "outside.csv"
    parks = corpus_package / "data" / "raw" / "parks.csv"
    outside.write_bytes(parks.read_bytes())
    parks.unlink()
    parks.symlink_to(outside)
    before = snapshot(corpus_package)
    result = run("draft", sid, "--apply", "--root", corpus_package)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert outside.read_bytes() == before["parks.csv"] and snapshot(corpus_package) == before
    assert run("draft", "999", "--apply", "--root", corpus_package).exit_code == 2  # no such source


def test_the_subject_is_read_from_the_figures_own_clause(corpus_package):
    """ "The Riverton Trade Expo drew nearly 300 exhibitors; the park is the second largest": the 300 are
    the Expo's (settled), the rank is a guess at the park named before, never the Expo's."""
    lakeside = HERE / "fixtures" / "draft" / "lakeside.txt"
    out = run("add-source", lakeside, "--title", "Lakeside", "--date", "2025-03-03", "--root", corpus_package)
    sid = re.search(r"as source ([0-9]{3})", out.output).group(1)
    assert run("draft", sid, "--apply", "--root", corpus_package).exit_code == 0
    got = {r["value_text"]: (r["subject_table"], r["subject_id"]) for r in rows(corpus_package, "statistics")}
    park = "lakeside-valley-industrial-park"
    assert got["nearly 300"] == ("events", "riverton-trade-expo")
    assert got["second largest"] == (FILL + "?parks", FILL + "?" + park)
    assert got["42"] == ("parks", park)
    assert got["RMB 1.2 billion"] == ("projects", "lakeside-solar-glass-demonstration-project")


def test_basis_words_of_another_figure_in_the_clause_settle_nothing():
    """ "35 enterprises settled last year, and the park plans to expand its area to 6 square kilometers":
    "plans to" belongs to the area, not the count, so the count's basis is no settled `planned`; where one
    clause holds basis words that disagree, only the words nearest the figure may settle it."""
    from zonedata.curate.draft.settle import basis
    from zonedata.text.sentences import Span

    text = (
        "According to the committee, 35 enterprises settled in the park last year, and the park plans to expand "
        "its area to 6 square kilometers by 2028."
    )
    clause = Span(0, len(text), text)
    count = basis(text, clause, "count", at=text.index("35"))
    assert count is not None and (count.value, count.settled) == ("actual", False)
    area = basis(text, clause, "km2", at=text.index("6 square"))
    assert area is not None and (area.value, area.settled) == ("planned", True)
    alone = "The park plans to invest 3 billion yuan."  # one basis in the clause: still settled
    read = basis(alone, Span(0, len(alone), alone), "yuan", at=alone.index("3 billion"))
    assert read is not None and (read.value, read.settled) == ("planned", True)
    signed = "The park signed contracts worth 3 billion yuan."  # "signed" is part of "signed contracts"
    read = basis(signed, Span(0, len(signed), signed), "yuan", at=signed.index("3 billion"))
    assert read is not None and (read.value, read.settled) == ("contracted", True)
    cover = "The park plans to cover about 2,600 mu by 2027."  # "cover" is what is planned, not a state
    read = basis(cover, Span(0, len(cover), cover), "mu", at=cover.index("about"))
    assert read is not None and (read.value, read.settled) == ("planned", True)


def test_a_unit_the_vocabulary_reads_but_does_not_record_is_left_to_the_curator(corpus_package, tmp_path):
    """ "6 square kilometers": units.csv reads km2 but records no value in it (no `normalised`), so the
    statistics schema does not allow it; the draft leaves the unit marked (draft-unfilled) instead of
    writing a value that validate refuses as enum-violation and unit-mismatch."""
    text = tmp_path / "area.txt"
    text.write_text(
        "Sample park grows\n\nThe Sample Nanning Digital Park plans to expand its area to 6 square kilometers "
        "by 2028, the park said.\n",
        encoding="utf-8",
    )
    add = ["--title", "Sample park grows", "--publisher", "Invented", "--date", "2025-05-20"]
    result = run("add-source", text, *add, "--root", corpus_package)
    assert result.exit_code == 0, result.output
    sid = re.search(r"as source ([0-9]{3})", result.output).group(1)
    assert run("draft", sid, "--apply", "--root", corpus_package).exit_code == 0
    area = next(r for r in rows(corpus_package, "statistics") if r["value_text"] == "6 square kilometers")
    assert area["unit"].startswith(FILL), area
    report = validate(corpus_package, publication=False)
    unit = [f for f in report.errors if f.field == "unit"]
    assert unit and all(f.rule == "draft-unfilled" for f in unit), [f.to_dict() for f in unit]


def drafted_rows(root: Path, tmp_path: Path, body: str) -> dict[str, list[dict[str, str]]]:
    """The rows `draft --apply` adds to each table for a short invented text."""
    text = tmp_path / "said.txt"
    text.write_text("Sample park news\n\n" + body + "\n", encoding="utf-8")
    add = ["--title", "Sample park news", "--publisher", "Invented", "--date", "2025-05-20"]
    result = run("add-source", text, *add, "--root", root)
    assert result.exit_code == 0, result.output
    sid = re.search(r"as source ([0-9]{3})", result.output).group(1)
    before = {t: len(rows(root, t)) for t in RAW}
    result = run("draft", sid, "--apply", "--root", root)
    assert result.exit_code == 0, result.output
    return {t: rows(root, t)[before[t] :] for t in RAW}


def test_a_lower_case_speaker_is_a_guess_and_no_speaker_is_invented(corpus_package, tmp_path):
    """ "the park's management committee said": a speaker written in lower case is drafted as a guess at
    the attribution; a named speaker stays settled; a pronoun is no speaker, so nothing is filled."""
    new = drafted_rows(
        corpus_package,
        tmp_path,
        "In a statement, the park's management committee said on Wednesday that 18 projects were signed. "
        "A spokesperson for the zone says 42 firms have settled there. "
        "It said 7 warehouses were built. "
        "Wang Lin said 9 roads were finished.",
    )
    got = {r["value_text"]: r["attribution_text"] for r in new["statistics"]}
    G = FILL + "?"
    assert got == {
        "18": G + "the park's management committee said",
        "42": G + "A spokesperson for the zone says",
        "7": "",
        "9": "Wang Lin said",
    }


def test_a_name_inside_a_longer_name_is_not_proposed_on_its_own(corpus_package, tmp_path):
    """ "The 2nd China-ASEAN Port Logistics Forum": "China-ASEAN Port" and "2nd China-ASEAN Port" lie
    inside the forum's name, so they are no parks; a name that also stands alone elsewhere still is."""
    new = drafted_rows(
        corpus_package,
        tmp_path,
        "The 2nd China-ASEAN Port Logistics Forum opened in Nanning with 300 guests. "
        "The Sample Qinzhou Bonded Port Area Forum drew 50 firms. "
        "The Sample Qinzhou Bonded Port Area covers 10 square kilometres.",
    )
    assert [r["name"] for r in new["parks"]] == ["Sample Qinzhou Bonded Port Area"]
    assert [r["name"] for r in new["events"]] == [
        "2nd China-ASEAN Port Logistics Forum",
        "China-ASEAN Port Logistics Forum",
        "Sample Qinzhou Bonded Port Area Forum",
    ]

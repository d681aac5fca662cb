"""add-source, draft and quote on a short invented text, and the draft measured against the curated data.

The round trip is the promise of `zonedata draft`: its rows, once the FILL cells are filled and
the rows appended to data/raw, pass `zonedata validate` (and coverage) with no other edit."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from zonedata.base.paths import Paths
from zonedata.checks.coverage import coverage
from zonedata.checks.markers import FILL
from zonedata.cli import cli
from zonedata.curate.draft import draft
from zonedata.loading.schema import load_schema
from zonedata.loading.vocabulary import load_vocabulary
from zonedata.validate import validate

HERE = Path(__file__).parent
REPO = HERE.parent
BASE = HERE / "corpus" / "base"
TEXT = HERE / "fixtures" / "draft" / "lakeside.txt"
ADD = [
    "--title",
    "Lakeside Valley Industrial Park reports a busy start to the year",
    "--publisher",
    "Invented",
    "--date",
    "2025-03-03",
    "--url",
    "https://example.org/lakeside",
    "--external",
    "url",
]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def added(corpus_package: Path) -> str:
    result = run("add-source", TEXT, *ADD, "--root", corpus_package)
    assert result.exit_code == 0, result.output
    return re.search(r"as source ([0-9]{3})", result.output).group(1)


def test_add_source_copies_the_bytes_under_their_hash(corpus_package):
    import hashlib

    data = TEXT.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    dry = run("add-source", TEXT, *ADD, "--root", corpus_package, "--dry-run")
    assert dry.exit_code == 0 and "would store" in dry.output
    assert not list((corpus_package / "seeds").glob(f"*_{sha[:16]}.txt"))
    sid = added(corpus_package)
    assert sid == "004"  # the base holds 001 and 003
    stored = corpus_package / "seeds" / f"004_{sha[:16]}.txt"
    assert stored.read_bytes() == data
    row = list(csv.DictReader((corpus_package / "seeds" / "sources.csv").open(encoding="utf-8")))[-1]
    assert (
        row["source_id"],
        row["file"],
        row["sha256"],
        row["date_published"],
        row["date_published_text"],
        row["external_fields"],
    ) == ("004", stored.name, sha, "2025-03-03", "March 3, 2025", "url")
    assert validate(corpus_package, publication=False).valid


def test_add_source_refuses_duplicates_bad_rows_and_non_text(corpus_package, tmp_path):
    sid = added(corpus_package)
    before = (corpus_package / "seeds" / "sources.csv").read_bytes()
    again = run("add-source", TEXT, *ADD, "--root", corpus_package)
    assert again.exit_code == 1 and "source-duplicate" in again.output and f"source {sid}" in again.output
    other = tmp_path / "other.txt"
    other.write_text("A different text of 12 words.\n", encoding="utf-8")
    bad_date = run("add-source", other, "--title", "t", "--date", "2025-13-40", "--root", corpus_package)
    assert bad_date.exit_code == 1 and "date_published" in bad_date.output
    no_title = run("add-source", other, "--root", corpus_package)
    assert no_title.exit_code == 1 and "title" in no_title.output and "required" in no_title.output
    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9 12 projects\n".encode("latin-1"))
    assert run("add-source", latin, "--title", "t", "--root", corpus_package).exit_code == 1
    assert run("add-source", tmp_path / "missing.txt", "--title", "t", "--root", corpus_package).exit_code == 2
    assert run("add-source", other, "--title", "t", "--set", "nonsense=1", "--root", corpus_package).exit_code == 2
    assert (corpus_package / "seeds" / "sources.csv").read_bytes() == before
    assert len(list((corpus_package / "seeds").glob("*.txt"))) == 3


def test_quote_prints_the_stored_sentence_with_offsets(corpus_package):
    sid = added(corpus_package)
    text = next((corpus_package / "seeds").glob(f"{sid}_*.txt")).read_text(encoding="utf-8")
    result = run(
        "quote", sid, "more  than 800 mu", "--root", corpus_package
    )  # white space is normalised as validate does
    assert result.exit_code == 0
    start, end, quote = re.fullmatch(r"004 ([0-9]+)-([0-9]+): (.*)\n", result.output).groups()
    assert quote == "The park covers more than 800 mu." == text[int(start) : int(end)]
    js = json.loads(run("quote", sid, "one valley, two harbours", "--root", corpus_package, "--format", "json").output)
    assert (
        js["sentences"][0]["quote"] == "Visitors call it “one valley, two harbours”."
    )  # curly quotes matched by straight ones
    missing = run("quote", sid, "900 mu", "--root", corpus_package)
    assert missing.exit_code == 1 and "no sentence" in missing.output
    assert run("quote", "999", "mu", "--root", corpus_package).exit_code == 2


def parse_draft(text: str) -> dict[str, list[dict]]:
    sections, dest, buf = {}, None, []
    for line in text.splitlines(keepends=True) + ["## end\n"]:
        if line.startswith("## "):
            if dest:
                sections[dest] = list(csv.DictReader(io.StringIO("".join(buf))))
            dest, buf = line[3:].rsplit(" (", 1)[0], []
        elif dest and not line.startswith("#") and line.strip():
            buf.append(line)
    return sections


def fill(corpus_package: Path, sections: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """What a curator does: an id for each FILL:x, a subject, and a value in every other FILL cell."""
    paths = Paths(corpus_package)
    ids = {}
    for rows in sections.values():
        for r in rows:
            for v in r.values():
                if v.startswith(FILL + ":") and v not in ids:
                    n = len(ids) + 1
                    ids[v] = f"stat-{9000 + n}" if "stat-" in v else f"lakeside-{n}"
    park = next(
        ids[r["park_id"]] for r in sections["data/raw/parks.csv"] if r["name"] == "Lakeside Valley Industrial Park"
    )
    for dest, rows in sections.items():
        table = Path(dest).stem
        schema = (
            load_schema(paths, table, load_vocabulary(paths)[0]) if (paths.schemas / f"{table}.json").exists() else None
        )
        for r in rows:
            for k, v in list(r.items()):
                if v.startswith(FILL + "?"):  # a guess: the curator confirms it
                    r[k] = ids.get(v[len(FILL) + 1 :], v[len(FILL) + 1 :])
                elif v in ids:
                    r[k] = ids[v]
                elif v == FILL:
                    f = schema.field(k)
                    enum = f.constraints.get("enum")
                    r[k] = {"subject_table": "parks", "subject_id": park}.get(k) or (
                        enum[0] if enum else "false" if f.type == "boolean" else "filled by the curator"
                    )
    return sections


def test_a_filled_draft_passes_validate_and_coverage_unchanged(corpus_package):
    sid = added(corpus_package)
    result = run("draft", sid, "--root", corpus_package)
    assert result.exit_code == 0
    sections = parse_draft(result.output)
    stats = sections["data/raw/statistics.csv"]
    drafted = {(r["value_text"], r["value"], r["scale"], r["unit"], r["qualifier"]) for r in stats}
    assert drafted == {
        ("42", "42", "", "count", "exact"),
        ("about 3.5 billion yuan", "3.5", "billion", "yuan", "about"),
        ("more than 800 mu", "800", "", "mu", "more_than"),
        ("RMB 1.2 billion", "1.2", "billion", "RMB", "exact"),
        ("12%", "12", "", "%", "exact"),
        ("nearly 300", "300", "", "count", "nearly"),
        ("second largest", "2", "", "rank", "exact"),
    }
    first = next(r for r in stats if r["value_text"] == "42")
    assert (first["period_text"], first["period_start"], first["period_end"], first["period_basis"]) == (
        "in the first two months of this year",
        "2025-01-01",
        "2025-02-28",
        "dateline",
    )
    names = {(d, r["name"]) for d, rows in sections.items() for r in rows if "name" in r}
    assert {
        ("data/raw/parks.csv", "Lakeside Valley Industrial Park"),
        ("data/raw/projects.csv", "Lakeside solar glass demonstration project"),
        ("data/raw/events.csv", "Riverton Trade Expo"),
    } <= names
    phrases = {r["phrase"] for r in sections["seeds/coverage_exclusions.csv"]}
    assert phrases == {"March 3, 2025", "one valley, two harbours", "Page 1 2 3"}

    # copied in as drafted: validate says exactly what is left to fill, cell by cell, and nothing else
    def append(sections):
        for dest, rows in sections.items():
            path = corpus_package / dest
            if not path.exists():
                path.write_text(",".join(rows[0]) + "\n", encoding="utf-8")
            with path.open("a", encoding="utf-8", newline="") as fh:
                csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n").writerows(rows)

    saved = {
        p: p.read_bytes()
        for p in [*(corpus_package / "data" / "raw").glob("*.csv"), corpus_package / "seeds" / "sources.csv"]
    }
    append(sections)
    report = validate(corpus_package, publication=False)
    unfilled = [f for f in report.errors if f.rule == "draft-unfilled"]
    n_marks = sum(
        v == FILL or v.startswith((FILL + ":", FILL + "?"))
        for rows in sections.values()
        for r in rows
        for v in r.values()
    )
    assert len(unfilled) == n_marks and {f.rule for f in report.errors} == {"draft-unfilled"}
    f = next(f for f in unfilled if f.field == "indicator")
    assert f.file == "data/raw/statistics.csv" and "fill in one of" in f.message

    for p, data in saved.items():
        p.write_bytes(data)
    (corpus_package / "seeds" / "coverage_exclusions.csv").unlink(missing_ok=True)
    filled = fill(corpus_package, parse_draft(result.output))
    append(filled)
    report = validate(corpus_package, publication=False)
    assert report.valid, [(f.rule, f.file, f.line, f.field, f.message) for f in report.errors]
    cov = coverage(corpus_package)
    assert not cov.mentions.filter(
        (cov.mentions["source_id"] == sid) & (cov.mentions["status"] == "unaccounted")
    ).height
    # and the source is finished: a second draft has nothing new
    again = run("draft", sid, "--root", corpus_package)
    assert again.exit_code == 0 and "nothing new" in again.output and "##" not in again.output


def test_draft_out_never_into_the_package_folders(corpus_package, tmp_path):
    sid = added(corpus_package)
    for bad in ("data/raw/statistics.csv", "seeds/x.csv", "schemas/x.json", str(tmp_path / "outside.csv")):
        result = run(
            "draft", sid, "--root", corpus_package, "--out", corpus_package / bad if not bad.startswith("/") else bad
        )
        assert result.exit_code == 2, (bad, result.output)
    before = (corpus_package / "data" / "raw" / "statistics.csv").read_bytes()
    ok = run("draft", sid, "--root", corpus_package, "--out", corpus_package / "draft-004.csv")
    assert ok.exit_code == 0 and "wrote draft-004.csv" in ok.output
    assert parse_draft((corpus_package / "draft-004.csv").read_text(encoding="utf-8"))["data/raw/statistics.csv"]
    assert (corpus_package / "data" / "raw" / "statistics.csv").read_bytes() == before
    assert run("draft", "999", "--root", corpus_package).exit_code == 2


def test_hostile_inputs_are_findings_or_usage_errors_never_writes(corpus_package, tmp_path):
    before = {p: p.read_bytes() for p in (corpus_package / "seeds").iterdir()}
    formula = run("add-source", TEXT, "--title", "=HYPERLINK(1)", "--root", corpus_package)
    assert formula.exit_code == 1 and "formula-injection" in formula.output
    unknown = run("add-source", TEXT, "--title", "t", "--external", "url,nonsense", "--root", corpus_package)
    assert unknown.exit_code == 1 and "'nonsense' is not a column" in unknown.output
    bad_url = run("add-source", TEXT, "--title", "t", "--url", "not a url", "--root", corpus_package)
    assert bad_url.exit_code == 1 and "[url]" in bad_url.output
    assert run("add-source", tmp_path, "--title", "t", "--root", corpus_package).exit_code == 2  # a folder
    assert run("add-source", TEXT, "--title", "t", "--root", tmp_path / "nowhere").exit_code == 2
    assert {p: p.read_bytes() for p in (corpus_package / "seeds").iterdir()} == before
    # a BOM and CRLF line ends are stored as they are, and quoted without the CR
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes("\ufeffA short invented note.\r\nThe park covers 45 mu.\r\n".encode("utf-8"))
    assert (
        run("add-source", crlf, "--title", "CRLF note", "--date", "2025-01-01", "--root", corpus_package).exit_code == 0
    )
    stored = next((corpus_package / "seeds").glob("004_*.txt"))
    assert stored.read_bytes() == crlf.read_bytes()
    assert run("quote", "004", "45 mu", "--root", corpus_package).output == "004 25-47: The park covers 45 mu.\n"
    assert stored.read_bytes().decode("utf-8")[25:47] == "The park covers 45 mu."
    # --out never replaces a file that is not a draft, nor goes into a hidden folder
    (corpus_package / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert run("draft", "004", "--root", corpus_package, "--out", corpus_package / "notes.txt").exit_code == 2
    assert (corpus_package / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert run("draft", "004", "--root", corpus_package, "--out", corpus_package / ".ci-draft").exit_code == 2
    assert run("draft", "004", "--root", corpus_package, "--out", corpus_package / "d.csv").exit_code == 0
    assert (
        run("draft", "004", "--root", corpus_package, "--out", corpus_package / "d.csv").exit_code == 0
    )  # an earlier draft: replaced


def test_nothing_is_written_through_a_link_that_leaves_the_package(corpus_package, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.move(corpus_package / "seeds", outside / "seeds")
    (corpus_package / "seeds").symlink_to(outside / "seeds")
    before = sorted(p.name for p in (outside / "seeds").iterdir())
    result = run("add-source", TEXT, *ADD, "--root", corpus_package)
    assert result.exit_code == 1 and "path-outside-root" in result.output
    assert sorted(p.name for p in (outside / "seeds").iterdir()) == before
    assert run("draft", "001", "--root", corpus_package).exit_code == 2
    assert run("quote", "001", "park", "--root", corpus_package).exit_code == 2


def test_draft_json_is_the_library_result(corpus_package):
    sid = added(corpus_package)
    result = run("draft", sid, "--root", corpus_package, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(json.dumps(draft(corpus_package, sid).to_dict()))
    assert json.loads(result.output)["left_to_fill"] == draft(corpus_package, sid).left_to_fill() > 0

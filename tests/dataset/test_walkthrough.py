"""The README's "Adding a new source" walkthrough, followed on its timed text
(tests/fixtures/draft/walkthrough.txt, invented) in a copy of the repository's package: add-source,
draft --review --apply, the first validate lists exactly the cells left to decide, the curator's
decisions fill them, and the second validate, coverage and build pass.

A fact of this dataset: the README names the ids the walkthrough gives (source 005, stat-0035 to stat-0040,
40 cells), which follow from the sources and records already in data/raw. When a source is added, the next
ids shift: update the README's walkthrough and the ids here (tests/dataset/README.md)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import REPO
from zonedata.cli import cli

TEXT = Path(__file__).parents[1] / "fixtures" / "draft" / "walkthrough.txt"
PARK = "sample-fangchenggang-eco-industrial-park"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def copy(tmp_path: Path, parts=("data", "schemas", "seeds", "metadata", "datapackage.json", "pyproject.toml")) -> Path:
    root = tmp_path / "pkg"
    root.mkdir()
    for part in parts:
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy)(REPO / part, root / part)
    return root


def edit(root: Path, table: str, changes: dict[str, dict[str, str]]) -> None:
    path = root / "data" / "raw" / f"{table}.csv"
    raw = path.read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    cols = list(rows[0])
    for r in rows:
        r.update(changes.get(r[cols[0]], {}))
    out = io.StringIO(newline="")
    w = csv.DictWriter(out, fieldnames=cols, lineterminator="\r\n" if "\r\n" in raw else "\n")
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(line + "\n")


def test_the_walkthrough_takes_the_text_to_a_valid_build_in_two_validate_rounds(tmp_path):
    root = copy(tmp_path)
    added = run(
        *("add-source", TEXT, "--title", "Sample park reports growth", "--publisher", "Invented"),
        *("--date", "2025-11-20", "--url", "https://example.org/walk", "--external", "url", "--root", root),
    )
    assert added.exit_code == 0 and "--review review-005.html --apply" in added.output, added.output
    applied = run("draft", "005", "--review", root / "review-005.html", "--apply", "--root", root)
    assert applied.exit_code == 0 and "40 cell(s) left to decide" in applied.output, applied.output
    first = run("validate", "--no-publication", "--root", root)
    errors = [line for line in first.output.splitlines() if " error " in line]
    assert first.exit_code == 1 and len(errors) == 40 and all("draft-unfilled" in e for e in errors), first.output
    assert "asean-china-centre" not in (root / "data" / "raw" / "statistics.csv").read_text(encoding="utf-8")
    subject = {"subject_table": "parks", "subject_id": PARK}
    ten_months = {"period_type": "period", "period_start": "2025-01-01", "period_end": "2025-10-31"}
    ten_months |= {"period_text": "in the same period", "period_basis": "dateline"}
    edit(
        root,
        "statistics",
        {
            "stat-0035": subject
            | {"indicator": "projects_attracted", "label": "new projects attracted", "basis": "actual"}
            | {"quantity_kind": "flow"},
            "stat-0036": subject
            | {"indicator": "contracted_investment", "label": "contract investment of the new projects"}
            | {"quantity_kind": "flow"},
            "stat-0037": subject
            | {"indicator": "industrial_output_value", "label": "industrial output value", "basis": "actual"}
            | {"quantity_kind": "flow"}
            | ten_months,
            "stat-0038": subject | {"label": "growth of the industrial output value", "basis": "actual"} | ten_months,
            "stat-0039": subject
            | {"indicator": "enterprises_operating", "label": "enterprises operating", "basis": "actual"}
            | {"quantity_kind": "stock", "period_type": "as_at", "period_start": "2025-11-20"}
            | {"period_end": "2025-11-20", "period_text": "now", "period_basis": "dateline"},
            "stat-0040": subject | {"indicator": "planned_area", "label": "planned area", "quantity_kind": "stock"},
        },
    )
    edit(root, "parks", {PARK: {"name_type": "proper", "kind": "industrial_park", "status": "operating"}})
    edit(root, "parks", {PARK: {"status_text": "More than 90 enterprises now operate in the park"}})
    series = "sample-beibu-gulf-green-industry-forum"
    edit(root, "events", {f"2nd-{series}": {"name_type": "proper"}, series: {"name_type": "proper"}})
    vocabulary = root / "metadata" / "vocabulary" / "indicators.csv"
    append(vocabulary, "enterprises_operating,number of enterprises operating in a park")
    append(vocabulary, "projects_attracted,number of new projects a park attracted")
    quoted = run("quote", "005", "now operate", "--root", root)
    sentence = re.search(r"005 [0-9]+-[0-9]+: (.*)", quoted.output).group(1)
    append(root / "data" / "raw" / "citations.csv", f"parks,{PARK},005,{sentence},")
    append(root / "seeds" / "coverage_exclusions.csv", '005,"Nov. 20, 2025","the dateline of the text, not a figure"')
    second = run("validate", "--no-publication", "--root", root)
    assert second.exit_code == 0, second.output
    assert run("coverage", "--root", root).exit_code == 0
    built = run("build", "--root", root)
    assert built.exit_code == 0, built.output
    assert run("validate", "--root", root).exit_code == 0


def test_add_source_in_a_copy_without_pyproject_stores_the_text_and_says_why_nothing_was_rebuilt(tmp_path):
    root = copy(tmp_path, ("data", "schemas", "seeds", "metadata", "datapackage.json"))
    added = run(
        *("add-source", TEXT, "--title", "t", "--publisher", "p", "--date", "2025-11-20"),
        *("--url", "https://example.org/w", "--external", "url", "--root", root),
    )
    assert added.exit_code == 0, added.output
    assert re.search(r"stored seeds/[0-9]{3}_", added.output) and "pyproject.toml is missing" in added.output
    assert "not rebuilt" in added.output

"""The R reader (tests/read_package.R, Debian's r-base-core, r-cran-readr and r-cran-jsonlite): it reads the
published package with the declared types and checks keys, required fields and every citation's offsets,
and it reports what is wrong in a broken package instead of passing it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "read_package.R"


def _rscript() -> str:
    path = shutil.which("Rscript")
    if path and subprocess.run([path, "-e", "library(readr); library(jsonlite)"], capture_output=True).returncode == 0:
        return path
    if os.environ.get("CI"):
        pytest.fail(
            "Rscript with readr and jsonlite is missing: .ci/run installs r-base-core r-cran-readr r-cran-jsonlite"
        )
    pytest.skip("needs Rscript with readr and jsonlite (apt-get install r-base-core r-cran-readr r-cran-jsonlite)")


@pytest.fixture(scope="module")
def rscript() -> str:
    return _rscript()


def read(rscript: str, package: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([rscript, str(SCRIPT), str(package), *extra], capture_output=True, text=True, timeout=120)


@pytest.fixture
def package(tmp_path) -> Path:
    """A copy of the repository's published package and its stored texts."""
    if not (ROOT / "datapackage.json").is_file():
        pytest.skip("the repository has not been built yet (run zonedata build)")
    shutil.copy(ROOT / "datapackage.json", tmp_path)
    shutil.copytree(ROOT / "data" / "clean", tmp_path / "data" / "clean")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path


def edit_csv(path: Path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    edit(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_the_published_package_reads_with_its_types_and_every_quote_is_at_its_offsets(rscript):
    result = read(rscript, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    csvs = [r for r in descriptor["resources"] if r.get("format") == "csv"]
    for resource in csvs:
        with (ROOT / resource["path"]).open(newline="", encoding="utf-8") as fh:
            rows = sum(1 for _ in csv.reader(fh)) - 1
        assert f"{resource['name']}: {rows} rows, {len(resource['schema']['fields'])} fields" in result.stdout
    with (ROOT / "data" / "clean" / "citations.csv").open(newline="", encoding="utf-8") as fh:
        quotes = sum(1 for _ in csv.reader(fh)) - 1
    assert f"citations-csv: {quotes} quotes checked" in result.stdout
    assert result.stdout.rstrip().endswith(f"valid: {len(csvs)} CSV resources read with their declared types")


def set_cell(path: Path, row: int, field: str, value) -> str:
    """Set data row `row` (1-based) of `field` to value(old) or value; returns the old value."""
    old = []

    def edit(rows):
        column = rows[0].index(field)
        old.append(rows[row][column])
        rows[row][column] = value(rows[row][column]) if callable(value) else value

    edit_csv(path, edit)
    return old[0]


def test_broken_keys_required_fields_types_and_offsets_are_reported(rscript, package):
    clean = package / "data" / "clean"
    rows = []
    edit_csv(clean / "parks.csv", lambda r: (r.append(list(r[1])), rows.append(len(r) - 1)))  # key repeated
    set_cell(clean / "projects.csv", 2, "name", "")  # required
    set_cell(clean / "events.csv", 1, "is_series", "perhaps")  # not a boolean
    set_cell(clean / "statistics.csv", 3, "value", "12,3.4")  # not a number
    set_cell(clean / "citations.csv", 5, "quote_start", lambda v: str(int(v) + 1))  # offset off by one

    result = read(rscript, package)
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert f"ERROR parks-csv: primary key (park_id) repeated in rows {rows[0]}" in out
    assert f"ERROR parks-csv: field park_id must be unique; repeated in rows {rows[0]}" in out
    assert "ERROR projects-csv: field name is required but missing in rows 2" in out
    assert "ERROR events-csv: field is_series: 1 value(s) are not a valid boolean (rows 1: 'perhaps')" in out
    assert "ERROR statistics-csv: field value: 1 value(s) are not a valid number (rows 3: '12,3.4')" in out
    assert "ERROR citations-csv: row 5: substr(text of" in out and "not the quote" in out
    assert out.rstrip().endswith("6 problem(s)")


def test_a_header_that_is_not_the_schema_is_reported(rscript, package):
    edit_csv(package / "data" / "clean" / "regions.csv", lambda rows: rows[0].reverse())
    result = read(rscript, package)
    assert result.returncode == 1
    assert "ERROR regions-csv: the header (notes," in result.stdout


def test_without_the_texts_the_citations_are_not_checked_and_the_reader_says_so(rscript, package):
    shutil.rmtree(package / "seeds")
    result = read(rscript, package)
    assert result.returncode == 0, result.stdout
    assert "citations: not checked against the texts" in result.stdout


def test_table_schema_v2_list_fields_are_read_as_typed_lists(rscript, tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tags.csv").write_text(
        'tag_id,years,labels\nt1,"2019,2024",a;b\nt2,,\nt3,"2020,soon",c\n', encoding="utf-8"
    )
    (tmp_path / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "lists",
                "resources": [
                    {
                        "name": "tags-csv",
                        "path": "data/tags.csv",
                        "format": "csv",
                        "schema": {
                            "primaryKey": ["tag_id"],
                            "fields": [
                                {"name": "tag_id", "type": "string", "constraints": {"required": True}},
                                {"name": "years", "type": "list", "itemType": "integer"},
                                {"name": "labels", "type": "list", "delimiter": ";", "constraints": {"required": True}},
                            ],
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    result = read(rscript, tmp_path)
    assert result.returncode == 1
    assert (
        "ERROR tags-csv: field years: 1 value(s) are not a valid list of integer (rows 3: '2020,soon')" in result.stdout
    )
    assert "ERROR tags-csv: field labels is required but missing in rows 2" in result.stdout
    assert "2 problem(s)" in result.stdout


def test_a_quote_that_differs_only_as_the_safe_normalisation_allows_is_listed_not_failed(rscript, package):
    set_cell(
        package / "data" / "clean" / "citations.csv",
        1,
        "quote",
        lambda quote: quote.replace(" ", "\u00a0", 1).replace("-", "\u2013", 1),
    )
    result = read(rscript, package)
    assert result.returncode == 0, result.stdout
    assert re.search(r"equal after the safe normalisation: rows 1(,|\))", result.stdout)


def test_the_readme_r_snippet_for_debian_packages_runs(rscript):
    from test_readme_snippets import snippets

    (snippet,) = [s for s in snippets("r") if "library(readr)" in s]
    assert "frictionless" not in snippet and "arrow" not in snippet
    check = (
        snippet + "stopifnot(nrow(problems(statistics)) == 0, is.numeric(statistics$value), "
        'inherits(statistics$period_end, "Date"))\ncat("rows", nrow(statistics), "\\n")\n'
    )
    out = subprocess.run([rscript, "-e", check], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    with (ROOT / "data" / "clean" / "statistics.csv").open(newline="", encoding="utf-8") as fh:
        assert out.stdout.split() == ["rows", str(sum(1 for _ in csv.reader(fh)) - 1)]


def _latest_archive() -> Path:
    releases = json.loads((ROOT / "releases" / "releases.json").read_text(encoding="utf-8"))
    entries = releases["releases"] if isinstance(releases, dict) else releases
    archive = ROOT / entries[-1]["archive"]
    if not archive.is_file():
        pytest.skip(f"{archive.name} is not in this clone")
    return archive


def test_an_unzipped_release_archive_reads_with_no_problem_and_says_the_offsets_need_the_texts(rscript, tmp_path):
    """A release archive carries seeds/sources.csv but not the texts (they are not redistributed): the
    reader checks types, keys and required fields with 0 problems and says the offsets cannot be checked."""
    import zipfile

    with zipfile.ZipFile(_latest_archive()) as zf:
        zf.extractall(tmp_path)
    assert (tmp_path / "seeds" / "sources.csv").is_file() and not list((tmp_path / "seeds").glob("*.txt"))
    result = read(rscript, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "problem" not in result.stdout and "ERROR" not in result.stdout
    assert "the quote offsets cannot be checked without them, types, keys and required fields were" in result.stdout
    csvs = [r for r in json.loads((tmp_path / "datapackage.json").read_text())["resources"] if r.get("format") == "csv"]
    assert result.stdout.rstrip().endswith(f"valid: {len(csvs)} CSV resources read with their declared types")
    # and everything else is still checked there: a broken value in the archive is a problem
    set_cell(tmp_path / "data" / "clean" / "statistics.csv", 3, "value", "12,3.4")
    broken = read(rscript, tmp_path)
    assert broken.returncode == 1
    assert "ERROR statistics-csv: field value: 1 value(s) are not a valid number (rows 3: '12,3.4')" in broken.stdout
    assert broken.stdout.rstrip().endswith("1 problem(s)")


def test_one_missing_text_beside_the_others_is_a_problem(rscript, package):
    next(iter(sorted((package / "seeds").glob("00[0-9]_*.txt")))).unlink()
    result = read(rscript, package)
    assert result.returncode == 1 and "does not exist" in result.stdout

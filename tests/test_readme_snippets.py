"""The Python snippets in README.md's "Using the data" section run as written, from the repository root.

The R snippet that needs only Debian's packages runs in tests/test_r_reader.py; the CRAN one
(frictionless, arrow) is documentation only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SECTION = "## Using the data"


def section_text() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    following = re.search(r"^## ", text[start + len(SECTION) :], flags=re.M)
    return text[start : start + len(SECTION) + following.start()] if following else text[start:]


def snippets(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", section_text(), flags=re.M | re.S)


def test_the_section_has_snippets_for_polars_pandas_duckdb_and_r():
    python = "\n".join(snippets("python"))
    for library in ("zonedata.load", "pl.read_parquet", "pd.read_parquet", "duckdb"):
        assert library in python
    assert any("read_resource" in s for s in snippets("r"))


@pytest.mark.parametrize("index", range(len(snippets("python"))))
def test_python_snippet_runs(index, monkeypatch, capsys):
    assert (REPO / "datapackage.json").is_file(), "the repository is not built: run zonedata build"
    pytest.importorskip("pandas")
    pytest.importorskip("duckdb")
    monkeypatch.chdir(REPO)
    exec(compile(snippets("python")[index], f"README.md snippet {index + 1}", "exec"), {"__name__": "__readme__"})
    assert capsys.readouterr().out.strip(), "the snippet prints something"

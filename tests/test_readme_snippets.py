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


def _shell_commands() -> list[str]:
    """Every command line of README.md's `sh` blocks, without its comment."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^ *```sh\n(.*?)^ *```", text, flags=re.M | re.S)
    return [line.split(" #", 1)[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_commands_name_what_the_repository_has():
    """A command pasted from the README runs here: it names released versions and archives that exist, no
    `X.Y.Z` placeholder, and installs zonedata from this repository (it is not on the package index)."""
    import json

    released = {r["version"] for r in json.loads((REPO / "releases" / "releases.json").read_text(encoding="utf-8"))}
    sources = {line.split(",", 1)[0] for line in (REPO / "seeds" / "sources.csv").read_text().splitlines()[1:]}
    commands = _shell_commands()
    assert commands
    for command in commands:
        assert "X.Y.Z" not in command, command
        assert not re.search(r"pip install (-U )?zonedata\b", command), (
            f"zonedata is not on the package index: {command}"
        )
        for archive in re.findall(r"releases/zonedata-[\w.]+\.zip", command):
            assert (REPO / archive).is_file(), command
        diff = re.search(r"zonedata diff (\S+) ?(\S+)?", command)
        if diff:
            for version in diff.groups():
                assert version is None or not re.fullmatch(r"\d+\.\d+\.\d+", version) or version in released, command
        quote = re.search(r"zonedata quote (\d+)", command)
        if quote:
            assert quote.group(1) in sources, command

"""`zonedata init` (issue 20): a new package that validates and builds at once, written atomically."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from zonedata.cli import cli
from zonedata.curate import newpackage
from zonedata.loading.dataset import load_dataset
from zonedata.validate import validate


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_init_writes_a_package_that_validates_and_builds(tmp_path):
    dest = tmp_path / "eu-parks"
    result = invoke("init", dest, "--title", "European science parks", "--currency", "EUR")
    assert result.exit_code == 0, result.output
    assert validate(dest).valid
    ds = load_dataset(dest)
    assert (ds.roles.sources.table, ds.roles.citations.table, ds.roles.figures.table) == (
        "sources",
        "citations",
        "figures",
    )
    assert set(ds.schemas) == {"sources", "citations", "figures", "entities"}
    # empty raw tables: the header of the schema's raw fields, nothing else
    assert (dest / "seeds" / "sources.csv").read_text(encoding="utf-8").startswith("source_id,file,sha256,")
    assert (dest / "data" / "raw" / "figures.csv").read_text(encoding="utf-8").count("\n") == 1
    assert (dest / "seeds" / "coverage_exclusions.csv").read_text(encoding="utf-8") == "source_id,phrase,reason\n"
    meta = json.loads((dest / "metadata" / "package.json").read_text(encoding="utf-8"))
    assert meta["title"] == "European science parks" and meta["licenses"][0]["name"] == "CC-BY-4.0"
    assert meta["name"] == "eu-parks"  # the data package's name, and its release archives' <name>-X.Y.Z.zip
    assert 'name = "eu-parks"' in (dest / "pyproject.toml").read_text(encoding="utf-8")
    assert "EUR,EUR,,,EUR,eur,eur" in (dest / "metadata" / "vocabulary" / "units.csv").read_text(encoding="utf-8")
    readme = (dest / "README.md").read_text(encoding="utf-8")
    assert "# European science parks" in readme and "zonedata validate" in readme and "zonedata build" in readme
    assert json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))["version"] == "0.1.0"
    again = invoke("build", "--root", dest)
    assert again.exit_code == 0 and "0 files_written" in again.output, again.output


def test_init_names_the_tables_as_asked(tmp_path):
    dest = tmp_path / "pkg"
    result = invoke(
        "init", dest, "--title", "T", "--name", "survey", "--licence", "CC0-1.0",
        "--table", "sources=documents", "--table", "citations=evidence",
        "--table", "figures=measures", "--table", "entity=sites",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ds = load_dataset(dest)
    assert (ds.roles.sources.table, ds.roles.citations.table, ds.roles.figures.table) == (
        "documents",
        "evidence",
        "measures",
    )
    assert (dest / "seeds" / "documents.csv").is_file() and (dest / "data" / "raw" / "sites.csv").is_file()
    assert ds.schemas["sites"].primary_key == ("site_id",)
    assert json.loads((dest / "metadata/package.json").read_text())["licenses"][0]["title"].startswith("Creative")
    assert validate(dest).valid


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    dest = tmp_path / "full"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("init", dest, "--title", "T")
    assert result.exit_code == 2 and "is not empty" in result.output
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]  # no temporary folder left behind


def test_init_into_an_empty_folder(tmp_path):
    dest = tmp_path / "empty"
    dest.mkdir()
    assert invoke("init", dest, "--title", "T").exit_code == 0
    assert (dest / "datapackage.json").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--table", "entity=Sites"], "a table name is lower case"),
        (["--table", "entity=figures"], "a name of its own"),
        (["--table", "things=x"], "name one of sources, citations, figures, entity"),
        (["--table", "entity"], "ROLE=NAME"),
        (["--currency", "euro"], "ISO 4217"),
        (["--table", "sources=coverage_exclusions"], "the engine's own"),
        (["--name", "My Data"], "a package name is lower case"),
        (["--homepage", "example.org"], "http or https"),
    ],
)
def test_init_refuses_an_unusable_option_and_writes_nothing(tmp_path, args, words):
    result = invoke("init", tmp_path / "pkg", "--title", "T", *args)
    assert result.exit_code == 2 and words in result.output, result.output
    assert "Traceback" not in result.output and not list(tmp_path.iterdir())


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    def broken(root):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(newpackage, "_publish", broken)
    with pytest.raises(OSError):
        newpackage.init_package(tmp_path / "pkg", newpackage.NewPackage(title="T", name="t"))
    assert not list(tmp_path.iterdir())


def test_a_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "pkg").write_text("x", encoding="utf-8")
    result = invoke("init", tmp_path / "pkg", "--title", "T")
    assert result.exit_code == 2 and "not a folder" in result.output


def test_the_templates_are_package_data():
    """The wheel ships src/zonedata/curate/template/ (hatchling packs every file of src/zonedata)."""
    import zonedata.curate

    template = os.path.join(os.path.dirname(zonedata.curate.__file__), "template")
    assert os.path.isfile(os.path.join(template, "schemas", "figures.json"))


def test_a_currency_added_to_the_vocabulary_later_needs_no_schema_edit(tmp_path):
    dest = tmp_path / "pkg"
    assert invoke("init", dest, "--title", "T").exit_code == 0  # no --currency: no currency row yet
    with (dest / "metadata" / "vocabulary" / "units.csv").open("a", encoding="utf-8") as fh:
        fh.write("GBP,GBP,,,GBP,£|gbp,gbp|pounds,,,pound sterling\n")
    assert invoke("build", "--root", dest).exit_code == 0
    assert validate(dest).valid


def test_a_title_that_looks_like_a_placeholder_is_written_as_given(tmp_path):
    dest = tmp_path / "pkg"
    title = 'Parks {{licence}} & "quotes" {{nothing}}'
    assert invoke("init", dest, "--title", title).exit_code == 0
    assert json.loads((dest / "metadata" / "package.json").read_text(encoding="utf-8"))["title"] == title
    assert (dest / "README.md").read_text(encoding="utf-8").startswith(f"# {title}\n")

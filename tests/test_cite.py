"""`zonedata cite`: text, BibTeX and CFF renderings of CITATION.cff, and the metadata a release writes."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from zonedata.base.paths import Paths
from zonedata.cli import cli
from zonedata.release.cite import citation_metadata, dump_citation, zenodo_metadata

ROOT = Path(__file__).resolve().parents[1]

CFF = """cff-version: 1.2.0
message: If you use this dataset, please cite it using the metadata from this file.
type: dataset
title: 'zonedata: China-ASEAN industrial parks, projects & statistics'
authors:
- family-names: Tan
  given-names: Mei Ling
  orcid: https://orcid.org/0000-0002-1825-0097
- name: zonedata contributors
version: 1.2.0
date-released: '2026-03-04'
license: CC-BY-4.0
repository-code: https://github.com/zonedata/zonedata
keywords:
- ASEAN
"""


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def cited(tmp_path) -> Path:
    (tmp_path / "CITATION.cff").write_text(CFF, encoding="utf-8")
    return tmp_path


def test_text(cited):
    result = invoke("cite", "--root", cited)
    assert result.exit_code == 0
    assert result.output == (
        "Tan, M. L., & zonedata contributors (2026). zonedata: China-ASEAN industrial parks, "
        "projects & statistics (Version 1.2.0) [Data set]. https://github.com/zonedata/zonedata\n"
    )


def test_text_prefers_a_doi(cited):
    (cited / "CITATION.cff").write_text(CFF + "doi: 10.5281/zenodo.1234567\n", encoding="utf-8")
    assert invoke("cite", "--root", cited).output.endswith("[Data set]. https://doi.org/10.5281/zenodo.1234567\n")


def test_bibtex(cited):
    result = invoke("cite", "--root", cited, "--format", "bibtex")
    assert result.exit_code == 0
    assert (
        result.output
        == """@misc{zonedata-1.2.0,
  author = {Tan, Mei Ling and {zonedata contributors}},
  title = {{zonedata: China-ASEAN industrial parks, projects \\& statistics}},
  year = {2026},
  version = {1.2.0},
  url = {https://github.com/zonedata/zonedata},
  note = {Data set, version 1.2.0, released 2026-03-04; licence CC-BY-4.0}
}
"""
    )


def test_cff_is_the_file_as_is(cited):
    assert invoke("cite", "--root", cited, "--format", "cff").output == CFF


def test_before_the_first_release_the_citation_says_unreleased(release_package):
    root = release_package
    (root / "datapackage.json").write_text(
        json.dumps(
            {
                "title": "zonedata release fixture",
                "version": "0.1.0",
                "homepage": "https://example.org/z",
                "contributors": [{"title": "zonedata contributors", "roles": ["creator"]}],
            }
        )
    )
    out = invoke("cite", "--root", root).output
    assert (
        out == "zonedata contributors (n.d.). zonedata release fixture (Version 0.1.0, unreleased) [Data set]. "
        "https://example.org/z\n"
    )
    assert "(unreleased)" in invoke("cite", "--root", root, "--format", "bibtex").output
    cff = yaml.safe_load(invoke("cite", "--root", root, "--format", "cff").output)
    assert cff["version"] == "0.1.0" and "date-released" not in cff


def test_nothing_to_cite_is_a_usage_error(tmp_path):
    result = invoke("cite", "--root", tmp_path)
    assert result.exit_code == 2 and "run `zonedata build`" in result.output


def test_unreadable_citation_is_a_usage_error(tmp_path):
    (tmp_path / "CITATION.cff").write_text("title: [unclosed\n")
    result = invoke("cite", "--root", tmp_path)
    assert result.exit_code == 2 and "not valid YAML" in result.output and "Traceback" not in result.output


def test_release_metadata_keeps_curated_keys_and_sets_version_and_date(release_package):
    paths = Paths(release_package)
    existing = yaml.safe_load(CFF) | {"preferred-citation": {"type": "dataset", "title": "x", "authors": []}}
    cff = citation_metadata(paths, "1.3.0", "2026-05-01", existing, descriptor={"title": "ignored"})
    assert cff["version"] == "1.3.0" and cff["date-released"] == "2026-05-01"
    assert cff["title"] == existing["title"] and cff["authors"] == existing["authors"]
    assert "preferred-citation" in cff and list(cff)[:3] == ["cff-version", "message", "type"]
    zenodo = zenodo_metadata(cff, {"communities": [{"identifier": "asean"}], "version": "stale"})
    assert zenodo["version"] == "1.3.0" and zenodo["communities"] == [{"identifier": "asean"}]
    assert zenodo["creators"] == [
        {"name": "Tan, Mei Ling", "orcid": "0000-0002-1825-0097"},
        {"name": "zonedata contributors"},
    ]
    assert "copyright remains with their publishers" in zenodo["notes"]


def _cffconvert() -> Path | None:
    path = ROOT / ".venv-cff" / "bin" / "cffconvert"
    return path if path.is_file() else (Path(p) if (p := shutil.which("cffconvert")) else None)


@pytest.mark.skipif(_cffconvert() is None, reason="cffconvert lives in .venv-cff, which .ci/run creates")
def test_written_citation_passes_cffconvert(tmp_path, release_package):
    paths = Paths(release_package)
    descriptor = json.loads((release_package / "metadata" / "package.json").read_text())
    path = tmp_path / "CITATION.cff"
    for cff in (citation_metadata(paths, "1.0.0", "2026-01-15", descriptor=descriptor), yaml.safe_load(CFF)):
        path.write_text(dump_citation(cff), encoding="utf-8")
        out = subprocess.run([str(_cffconvert()), "--validate", "-i", str(path)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_the_bibtex_key_is_the_packages_name(cited):
    """The key names the package (metadata/package.json's name), not the engine."""
    (cited / "metadata").mkdir()
    (cited / "metadata" / "package.json").write_text('{"name": "lakeside-figures"}', encoding="utf-8")
    result = invoke("cite", "--root", cited, "--format", "bibtex")
    assert result.exit_code == 0 and result.output.startswith("@misc{lakeside-figures-1.2.0,\n"), result.output

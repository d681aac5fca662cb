"""Hostile and broken inputs to diff, release, cite and the CLI: each ends in a finding (exit 1) or a clear
exit-2 message, never "internal error", and nothing outside the package is read or written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import copy_package, copy_tree
from test_release import commit, git, make_released, repo, repo_once  # noqa: F401  (repo, repo_once: fixtures)
from zonedata.cli import cli
from zonedata.publish.build import build
from zonedata.release.diff import load as diff_module
from zonedata.validate import validate

pytestmark = pytest.mark.usefixtures("git_identity")  # commits in throwaway repositories

TESTS = Path(__file__).parent
VERSIONS = TESTS / "fixtures" / "versions"
V100 = VERSIONS / "1.0.0"
BASE = TESTS / "corpus" / "base"
DATE = "2026-01-15"


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture(scope="module")
def released_once(repo_once, tmp_path_factory) -> Path:
    """The repository `released` copies, made once a module (never changed itself)."""
    return make_released(repo_once, tmp_path_factory.mktemp("released") / "repo", tag=False)


@pytest.fixture
def released(released_once, tmp_path) -> Path:
    """A fresh copy of the fixture package's repository after its 1.0.0 release, committed (not tagged)."""
    return copy_tree(released_once, tmp_path / "repo")


def no_internal_error(result) -> None:
    assert "internal error" not in result.output and "Traceback" not in result.output, result.output


# --- diff: fields renamed, damaged descriptors -------------------------------------------------


def rename_every_field(folder: Path, table: str = "parks") -> None:
    descriptor_path = folder / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text())
    for res in descriptor["resources"]:
        if res.get("format") == "csv" and res["name"] == f"{table}-csv":
            schema = res["schema"]
            new = {f["name"]: f["name"] + "_renamed" for f in schema["fields"]}
            for f in schema["fields"]:
                f["name"] = new[f["name"]]
            schema["primaryKey"] = [new[k] for k in schema["primaryKey"]]
            schema.pop("foreignKeys", None)
            csv_path = folder / res["path"]
            header, rest = csv_path.read_text().split("\n", 1)
            csv_path.write_text(",".join(new[c] for c in header.split(",")) + "\n" + rest)
    descriptor_path.write_text(json.dumps(descriptor, indent=2))


def test_diff_after_every_field_was_renamed(tmp_path):
    """Before: a join on an empty key (InvalidOperationError: expected join keys)."""
    new = tmp_path / "new"
    copy_package(V100, new)
    rename_every_field(new)
    result = invoke("diff", V100, new)
    assert result.exit_code == 0, result.output
    no_internal_error(result)
    assert "parks: 3 added, 3 removed, 0 changed" in result.output
    assert "required version bump: major" in result.output
    as_json = json.loads(invoke("diff", V100, new, "--format", "json").output)
    assert as_json["summary"]["parks"] == {"added": 3, "removed": 3, "changed": 0, "rows_old": 3, "rows_new": 3}


def test_release_after_every_field_was_renamed(released):
    csv = released / "data" / "raw" / "parks.csv"
    header, rest = csv.read_text().split("\n", 1)
    csv.write_text(",".join(c + "_x" for c in header.split(",")) + "\n" + rest)
    schema_path = released / "schemas" / "parks.json"
    schema = json.loads(schema_path.read_text())
    for f in schema["fields"]:
        f["name"] += "_x"
    schema["primaryKey"] = [
        k + "_x" for k in ([schema["primaryKey"]] if isinstance(schema["primaryKey"], str) else schema["primaryKey"])
    ]
    for fk in schema.get("foreignKeys", []):
        fk["fields"] = [x + "_x" for x in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])]
        if not fk["reference"].get("resource"):
            fk["reference"]["fields"] = [
                x + "_x"
                for x in (
                    [fk["reference"]["fields"]]
                    if isinstance(fk["reference"]["fields"], str)
                    else fk["reference"]["fields"]
                )
            ]
    schema_path.write_text(json.dumps(schema, indent=2))
    other = [p for p in (released / "schemas").glob("*.json") if p.name != "parks.json"]
    for p in other:  # a reference to parks.park_id follows the rename
        p.write_text(p.read_text().replace('"park_id"', '"park_id_x"'))
    built = build(released)
    assert built.report.valid, [f.to_dict() for f in built.report.errors]
    commit(released)
    too_small = invoke("release", "--root", released, "--bump", "minor", "--date", DATE)
    no_internal_error(too_small)
    assert too_small.exit_code == 1 and "need a major release" in too_small.output
    ok = invoke("release", "--root", released, "--bump", "major", "--date", DATE)
    no_internal_error(ok)
    assert ok.exit_code == 0, ok.output


DAMAGED_DESCRIPTORS = [
    ("resources-not-objects", lambda d: d.update(resources=["a", 5]), 'resource 1 is "a", not an object'),
    ("resources-not-a-list", lambda d: d.update(resources={}), "not a Data Package descriptor"),
    (
        "primary-key-number",
        lambda d: d["resources"][0]["schema"].update(primaryKey=5),
        "primaryKey is not a field name",
    ),
    (
        "constraints-list",
        lambda d: d["resources"][0]["schema"]["fields"][1].update(constraints=[1]),
        "constraints is not an object",
    ),
    ("fields-number", lambda d: d["resources"][0]["schema"].update(fields=5), "fields are not a list"),
    (
        "field-number",
        lambda d: d["resources"][0]["schema"]["fields"].__setitem__(0, 5),
        "field 1 of its schema is not an object",
    ),
    (
        "field-name-null",
        lambda d: d["resources"][0]["schema"]["fields"][0].update(name=None),
        "field 1 of its schema is not an object with a name",
    ),
    (
        "field-twice",
        lambda d: d["resources"][0]["schema"]["fields"].append(dict(d["resources"][0]["schema"]["fields"][0])),
        "names a field twice",
    ),
    (
        "enum-number",
        lambda d: d["resources"][0]["schema"]["fields"][1].update(constraints={"enum": 5}),
        "enum is not a list",
    ),
    ("type-list", lambda d: d["resources"][0]["schema"]["fields"][1].update(type=[1]), "type is not text"),
    ("foreign-keys-number", lambda d: d["resources"][0]["schema"].update(foreignKeys=5), "foreignKeys is not a list"),
    (
        "foreign-key-string",
        lambda d: d["resources"][0]["schema"].update(foreignKeys=["x"]),
        "not an object with fields and a reference",
    ),
    ("unique-keys-number", lambda d: d["resources"][0]["schema"].update(uniqueKeys=[5]), "uniqueKeys"),
    ("missing-values-number", lambda d: d["resources"][0]["schema"].update(missingValues=5), "missingValues"),
    ("path-number", lambda d: d["resources"][0].update(path=5), "path is not text"),
    ("name-number", lambda d: d["resources"][0].update(name=5), "name is not text"),
    ("path-outside", lambda d: d["resources"][0].update(path="../../../etc/hostname"), "not a relative path inside"),
    ("schema-path-outside", lambda d: d["resources"][0].update(schema="/etc/hostname"), "not a relative path inside"),
    ("deep", lambda d: d.update(x="DEEP"), "nested too deeply"),
]


@pytest.mark.parametrize("case,edit,words", DAMAGED_DESCRIPTORS, ids=[c[0] for c in DAMAGED_DESCRIPTORS])
@pytest.mark.parametrize("side", ["old", "new"])
def test_diff_of_a_damaged_descriptor_is_a_usage_error(tmp_path, case, edit, words, side):
    bad = tmp_path / "bad"
    copy_package(V100, bad)
    descriptor = json.loads((bad / "datapackage.json").read_text())
    edit(descriptor)
    text = json.dumps(descriptor)
    if case == "deep":
        text = text.replace('"DEEP"', "[" * 100_000 + "]" * 100_000)
    (bad / "datapackage.json").write_text(text)
    args = (bad, V100) if side == "old" else (V100, bad)
    result = invoke("diff", *args)
    no_internal_error(result)
    assert result.exit_code == 2, result.output
    assert words in result.output, result.output


# --- diff: damaged and oversized zip archives ---------------------------------------------------


def zip_of(folder: Path, target: Path, compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(target, "w", compression) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def _member(data: bytes, name: str) -> tuple[int, zipfile.ZipInfo]:
    """Offset of a member's data and its info."""
    import io

    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return start, info


def _bad_crc(path: Path) -> None:
    data = bytearray(zip_of(V100, path, zipfile.ZIP_STORED).read_bytes())
    start, _ = _member(bytes(data), "datapackage.json")
    data[start + 20] ^= 0x01
    path.write_bytes(bytes(data))


def _broken_deflate(path: Path) -> None:
    data = bytearray(zip_of(V100, path).read_bytes())
    start, _ = _member(bytes(data), "datapackage.json")
    data[start] = 0xFF  # an invalid deflate block type
    data[start + 1] = 0xFF
    path.write_bytes(bytes(data))


def _set_header(path: Path, local: int, central: int, value: bytes) -> None:
    data = bytearray(zip_of(V100, path, zipfile.ZIP_STORED).read_bytes())
    for signature, offset in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset : at + offset + len(value)] = value
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


def _encrypted(path: Path) -> None:
    _set_header(path, 6, 8, struct.pack("<H", 1))


def _unknown_compression(path: Path) -> None:
    _set_header(path, 8, 10, struct.pack("<H", 99))


def _truncated(path: Path) -> None:
    path.write_bytes(zip_of(V100, path).read_bytes()[:300])


def _bomb(path: Path) -> None:
    """A 1 MB zip whose parks.csv expands to 600 MiB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(V100.rglob("*")):
            if p.is_file() and p.name != "parks.csv":
                zf.write(p, p.relative_to(V100).as_posix())
        with zf.open("data/clean/parks.csv", "w", force_zip64=True) as out:
            chunk = b"0" * (1 << 20)
            for _ in range(600):
                out.write(chunk)


def _many_members(path: Path, members: int = 5, mib: int = 1) -> None:
    """Members that each fit, but together expand beyond what diff reads from one archive."""
    descriptor = json.loads((V100 / "datapackage.json").read_text())
    template = next(r for r in descriptor["resources"] if r["name"] == "parks-csv")
    descriptor["resources"] = [
        {**template, "name": f"t{i}-csv", "path": f"data/clean/t{i}.csv"} for i in range(members)
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("datapackage.json", json.dumps(descriptor))
        header = ",".join(f["name"] for f in template["schema"]["fields"]).encode() + b"\n"
        for i in range(members):  # each a CSV with its schema's columns (a table lacking one is refused first)
            zf.writestr(f"data/clean/t{i}.csv", header + b"0" * ((mib << 20) - len(header)))


ZIPS = [
    ("bad-crc", _bad_crc, "Bad CRC-32"),
    ("broken-deflate", _broken_deflate, "damaged"),
    ("encrypted", _encrypted, "encrypted"),
    ("unknown-compression", _unknown_compression, "compression method"),
    ("truncated", _truncated, "not a readable zip"),
    ("empty", lambda p: p.write_bytes(b""), "not a readable zip"),
    ("bomb", _bomb, "zip bomb"),
]


@pytest.mark.parametrize("case,make,words", ZIPS, ids=[z[0] for z in ZIPS])
def test_diff_of_a_damaged_or_oversized_zip_is_a_usage_error(tmp_path, case, make, words):
    archive = tmp_path / f"{case}.zip"
    make(archive)
    result = invoke("diff", archive, V100)
    no_internal_error(result)
    assert result.exit_code == 2, result.output
    assert words in result.output, result.output


def test_members_that_fit_alone_but_not_together_are_refused(tmp_path, monkeypatch):
    """The total is bounded too (here at 3 MiB, to keep the test small; the real bound is 1 GiB)."""
    monkeypatch.setattr(diff_module, "MAX_ZIP_BYTES", 3 << 20)
    archive = tmp_path / "many.zip"
    _many_members(archive)
    result = invoke("diff", archive, V100)
    no_internal_error(result)
    assert result.exit_code == 2 and "zip bomb" in result.output and "with data/clean/t2.csv" in result.output


def test_the_zip_limit_is_checked_before_expanding(tmp_path, monkeypatch):
    """The bomb is refused from its declared size: nothing is decompressed."""
    archive = tmp_path / "bomb.zip"
    _bomb(archive)
    read = []
    real_read = zipfile.ZipFile.read
    monkeypatch.setattr(
        zipfile.ZipFile,
        "read",
        lambda self, name, pwd=None: read.append(getattr(name, "filename", name)) or real_read(self, name, pwd),
    )
    with pytest.raises(diff_module.ConfigError, match="zip bomb"):
        diff_module.load_version(archive)
    assert "data/clean/parks.csv" not in read


def test_a_good_zip_still_diffs(tmp_path):
    result = invoke("diff", zip_of(V100, tmp_path / "good.zip"), V100)
    assert result.exit_code == 0 and "no differences" in result.output


# --- release: dates, preserved manifest keys, tracked files only --------------------------------


@pytest.mark.parametrize(
    "date,words",
    [
        ("1970-01-01", "no earlier than 1980-01-01"),
        ("2200-01-01", "on or before today"),
        ("1979-12-31", "no earlier than 1980-01-01"),
        ("2026-1-5", "not a date"),
        ("20260105", "not a date"),
        ("yesterday", "not a date"),
    ],
)
def test_release_dates_a_zip_cannot_hold_are_usage_errors(repo, date, words):
    result = invoke("release", "--root", repo, "--version", "1.0.0", "--date", date)
    no_internal_error(result)
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert not (repo / "releases").exists() and git(repo, "status", "--porcelain") == ""


def test_a_release_dated_before_the_previous_one_is_refused(released):
    (released / "data" / "raw" / "parks.csv").write_text(
        (released / "data" / "raw" / "parks.csv").read_text() + "P9,Extra Park,10\n"
    )
    result = invoke("release", "--root", released, "--bump", "minor", "--date", "2026-01-14")
    assert result.exit_code == 2 and "before the latest release 1.0.0 (2026-01-15)" in result.output


def test_release_keeps_every_key_of_earlier_entries(released):
    """Before: a `doi` added to the 1.0.0 entry was dropped by the next release."""
    manifest_path = released / "releases" / "releases.json"
    manifest = json.loads(manifest_path.read_text())
    manifest[0]["doi"] = "10.5281/zenodo.1234567"
    manifest[0]["notes"] = {"deposited": True}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    csv = released / "data" / "raw" / "parks.csv"
    csv.write_text(csv.read_text().replace("Kuantan Industrial Park,1200", "Kuantan Industrial Park,1250"))
    assert build(released).report.valid
    commit(released)
    result = invoke("release", "--root", released, "--bump", "patch", "--date", DATE)
    assert result.exit_code == 0, result.output
    entries = json.loads(manifest_path.read_text())
    assert entries[0]["doi"] == "10.5281/zenodo.1234567" and entries[0]["notes"] == {"deposited": True}
    assert entries[0]["sha256"] == manifest[0]["sha256"] and entries[1]["version"] == "1.0.1"
    assert "doi" not in entries[1]


def test_the_archive_packs_only_files_git_tracks(repo):
    """Before: a git-ignored __pycache__ in data/clean/ went into the zip and its SHA256SUMS."""
    (repo / ".gitignore").write_text("__pycache__/\n*.pyc\n.DS_Store\n")
    commit(repo, "ignore")
    (repo / "data" / "clean" / "__pycache__").mkdir()
    (repo / "data" / "clean" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\x00secret")
    (repo / "data" / "clean" / ".DS_Store").write_bytes(b"junk")
    (repo / "schemas" / "x.pyc").write_bytes(b"junk")
    result = invoke("release", "--root", repo, "--version", "1.0.0", "--date", DATE)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(repo / "releases" / "zonedata-1.0.0.zip") as zf:
        names = zf.namelist()
        sums = zf.read("SHA256SUMS").decode()
    assert not any("__pycache__" in n or n.endswith((".pyc", ".DS_Store")) for n in names), names
    assert "__pycache__" not in sums and "DS_Store" not in sums
    assert "data/clean/parks.csv" in names and "CHANGELOG.md" in names  # at the top: a zipped Frictionless package


def test_release_refuses_a_symlinked_changelog(repo, tmp_path):
    """Before: a CHANGELOG.md linked outside the package was rewritten by the release, outside it."""
    outside = tmp_path / "outside-changelog.md"
    outside.write_text("# Changelog\n")
    (repo / "CHANGELOG.md").symlink_to(outside)
    commit(repo, "link")
    result = invoke("release", "--root", repo, "--version", "1.0.0", "--date", DATE)
    no_internal_error(result)
    assert result.exit_code == 1 and "path-outside-root" in result.output and "CHANGELOG.md" in result.output
    assert outside.read_text() == "# Changelog\n"
    assert not (repo / "releases").exists()


# --- CITATION.cff -------------------------------------------------------------------------------


def set_authors(root: Path, authors_yaml: str) -> int:
    """Replace the authors of CITATION.cff; returns the line of `authors:`."""
    path = root / "CITATION.cff"
    text = re.sub(r"(?ms)^authors:\n(?:[ -].*?\n)+", f"authors: {authors_yaml}\n", path.read_text())
    path.write_text(text)
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("authors:"))


@pytest.mark.parametrize(
    "authors,words",
    [
        ('"Jane Doe"', "authors must be a list of persons or entities, not 'Jane Doe'"),
        ('["Jane", 5]', "author 1 is 'Jane', not a person or entity"),
        ("[{family-names: 5}]", "author 1: family-names 5 must be text"),
        ("[{given-names: Jane}]", "author 1 has neither family-names nor name"),
        ("[]", "authors must be a list"),
    ],
)
def test_citation_authors_of_the_wrong_type(released, authors, words):
    line = set_authors(released, authors)
    report = validate(released)
    found = [f for f in report.findings if f.rule == "citation-invalid"]
    assert found and all((f.file, f.field, f.line) == ("CITATION.cff", "authors", line) for f in found)
    assert any(words in f.message for f in found), [f.message for f in found]
    for fmt in ("text", "bibtex", "cff"):
        cite = invoke("cite", "--root", released, "--format", fmt)
        no_internal_error(cite)
        assert cite.exit_code == 2 and words in cite.output
    commit(released)
    refused = invoke("release", "--root", released, "--bump", "patch", "--date", DATE)
    no_internal_error(refused)
    assert refused.exit_code == 1 and "citation-invalid" in refused.output


def alias_bomb(levels: int = 9) -> str:
    lines = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(levels - 1):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"x-{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_in_citation_cff_is_refused(released):
    """Before: 4.7 GB of memory (nine levels of nine aliases are 387 million values)."""
    path = released / "CITATION.cff"
    text = path.read_text()
    path.write_text(re.sub(r"(?m)^title:.*$", alias_bomb() + "title: *i", text))
    started = time.monotonic()
    report = validate(released)
    (finding,) = [f for f in report.findings if f.rule == "citation-invalid"]
    assert finding.file == "CITATION.cff" and "aliases expand to more than" in finding.message
    cite = invoke("cite", "--root", released)
    assert cite.exit_code == 2 and "alias bomb" in cite.output
    assert time.monotonic() - started < 30  # refused from the node graph, not after expanding it


def test_a_few_aliases_are_fine(released):
    """Anchors and aliases are ordinary YAML (a contact who is also an author)."""
    path = released / "CITATION.cff"
    text = re.sub(
        r"(?ms)^authors:\n(?:[ -].*?\n)+",
        "authors:\n- &jane\n  family-names: Doe\n  given-names: Jane\n",
        path.read_text(),
    )
    path.write_text(text + "contact:\n- *jane\n")
    assert not [f for f in validate(released).findings if f.rule == "citation-invalid"]
    assert invoke("cite", "--root", released).output.startswith("Doe, J. (2026).")


@pytest.mark.parametrize("text", ["deep: " + "[" * 100_000, "deep: " + "{a: " * 5000 + "1" + "}" * 5000])
def test_deeply_nested_yaml_is_a_finding(released, text):
    path = released / "CITATION.cff"
    path.write_text(path.read_text() + text + "\n")
    (finding,) = [f for f in validate(released).findings if f.rule == "citation-invalid"]
    assert finding.file == "CITATION.cff"


# --- JSON nested 100k levels deep ---------------------------------------------------------------


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "rel,rule",
    [
        ("datapackage.json", "publication-stale"),
        (".zenodo.json", "citation-invalid"),
        ("releases/releases.json", "release-archive-mismatch"),
    ],
)
def test_json_nested_100k_deep_is_a_finding(released, rel, rule):
    (released / rel).write_text(DEEP)
    report = validate(released)
    assert any(f.rule == rule and f.file == rel for f in report.findings), [f.to_dict() for f in report.findings]


def test_a_deep_schema_is_schema_invalid(corpus_package):
    root = corpus_package
    (root / "schemas" / "parks.json").write_text('{"fields": ' + "[" * 100_000)
    found = [f for f in validate(root, publication=False).findings if f.rule == "schema-invalid"]
    assert [(f.file, "nested too deeply" in f.message) for f in found] == [("schemas/parks.json", True)]


def test_deep_package_metadata_is_a_clear_error(released):
    (released / "metadata" / "package.json").write_text(DEEP)
    result = invoke("validate", "--root", released)
    no_internal_error(result)
    assert result.exit_code in (1, 2) and "metadata/package.json" in result.output
    assert "nested too deeply" in result.output


# --- messages: escaped values, JSON on every exit path ------------------------------------------


def test_a_value_with_a_newline_cannot_forge_a_line(corpus_package):
    """Before: a foreign-key value with a newline printed a fake `::error` line."""
    root = corpus_package
    path = root / "data" / "raw" / "parks.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = lines[1].split(",")
    fake = "P999\n::error file=x,line=1::forged\ndata/raw/parks.csv\n  line 1 error fake-rule: forged"
    cells[header.index("park_id")] = '"' + fake + '"'
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    for fmt in ("text", "github"):
        out = invoke("validate", "--root", root, "--no-publication", "--format", fmt).output
        assert not any(line.lstrip().startswith("::error file=x") for line in out.splitlines()), out
        assert "fake-rule" not in [
            w.rstrip(":") for line in out.splitlines() if line.startswith("  line 1 ") for w in line.split()[2:4]
        ]
        assert "forged" in out  # the value is still shown, escaped
    text = invoke("validate", "--root", root, "--no-publication").output
    assert "P999\\n::error" in text


def test_diff_escapes_keys(tmp_path):
    new = tmp_path / "new"
    copy_package(V100, new)
    csv = new / "data" / "clean" / "parks.csv"
    header, rest = csv.read_text().split("\n", 1)
    csv.write_text(header + "\n" + '"P9\n::error::forged",X,industrial_park,CN,1\n' + rest)
    out = invoke("diff", V100, new).output
    assert not any(line.startswith("::error") for line in out.splitlines())
    assert "P9\\n::error::forged" in out


@pytest.mark.parametrize(
    "args,kind",
    [
        (["validate", "--root", "{missing}"], "configuration"),
        (["build", "--root", "{missing}"], "configuration"),
        (["coverage", "--root", "{missing}"], "configuration"),
        (["diff", "{missing}", "."], "configuration"),
    ],
)
def test_format_json_prints_a_json_report_on_exit_2(tmp_path, args, kind):
    args = [a.replace("{missing}", str(tmp_path / "nowhere")) for a in args] + ["--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["valid"] is False and report["error"]["kind"] == kind and report["error"]["exit_code"] == 2
    assert report["findings"] == [] and "message" in report["error"]


def _zonedata(*args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "zonedata", *map(str, args)], capture_output=True, text=True, check=False, **kw
    )


def test_format_json_prints_a_json_report_on_a_usage_error():
    out = _zonedata("validate", "--format", "json", "--no-such-option")
    assert out.returncode == 2
    report = json.loads(out.stdout)
    assert report["error"]["kind"] == "usage" and "--no-such-option" in report["error"]["message"]


def test_an_internal_error_still_prints_json(tmp_path, monkeypatch):
    from zonedata import validate as validate_module

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(validate_module, "validate", boom)
    result = CliRunner().invoke(cli, ["validate", "--root", str(BASE), "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["error"]["kind"] == "internal" and "RuntimeError: a bug" in report["error"]["message"]


# --- closed pipes and SIGINT --------------------------------------------------------------------


def test_a_closed_pipe_is_not_an_internal_error():
    """Before: `zonedata coverage --all | head -1` reported BrokenPipeError as an internal error in 7 of 10 runs."""
    for _ in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "zonedata", "coverage", "--all", "--root", str(BASE)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, as `head -1` does
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
        assert "internal error" not in err and "BrokenPipe" not in err and "Traceback" not in err, err
        assert code in (0, 1, 141)  # 141 when the output was cut off; never 2
        if code == 141:
            break


def test_sigint_exits_130_not_1(tmp_path):
    """1 means invalid data: an interrupted run must not look like one."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    code = (
        "import time, zonedata.cli as c\n"
        "import zonedata.validate as v\n"
        "def slow(*a, **k):\n"
        "    print('started', flush=True)\n"
        "    time.sleep(30)\n"
        "v.validate = slow\n"
        "import sys; sys.argv = ['zonedata', 'validate', '--root', sys.argv[1]]\n"
        "c.main()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(BASE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdout.readline().strip() == b"started"
    proc.send_signal(signal.SIGINT)
    code = proc.wait(timeout=60)
    err = proc.stderr.read().decode()
    assert code == 130, err
    assert "Traceback" not in err and "interrupted" in err


def test_sigint_with_format_json_prints_a_report():
    code = (
        "import time, zonedata.cli as c\n"
        "import zonedata.validate as v\n"
        "def slow(*a, **k):\n"
        "    import sys; print('started', file=sys.stderr, flush=True)\n"
        "    time.sleep(30)\n"
        "v.validate = slow\n"
        "import sys; sys.argv = ['zonedata', 'validate', '--format', 'json', '--root', sys.argv[1]]\n"
        "c.main()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, str(BASE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr.readline().strip() == b"started"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    report = json.loads(proc.stdout.read().decode())
    assert report["error"]["kind"] == "interrupted"


def test_sha_of_outside_file_never_printed(tmp_path):
    """The hash of a file outside the package never reaches any output (the ../../etc/hostname case)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret\n")
    root = tmp_path / "pkg"
    copy_package(V100, root)
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = os.path.relpath(secret, root)
    (root / "datapackage.json").write_text(json.dumps(descriptor))
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    for args in (["diff", root, V100], ["diff", V100, root], ["diff", root, root, "--format", "json"]):
        out = invoke(*args)
        assert digest not in out.output and "top secret" not in out.output
    assert yaml  # (yaml is used by the release fixtures)


# --- found by the property tests at 1500 examples -----------------------------------------------


@pytest.mark.parametrize("side", ["old", "new"])
def test_a_schema_whose_key_field_lost_its_name(tmp_path, side):
    """The schema names the key field "" while the CSV keeps park_id: diff matched or renamed on a missing column.
    The CSV lacks a column its schema lists (""), so the version is refused as broken (issue 19)."""
    bad = tmp_path / "bad"
    copy_package(V100, bad)
    descriptor = json.loads((bad / "datapackage.json").read_text())
    parks = next(r for r in descriptor["resources"] if r["name"] == "parks-csv")
    parks["schema"]["fields"][0]["name"] = ""
    (bad / "datapackage.json").write_text(json.dumps(descriptor))
    other = VERSIONS / "1.1.0"
    result = invoke("diff", *((bad, other) if side == "old" else (other, bad)))
    no_internal_error(result)
    assert result.exit_code == 2 and "lacks the column(s)" in result.output


def test_a_manifest_size_beyond_any_integer(released):
    manifest = released / "releases" / "releases.json"
    manifest.write_text(manifest.read_text().replace('"bytes": ', '"bytes": 1e400, "was": ', 1))
    findings = [f for f in validate(released).findings if f.file == "releases/releases.json"]
    assert [f.rule for f in findings] == ["release-archive-mismatch"]


@pytest.mark.parametrize("key", ["authors", "keywords", "identifiers"])
def test_a_citation_key_that_is_null(released, key):
    path = released / "CITATION.cff"
    path.write_text(
        path.read_text() + f"{key}:\n"
        if key != "authors"
        else re.sub(r"(?ms)^authors:\n(?:[ -].*?\n)+", "authors:\n", path.read_text())
    )
    found = [f for f in validate(released).findings if f.rule == "citation-invalid"]
    assert [f.field for f in found] == [key]
    cite = invoke("cite", "--root", released)
    no_internal_error(cite)
    assert cite.exit_code == 2 and key in cite.output

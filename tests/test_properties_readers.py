"""Property tests (hypothesis, bounded): the descriptor and metadata readers and diff's zip reader end every
input, however broken, in a value, findings or the project's own error (ConfigError), never another exception.

Inputs are both arbitrary JSON/YAML/bytes and mutations of the real files (a value replaced anywhere in the
descriptor, bytes flipped or cut in a release archive), which reach much deeper into the readers."""

from __future__ import annotations

import copy
import io
import json
import os
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import copy_package
from zonedata.base.findings import ConfigError, Finding
from zonedata.base.paths import Paths
from zonedata.loading.dataset import load_dataset
from zonedata.loading.versioning import read_manifest
from zonedata.publish.descriptor import read_metadata
from zonedata.publish.publication import check_descriptor_files
from zonedata.release import cite as cite_module
from zonedata.release.cite import citation_problems, read_yaml, zenodo_metadata
from zonedata.release.diff import diff_packages, load_version
from zonedata.render.cite import render_bibtex, render_text
from zonedata.render.diff import render_json
from zonedata.render.diff import render_text as render_diff

TESTS = Path(__file__).parent
V100 = TESTS / "fixtures" / "versions" / "1.0.0"
V110 = TESTS / "fixtures" / "versions" / "1.1.0"
FIXTURE = TESTS / "fixtures" / "valid"
#: examples per property: 60, the same on every run (conftest's "repeatable" profile), so the suite stays
#: fast; the "explore" profile's (README: a longer randomised run), or ZONEDATA_PROPERTY_EXAMPLES
EXAMPLES = int(
    os.environ.get("ZONEDATA_PROPERTY_EXAMPLES", 60 if settings.default.derandomize else settings.default.max_examples)
)
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "..",
            "../x",
            "/etc/hostname",
            "data/clean/parks.csv",
            "csv",
            "park_id",
            "string",
            "integer",
            "P1",
            "1.0.0",
            "2026-01-01",
            "\n",
            "\x00",
        ]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.text(max_size=8)
            | st.sampled_from(
                [
                    "name",
                    "path",
                    "schema",
                    "fields",
                    "primaryKey",
                    "foreignKeys",
                    "constraints",
                    "type",
                    "format",
                    "resources",
                    "reference",
                    "enum",
                    "uniqueKeys",
                    "version",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


def _paths_into(value, prefix=()):
    """Every path (tuple of keys/indexes) into a JSON value, the root included."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths_into(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths_into(v, (*prefix, i))


def _replace(value, path, new):
    if not path:
        return new
    out = copy.deepcopy(value)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return out


@st.composite
def mutated(draw, original):
    """The original JSON document with one to three values replaced (or deleted) anywhere in it."""
    doc = original
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths_into(doc))
        path = draw(st.sampled_from(paths))
        if path and draw(st.booleans()) and isinstance(_get(doc, path[:-1]), dict) and draw(st.booleans()):
            doc = copy.deepcopy(doc)
            del _get(doc, path[:-1])[path[-1]]
        else:
            doc = _replace(doc, path, draw(json_values))
    return doc


def _get(value, path):
    for key in path:
        value = value[key]
    return value


DESCRIPTOR = json.loads((V100 / "datapackage.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("props")


def _version_folder(scratch: Path, name: str, descriptor_text: str) -> Path:
    folder = scratch / name
    if not folder.exists():
        copy_package(V100, folder)
    (folder / "datapackage.json").write_text(descriptor_text, encoding="utf-8")
    return folder


def _diff_or_config_error(old, new) -> None:
    try:
        d = diff_packages(load_version(old), load_version(new))
    except ConfigError:
        return
    render_diff(d)
    render_diff(d, summary=True)
    json.loads(render_json(d))


@BOUNDED
@given(doc=st.one_of(mutated(DESCRIPTOR), json_values))
def test_diff_reads_any_descriptor(scratch, doc):
    folder = _version_folder(scratch, "desc", json.dumps(doc))
    _diff_or_config_error(folder, V110)
    _diff_or_config_error(V110, folder)


@BOUNDED
@given(
    text=st.one_of(
        st.text(max_size=200),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
        st.builds(lambda n: "[" * n, st.integers(0, 3000)),
    )
)
def test_diff_reads_any_descriptor_text(scratch, text):
    folder = _version_folder(scratch, "text", text)
    _diff_or_config_error(folder, V100)


def _zip_bytes(folder: Path, compression: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, "zonedata-1.0.0/" + path.relative_to(folder).as_posix())
    return buf.getvalue()


ZIPS = {c: _zip_bytes(V100, c) for c in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)}


@st.composite
def damaged_zips(draw):
    data = bytearray(ZIPS[draw(st.sampled_from(sorted(ZIPS)))])
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def _zip_needing_version_6_4() -> bytes:
    """A zip whose central directory needs zip version 6.4 to extract (ZipFile() raised NotImplementedError)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("zonedata-1.0.0/datapackage.json", "{}")
    data = bytearray(buf.getvalue())
    data[data.index(b"PK\x01\x02") + 6] = 64
    return bytes(data)


@BOUNDED
@given(data=st.one_of(damaged_zips(), st.binary(max_size=300)))
@example(data=_zip_needing_version_6_4())  # found by this property: was an internal error
def test_diff_reads_any_zip(scratch, data):
    archive = scratch / "archive.zip"
    archive.write_bytes(data)
    _diff_or_config_error(archive, V100)


@BOUNDED
@given(
    doc=st.one_of(
        json_values,
        st.lists(
            st.fixed_dictionaries(
                {"version": scalars, "date": scalars, "archive": scalars, "sha256": scalars, "bytes": scalars}
            ),
            max_size=3,
        ),
    )
)
def test_the_manifest_reader(scratch, doc):
    root = scratch / "manifest"
    (root / "releases").mkdir(parents=True, exist_ok=True)
    (root / "releases" / "releases.json").write_text(json.dumps(doc), encoding="utf-8")
    try:
        entries = read_manifest(Paths(root))
    except ConfigError:
        return
    for entry in entries:  # what the reader lets through is safe to use
        assert isinstance(entry.archive, str) and ".." not in entry.archive.split("/")
        assert not entry.archive.startswith("/")


METADATA = json.loads((FIXTURE / "metadata" / "package.json").read_text(encoding="utf-8"))


@BOUNDED
@given(doc=st.one_of(mutated(METADATA), json_values))
def test_the_package_metadata_reader(scratch, doc):
    root = scratch / "metadata"
    (root / "metadata").mkdir(parents=True, exist_ok=True)
    (root / "metadata" / "package.json").write_text(json.dumps(doc), encoding="utf-8")
    try:
        meta = read_metadata(Paths(root))
    except ConfigError:
        return
    assert isinstance(meta, dict)


CFF = {
    "cff-version": "1.2.0",
    "message": "Cite it.",
    "type": "dataset",
    "title": "T",
    "version": "1.0.0",
    "date-released": "2026-01-01",
    "license": "CC-BY-4.0",
    "authors": [
        {"family-names": "Doe", "given-names": "Jane", "orcid": "https://orcid.org/0000-0000-0000-0000"},
        {"name": "Team"},
    ],
    "keywords": ["a"],
    "identifiers": [{"type": "doi", "value": "10.1/x"}],
}


@BOUNDED
@given(doc=st.one_of(mutated(CFF), json_values))
def test_the_citation_readers(scratch, doc):
    """Whatever CITATION.cff holds: it reads as a mapping or fails with ConfigError; and a citation without
    problems renders as text, BibTeX and .zenodo.json."""
    path = scratch / "CITATION.cff"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        cff = read_yaml(path)
    except ConfigError:
        return
    problems = citation_problems(cff)
    assert all(isinstance(key, str) and isinstance(message, str) for key, message in problems)
    if not problems:
        render_text(cff)
        render_bibtex(cff)
        json.dumps(zenodo_metadata(cff), default=str)


@BOUNDED
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda n, k: "".join(
                f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}" if i else "x"] * k) + "]\n" for i in range(n)
            ),
            st.integers(1, 12),
            st.integers(1, 12),
        ),
    )
)
def test_the_yaml_reader_on_any_text(scratch, text):
    path = scratch / "any.cff"
    path.write_text(text, encoding="utf-8")
    try:
        read_yaml(path)
    except ConfigError:
        pass


@pytest.fixture(scope="module")
def built_dataset(published):
    return load_dataset(published)


BUILT_DESCRIPTOR = None


@BOUNDED
@given(data=st.data())
def test_the_publication_check_reads_any_descriptor(built_dataset, data):
    global BUILT_DESCRIPTOR
    path = built_dataset.paths.datapackage  # the session's shared build: put its bytes back exactly
    if BUILT_DESCRIPTOR is None:
        BUILT_DESCRIPTOR = path.read_bytes()
    original = BUILT_DESCRIPTOR
    doc = data.draw(st.one_of(mutated(json.loads(original)), json_values))
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    try:
        findings = check_descriptor_files(built_dataset)
    finally:
        path.write_bytes(original)
    assert all(isinstance(f, Finding) for f in findings)
    assert not any(f.file and (f.file.startswith("/") or f.file.startswith("..")) for f in findings), findings
    assert cite_module  # (the module under test for the citation readers)


def test_a_zip_of_a_newer_version_is_a_config_error(tmp_path):
    """Found by test_diff_reads_any_zip: a central directory that needs zip version 6.4 made ZipFile()
    raise NotImplementedError, an internal error; it is a ConfigError naming the archive."""
    from zonedata.release.diff import load_version

    archive = tmp_path / "newer.zip"
    archive.write_bytes(_zip_needing_version_6_4())
    with pytest.raises(ConfigError, match="not a readable zip archive"):
        load_version(str(archive))

"""The one datapackage.json reader: what it refuses, in the words every reader of a descriptor uses."""

import pytest
from click.testing import CliRunner

import zonedata
from zonedata.base.findings import ConfigError
from zonedata.cli import cli
from zonedata.loading.datapackage import parse_descriptor


def test_a_descriptor_parses_from_text_or_bytes():
    assert parse_descriptor('{"name": "x", "resources": []}') == {"name": "x", "resources": []}
    assert parse_descriptor(b'{"resources": [{"name": "a"}]}', "1.0.0")["resources"] == [{"name": "a"}]


@pytest.mark.parametrize(
    ("data", "label", "message"),
    [
        (b"{", "1.0.0", "1.0.0: datapackage.json is not valid JSON: Expecting property name"),
        (b"\xff{}", None, "datapackage.json is not valid JSON: 'utf-8' codec can't decode byte 0xff"),
        (b"[" * 300 + b"]" * 300, None, "datapackage.json is not valid JSON: nested too deeply"),
        (b"[]", "old", "old: datapackage.json is not a Data Package descriptor (an object with a list of resources)"),
        (b'{"resources": {}}', None, "datapackage.json is not a Data Package descriptor (an object with a list"),
    ],
)
def test_what_is_not_a_descriptor_is_refused_with_its_label(data, label, message):
    with pytest.raises(ConfigError) as caught:
        parse_descriptor(data, label)
    assert str(caught.value).startswith(message), str(caught.value)


def test_cite_refuses_a_descriptor_that_is_not_one(package):
    (package / "datapackage.json").write_text("[]", encoding="utf-8")
    result = CliRunner().invoke(cli, ["cite", "--root", str(package)])
    assert result.exit_code == 2
    assert "datapackage.json is not a Data Package descriptor" in result.output


def test_the_reader_api_names_the_folder_of_a_broken_descriptor(package):
    (package / "datapackage.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{package}: datapackage.json is not valid JSON"):
        zonedata.package(package)

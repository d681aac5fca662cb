"""The frictionless-py plugin zonedata ships (src/frictionless_zonedata): frictionless finds it by itself, and
it changes only how a `list` cell that arrives as a numpy array is read (as the list it holds); every other
cell, field type and item check is frictionless's own."""

from __future__ import annotations

import subprocess
import sys

import pytest

frictionless = pytest.importorskip("frictionless", reason="frictionless is installed with the test lock")
np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas", reason="frictionless reads Parquet through pandas (test lock)")

from frictionless import Field, Resource, Schema, system  # noqa: E402
from frictionless.fields import IntegerField, ListField, StringField  # noqa: E402

from frictionless_zonedata import ArrayListField, ZonedataPlugin  # noqa: E402

LIST = {"name": "aliases", "type": "list", "delimiter": "; ", "itemType": "string"}


def _read(descriptor: dict, cell):
    return Field.from_descriptor(descriptor).create_cell_reader()(cell)


def test_frictionless_discovers_the_plugin():
    assert isinstance(system.plugins["zonedata"], ZonedataPlugin)
    assert system.select_field_class("list") is ArrayListField
    assert issubclass(ArrayListField, ListField)
    # no other field type is touched
    assert system.select_field_class("string") is StringField
    assert system.select_field_class("integer") is IntegerField
    assert ZonedataPlugin().select_field_class("string") is None


def test_a_numpy_array_reads_as_the_list_it_holds():
    assert _read(LIST, np.array(["Qinzhou Park", "QIP"], dtype=object)) == (["Qinzhou Park", "QIP"], None)
    assert _read(LIST, np.array([], dtype=object)) == ([], None)
    value, notes = _read({**LIST, "itemType": "integer"}, np.array([3, 4], dtype=np.int64))
    assert (value, notes) == ([3, 4], None) and all(type(v) is int for v in value)


def test_what_frictionless_read_before_reads_the_same():
    assert _read(LIST, "a; b") == (["a", "b"], None)
    assert _read(LIST, ["a", "b"]) == (["a", "b"], None)
    assert _read(LIST, ("a", "b")) == (["a", "b"], None)
    assert _read(LIST, None) == (None, None)
    assert _read(LIST, "") == (None, None)  # a missing value
    assert _read(LIST, 7) == (None, {"type": 'type is "list/default"'})


def test_items_are_still_checked_in_an_array():
    # a wrong item type, a null item, a nested list: type errors, as for a Python list
    wrong = {"type": 'expected item type is "string"'}
    assert _read(LIST, np.array([1, 2])) == (None, wrong)
    assert _read(LIST, np.array(["a", None], dtype=object)) == (None, wrong)
    assert _read(LIST, np.array([["a"], ["b"]], dtype=object)) == (None, wrong)
    assert _read({**LIST, "constraints": {"required": True}}, None)[1] == {
        "required": 'constraint "required" is "True"'
    }


def test_the_descriptor_is_unchanged():
    assert Field.from_descriptor(LIST).to_descriptor() == LIST


def test_a_dataframe_with_array_cells_validates_and_a_bad_item_is_reported():
    frame = pd.DataFrame(
        {"park_id": ["P1", "P2", "P3"], "aliases": [np.array(["a", "b"], dtype=object), None, np.array([1])]}
    )
    schema = Schema.from_descriptor({"fields": [{"name": "park_id", "type": "string"}, LIST]})
    report = Resource(frame, schema=schema).validate()
    assert [(e.type, e.field_name, e.row_number) for e in report.tasks[0].errors] == [("type-error", "aliases", 4)]


def test_without_frictionless_5_api_the_module_defines_no_plugin():
    """frictionless imports every `frictionless_*` module at start: under another API it must not break frictionless."""
    code = (
        "import sys\n"
        "sys.modules['frictionless'] = None  # frictionless absent, or without the API the plugin needs\n"
        "import frictionless_zonedata as m\n"
        "print(hasattr(m, 'ZonedataPlugin'), hasattr(m, 'ArrayListField'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout.split()) == (0, ["False", "False"]), out.stderr

"""A frictionless-py plugin, shipped with zonedata: a Table Schema `list` cell read from Parquet is a list.

frictionless 5 reads Parquet through pyarrow and pandas (`ParquetParser` -> `table.to_pandas()` -> the
pandas parser), and pandas hands a list column's cells over as numpy arrays. frictionless's `list`
field accepts only a Python list, a tuple or a delimited string, so every non-null list cell of a
Parquet resource failed with `type-error ... type is "list/default"`, although the file holds exactly
the list of strings the descriptor declares (DuckDB reads it as VARCHAR[], polars as List(String)).

frictionless discovers plugins itself: `frictionless.system` imports every installed top-level module
whose name starts with `frictionless_` and registers its `<Name>Plugin` class (here `ZonedataPlugin`).
Installing zonedata next to frictionless (and pandas, which frictionless needs to read Parquet) is
therefore enough for `frictionless validate releases/zonedata-X.Y.Z.zip` to validate every resource.

The plugin changes one thing only: a cell of a `list` field that arrives as a numpy array is turned
into the Python list it holds (`ndarray.tolist()`, which also turns numpy scalars into Python ones)
before frictionless's own `list` reader sees it. Every other cell, field type and format is read by
frictionless unchanged: strings are still split on the field's `delimiter`, lists and tuples are
read as before, and each item is still read and checked with the field's `itemType`.

This module is imported only by frictionless (zonedata itself never imports it, nor frictionless). Under
a frictionless without that API (no `frictionless.fields.ListField`, say a future major version) it defines
no plugin, so frictionless runs as it would without zonedata rather than failing at start.
"""

from __future__ import annotations

import sys
from typing import Any

try:  # frictionless 5's API; under any other, define no plugin and leave frictionless as it is
    import attrs
    from frictionless import Plugin
    from frictionless.fields import ListField
except ImportError:  # pragma: no cover (the test lock pins frictionless 5)
    _API = False
else:
    _API = True

__all__ = ["ArrayListField", "ZonedataPlugin"]


def _as_list(cell: Any) -> Any:
    """A numpy array as the Python list it holds; any other cell unchanged."""
    # numpy is imported by whatever produced an array (pandas, pyarrow); when it is not loaded, no cell is one
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(cell, numpy.ndarray):
        return cell.tolist()
    return cell


if _API:

    @attrs.define(kw_only=True, repr=False)
    class ArrayListField(ListField):
        """frictionless's `list` field, also reading a cell that arrives as a numpy array (a Parquet list)."""

        type = "list"
        builtin = True

        def create_cell_reader(self) -> Any:
            reader = super().create_cell_reader()

            def cell_reader(cell: Any) -> Any:
                return reader(_as_list(cell))

            return cell_reader

    #: the return type of `select_field_class` (named here: its parameter `type` shadows the builtin)
    FieldClass = type[ListField]

    class ZonedataPlugin(Plugin):
        """Registered by frictionless's plugin discovery (module `frictionless_zonedata` -> `ZonedataPlugin`)."""

        def select_field_class(self, type: str | None = None) -> FieldClass | None:
            if type == "list":
                return ArrayListField
            return None

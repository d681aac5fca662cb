"""docs/data-dictionary.md is generated from schemas/ and kept in step with them.

Regenerate it with `zonedata build` (it is written together with the published tables).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zonedata.base.paths import Paths
from zonedata.loading.schema import load_roles, load_schema, publication_order, schema_names
from zonedata.loading.vocabulary import load_vocabulary
from zonedata.publish.dictionary import render_dictionary

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "valid"


def schemas_of(root: Path):
    paths, roles = load_roles(Paths(root))
    return paths, {
        name: load_schema(paths, name, load_vocabulary(paths)[0])
        for name in publication_order(schema_names(paths), roles)
    }


def test_repository_dictionary_is_in_step_with_the_schemas():
    paths, schemas = schemas_of(REPO)
    if not schemas:
        pytest.skip("no schemas yet")
    assert paths.data_dictionary.is_file(), "docs/data-dictionary.md is missing: run zonedata build"
    assert paths.data_dictionary.read_text(encoding="utf-8") == render_dictionary(paths, schemas), (
        "docs/data-dictionary.md is out of date: run zonedata build"
    )


@pytest.mark.parametrize("root", [REPO, FIXTURE], ids=["repository", "fixture"])
def test_every_field_is_documented(root):
    paths, schemas = schemas_of(root)
    text = render_dictionary(paths, schemas)
    for name, schema in schemas.items():
        assert f"## {name}\n" in text
        for field in schema.fields:
            rows = [line for line in text.splitlines() if line.startswith(f"| `{field.name}` |")]
            assert rows, f"{name}.{field.name} is not in the dictionary"
            assert any(field.type in row for row in rows)
            for key in ("description", "unit"):
                value = field.descriptor.get(key)
                if value:
                    assert any(" ".join(value.split()).replace("|", "\\|")[:40] in row for row in rows), (
                        name,
                        field.name,
                        key,
                    )


def test_derived_fields_are_marked_computed():
    paths, schemas = schemas_of(FIXTURE)
    text = render_dictionary(paths, schemas)
    row = next(line for line in text.splitlines() if line.startswith("| `value_normalised` |"))
    assert "computed" in row and "decimal(38, 6)" in row
    row = next(line for line in text.splitlines() if line.startswith("| `unit` |"))
    assert "`mu`" in row and "`kWh`" in row  # allowed values are listed

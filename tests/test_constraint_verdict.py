"""The loader's one-query verdict on a table's constraints (`constraints_pass`) agrees with Pandera: where
the verdict says every constraint holds, Pandera (which is then neither run nor imported) finds nothing,
and where Pandera finds something, the verdict sends the table to it. Checked on every table of the corpus
base and of each corpus case whose rule is one of Pandera's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS_BASE
from test_integrity_corpus import BROKEN as INTEGRITY_BROKEN
from test_validate_corpus import BROKEN, PASSING
from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.loading.schema import load_schema, schema_names
from zonedata.loading.schema_pandera import import_pandera, pandera_schema
from zonedata.loading.tables import constraints_pass, parse_table

#: the rules a Pandera failure case becomes (tables._CHECK_RULES, and type-error for the rest)
PANDERA_RULES = {
    "required-missing",
    "unique-violation",
    "enum-violation",
    "pattern-violation",
    "range-violation",
    "list-item-invalid",
    "type-error",
}
#: (case, mutation, the table it breaks: None for every table)
CASES = [
    (name, mutate, Path(file).stem)
    for name, mutate, rule, file, *_ in [*BROKEN, *INTEGRITY_BROKEN]
    if rule in PANDERA_RULES and file.startswith("data/raw/")
] + [(name, mutate, None) for name, mutate in PASSING]


def _pandera_finds(table) -> bool:
    """Whether Pandera reports a failing row (a failure case with a row index: what becomes a finding)."""
    import polars as pl

    pa = import_pandera()
    present = [c for c in table.schema.raw_names if c not in table.absent]
    try:
        pandera_schema(table.schema, present).validate(table.frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return exc.failure_cases.filter(pl.col("index").is_not_null()).height > 0
    return False


def _verdicts(root, only: str | None = None) -> dict[str, tuple[bool, bool]]:
    paths = Paths(root)
    out = {}
    for name in [only] if only else schema_names(paths):
        try:
            schema = load_schema(paths, name)
        except ConfigError:
            continue
        table = parse_table(paths, schema)
        if table.read:
            out[name] = (constraints_pass(table), not _pandera_finds(table))
    return out


def test_on_the_valid_base_every_table_passes_both():
    verdicts = _verdicts(CORPUS_BASE)
    assert len(verdicts) >= 10 and all(v == (True, True) for v in verdicts.values()), verdicts


@pytest.mark.parametrize("case,mutate,table", CASES, ids=[c[0] for c in CASES])
def test_the_verdict_is_pandera_s(corpus_package, case, mutate, table):
    mutate(corpus_package)
    verdicts = _verdicts(corpus_package, table)
    assert verdicts and {name: v for name, v in verdicts.items() if v[0] != v[1]} == {}


def test_validating_a_valid_package_does_not_import_pandera():
    code = (
        "import sys\n"
        "from zonedata.validate import validate\n"
        f"assert validate({str(CORPUS_BASE)!r}, publication=False).valid\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pandera', 'pandas', 'pydantic')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

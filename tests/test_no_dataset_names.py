"""The engine names no table of this dataset (issue 20): every table is found by its schema, its role or
the vocabulary, so another package (other table names) runs through the same code.

Reads the table names from schemas/*.json and looks for each as a whole string literal in the Python of
src/zonedata (init's templates, which write a new package's own files, are not code and are left out). A
role's name is no table's name, even where this dataset gives a table the same one: a literal passed to the
role API (`ds.role_frame("sources")`, `roles.table("citations")`) or compared with a `role` attribute is a
role. What is left must be in ALLOWED, each with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO
from zonedata.loading.schema import ROLE_FIELDS

SRC = REPO / "src" / "zonedata"
#: the methods whose first argument names a role, not a table
ROLE_API = frozenset({"role_frame", "role_lacks", "role_table", "table"})
#: (module, literal) -> why the literal is not a table's name there
ALLOWED: dict[tuple[str, str], str] = {
    ("loading/schema.py", "sources"): "the schema parser defines the roles (ROLE_FIELDS, ROLE_HINTS)",
    ("loading/schema.py", "citations"): "the schema parser defines the roles (ROLE_FIELDS, ROLE_HINTS)",
    ("publish/clean.py", "citations"): "DERIVATIONS is keyed by role: what the citations role derives",
    ("checks/__init__.py", "sources"): "the check named sources (`--only sources`), not a table",
    ("publish/descriptor.py", "sources"): "Frictionless' descriptor key `sources` (the package's sources)",
    ("publish/build.py", "statistics"): "pyarrow's Parquet writer option `statistics` (column statistics)",
    ("curate/newpackage.py", "sources"): "`zonedata init`: a new package's template stems and default names",
    ("curate/newpackage.py", "citations"): "`zonedata init`: a new package's template stems and default names",
    ("render/site/model.py", "sources"): "STRUCTURAL: the roles whose tables hold no records of their own",
    ("render/site/model.py", "citations"): "STRUCTURAL: the roles whose tables hold no records of their own",
    ("render/site/build.py", "citations"): "a record page's template variable (the citations shown on it)",
    ("render/site/tableview.py", "sources"): "the kind of the table view's virtual Source column",
}
#: the site is being reworked in parallel (issue 20's site part): its entries may go without notice
IN_FLUX = "render/site/"


def _table_names() -> set[str]:
    return {p.stem for p in (REPO / "schemas").glob("*.json")}


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if not {"template", "templates"} & set(p.relative_to(SRC).parts))


def _role_uses(tree: ast.AST) -> set[int]:
    """The ids of the string constants that name a role (ROLE_FIELDS): role API arguments, `x.role == "..."`."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ROLE_API:
            out.update(id(a) for a in node.args[:1] if isinstance(a, ast.Constant))
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr == "role" for s in sides):
                out.update(id(s) for s in sides if isinstance(s, ast.Constant))
    named = {id(n) for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in ROLE_FIELDS}
    return out & named


def _hits() -> list[tuple[str, int, str]]:
    names = _table_names()
    hits = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        roles = _role_uses(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names and id(node) not in roles:
                hits.append((path.relative_to(SRC).as_posix(), node.lineno, node.value))
    return hits


def test_the_table_names_are_read():
    assert {"statistics", "citations", "sources", "parks"} <= _table_names()


def test_no_module_names_a_table_of_this_dataset():
    unexplained = [h for h in _hits() if (h[0], h[2]) not in ALLOWED]
    assert not unexplained, (
        "table names of this dataset as string literals in src/zonedata (find the table by its role, its "
        f"schema's keys or the vocabulary instead): {unexplained}"
    )


def test_every_allowed_literal_is_still_there():
    """The allow-list holds what the code still needs, nothing stale."""
    found = {(module, value) for module, _, value in _hits()}
    stale = {entry for entry in set(ALLOWED) - found if not entry[0].startswith(IN_FLUX)}
    assert not stale, sorted(stale)


def test_the_search_finds_a_table_name(tmp_path, monkeypatch):
    """The test can fail: a module naming the statistics table is a hit (a role's use of the word is not)."""
    (tmp_path / "bad.py").write_text(
        'FIGURES = "statistics"\nx = ds.role_frame("sources")\nif t.role == "citations":\n    pass\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(__import__(__name__), "SRC", tmp_path)
    assert _hits() == [("bad.py", 1, "statistics")]

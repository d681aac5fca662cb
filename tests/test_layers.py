"""The package's layering, read from its imports: a module imports only its own layer or lower
ones, the module-level imports form no cycle, and a function imports only what is too heavy for
`zonedata --help` (owid/etl's repository tests are the model: a short AST walk, no library).

The flow is raw -> validate -> normalise -> publish -> release; the layers, lowest first:
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: top-level module or subpackage of zonedata -> its layer (lower numbers are lower layers)
LAYERS = {
    "base": 0,  # paths, findings, vocabulary: what every stage shares
    "text": 1,  # text normalisation, the number grammar, quote location
    "loading": 2,  # schemas, the raw CSV reader, seed texts, the loaded dataset, version files
    "checks": 3,  # the checks of the raw data (the registry in checks/__init__.py) and coverage
    "publish": 4,  # normalise, formats, descriptor, dictionary, build, the check of the published output
    "curate": 4,  # add-source, draft and quote: a new source and its candidate rows (beside publish, never into it)
    "release": 5,  # diff, citation, release archive, the check of release metadata
    "validate": 5,  # validate(root): every check of a package (the raw data's, the published output's and the
    # release metadata's); beside release, which validates before it cuts a version
    "render": 6,  # text, JSON and GitHub renderings of results
    "api": 6,  # the analysts' reader of a published package
    "cli": 7,  # the command line: cli.py and one module per command
    "commands": 7,
    "__main__": 7,
}
#: a module a function may import (not at module level), and why it is imported late
LAZY = {
    "pandera": "heavy (pandas-free import takes ~0.3 s); only the table checks need it",
    "yaml": "only citation files need it",
    "numpy": "only a file with CR line ends needs it in the reader; loaded in a thread beside parsing",
    "pycountry": "only the code check needs its (large) databases",
    "importlib.metadata": "costs ~20 ms; only --version needs it",
    "zonedata.text.numbers": "compiles the number grammar at import; a module needing it in one function may wait",
}
#: the package root holds only lazily looked-up attributes (`load`, `package`, `__version__`)
ROOT_EXEMPT = "zonedata"


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(src: Path) -> dict[str, Path]:
    return {_module_name(p, src): p for p in sorted((src / "zonedata").rglob("*.py"))}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def _imports(path: Path, module: str, known: set[str]) -> list[tuple[str, bool, int]]:
    """(imported module, imported inside a function, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[str, bool, int]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend((alias.name, in_function, child.lineno) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: resolve against this module's package
                    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                    base = ".".join(package[: len(package) - child.level + 1] + ([base] if base else []))
                for alias in child.names:
                    sub = f"{base}.{alias.name}"
                    out.append((sub if sub in known else base, in_function, child.lineno))
            visit(child, nested)

    visit(tree, False)
    return out


def violations(src: Path) -> list[str]:
    """Every breach of the layering rules in the package under `src`, as readable sentences."""
    modules = _modules(src)
    known = set(modules)
    problems: list[str] = []
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        if module == ROOT_EXEMPT:
            continue
        here = _layer(module)
        rel = path.relative_to(src)
        if here is None:
            problems.append(f"{rel}: {module} is in no layer: add its top-level name to LAYERS in tests/test_layers.py")
            continue
        for target, in_function, line in _imports(path, module, known):
            ours = target == "zonedata" or target.startswith("zonedata.")
            if ours and target != ROOT_EXEMPT:
                there = _layer(target)
                if there is not None and there > here:
                    problems.append(
                        f"{rel}:{line}: {module} (layer {here}) imports {target} (layer {there}), a higher "
                        "layer: move the shared code down, or this code up"
                    )
            if in_function:
                top = target.split(".")[0]
                lazy = target in LAZY or top in LAZY or any(target.startswith(k + ".") for k in LAZY)
                command = ours and here == LAYERS["cli"]  # a command loads the library only when it runs
                if not (lazy or command or target == ROOT_EXEMPT):
                    problems.append(
                        f"{rel}:{line}: {module} imports {target} inside a function: import it at the top "
                        "(function-level imports are only for the heavy modules listed in LAZY)"
                    )
            elif ours and target in known and target != module:
                graph[module].add(target)
    # a cycle among module-level imports (depth-first search, reporting each cycle once)
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                problems.append("import cycle: " + " -> ".join(stack[stack.index(n) :] + [n]))
            elif n not in state:
                walk(n)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            walk(m)
    return problems


def test_the_package_keeps_its_layers():
    assert violations(SRC) == []


def test_every_module_is_in_a_layer():
    assert {m.split(".")[1] for m in _modules(SRC) if m.count(".")} <= set(LAYERS)


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in {"zonedata/__init__.py": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {
                "zonedata/base/__init__.py": "",
                "zonedata/base/paths.py": "from zonedata.checks import sources\n",
                "zonedata/checks/__init__.py": "",
                "zonedata/checks/sources.py": "",
            },
            "zonedata/base/paths.py:1: zonedata.base.paths (layer 0) imports zonedata.checks.sources (layer 3)",
        ),
        (
            {
                "zonedata/text/__init__.py": "",
                "zonedata/text/a.py": "from zonedata.text import b\n",
                "zonedata/text/b.py": "import zonedata.text.a\n",
            },
            "import cycle: zonedata.text.a -> zonedata.text.b -> zonedata.text.a",
        ),
        (
            {"zonedata/text/__init__.py": "", "zonedata/text/a.py": "def f():\n    import json\n"},
            "zonedata/text/a.py:2: zonedata.text.a imports json inside a function",
        ),
        ({"zonedata/extra.py": ""}, "zonedata/extra.py: zonedata.extra is in no layer"),
    ],
)
def test_the_walk_finds_each_kind_of_breach(tmp_path, files, expected):
    found = violations(_package(tmp_path, files))
    assert any(p.startswith(expected) for p in found), found


def test_commands_and_heavy_libraries_may_import_late(tmp_path):
    files = {
        "zonedata/commands/__init__.py": "",
        "zonedata/commands/build.py": "def run():\n    from zonedata.publish import build\n",
        "zonedata/publish/__init__.py": "",
        "zonedata/publish/build.py": "def f():\n    import pandera.polars\n",
    }
    assert violations(_package(tmp_path, files)) == []

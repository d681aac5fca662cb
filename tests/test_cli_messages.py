"""Every `--option` a message of the curator's and the CLI's code names is an option of the command it
is about: a refusal that says "give it with --date-published" when the option is `--date` sends the
curator to an error of its own. Read from the source (string constants and f-string parts of
commands/ and curate/), checked against the click commands themselves."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from zonedata.cli import cli
from zonedata.curate.addsource import OPTIONS

SRC = Path(__file__).resolve().parents[1] / "src" / "zonedata"
#: a module of curate/ -> the command whose messages it writes
CURATE_COMMANDS = {"addsource": "add-source", "draft": "draft", "newpackage": "init", "__init__": None}
OPTION = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
NAMED_COMMAND = re.compile(r"\bzonedata ([a-z][a-z-]*)")


def _options(command: click.Command) -> set[str]:
    names = {o.lstrip("-") for p in command.params for o in (*p.opts, *p.secondary_opts) if o.startswith("--")}
    return names | {"help"}


GLOBAL = _options(cli)
_CTX = click.Context(cli)
COMMANDS = {name: _options(cli.get_command(_CTX, name)) for name in cli.list_commands(_CTX)}  # type: ignore[arg-type]


def _strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string constant, an f-string's literal parts joined."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            found.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in parts:
            found.append((node.lineno, node.value))
    return found


def _modules() -> list[tuple[Path, str | None]]:
    mods: list[tuple[Path, str | None]] = []
    for path in sorted((SRC / "commands").glob("*.py")):
        if path.stem != "__init__":
            mods.append((path, path.stem.replace("_", "-")))
    for path in sorted((SRC / "curate").glob("*.py")):
        mods.append((path, CURATE_COMMANDS[path.stem]))
    return mods


@pytest.mark.parametrize("path,command", _modules(), ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_every_option_a_message_names_exists_on_its_command(path, command):
    wrong = []
    for line, text in _strings(path):
        named = NAMED_COMMAND.findall(text)
        # an example or a hint naming another command ("next: zonedata draft 004 --out ...") is about that one
        about = [n for n in named if n in COMMANDS] or ([command] if command else [])
        allowed = GLOBAL.union(*(COMMANDS[c] for c in about)) if about else GLOBAL.union(*COMMANDS.values())
        wrong += [f"{path.name}:{line}: --{o}" for o in OPTION.findall(text) if o not in allowed]
    assert wrong == []


def test_the_field_options_of_add_source_exist():
    assert set(OPTIONS.values()) <= {f"--{o}" for o in COMMANDS["add-source"]}


def test_a_refused_date_names_the_date_option(tmp_path):
    root = tmp_path / "pkg"
    shutil.copytree(Path(__file__).parent / "corpus" / "base", root)
    text = tmp_path / "new.txt"
    text.write_text("A short invented text of 12 words.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["add-source", str(text), "--title", "t", "--date", "2025-13-40", "--root", str(root)]
    )
    assert result.exit_code == 1, result.output
    assert "give it with --date," in result.output and "--date-published" not in result.output

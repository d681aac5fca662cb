"""The command line as click users expect it: --root and --debug before or after the command,
case-insensitive --format, whole command summaries in the top-level help, -q for the summary line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zonedata.cli import COMMANDS, cli

BASE = Path(__file__).parent / "corpus" / "base"
FIXTURE = Path(__file__).parent / "fixtures" / "valid"  # with metadata and pyproject.toml: it builds and cites


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize(
    "args",
    [
        ["--root", "{pkg}", "validate", "--no-publication"],
        ["validate", "--root", "{pkg}", "--no-publication"],
        ["--root", "/nowhere", "validate", "--root", "{pkg}", "--no-publication"],  # the one after the command wins
    ],
)
def test_root_before_or_after_the_command(one_error, args):
    result = invoke(*(a.format(pkg=one_error) for a in args))
    assert result.exit_code == 1, result.output
    assert "primary-key-duplicate" in result.output and "data/raw/parks.csv" in result.output


def test_root_before_the_command_reaches_every_command(one_error):
    assert invoke("--root", one_error, "coverage", "-q").output.startswith("coverage: ")
    assert "zonedata" in invoke("--root", FIXTURE, "cite").output


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_command_shows_the_traceback(monkeypatch, where):
    import zonedata.validate

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in zonedata")

    monkeypatch.setattr(zonedata.validate, "validate", broken)
    plain = invoke("validate", "--root", BASE)
    assert plain.exit_code == 2 and "Traceback" not in plain.output
    assert "internal error: RuntimeError: a bug in zonedata (run with --debug" in plain.output
    args = ["--debug", "validate", "--root", BASE] if where == "before" else ["validate", "--root", BASE, "--debug"]
    debug = invoke(*args)
    assert debug.exit_code == 2
    assert "Traceback (most recent call last)" in debug.output and "RuntimeError: a bug in zonedata" in debug.output


@pytest.mark.parametrize("spelling", ["json", "JSON", "Json"])
def test_format_is_case_insensitive(spelling):
    result = invoke("validate", "--root", BASE, "--no-publication", "--format", spelling)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["valid"] is True


def test_every_format_option_is_case_insensitive():
    assert invoke("cite", "--root", FIXTURE, "--format", "BibTeX").output.startswith("@misc{")
    assert invoke("validate", "--format", "XML").exit_code == 2


def test_top_level_help_shows_each_summary_whole():
    out = invoke("--help").output
    commands = out.split("Commands:", 1)[1]
    flat = " ".join(commands.split())  # the help wraps long summaries; they must not be cut with "..."
    assert "..." not in commands
    for name in COMMANDS:
        command = cli.get_command(None, name)
        summary = command.help.split("\n\n", 1)[0]
        assert " ".join(summary.split()) in flat, name


@pytest.mark.parametrize(
    "fmt,start", [("text", "validate: invalid: 1 error(s), "), ("github", "validate: 1 error(s), ")]
)
def test_quiet_prints_only_the_summary_line(one_error, fmt, start):
    whole = invoke("validate", "--root", one_error, "--no-publication", "--format", fmt)
    result = invoke("validate", "--root", one_error, "--no-publication", "-q", "--format", fmt)
    assert result.exit_code == whole.exit_code == 1  # the verdict is the same, only the output is shorter
    assert result.output == whole.output.splitlines()[-1] + "\n"
    assert result.output.startswith(start) and "primary-key-duplicate" in whole.output


def test_quiet_on_build_and_coverage(package):
    pkg = package
    built = invoke("build", "--root", pkg, "-q")
    assert built.exit_code == 0, built.output
    assert built.output.count("\n") == 1 and built.output.startswith("build: valid: 0 error(s)")
    assert "wrote" not in built.output
    coverage = invoke("coverage", "--root", pkg, "--quiet")
    assert coverage.output.count("\n") == 1 and coverage.output.startswith("coverage: ")


def test_quiet_with_json_or_all_is_a_usage_error():
    with_json = invoke("validate", "--root", BASE, "-q", "--format", "json")
    assert with_json.exit_code == 2 and "--format json always prints the whole report" in with_json.output
    with_all = invoke("coverage", "--root", BASE, "-q", "--all")
    assert with_all.exit_code == 2 and "does not go with --all" in with_all.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_takes_the_global_options_and_a_case_insensitive_format(name):
    """Guards commands added later: --root and --debug after the command, and --format JSON as --format json."""
    import click

    command = cli.get_command(None, name)
    options = {opt: param for param in command.params if isinstance(param, click.Option) for opt in param.opts}
    assert "--root" in options and "--debug" in options
    if "--format" in options:
        choice = options["--format"].type
        assert isinstance(choice, click.Choice) and not choice.case_sensitive

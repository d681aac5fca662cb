"""The command line's contract: help with examples, version, lazy imports, exit codes."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from zonedata import __version__
from zonedata.cli import COMMANDS, cli


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output
    assert f"zonedata {name}" in result.output


def test_group_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from zonedata.cli import main; sys.argv=['zonedata','--help'];\n"
            "try: main()\nexcept SystemExit: pass\n"
            "print('heavy=' + ','.join(m for m in ('pandera','frictionless','pandas','pyarrow') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "heavy="


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "zonedata", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and __version__ in out.stdout


def test_not_a_package_is_a_configuration_error(tmp_path):
    result = CliRunner().invoke(cli, ["validate", "--root", str(tmp_path)])
    assert result.exit_code == 2
    assert "schemas/" in result.output
    assert "Traceback" not in result.output


def test_unknown_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["validate", "--format", "xml"])
    assert result.exit_code == 2

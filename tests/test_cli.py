"""The command line's contract: help with examples, version, lazy imports, exit codes."""

import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import CORPUS_BASE
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
    code = (
        "import sys; from zonedata.cli import cli\n"
        "try: cli(['--help'], prog_name='zonedata')\nexcept SystemExit: pass\n"
        "print('heavy=' + ','.join(m for m in ('pandera','frictionless','pandas','pyarrow') if m in sys.modules))"
    )
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


def _run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "zonedata", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_the_process_exits_with_the_command_code_and_its_whole_output(tmp_path, one_error):
    """The console script's exit code and every line of its output, for each kind of exit."""
    import json

    good = _run("validate", "--no-publication", "--root", str(CORPUS_BASE), "--format", "json")
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["valid"] is True  # the JSON is complete: it parses

    out = _run("validate", "--no-publication", "--root", str(one_error), "--format", "github")
    assert out.returncode == 1, out.stderr
    assert "primary-key-duplicate" in out.stdout and "file=data/raw/parks.csv,line=3" in out.stdout
    assert "Traceback" not in out.stderr

    usage = _run("validate", "--root", str(tmp_path / "nowhere"))
    assert usage.returncode == 2 and "schemas/" in usage.stderr


@pytest.mark.parametrize("fd", [1, 2])
def test_a_closed_output_stream_keeps_the_exit_code(fd):
    """Started with stdout or stderr closed (cron, daemons: `zonedata validate >&-`), the command's own code stands."""
    import os
    from pathlib import Path

    base = Path(__file__).parent / "corpus" / "base"
    out = subprocess.run(
        [sys.executable, "-m", "zonedata", "validate", "--no-publication", "--root", str(base)],
        stdout=None if fd == 1 else subprocess.PIPE,
        stderr=None if fd == 2 else subprocess.PIPE,
        preexec_fn=lambda: os.close(fd),
        check=False,
    )
    assert out.returncode == 0


def test_validate_runs_where_pandas_is_not_installed(tmp_path):
    """The runtime environment (`pip install zonedata`) has no pandas: Pandera then loads only its polars
    backend. The tests' environment has pandas, so the run makes `import pandas` fail as it would there."""
    from pathlib import Path

    base = Path(__file__).parent / "corpus" / "base"
    code = (
        "import sys, importlib.abc\n"
        "class NoPandas(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pandas': raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, NoPandas())\n"
        "from zonedata.cli import main\n"
        f"sys.argv = ['zonedata', 'validate', '--no-publication', '--format', 'json', '--root', {str(base)!r}]\n"
        "main()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    import json

    assert json.loads(out.stdout)["valid"] is True


def test_a_closed_pipe_keeps_the_exit_code_and_says_nothing():
    """`zonedata validate --format json | head -c 1`: the reader goes away; the exit code is the command's."""
    from pathlib import Path

    base = Path(__file__).parent / "corpus" / "base"
    bad = subprocess.run(
        f"{sys.executable} -m zonedata validate --no-publication --format json --root {base} | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.stdout == "{"
    assert "Traceback" not in bad.stderr and "Exception ignored" not in bad.stderr

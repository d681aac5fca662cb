"""Installed as users install it: the wheel, built from this checkout, in a fresh virtual environment with
only the runtime dependencies (requirements.lock, hash-pinned, no test extras), runs every command on a
copy of the package in another folder, and `zonedata.load()` reads the data the wheel ships.

Slow-ish (a venv and an install, ~20-60 s), so it runs once per session and shares one environment."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_LOCK = ROOT / "requirements.lock"
#: what a user's copy of the package holds (the seed texts included: validate checks every quote against them)
PACKAGE_PARTS = (
    "pyproject.toml",
    "datapackage.json",
    "CITATION.cff",
    ".zenodo.json",
    "CHANGELOG.md",
    "README.md",
    "LICENSE",
    "data",
    "docs",
    "metadata",
    "schemas",
    "seeds",
    "releases",
)
#: importable only with the test extra; the installed wheel must not need them
TEST_ONLY = ("pytest", "pandas", "duckdb", "hypothesis", "frictionless", "pyarrow")


def _uv() -> Path | None:
    found = sorted((ROOT / ".tools").glob("uv-*/bin/uv"))
    return found[-1] if found else None


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "ZONEDATA_ROOT", "VIRTUAL_ENV")}
    return {**env, **extra}


def _run(cmd, cwd: Path, timeout: int = 600, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(c) for c in cmd],
        check=False,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_clean_env(**env),
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path]:
    """(the fresh environment's bin/, a scratch folder outside the checkout) with the wheel installed."""
    if not (ROOT / "datapackage.json").is_file():
        pytest.fail("the checkout is not built: run zonedata build (the wheel ships the published files)")
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    dist.mkdir()
    # the build backend itself (PEP 517), as pip or uv would call it, with the pinned hatchling of the test lock
    built = _run([sys.executable, "-c", f"import hatchling.build as b; print(b.build_wheel({str(dist)!r}))"], cwd=ROOT)
    assert built.returncode == 0, built.stderr
    wheel = dist / built.stdout.strip().splitlines()[-1]
    assert wheel.is_file(), built.stdout

    env_dir = tmp / "venv"
    uv = _uv()
    if uv is not None:
        made = _run([uv, "venv", "--quiet", "--python", sys.executable, env_dir], cwd=tmp, UV_PYTHON_DOWNLOADS="never")
        assert made.returncode == 0, made.stderr
        python = env_dir / "bin" / "python"
        install = [uv, "pip", "install", "--quiet", "--compile-bytecode", "--python", python]
        check = [uv, "pip", "check", "--python", python]
    else:
        venv.EnvBuilder(with_pip=True).create(env_dir)
        python = env_dir / "bin" / "python"
        install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        check = [python, "-m", "pip", "check"]
    deps = _run([*install, "--require-hashes", "-r", RUNTIME_LOCK], cwd=tmp)
    assert deps.returncode == 0, deps.stderr
    own = _run([*install, "--no-deps", wheel], cwd=tmp)
    assert own.returncode == 0, own.stderr
    consistent = _run(check, cwd=tmp)
    assert consistent.returncode == 0, consistent.stdout + consistent.stderr  # the lock covers what the wheel declares
    return env_dir / "bin", tmp


@pytest.fixture
def package_copy(installed, tmp_path) -> Path:
    """A copy of the real package in a folder of its own, with nothing published yet."""
    copy = tmp_path / "my package"  # a space in the path, as users' folders have
    copy.mkdir()
    for part in PACKAGE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, copy / part)
        elif src.is_file():
            shutil.copy2(src, copy / part)
    return copy


def test_no_test_extra_is_installed(installed):
    bin_dir, tmp = installed
    code = "import importlib.util, sys; print(','.join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))"
    out = _run([bin_dir / "python", "-c", code, *TEST_ONLY], cwd=tmp)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the runtime environment has test-only packages: {out.stdout}"


def test_every_command_runs_from_the_wheel(installed, package_copy, tmp_path):
    bin_dir, _ = installed
    zonedata = bin_dir / "zonedata"
    elsewhere = tmp_path / "elsewhere"  # the working directory is neither the checkout nor the package
    elsewhere.mkdir()
    before = {p.name: p.read_bytes() for p in (package_copy / "data" / "clean").iterdir()}
    shutil.rmtree(package_copy / "data" / "clean")
    (package_copy / "datapackage.json").unlink()

    missing = _run([zonedata, "validate", "--root", package_copy], cwd=elsewhere)
    assert missing.returncode == 1, missing.stdout + missing.stderr
    assert "publication-missing" in missing.stdout and "Traceback" not in missing.stderr

    build = _run([zonedata, "build", "--root", package_copy], cwd=elsewhere)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "wrote datapackage.json" in build.stdout
    after = {p.name: p.read_bytes() for p in (package_copy / "data" / "clean").iterdir()}
    assert after == before, "the installed wheel builds the committed files byte for byte"

    ran = {}
    for command in (
        ["validate"],
        ["validate", "--format", "json"],
        ["coverage"],
        ["cite"],
        ["cite", "--format", "bibtex"],
        ["site"],
        ["diff", "1.0.0", "."] if (ROOT / "releases").is_dir() else [],
    ):
        if not command:
            continue
        out = ran[" ".join(command)] = _run([zonedata, *command, "--root", package_copy], cwd=elsewhere)
        assert out.returncode == 0, (command, out.stdout, out.stderr)
        assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    assert json.loads(ran["validate --format json"].stdout)["valid"] is True
    cite = ran["cite"].stdout
    assert "[Data set]" in cite
    # the site (written to site/ in the package by default): its templates, script and style sheet are package data
    assert (package_copy / "site" / "assets" / "site.js").is_file()
    assert cite.strip() in html.unescape((package_copy / "site" / "index.html").read_text(encoding="utf-8"))


def test_init_runs_from_the_wheel(installed, tmp_path):
    """`zonedata init` reads its templates from the installed package (package data), and what it writes validates."""
    bin_dir, _ = installed
    zonedata = bin_dir / "zonedata"
    made = _run([zonedata, "init", "new dataset", "--title", "A new dataset", "--currency", "EUR"], cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    checked = _run([zonedata, "validate", "--root", tmp_path / "new dataset"], cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = _run([zonedata, "init", "new dataset", "--title", "Again"], cwd=tmp_path)
    assert again.returncode == 2 and "is not empty" in again.stderr


def test_cite_outside_a_package_cites_the_installed_version(installed, tmp_path):
    """An analyst who only ran `pip install zonedata` learns how to cite the data the wheel ships."""
    bin_dir, _ = installed
    out = _run([bin_dir / "zonedata", "cite"], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    version = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert f"Version {version}" in out.stdout and "[Data set]" in out.stdout
    bibtex = _run([bin_dir / "zonedata", "cite", "--format", "bibtex"], cwd=tmp_path)
    assert bibtex.returncode == 0 and bibtex.stdout.startswith("@misc{zonedata-")


def test_load_reads_the_data_the_wheel_ships(installed, tmp_path):
    bin_dir, _ = installed
    code = (
        "import zonedata, json\n"
        "s = zonedata.load('statistics')\n"
        "print(json.dumps({'rows': s.height, 'version': zonedata.package()['version'],"
        " 'where': zonedata.__file__, 'tables': __import__('zonedata.api').api.tables()}))"
    )
    out = _run([bin_dir / "python", "-c", code], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    expected = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert got["version"] == expected["version"]
    assert str(ROOT) not in got["where"], "zonedata was imported from the wheel, not the checkout"
    assert "statistics" in got["tables"] and got["rows"] > 0


def test_a_crash_leaves_a_traceback(installed, tmp_path):
    """faulthandler is on in the console script: a fatal signal prints where every thread was."""
    bin_dir, _ = installed
    code = (
        "import os, signal\n"
        "from zonedata import cli\n"
        "def crash(*args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGSEGV)\n"
        "cli.cli.main = crash  # as if a native library crashed while the command ran\n"
        "cli.main()\n"
    )
    out = _run([bin_dir / "python", "-c", code], cwd=tmp_path)
    assert out.returncode != 0
    assert "Fatal Python error: Segmentation fault" in out.stderr and "File " in out.stderr


def test_frictionless_finds_the_plugin_the_wheel_ships(installed, tmp_path):
    """`frictionless validate` reads Parquet list cells as lists wherever the wheel is installed beside frictionless:
    the plugin module frictionless_zonedata is in the wheel, and frictionless discovers it from there. frictionless
    and pandas are not in the runtime lock, so this borrows them from the test environment, looked up last."""
    bin_dir, _ = installed
    borrowed = [p for p in sys.path if p.endswith("site-packages")]
    code = (
        "import json, sys\n"
        f"sys.path.extend({borrowed!r})\n"
        "import frictionless_zonedata\n"
        "from frictionless import Package, system\n"
        f"package = Package({str(ROOT / 'datapackage.json')!r})\n"
        "report = package.get_resource('parks-parquet').validate()\n"
        "print(json.dumps({'plugin': type(system.plugins['zonedata']).__module__,"
        " 'from': frictionless_zonedata.__file__, 'valid': report.valid, 'rows': report.tasks[0].stats['rows'],"
        " 'errors': [e.message for e in report.tasks[0].errors][:3]}))\n"
    )
    out = _run([bin_dir / "python", "-c", code], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["plugin"] == "frictionless_zonedata"
    assert str(bin_dir.parent) in got["from"], "the plugin was imported from the wheel, not the checkout"
    assert got["errors"] == [] and got["valid"] is True and got["rows"] > 0

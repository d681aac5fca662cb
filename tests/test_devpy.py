"""dev.py and the locks: usage, test paths, broken .venv detection, locks that agree with pyproject.toml
and with each other, and distributions that carry neither the seed texts nor the release archives."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dev(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "dev.py"), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("flag", ["--help", "-h", "help"])
def test_help_exits_0_and_names_every_command(flag):
    result = _dev(flag)
    assert result.returncode == 0, result.stderr
    for command in ("setup", "run", "test", "lock"):
        assert f"python3 dev.py {command}" in result.stdout


def test_no_command_or_an_unknown_one_is_a_usage_error():
    bare = _dev()
    assert bare.returncode == 2 and "python3 dev.py setup" in bare.stderr
    wrong = _dev("install")
    assert wrong.returncode == 2 and "unknown command 'install'" in wrong.stderr
    extra = _dev("run", "tests")
    assert extra.returncode == 2 and "takes no arguments" in extra.stderr


def test_test_paths_are_taken_relative_to_where_dev_py_runs(dev, tmp_path):
    tests = ROOT / "tests"
    assert dev.test_args(["test_cli.py::test_help", "-q", "-k", "help"], tests) == [
        f"{tests / 'test_cli.py'}::test_help",
        "-q",
        "-k",
        "help",
    ]
    assert dev.test_args(["../test_cli.py"], tests / "corpus") == [str(tests / "test_cli.py")]
    # names that are not files where dev.py runs pass through (pytest reports them itself)
    assert dev.test_args(["tests/nope.py", "-x"], tmp_path) == ["tests/nope.py", "-x"]


@pytest.fixture
def fake_venv(dev, tmp_path, monkeypatch):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    for name, value in {
        "VENV": venv,
        "PYTHON": venv / "bin" / "python",
        "STAMP": venv / ".zonedata-setup.json",
        "INCOMPLETE": venv / ".zonedata-setup-incomplete",
        "ROOT": tmp_path,
    }.items():
        monkeypatch.setattr(dev, name, value)
    return venv


def _python_printing(path: Path, version: str) -> None:
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)


@pytest.mark.skipif(os.name == "nt", reason="the fake interpreter is a shell script")
def test_a_usable_venv_has_no_problem(dev, fake_venv):
    _python_printing(fake_venv / "bin" / "python", f"{sys.version_info[0]} {sys.version_info[1]}")
    assert dev.venv_problem() is None


@pytest.mark.skipif(os.name == "nt", reason="the fake interpreter is a shell script")
def test_broken_venvs_are_detected_with_the_reason(dev, fake_venv):
    python = fake_venv / "bin" / "python"
    python.symlink_to(fake_venv / "gone" / "python3")
    assert dev.venv_problem() == ".venv/bin/python is missing or points at a Python that is gone"
    python.unlink()
    _python_printing(python, "3 9")
    assert dev.venv_problem() == f"it was made with Python 3.9, this is {sys.version.split()[0]}"
    python.write_text("#!/bin/sh\necho 'Fatal Python error: init_fs_encoding' >&2\nexit 1\n")
    assert dev.venv_problem() == "its Python does not start (Fatal Python error: init_fs_encoding)"
    _python_printing(python, f"{sys.version_info[0]} {sys.version_info[1]}")
    (fake_venv / "pyvenv.cfg").unlink()
    assert dev.venv_problem() == "it has no pyvenv.cfg"
    (fake_venv / ".zonedata-setup-incomplete").write_text("")
    assert dev.venv_problem() == "an earlier set-up did not finish"


def test_the_stamp_changes_with_the_lock_the_command_needs(dev):
    runtime, test = dev.fingerprint("runtime"), dev.fingerprint("test")
    assert runtime["lock"] == "requirements.lock" and test["lock"] == "requirements-test.lock"
    assert runtime != test and runtime["pyproject_sha256"] == test["pyproject_sha256"]


def test_run_uses_a_test_environment_as_it_is_and_test_only_adds_to_a_runtime_one(dev):
    """`run` after `test` installs nothing (the test set-up holds every runtime pin: see the lock tests below),
    so the two no longer resynchronise one .venv back and forth; `test` after `run` adds the test tools."""
    made_for_test = {**dev.fingerprint("test"), "installer": "uv"}
    made_for_run = {**dev.fingerprint("runtime"), "installer": "uv"}
    assert dev.up_to_date(made_for_test, "runtime") and dev.up_to_date(made_for_test, "test")
    assert dev.up_to_date(made_for_run, "runtime") and not dev.up_to_date(made_for_run, "test")
    for key in ("lock_sha256", "pyproject_sha256", "python"):  # a change to what it was made from: set up again
        assert not dev.up_to_date({**made_for_test, key: "changed"}, "runtime")
    assert not dev.up_to_date({**made_for_test, "environment": "other"}, "runtime")


# -- the locks --------------------------------------------------------------------------------------


def _name(requirement: str) -> str:
    return re.split(r"[=<>!~; \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict[str, set[str]]:
    """name -> the versions a lock pins (a universal lock may pin one per Python version)"""
    pins: dict[str, set[str]] = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", path.read_text(), re.M):
        pins.setdefault(match.group(1).lower(), set()).add(match.group(2))
    return pins


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock", "requirements-uv.lock"])
def test_every_lock_is_hash_pinned_and_names_its_command(dev, lock):
    text = (ROOT / lock).read_text()
    assert "python3 dev.py lock" in text.split("\n", 3)[1]
    blocks = dev.locked(ROOT / lock)
    assert blocks
    for name, block in blocks.items():
        assert "==" in block.split("\n", 1)[0] and "--hash=sha256:" in block, f"{lock}: {name} is not hash-pinned"


def test_the_runtime_lock_is_what_pip_install_zonedata_needs():
    pins = _pins(ROOT / "requirements.lock")
    for requirement in PROJECT["dependencies"]:
        assert _name(requirement) in pins, f"{requirement} is a dependency but not in requirements.lock"
    for tool in ("pandas", "pytest", "duckdb", "hatchling", "pip"):
        assert tool not in pins, f"{tool} is not a runtime dependency: it belongs in requirements-test.lock"


def test_the_test_lock_adds_the_test_tools_to_the_same_runtime_pins():
    runtime, test = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-test.lock")
    for name, versions in runtime.items():
        assert test.get(name) == versions, f"{name}: the tests would run {test.get(name)}, users get {versions}"
    for requirement in PROJECT["optional-dependencies"]["test"]:
        assert _name(requirement) in test
    for tool in ("hypothesis", "playwright", "ruff", "mypy", "hatchling", "editables", "pip"):
        assert tool in test


# -- the distributions ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    if not (ROOT / "datapackage.json").is_file():
        pytest.skip("the repository has not been built yet (run zonedata build)")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    sdist = next(out.glob("*.tar.gz"))
    # the wheel is built from the sdist, as pip does, so the sdist is proven complete
    with tarfile.open(sdist) as archive:
        archive.extractall(out / "unpacked", filter="data")
    (unpacked,) = (out / "unpacked").iterdir()
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=unpacked,
        check=True,
        capture_output=True,
    )
    with tarfile.open(sdist) as archive:
        sdist_names = [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]
    with zipfile.ZipFile(next(out.glob("*.whl"))) as archive:
        wheel_names = archive.namelist()
    return sdist_names, wheel_names


def test_distributions_carry_no_source_texts_and_no_release_archives(dists):
    for names in dists:
        assert not [n for n in names if n.endswith(".txt") and "/seeds/" in f"/{n}"], "a seed text is shipped"
        assert not [n for n in names if n.endswith(".zip") or n.startswith("releases/")]
    sdist, _ = dists
    assert {"seeds/sources.csv", "pyproject.toml", "hatch_build.py", "datapackage.json", "LICENSE"} <= set(sdist)


def test_the_wheel_ships_the_data_its_licence_covers_and_py_typed(dists):
    _, wheel = dists
    assert "zonedata/py.typed" in wheel
    assert "frictionless_zonedata/__init__.py" in wheel  # the frictionless plugin (Parquet list cells)
    assert "zonedata/_package/datapackage.json" in wheel
    assert any(n.startswith("zonedata/_package/data/clean/") and n.endswith(".parquet") for n in wheel)
    assert PROJECT["license"] == "MIT AND CC-BY-4.0"


def test_pyproject_has_the_conventions_an_index_shows():
    assert {"Homepage", "Source", "Issues", "Changelog", "Documentation"} <= set(PROJECT["urls"])
    classifiers = set(PROJECT["classifiers"])
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Development Status ::") for c in classifiers)
    assert any(c.startswith("Intended Audience ::") for c in classifiers)


def test_readme_links_work_on_the_package_index():
    """The index renders README.md without the repository around it: every link must be absolute."""
    text = (ROOT / "README.md").read_text()
    relative = [target for target in re.findall(r"\]\(([^)]+)\)", text) if not re.match(r"https?://|#", target)]
    assert relative == []


def test_a_venv_that_is_not_a_folder_is_broken_and_removed(dev, fake_venv):
    import shutil

    shutil.rmtree(fake_venv)
    fake_venv.write_text("not a venv")
    assert dev.venv_problem() == "it is not a folder"
    dev.remove_venv()
    assert not fake_venv.exists()
    fake_venv.symlink_to(fake_venv.parent / "elsewhere")
    assert dev.venv_problem() == "it is not a folder"
    dev.remove_venv()
    assert not fake_venv.is_symlink()
    assert dev.venv_problem() is None  # none at all: set-up makes one


# -- the workflows ----------------------------------------------------------------------------------


def _workflow(name: str) -> dict:
    import yaml

    return yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / ".github" / "workflows").glob("*.yml")))
def test_every_workflow_sets_its_permissions(name):
    assert "permissions" in _workflow(name), f"{name} runs with the default (broad) token permissions"


def test_ci_runs_the_ci_script_on_every_supported_python_with_caches():
    job = _workflow("ci.yml")["jobs"]["test"]
    assert job["strategy"]["matrix"]["python"] == ["3.11", "3.12", "3.13"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert "bash .ci/run" in runs
    assert any(
        step.get("uses", "").startswith("actions/cache@") and "uv" in step["with"]["path"] for step in job["steps"]
    )


def test_the_release_workflow_attaches_wheel_sdist_and_archive():
    workflow = _workflow("release.yml")
    assert workflow[True]["push"]["tags"] == ["v*"]  # YAML reads the key `on` as True
    script = "\n".join(step.get("run", "") for step in workflow["jobs"]["release"]["steps"])
    assert "hatchling build" in script
    assert 'dist/*.whl dist/*.tar.gz "releases/zonedata-$VERSION.zip"' in script

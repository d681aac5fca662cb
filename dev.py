#!/usr/bin/env python3
"""Set up the pinned environment in .venv, then run the main job or the tests. Needs only python3.

usage: python3 dev.py COMMAND [ARGS]

    python3 dev.py setup         # set up .venv for development: zonedata and the test tools
    python3 dev.py run           # set up .venv with what `pip install zonedata` needs (unless it
                                 # already holds the test set-up, a superset), then
                                 # `zonedata validate` and `zonedata build`
    python3 dev.py test [ARGS]   # set up as `setup`, then pytest ARGS (paths relative to where you are),
                                 # one worker per core (pytest-xdist; `-n 0` runs in one process)
    python3 dev.py lock          # regenerate every lock file from pyproject.toml and the *.in files

Locks (exact versions and sha256 hashes, valid on Linux, macOS and Windows):
    requirements.lock       what `pip install zonedata` needs; `run` installs exactly this
    requirements-test.lock  the same pins plus the test extra and test-requirements.in
    requirements-uv.lock    the uv that installs them (uv-requirements.in)

The environment is synchronised with the lock, not just installed over: packages that left it
are removed, and nothing is reinstalled while the lock, pyproject.toml and Python are unchanged.
The test set-up holds every pin of the runtime lock (it is compiled against it), so `run` uses a
.venv that `setup` or `test` made as it is: running the job never removes the test tools (nor the
pandas and DuckDB the README's examples use), and `test` after `run` only adds packages.
uv is installed from the package index into .tools/ (pinned, with hashes) when it can be;
otherwise pip installs the same hash-pinned lock (ZONEDATA_INSTALLER=pip forces this).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
EXE = ".exe" if os.name == "nt" else ""
STAMP = VENV / ".zonedata-setup.json"
INCOMPLETE = VENV / ".zonedata-setup-incomplete"
TOOLS = ROOT / ".tools"

RUNTIME_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
UV_LOCK = ROOT / "requirements-uv.lock"
CFF_LOCK = ROOT / "requirements-cff.lock"
#: which lock each kind of environment is synchronised with
ENVIRONMENTS = {"runtime": RUNTIME_LOCK, "test": TEST_LOCK}
#: the kinds of environment that also serve a command needing another kind: the test lock is compiled
#: with the runtime lock as a constraint, so a test environment holds exactly the runtime pins too
SERVES = {"runtime": ("runtime", "test"), "test": ("test",)}
#: what the build backend needs for the editable install (pinned with hashes in the test lock)
BUILD_PACKAGES = ("hatchling", "editables", "packaging", "pathspec", "pluggy", "trove-classifiers")
COMPILE = [
    "pip",
    "compile",
    "--universal",
    "--generate-hashes",
    "--quiet",
    "--custom-compile-command",
    "python3 dev.py lock",
]


def say(message: str) -> None:
    print(f"dev.py: {message}", flush=True)


def run(*cmd: str | Path, quiet: bool = False) -> int:
    if not quiet:
        print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def locked(lock: Path) -> dict[str, str]:
    """Each requirement block of a lock file (`name==version` and its hashes), by normalised name."""
    blocks: dict[str, str] = {}
    name = None
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            name = re.split(r"[=<>!~; \[]", line, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")
            blocks[name] = blocks.get(name, "") + line + "\n"
        elif name and line.strip().startswith("--hash"):
            blocks[name] += line + "\n"
        else:
            name = None
    return blocks


# -- uv -------------------------------------------------------------------------------------------


def uv_version() -> str:
    match = re.search(r"^uv==([\w.]+)", UV_LOCK.read_text(encoding="utf-8"), re.M)
    if not match:
        sys.exit(f"dev.py: {UV_LOCK.name} pins no uv==VERSION; run `python3 dev.py lock` with uv on PATH")
    return match.group(1)


def ensure_uv() -> Path | None:
    """The pinned uv, installed into .tools/ from the package index with pip if needed; None when pip
    cannot install it (then the caller falls back to pip)."""
    if os.environ.get("ZONEDATA_INSTALLER", "").lower() == "pip":
        return None
    version = uv_version()
    target = TOOLS / f"uv-{version}"
    exe = target / "bin" / f"uv{EXE}"
    if exe.exists() and _runs(exe, "--version"):
        return exe
    if subprocess.call(
        [sys.executable, "-m", "pip", "--version"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    ):
        say(f"{sys.executable} has no pip to install uv with: falling back to pip inside .venv")
        return None
    say(f"installing uv {version} into {target.relative_to(ROOT)} (pinned, with hashes)")
    shutil.rmtree(target, ignore_errors=True)
    os.environ.setdefault("PIP_ROOT_USER_ACTION", "ignore")  # root in CI containers: pip's warning is noise here
    code = run(
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--require-hashes",
        "--target",
        target,
        "-r",
        UV_LOCK,
    )
    if code or not _runs(exe, "--version"):
        shutil.rmtree(target, ignore_errors=True)
        say(f"could not install uv {version}: falling back to pip with the same lock")
        return None
    return exe


def _runs(exe: Path, *args: str) -> bool:
    try:
        return subprocess.run([str(exe), *args], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def uv_env() -> dict[str, str]:
    """uv never downloads a Python; it uses the interpreter that runs dev.py."""
    return {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": str(VENV)}


def uv(exe: Path, *args: str | Path) -> int:
    print("+ uv", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(exe), *map(str, args)], cwd=ROOT, env=uv_env())


# -- the environment ------------------------------------------------------------------------------


def venv_problem() -> str | None:
    """Why the existing .venv cannot be used as it is (None when it can, or when there is none)."""
    if not VENV.exists() and not VENV.is_symlink():
        return None
    if VENV.is_symlink() or not VENV.is_dir():
        return "it is not a folder"
    if INCOMPLETE.exists():
        return "an earlier set-up did not finish"
    if not (VENV / "pyvenv.cfg").is_file():
        return "it has no pyvenv.cfg"
    if not PYTHON.exists():
        return f"{PYTHON.relative_to(ROOT)} is missing or points at a Python that is gone"
    try:
        out = subprocess.run(
            [str(PYTHON), "-c", "import sys; print(sys.version_info[0], sys.version_info[1])"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"its Python does not start ({error})"
    if out.returncode:
        return f"its Python does not start ({(out.stderr.strip().splitlines() or ['exit ' + str(out.returncode)])[-1]})"
    if out.stdout.split() != [str(sys.version_info[0]), str(sys.version_info[1])]:
        return f"it was made with Python {'.'.join(out.stdout.split())}, this is {sys.version.split()[0]}"
    if STAMP.is_file() and subprocess.call(
        [str(PYTHON), "-c", "import importlib.util, sys; sys.exit(not importlib.util.find_spec('zonedata'))"]
    ):
        return "zonedata is no longer installed in it"
    return None


def fingerprint(kind: str) -> dict[str, str]:
    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    return {
        "environment": kind,
        "lock": ENVIRONMENTS[kind].name,
        "lock_sha256": digest(ENVIRONMENTS[kind]),
        "pyproject_sha256": digest(ROOT / "pyproject.toml"),
        "python": sys.version.split()[0],
    }


def up_to_date(stamp: dict, kind: str) -> bool:
    """Whether the environment `stamp` describes serves `kind` as it is: made for `kind`, or for a kind that
    holds it (SERVES), from the lock, pyproject.toml and Python there are now."""
    made = stamp.get("environment")
    return made in SERVES[kind] and {k: v for k, v in stamp.items() if k != "installer"} == fingerprint(made)


def remove_venv() -> None:
    try:
        if VENV.is_symlink() or VENV.is_file():
            VENV.unlink()
        else:
            shutil.rmtree(VENV)
    except OSError as error:
        sys.exit(f"dev.py: cannot remove .venv ({error}); remove it by hand and run dev.py again")


def _read_stamp() -> dict | None:
    try:
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
        return stamp if isinstance(stamp, dict) else None
    except (OSError, ValueError):
        return None


def setup(kind: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036  (dev.py runs under any python3 to say so)
        sys.exit(f"dev.py: zonedata needs Python >= 3.11, this is {sys.version.split()[0]}")
    lock = ENVIRONMENTS[kind]
    problem = venv_problem()
    if problem:
        say(f".venv is broken ({problem}): removing it and setting it up afresh")
        remove_venv()
    previous = _read_stamp()
    if previous and up_to_date(previous, kind):
        return  # nothing changed since the last set-up: install nothing
    started = time.monotonic()
    uv_exe = ensure_uv()
    wanted = {**fingerprint(kind), "installer": "uv" if uv_exe else "pip"}
    if previous and previous.get("installer") != wanted["installer"]:
        # uv keeps the seed packages (pip) of a venv that pip made; start afresh to sync exactly
        say(f".venv was set up with {previous.get('installer')}, now with {wanted['installer']}: setting it up afresh")
        remove_venv()
    if not VENV.exists():
        if uv_exe:
            if uv(uv_exe, "venv", "--quiet", "--python", sys.executable, VENV):
                sys.exit("dev.py: set-up failed: uv could not create .venv")
        else:
            say("creating .venv with pip")
            try:
                venv.EnvBuilder(with_pip=True).create(VENV)
            except (OSError, subprocess.CalledProcessError) as error:
                remove_venv()
                sys.exit(
                    f"dev.py: cannot create .venv with {sys.executable} ({error}); on Debian or Ubuntu, "
                    "apt-get install python3-venv"
                )
    STAMP.unlink(missing_ok=True)
    INCOMPLETE.write_text("a set-up is running or was interrupted; the next one rebuilds .venv\n", encoding="utf-8")
    say(f"synchronising .venv with {lock.name} ({'uv' if uv_exe else 'pip'})")
    ok = sync_with_uv(uv_exe, lock) if uv_exe else sync_with_pip(lock)
    if not ok:
        sys.exit("dev.py: set-up failed (see above); the next run rebuilds .venv")
    INCOMPLETE.unlink()
    STAMP.write_text(json.dumps(wanted, indent=1) + "\n", encoding="utf-8")
    say(f".venv is ready ({time.monotonic() - started:.1f} s)")


def sync_with_uv(exe: Path, lock: Path) -> bool:
    """`uv pip sync` installs exactly the lock (removing anything else), then zonedata itself, editable,
    built with the build backend pinned by hash in the test lock. Like pip, it compiles what it installs to
    bytecode (uv does not by default): without it every process compiles pandas, polars' Python and the rest
    again (seconds where PYTHONDONTWRITEBYTECODE is set, and on every first import otherwise)."""
    python = ("--python", PYTHON)
    return not (
        uv(exe, "pip", "sync", "--quiet", *python, "--require-hashes", "--compile-bytecode", lock)
        or uv(
            exe, "pip", "install", "--quiet", *python, "--no-deps", "--build-constraints", TEST_LOCK, "--editable", "."
        )
    )


def sync_with_pip(lock: Path) -> bool:
    """pip installs the lock with --require-hashes, removes what is not in it, and installs zonedata
    editable with the build backend from the test lock (removed again when the lock lacks it)."""
    pip = [PYTHON, "-m", "pip", "--disable-pip-version-check"]
    if subprocess.call([str(PYTHON), "-m", "pip", "--version"], stdout=subprocess.DEVNULL) and run(
        PYTHON, "-m", "ensurepip", "--default-pip"
    ):
        return False
    wanted = locked(lock)
    build = {name: block for name, block in locked(TEST_LOCK).items() if name in BUILD_PACKAGES}
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp, "requirements.txt")
        requirements.write_text("".join({**build, **wanted}.values()), encoding="utf-8")
        if run(*pip, "install", "--quiet", "--require-hashes", "--no-deps", "-r", requirements):
            return False
    if run(*pip, "install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", "."):
        return False
    listed = subprocess.run(
        [str(PYTHON), "-m", "pip", "list", "--format=json", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
    )
    if listed.returncode:
        return False
    installed = {p["name"].lower().replace("_", "-").replace(".", "-") for p in json.loads(listed.stdout)}
    extra = sorted(installed - set(wanted) - {"pip", "zonedata"})
    return not (extra and run(*pip, "uninstall", "--quiet", "--yes", *extra))


# -- locks ----------------------------------------------------------------------------------------


def lock() -> int:
    """Regenerate every lock with uv, keeping the current pins where they still fit (delete a lock,
    or a line of it, to take newer versions). The test lock is constrained by the runtime lock, so
    the tests run exactly the versions users get."""
    exe = ensure_uv() or (Path(found) if (found := shutil.which("uv")) else None)
    if not exe:
        return _fail("`dev.py lock` needs uv: it could not be installed and is not on PATH")
    steps = [
        ("pyproject.toml", "-o", RUNTIME_LOCK),
        ("pyproject.toml", "--extra", "test", "test-requirements.in", "-c", RUNTIME_LOCK, "-o", TEST_LOCK),
        ("uv-requirements.in", "-o", UV_LOCK),
        ("cff-requirements.in", "-o", CFF_LOCK),
    ]
    for step in steps:
        if uv(exe, *COMPILE, *step):
            return 1
    return 0


def _fail(message: str) -> int:
    print(f"dev.py: {message}", file=sys.stderr)
    return 1


# -- commands -------------------------------------------------------------------------------------


def test_args(args: list[str], cwd: Path) -> list[str]:
    """pytest runs in the repository root; a test path given relative to where dev.py was started
    (`tests/test_cli.py::test_help`, `../tests`) is made absolute so it still names the same file."""
    out = []
    for arg in args:
        path, sep, node = arg.partition("::")
        if not arg.startswith("-") and path and (cwd / path).exists():
            arg = str((cwd / path).resolve()) + sep + node
        out.append(arg)
    return out


def usage() -> str:
    return __doc__.split("\n\n", 1)[1]


def main(argv: list[str]) -> int:
    if argv and argv[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if not argv or argv[0] not in ("setup", "run", "test", "lock"):
        print(usage(), file=sys.stderr)
        if argv:
            print(f"dev.py: unknown command {argv[0]!r}", file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    if command == "lock":
        return lock()
    if args and command != "test":
        print(f"dev.py: `dev.py {command}` takes no arguments (got {' '.join(args)})", file=sys.stderr)
        return 2
    setup("runtime" if command == "run" else "test")
    if command == "run":
        return run(BIN / f"zonedata{EXE}", "validate") or run(BIN / f"zonedata{EXE}", "build")
    if command == "test":
        # a file's tests stay on one worker (--dist loadfile): the slow module fixtures (a wheel installed
        # in a venv, a site in a browser) are then made once, not once per worker
        return run(PYTHON, "-m", "pytest", "-n", "auto", "--dist", "loadfile", *test_args(args, Path.cwd()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Set up a pinned environment in .venv and run the main job or the tests. Needs only python3.

    python3 dev.py run     # set up, then `zonedata validate` and `zonedata build`
    python3 dev.py test    # set up, then the test suite (pytest)

The environment is installed from requirements.lock (exact versions and hashes) and
reinstalled only when the lock file changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
STAMP = VENV / ".zonedata-lock-sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def run(*cmd: str | Path) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def setup() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"zonedata needs Python >= 3.11, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256(LOCK.read_bytes() + (ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if run(*pip, "--require-hashes", "-r", LOCK) or run(*pip, "--no-deps", "--no-build-isolation", "-e", "."):
        sys.exit("set-up failed")
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "setup"):
        print(__doc__)
        return 2
    setup()
    if argv[0] == "run":
        code = run(BIN / "zonedata", "validate")
        if code:
            return code
        return run(BIN / "zonedata", "build")
    if argv[0] == "test":
        return run(BIN / "python", "-m", "pytest", *argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

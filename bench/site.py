"""Time `zonedata site` on a generated package (bench/generate.py), built first with `zonedata build`.

    .venv/bin/python bench/site.py                   # 100,000 records, 3 runs
    .venv/bin/python bench/site.py --records 10000 --runs 5

The generated package (bench/out/<n>k-valid) is copied to bench/out/<n>k-site with the repository's
metadata/package.json and pyproject.toml, published there with `zonedata build`, and the site is
written to its site/ folder. Each run is a whole process, as users start it; the wall time and the
CPU time of the process (user + system, from the kernel) are printed, with the site's size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import generate  # noqa: E402  (found through the sys.path entry above)

ZONEDATA = Path(sys.executable).parent / "zonedata"


def prepare(records: int) -> Path:
    valid, _ = generate.generate(records, generate.SEED)
    root = valid.with_name(valid.name.replace("-valid", "-site"))
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(valid, root, ignore=shutil.ignore_patterns("datapackage.json", "injected.json"))
    (root / "metadata").mkdir(exist_ok=True)
    shutil.copy2(REPO / "metadata" / "package.json", root / "metadata" / "package.json")
    shutil.copy2(REPO / "pyproject.toml", root / "pyproject.toml")
    subprocess.run([ZONEDATA, "build", "--root", root], check=True, stdout=subprocess.DEVNULL)
    return root


def run(root: Path) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([ZONEDATA, "site", "--root", root], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"zonedata site failed on {root}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = prepare(args.records)
    for k in range(args.runs):
        wall, cpu = run(root)
        site = root / "site"
        files = [p for p in site.rglob("*") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        print(
            f"run {k + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU; {len(files)} files, {size / 2**20:.0f} MiB "
            f"(load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    main()

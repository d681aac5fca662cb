"""Interleaved whole-process runs of several commands: wall time, CPU time (user + system) and peak memory.

    .venv/bin/python bench/cpu.py 3 \
        "frictionless=.venv/bin/frictionless validate bench/out/1M-valid/datapackage.json" \
        "polars=.venv/bin/python bench/floor.py bench/out/1M-valid" \
        "zonedata=.venv/bin/python -m zonedata validate --no-publication --root bench/out/1M-valid"

On a shared machine wall time says more about the load than about the command; CPU time and peak
memory far less. Each command runs under `/usr/bin/time -v`, the commands taking turns in alternating
order, so every command sees the same load; the load average is printed before and after.
"""

from __future__ import annotations

import os
import re
import shlex
import statistics
import subprocess
import sys


def run(cmd: str) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit code) of one run."""
    out = subprocess.run(
        ["/usr/bin/time", "-v", *shlex.split(cmd)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ).stderr

    def field(name: str) -> str:
        found = re.search(rf"{re.escape(name)}: (.+)", out)
        if not found:
            raise SystemExit(f"no {name!r} in /usr/bin/time's output of {cmd!r}:\n{out[-2000:]}")
        return found[1].strip()

    h_m_s = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(x * 60**i for i, x in enumerate(reversed(h_m_s)))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    return wall, cpu, rss, int(field("Exit status"))


def load() -> str:
    return open("/proc/loadavg").read().split()[0:3].__str__()


def main() -> None:
    if len(sys.argv) < 3 or not sys.argv[1].isdigit():
        sys.exit("usage: bench/cpu.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]")
    rounds = int(sys.argv[1])
    cmds = [arg.split("=", 1) for arg in sys.argv[2:]]
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # keep compiled bytecode (see ab.py)
    print(f"load average before: {load()}", flush=True)
    results: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name, _ in cmds}
    for i in range(rounds):
        for name, cmd in cmds if i % 2 == 0 else list(reversed(cmds)):
            results[name].append(r := run(cmd))
            print(
                f"  round {i + 1} {name}: wall {r[0]:.2f} s, CPU {r[1]:.2f} s, peak {r[2]:.0f} MiB, exit {r[3]}",
                flush=True,
            )
    print(f"load average after: {load()}")
    print("| command | wall s (median) | CPU s (median) | peak MiB (max) | runs |")
    print("|---|---:|---:|---:|---:|")
    for name, rs in results.items():
        print(
            f"| {name} | {statistics.median(r[0] for r in rs):.2f} | {statistics.median(r[1] for r in rs):.2f} | "
            f"{max(r[2] for r in rs):.0f} | {len(rs)} |"
        )


if __name__ == "__main__":
    main()

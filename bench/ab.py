"""Head-to-head timing of two or more commands, interleaved, for judging a change worth a few percent.

    .venv/bin/python bench/ab.py 16 \
        "env PYTHONPATH=/tmp/before/src .venv/bin/python -m zonedata validate --no-publication --root bench/out/100k-valid" \
        ".venv/bin/python -m zonedata validate --no-publication --root bench/out/100k-valid"

(`git worktree add /tmp/before HEAD` gives the code before a change; PYTHONPATH puts it ahead of
the editable install.) On a shared virtual machine a command's speed drifts by 5-10% over minutes,
so timing one command's runs after the other's (as hyperfine does) can credit a change with the
drift. Here the commands take turns, in alternating order, and each round's difference from the
first command is kept: the median of those paired differences is the change's effect.
"""

from __future__ import annotations

import os
import shlex
import statistics
import subprocess
import sys
import time


def wall(cmd: str) -> float:
    start = time.perf_counter()
    subprocess.run(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    if len(sys.argv) < 4 or not sys.argv[1].isdigit():
        sys.exit("usage: bench/ab.py ROUNDS COMMAND_A COMMAND_B [COMMAND ...]")
    rounds, cmds = int(sys.argv[1]), sys.argv[2:]
    # keep the bytecode Python compiles (the warm-up runs below write it): with PYTHONDONTWRITEBYTECODE
    # set, every run compiles polars, Pandera and zonedata again (~0.2 s) and hides a change's effect
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for cmd in cmds:  # one unmeasured run each: file cache, bytecode
        wall(cmd)
    times: list[list[float]] = [[] for _ in cmds]
    for i in range(rounds):
        order = range(len(cmds)) if i % 2 == 0 else reversed(range(len(cmds)))
        for k in order:
            times[k].append(wall(cmds[k]))
    for k, cmd in enumerate(cmds):
        diff = [b - a for a, b in zip(times[0], times[k])]
        print(
            f"{statistics.median(times[k]) * 1000:8.1f} ms median, {statistics.median(diff) * 1000:+7.1f} ms against "
            f"the first (median of {rounds} paired rounds)  {cmd}"
        )


if __name__ == "__main__":
    main()

"""Differential test of the CSV loader (issue 23): each raw table's bytes with a few byte- and cell-level
mutations (quotes, commas, line ends, BOM, blank lines, invalid UTF-8, formulas, hostile cells) parsed by
two zonedata trees' `loading.tables.parse_table`; prints every difference in findings, frame or strings.

    .venv/bin/python bench/difftables.py --base /work/wt/diff-before/src --cand src --n 3000 --seed 1
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import random
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from diffattack import HOSTILE, run_workers  # noqa: E402

PIECES = [
    b'"',
    b",",
    b"\n",
    b"\r",
    b"\r\n",
    b'""',
    b'","',
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xe9",
    b"\x00",
    b" ",
    b"\t",
    b"=",
    b"+",
    b"-",
    b"@",
    b"FILL?",
    b'"a,b"',
    b"\n\n",
    b",,",
    b"\u3000".decode("unicode_escape").encode(),
]


def mutate(rng: random.Random, data: bytes) -> bytes:
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        op = rng.random()
        if op < 0.35 and data:  # insert a piece at a random byte, or at a cell or line boundary
            bounds = [i for i, c in enumerate(data) if c in (44, 10)]
            k = (
                rng.choice(bounds) + rng.choice([0, 1])
                if bounds and rng.random() < 0.6
                else rng.randrange(len(data) + 1)
            )
            data = data[:k] + rng.choice(PIECES) + data[k:]
        elif op < 0.45 and data:  # delete a byte or a short run
            k = rng.randrange(len(data))
            data = data[:k] + data[k + rng.randint(1, 3) :]
        elif op < 0.5:  # truncate
            data = data[: rng.randrange(len(data) + 1)]
        elif op < 0.6:  # duplicate or drop a line
            lines = data.split(b"\n")
            k = rng.randrange(len(lines))
            if rng.random() < 0.5:
                lines.insert(k, lines[k])
            else:
                del lines[k]
            data = b"\n".join(lines)
        else:  # a cell replaced, through the csv module (quoted as needed)
            try:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
            except (UnicodeDecodeError, csv.Error):
                continue
            if len(rows) < 2:
                continue
            i = rng.randrange(len(rows))
            if not rows[i]:
                continue
            j = rng.randrange(len(rows[i]))
            col = [r[j] for r in rows[1:] if len(r) > j]
            rows[i][j] = rng.choice(HOSTILE) if rng.random() < 0.6 or not col else rng.choice(col)
            o = io.StringIO()
            csv.writer(
                o,
                lineterminator=rng.choice(["\n", "\n", "\r\n"]),
                quoting=rng.choice([csv.QUOTE_MINIMAL] * 3 + [csv.QUOTE_ALL]),
            ).writerows(rows)
            data = o.getvalue().encode("utf-8")
    return data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--cand", required=True)
    ap.add_argument("--root", default=str(REPO))
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="/tmp/difftables")
    ap.add_argument("--show", type=int, default=10)
    a = ap.parse_args()
    out = Path(a.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # a copy of the package's schemas, vocabulary and tables (the workers write their files beside its tables)
    pkg = out / "pkg"
    for item in ("schemas", "metadata", "seeds"):
        shutil.copytree(Path(a.root) / item, pkg / item)
    shutil.copytree(Path(a.root) / "data" / "raw", pkg / "data" / "raw")
    tables = sorted(p.stem for p in (pkg / "data" / "raw").glob("*.csv"))
    rng = random.Random(a.seed)
    inputs = []
    for _ in range(a.n):
        t = rng.choice(tables)
        data = (pkg / "data" / "raw" / f"{t}.csv").read_bytes()
        inputs.append([t, base64.b64encode(mutate(rng, data)).decode()])
    (out / "in.json").write_text(json.dumps(inputs))
    res = run_workers("difftables_worker.py", pkg, out / "in.json", out, a.base, a.cand)
    bad = [i for i, (b, c) in enumerate(zip(res["base"]["out"], res["cand"]["out"])) if b != c]
    errors = sum(1 for b in res["base"]["out"] if "error" in b)
    print(f"{len(inputs)} inputs ({errors} with an internal error in the baseline); differing: {len(bad)}")
    for i in bad[: a.show]:
        b, c = res["base"]["out"][i], res["cand"]["out"][i]
        print("== input", i, inputs[i][0], base64.b64decode(inputs[i][1])[:0])
        (out / f"diff{i}.csv").write_bytes(base64.b64decode(inputs[i][1]))
        print("   bytes in", out / f"diff{i}.csv")
        for k in sorted(set(b) | set(c)):
            if b.get(k) != c.get(k):
                print(f"   {k}: base {str(b.get(k))[:600]}")
                print(f"   {k}: cand {str(c.get(k))[:600]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

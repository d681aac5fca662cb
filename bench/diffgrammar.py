"""Differential test of the number grammar (issue 23): texts and quotes in their context, cut from the
package's source texts with figures in many forms inserted, read by two zonedata trees
(`Grammar.mentions_frame` and `locate.quote_mentions`); prints every difference.

    .venv/bin/python bench/diffgrammar.py --base /work/wt/diff-before/src --cand src --n 20000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from diffattack import FIGURES as ATTACK_FIGURES  # noqa: E402
from diffattack import run_workers  # noqa: E402

#: diffattack's figures and more forms the grammar reads or refuses
FIGURES = [
    *ATTACK_FIGURES,
    "two-thirds",
    "a half",
    "one-half",
    "twenty-first",
    "twenty-one",
    "a hundred",
    "a dozen",
    "three hundred",
    "hundredth",
    "ninety-ninth",
    "7.5 trillion",
    "RMB 7.5 billion",
    "7.5 billion yuan",
    "US$7.5bn",
    "more than 160 million kWh",
    "at least 3",
    "not less than 4 mu",
    "1.21 tn yuan",
    "1 200",
    "1\u2009200",
    "12,000.50",
    "0,5",
    "23 September 2024",
    "September 23, 2024",
    "September 2024",
    "2024/09/23",
    "10:30",
    "9 a.m.",
    "11pm",
    "COVID-19",
    "G20",
    "FY2023",
    "A380",
    "3rd",
    "1st",
    "101st",
    "millionth",
    "5 billion mu",
    "5 k",
    "5k",
    "5m",
    "5 b",
    "$5b",
    "$5m",
    "$5k",
    "5 kmu",
    "RMB 5 b",
    "5 yuan-billion",
    "\uff15",
    "\u0665",
    "5\u00b2",
    "5\u00bd",
    "\u00bd",
    "5 %-6 %",
    "5%-6%",
    "5-6%",
    "up to 5",
    "nearly 5",
    "roughly 5 bn",
    "approx. 5",
    "some 5",
    "5 or so",
    "5 or thereabouts",
    "over-5",
    "5-fold",
    "fivefold",
    "5 times",
    "5th-largest",
    "second-largest",
    "10 consecutive sessions",
    "the 21st China-ASEAN Expo",
    "5 km",
    "5km",
    "5 bn m",
    "5 kmetres",
    "5 m",
    "5bnn",
    "5 billion-sgd",
    "5 k-m\u00b2",
    "5 km\u00b2",
    "5 mm",
    "5 m-n",
    "5 b-n",
    "5 bn-n",
    "5-k-m",
    "5 (x)",
    "5 x^2",
    "5 a.b",
    "S$ 5 bn",
    "sgd5m",
    "5 kkm",
    "5 tn-m",
]


def windows(rng: random.Random, texts: list[str], n: int):
    out_texts, out_quotes = [], []
    for _ in range(n):
        t = rng.choice(texts)
        # a window around a digit most of the time
        digits = [m.start() for m in re.finditer(r"\d", t)] or [0]
        c = rng.choice(digits) if rng.random() < 0.8 else rng.randrange(len(t))
        a = max(0, c - rng.randint(0, 80))
        b = min(len(t), c + rng.randint(1, 80))
        piece = t[a:b]
        if rng.random() < 0.6:  # insert a figure
            k = rng.randint(0, len(piece))
            sp = [m.start() for m in re.finditer(" ", piece)]
            if sp and rng.random() < 0.7:
                k = rng.choice(sp) + rng.choice([0, 1])
            piece = (
                piece[:k]
                + rng.choice(["", " ", " (", "-", ", "])
                + rng.choice(FIGURES)
                + rng.choice(["", " ", ") ", "-", "."])
                + piece[k:]
            )
        out_texts.append(piece)
        # a quote in its context: cut at a random point, often next to a digit
        ds = [m.start() for m in re.finditer(r"\d", piece)]

        def cut(piece=piece, ds=ds):
            if ds and rng.random() < 0.7:
                return max(0, min(len(piece), rng.choice(ds) + rng.randint(-3, 3)))
            return rng.randint(0, len(piece))

        x, y = sorted((cut(), cut()))
        if y == x:
            y = min(len(piece), x + 1)
        out_quotes.append([piece[:x], piece[x:y], piece[y:]])
    return out_texts, out_quotes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--cand", required=True)
    ap.add_argument("--root", default=str(REPO))
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="/tmp/diffgrammar")
    ap.add_argument("--show", type=int, default=15)
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    root = Path(a.root)
    sys.path.insert(0, a.cand)
    from zonedata.text.normalise import normalise

    texts = [normalise(p.read_text(encoding="utf-8")) for p in sorted((root / "seeds").glob("*.txt"))]
    rng = random.Random(a.seed)
    ts, qs = windows(rng, texts, a.n)
    (out / "in.json").write_text(json.dumps({"texts": ts, "quotes": qs}))
    res = run_workers("diffgrammar_worker.py", root, out / "in.json", out, a.base, a.cand)
    bad = 0
    for key, cols, idx, inputs in (("mentions", "mentions_cols", 0, ts), ("quote_mentions", "quote_cols", 0, qs)):
        b, c = res["base"], res["cand"]
        for e in ("mentions_error", "quote_error"):
            if b.get(e) != c.get(e):
                print("ERROR differs", e, b.get(e), c.get(e))
                bad += 1
        if key not in b or key not in c:
            continue
        if b[cols] != c[cols]:
            print("columns differ", key, b[cols], c[cols])
            bad += 1
            continue
        by_b, by_c = defaultdict(list), defaultdict(list)
        for r in b[key]:
            by_b[int(r[idx])].append(r)
        for r in c[key]:
            by_c[int(r[idx])].append(r)
        diff = [i for i in sorted(set(by_b) | set(by_c)) if sorted(by_b[i]) != sorted(by_c[i])]
        order_only = [
            i for i in sorted(set(by_b) | set(by_c)) if by_b[i] != by_c[i] and sorted(by_b[i]) == sorted(by_c[i])
        ]
        print(
            f"{key}: {len(inputs)} inputs, {len(b[key])} / {len(c[key])} rows; differing inputs: {len(diff)}; row order only: {len(order_only)}"
        )
        bad += len(diff)
        for i in diff[: a.show]:
            print("  input:", json.dumps(inputs[i], ensure_ascii=False))
            print("  columns:", b[cols])
            for r in by_b[i]:
                if r not in by_c[i]:
                    print("   base only:", r)
            for r in by_c[i]:
                if r not in by_b[i]:
                    print("   cand only:", r)
        if b[key] != c[key] and not diff:
            print(f"  {key}: same rows, different global order")
    print("differences:", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

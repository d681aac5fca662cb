"""How long `zonedata draft` takes as a source text grows: it must stay linear in the text's length.

    .venv/bin/python bench/draft.py                 # 1k, 2k, 4k and 8k sentences
    .venv/bin/python bench/draft.py --sizes 1000 4000

Each text is the paragraphs of the repository's five seed texts, repeated until it holds the number
of sentences asked for, each copy's figures shifted so that no two sentences are the same (a long
report, not one sentence pasted). It is added with `add-source` to a copy of tests/corpus/base in a
temporary folder and drafted once; the time of `draft` alone is printed, wall clock and CPU (the
CPU time of this process, which a busy shared machine disturbs less), with the CPU time per 1,000
sentences, which stays about flat when the draft is linear.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "corpus" / "base"


def long_text(n_sentences: int) -> str:
    from zonedata.text.sentences import sentences

    paragraphs = []
    for path in sorted((REPO / "seeds").glob("[0-9][0-9][0-9]_*.txt")):
        paragraphs += [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    out, count, copy = [], 0, 0
    while count < n_sentences:
        copy += 1
        for p in paragraphs:
            # every copy's figures differ ("42" -> "4213" in copy 13): no sentence repeats
            p = re.sub(r"\b([1-9][0-9]{0,2})\b(?![,.][0-9])", rf"\g<1>{copy}", p)
            count += len(sentences(p))
            out.append(p)
            if count >= n_sentences:
                break
    return "Benchmark text\n\nRIVERTON, March 3, 2025 -- A long invented report.\n\n" + "\n\n".join(out) + "\n"


def run(n: int) -> tuple[int, int, float, float]:
    from click.testing import CliRunner

    from zonedata.cli import cli
    from zonedata.curate.draft import draft
    from zonedata.text.sentences import sentences

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pkg"
        shutil.copytree(BASE, root)
        text = long_text(n)
        src = Path(tmp) / "long.txt"
        src.write_text(text, encoding="utf-8")
        added = CliRunner().invoke(
            cli, ["add-source", str(src), "--title", "Bench", "--date", "2025-03-03", "--root", str(root)]
        )
        if added.exit_code != 0:
            sys.exit(added.output)
        sid = re.search(r"as source ([0-9]{3})", added.output).group(1)  # type: ignore[union-attr]
        t0, c0 = time.perf_counter(), time.process_time()
        d = draft(root, sid)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        if not any(d.rows.values()):
            cpu = elapsed = float("nan")
        return len(sentences(text)), len(text.encode("utf-8")), elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000], help="sentences")
    args = parser.parse_args()
    print(f"{'sentences':>10} {'bytes':>10} {'wall s':>9} {'CPU s':>9} {'CPU s/1k':>9}")
    for n in args.sizes:
        sents, size, elapsed, cpu = run(n)
        print(f"{sents:>10} {size:>10} {elapsed:>9.2f} {cpu:>9.2f} {1000 * cpu / sents:>9.3f}", flush=True)


if __name__ == "__main__":
    main()

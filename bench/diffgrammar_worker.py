"""Reads number mentions for bench/diffgrammar.py: argv[1] package root, argv[2] input JSON
{"texts": [...], "quotes": [[before, quote, after], ...]}, argv[3] output JSON. Which zonedata runs is
set by PYTHONPATH."""

import json
import sys
from pathlib import Path

import polars as pl

import zonedata
from zonedata.base.paths import Paths
from zonedata.loading.vocabulary import read_vocabulary
from zonedata.text.locate import quote_mentions
from zonedata.text.numbers import Grammar


def rows(frame: pl.DataFrame) -> list:
    return [[str(v) for v in r] for r in frame.rows()]


root, inp, outp = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
vocabulary, _, _ = read_vocabulary(Paths(root), constraints=False)
g = Grammar(vocabulary)
data = json.loads(Path(inp).read_text())
out = {"file": zonedata.__file__}
texts = pl.Series(data["texts"], dtype=pl.String)
try:
    m = g.mentions_frame(texts)
    out["mentions_cols"] = m.columns
    out["mentions"] = rows(m)
except Exception as e:  # noqa: BLE001
    out["mentions_error"] = repr(e)
q = data["quotes"]
quotes = pl.DataFrame(
    {
        "quote_key": pl.Series(range(len(q)), dtype=pl.UInt32),
        "quote_norm": [x[1] for x in q],
        "ctx_before": [x[0] for x in q],
        "ctx_after": [x[2] for x in q],
    }
)
try:
    qm = quote_mentions(quotes, g)
    out["quote_cols"] = qm.columns
    out["quote_mentions"] = rows(qm.sort(qm.columns[:3]))
except Exception as e:  # noqa: BLE001
    out["quote_error"] = repr(e)
Path(outp).write_text(json.dumps(out))

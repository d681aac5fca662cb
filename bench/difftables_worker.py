"""Parses CSV bytes for bench/difftables.py: argv[1] package root, argv[2] input JSON [[table, base64 bytes],
...], argv[3] output JSON (per input: findings, read, absent, frame and strings rows). Which zonedata runs
is set by PYTHONPATH."""

import base64
import dataclasses
import json
import re
import sys
import tempfile
import traceback
from pathlib import Path

import zonedata
from zonedata.base.paths import Paths
from zonedata.loading.schema import load_schema
from zonedata.loading.tables import parse_table
from zonedata.loading.vocabulary import read_vocabulary

root, inp, outp = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
paths = Paths(root)
vocabulary, _, _ = read_vocabulary(paths, constraints=False)
schemas: dict = {}
out: list = []
with tempfile.TemporaryDirectory() as tmp:
    for i, (table, b64) in enumerate(json.loads(Path(inp).read_text())):
        if table not in schemas:
            schemas[table] = load_schema(paths, table, vocabulary)
        # the file sits in the package (its findings name it relative to the root)
        path = root / "data" / "raw" / f"__diff{i % 2}_{table}.csv"
        path.write_bytes(base64.b64decode(b64))
        try:
            t = parse_table(paths, schemas[table], path)
            out.append(
                {
                    "findings": [dataclasses.asdict(f) for f in t.findings],
                    "read": t.read,
                    "absent": sorted(t.absent),
                    "schema": [str(x) for x in t.frame.schema.items()],
                    "frame": [[repr(v) for v in r] for r in t.frame.rows()],
                    "strings": [[repr(v) for v in r] for r in t.strings.rows()],
                }
            )
        except Exception:  # noqa: BLE001
            # (the exception's type and the start of its message: tracebacks name each tree's own files)
            last = traceback.format_exc().strip().splitlines()
            named = [x for x in last if re.match(r"^[A-Za-z_.]+(Error|Exception)\b", x)]
            out.append({"error": (named or last)[-1][:70]})
        path.unlink()
Path(outp).write_text(json.dumps({"file": zonedata.__file__, "out": out}))

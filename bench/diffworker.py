"""A long-lived zonedata CLI runner for bench/diffattack.py: one JSON argument list a line on stdin, one JSON
answer {"rc", "stdout", "stderr", "exc"} a line on stdout. Which zonedata it imports is set by PYTHONPATH."""

import json
import os
import sys
import traceback

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from click.testing import CliRunner  # noqa: E402

import zonedata  # noqa: E402
from zonedata.cli import cli  # noqa: E402

out = sys.stdout
out.write(json.dumps({"file": zonedata.__file__}) + "\n")
out.flush()
for line in sys.stdin:
    args = json.loads(line)
    try:
        r = CliRunner().invoke(cli, args, catch_exceptions=True)
        exc = None
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            exc = "".join(traceback.format_exception(r.exception))[-3000:]
        ans = {"rc": r.exit_code, "stdout": r.stdout, "stderr": r.stderr, "exc": exc}
    except Exception:  # noqa: BLE001
        ans = {"rc": None, "stdout": "", "stderr": "", "exc": traceback.format_exc()[-3000:]}
    out.write(json.dumps(ans) + "\n")
    out.flush()

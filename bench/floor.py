"""The read-only polars floor: read every raw CSV table of a package with polars and nothing else.

    .venv/bin/python bench/floor.py bench/out/1M-valid

What any polars tool pays before it checks anything (the interpreter, `import polars`, parsing the
CSVs with polars' own type inference); `zonedata validate` is compared with it in bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/1M-valid")
    rows = sum(pl.read_csv(path).height for path in sorted((root / "data" / "raw").glob("*.csv")))
    print(rows)


if __name__ == "__main__":
    main()

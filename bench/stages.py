"""Where `zonedata validate --no-publication` spends its time, stage by stage, one stage at a time.

    .venv/bin/python bench/stages.py bench/out/100k-valid

Runs in one process without the threads `zonedata validate` uses (each stage is timed alone), so
the stages add up to more than the command's wall time on two cores. The first lines are the
imports every run pays before it reads a byte of data.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/out/100k-valid")
    rows: list[tuple[str, float]] = []

    def timed(name: str, fn):
        start = time.perf_counter()
        result = fn()
        rows.append((name, time.perf_counter() - start))
        return result

    t0 = time.perf_counter()
    timed("import click + zonedata CLI", lambda: importlib.import_module("zonedata.commands.validate"))
    timed("import polars", lambda: importlib.import_module("polars"))
    timed("import numpy", lambda: importlib.import_module("numpy"))
    schema = timed(
        "import zonedata modules",
        lambda: (
            importlib.import_module("zonedata.validate"),
            importlib.import_module("zonedata.loading.schema_pandera"),
        )[1],
    )
    timed("import pandera (polars only)", schema.import_pandera)
    timed("import the number grammar", lambda: importlib.import_module("zonedata.text.numbers"))

    import polars as pl

    from zonedata.base.paths import Paths
    from zonedata.loading.dataset import Dataset
    from zonedata.loading.schema import load_roles, load_schema, schema_names
    from zonedata.loading.tables import check_constraints, parse_table
    from zonedata.loading.vocabulary import load_vocabulary
    from zonedata.text.numbers import Grammar

    paths, roles = load_roles(Paths(root))
    vocabulary = timed("read the vocabulary", lambda: load_vocabulary(paths)[0])
    grammar = timed("build the number grammar", lambda: Grammar(vocabulary))
    schemas = {name: load_schema(paths, name, vocabulary) for name in schema_names(paths)}
    tables = {}
    with pl.Config(engine_affinity="in-memory"):
        for name, s in schemas.items():
            table = timed(f"read {name}: CSV, shape, types", lambda s=s: parse_table(paths, s))
            timed(f"read {name}: Pandera checks", lambda t=table: check_constraints(t))
            tables[name] = table
    from zonedata.loading.seeds import load_texts
    from zonedata.text.normalise import SourceText

    seed_bytes: dict[str, bytes] = {}
    sources = roles.sources.canonical(tables[roles.sources.table].frame)
    texts = timed("source texts: read", lambda: load_texts(paths.seeds, sources, seed_bytes))
    source_texts = timed("source texts: normalise", lambda: SourceText.many(texts))
    from zonedata.checks import provenance
    from zonedata.text.locate import locate_quotes

    cites = roles.citations.canonical(tables[roles.citations.table].frame)
    located = timed("provenance: locate quotes", lambda: locate_quotes(cites, source_texts))
    ds = Dataset(
        paths,
        schemas,
        tables,
        roles=roles,
        vocabulary=vocabulary,
        grammar=grammar,
        seed_bytes=seed_bytes,
        texts=texts,
        source_texts=source_texts,
        located=located,
    )
    frame = ds.located.frame
    for name in ("sources", "keys", "codes", "consistency"):
        check = importlib.import_module(f"zonedata.checks.{name}").check
        timed(f"check {name}", lambda c=check: c(ds))
    mentions = timed("provenance: read the numbers in every quote", lambda: ds.located.mentions(ds.grammar))
    timed("provenance: statistics against quotes", lambda: provenance.check_statistics(ds, frame, mentions))
    timed("provenance: other records' numbers", lambda: provenance.check_record_numbers(ds, frame, mentions))
    total = time.perf_counter() - t0
    records = sum(t.frame.height for n, t in ds.tables.items() if n != roles.table("sources"))
    print(
        f"{root}: {records:,} records, {len(ds.texts):,} source texts, {ds.role_frame('citations').height:,} citations"
    )
    for name, seconds in rows:
        print(f"  {seconds * 1000:8.1f} ms  {name}")
    print(f"  {total * 1000:8.1f} ms  all stages, one after another")


if __name__ == "__main__":
    main()

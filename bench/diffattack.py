"""Differential attack (issue 23): many hostile copies of a package, one mutation each, through two zonedata
trees (a baseline and a candidate); any difference in `validate --format json` (with and without
--no-publication: stdout, stderr, exit code, traceback) is written to OUT/diffs.jsonl.

    .venv/bin/python bench/diffattack.py --base /work/wt/diff-before/src --cand src --fuzz 300 --seed 1

Cases run one after another in two long-lived worker processes (bench/diffworker.py)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REAL_ITEMS = [
    "data",
    "schemas",
    "seeds",
    "metadata",
    "datapackage.json",
    "releases",
    "CITATION.cff",
    "CHANGELOG.md",
    "pyproject.toml",
    ".zenodo.json",
    "docs",
]


class Worker:
    def __init__(self, pythonpath: str):
        import os

        env = dict(os.environ, PYTHONPATH=pythonpath)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.p = subprocess.Popen(
            [sys.executable, str(HERE / "diffworker.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
            cwd="/tmp",
        )
        self.file = json.loads(self.p.stdout.readline())["file"]

    def run(self, args: list[str]) -> dict:
        self.p.stdin.write(json.dumps(args) + "\n")
        self.p.stdin.flush()
        return json.loads(self.p.stdout.readline())


# ---------------------------------------------------------------- file helpers (on a package root `r`)
def rows(r: Path, rel: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((r / rel).read_text(encoding="utf-8-sig"), newline="")))


def write_rows(r: Path, rel: str, rs: list[list[str]]) -> None:
    o = io.StringIO()
    csv.writer(o, lineterminator="\n").writerows(rs)
    (r / rel).write_text(o.getvalue(), encoding="utf-8", newline="")


def set_cell(r, rel, key, field, value, keycol=0):
    rs = rows(r, rel)
    col = rs[0].index(field)
    n = 0
    for row in rs[1:]:
        if key is None or row[keycol] == key:
            row[col] = value
            n += 1
            if key is None:
                break
    assert n, (rel, key, field)
    write_rows(r, rel, rs)


def sub_cell(r, rel, key, field, old, new, keycol=0, count=1):
    """Replace text inside the cells of one field of the row(s) with `key` (every matching row)."""
    rs = rows(r, rel)
    col = rs[0].index(field)
    n = 0
    for row in rs[1:]:
        if (key is None or row[keycol] == key) and old in row[col]:
            row[col] = row[col].replace(old, new, count)
            n += 1
    assert n, (rel, key, field, old)
    write_rows(r, rel, rs)


def sub_where(r, rel, field, old, new):
    """Replace `old` in every cell of `field` that holds it."""
    sub_cell(r, rel, None, field, old, new)


def replace_bytes(r, rel, old: bytes, new: bytes, count=1):
    b = (r / rel).read_bytes()
    assert old in b, (rel, old)
    (r / rel).write_bytes(b.replace(old, new, count))


def dup_row(r, rel, i=1):
    rs = rows(r, rel)
    rs.insert(i + 1, list(rs[i]))
    write_rows(r, rel, rs)


def del_rows(r, rel, pred):
    rs = rows(r, rel)
    write_rows(r, rel, [rs[0]] + [x for x in rs[1:] if not pred(dict(zip(rs[0], x)))])


def source_edit(r, old: str, new: str, source="001"):
    """Edit a source text consistently: the text, every quote that holds `old`, and the hash in sources.csv."""
    import hashlib

    srcs = rows(r, "seeds/sources.csv")
    h = srcs[0]
    row = next(x for x in srcs[1:] if x[0] == source)
    f = r / "seeds" / row[h.index("file")]
    t = f.read_bytes()
    assert old.encode() in t, old
    t = t.replace(old.encode(), new.encode())
    f.write_bytes(t)
    row[h.index("sha256")] = hashlib.sha256(t).hexdigest()
    write_rows(r, "seeds/sources.csv", srcs)
    cs = rows(r, "data/raw/citations.csv")
    q = cs[0].index("quote")
    for x in cs[1:]:
        if x[cs[0].index("source_id")] == source and old in x[q]:
            x[q] = x[q].replace(old, new)
    write_rows(r, "data/raw/citations.csv", cs)


# ---------------------------------------------------------------- hand-made mutations of the real package
ST, CI, PK = "data/raw/statistics.csv", "data/raw/citations.csv", "data/raw/parks.csv"
RAW = [
    "citations",
    "events",
    "organisations",
    "parks",
    "participants",
    "people",
    "projects",
    "regions",
    "relations",
    "statistic_links",
    "statistics",
]
Q12 = "a planned total investment of RMB 7.5 billion"


def real_cases():
    C = []

    def add(kind, name, fn):
        C.append((kind, name, fn))

    # figures in statistics.csv
    for f, v in [
        ("value", "7.6"),
        ("value", "75"),
        ("value", "7.50"),
        ("value", "-7.5"),
        ("value", "7.5e0"),
        ("value", "07.5"),
        ("value", " 7.5"),
        ("value", "1e400"),
        ("value", "nan"),
        ("value", "inf"),
        ("value", "7,5"),
        ("value", ""),
        ("value", "7500000000"),
        ("scale", "million"),
        ("scale", "bn"),
        ("scale", "thousand"),
        ("scale", ""),
        ("scale", "Billion"),
        ("unit", "yuan"),
        ("unit", "S$"),
        ("unit", "$"),
        ("unit", ""),
        ("unit", "mu"),
        ("qualifier", "about"),
        ("qualifier", "at_least"),
        ("qualifier", "more_than"),
        ("qualifier", ""),
        ("value_text", "RMB 7.5 bn"),
        ("value_text", "RMB 7.50 billion"),
        ("value_text", "7.5 billion"),
        ("value_text", "RMB 7,5 billion"),
        ("value_text", "RMB 75 billion"),
        ("value_text", "RMB 7.5 million"),
        ("value_text", "S$7.5 billion"),
        ("value_text", "no fewer than RMB 7.5 billion"),
        ("value_text", "RMB 7.5-8 billion"),
        ("value_text", "RMB -7.5 billion"),
        ("value_text", "rmb 7.5 billion"),
        ("value_text", ""),
        ("value_text", "RMB 7.5 billion "),
    ]:
        add("stat-figure", f"stat-0012 {f}={v!r}", lambda r, f=f, v=v: set_cell(r, ST, "stat-0012", f, v))
    for sid, f, v in [
        ("stat-0016", "value", "12,000"),
        ("stat-0016", "value", "12000.0"),
        ("stat-0016", "value_text", "12000 enterprises or firms"),
        ("stat-0003", "value", "3"),
        ("stat-0003", "value_text", "third largest"),
        ("stat-0001", "value", "61.5"),
        ("stat-0001", "value_text", "61.54 %"),
        ("stat-0001", "unit", "percent"),
        ("stat-0030", "qualifier", "exact"),
        ("stat-0030", "qualifier", "at_least"),
        ("stat-0030", "value_text", "over 160 million kWh"),
        ("stat-0022", "scale", "billion"),
        ("stat-0022", "value", "1210"),
        ("stat-0011", "value", "1,200"),
        ("stat-0011", "unit", "m2"),
        ("stat-0019", "unit", "USD"),
        ("stat-0019", "value", "14.6"),
        ("stat-0008", "value", "2"),
        ("stat-0006", "value", "2024"),
        ("stat-0015", "value", "4"),
        ("stat-0034", "qualifier", "exact"),
        ("stat-0031", "value_text", "exceeds RMB 90 billion yuan"),
        ("stat-0028", "qualifier", "exact"),
        ("stat-0020", "value", "1221.0"),
        ("stat-0020", "value", "1.221"),
    ]:
        add("stat-figure", f"{sid} {f}={v!r}", lambda r, s=sid, f=f, v=v: set_cell(r, ST, s, f, v))
    # the quote in citations.csv (not in the source any more: quote-not-found paths)
    for old, new in [
        ("RMB 7.5 billion", "RMB 7.6 billion"),
        ("RMB 7.5 billion", "RMB 7.5 million"),
        ("RMB 7.5 billion", "S$ 7.5 billion"),
        ("RMB 7.5 billion", "S$7.5 billion"),
        ("RMB 7.5 billion", "no fewer than RMB 7.5 billion"),
        ("RMB 7.5 billion", "RMB -7.5 billion"),
        ("RMB 7.5 billion", "RMB \u22127.5 billion"),
        ("RMB 7.5 billion", "RMB 7.5-8 billion"),
        ("RMB 7.5 billion", "RMB 7.5 to 8 billion"),
        ("about 1200 mu", "about 1,200 mu"),
    ]:
        add("quote-edit", f"citations quote {old!r}->{new!r}", lambda r, o=old, n=new: sub_where(r, CI, "quote", o, n))
    # the same edits made consistently in the source text, its hash and the quotes (the figure checks run)
    for old, new in [
        ("RMB 7.5 billion", "RMB 7.6 billion"),
        ("RMB 7.5 billion", "RMB 7.5 million"),
        ("RMB 7.5 billion", "S$ 7.5 billion"),
        ("RMB 7.5 billion", "S$7.5 billion"),
        ("RMB 7.5 billion", "no fewer than RMB 7.5 billion"),
        ("RMB 7.5 billion", "RMB -7.5 billion"),
        ("RMB 7.5 billion", "RMB \u22127.5 billion"),
        ("RMB 7.5 billion", "RMB 7.5-8 billion"),
        ("RMB 7.5 billion", "RMB 7.5 to 8 billion"),
        ("RMB 7.5 billion", "RMB 7.5 bn"),
        ("RMB 7.5 billion", "RMB 7\u00a0.5 billion"),
        ("RMB 7.5 billion", "RMB 7.5billion"),
        ("RMB 7.5 billion", "RMB 7.5 billion-8"),
        ("RMB 7.5 billion", "RMB 7.5 trillion"),
        ("about 1200 mu", "about 1,200 mu"),
        ("about 1200 mu", "about 1 200 mu"),
        ("about 1200 mu", "around 1200 mu"),
        ("about 1200 mu", "1200 mu"),
        ("about 1200 mu", "about 1200-1300 mu"),
        ("about 1200 mu", "about twelve hundred mu"),
        ("the first China-Vietnam", "the second China-Vietnam"),
        ("China-Vietnam", "China\u2013Vietnam"),
        ("the third international", "the 3rd international"),
        ("Qinzhou Industrial Park is", "Qinzhou Industrial-Park is"),
    ]:
        add("source-edit", f"source 001 {old!r}->{new!r}", lambda r, o=old, n=new: source_edit(r, o, n, "001"))
    for old, new in [
        ("$62 billion", "$62 bn"),
        ("$62 billion", "US$62 billion"),
        ("$62 billion", "S$62 billion"),
        ("12,000 enterprises", "12.000 enterprises"),
        ("12,000 enterprises", "12000 enterprises"),
        ("12,000 enterprises", "no fewer than 12,000 enterprises"),
        ("99.68 billion yuan", "99,68 billion yuan"),
        ("$14.60 billion", "$14.6 billion"),
        ("in 2016", "in 2015"),
        ("over the past 20 years", "over the past 21 years"),
    ]:
        add("source-edit", f"source 002 {old!r}->{new!r}", lambda r, o=old, n=new: source_edit(r, o, n, "002"))
    for old, new in [
        ("1,221 projects", "1,222 projects"),
        ("70.1 billion yuan", "70.1 billion RMB"),
        ("first seven months", "first eight months"),
        ("an increase of 10% and 6%", "an increase of 10 % and 6 %"),
        ("1.21 trillion yuan", "1.21 tn yuan"),
        ("more than 160 million kWh", "at least 160 million kWh"),
        ("exceeds RMB 90 billion", "exceeds RMB 90-billion"),
        ("seven areas", "7 areas"),
        ("60 companies", "sixty companies"),
        ("about 5.8 billion yuan", "about 5.8billion yuan"),
    ]:
        add("source-edit", f"source 003 {old!r}->{new!r}", lambda r, o=old, n=new: source_edit(r, o, n, "003"))
    # a quote cut at a figure's edge (still in the source)
    for cut in [
        "a planned total investment of RMB 7.5 billion",
        "a planned total investment of RMB 7.5 bil",
        "a planned total investment of RMB 7.",
        "a planned total investment of RMB 7",
        "ed total investment of RMB 7.5",
        ".5 billion, mainly for developing",
        "5 billion, mainly",
        "Among them, the Chinese park has a planned total area of about 1200",
        "Among them, the Chinese park has a planned total area of about 12",
        "200 mu and a planned total investment of RMB 7.5 billion",
    ]:
        add(
            "quote-cut",
            f"stat-0011/0012 quotes -> {cut!r}",
            lambda r, c=cut: sub_where(
                r,
                CI,
                "quote",
                "Among them, the Chinese park has a planned total area of about 1200 mu and a planned total investment of RMB 7.5 billion, mainly for developing industries such as IT electronic information technology, intelligent voice interaction, computer terminals, and Internet of Things equipment, in which multiple enterprises have settled.",
                c,
            ),
        )
    for cut in [
        "a total of 12,000 enterprises or firms invested directly in Guangzhou over the past 20 years, with a contracted value of $62",
        "2,000 enterprises or firms invested directly in Guangzhou over the past 20 years, with a contracted value of $62 billion",
        "a total of 12,000 enterprises or firms invested directly in Guangzhou over the past 2",
    ]:
        add(
            "quote-cut",
            f"stat-0016/0017 quotes -> {cut!r}",
            lambda r, c=cut: sub_where(
                r,
                CI,
                "quote",
                "Statistics from Guangzhou commercial department show that a total of 12,000 enterprises or firms invested directly in Guangzhou over the past 20 years, with a contracted value of $62 billion.",
                c,
            ),
        )
    # duplicates (primary key) in each table, and seeds
    for t in RAW:
        add("duplicate", f"{t}: row 1 duplicated", lambda r, t=t: dup_row(r, f"data/raw/{t}.csv", 1))
        add(
            "duplicate",
            f"{t}: row 3 key copied onto row 4",
            lambda r, t=t: (
                lambda rs: (
                    rs[4].__setitem__(0, rs[3][0]) if t != "citations" else rs[4][:3].__class__,
                    rs[4].__setitem__(slice(0, 3), rs[3][:3]) if t == "citations" else None,
                    write_rows(r, f"data/raw/{t}.csv", rs),
                )
            )(rows(r, f"data/raw/{t}.csv")),
        )
    add("duplicate", "seeds/sources.csv row duplicated", lambda r: dup_row(r, "seeds/sources.csv", 1))
    add("duplicate", "coverage_exclusions row duplicated", lambda r: dup_row(r, "seeds/coverage_exclusions.csv", 1))
    add(
        "duplicate",
        "citations: the same quote twice for one record, different note",
        lambda r: (lambda rs: (rs.insert(2, rs[1][:4] + ["dup"]), write_rows(r, CI, rs)))(rows(r, CI)),
    )
    # foreign keys
    for rel, key, f, v in [
        (PK, "border-lingang-industrial-park", "region_id", "nowhere"),
        (PK, "border-lingang-industrial-park", "parent_park_id", "no-such-park"),
        (PK, "china-asean-industrial-cooperation-zone", "management_organisation_id", "ghost-org"),
        ("data/raw/participants.csv", "prt-roundtable-acc", "event_id", "no-event"),
        ("data/raw/participants.csv", "prt-roundtable-tan-pichuang", "person_id", "no-person"),
        (ST, "stat-0012", "stated_by_person_id", "no-person"),
        (ST, "stat-0012", "stated_by_organisation_id", "no-org"),
        ("data/raw/regions.csv", "asean", "parent_region_id", "nowhere"),
        ("data/raw/regions.csv", "asean", "parent_region_id", "asean"),
        ("data/raw/statistic_links.csv", "link-0001", "related_statistic_id", "stat-9999"),
        ("data/raw/statistic_links.csv", "link-0001", "statistic_id", "stat-9999"),
        ("data/raw/statistic_links.csv", "link-0001", "related_statistic_id", "stat-0019"),
        ("data/raw/statistic_links.csv", "link-0001", "relation", "same_thing"),
        ("data/raw/statistic_links.csv", "link-0002", "relation", "same_quantity"),
        ("data/raw/statistic_links.csv", "link-0001", "link_id", "link-0002"),
        ("data/raw/relations.csv", "rel-0001", "stated_by_participant_id", "prt-none"),
    ]:
        add("foreign-key", f"{rel} {key}.{f}={v!r}", lambda r, rel=rel, k=key, f=f, v=v: set_cell(r, rel, k, f, v))
    add(
        "link",
        "statistic_links: link-0001 row deleted",
        lambda r: del_rows(r, "data/raw/statistic_links.csv", lambda d: d["link_id"] == "link-0001"),
    )
    add(
        "link",
        "statistic_links: link-0001 duplicated as link-0009",
        lambda r: (
            lambda rs: (rs.append(["link-0009"] + rs[1][1:]), write_rows(r, "data/raw/statistic_links.csv", rs))
        )(rows(r, "data/raw/statistic_links.csv")),
    )
    # polymorphic references
    for rel, key, f, v, kc in [
        (CI, "china", "record_id", "atlantis", 1),
        (CI, "china", "record_table", "nations", 1),
        (CI, "china", "record_table", "statistics", 1),
        (CI, "china", "source_id", "009", 1),
        (CI, "china", "source_id", "1", 1),
        (ST, "stat-0012", "subject_id", "no-park", 0),
        (ST, "stat-0012", "subject_table", "planets", 0),
        (ST, "stat-0001", "counterpart_table", "people", 0),
        (ST, "stat-0001", "counterpart_id", "", 0),
        ("data/raw/relations.csv", "rel-0001", "object_table", "projects", 0),
        ("data/raw/relations.csv", "rel-0001", "subject_id", "ghost", 0),
        ("data/raw/relations.csv", "rel-0001", "object_table", "nowhere", 0),
    ]:
        add(
            "polymorphic",
            f"{rel} {key}.{f}={v!r}",
            lambda r, rel=rel, k=key, f=f, v=v, kc=kc: set_cell(r, rel, k, f, v, kc),
        )
    # uncited records
    for t, rid in [
        ("parks", "border-lingang-industrial-park"),
        ("statistics", "stat-0012"),
        ("regions", "china"),
        ("people", "lee-man-chun"),
        ("statistic_links", "link-0001"),
        ("relations", "rel-0001"),
    ]:
        add(
            "uncited",
            f"citations of {t}/{rid} deleted",
            lambda r, t=t, i=rid: del_rows(r, CI, lambda d: d["record_table"] == t and d["record_id"] == i),
        )
    add("uncited", "source 004 cited by nothing", lambda r: del_rows(r, CI, lambda d: d["source_id"] == "004"))
    # ISO codes
    for rel, key, f, v in [
        (PK, "border-lingang-industrial-park", "country_code", "XX"),
        (PK, "border-lingang-industrial-park", "country_code", "cn"),
        (PK, "border-lingang-industrial-park", "country_code", "CHN"),
        (PK, "border-lingang-industrial-park", "subdivision_code", "CN-ZZ"),
        (PK, "border-lingang-industrial-park", "subdivision_code", "MY-01"),
        (PK, "border-lingang-industrial-park", "subdivision_code", "cn-gx"),
        (PK, "border-lingang-industrial-park", "country_code", ""),
        (PK, "border-lingang-industrial-park", "country_code", "MY"),
        ("data/raw/regions.csv", "china", "country_code", "ZZ"),
        ("data/raw/events.csv", "china-asean-expo", "subdivision_code", "VN-HN"),
        ("data/raw/people.csv", "wen-yingyi", "country_code", "HKG"),
        (ST, "stat-0012", "unit", "XYZ"),
        (ST, "stat-0012", "unit", "CNY"),
        ("metadata/vocabulary/units.csv", "RMB", "currency", "XXX"),
        ("metadata/vocabulary/units.csv", "RMB", "currency", "cny"),
        ("metadata/vocabulary/units.csv", "$", "currency", "SGD"),
    ]:
        add("iso-code", f"{rel} {key}.{f}={v!r}", lambda r, rel=rel, k=key, f=f, v=v: set_cell(r, rel, k, f, v))
    # enums
    for rel, key, f, v in [
        (PK, "border-lingang-industrial-park", "kind", "castle"),
        (PK, "border-lingang-industrial-park", "status", "Under_Construction"),
        (PK, "border-lingang-industrial-park", "name_type", ""),
        (ST, "stat-0012", "qualifier", "roughly"),
        (ST, "stat-0012", "period_type", "when"),
        (ST, "stat-0012", "basis", "x"),
        (ST, "stat-0012", "quantity_kind", "money "),
        (ST, "stat-0012", "indicator", "no_such_indicator"),
        ("data/raw/events.csv", "china-asean-expo", "is_series", "yes"),
        ("data/raw/events.csv", "china-asean-expo", "is_series", "TRUE"),
        ("data/raw/events.csv", "china-asean-expo", "date_precision", "week"),
        ("data/raw/relations.csv", "rel-0001", "relation", "owner"),
        ("data/raw/participants.csv", "prt-roundtable-acc", "participation", "spectator"),
    ]:
        add("enum", f"{rel} {key}.{f}={v!r}", lambda r, rel=rel, k=key, f=f, v=v: set_cell(r, rel, k, f, v))
    # dates and periods
    for rel, key, f, v in [
        (ST, "stat-0012", "period_end", "2099-01-01"),
        (ST, "stat-0012", "period_start", "2099-01-01"),
        (ST, "stat-0012", "period_end", "2023-02-30"),
        (ST, "stat-0012", "period_end", "2023-9-16"),
        (ST, "stat-0012", "period_end", "16/09/2023"),
        (ST, "stat-0018", "period_text", "in 2017"),
        (ST, "stat-0018", "period_start", "2016-02-01"),
        (ST, "stat-0018", "period_end", "2017-12-31"),
        (ST, "stat-0021", "period_text", "first eight months of this year"),
        (ST, "stat-0021", "period_end", "2024-08-31"),
        (ST, "stat-0014", "period_text", "for four consecutive years"),
        (ST, "stat-0020", "period_text", "on the 21st"),
        (ST, "stat-0003", "period_text", "has been"),
        (ST, "stat-0012", "period_type", "period"),
        (ST, "stat-0006", "period_type", "as_at"),
        (ST, "stat-0018", "period_text", "In 2016"),
        (ST, "stat-0018", "period_text", "in  2016"),
        ("seeds/sources.csv", "000", "date_published", "2099-05-28"),
        ("seeds/sources.csv", "000", "date_published", "2024-05-29"),
        ("seeds/sources.csv", "000", "date_published_text", "May 29, 2024"),
        ("seeds/sources.csv", "000", "date_accessed", "2023-01-01"),
        ("seeds/sources.csv", "000", "date_accessed", "2099-01-01"),
        ("data/raw/events.csv", "china-asean-expo", "start_date", "2099-01-01"),
        ("data/raw/parks.csv", "border-lingang-industrial-park", "year_established", "2099"),
        ("data/raw/parks.csv", "border-lingang-industrial-park", "year_established", "1999"),
    ]:
        add("date", f"{rel} {key}.{f}={v!r}", lambda r, rel=rel, k=key, f=f, v=v: set_cell(r, rel, k, f, v))
    # FILL? markers
    for rel, key, f in [
        (PK, "border-lingang-industrial-park", "notes"),
        (PK, "border-lingang-industrial-park", "name"),
        (ST, "stat-0012", "value"),
        (ST, "stat-0012", "value_text"),
        (CI, "china", "quote"),
        ("seeds/sources.csv", "000", "title"),
        ("data/raw/people.csv", "lee-man-chun", "role"),
    ]:
        add(
            "fill",
            f"{rel} {key}.{f}='FILL?'",
            lambda r, rel=rel, k=key, f=f: set_cell(r, rel, k, f, "FILL?", 1 if rel == CI else 0),
        )
        add(
            "fill",
            f"{rel} {key}.{f} += ' FILL? '",
            lambda r, rel=rel, k=key, f=f: sub_cell(r, rel, k, f, "", " FILL? ", 1 if rel == CI else 0),
        )
    # published files
    for t in ["parks", "statistics", "citations", "sources"]:
        add("published", f"data/clean/{t}.csv deleted", lambda r, t=t: (r / f"data/clean/{t}.csv").unlink())
        add("published", f"data/clean/{t}.parquet deleted", lambda r, t=t: (r / f"data/clean/{t}.parquet").unlink())
        add(
            "published",
            f"data/clean/{t}.csv CRLF",
            lambda r, t=t: (r / f"data/clean/{t}.csv").write_bytes(
                (r / f"data/clean/{t}.csv").read_bytes().replace(b"\n", b"\r\n")
            ),
        )
        add(
            "published",
            f"data/clean/{t}.csv one byte changed in row 2",
            lambda r, t=t: (
                lambda p, b: p.write_bytes(
                    b[: b.index(b"\n") + 5]
                    + (b"X" if b[b.index(b"\n") + 5 : b.index(b"\n") + 6] != b"X" else b"Y")
                    + b[b.index(b"\n") + 6 :]
                )
            )(r / f"data/clean/{t}.csv", (r / f"data/clean/{t}.csv").read_bytes()),
        )
        add(
            "published",
            f"data/clean/{t}.csv trailing newline dropped",
            lambda r, t=t: (lambda p: p.write_bytes(p.read_bytes().rstrip(b"\n")))(r / f"data/clean/{t}.csv"),
        )
        add(
            "published",
            f"data/clean/{t}.parquet <- {t}.csv bytes",
            lambda r, t=t: shutil.copy(r / f"data/clean/{t}.csv", r / f"data/clean/{t}.parquet"),
        )
        add(
            "published",
            f"data/clean/{t}.parquet truncated",
            lambda r, t=t: (lambda p: p.write_bytes(p.read_bytes()[:-100]))(r / f"data/clean/{t}.parquet"),
        )
    add(
        "published",
        "data/clean/parks.parquet <- regions.parquet",
        lambda r: shutil.copy(r / "data/clean/regions.parquet", r / "data/clean/parks.parquet"),
    )
    add("published", "data/clean/ extra file", lambda r: (r / "data/clean/extra.csv").write_text("a\n1\n"))
    add("published", "data/clean/ deleted", lambda r: shutil.rmtree(r / "data/clean"))
    add("published", "datapackage.json deleted", lambda r: (r / "datapackage.json").unlink())
    add(
        "published",
        "datapackage.json reformatted indent 4",
        lambda r: (r / "datapackage.json").write_text(
            json.dumps(json.loads((r / "datapackage.json").read_text()), indent=4, ensure_ascii=False) + "\n"
        ),
    )
    add(
        "published",
        "datapackage.json compact",
        lambda r: (r / "datapackage.json").write_text(json.dumps(json.loads((r / "datapackage.json").read_text()))),
    )
    add("published", "datapackage.json invalid json", lambda r: (r / "datapackage.json").write_text("{"))
    add(
        "published",
        "datapackage.json title changed",
        lambda r: replace_bytes(r, "datapackage.json", b'"title": "', b'"title": "X'),
    )
    add(
        "published",
        "datapackage.json first hash digit changed",
        lambda r: (
            lambda p, t: p.write_text(
                re.sub(
                    r'("hash": "(?:sha256:)?)([0-9a-f])',
                    lambda m: m.group(1) + ("0" if m.group(2) != "0" else "1"),
                    t,
                    count=1,
                )
            )
        )(r / "datapackage.json", (r / "datapackage.json").read_text()),
    )
    add(
        "published",
        "datapackage.json bytes of first resource +1",
        lambda r: (
            lambda p, t: p.write_text(
                re.sub(r'"bytes": (\d+)', lambda m: f'"bytes": {int(m.group(1)) + 1}', t, count=1)
            )
        )(r / "datapackage.json", (r / "datapackage.json").read_text()),
    )
    add(
        "published",
        "datapackage.json version changed",
        lambda r: replace_bytes(r, "datapackage.json", b'"version": "4.0.0"', b'"version": "4.0.1"'),
    )
    add(
        "published",
        "datapackage.json CRLF",
        lambda r: (r / "datapackage.json").write_bytes((r / "datapackage.json").read_bytes().replace(b"\n", b"\r\n")),
    )
    add(
        "published",
        "datapackage.json one resource dropped",
        lambda r: (
            lambda d: (
                d["resources"].pop(3),
                (r / "datapackage.json").write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n"),
            )
        )(json.loads((r / "datapackage.json").read_text())),
    )
    add(
        "release",
        "CITATION.cff version 4.0.1",
        lambda r: replace_bytes(r, "CITATION.cff", b"version: 4.0.0", b"version: 4.0.1"),
    )
    add(
        "release",
        "CITATION.cff date changed",
        lambda r: replace_bytes(r, "CITATION.cff", b"date-released: '2026-12-07'", b"date-released: '2026-12-08'"),
    )
    add("release", "CITATION.cff deleted", lambda r: (r / "CITATION.cff").unlink())
    add("release", "CITATION.cff invalid yaml", lambda r: (r / "CITATION.cff").write_text("a: [\n"))
    add(
        "release",
        "releases.json version 4.0.0->4.1.0",
        lambda r: replace_bytes(r, "releases/releases.json", b'"version": "4.0.0"', b'"version": "4.1.0"'),
    )
    add(
        "release",
        "releases.json sha of 1.0.0 changed",
        lambda r: replace_bytes(r, "releases/releases.json", b'"sha256": "8', b'"sha256": "9'),
    )
    add(
        "release",
        "releases.json bytes changed",
        lambda r: replace_bytes(r, "releases/releases.json", b'"bytes": 354711', b'"bytes": 354712'),
    )
    add("release", "releases.json deleted", lambda r: (r / "releases/releases.json").unlink())
    add("release", "releases.json []", lambda r: (r / "releases/releases.json").write_text("[]\n"))
    add("release", "releases.json invalid", lambda r: (r / "releases/releases.json").write_text("[{"))
    add(
        "release",
        "releases.json commit emptied",
        lambda r: (lambda p, t: p.write_text(re.sub(r'"commit": "[0-9a-f]+"', '"commit": ""', t, count=1)))(
            r / "releases/releases.json", (r / "releases/releases.json").read_text()
        ),
    )
    add("release", "release zip 1.0.0 deleted", lambda r: (r / "releases/zonedata-1.0.0.zip").unlink())
    add("release", "release zip 4.0.0 deleted", lambda r: (r / "releases/zonedata-4.0.0.zip").unlink())
    add("release", "CHANGELOG.md deleted", lambda r: (r / "CHANGELOG.md").unlink())
    add(
        "release",
        "CHANGELOG.md 4.0.0 heading changed",
        lambda r: (lambda p: p.write_text(p.read_text().replace("4.0.0", "4.0.9", 1)))(r / "CHANGELOG.md"),
    )
    add("release", "CHANGELOG.md emptied", lambda r: (r / "CHANGELOG.md").write_text(""))
    add("release", ".zenodo.json deleted", lambda r: (r / ".zenodo.json").unlink())
    add("release", ".zenodo.json version changed", lambda r: replace_bytes(r, ".zenodo.json", b"4.0.0", b"4.0.1"))
    add(
        "release",
        ".zenodo.json reformatted",
        lambda r: (r / ".zenodo.json").write_text(json.dumps(json.loads((r / ".zenodo.json").read_text()))),
    )
    add("published", "docs/data-dictionary.md deleted", lambda r: (r / "docs/data-dictionary.md").unlink())
    add(
        "published",
        "docs/data-dictionary.md one line changed",
        lambda r: (lambda p: p.write_text(p.read_text().replace("\n", "\nX", 1)))(r / "docs/data-dictionary.md"),
    )
    add(
        "published",
        "docs/data-dictionary.md CRLF",
        lambda r: (lambda p: p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n")))(r / "docs/data-dictionary.md"),
    )
    add("release", "pyproject.toml deleted", lambda r: (r / "pyproject.toml").unlink())
    # empty tables
    for t in ["projects", "statistic_links", "statistics", "citations", "parks", "people"]:
        add(
            "empty",
            f"{t}.csv header only",
            lambda r, t=t: (lambda p: p.write_text(p.read_text().split("\n", 1)[0] + "\n"))(r / f"data/raw/{t}.csv"),
        )
    for t in ["projects", "statistic_links", "parks"]:
        add("empty", f"{t}.csv zero bytes", lambda r, t=t: (r / f"data/raw/{t}.csv").write_bytes(b""))
        add("empty", f"{t}.csv deleted", lambda r, t=t: (r / f"data/raw/{t}.csv").unlink())
    # CSV form
    for t in ["parks", "statistics", "citations", "statistic_links"]:
        p = f"data/raw/{t}.csv"
        add("csv-form", f"{t}: BOM", lambda r, p=p: (r / p).write_bytes(b"\xef\xbb\xbf" + (r / p).read_bytes()))
        add("csv-form", f"{t}: CRLF", lambda r, p=p: (r / p).write_bytes((r / p).read_bytes().replace(b"\n", b"\r\n")))
        add(
            "csv-form",
            f"{t}: blank line after row 2",
            lambda r, p=p: (lambda b: (r / p).write_bytes(b"\n".join(b.split(b"\n")[:3] + [b""] + b.split(b"\n")[3:])))(
                (r / p).read_bytes()
            ),
        )
        add("csv-form", f"{t}: blank line at end", lambda r, p=p: (r / p).write_bytes((r / p).read_bytes() + b"\n"))
        add(
            "csv-form", f"{t}: no final newline", lambda r, p=p: (r / p).write_bytes((r / p).read_bytes().rstrip(b"\n"))
        )
        add("csv-form", f"{t}: last column dropped", lambda r, p=p: write_rows(r, p, [x[:-1] for x in rows(r, p)]))
        add(
            "csv-form",
            f"{t}: extra column",
            lambda r, p=p: write_rows(r, p, [x + (["extra"] if i == 0 else [""]) for i, x in enumerate(rows(r, p))]),
        )
        add(
            "csv-form",
            f"{t}: extra cell in row 1 only",
            lambda r, p=p: write_rows(r, p, [x + ([""] if i == 1 else []) for i, x in enumerate(rows(r, p))]),
        )
        add(
            "csv-form",
            f"{t}: missing cell in row 1 only",
            lambda r, p=p: write_rows(r, p, [x[:-1] if i == 1 else x for i, x in enumerate(rows(r, p))]),
        )
        add(
            "csv-form",
            f"{t}: columns swapped 1<->2",
            lambda r, p=p: write_rows(r, p, [[x[0], x[2], x[1]] + x[3:] for x in rows(r, p)]),
        )
        add(
            "csv-form",
            f"{t}: header capitalised",
            lambda r, p=p: write_rows(r, p, [[c.upper() for c in rs[0]]] + rs[1:]) if (rs := rows(r, p)) else None,
        )
        add(
            "csv-form",
            f"{t}: all cells quoted",
            lambda r, p=p: (
                lambda rs: (
                    lambda o: (
                        csv.writer(o, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rs),
                        (r / p).write_text(o.getvalue()),
                    )
                )(io.StringIO())
            )(rows(r, p)),
        )
        add(
            "csv-form", f"{t}: unterminated quote", lambda r, p=p: (r / p).write_bytes((r / p).read_bytes() + b'x,"y\n')
        )
        add(
            "csv-form",
            f"{t}: latin-1 byte",
            lambda r, p=p: (r / p).write_bytes((r / p).read_bytes().replace(b",", b",\xe9", 1)),
        )
        add("csv-form", f"{t}: NUL byte", lambda r, p=p: (r / p).write_bytes((r / p).read_bytes() + b"\x00\n"))
    for v in [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        '=HYPERLINK("x")',
        "\t=1",
        "Lingang, border",
        'a "quoted" name',
        "border Lingang\nIndustrial Park",
        " border Lingang Industrial Park",
        "border Lingang Industrial Park ",
        "border  Lingang Industrial Park",
        "border Lingang Industrial Park\u00a0",
        "border-Lingang Industrial Park",
        "border Lingang\u2011Industrial Park",
    ]:
        add(
            "cell-form",
            f"parks border-lingang name={v!r}",
            lambda r, v=v: set_cell(r, PK, "border-lingang-industrial-park", "name", v),
        )
    for v in ["=1+1", "+1", "-1", "@x", "a, b", "x\ny"]:
        add(
            "cell-form",
            f"parks border-lingang notes={v!r}",
            lambda r, v=v: set_cell(r, PK, "border-lingang-industrial-park", "notes", v),
        )
        add("cell-form", f"stat-0012 label={v!r}", lambda r, v=v: set_cell(r, ST, "stat-0012", "label", v))
    # names with hyphens in quoted fields (a name in a quote and a record)
    for old, new in [
        ("China-Malaysia Qinzhou", "China\u2013Malaysia Qinzhou"),
        ("China-Malaysia Qinzhou", "China - Malaysia Qinzhou"),
        ("China-Malaysia Qinzhou", "China-malaysia Qinzhou"),
        ("China-ASEAN", "China-Asean"),
        ("China-ASEAN", "China\u2011ASEAN"),
        ("China-ASEAN", "China--ASEAN"),
    ]:
        add("hyphen-name", f"quotes {old!r}->{new!r}", lambda r, o=old, n=new: sub_where(r, CI, "quote", o, n))
        add("hyphen-name", f"park names {old!r}->{new!r}", lambda r, o=old, n=new: sub_where(r, PK, "name", o, n))
        add(
            "hyphen-name",
            f"park aliases/names + quotes {old!r}->{new!r}",
            lambda r, o=old, n=new: (sub_where(r, PK, "name", o, n), sub_where(r, CI, "quote", o, n)),
        )
    add(
        "hyphen-name",
        "source 001 'China-Malaysia' -> 'China–Malaysia' everywhere (text, quotes)",
        lambda r: source_edit(r, "China-Malaysia", "China\u2013Malaysia", "001"),
    )
    # source texts
    add(
        "source", "source 000 sha256 changed", lambda r: sub_cell(r, "seeds/sources.csv", "000", "sha256", "b51", "b52")
    )
    add(
        "source",
        "source 000 sha256 upper case",
        lambda r: (lambda rs: (rs[1].__setitem__(2, rs[1][2].upper()), write_rows(r, "seeds/sources.csv", rs)))(
            rows(r, "seeds/sources.csv")
        ),
    )
    add(
        "source",
        "source 000 text: one char changed, hash not",
        lambda r: replace_bytes(r, "seeds/000_b3e5e928df9ca75b.txt", b"Guangxi", b"Guangxy"),
    )
    add(
        "source",
        "source 000 text CRLF",
        lambda r: (lambda p: p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n")))(
            r / "seeds/000_b3e5e928df9ca75b.txt"
        ),
    )
    add("source", "source 000 text deleted", lambda r: (r / "seeds/000_b3e5e928df9ca75b.txt").unlink())
    add(
        "source",
        "source 000 file column -> missing name",
        lambda r: set_cell(r, "seeds/sources.csv", "000", "file", "nothing.txt"),
    )
    add(
        "source",
        "source 000 file column -> ../pyproject.toml",
        lambda r: set_cell(r, "seeds/sources.csv", "000", "file", "../pyproject.toml"),
    )
    add(
        "source",
        "extra seed text not in sources.csv",
        lambda r: (r / "seeds/005_0000000000000000.txt").write_text("hello\n"),
    )
    add("source", "sources.csv language 'xx'", lambda r: set_cell(r, "seeds/sources.csv", "000", "language", "xx"))
    add("source", "sources.csv url 'not a url'", lambda r: set_cell(r, "seeds/sources.csv", "000", "url", "not a url"))
    add(
        "source",
        "coverage_exclusions phrase not in text",
        lambda r: set_cell(r, "seeds/coverage_exclusions.csv", "000", "phrase", "no such phrase"),
    )
    add(
        "source",
        "coverage_exclusions source 009",
        lambda r: set_cell(r, "seeds/coverage_exclusions.csv", "000", "source_id", "009"),
    )
    # vocabulary and schemas
    add(
        "vocabulary",
        "scales: billion spelling 'bn' removed",
        lambda r: set_cell(r, "metadata/vocabulary/scales.csv", "billion", "spellings", "billion|bln"),
    )
    add(
        "vocabulary",
        "qualifiers: 'exceeds' removed",
        lambda r: sub_cell(r, "metadata/vocabulary/qualifiers.csv", "more_than", "before", "|exceeds", ""),
    )
    add(
        "vocabulary",
        "units: RMB before 'rmb' removed",
        lambda r: set_cell(r, "metadata/vocabulary/units.csv", "RMB", "before", ""),
    )
    add("vocabulary", "indicators: a row duplicated", lambda r: dup_row(r, "metadata/vocabulary/indicators.csv", 1))
    add("vocabulary", "names.csv row duplicated", lambda r: dup_row(r, "metadata/vocabulary/names.csv", 1))
    add("schema", "schemas/parks.json deleted", lambda r: (r / "schemas/parks.json").unlink())
    add("schema", "schemas/parks.json invalid json", lambda r: (r / "schemas/parks.json").write_text("{"))
    add(
        "schema",
        "schemas/statistics.json: primaryKey changed to label",
        lambda r: (
            lambda p: p.write_text(
                re.sub(r'"primaryKey": \[?"statistic_id"\]?', '"primaryKey": ["label"]', p.read_text())
            )
        )(r / "schemas/statistics.json"),
    )
    add("schema", "metadata/package.json deleted", lambda r: (r / "metadata/package.json").unlink())

    # keys of typed (not string) fields: number, date, a key of several typed fields
    def schema_edit(edit):
        def fn(r):
            d = json.loads((r / "schemas/statistics.json").read_text())
            edit(d)
            (r / "schemas/statistics.json").write_text(json.dumps(d, indent=2) + "\n")

        return fn

    def unique(*names):
        def edit(d):
            if len(names) == 1:
                next(f for f in d["fields"] if f["name"] == names[0]).setdefault("constraints", {})["unique"] = True
            else:
                d["uniqueKeys"] = [list(names)]

        return edit

    for names in [("value",), ("period_end",), ("value", "period_end"), ("period_start", "value", "unit")]:
        for vname, vals in [
            ("as is", {}),
            ("0 and -0", {"stat-0001": "0", "stat-0002": "-0"}),
            ("0.0 and -0.0", {"stat-0001": "0.0", "stat-0002": "-0.0"}),
            ("1 and 1.0", {"stat-0001": "1", "stat-0002": "1.0"}),
            ("1e2 and 100", {"stat-0001": "1e2", "stat-0002": "100"}),
        ]:

            def fn(r, names=names, vals=vals):
                schema_edit(unique(*names))(r)
                for k, v in vals.items():
                    set_cell(r, ST, k, "value", v)
                    set_cell(r, ST, k, "period_end", "2024-05-28")
                    set_cell(r, ST, k, "period_start", "")
                    set_cell(r, ST, k, "unit", "%")

            add("typed-key", f"statistics unique {names}; values {vname}", fn)
    # header forms
    for t in ["parks", "statistics", "citations"]:
        p = f"data/raw/{t}.csv"
        add("header", f"{t}: a column named twice", lambda r, p=p: write_rows(r, p, [x + [x[1]] for x in rows(r, p)]))
        add(
            "header",
            f"{t}: first header cell with a space",
            lambda r, p=p: write_rows(r, p, [[" " + rs[0][0]] + rs[0][1:]] + rs[1:]) if (rs := rows(r, p)) else None,
        )
        add(
            "header",
            f"{t}: last header cell renamed",
            lambda r, p=p: write_rows(r, p, [rs[0][:-1] + ["remarks"]] + rs[1:]) if (rs := rows(r, p)) else None,
        )
        add(
            "header",
            f"{t}: header quoted",
            lambda r, p=p: (
                lambda b: (r / p).write_bytes(
                    b'"' + b.split(b"\n", 1)[0].replace(b",", b'","') + b'"\n' + b.split(b"\n", 1)[1]
                )
            )((r / p).read_bytes()),
        )
        add(
            "header",
            f"{t}: BOM twice",
            lambda r, p=p: (r / p).write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + (r / p).read_bytes()),
        )

    # built with the change, then a published file edited (the published Parquet is then the build's own bytes)
    def built(mut, edit):
        def fn(r):
            mut(r)
            res = BUILDER.run(["build", "--root", str(r)])
            assert res["rc"] == 0, res
            edit(r)

        return fn

    def clean_sub(t, old, new):
        return lambda r: replace_bytes(r, f"data/clean/{t}.csv", old, new)

    none = lambda r: None  # noqa: E731
    for mname, mut in [
        ("as is", none),
        (
            "projects header only",
            lambda r: (lambda p: p.write_text(p.read_text().split("\n", 1)[0] + "\n"))(r / "data/raw/projects.csv"),
        ),
        (
            "statistic_links header only",
            lambda r: (lambda p: p.write_text(p.read_text().split("\n", 1)[0] + "\n"))(
                r / "data/raw/statistic_links.csv"
            ),
        ),
    ]:
        for t in ["parks", "statistics", "projects", "statistic_links"]:
            add(
                "built-edit",
                f"{mname}; built; data/clean/{t}.csv last column dropped",
                built(
                    mut,
                    lambda r, t=t: write_rows(
                        r, f"data/clean/{t}.csv", [x[:-1] for x in rows(r, f"data/clean/{t}.csv")]
                    ),
                ),
            )
            add(
                "built-edit",
                f"{mname}; built; data/clean/{t}.csv columns 1,2 swapped",
                built(
                    mut,
                    lambda r, t=t: write_rows(
                        r, f"data/clean/{t}.csv", [[x[0], x[2], x[1]] + x[3:] for x in rows(r, f"data/clean/{t}.csv")]
                    ),
                ),
            )
            add(
                "built-edit",
                f"{mname}; built; data/clean/{t}.csv a row added",
                built(
                    mut,
                    lambda r, t=t: write_rows(
                        r, f"data/clean/{t}.csv", rows(r, f"data/clean/{t}.csv") + [rows(r, f"data/clean/{t}.csv")[-1]]
                    ),
                ),
            )
            add(
                "built-edit",
                f"{mname}; built; data/clean/{t}.csv rows after the header deleted",
                built(mut, lambda r, t=t: write_rows(r, f"data/clean/{t}.csv", rows(r, f"data/clean/{t}.csv")[:1])),
            )
            add(
                "built-edit",
                f"{mname}; built; data/clean/{t}.csv CRLF",
                built(
                    mut,
                    lambda r, t=t: (lambda p: p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n")))(
                        r / f"data/clean/{t}.csv"
                    ),
                ),
            )
            add(
                "built-edit",
                f"{mname}; built; data/clean/{t}.csv a cell quoted",
                built(
                    mut,
                    lambda r, t=t: (
                        lambda rs: (
                            lambda o: (
                                csv.writer(o, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(rs),
                                (r / f"data/clean/{t}.csv").write_text(o.getvalue()),
                            )
                        )(io.StringIO())
                    )(rows(r, f"data/clean/{t}.csv")),
                ),
            )
            add(
                "built-edit",
                f'{mname}; built; data/clean/{t}.csv an empty cell -> ""',
                built(
                    mut,
                    lambda r, t=t: (lambda p: p.write_bytes(p.read_bytes().replace(b",,", b',"",', 1)))(
                        r / f"data/clean/{t}.csv"
                    ),
                ),
            )
        add(
            "built-edit",
            f"{mname}; built; datapackage.json a resource's bytes +1",
            built(
                mut,
                lambda r: (
                    lambda p, txt: p.write_text(
                        re.sub(r'"bytes": (\d+)', lambda m: f'"bytes": {int(m.group(1)) + 1}', txt, count=1)
                    )
                )(r / "datapackage.json", (r / "datapackage.json").read_text()),
            ),
        )
        add(
            "built-edit",
            f"{mname}; built; statistics.csv value 7.5 -> 7.50",
            built(mut, clean_sub("statistics", b",7.5,", b",7.50,")),
        )
        add(
            "built-edit",
            f"{mname}; built; statistics.csv value 7.5 -> 7.6",
            built(mut, clean_sub("statistics", b",7.5,", b",7.6,")),
        )
        add(
            "built-edit",
            f"{mname}; built; events.csv true -> True",
            built(
                mut,
                lambda r: (lambda p: p.write_bytes(p.read_bytes().replace(b",true,", b",True,", 1)))(
                    r / "data/clean/events.csv"
                ),
            ),
        )
    return C


BUILDER = None  # the worker that builds for the "built-edit" cases (set by main: the baseline)


# ---------------------------------------------------------------- seeded fuzzer
HOSTILE = [
    "",
    " ",
    "FILL?",
    "=1",
    "+1",
    "-1",
    "@a",
    "a,b",
    '"',
    '""',
    "'",
    "NaN",
    "nan",
    "inf",
    "-0",
    "0",
    "1e3",
    "0x10",
    "\u0663",
    "\uff11\uff12",
    "12,000",
    "1 200",
    "1.2.3",
    "null",
    "NULL",
    "None",
    "NA",
    "true",
    "TRUE",
    "false",
    "2024-02-30",
    "2024-13-01",
    "9999-12-31",
    "2024",
    "2024-05-28",
    "\u2014",
    "\u00a0",
    "\u00e9",
    "x" * 300,
    "\t",
    "a\nb",
    "a\r\nb",
    "CN",
    "XX",
    "CN-GX",
    "MY-01",
    "billion",
    "RMB",
    "S$",
    "$",
    "about",
    "exact",
    "stat-0001",
    "china",
    "001",
    "000",
    "parks",
    "statistics",
    "citations",
    "7.5",
    "-7.5",
    "1,221",
    "\u22121",
    "5%",
    "no fewer than 5",
    "5-6",
    "5 to 6",
    "\\",
    "/",
    "../x",
    "\ufeff",
    "\u200b",
    "\U0001f600",
    "0.1",
    "1e-400",
    "99999999999999999999999",
    "-",
    "?",
    "#",
    "yes",
    "no",
]


def fuzz_case(rng: random.Random, root: Path, tables: list[str]):
    rel = rng.choice(tables)
    rs = rows(root, rel)
    if len(rs) < 2:
        return None
    i = rng.randrange(1, len(rs))
    j = rng.randrange(len(rs[0]))
    mode = rng.random()
    if mode < 0.45:
        pool = [x[j] for x in rs[1:] if len(x) > j and x[j] != rs[i][j]]
        v = rng.choice(pool) if pool else rng.choice(HOSTILE)
    elif mode < 0.8:
        v = rng.choice(HOSTILE)
    else:  # edit inside the cell: a digit, a word, a cut
        old = rs[i][j] if j < len(rs[i]) else ""
        ops = []
        digits = [m.start() for m in re.finditer(r"\d", old)]
        if digits:
            k = rng.choice(digits)
            ops.append(old[:k] + str((int(old[k]) + rng.randrange(1, 10)) % 10) + old[k + 1 :])
        if old:
            a = rng.randrange(len(old))
            b = rng.randrange(a, len(old) + 1)
            ops.append(old[a:b])
            ops.append(old[:a] + rng.choice(HOSTILE[:40]) + old[a:])
            ops.append(old.replace("-", "\u2013", 1))
            ops.append(old.replace(" ", "  ", 1))
            ops.append(re.sub(r"\bbillion\b", "million", old, count=1))
            ops.append(old.upper())
        v = rng.choice(ops) if ops else rng.choice(HOSTILE)
    if j >= len(rs[i]):
        return None
    desc = f"{rel} line {i + 1} [{rs[0][j]}] {rs[i][j][:80]!r} -> {v[:80]!r}"
    rs[i][j] = v

    def fn(r, rel=rel, rs=rs):
        write_rows(r, rel, rs)

    return desc, fn


def run_workers(worker: str, root: Path, infile: Path, out: Path, base: str, cand: str) -> dict:
    """Run `worker` (a script beside this one) once with each tree's src/ first on the path, reading
    `infile` and writing out/base.json and out/cand.json; their parsed results, by tree name. Stops if both
    runs imported zonedata from the same place (the comparison would then prove nothing)."""
    res = {}
    for name, pp in (("base", base), ("cand", cand)):
        env = dict(os.environ, PYTHONPATH=pp, OPENBLAS_NUM_THREADS="1")
        cmd = [sys.executable, str(Path(__file__).resolve().parent / worker), str(root), str(infile)]
        subprocess.run([*cmd, str(out / f"{name}.json")], env=env, check=True, cwd="/tmp")
        res[name] = json.loads((out / f"{name}.json").read_text())
        print(name, res[name]["file"])
    if res["base"]["file"] == res["cand"]["file"]:
        sys.exit("both runs imported zonedata from the same place")
    return res


FIGURES = [
    "5 billion",
    "5bn",
    "5-6",
    "no fewer than 5",
    "S$5",
    "\u22125",
    "-5",
    "5 %",
    "5th",
    "2024-05-28",
    "May 5",
    "5,000",
    "five",
    "1/2",
    "half",
    "5.5.5",
    "$5 million",
    "5 million yuan",
    "RMB5",
    "rmb 5",
    "5 mu",
    "5 kWh",
    "twenty",
    "2nd",
    "5 to 6",
    "from 5 to 6",
    "5~6",
    "5 \u2014 6",
    "5\u00a0billion",
    "US$ 5",
    "5 billion-yuan",
    "about 5",
    "over 5",
    "5 or more",
    "5-billion-yuan",
    "0.5",
    ".5",
    "5.",
    "1,2",
    "12,34,567",
    "1e5",
    "5x",
    "5 and 6",
    "5, 6",
    "20th",
    "2023-2024",
    "2023/24",
    "Q1 2024",
    "5 years",
    "5-year",
    "V5",
    "No. 5",
    "5G",
]


def quotes_of(root: Path):
    cs = rows(root, CI)
    return cs, cs[0].index("quote"), cs[0].index("source_id")


def cut_case(rng: random.Random, root: Path):
    """A quote shortened to a piece of itself whose start or end falls within 3 characters of a digit
    (still in the source text: the figure checks read the cut)."""
    cs, q, _ = quotes_of(root)
    cands = [i for i in range(1, len(cs)) if re.search(r"\d", cs[i][q])]
    i = rng.choice(cands)
    old = cs[i][q]
    digits = [m.start() for m in re.finditer(r"\d", old)]
    k = rng.choice(digits) + rng.randint(-3, 3)
    k = max(0, min(len(old), k))
    if rng.random() < 0.5:
        a, b = rng.randrange(0, max(1, k)), k
    else:
        a, b = k, rng.randint(k, len(old))
    new = old[a:b]
    if len(new.strip()) < 1:
        return None
    cs[i][q] = new
    return f"citations line {i + 1} quote cut [{a}:{b}] of {len(old)}: {new[-60:]!r}", lambda r, cs=cs: write_rows(
        r, CI, cs
    )


def insert_case(rng: random.Random, root: Path):
    """A figure written in some form inserted in a source text inside a quoted passage (the text, its
    hash and every quote holding the passage changed together)."""
    cs, q, sc = quotes_of(root)
    i = rng.randrange(1, len(cs))
    old = cs[i][q]
    k = rng.randint(0, len(old))
    spaces = [m.start() for m in re.finditer(" ", old)]
    if spaces and rng.random() < 0.8:  # mostly between words
        k = rng.choice(spaces)
    fig = rng.choice(FIGURES)
    sep = rng.choice([" ", "", " (", " ", ", "])
    window_a = max(0, k - 12)
    window_b = min(len(old), k + 12)
    window = old[window_a:window_b]
    if len(window) < 6:
        return None
    new = old[window_a:k] + sep + fig + (" " if sep else "") + old[k:window_b]
    src = cs[i][sc]
    return (f"source {src}: {window!r} -> {new!r}", lambda r, o=window, n=new, s=src: source_edit(r, o, n, s))


# ---------------------------------------------------------------- driver
def copy_pkg(src: Path, dst: Path, items=None):
    dst.mkdir(parents=True)
    for it in items or [p.name for p in src.iterdir()]:
        s = src / it
        if s.is_dir():
            shutil.copytree(s, dst / it)
        elif s.exists():
            shutil.copy2(s, dst / it)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--cand", required=True)
    ap.add_argument("--out", default="/tmp/diffattack")
    ap.add_argument("--fuzz", type=int, default=0, help="random cases on the real package")
    ap.add_argument("--fuzz-other", type=int, default=0, help="random cases on each other package")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cut", type=int, default=0, help="random quote cuts at a figure's edge (real package)")
    ap.add_argument("--insert", type=int, default=0, help="random figures inserted in a quoted source passage")
    ap.add_argument("--only", default="", help="run only cases whose kind/name has this text")
    ap.add_argument("--no-hand", action="store_true")
    ap.add_argument("--packages", default="real,second,10k-valid,10k-invalid")
    ap.add_argument("--real", default=str(REPO), help="the repository whose data the real package copies")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    shutil.rmtree(work, ignore_errors=True)
    global BUILDER
    base, cand = Worker(a.base), Worker(a.cand)
    BUILDER = base
    print("base:", base.file, "\ncand:", cand.file, flush=True)
    assert base.file != cand.file

    # templates
    tmpl = out / "templates"
    shutil.rmtree(tmpl, ignore_errors=True)
    copy_pkg(Path(a.real), tmpl / "real", REAL_ITEMS)
    second = tmpl / "second"
    copy_pkg(REPO / "tests/fixtures/second/package", second)
    r = base.run(["build", "--root", str(second)])  # published files to check (built by the baseline)
    print("second built:", r["rc"], r["stderr"][-300:], flush=True)
    templates = {"real": tmpl / "real", "second": second}
    for name in ("10k-valid", "10k-invalid"):
        if (REPO / "bench/out" / name).exists():
            templates[name] = REPO / "bench/out" / name
    wanted = a.packages.split(",")

    cases = []  # (package, kind, name, fn)
    for pkg in templates:
        if pkg in wanted:
            cases.append((pkg, "unmutated", "as is", lambda r: None))
    if not a.no_hand and "real" in wanted:
        cases += [("real", k, n, f) for k, n, f in real_cases()]
    rng = random.Random(a.seed)
    real_tables = [f"data/raw/{t}.csv" for t in RAW] + ["seeds/sources.csv", "seeds/coverage_exclusions.csv"]
    real_tables += [ST] * 8 + [CI] * 4  # the figures and their quotes most often
    for _ in range(a.fuzz):
        c = fuzz_case(rng, templates["real"], real_tables)
        if c:
            cases.append(("real", "fuzz", c[0], c[1]))
    for kind, gen, n in (("cut", cut_case, a.cut), ("insert", insert_case, a.insert)):
        for _ in range(n):
            c = gen(rng, templates["real"])
            if c:
                cases.append(("real", kind, c[0], c[1]))
    for pkg in ("second", "10k-valid", "10k-invalid"):
        if pkg in templates and pkg in wanted:
            tabs = sorted(str(p.relative_to(templates[pkg])) for p in (templates[pkg] / "data/raw").glob("*.csv"))
            tabs += sorted(str(p.relative_to(templates[pkg])) for p in (templates[pkg] / "seeds").glob("*.csv"))
            for _ in range(a.fuzz_other):
                c = fuzz_case(rng, templates[pkg], tabs)
                if c:
                    cases.append((pkg, "fuzz", c[0], c[1]))
    if a.only:
        cases = [c for c in cases if any(o in c[1] or o in c[2] for o in a.only.split(","))]

    diffs = (out / "diffs.jsonl").open("a", encoding="utf-8")
    log = (out / "cases.jsonl").open("a", encoding="utf-8")
    counts: dict[str, list[int]] = {}
    t0 = time.time()
    for n, (pkg, kind, name, fn) in enumerate(cases):
        d = work / f"case{n}"
        copy_pkg(templates[pkg], d)
        try:
            fn(d)
        except Exception as e:  # noqa: BLE001
            print(f"SKIP {pkg} {kind} {name}: mutation failed: {e!r}", flush=True)
            shutil.rmtree(d)
            continue
        # the published copy of the 10k packages is not there: --no-publication only, besides one full run
        modes = [["--no-publication"], []]
        same = True
        rcs = []
        for extra in modes:
            args = ["validate", "--format", "json", "--root", str(d), *extra]
            rb, rc = base.run(args), cand.run(args)
            rcs.append(rb["rc"])
            if rb != rc:
                same = False
                diffs.write(
                    json.dumps(
                        {"package": pkg, "kind": kind, "name": name, "args": extra, "base": rb, "cand": rc},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
                diffs.flush()
                print(f"DIFF {pkg} {kind} {name} {extra}", flush=True)
        log.write(
            json.dumps({"package": pkg, "kind": kind, "name": name, "same": same, "rc": rcs}, ensure_ascii=False) + "\n"
        )
        c = counts.setdefault(f"{pkg}/{kind}", [0, 0])
        c[0] += 1
        c[1] += 0 if same else 1
        shutil.rmtree(d)
        if n % 25 == 0:
            print(f"{n}/{len(cases)} {time.time() - t0:.0f}s", flush=True)
    print(json.dumps(counts, indent=1))
    print(f"{len(cases)} cases in {time.time() - t0:.0f}s; differing: {sum(v[1] for v in counts.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

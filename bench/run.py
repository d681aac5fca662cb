"""Benchmark `zonedata validate` against `frictionless validate` on generated packages.

    .venv/bin/python bench/run.py                  # 10k, 100k and 1M records; writes bench/README.md
    .venv/bin/python bench/run.py --sizes 10000    # a quick look (README untouched unless --readme)

For each size it generates (once, from a fixed seed; see generate.py) a valid package and a twin
with injected errors, then measures whole processes:

- `zonedata validate --no-publication` (the generated packages have no built data/clean/ or
  published descriptor, so the publication check is skipped; every other check runs, provenance
  included) and `frictionless validate datapackage.json` on the same CSVs with the same schemas;
- wall time: hyperfine, several runs, median (fewer frictionless runs at 1M: it takes ~20 s);
- peak memory: /usr/bin/time -v, one run each;
- the ratio frictionless / zonedata of the medians measured in this run.

On the injected package both tools must report exactly the injected dangling references,
duplicate primary keys and values outside an enum (the checks they share), and zonedata must
also report the injected provenance errors (quotes not in their source, values, qualifiers
that disagree with the quote). The script stops with an error if they do not.

Needs hyperfine and /usr/bin/time (Debian: apt-get install -y hyperfine time).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (bench/ is not a package)

BIN = Path(sys.executable).parent
ZONEDATA, FRICTIONLESS = BIN / "zonedata", BIN / "frictionless"
README = HERE / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"
TARGETS = {"1M": 3.0, "100k": 0.6}  # seconds, zonedata on the valid package
HELP_TARGET, RATIO_TARGET = 0.3, 10.0

# which findings of each tool a shared kind of injected error is
SHARED = {
    "dangling-reference": ("foreign-key-dangling", "foreign-key"),
    "duplicate-key": ("primary-key-duplicate", "primary-key"),
    "bad-enum": ("enum-violation", "constraint-error/enum"),
}
PROVENANCE = {
    "quote-not-in-source": {"quote-not-found"},
    "value-disagrees": {"number-mismatch", "number-not-in-quote", "unit-mismatch", "qualifier-mismatch"},
    "qualifier-disagrees": {"qualifier-mismatch"},
}


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


def hyperfine(cmd: list, runs: int, warmup: int) -> dict:
    """Median, mean, min and max wall seconds of `runs` runs (after `warmup` unmeasured ones)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        result = run(
            [
                "hyperfine",
                "--shell=none",
                "--style",
                "none",
                "--runs",
                runs,
                "--warmup",
                warmup,
                "--export-json",
                out.name,
                " ".join(map(str, cmd)),
            ]
        )
        if result.returncode:
            sys.exit(f"hyperfine failed on {cmd}:\n{result.stderr}")
        r = json.loads(Path(out.name).read_text())["results"][0]
    return {"median": r["median"], "mean": r["mean"], "min": r["min"], "max": r["max"], "runs": runs}


def peak(cmd: list) -> dict:
    """Wall seconds and peak resident memory (MiB) of one run, from /usr/bin/time -v."""
    result = run(["/usr/bin/time", "-v", *cmd])
    text = result.stderr
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    h, m, s = (
        ["0", "0"] + re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1).split(":")
    )[-3:]
    return {"wall": int(h) * 3600 + int(m) * 60 + float(s), "rss_mib": rss / 1024, "exit": result.returncode}


def zonedata_cmd(root: Path, *extra) -> list:
    return [ZONEDATA, "validate", "--no-publication", "--root", root, *extra]


def frictionless_cmd(root: Path, *extra) -> list:
    return [FRICTIONLESS, "validate", root / "datapackage.json", *extra]


# --------------------------------------------------------------------------- what each tool found


def zonedata_found(root: Path) -> tuple[dict[str, set], Counter, int]:
    result = run(zonedata_cmd(root, "--format", "json"))
    if result.returncode not in (0, 1):
        sys.exit(f"zonedata failed on {root}:\n{result.stderr}")
    report = json.loads(result.stdout)
    findings = [f for f in report["findings"] if f["severity"] == "error"]
    fk_fields = foreign_key_fields(root)
    found = {kind: set() for kind in SHARED}
    for f in findings:
        where = (f["file"], f["line"])
        if f["rule"] == "foreign-key-dangling" and f["field"] in fk_fields.get(f["file"], ()):
            found["dangling-reference"].add(where)
        elif f["rule"] == "primary-key-duplicate":  # the repeats, not the first, as frictionless reports them
            found["duplicate-key"].add(where)
        elif f["rule"] == "enum-violation":
            found["bad-enum"].add((*where, f["field"]))
    for kind, rules in PROVENANCE.items():
        found[kind] = {(f["file"], f["line"], f["field"]) for f in findings if f["rule"] in rules}
    return found, Counter(f["rule"] for f in findings), len(findings)


def frictionless_found(root: Path) -> tuple[dict[str, set], Counter, int]:
    result = run(frictionless_cmd(root, "--json"))
    if result.returncode not in (0, 1):
        sys.exit(f"frictionless failed on {root}:\n{result.stderr}")
    report = json.loads(result.stdout)
    found = {kind: set() for kind in SHARED}
    types, total = Counter(), 0
    for task in report["tasks"]:
        file = task["place"]
        for e in task["errors"]:
            total += 1
            types[e["type"]] += 1
            where = (file, e.get("rowNumber"))
            if e["type"] == "foreign-key":
                found["dangling-reference"].add(where)
            elif e["type"] == "primary-key":
                found["duplicate-key"].add(where)
            elif e["type"] == "constraint-error" and '"enum"' in e.get("note", ""):
                found["bad-enum"].add((*where, e.get("fieldName")))
    return found, types, total


def foreign_key_fields(root: Path) -> dict[str, set]:
    """file -> fields with a (non-polymorphic) foreign key, the references frictionless also checks."""
    out = {}
    for path in (root / "schemas").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        file = "seeds/sources.csv" if path.stem == "sources" else f"data/raw/{path.stem}.csv"
        out[file] = {
            ",".join(fk["fields"]) if isinstance(fk["fields"], list) else fk["fields"]
            for fk in schema.get("foreignKeys", [])
        }
    return out


def injected(root: Path) -> dict[str, set]:
    rows = json.loads((root / "injected.json").read_text())["injected"]
    out: dict[str, set] = {kind: set() for kind in (*SHARED, *PROVENANCE)}
    for r in rows:
        where = (r["file"], r["line"])
        out[r["kind"]].add((*where, r["field"]) if r["kind"] in ("bad-enum", *PROVENANCE) else where)
    return out


def compare(invalid: Path) -> list[dict]:
    want = injected(invalid)
    z, z_rules, z_total = zonedata_found(invalid)
    f, f_types, f_total = frictionless_found(invalid)
    rows = []
    for kind in SHARED:
        rows.append(
            {
                "kind": kind,
                "injected": len(want[kind]),
                "zonedata": len(z[kind]),
                "frictionless": len(f[kind]),
                "same": want[kind] == z[kind] == f[kind],
            }
        )
    for kind in PROVENANCE:
        hit = want[kind] & z[kind]
        rows.append(
            {
                "kind": kind,
                "injected": len(want[kind]),
                "zonedata": len(hit),
                "frictionless": None,
                "same": hit == want[kind],
            }
        )
    bad = [r for r in rows if not r["same"]]
    if bad:
        detail = {
            r["kind"]: {
                "missing (zonedata)": sorted(want[r["kind"]] - z[r["kind"]])[:5],
                "extra (zonedata)": sorted(z[r["kind"]] - want[r["kind"]])[:5],
                "missing (frictionless)": sorted(want[r["kind"]] - f.get(r["kind"], set()))[:5],
            }
            for r in bad
        }
        sys.exit(f"the tools disagree with the injected errors in {invalid}:\n{json.dumps(detail, indent=1)}")
    rows.append(
        {
            "kind": "all errors reported",
            "injected": sum(len(v) for v in want.values()),
            "zonedata": z_total,
            "frictionless": f_total,
            "same": None,
            "zonedata_rules": dict(z_rules),
            "frictionless_types": dict(f_types),
        }
    )
    return rows


# --------------------------------------------------------------------------- the run


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    mem = re.search(r"MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text())
    hf = run(["hyperfine", "--version"]).stdout.strip()
    return {
        "cpu": model.group(1).strip() if model else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "polars": version("polars"),
        "pandera": version("pandera"),
        "frictionless": version("frictionless"),
        "hyperfine": hf.split()[-1] if hf else "?",
    }


def measure(records: int, runs: int, fl_runs: int, fresh: bool) -> dict:
    label = generate.label(records)
    valid, invalid = generate.OUT / f"{label}-valid", generate.OUT / f"{label}-invalid"
    stamp = generate.OUT / f"{label}.stamp"
    key = generate.stamp(records)
    if fresh or not stamp.exists() or stamp.read_text() != key:
        print(f"  generating {label} ...", flush=True)
        generate.generate(records)
        stamp.write_text(key)
    rows = json.loads((valid / "injected.json").read_text())["rows"]
    print(f"  {label}: zonedata x{runs} ...", flush=True)
    z = hyperfine(zonedata_cmd(valid), runs, 1)
    z_peak = peak(zonedata_cmd(valid))
    z_invalid = peak(zonedata_cmd(invalid))
    if z_peak["exit"] != 0 or z_invalid["exit"] != 1:
        sys.exit(
            f"zonedata exit codes: {z_peak['exit']} on {valid} (want 0), {z_invalid['exit']} on {invalid} (want 1)"
        )
    print(f"  {label}: frictionless x{fl_runs} ...", flush=True)
    f = hyperfine(frictionless_cmd(valid), fl_runs, 1 if fl_runs > 2 else 0)
    f_peak = peak(frictionless_cmd(valid))
    if f_peak["exit"] != 0:
        sys.exit(f"frictionless finds errors in the valid package {valid}: generator bug?")
    print(f"  {label}: comparing findings on the injected package ...", flush=True)
    return {
        "label": label,
        "records": records,
        "rows": rows,
        "zonedata": z,
        "zonedata_peak": z_peak,
        "zonedata_invalid": z_invalid,
        "frictionless": f,
        "frictionless_peak": f_peak,
        "ratio": f["median"] / z["median"],
        "comparison": compare(invalid),
    }


def table(results: list[dict], help_time: dict, info: dict) -> str:
    lines = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; {info['os']}; "
        f"Python {info['python']}, polars {info['polars']}, pandera {info['pandera']}, frictionless {info['frictionless']}, "
        f"hyperfine {info['hyperfine']}.",
        "",
        "| records | zonedata median s (runs) | zonedata peak MiB | frictionless median s (runs) | frictionless peak MiB "
        "| ratio | zonedata µs/record | zonedata on injected errors s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        z, f = r["zonedata"], r["frictionless"]
        lines.append(
            f"| {r['records']:,} | {z['median']:.3f} ({z['runs']}) | {r['zonedata_peak']['rss_mib']:.0f} "
            f"| {f['median']:.2f} ({f['runs']}) | {r['frictionless_peak']['rss_mib']:.0f} | {r['ratio']:.1f}x "
            f"| {1e6 * z['median'] / r['records']:.2f} | {r['zonedata_invalid']['wall']:.2f} |"
        )
    lines += ["", f"`zonedata --help`: median {help_time['median'] * 1000:.0f} ms ({help_time['runs']} runs).", ""]
    lines += ["Targets:", ""]
    by = {r["label"]: r for r in results}
    checks = []
    if "1M" in by:
        checks.append(
            (
                f"1M records <= {TARGETS['1M']} s",
                by["1M"]["zonedata"]["median"] <= TARGETS["1M"],
                f"{by['1M']['zonedata']['median']:.2f} s",
            )
        )
        checks.append(
            (
                f"1M records >= {RATIO_TARGET:.0f}x faster than frictionless",
                by["1M"]["ratio"] >= RATIO_TARGET,
                f"{by['1M']['ratio']:.2f}x",
            )
        )
    if "100k" in by:
        checks.append(
            (
                f"100k records <= {TARGETS['100k']} s",
                by["100k"]["zonedata"]["median"] <= TARGETS["100k"],
                f"{by['100k']['zonedata']['median']:.3f} s",
            )
        )
    if len(results) > 1:
        first, last = results[0], results[-1]
        step = (last["zonedata"]["median"] - first["zonedata"]["median"]) / (last["records"] - first["records"])
        fixed = first["zonedata"]["median"] - step * first["records"]
        worst = max(
            abs(r["zonedata"]["median"] - (fixed + step * r["records"])) / r["zonedata"]["median"] for r in results
        )
        checks.append(
            (
                "growth linear from the smallest to the largest size",
                worst <= 0.15,
                f"{fixed:.2f} s fixed + {step * 1e6:.2f} µs/record; every size within {100 * worst:.0f}% of that line",
            )
        )
    checks.append(
        (f"`zonedata --help` <= {HELP_TARGET} s", help_time["median"] <= HELP_TARGET, f"{help_time['median']:.3f} s")
    )
    for name, ok, value in checks:
        lines.append(f"- {'met' if ok else 'NOT met'}: {name} ({value})")
    lines += [
        "",
        "Rows per table of the generated packages (1,000 source texts of about 5 KB each in every package):",
        "",
        "| records | " + " | ".join(results[0]["rows"]) + " |",
        "|---:|" + "---:|" * len(results[0]["rows"]),
    ]
    for r in results:
        lines.append(f"| {r['records']:,} | " + " | ".join(f"{n:,}" for n in r["rows"].values()) + " |")
    lines += [
        "",
        "Injected errors found (the same rows and fields by both tools where both check):",
        "",
        "| records | kind | injected | zonedata | frictionless |",
        "|---:|---|---:|---:|---:|",
    ]
    for r in results:
        for c in r["comparison"]:
            fl = "-" if c["frictionless"] is None else c["frictionless"]
            lines.append(f"| {r['records']:,} | {c['kind']} | {c['injected']} | {c['zonedata']} | {fl} |")
    last = results[-1]["comparison"][-1]
    lines += [
        "",
        f"Everything each tool reported on the {results[-1]['label']} injected package: "
        f"zonedata {json.dumps(last['zonedata_rules'], sort_keys=True)}; frictionless {json.dumps(last['frictionless_types'], sort_keys=True)}.",
    ]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    doc = README.read_text(encoding="utf-8")
    start, end = doc.index(START) + len(START), doc.index(END)
    README.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="records per package"
    )
    parser.add_argument("--runs", type=int, default=10, help="zonedata runs per size (median)")
    parser.add_argument("--frictionless-runs", type=int, default=5, help="frictionless runs per size below 1M")
    parser.add_argument("--frictionless-runs-1m", type=int, default=3, help="frictionless runs at 1M records and more")
    parser.add_argument("--fresh", action="store_true", help="regenerate the packages even if they are up to date")
    parser.add_argument(
        "--readme",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write the results into bench/README.md (default: when all three default sizes ran)",
    )
    args = parser.parse_args()
    # Python must keep the bytecode it compiles: with PYTHONDONTWRITEBYTECODE set (some shells and
    # containers set it) every measured run compiles polars, Pandera and zonedata again, ~0.2 s
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    for tool in ("hyperfine", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y hyperfine time")
    info = machine()
    print(f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB", flush=True)
    results = []
    for records in sorted(args.sizes):
        fl_runs = args.frictionless_runs_1m if records >= 1_000_000 else args.frictionless_runs
        results.append(measure(records, args.runs, fl_runs, args.fresh))
    help_time = hyperfine([ZONEDATA, "--help"], 20, 3)
    text = table(results, help_time, info)
    print()
    print(text)
    (generate.OUT / "results.json").write_text(
        json.dumps({"machine": info, "help": help_time, "results": results}, indent=1, default=str) + "\n"
    )
    if args.readme or (args.readme is None and sorted(args.sizes) == [10_000, 100_000, 1_000_000]):
        write_readme(text)
        print(f"\nwritten to {README.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()

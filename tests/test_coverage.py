"""zonedata coverage: every number mention in the seeds is recorded or excluded with a reason."""

import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from zonedata.checks.coverage import coverage
from zonedata.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def test_the_dataset_accounts_for_every_mention():
    cov = coverage(ROOT)
    assert cov.report.valid, [f.message for f in cov.report.errors]
    assert cov.report.stats["unaccounted"] == 0
    assert cov.report.stats["mentions"] == cov.report.stats["recorded"] + cov.report.stats["excluded"]
    row = cov.mentions.filter(cov.mentions["text"] == "about 1200 mu").row(0, named=True)
    assert row["status"] == "recorded" and "statistics/" in row["record"]
    row = cov.mentions.filter(cov.mentions["text"] == "eleven").row(0, named=True)
    assert row["status"] == "excluded" and row["reason"]


def test_a_mention_without_record_or_exclusion_is_reported(repository):
    excl = repository / "seeds" / "coverage_exclusions.csv"
    lines = excl.read_text(encoding="utf-8").splitlines()
    kept = [l for l in lines if "eleven countries" not in l]
    assert len(kept) == len(lines) - 1
    excl.write_text("\n".join(kept) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["coverage", "--root", str(repository), "--format", "github"])
    assert result.exit_code == 1
    found = [l for l in result.output.splitlines() if "title=mention-unaccounted" in l]
    assert {l.split("::")[1] for l in found} == {
        "error file=seeds/001_27ad36de142194f5.txt,line=17,title=mention-unaccounted"
    }
    assert any("'eleven'" in l for l in found) and any("'one'" in l for l in found)


def test_a_record_that_stops_citing_a_figure_leaves_it_unaccounted(repository):
    stats = repository / "data" / "raw" / "statistics.csv"
    cites = repository / "data" / "raw" / "citations.csv"
    # drop the 1200 mu statistic and its citations
    lines = stats.read_text(encoding="utf-8").split("\n")
    (dropped,) = [l for l in lines if "about 1200 mu,1200" in l]
    stat_id = dropped.split(",", 1)[0]
    stats.write_text("\n".join(l for l in lines if l != dropped), encoding="utf-8")
    cites.write_text(
        "\n".join(
            l for l in cites.read_text(encoding="utf-8").split("\n") if not l.startswith(f"statistics,{stat_id},")
        ),
        encoding="utf-8",
    )
    cov = coverage(repository)
    row = cov.mentions.filter(cov.mentions["text"] == "about 1200 mu").row(0, named=True)
    assert row["status"] == "unaccounted"
    assert any(f.rule == "mention-unaccounted" and f.value == "about 1200 mu" for f in cov.report.findings)


def test_a_stale_exclusion_is_reported(repository):
    excl = repository / "seeds" / "coverage_exclusions.csv"
    excl.write_text(
        excl.read_text(encoding="utf-8") + "001,connecting twelve countries,a phrase that is not there\n",
        encoding="utf-8",
    )
    report = coverage(repository).report
    (stale,) = [f for f in report.findings if f.rule == "exclusion-stale"]
    assert stale.file == "seeds/coverage_exclusions.csv"
    assert stale.line == len(excl.read_text(encoding="utf-8").splitlines())


def test_json_lists_every_mention():
    result = CliRunner().invoke(cli, ["coverage", "--root", str(ROOT), "--format", "json"])
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert set(doc) == {"valid", "stats", "findings", "omitted", "mentions"}
    assert len(doc["mentions"]) == doc["stats"]["mentions"]
    assert set(doc["mentions"][0]) == {
        "source_id",
        "file",
        "line",
        "start",
        "end",
        "text",
        "kind",
        "status",
        "record",
        "reason",
    }
    first = doc["mentions"][0]
    text = (ROOT / first["file"]).read_text(encoding="utf-8")
    assert text[first["start"] : first["end"]] == first["text"]


def test_a_sources_table_without_its_file_column_is_no_internal_error(repository):
    """No text can be listed: coverage reads no mentions and says its exclusions point at no listed
    source (validate reports the missing column itself)."""
    import csv
    import io

    path = repository / "seeds" / "sources.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index("file")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:i] + r[i + 1 :] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["coverage", "--root", str(repository)])
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    assert "exclusion-stale" in result.output and "0 mentions" in result.output


def test_a_reference_id_accounts_for_nothing():
    """'2003' in 002 is held by CEPA's record (it states the year), not by its participants, whose event_id
    cepa-2003 only names that record; Hong Kong's 'one of the largest sources' is held by its relation."""
    mentions = coverage(ROOT).mentions
    recorded = mentions.filter((pl.col("source_id") == "002") & pl.col("record").is_not_null())
    records = dict(recorded.select("text", "record").iter_rows())
    assert records["2003"] == "events/cepa-2003"
    assert records["one"] == "relations/rel-0012"

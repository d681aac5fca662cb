"""`zonedata build`: clean tables, exact normalisation, byte-identical and atomic output, the
descriptor (which frictionless-py must accept), and the publication check that keeps it in step."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from conftest import FIXTURE, REPO, copy_package
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import DECIMAL, TYPES
from zonedata.cli import cli
from zonedata.loading.dataset import load_dataset
from zonedata.loading.vocabulary import load_vocabulary
from zonedata.publish import build as build_module
from zonedata.publish.build import PARQUET_OPTIONS, build, render_outputs
from zonedata.publish.clean import derive_figures
from zonedata.publish.descriptor import read_version
from zonedata.validate import validate

TABLES = ["sources", "citations", "parks", "statistics"]


def rules(report) -> set[str]:
    return {f.rule for f in report.findings}


def published_files(root: Path) -> dict[str, bytes]:
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "data" / "clean").iterdir()}
    files["datapackage.json"] = (root / "datapackage.json").read_bytes()
    files["docs/data-dictionary.md"] = (root / "docs" / "data-dictionary.md").read_bytes()
    return files


# --- what is written ---------------------------------------------------------------------------


def test_build_writes_every_table_in_both_formats(built):
    for table in TABLES:
        for fmt in ("csv", "parquet"):
            assert (built / "data" / "clean" / f"{table}.{fmt}").is_file()
    assert (built / "datapackage.json").is_file()
    assert (built / "docs" / "data-dictionary.md").is_file()
    assert not list(built.glob(".zonedata-build-*")), "the temporary folder is removed"


def test_build_is_byte_identical(tmp_path):
    roots = []
    for name in ("a", "b"):
        root = copy_package(FIXTURE, tmp_path / name)
        assert build(root).report.valid
        roots.append(root)
    assert published_files(roots[0]) == published_files(roots[1])


def test_rebuild_writes_nothing_when_nothing_changed(built):
    before = {p: p.stat().st_mtime_ns for p in (built / "data" / "clean").iterdir()}
    result = build(built)
    assert result.written == [] and len(result.unchanged) == 2 * len(TABLES) + 2
    assert before == {p: p.stat().st_mtime_ns for p in (built / "data" / "clean").iterdir()}


def test_columns_in_schema_order_rows_by_primary_key(built):
    schema = json.loads((built / "schemas" / "statistics.json").read_text())
    stats = pl.read_parquet(built / "data" / "clean" / "statistics.parquet")
    assert stats.columns == [f["name"] for f in schema["fields"]]
    assert "__line__" not in stats.columns
    assert stats["statistic_id"].to_list() == sorted(stats["statistic_id"].to_list())
    parks = pl.read_parquet(built / "data" / "clean" / "parks.parquet")
    assert parks["park_id"].to_list() == ["P001", "P002", "P003", "P004"]  # the raw file starts with P002


def test_published_types(built):
    stats = pl.read_parquet(built / "data" / "clean" / "statistics.parquet")
    assert stats.schema["value"] == DECIMAL and stats.schema["value_normalised"] == DECIMAL
    assert stats.schema["period_start"] == pl.Date
    parks = pl.read_parquet(built / "data" / "clean" / "parks.parquet")
    assert parks.schema["year_established"] == pl.Int64
    cites = pl.read_parquet(built / "data" / "clean" / "citations.parquet")
    assert cites.schema["quote_start"] == pl.Int64


def test_statistics_normalised_exactly(built):
    stats = pl.read_parquet(built / "data" / "clean" / "statistics.parquet")
    rows = {r["statistic_id"]: r for r in stats.iter_rows(named=True)}
    assert rows["ST0002"]["value_normalised"] == Decimal("70100000000")  # 70.1 billion yuan, not 70100000000.00001
    assert (rows["ST0002"]["unit_normalised"], rows["ST0002"]["currency"]) == ("CNY", "CNY")
    assert (rows["ST0002"]["value"], rows["ST0002"]["value_text"]) == (Decimal("70.1"), "70.1 billion yuan")
    assert (rows["ST0003"]["value_normalised"], rows["ST0003"]["unit_normalised"]) == (Decimal("800000"), "m2")
    assert rows["ST0003"]["currency"] is None and rows["ST0003"]["qualifier"] == "about"
    assert rows["ST0004"]["value_normalised"] == Decimal("7500000000") and rows["ST0004"]["currency"] == "CNY"
    assert (rows["ST0001"]["value_normalised"], rows["ST0001"]["unit_normalised"]) == (Decimal("1221"), "count")
    assert str(rows["ST0002"]["period_start"]) == "2024-01-01" and str(rows["ST0002"]["period_end"]) == "2024-07-31"


#: what derive_statistics reads of a Dataset: its vocabulary (the repository's metadata/vocabulary/)
VOCABULARY_ONLY = SimpleNamespace(vocabulary=load_vocabulary(Paths(REPO))[0])


@pytest.mark.parametrize(
    "value,scale,unit,expected,unit_normalised,currency",
    [
        ("1200", "", "mu", "800000", "m2", None),
        ("1.5", "", "mu", "1000", "m2", None),
        ("1", "", "mu", "666.666667", "m2", None),
        ("2", "", "mu", "1333.333333", "m2", None),
        ("0.000001", "", "mu", "0.000667", "m2", None),
        ("99.68", "billion", "yuan", "99680000000", "CNY", "CNY"),
        ("14.60", "billion", "$", "14600000000", "USD", "USD"),
        ("1.21", "trillion", "yuan", "1210000000000", "CNY", "CNY"),
        ("160", "million", "kWh", "160000000", "kWh", None),
        ("61.54", "", "%", "61.54", "percent", None),
        ("2", "", "rank", "2", "rank", None),
        ("3", "", "ordinal", "3", "ordinal", None),
        ("20", "", "years", "20", "years", None),
        ("2012", "", "year", "2012", "year", None),
        ("12", "thousand", "count", "12000", "count", None),
    ],
)
def test_normalisation_table(value, scale, unit, expected, unit_normalised, currency):
    frame = pl.DataFrame({"value": [value], "scale": [scale or None], "unit": [unit]}).with_columns(
        pl.col("value").cast(DECIMAL)
    )
    row = derive_figures(VOCABULARY_ONLY, frame).row(0, named=True)
    assert row["value_normalised"] == Decimal(expected)
    assert (row["unit_normalised"], row["currency"]) == (unit_normalised, currency)


def test_mu_rounding_is_half_even_to_six_places():
    """The division by 3 agrees with Decimal arithmetic rounded half to even, for many values."""
    values = [f"{i}.{(i * 7919) % 1000000:06d}" for i in range(0, 3000, 7)]
    frame = pl.DataFrame({"value": values, "scale": ["thousand"] * len(values), "unit": ["mu"] * len(values)})
    out = derive_figures(VOCABULARY_ONLY, frame.with_columns(pl.col("value").cast(DECIMAL)))[
        "value_normalised"
    ].to_list()
    with localcontext() as ctx:
        ctx.prec = 60
        expected = [
            (Decimal(v) * 1000 * 2000 / 3).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN) for v in values
        ]
    assert out == expected


def test_the_published_quote_is_the_stored_passage_at_its_offsets(built):
    raw = pl.read_csv(built / "data" / "raw" / "citations.csv", infer_schema=False)
    for fmt in ("parquet", "csv"):
        path = built / "data" / "clean" / f"citations.{fmt}"
        cites = (
            pl.read_parquet(path)
            if fmt == "parquet"
            else pl.read_csv(path, infer_schema_length=0).with_columns(
                pl.col("quote_start", "quote_end").cast(pl.Int64)
            )
        )
        sources = pl.read_parquet(built / "data" / "clean" / "sources.parquet")
        files = dict(sources.select("source_id", "file").iter_rows())
        for sid, quote, start, end in cites.select("source_id", "quote", "quote_start", "quote_end").iter_rows():
            text = (built / "seeds" / files[sid]).read_text(encoding="utf-8")
            assert text[start:end] == quote
        # the stored text has a curly apostrophe where the curator typed a straight one: the source's own wins
        row = cites.filter(pl.col("citation_id") == "C0009").row(0, named=True)
        assert "China\u2019s" in row["quote"]
    assert "China's" in raw.filter(pl.col("citation_id") == "C0009")["quote"][0]


def test_csv_is_lf_utf8_with_fixed_scale_decimals(built):
    data = (built / "data" / "clean" / "statistics.csv").read_bytes()
    text = data.decode("utf-8")
    assert b"\r" not in data and text.endswith("\n")
    assert "70.100000" in text and "70100000000.000000" in text
    for bad in ("NaN", "nan", "-0.0", "inf"):
        assert bad not in text
    assert '"Chinese park of the China-Vietnam ""Two Countries, Twin Parks"""' in (
        built / "data" / "clean" / "parks.csv"
    ).read_text(encoding="utf-8")


def test_parquet_settings(built):
    meta = pq.ParquetFile(built / "data" / "clean" / "statistics.parquet").metadata
    column = meta.row_group(0).column(0)
    assert column.compression == "ZSTD"
    assert column.is_stats_set
    assert meta.num_rows == 4 and meta.num_row_groups == 1
    assert PARQUET_OPTIONS["compression_level"] == 3 and PARQUET_OPTIONS["row_group_size"] == 100_000


# --- the descriptor ---------------------------------------------------------------------------


def test_descriptor_content(built):
    d = json.loads((built / "datapackage.json").read_text(encoding="utf-8"))
    assert d["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert d["name"] == "zonedata" and d["version"] == read_version(Paths(built)) == "0.1.0"
    assert d["licenses"][0]["name"] == "CC-BY-4.0"
    assert d["created"] == "2024-08-20T00:00:00Z"  # the latest date in the sources table, not the clock
    assert {"id", "title", "description", "homepage", "keywords", "contributors"} <= set(d)
    assert d["sources"][0] == {
        "title": "Guangxi Speeds up the Construction of China-ASEAN Cross-border Industrial "
        "Integration and Development Cooperation Zone",
        "path": "seeds/001_27ad36de142194f5.txt",
    }
    assert d["sources"][1]["url"].startswith("https://ccr.cn/")
    names = [r["name"] for r in d["resources"]]
    assert names == [f"{t}-{fmt}" for t in TABLES for fmt in ("csv", "parquet")]
    for r in d["resources"]:
        data = (built / r["path"]).read_bytes()
        assert r["type"] == "table" and r["profile"] == "tabular-data-resource"
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        if r["format"] == "csv":
            assert (r["mediatype"], r["encoding"], r["bytes"]) == ("text/csv", "utf-8", len(data))
        else:
            assert r["mediatype"] == "application/vnd.apache.parquet"
            assert "bytes" not in r  # frictionless-py 5.21 reports a false byte-count error otherwise
    cites = next(r for r in d["resources"] if r["name"] == "citations-parquet")
    assert cites["schema"]["primaryKey"] == ["citation_id"]
    assert cites["schema"]["foreignKeys"][0]["reference"] == {"resource": "sources-parquet", "fields": ["source_id"]}
    parks = next(r for r in d["resources"] if r["name"] == "parks-csv")
    assert parks["schema"]["foreignKeys"][0]["reference"]["resource"] == "parks-csv"


def test_frictionless_validates_the_package(built):
    pytest.importorskip("pandas")  # frictionless-py reads Parquet only through pandas
    from frictionless import validate as frictionless_validate

    report = frictionless_validate(str(built / "datapackage.json"))
    assert report.valid, report.flatten(["title", "type", "message"])
    assert len(report.tasks) == 2 * len(TABLES)


def test_the_repository_package_passes_frictionless():
    """The committed datapackage.json of the real dataset (`frictionless validate datapackage.json`)."""
    pytest.importorskip("pandas")
    from frictionless import validate as frictionless_validate

    descriptor = Path(__file__).resolve().parents[1] / "datapackage.json"
    assert descriptor.is_file(), "the repository is not built: run zonedata build"
    report = frictionless_validate(str(descriptor))
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    lists = {r["name"]: {f["name"] for f in r["schema"]["fields"] if f["type"] == "list"} for r in package["resources"]}
    assert any(lists.values())
    for task in report.tasks:
        if task.name.endswith("-csv") or not lists[task.name]:
            assert task.valid, task.flatten(["title", "type", "message"])
        else:
            # frictionless-py 5.21 reads Parquet through pandas, which hands it list cells as numpy arrays that its
            # list field rejects (a known limit, see README); every other cell, key and constraint must pass, and
            # zonedata's publication check proves each Parquet file holds exactly its CSV twin's rows, lists included
            assert {(e.type, e.field_name) for e in task.errors} <= {("type-error", f) for f in lists[task.name]}, (
                task.flatten(["title", "type", "message"])
            )


def test_frictionless_catches_a_broken_csv(built):
    pytest.importorskip("pandas")
    from frictionless import validate as frictionless_validate

    path = built / "data" / "clean" / "parks.csv"
    path.write_bytes(path.read_bytes().replace(b"P002,2012", b"P002,20x2"))
    assert not frictionless_validate(str(built / "datapackage.json")).valid


# --- refusing, atomicity -----------------------------------------------------------------------


def test_build_refuses_invalid_data_and_writes_nothing(package):
    raw = package / "data" / "raw" / "statistics.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("70.1,billion", "71.1,billion"), encoding="utf-8")
    result = build(package)
    assert not result.report.valid and "number-mismatch" in rules(result.report)
    assert result.written == []
    assert not (package / "datapackage.json").exists() and not list((package / "data").glob("clean/*"))


def test_a_refused_build_keeps_the_previous_files(built):
    before = published_files(built)
    raw = built / "data" / "raw" / "parks.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace(",2012", ",20x2"), encoding="utf-8")
    assert not build(built).report.valid
    assert published_files(built) == before


def test_a_failing_write_keeps_the_previous_files(built, monkeypatch):
    before = published_files(built)
    raw = built / "data" / "raw" / "parks.csv"
    raw.write_text(
        raw.read_text(encoding="utf-8").replace("Zone,cooperation_zone", "Zone (CAICZ),cooperation_zone"),
        encoding="utf-8",
    )
    real_replace = build_module.os.replace
    calls = []

    def fail_after_staging(src, dst):
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(build_module.os, "replace", fail_after_staging)
    with pytest.raises(build_module.PublishError, match="disk full"):  # a clear configuration error, exit 2
        build(built)
    monkeypatch.setattr(build_module.os, "replace", real_replace)
    assert calls, "the build got as far as moving files into place"
    assert published_files(built) == before
    assert not list(built.glob(".zonedata-build-*")), "the staging folder is removed"


def test_too_many_decimals_are_refused_not_rounded(package):
    raw = package / "data" / "raw" / "statistics.csv"
    text = raw.read_text(encoding="utf-8").replace("RMB 7.5 billion,7.5,", "RMB 7.5 billion,7.5000001,")
    raw.write_text(text, encoding="utf-8")
    result = build(package)
    errors = [f for f in result.report.errors if f.rule == "type-error"]
    assert errors and errors[0].field == "value" and "decimal places" in errors[0].message
    assert not (package / "datapackage.json").exists()


def test_unknown_derived_field_is_a_configuration_error(package):
    path = package / "schemas" / "parks.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["fields"].append({"name": "area_m2", "type": "number", "derived": True})
    path.write_text(json.dumps(schema), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert result.exit_code == 2
    assert "area_m2" in result.output and "derivation" in result.output


def test_stale_clean_files_are_removed(built):
    extra = built / "data" / "clean" / "retired.csv"
    extra.write_text("a\n1\n", encoding="utf-8")
    assert "publication-stale" in rules(validate(built))
    result = build(built)
    assert result.removed == ["data/clean/retired.csv"] and not extra.exists()


# --- the command -------------------------------------------------------------------------------


def test_build_command_ok(package):
    result = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert result.exit_code == 0, result.output
    assert "wrote data/clean/statistics.parquet" in result.output and "wrote datapackage.json" in result.output
    again = CliRunner().invoke(cli, ["build", "--root", str(package)])
    assert again.exit_code == 0 and "up to date" in again.output


def test_build_command_refuses_with_findings(package):
    raw = package / "data" / "raw" / "statistics.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace(",about,", ",exact,"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--root", str(package), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    assert any(f["rule"] == "qualifier-mismatch" and f["file"] == "data/raw/statistics.csv" for f in report["findings"])
    assert not (package / "datapackage.json").exists()


def test_build_command_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--root", str(tmp_path)])
    assert result.exit_code == 2 and "schemas/" in result.output


# --- the publication check ---------------------------------------------------------------------


def test_publication_check_passes_after_a_build(built):
    report = validate(built)
    assert report.valid, [f.to_dict() for f in report.findings]


def test_nothing_published_is_one_finding(package):
    findings = [f for f in validate(package).findings if f.rule.startswith("publication-")]
    assert [f.rule for f in findings] == ["publication-missing"]
    assert "run zonedata build" in findings[0].message


def test_publication_check_sees_stale_data(built):
    raw = built / "data" / "raw" / "parks.csv"
    raw.write_text(
        raw.read_text(encoding="utf-8").replace("Zone,cooperation_zone", "Zone (CAICZ),cooperation_zone"),
        encoding="utf-8",
    )
    stale = [f for f in validate(built).findings if f.rule == "publication-stale"]
    # one finding for the package (issue 21), naming every file a build would rewrite
    assert [(f.file, f.line, f.field) for f in stale] == [("datapackage.json", None, None)]
    assert stale[0].value == "data/clean/parks.csv; data/clean/parks.parquet; datapackage.json"
    assert stale[0].message.startswith("the published files are out of date: run zonedata build")


def test_publication_check_sees_a_changed_version(built):
    path = built / "pyproject.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"0.1.0"', '"0.2.0"'), encoding="utf-8")
    stale = [f.value for f in validate(built).findings if f.rule == "publication-stale"]
    assert stale == ["datapackage.json"]


def test_publication_check_sees_edited_and_missing_files(built):
    csv = built / "data" / "clean" / "statistics.csv"
    csv.write_bytes(csv.read_bytes().replace(b"800000.000000", b"800001.000000"))
    (built / "data" / "clean" / "parks.parquet").unlink()
    findings = validate(built).findings
    by_rule = {(f.rule, f.file) for f in findings}
    assert ("publication-stale", "datapackage.json") in by_rule
    assert ("publication-hash-mismatch", "data/clean/statistics.csv") in by_rule
    assert ("publication-missing", "data/clean/parks.parquet") in by_rule
    assert all("run zonedata build" in f.message for f in findings if f.rule.startswith("publication-"))


def test_publication_check_sees_parquet_differing_from_csv(built):
    path = built / "data" / "clean" / "parks.parquet"
    frame = pl.read_parquet(path).head(3)
    buf = io.BytesIO()
    frame.write_parquet(buf, **PARQUET_OPTIONS)
    path.write_bytes(buf.getvalue())
    rules_by_file = {(f.rule, f.file) for f in validate(built).findings}
    assert ("publication-rows-differ", "data/clean/parks.parquet") in rules_by_file
    assert ("publication-hash-mismatch", "data/clean/parks.parquet") in rules_by_file


def test_render_outputs_matches_the_written_files(built):
    outputs = render_outputs(load_dataset(built))
    assert outputs.files == published_files(built)
    assert list(outputs.files)[-1] == "datapackage.json"  # written last


def test_parquet_bytes_read_back_as_the_frame_they_were_rendered_from(built):
    """The publication check compares a CSV twin with the clean table itself when the Parquet file holds the
    bytes the build renders from that table, instead of decoding them: right only if those bytes read back
    exactly as the table, for every published type, with nulls, empty values and the extremes."""
    schema = {f"c{i}": t.published for i, t in enumerate(TYPES.values())}
    values = {
        pl.String: ["a", "", None, 'é, "q"\n\r;', "x" * 10_000],
        pl.Int64: [0, None, -(2**63), 2**63 - 1, -1],
        DECIMAL: [
            Decimal("0"),
            None,
            Decimal("-" + "9" * 32 + ".999999"),
            Decimal("9" * 32 + ".999999"),
            Decimal("1.5"),
        ],
        pl.Date: [date(1, 1, 1), None, date(9999, 12, 31), date(1970, 1, 1), date(2026, 12, 7)],
        pl.Boolean: [True, False, None, True, False],
        pl.List(pl.String): [["a", "b"], [], None, ["", None], ["x;y"]],
    }
    frame = pl.DataFrame({name: values[dtype] for name, dtype in schema.items()}, schema=schema)
    for rows in (frame, frame.clear()):
        back = pl.read_parquet(io.BytesIO(build_module.parquet_bytes(rows)))
        assert back.schema == rows.schema and back.equals(rows, null_equal=True)
    outputs = render_outputs(load_dataset(built))
    for name, table in outputs.tables.items():
        back = pl.read_parquet(io.BytesIO(outputs.files[f"data/clean/{name}.parquet"]))
        assert back.schema == table.frame.schema and back.equals(table.frame, null_equal=True), name

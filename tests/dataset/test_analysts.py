"""Facts of this dataset: the analysts' questions of README.md's worked examples, run as written over the
repository's published Parquet with DuckDB, with their answers checked. Each snippet leaves its result in
`rows`. A source that adds a record to an answer changes it: update the answer here and the example's shown
output in README.md (see tests/dataset/README.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from test_readme_snippets import REPO, snippets


def answer(marker: str) -> list[tuple]:
    pytest.importorskip("duckdb")
    found = [s for s in snippets("python") if marker in s]
    assert len(found) == 1, f"README has no single worked example containing {marker!r}"
    namespace: dict = {"__name__": "__readme__"}
    import os

    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        exec(compile(found[0], "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    return namespace["rows"]


def test_total_planned_investment_in_qinzhou_carries_its_qualifier():
    rows = answer("SELECT 'qinzhou'")
    assert rows == [("CNY", Decimal("90000000000"), "more_than", "exceeds RMB 90 billion", 1)]


def test_every_figure_about_the_industrial_cooperation_zone_and_its_areas():
    rows = answer("SELECT 'china-asean-industrial-cooperation-zone'")
    roles = {r[0]: r[1] for r in rows}
    assert roles == {
        "stat-0001": "counterpart",
        "stat-0002": "counterpart",
        "stat-0007": "subject",
        "stat-0020": "subject",
        "stat-0021": "subject",
        "stat-0026": "subject",
    }
    # the 66.63% is a share of contract investment, not of money spent
    assert next(r for r in rows if r[0] == "stat-0002")[4] == "contracted"


def test_countries_represented_at_the_2024_roundtable():
    rows = answer("roundtable-conference-on-asean-china-industrial-cooperation-2024")
    assert [r[0] for r in rows] == ["CN", "KH", "MM", "PH"]
    assert {r[1] for r in rows} == {"China", "Cambodia", "Myanmar", "Philippines"}
    assert [r[0] for r in rows if r[3]] == ["KH", "MM", "PH"]  # 'AMS dignitaries'
    assert "U Tin Maung Swe" in dict((r[0], r[2]) for r in rows)["MM"]


def test_pairs_that_must_not_be_summed():
    rows = answer("statistic_links.parquet")
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("same_quantity", "stat-0019", "stat-0018"),
        ("growth_rate_of", "stat-0024", "stat-0022"),
        ("growth_rate_of", "stat-0025", "stat-0023"),
        ("duration_of", "stat-0015", "stat-0014"),
    ]


def test_twin_parks_as_pairs():
    rows = answer("a.twin_park_id = b.park_id")
    assert rows == [
        ("china-malaysia-qinzhou-industrial-park", "CN", "malaysia-china-kuantan-industrial-park", "MY"),
        (
            "chongzuo-china-vietnam-twin-parks-chinese-park",
            "CN",
            "chongzuo-china-vietnam-twin-parks-vietnamese-park",
            "VN",
        ),
    ]


def test_stat_0028_is_the_parks_total_investment():
    """The audit's correction: 'with a total investment of' describes the park, as for the wind project."""
    duckdb = pytest.importorskip("duckdb")
    row = duckdb.sql(f"""SELECT subject_table, subject_id, indicator, basis, value_normalised, qualifier
                         FROM '{REPO}/data/clean/statistics.parquet' WHERE statistic_id = 'stat-0028'""").fetchall()
    assert row == [
        (
            "parks",
            "china-asean-digital-economy-industrial-park",
            "total_investment",
            "unspecified",
            Decimal("5800000000"),
            "about",
        )
    ]

"""The draft measured on texts it has not seen: three invented texts in three styles (a statistics
bulletin, a company announcement, a conference report, tests/fixtures/draft/texts/), each curated by
hand before the draft was run on it. Each text is stored in a copy of the repository's package with
`add-source` and drafted as a curator would draft it; the README states the figures measured here."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from draft_recall import measure_draft
from zonedata.curate.addsource import add_source
from zonedata.curate.draft import draft

TEXTS = Path(__file__).parent / "fixtures" / "draft" / "texts"
NAMES = ("bulletin", "announcement", "conference")


def drafted(root: Path, name: str):
    expected = json.loads((TEXTS / f"{name}.expected.json").read_text(encoding="utf-8"))
    values = {"title": f"Test text: {expected['style']}", "publisher": "Invented for zonedata's tests"}
    values |= {"date_published": expected["date"], "url": f"https://example.org/{name}", "external_fields": "url"}
    result = add_source(root, TEXTS / f"{name}.txt", values)
    assert not result.findings, [f.message for f in result.findings]
    return draft(root, result.source_id), expected


@pytest.fixture(scope="module")
def measured(tmp_path_factory) -> dict[str, dict]:
    import shutil

    from conftest import REPO, REPOSITORY_PARTS

    root = tmp_path_factory.mktemp("texts") / "pkg"
    for part in (*REPOSITORY_PARTS, "metadata"):
        shutil.copytree(REPO / part, root / part, dirs_exist_ok=True)
    shutil.copy(REPO / "datapackage.json", root / "datapackage.json")
    out = {}
    for name in NAMES:
        d, expected = drafted(root, name)
        out[name] = measure_draft(d, expected)
    return out


def totals(measured: dict[str, dict]) -> dict[str, int]:
    keys = ("figures", "figures_found", "basis_right", "period_words_right", "period_dates_right", "names")
    keys += ("names_found", "names_in_right_table", "links", "links_found", "attributions", "attributions_right")
    out = {k: sum(m[k] for m in measured.values()) for k in keys}
    out["false_figures"] = sum(len(m["false_figures"]) for m in measured.values())
    out["false_names"] = sum(len(m["false_names"]) for m in measured.values())
    return out


@pytest.mark.parametrize("name", NAMES)
def test_each_text_loses_at_most_one_figure_and_one_name(measured, name):
    m = measured[name]
    assert m["figures_found"] >= m["figures"] - 1, m
    assert m["names_found"] >= m["names"] - 1, m


def test_the_readme_states_the_measurement_on_the_invented_texts(measured):
    """The README's paragraph on the invented texts gives these numbers (rewrite it from the printed
    measurement when the draft changes)."""
    t = totals(measured)
    assert t["figures_found"] / t["figures"] >= 0.9, (t, measured)
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- draft-texts: .*? -->\n(.*?)\n\n", readme, re.S)
    assert m, "README.md lacks the paragraph after <!-- draft-texts: ... -->"
    stated = " ".join(m.group(1).split())
    for name in NAMES:
        r = measured[name]
        said = f"{name}: {r['figures_found']} of {r['figures']} figures, {len(r['false_figures'])} false"
        assert said in stated, (said, stated)
    line = (
        f"{t['basis_right']} bases, {t['period_words_right']} period words and {t['period_dates_right']} period dates "
        f"right of the {t['figures_found']} figures found; {t['names_found']} of {t['names']} names "
        f"({t['names_in_right_table']} in the right table); {t['links_found']} of {t['links']} growth links; "
        f"{t['attributions_right']} of {t['attributions']} attributions; {t['false_names']} false names"
    )
    assert line in stated, (line, stated, measured)


def test_a_recorded_alias_is_a_whole_word_only(repository, tmp_path):
    """The ASEAN-China Centre's alias "ACC" is not in "according to": the walkthrough's text had its
    figures credited to the Centre (stated_by_organisation_id) by that substring."""
    text = tmp_path / "according.txt"
    text.write_text(
        "The Sample Hill Industrial Park attracted 38 new projects in 2024, according to the park's "
        "management committee. According to the ACC, the park had 12 partners in 2024.\n",
        encoding="utf-8",
    )
    values = {"title": "Test text", "publisher": "Invented", "date_published": "2025-01-10"}
    result = add_source(repository, text, values | {"url": "https://example.org/a", "external_fields": "url"})
    assert not result.findings, [f.message for f in result.findings]
    d = draft(repository, result.source_id)
    rows = {r["value"]: r for dest, rs in d.rows.items() if dest.endswith("/statistics.csv") for r in rs}
    assert rows["38"]["stated_by_organisation_id"] == ""
    assert rows["38"]["attribution_text"] == "according to the park's management committee"
    assert rows["12"]["stated_by_organisation_id"] == "asean-china-centre"  # "According to the ACC": the alias


def test_the_period_and_growth_words_the_texts_showed_are_read_exactly_or_as_words_only():
    import datetime as dt

    from zonedata.curate.draft.periods import find_periods
    from zonedata.curate.draft.settle import is_yoy_growth
    from zonedata.text.sentences import Span

    published = dt.date(2025, 10, 28)  # a Tuesday

    def periods(text: str):
        return [
            (p.span.text, p.start and p.start.isoformat(), p.end and p.end.isoformat(), p.period_type)
            for p in find_periods(text, Span(0, len(text), text), published)
        ]

    assert periods("At the end of 2024, the zones hosted 14,860 firms.") == [
        ("At the end of 2024", None, "2024-12-31", "as_at")
    ]
    # after the text's date: the words, no dates
    assert periods("At the end of 2030, the zones will host 20,000 firms.") == [
        ("At the end of 2030", None, None, None)
    ]
    assert periods("Trade rose in the first three quarters of this year.") == [
        ("in the first three quarters of this year", "2025-01-01", "2025-09-30", "period")
    ]
    assert periods("Trade rose in the first five quarters of this year.")[0][1:] == (None, None, None)  # no such period
    assert periods("It opened on Monday.") == [("on Monday", "2025-10-27", "2025-10-27", "as_at")]
    assert periods("It had 12 partners over the past 20 years.") == [
        ("over the past 20 years", None, "2025-10-28", "to_date")
    ]
    assert periods("It has been the largest for three consecutive years.") == [
        ("for three consecutive years", None, "2025-10-28", "on_or_before")
    ]
    text = "Investment reached 318.5 billion yuan, up 5.2% over the previous year, and 6% over 2020."
    at = text.index("5.2%")
    assert is_yoy_growth(text, at, at + 4)
    at = text.index("6%")
    assert not is_yoy_growth(text, at, at + 2)  # "6% over 2020" is no year-on-year rate
    text = (
        "They reached 1.21 trillion yuan and 145.5 billion yuan respectively, an increase of 10% and 6% year-on-year."
    )
    assert all(is_yoy_growth(text, text.index(p), text.index(p) + len(p)) for p in ("10%", "6%"))
    text = "It rose by 10% and then fell 6% year-on-year."
    assert not is_yoy_growth(text, text.index("6%"), text.index("6%") + 2)  # "fell": no growth word before it

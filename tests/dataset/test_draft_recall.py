"""The draft measured on the five curated sources of the dataset (a fact of the data, kept beside
test_draft.py's measurement of figures and names): of the recorded statistics the draft finds, how
many get the recorded period words, period dates and basis; how many recorded growth links it
drafts; and the share of figures and names found. The README's "Adding a new source" section states
these numbers; rewrite its draft-readings paragraph from `measure('.')` when the data changes."""

from __future__ import annotations

import re

from conftest import REPO
from draft_recall import measure


def test_periods_basis_names_and_links_of_the_curated_sources():
    m = measure(REPO)
    s, r, names = m["statistics"], m["readings"], m["names"]
    # the aims: 95% of the figures, 90% of the periods and of the names
    assert s["found"] >= 0.95 * s["recorded"], s["missed"]
    assert r["period_words_right"] >= 0.9 * r["with_period_words"], r["period_missed"]
    assert r["period_dates_right"] >= 0.9 * r["with_period_words"], r["period_missed"]
    verbatim = sum(n["recorded"] for n in names.values())
    found = sum(n["found"] for n in names.values())
    assert found >= 0.9 * verbatim, {t: n["missed"] for t, n in names.items()}
    # "1.21 trillion yuan and 145.5 billion yuan respectively, an increase of 10% and 6% year-on-year"
    assert r["growth_links_found"] == r["growth_links"] and not r["false_links"], r
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    para = re.search(r"<!-- draft-readings: .*? -->\n(.*?)\n\n", readme, re.S)
    assert para, "README.md lacks its draft-readings paragraph"
    stated = " ".join(para.group(1).split())
    expected = (
        f"Of the {r['found']} recorded statistics found, {r['with_period_words']} have period words: "
        f"{r['period_words_right']} are drafted with the same words and {r['period_dates_right']} with the "
        f"same dates; {r['basis_right']} of the {r['found']} have the recorded basis "
        f"(a guess counts); {r['growth_links_found']} of the {r['growth_links']} recorded growth links "
        f"are drafted, with {r['false_links']} false. Of the {verbatim} names verbatim in a text "
        f"(parks, projects, events, organisations), {found} are found ({round(100 * found / verbatim)}%)."
    )
    assert expected in stated, (expected, stated)

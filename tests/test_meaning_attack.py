"""A fresh attack on the meaning of the words (issue 19, round 3): inputs of its own, each a figure in a
short text of ours, added to a copy of the corpus package as a new source and recorded the way validate
wrongly accepted it before the fix; validate must now refuse it with the rule, file, line and field.

Classes: a quote cut at a figure's edge (the grammar read only the quote, so a quote that starts after
"−", "S$", "no", "0." or "1," or ends before "billion" or "or more" read as something else).
"""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from conftest import CORPUS_BASE, copy_package
from zonedata.validate import validate

STATS = "data/raw/statistics.csv"

#: (case, sentence of the source text, quote cited, value_text, value, scale, unit, qualifier as wrongly
#: accepted, (rule, field) refused now)
CASES = [
    # a quote cut after the words that change its figure: read in the source's words around it
    ("cut-minus", "Output changed by −5.2% in the first half.", "5.2% in the first half", "5.2%", "5.2", "", "%", "exact", ("number-mismatch", "value")),
    ("cut-sgd", "Singapore investors pledged S$5 billion to the park.", "$5 billion to the park", "$5 billion", "5", "billion", "$", "exact", ("number-mismatch", "value")),
    ("cut-no-fewer", "The zone hosts no fewer than 10 firms.", "fewer than 10 firms", "fewer than 10", "10", "", "count", "less_than", ("number-mismatch", "value")),
    ("cut-or-more", "The base will attract 5 billion yuan or more from investors.", "attract 5 billion yuan", "5 billion yuan", "5", "billion", "yuan", "exact", ("number-mismatch", "value")),
    ("cut-thousands", "The park covers 1,200 mu of land.", "200 mu of land", "200 mu", "200", "", "mu", "exact", ("number-mismatch", "value")),
    ("cut-down", "Exports were down 5.2% last year.", "5.2% last year", "5.2%", "5.2", "", "%", "exact", ("number-mismatch", "value")),
    ("cut-decimal", "The fund holds 0.5 billion yuan now.", "5 billion yuan now", "5 billion yuan", "5", "billion", "yuan", "exact", ("number-mismatch", "value")),
    ("cut-scale", "The fund holds 5 billion yuan today.", "The fund holds 5", "5", "5", "", "count", "exact", ("number-mismatch", "value")),
    ("cut-half", "The fund holds half a billion yuan here.", "a billion yuan here", "a billion yuan", "1", "billion", "yuan", "exact", ("number-mismatch", "value")),
]  # fmt: skip


def _attack(root: Path, cases) -> dict[str, int]:
    """`cases` added to the package at `root`: one source text of their sentences, one statistic citing each
    (a copy of the corpus's first row with the case's figure); the CSV line of each case's statistic."""
    data = ("\n".join(c[1] for c in cases) + "\n").encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    name = f"019_{sha[:16]}.txt"
    (root / "seeds" / name).write_bytes(data)
    with (root / "seeds" / "sources.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(
            ["019", name, sha, "An attack on the meaning of the words", "", "", "", "2024-08-20", "", "", "en", "", ""]
        )
    path = root / STATS
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, template = rows[0], dict(zip(rows[0], rows[1]))
    lines = {}
    with (
        path.open("a", encoding="utf-8", newline="") as fh,
        (root / "data/raw/citations.csv").open("a", encoding="utf-8", newline="") as cites,
    ):
        for i, (case, _sentence, quote, vt, value, scale, unit, qualifier, *_rest) in enumerate(cases):
            sid = f"stat-{9100 + i}"
            row = {
                **template,
                **{"statistic_id": sid, "value_text": vt, "value": value, "scale": scale, "unit": unit},
                **{"qualifier": qualifier, "quantity_kind": "stock", "period_type": "none", "notes": ""},
                **{"period_start": "", "period_end": "", "period_text": "", "period_basis": ""},
            }
            csv.writer(fh, lineterminator="\n").writerow([row[h] for h in header])
            csv.writer(cites, lineterminator="\n").writerow(["statistics", sid, "019", quote, ""])
            lines[case] = len(rows) + 1 + i
    return lines


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """One copy of the corpus package with every case recorded as it was wrongly accepted: validated once."""
    root = copy_package(CORPUS_BASE, tmp_path_factory.mktemp("meaning") / "pkg")
    lines = _attack(root, CASES)
    return lines, validate(root, publication=False)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_misread_figure_is_refused(attacked, case):
    lines, report = attacked
    hits = [(f.rule, f.field) for f in report.errors if f.file == STATS and f.line == lines[case[0]]]
    assert hits[:1] == [case[-1]], hits


def test_the_attack_adds_no_other_error(attacked):
    lines, report = attacked
    others = [f.to_dict() for f in report.errors if not (f.file == STATS and f.line in lines.values())]
    assert others == []


def test_a_figure_read_in_context_is_still_accepted(tmp_path):
    """The same quotes, recorded as their source says, validate: context refuses only what it changes."""
    root = copy_package(CORPUS_BASE, tmp_path / "pkg")
    good = [
        ("whole-or-more", "The base will attract 5 billion yuan or more from investors.", "attract 5 billion yuan or more", "5 billion yuan or more", "5", "billion", "yuan", "at_least"),
        ("whole-thousands", "The park covers 1,200 mu of land.", "covers 1,200 mu", "1,200 mu", "1200", "", "mu", "exact"),
        ("mid-sentence", "The fund holds 5 billion yuan today.", "holds 5 billion yuan", "5 billion yuan", "5", "billion", "yuan", "exact"),
    ]  # fmt: skip
    _attack(root, good)
    report = validate(root, publication=False)
    assert report.errors == [], [f.to_dict() for f in report.errors]

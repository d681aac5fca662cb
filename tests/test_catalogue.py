"""Every rule in the catalogue (`findings.RULES`) is produced by some corpus case: a broken variation of
tests/corpus/base/ (`BROKEN` in test_validate_corpus.py and test_integrity_corpus.py, `WORDS_BROKEN` in
test_words_checks.py), a warning case below, or the valid package
itself. A rule that only another kind of input can produce (a build, a release, a curator's command) is
listed in EXEMPT with why and the test that produces it, and that test must name it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from test_integrity_corpus import BROKEN as INTEGRITY_BROKEN
from test_validate_corpus import BASE, BROKEN, CITES, PARKS
from test_words_checks import WORDS_BROKEN
from zonedata.base.findings import RULES
from zonedata.validate import validate

TESTS = Path(__file__).parent


def _swap_two_columns(root: Path) -> None:
    path = root / PARKS
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for r in rows:
        r[1], r[2] = r[2], r[1]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


#: warnings: the package stays valid, so they are not in BROKEN (whose cases must exit 1)
WARNING_CASES = [
    ("columns-out-of-order", _swap_two_columns, "header-order", PARKS, 1, None),
    ("quote-twice-in-source", lambda root: None, "quote-ambiguous", CITES, 8, "quote"),  # the base package has one
]

#: rule -> (the test that produces it, why no corpus case does)
EXEMPT = {
    "path-outside-root": ("test_confinement.py", "a link out of the package root: made by the test, not a data edit"),
    "file-not-regular": (
        "test_confinement.py",
        "a FIFO or device in place of a file: made by the test, not a data edit",
    ),
    "source-duplicate": ("test_draft.py", "raised by `zonedata add-source` for a text already stored"),
    "publication-missing": ("test_build.py", "about data/clean/, which validate --no-publication (the corpus) skips"),
    "publication-stale": ("test_build.py", "about data/clean/, which validate --no-publication (the corpus) skips"),
    "publication-hash-mismatch": (
        "test_build.py",
        "about data/clean/, which validate --no-publication (the corpus) skips",
    ),
    "publication-rows-differ": (
        "test_build.py",
        "about data/clean/, which validate --no-publication (the corpus) skips",
    ),
    "version-mismatch": ("test_release.py", "about release metadata (CITATION.cff, .zenodo.json): needs a release"),
    "citation-key-missing": ("test_release.py", "about CITATION.cff, written by a release"),
    "citation-invalid": ("test_hostile_inputs.py", "about CITATION.cff, written by a release"),
    "release-archive-mismatch": ("test_release.py", "about releases/, written by a release"),
    "release-date-invalid": ("test_release.py", "about releases/releases.json, written by a release"),
    "release-interrupted": ("test_release_recovery.py", "a release killed half way: made by the test"),
    "changelog-mismatch": ("test_release.py", "about CHANGELOG.md's entries, written by a release"),
    "unique-violation": (
        "test_validate_corpus.py",
        "needs a schema edit (uniqueKeys) with the data edit: a corpus test of its own",
    ),
    "mention-unaccounted": ("test_coverage.py", "reported by `zonedata coverage`, not by validate"),
    "vocabulary-invalid": (
        "test_vocabulary.py",
        "about metadata/vocabulary/, which the corpus's cases of data do not edit",
    ),
    "exclusion-stale": ("test_coverage.py", "reported by `zonedata coverage`, not by validate"),
}


@pytest.mark.parametrize("case,mutate,rule,file,line,field", WARNING_CASES, ids=[c[0] for c in WARNING_CASES])
def test_warning_case_is_reported(corpus_package, case, mutate, rule, file, line, field):
    root = corpus_package
    mutate(root)
    report = validate(root, publication=False)
    assert report.valid
    assert any((f.rule, f.file, f.line, f.field) == (rule, file, line, field) for f in report.findings), case


def test_every_rule_is_produced_by_a_corpus_case_or_exempt():
    produced = {c[2] for c in [*BROKEN, *INTEGRITY_BROKEN, *WORDS_BROKEN, *WARNING_CASES]}
    missing = sorted(r for r in RULES if r not in produced and r not in EXEMPT)
    assert not missing, (
        f"no corpus case produces {missing}: add one to BROKEN in test_validate_corpus.py (or to EXEMPT, with why)"
    )
    assert not (produced & set(EXEMPT)), f"exempt but produced by a corpus case: {sorted(produced & set(EXEMPT))}"
    assert set(EXEMPT) <= set(RULES), f"exempt rules that are not in RULES: {sorted(set(EXEMPT) - set(RULES))}"


@pytest.mark.parametrize("rule", sorted(EXEMPT))
def test_each_exempt_rule_is_produced_by_the_test_it_names(rule):
    test_file, _why = EXEMPT[rule]
    assert f'"{rule}"' in (TESTS / test_file).read_text(encoding="utf-8"), f"{test_file} does not produce {rule}"


def test_the_corpus_schemas_are_the_repository_schemas():
    """tests/corpus/base/ is a small package with the real schemas, so its cases test what curators meet."""
    repo = TESTS.parent / "schemas"
    corpus = BASE / "schemas"
    assert sorted(p.name for p in corpus.glob("*.json")) == sorted(p.name for p in repo.glob("*.json"))
    for path in sorted(repo.glob("*.json")):
        assert (corpus / path.name).read_bytes() == path.read_bytes(), (
            f"tests/corpus/base/schemas/{path.name} differs from schemas/"
        )

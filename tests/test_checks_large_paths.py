"""The shortcuts that keys and consistency take for large tables give what the plain operations give."""

from __future__ import annotations

import polars as pl

from zonedata.checks.consistency import MANY_CITED, _join_ids
from zonedata.checks.keys import MANY_IDS, _known


def test_few_references_to_many_ids_are_looked_up_among_the_ids_they_name():
    ids = pl.Series("id", [f"stat-{i:07d}" for i in range(MANY_IDS * 2)] + [None])
    refs = pl.Series(
        "ref", ["stat-0000003", "stat-9999999", None, "stat-0000003", "Stat-0000004", f"stat-{MANY_IDS:07d}"]
    )
    known = _known(refs, ids)
    assert len(known) == 2  # only the ids a reference names
    assert refs.is_in(known.implode()).to_list() == refs.is_in(ids.implode()).to_list()
    assert refs.is_in(known.implode()).to_list() == [True, False, None, True, False, True]


def test_many_citations_are_joined_by_hashed_ids_as_a_plain_join_would():
    n = MANY_CITED + 10
    records = pl.DataFrame(
        {"line": list(range(n // 2)) + [None], "record_id": [f"s{i}" for i in range(n // 2)] + [None], "end": 1}
    )
    ids = [f"s{i % (n // 2 + 7)}" for i in range(n)] + [None, "S1", "s1 "]
    cited = pl.DataFrame({"record_id": ids, "source_id": [f"src{i % 13}" for i in range(len(ids))]})
    plain = records.join(cited, on="record_id").sort("line", "source_id")
    hashed = _join_ids(records, cited).sort("line", "source_id")
    assert hashed.columns == plain.columns
    assert hashed.equals(plain)
    assert (
        _join_ids(records, cited.head(5))
        .sort("line", "source_id")
        .equals(records.join(cited.head(5), on="record_id").sort("line", "source_id"))
    )

"""Locating quotes in their sources: first occurrence, stored-text offsets, and every occurrence counted
(overlapping ones included), checked against a plain-Python reference."""

import random

import polars as pl

from zonedata.text.locate import find_quotes
from zonedata.text.normalise import SourceText, normalise


def _find(texts: dict[str, str], pairs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int, int]]:
    sources = SourceText.many(texts)
    frame = pl.DataFrame({"source_id": [s for s, _ in pairs], "quote_norm": [normalise(q) for _, q in pairs]})
    out = find_quotes(frame, sources)
    return {
        (r["source_id"], r["quote_norm"]): (r["n_found"], r["quote_start"], r["quote_end"])
        for r in out.iter_rows(named=True)
    }


def _reference(text: str, quote: str) -> tuple[int, int, int] | None:
    """Overlapping occurrences of the normalised quote in the normalised text, and the stored offsets of the first."""
    src = SourceText(text)
    norm, q = src.normalised, normalise(quote)
    hits = [i for i in range(len(norm) - len(q) + 1) if norm.startswith(q, i)]
    if not q or not hits:
        return None
    return (len(hits), *src.to_stored(hits[0], hits[0] + len(q)))


def test_overlapping_occurrences_are_all_counted():
    found = _find({"s1": "aaa b aaa"}, [("s1", "aa"), ("s1", "aaa"), ("s1", "b")])
    assert found[("s1", "aa")] == (4, 0, 2)
    assert found[("s1", "aaa")] == (2, 0, 3)
    assert found[("s1", "b")] == (1, 4, 5)


def test_offsets_are_in_the_stored_text_across_multibyte_characters_and_dropped_spaces():
    text = "Le café \u2013 ouvert,  le  café\u00a0\u201cfermé\u201d"
    found = _find({"s1": text}, [("s1", 'le café "fermé"'), ("s1", "café"), ("s1", "absent")])
    n, start, end = found[("s1", 'le café "fermé"')]
    assert (n, text[start:end]) == (1, "le  café\u00a0\u201cfermé\u201d")
    n, start, end = found[("s1", "café")]
    assert (n, text[start:end]) == (2, "café")
    assert ("s1", "absent") not in found


def test_a_source_stored_decomposed_is_quoted_as_typed():
    """Issue 19: a source stored in NFD, quoted composed (as typed): found, and its stored offsets hold
    the whole decomposed passage, combining marks included."""
    import unicodedata

    text = unicodedata.normalize("NFD", "Le parc de Hà Nội  est ouvert. Café Hà Nội.")
    found = _find({"s1": text}, [("s1", "Hà Nội est ouvert"), ("s1", "Hà Nội"), ("s1", "Café")])
    n, start, end = found[("s1", "Hà Nội est ouvert")]
    assert (n, text[start:end]) == (1, unicodedata.normalize("NFD", "Hà Nội  est ouvert"))
    n, start, end = found[("s1", "Hà Nội")]
    assert (n, text[start:end]) == (2, unicodedata.normalize("NFD", "Hà Nội"))
    assert found[("s1", "Café")][0] == 1


def test_agrees_with_a_plain_python_search_on_decomposed_texts():
    rng = random.Random(20261207)
    alphabet = ["a", "e\u0301", "\u1100\u1161", "\u11a8", " ", "\u0323", "o\u0302\u0323", "\u00a0", "-"]
    texts = {f"s{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 40))) for i in range(30)}
    pairs = []
    for sid, text in texts.items():
        for _ in range(10):
            i = rng.randrange(len(text))
            quote = text[i : i + rng.randint(1, 8)]
            if normalise(quote):
                pairs.append((sid, quote))
    pairs = sorted(set(pairs), key=lambda p: (p[0], normalise(p[1])))
    found = _find(texts, pairs)
    expected = {(s, normalise(q)): ref for s, q in pairs if (ref := _reference(texts[s], q)) is not None}
    assert found == expected
    for (sid, q), (_n, start, end) in found.items():  # the stored passage is the quote, once normalised
        assert q in normalise(texts[sid][start:end])


def test_a_quote_is_searched_only_in_its_own_source():
    found = _find({"s1": "alpha beta", "s2": "gamma delta"}, [("s1", "gamma"), ("s2", "gamma")])
    assert ("s1", "gamma") not in found and found[("s2", "gamma")] == (1, 0, 5)


def test_agrees_with_a_plain_python_search_on_random_texts():
    rng = random.Random(20261121)
    alphabet = ["a", "b", "é", " ", "\u00a0", "\u2013", "-", "\u201c", '"', "  "]
    texts = {f"s{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 60))) for i in range(40)}
    pairs = []
    for sid, text in texts.items():
        for _ in range(15):
            if rng.random() < 0.7:  # a passage of the text itself (so often found, and often more than once)
                i = rng.randrange(len(text))
                quote = text[i : i + rng.randint(1, 6)]
            else:
                quote = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))
            if normalise(quote):
                pairs.append((sid, quote))
    pairs = sorted(set(pairs), key=lambda p: (p[0], normalise(p[1])))
    found = _find(texts, pairs)
    expected = {(s, normalise(q)): ref for s, q in pairs if (ref := _reference(texts[s], q)) is not None}
    assert found == expected
    assert any(n > 2 for n, _, _ in found.values())  # the overlapping counts were exercised


def test_a_quote_repeated_many_times_is_counted_exactly():
    text = " ".join(["the park"] * 2000 + ["aaaa"])  # "the park" has no border; "aa" overlaps itself
    found = _find({"s1": text}, [("s1", "the park"), ("s1", "aa"), ("s1", "park the")])
    assert found[("s1", "the park")] == (2000, 0, 8)
    assert found[("s1", "aa")][0] == 3
    assert found[("s1", "park the")][0] == 1999

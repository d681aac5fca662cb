"""One text normalisation in three forms: `normalise` (one string), `normalise_expr`/`normalise_series`
(polars, vectorised) and `SourceText` (a stored text with its offset map). They must agree on any text,
so a quote normalised one way is found in a source normalised another."""

from __future__ import annotations

import unicodedata

import polars as pl
from hypothesis import example, given
from hypothesis import strategies as st

from test_properties_readers import BOUNDED
from zonedata.text.normalise import (
    DASHES,
    NUMERALS,
    QUOTES,
    SPACES,
    SUBSTITUTIONS,
    SourceText,
    normalise,
    normalise_expr,
    normalise_series,
)

#: characters where the forms could part: every substitution, white space Python and Rust disagree on
#: (U+001C..U+001F, U+0085, U+180E), zero-width and format characters, combining marks, characters NFC
#: composes or replaces, astral characters (a UTF-16 surrogate pair each), line ends
ADVERSARIAL = [
    *SUBSTITUTIONS,
    *"\x1c\x1d\x1e\x1f\x85\u180e\u200b\u200c\u200d\u2028\u2029\ufeff\x00\x7f",
    *"\u0301\u0308\u0323\u0327\u20dd",
    "e\u0301",
    "A\u030a",
    "\u212b",
    "\u1e9b\u0323",
    "\u0344",
    "\ufb01",
    "\U0001f600",
    "\U00010000",
    "\U0010fffd",
    "\r\n",
    *"aZ9 '\"-.,",
]
CHARS = st.one_of(st.sampled_from(ADVERSARIAL), st.characters(exclude_categories=("Cs",)))
TEXTS = st.one_of(st.lists(CHARS, max_size=30).map("".join), st.text(max_size=30))


def _vectorised(values: list[str]) -> tuple[list[str], list[str]]:
    series = pl.Series("v", values, dtype=pl.String)
    by_expr = series.to_frame().select(normalise_expr(pl.col("v")))["v"].to_list()
    return by_expr, normalise_series(series).to_list()


@BOUNDED
@given(st.lists(TEXTS, min_size=1, max_size=12))
@example(["\u201cIt\u2019s\u00a0a\u3000test\u201d \u2013 e\u0301\r\n\r\n\x1c\x1f done "])
@example(["\x1c", "\x1f x \x1e", "\x85\u180e", "\u2028\u2029"])
def test_scalar_and_vectorised_forms_agree(values):
    want = [normalise(v) for v in values]
    by_expr, by_series = _vectorised(values)
    assert by_expr == want
    assert by_series == want


@BOUNDED
@given(TEXTS)
@example("  \u201cquoted\u201d\u00a0\u2014\tdash\r\n\u3000end  ")
@example("\x1c\x1d a \x1e\x1f")
def test_a_stored_text_normalises_as_a_quote_does(text):
    """For a text stored NFC (the seeds are), the source's normalised form is `normalise`'s, but for
    the ends (a source keeps one leading and one trailing space: its offsets map back), and each
    normalised character maps back to the stored character it came from."""
    text = unicodedata.normalize("NFC", text)
    source = SourceText(text)
    assert source.normalised.strip(" ") == normalise(text)
    assert len(source.index) == len(source.normalised)
    for i, ch in enumerate(source.normalised):
        stored = text[source.index[i]]
        assert ch == (" " if stored.isspace() else SUBSTITUTIONS.get(stored, stored))
    many = SourceText.many({"a": text})["a"]
    assert many.normalised == source.normalised
    assert many.index.tolist() == source.index.tolist()


@BOUNDED
@given(TEXTS)
@example(unicodedata.normalize("NFD", "Hà Nội  \u201ccafé\u201d"))
@example("\u1100\u1161\u11a8 \u0b47\u0bbe e\u0327\u0301 \u212b")
def test_a_text_stored_in_any_form_normalises_as_a_quote_does(text):
    """A text stored decomposed (NFD) or otherwise not NFC normalises as `normalise` does (NFC is part
    of the safe normalisation), and every normalised character maps back to the stored characters it
    came from: their normalised form holds it. The per-text and the many-texts forms agree."""
    source = SourceText(text)
    assert source.normalised.strip(" ") == normalise(text)
    assert len(source.index) == len(source.end_index) == len(source.normalised)
    assert (source.index < source.end_index).all()
    for i, ch in enumerate(source.normalised):
        stored = text[source.index[i] : source.end_index[i]]
        assert ch in (" " if stored.isspace() else normalise(stored) or " ")
    many = SourceText.many({"a": text})["a"]
    assert many.normalised == source.normalised
    assert many.index.tolist() == source.index.tolist()
    assert many.end_index.tolist() == source.end_index.tolist()


def test_the_substitutions_are_one_table():
    """Quotes, dashes, numerals (digits and number signs of other scripts) and spaces are disjoint, each
    one character for one, and white space maps to " " (and nothing else does)."""
    assert len(SUBSTITUTIONS) == len(QUOTES) + len(DASHES) + len(NUMERALS) + len(SPACES)
    assert all(len(k) == 1 and len(v) == 1 for k, v in SUBSTITUTIONS.items())
    assert all(k.isspace() for k in SPACES) and set(SPACES.values()) == {" "}
    assert not any(k.isspace() or v.isspace() for k, v in {**QUOTES, **DASHES, **NUMERALS}.items())


def test_a_lone_surrogate_is_normalised_by_the_scalar_form():
    """Python text may hold a lone surrogate (polars text cannot): the scalar form keeps it as it is."""
    assert normalise("a\ud800\u2019b") == "a\ud800'b"

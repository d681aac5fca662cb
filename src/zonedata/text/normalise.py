"""Safe text normalisation for matching quotes against source texts.

Only these differences are forgiven: Unicode composition (NFC), curly versus straight
quotes, dash variants versus a hyphen, a decimal digit of any script versus its ASCII digit
(full-width `１２３`, Arabic-Indic `١٢٣`, Devanagari `१२३`: Unicode category Nd), full-width
forms versus their ASCII characters (`，` `．` `％` `：`, U+FF01..U+FF5E), the Arabic decimal
and thousands separators and percent sign (`٫` `٬` `٪`), no-break and other spaces, and runs
of whitespace. Never fuzzy matching, and nothing that changes what a text says: superscripts
and other digit-like signs that are not decimal digits (`²`, `³`, `½`, `①`, `‰`) stay as they
are, so `m²` is a unit, never "m2". Every substitution but the whitespace collapse is one
character for one character, so offsets in the normalised text map back to the stored text
exactly.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import polars as pl

QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
}
DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"}  # and U+FF0D: FORMS
SPACES = {
    c: " "
    for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\n\r\x0b\x0c"
}
# The zero of each script's decimal digits (Unicode category Nd, Unicode 18.0, read from unicodedata2
# 18.0.0): each script's 0..9 are ten consecutive code points (a Unicode stability guarantee). Written out
# so that every Python folds the same digits (3.11's unicodedata knows Unicode 14) and importing costs
# nothing; tests/test_numerals.py checks it against the running Python's unicodedata.
_ZEROS = (
    *(0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0),
    *(0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50),
    *(0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x10D40, 0x11066),
    *(0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730),
    *(0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50, 0x11DA0, 0x11DE0, 0x11F50, 0x16130, 0x16A60, 0x16AC0),
    *(0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0),
    *(0x1E5F1, 0x1E950, 0x1FBF0),
)
# every decimal digit of another script -> its ASCII digit: the same digit written differently. Not the
# digit-like signs outside Nd (superscripts, fractions, circled and CJK numbers), whose meaning differs.
DIGITS = {chr(zero + d): str(d) for zero in _ZEROS for d in range(10)}
# full-width forms of ASCII (U+FF01..U+FF5E: NFKC's fold of each is its ASCII character), and the Arabic
# percent sign, decimal and thousands separators: the number punctuation of the scripts whose digits fold
FORMS = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {
    "\u066a": "%",
    "\u066b": ".",
    "\u066c": ",",
}
#: the 1:1 substitutions that make a number in any script one the grammar reads (`numbers.mentions_frame`)
NUMERALS = {**DIGITS, **FORMS}
SUBSTITUTIONS = {**QUOTES, **DASHES, **NUMERALS, **SPACES}
#: the substitutions of one non-space character by another (white space is collapsed separately)
ONE_TO_ONE = {**QUOTES, **DASHES, **NUMERALS}
_TABLE = str.maketrans(SUBSTITUTIONS)
_WS = re.compile(r"\s+")

# Lookup tables over code points for SourceText: what \s (str.isspace) matches, and the one-to-one
# substitutions. Every character either table cares about is below _LIMIT (SPACES are all white space,
# which the collapse turns into " " anyway).
_LIMIT = max(map(ord, SUBSTITUTIONS)) + 1
_IS_SPACE = np.zeros(_LIMIT + 1, dtype=bool)
_IS_SPACE[[c for c in range(0x3001) if chr(c).isspace()]] = True
_ONE_TO_ONE_MAP = np.arange(_LIMIT + 1, dtype=np.uint32)
for _c, _r in ONE_TO_ONE.items():
    _ONE_TO_ONE_MAP[ord(_c)] = ord(_r)
assert _LIMIT > 0x3000  # U+3000 is the last white-space character
# the same white space as a Rust regex class (polars' \s is Unicode's, which lacks U+001C..U+001F)
_SPACE_CLASS = "[" + "".join(f"\\x{{{c:x}}}" for c in np.flatnonzero(_IS_SPACE)) + "]"
_SPACE_CLASS_BUT_SPACE = "[" + "".join(f"\\x{{{c:x}}}" for c in np.flatnonzero(_IS_SPACE) if c != 32) + "]"


def normalise(text: str) -> str:
    """The normalised form of one text (quotes and sources alike)."""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return _WS.sub(" ", text).strip()


def normalise_expr(expr: pl.Expr) -> pl.Expr:
    """The same normalisation as `normalise`, as a polars expression (vectorised)."""
    expr = expr.str.normalize("NFC")
    expr = expr.str.replace_many(list(SUBSTITUTIONS), list(SUBSTITUTIONS.values()))
    # as _WS.sub(" ", ...), replacing only runs and white space other than " " (far fewer replacements); the
    # class is Python's white space (polars' \s lacks U+001C..U+001F), so after it the only white space is " "
    return expr.str.replace_all(f"{_SPACE_CLASS}{{2,}}|{_SPACE_CLASS_BUT_SPACE}", " ").str.strip_chars(" ")


_CONTROL = [chr(c) for c in range(0x20)] + ["\x7f"]


def _needs_normalising(v: pl.Expr) -> pl.Expr:
    r"""Whether normalising can change the value: str.contains(r"[^\x20-\x7e]|\s\s|^\s|\s$") without the
    regex. A value with a character outside 0x20-0x7e is non-ASCII or has a control character; in one
    without, the only white space is " "."""
    return (
        (v.str.len_bytes() != v.str.len_chars())
        | v.str.contains_any(_CONTROL)
        | v.str.contains("  ", literal=True)
        | v.str.starts_with(" ")
        | v.str.ends_with(" ")
    )


def normalise_series(values: pl.Series) -> pl.Series:
    """Normalise only the values that need it (most hand-typed quotes are plain ASCII), each distinct value once."""
    idx = values.to_frame("v").select(_needs_normalising(pl.col("v"))).to_series().arg_true()
    if not len(idx):
        return values
    needing = values.gather(idx)
    distinct = needing.unique()
    fixed = distinct.to_frame("v").select(normalise_expr(pl.col("v")))["v"]
    return values.clone().scatter(idx, needing.replace_strict(distinct, fixed, return_dtype=pl.String))


class SourceText:
    """A stored source text with its normalised form and the map from normalised to stored offsets."""

    def __init__(self, text: str):
        self.text = text
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text:
            # composition changes lengths: map char by char (rare; seeds are stored NFC)
            self._init_slow(text)
            return
        # text.translate(_TABLE) then _WS.sub(" ", ...), on code points with numpy (no per-character Python)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        small = np.minimum(codes, _LIMIT)
        space = _IS_SPACE[small]
        keep = np.ones(len(codes), dtype=bool)
        keep[1:] = ~(space[1:] & space[:-1])  # a run of white space keeps its first character
        mapped = np.where(codes < _LIMIT, _ONE_TO_ONE_MAP[small], codes)
        mapped[space] = 32
        self.normalised = mapped[keep].tobytes().decode("utf-32-le")
        #: stored offsets that a white-space run drops, ascending (few); None when NFC changed the text
        self.dropped: np.ndarray | None = np.flatnonzero(~keep)
        self._index: np.ndarray | None = None
        self._end_index: np.ndarray | None = None  # None: index + 1 (one stored character for each)

    @classmethod
    def many(cls, texts: dict[str, str]) -> dict[str, SourceText]:
        """`SourceText(t)` for each text, computed for all at once by polars (same results, off the GIL)."""
        ids = [sid for sid, text in texts.items() if unicodedata.is_normalized("NFC", text)]
        out: dict[str, SourceText] = {}
        if ids:
            run_class = _SPACE_CLASS + "{2,}"
            frame = pl.DataFrame({"t": [texts[sid] for sid in ids]}, schema={"t": pl.String}).select(
                normalised=pl.col("t")
                .str.replace_many(ONE_TO_ONE)
                .str.replace_all(f"{run_class}|{_SPACE_CLASS_BUT_SPACE}", " "),
                gap=pl.col("t").str.split(run_class, literal=False).list.eval(pl.element().str.len_chars()),
                run=pl.col("t").str.extract_all(run_class).list.eval(pl.element().str.len_chars()),
            )
            # each text is gap, run, gap, ..., run, gap: a run starts after the gaps and runs before it,
            # and drops all but its first character
            n_runs = frame["run"].list.len().cast(pl.Int64).to_numpy()
            gap = frame["gap"].explode().cast(pl.Int64).to_numpy()
            run = frame["run"].explode().drop_nulls().cast(pl.Int64).to_numpy()
            pieces = np.zeros(len(gap) + len(run), dtype=np.int64)
            first_piece = np.concatenate([[0], np.cumsum(2 * n_runs + 1)[:-1]])
            run_piece = np.repeat(first_piece, n_runs) + 2 * _ranks(n_runs) + 1
            is_run = np.zeros(len(pieces), dtype=bool)
            is_run[run_piece] = True
            pieces[is_run], pieces[~is_run] = run, gap
            before = np.cumsum(pieces) - pieces  # characters before each piece, counted from the first text
            text_start = np.repeat(before[first_piece], n_runs)
            run_start = before[run_piece] - text_start
            dropped = np.repeat(run_start + 1, run - 1) + _ranks(run - 1)
            per_text = np.split(
                dropped,
                np.cumsum(
                    np.bincount(np.repeat(np.arange(len(ids)), n_runs), weights=run - 1, minlength=len(ids)).astype(
                        np.int64
                    )
                )[:-1],
            )
            for sid, normalised, drops in zip(ids, frame["normalised"].to_list(), per_text):
                obj = cls.__new__(cls)
                obj.text, obj.normalised, obj.dropped, obj._index = texts[sid], normalised, drops, None
                obj._end_index = None
                out[sid] = obj
        return {sid: out[sid] if sid in out else cls(text) for sid, text in texts.items()}

    @property
    def index(self) -> np.ndarray:
        """The stored offset of each normalised character (built on first use)."""
        if self._index is None:
            keep = np.ones(len(self.text), dtype=bool)
            keep[self.dropped] = False
            self._index = np.flatnonzero(keep)
        return self._index

    def _init_slow(self, text: str) -> None:
        """A text that NFC changes (stored decomposed, say): composed cluster by cluster, where a cluster
        is a starter and the characters NFC may join to it (`_nfc_clusters`), so the normalised text is
        NFC of the whole text; every character a cluster gives maps back to the whole stored cluster."""
        out, starts, ends = [], [], []
        prev_space = False
        for a, b in _nfc_clusters(text):
            for c in unicodedata.normalize("NFC", text[a:b]).translate(_TABLE):
                space = c.isspace()
                if space and prev_space:
                    continue
                out.append(" " if space else c)
                starts.append(a)
                ends.append(b)
                prev_space = space
        self.normalised = "".join(out)
        self.dropped = None
        self._index = np.array(starts, dtype=np.int64)
        self._end_index = np.array(ends, dtype=np.int64)

    @property
    def end_index(self) -> np.ndarray:
        """The stored offset just after the stored character(s) each normalised character came from."""
        return self.index + 1 if self._end_index is None else self._end_index

    def to_stored(self, start: int, end: int) -> tuple[int, int]:
        """Stored-text code-point offsets [start, end) of a normalised span."""
        # (not self.end_index, which builds a new array of the whole text on the fast path)
        last = int(self.index[end - 1]) + 1 if self._end_index is None else int(self._end_index[end - 1])
        return int(self.index[start]), last


@functools.cache
def _composes_backwards() -> frozenset[str]:
    """The starters (combining class 0) that NFC may join to the character before them (Unicode's
    NFC_Quick_Check=Maybe): the second character of a canonical pair decomposition (Tamil, Kannada,
    Malayalam, Sinhala, Myanmar vowel signs, ...) and the Hangul medial vowels and final consonants
    (composed by rule, not by table). Read from the running Python's unicodedata, whose NFC the source
    texts are composed with, once, and only when a text needs it (every such character lies below U+30000)."""
    out = {chr(c) for c in range(0x1161, 0x1176)} | {chr(c) for c in range(0x11A8, 0x11C3)}
    for c in range(0x80, 0x30000):
        parts = unicodedata.decomposition(chr(c)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            second = chr(int(parts[1], 16))
            if unicodedata.combining(second) == 0:
                out.add(second)
    return frozenset(out)


def _stable_before(first: str, joins: frozenset[str]) -> bool:
    return unicodedata.combining(first) == 0 and first not in joins


def _nfc_clusters(text: str) -> list[tuple[int, int]]:
    """`text` cut into [start, end) pieces whose NFC forms, joined, are NFC of the whole text: a piece
    starts at each stable boundary, a character whose decomposition begins with a starter (combining
    class 0) that joins to nothing before it, so a combining mark stays with its letter and a Hangul
    jamo with its syllable, while a character NFC replaces (U+212B ANGSTROM SIGN) is a piece of its own."""
    joins = _composes_backwards()
    cuts = [
        i
        for i, ch in enumerate(text)
        if i == 0
        or ch < "\x80"  # (ASCII: the usual case, cheaply)
        or _stable_before(unicodedata.normalize("NFD", ch)[0], joins)
    ]
    return list(zip(cuts, [*cuts[1:], len(text)])) if text else []


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., n-1 for each n in counts, concatenated."""
    total = int(counts.sum())
    return np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


def stored_passages(texts: dict[str, str], source_id: pl.Series, start: pl.Series, end: pl.Series) -> pl.Series:
    """text[start:end] of each row's stored source text (code-point offsets), vectorised: the texts are
    laid end to end as UTF-8, code points are turned into bytes with the positions of the continuation
    bytes, and each passage is one byte slice (no per-row scan of its text). Null where the source is
    not among `texts` or an offset is null or out of range."""
    sids = list(texts)
    if not sids:
        return pl.Series(source_id.name, [None] * len(source_id), dtype=pl.String)
    lengths = np.array([len(texts[s]) for s in sids], dtype=np.int64)
    char_base = dict(zip(sids, (np.cumsum(lengths) - lengths).tolist()))
    raw = "".join(texts[s] for s in sids).encode("utf-8")
    data = np.frombuffer(raw, dtype=np.uint8)
    cont = np.flatnonzero((data & 0xC0) == 0x80)
    del data
    shifted = cont - np.arange(len(cont))  # continuation bytes before code point c: searchsorted(shifted, c, "right")

    frame = pl.DataFrame({"sid": source_id, "a": start, "b": end}).with_columns(
        base=pl.col("sid").replace_strict(char_base, default=None, return_dtype=pl.Int64),
        size=pl.col("sid").replace_strict(dict(zip(sids, lengths.tolist())), default=None, return_dtype=pl.Int64),
    )
    ok = (
        frame["base"].is_not_null()
        & frame["a"].is_not_null()
        & frame["b"].is_not_null()
        & (frame["a"] >= 0)
        & (frame["a"] <= frame["b"])
        & (frame["b"] <= frame["size"])
    ).fill_null(False)
    first = (frame["base"] + frame["a"]).fill_null(0).to_numpy()
    last = (frame["base"] + frame["b"]).fill_null(0).to_numpy()
    byte_a = first + np.searchsorted(shifted, first, side="right")
    byte_b = last + np.searchsorted(shifted, last, side="right")
    sliced = (
        pl.DataFrame({"s": byte_a, "n": byte_b - byte_a})
        .select(pl.lit(raw, dtype=pl.Binary).bin.slice(pl.col("s"), pl.col("n")).cast(pl.String))
        .to_series()
    )
    return pl.select(pl.when(pl.Series(ok)).then(sliced)).to_series().alias(source_id.name)

"""Safe text normalisation for matching quotes against source texts.

Only these differences are forgiven: Unicode composition (NFC), curly versus straight
quotes, dash variants versus a hyphen, no-break and other spaces, and runs of whitespace.
Never fuzzy matching. Every substitution but the whitespace collapse is one character for
one character, so offsets in the normalised text map back to the stored text exactly.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import polars as pl

QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"'}
DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
SPACES = {c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\n\r\x0b\x0c"}
SUBSTITUTIONS = {**QUOTES, **DASHES, **SPACES}
_TABLE = str.maketrans(SUBSTITUTIONS)
_NEEDS = re.compile("[" + "".join(SUBSTITUTIONS) + "]|  ")
_WS = re.compile(r"\s+")
_WS_RUN = re.compile(r"\s{2,}")


def normalise(text: str) -> str:
    """The normalised form of one text (quotes and sources alike)."""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return _WS.sub(" ", text).strip()


def normalise_expr(expr: pl.Expr) -> pl.Expr:
    """The same normalisation as `normalise`, as a polars expression (vectorised)."""
    expr = expr.str.normalize("NFC")
    expr = expr.str.replace_many(list(SUBSTITUTIONS), list(SUBSTITUTIONS.values()))
    return expr.str.replace_all(r"\s+", " ").str.strip_chars()


def normalise_series(values: pl.Series) -> pl.Series:
    """Normalise only the values that need it (most hand-typed quotes are plain ASCII)."""
    frame = pl.DataFrame({"v": values})
    needs = pl.col("v").str.contains(r"[^\x20-\x7e]|\s\s|^\s|\s$")
    return frame.select(pl.when(needs).then(normalise_expr(pl.col("v"))).otherwise(pl.col("v")).alias(values.name))[values.name]


class SourceText:
    """A stored source text with its normalised form and the map from normalised to stored offsets."""

    def __init__(self, text: str):
        self.text = text
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text:
            # composition changes lengths: map char by char (rare; seeds are stored NFC)
            self._init_slow(text)
            return
        sub = text.translate(_TABLE)
        keep = np.ones(len(sub), dtype=bool)
        for m in _WS_RUN.finditer(sub):
            keep[m.start() + 1 : m.end()] = False
        self.normalised = _WS.sub(" ", sub)
        self.index = np.flatnonzero(keep)
        assert len(self.index) == len(self.normalised)

    def _init_slow(self, text: str) -> None:
        out, index = [], []
        prev_space = False
        for i, ch in enumerate(text):
            for c in unicodedata.normalize("NFC", ch).translate(_TABLE):
                space = c.isspace()
                if space and prev_space:
                    continue
                out.append(" " if space else c)
                index.append(i)
                prev_space = space
        self.normalised = "".join(out)
        self.index = np.array(index, dtype=np.int64)

    def to_stored(self, start: int, end: int) -> tuple[int, int]:
        """Stored-text code-point offsets [start, end) of a normalised span."""
        return int(self.index[start]), int(self.index[end - 1]) + 1

    def char_offsets(self) -> np.ndarray:
        """For each UTF-8 byte offset of the normalised text, its code-point offset (polars finds bytes)."""
        raw = np.frombuffer(self.normalised.encode("utf-8"), dtype=np.uint8)
        starts = (raw & 0xC0) != 0x80
        return np.concatenate([[0], np.cumsum(starts)]).astype(np.int64)

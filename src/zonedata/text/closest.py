"""The passage of a text most like a quote that is not in it: a hint for the curator, never a match.

Used by validate (`quote-not-found`) and by `zonedata quote`, on the normalised text, so both show the
same passage for the same words.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter

import numpy as np
import polars as pl


def closest_passage(source: str, quote: str) -> str:
    """The passage of `source` most like `quote`: a hint for the curator, never a match.

    The passage is the first window of as many words as the quote with the highest
    difflib ratio. Exact ratios are computed only for windows whose upper bound (difflib's
    quick_ratio, from character counts, vectorised) can still beat the best one found.
    """
    words = source.split(" ")
    n = max(1, len(quote.split(" ")))
    n_windows = max(1, len(words) - n + 1)
    # window i is source[begin[i]:finish[i]]: the words are separated by single spaces
    word_len = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    word_start = np.concatenate([[0], np.cumsum(word_len + 1)[:-1]])
    last = np.minimum(np.arange(n_windows) + n, len(words)) - 1
    begin, finish = word_start[:n_windows], word_start[last] + word_len[last]
    # quick_ratio: 2 * (characters the window and the quote share, with multiplicity) / total length
    codes = np.frombuffer(source.encode("utf-32-le"), dtype=np.uint32)
    shared = np.zeros(n_windows, dtype=np.int64)
    for ch, k in Counter(quote).items():
        before = np.concatenate([[0], np.cumsum(codes == ord(ch))])
        shared += np.minimum(before[finish] - before[begin], k)
    total = (finish - begin) + len(quote)
    bound = np.where(total > 0, 2.0 * shared / np.maximum(total, 1), 1.0)
    best, best_ratio, best_i = "", 0.0, -1
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)
    for i in np.argsort(-bound, kind="stable"):
        if bound[i] < best_ratio - 1e-9:
            break  # no later window can reach the best ratio
        window = source[begin[i] : finish[i]]
        matcher.set_seq1(window)
        r = matcher.ratio()
        if r > best_ratio or (r == best_ratio and r > 0 and i < best_i):
            best, best_ratio, best_i = window, r, i
    return best


def word_differences(quote: str, passage: str, limit: int = 5) -> list[str]:
    """Where `quote` differs from `passage`, word by word, in the quote's order: at most `limit` phrases
    such as '"thrid" where the text has "third"' (both normalised, so only real differences show)."""
    q, p = quote.split(), passage.split()
    out = []
    matcher = difflib.SequenceMatcher(None, q, p, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        mine, theirs = " ".join(q[i1:i2]), " ".join(p[j1:j2])
        if op == "replace":
            out.append(f'"{mine}" where the text has "{theirs}"')
        elif op == "delete":
            out.append(f'"{mine}" is not in the text')
        elif op == "insert":
            out.append(f'the text has "{theirs}" here')
    if len(out) > limit:
        out = [*out[:limit], f"and {len(out) - limit} more"]
    return out


#: at most this many ids are compared one by one with a missing id; the rest are filtered out first
IDS_COMPARED = 2000


def closest_ids(value: str, ids: pl.Series, n: int = 3) -> list[str]:
    """The existing ids most like `value` (a dangling reference), best first: a hint, at most `n`.

    A vectorised pre-filter keeps the ids that share a word of `value` (its parts of three or more
    letters or digits) or its first three characters, and of those the `IDS_COMPARED` nearest in length
    (a partial selection, not a sort), so that a million ids cost a few polars passes and a bounded
    difflib comparison."""
    words = [w for w in re.split(r"[^0-9A-Za-z]+", value) if len(w) >= 3]
    ids = ids.drop_nulls().cast(pl.String)
    if ids.is_empty() or not value:
        return []
    keep = ids.str.starts_with(value[:3])
    if words:
        keep = keep | ids.str.contains_any(words, ascii_case_insensitive=True)
    frame = pl.DataFrame({"id": ids.filter(keep)})
    if frame.is_empty():
        return []
    gap = (pl.col("id").str.len_chars().cast(pl.Int64) - len(value)).abs()
    nearest = frame.with_columns(gap=gap).bottom_k(IDS_COMPARED, by=["gap", "id"]).sort("gap", "id")
    candidates = list(dict.fromkeys(nearest["id"].to_list()))
    near = difflib.get_close_matches(value, candidates, n=n, cutoff=0.6)
    if near or len(words) < 2:
        return near
    # a shortened id ("huayi-qinzhou-base"): the ids that hold every one of its words, nearest in length
    every = frame.filter(pl.all_horizontal([pl.col("id").str.contains(w, literal=True) for w in words]))
    return list(dict.fromkeys(every.with_columns(gap=gap).sort("gap", "id")["id"].head(n * 4).to_list()))[:n]


def did_you_mean(value: str, ids: pl.Series) -> str:
    """' (did you mean `a`?)' or ' (did you mean `a`, `b`?)' for a dangling id, or '' when nothing is close."""
    near = closest_ids(value, ids)
    return f" (did you mean {', '.join(f'`{x}`' for x in near)}?)" if near else ""

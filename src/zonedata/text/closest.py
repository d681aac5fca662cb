"""The passage of a text most like a quote that is not in it: a hint for the curator, never a match.

Used by validate (`quote-not-found`) and by `zonedata quote`, on the normalised text, so both show the
same passage for the same words.
"""

from __future__ import annotations

import difflib
from collections import Counter

import numpy as np


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

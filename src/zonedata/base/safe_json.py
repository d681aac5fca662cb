"""JSON from files a user controls, with a bound on nesting.

`json.loads` raises RecursionError (not a JSONDecodeError) on a text nested about a thousand levels
deep, and a structure a few hundred levels deep can still exhaust the stack later (copying,
comparing, dumping). No file zonedata reads needs more than a handful of levels, so anything
deeper than MAX_DEPTH is refused as a JSONDecodeError: every caller already turns that into a
finding or a configuration error with the file's name.
"""

from __future__ import annotations

import json

#: the deepest nesting accepted (a published descriptor needs about six levels)
MAX_DEPTH = 64


class TooDeep(json.JSONDecodeError):
    """A JSON text nested deeper than MAX_DEPTH (a JSONDecodeError, so callers report it as invalid JSON)."""


def loads(text: str | bytes):
    """`json.loads`, refusing a text nested deeper than MAX_DEPTH with TooDeep."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8")  # UnicodeDecodeError, as callers expect
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooDeep(
            f"nested too deeply (more than {MAX_DEPTH} levels of arrays or objects)", text, _deep_position(text)
        ) from None
    if isinstance(data, (list, dict)):
        stack = [(data, 1)]
        while stack:
            value, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise TooDeep(
                    f"nested too deeply (more than {MAX_DEPTH} levels of arrays or objects)", text, _deep_position(text)
                )
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return data


def _deep_position(text: str) -> int:
    """Where the nesting first goes deeper than MAX_DEPTH (brackets inside strings skipped), for the error's line."""
    depth, in_string, escaped = 0, False, False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return i
        elif ch in "]}":
            depth -= 1
    return 0

"""`zonedata quote` and the draft file: the sentences holding some words, and where a draft may be written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.curate.addsource import atomic_write
from zonedata.loading.dataset import confinement_findings
from zonedata.loading.schema import load_roles, load_schema
from zonedata.loading.seeds import load_texts
from zonedata.loading.tables import parse_table
from zonedata.text.closest import closest_passage, word_differences
from zonedata.text.normalise import SourceText, normalise
from zonedata.text.sentences import Span, find_sentences


def _texts(root: Path) -> dict[str, str]:
    """The stored texts alone: the sources table parsed without its Pandera checks (quote needs no more)."""
    paths = Paths(root)
    if not paths.schemas.is_dir():
        raise ConfigError(f"{root} has no schemas/ folder: is it a zonedata package? (pass --root)")
    escapes = confinement_findings(paths)
    if escapes:
        raise ConfigError("; ".join(f.message for f in escapes[:3]))
    paths, roles = load_roles(paths)
    if roles.sources is None:
        raise ConfigError('no schema declares "role": "sources": run `zonedata validate` for what to fix')
    table = parse_table(paths, load_schema(paths, roles.sources.table))
    return load_texts(paths.seeds, roles.sources.canonical(table.strings), {})


def _text(root: Path | str, source_id: str, words: str) -> str:
    if not normalise(words):
        raise ConfigError("give the words to look for")
    texts = _texts(Path(root))
    if source_id not in texts:
        raise ConfigError(
            f"no stored text for source {source_id!r} (the sources with a text: {', '.join(sorted(texts)) or 'none'})"
        )
    return texts[source_id]


def quote(root: Path | str, source_id: str, words: str) -> list[Span]:
    """The sentences of a stored source holding `words` (see `sentences.find_sentences`)."""
    return find_sentences(_text(root, source_id, words), words)


@dataclass(frozen=True)
class Closest:
    """The passage of a source most like words it does not hold (the same passage validate's
    quote-not-found shows), where it is stored, and the words that differ."""

    passage: Span
    differences: list[str]


def closest(root: Path | str, source_id: str, words: str) -> Closest | None:
    """The stored passage most like `words`, for when `quote` finds no sentence holding them."""
    text = _text(root, source_id, words)
    src, needle = SourceText(text), normalise(words)
    near = closest_passage(src.normalised, needle)
    at = src.normalised.find(near) if near else -1
    if at < 0:
        return None
    a, b = src.to_stored(at, at + len(near))
    return Closest(Span(a, b, text[a:b]), word_differences(needle, near))


def pasteable(stored: str) -> str:
    """A stored passage as a citation's quote: its white-space runs (a paragraph break inside the passage,
    a no-break space) as one space, which validate's normalisation reads as the stored text, so the
    line pasted into citations.csv validates; every other character as stored."""
    return " ".join(stored.split())


#: folders of the package that a draft file may not go into (what curators and builds own)
PROTECTED = ("data", "seeds", "schemas", "metadata", "releases", "docs", "src", ".git")


def _is_draft(path: Path) -> bool:
    """Whether an existing file is an earlier draft (text or JSON), which a new draft may replace."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError:
        return False
    # (a review page: zonedata.render.review.HEAD)
    return (
        head.startswith((b"# zonedata draft", b'{\n  "source_id"', b"<!DOCTYPE html>\n<!-- zonedata draft review"))
        or head == b""
    )


def write_draft(root: Path | str, out: Path | str, body: str, option: str = "--out") -> str:
    """Write the draft atomically to `out`, which must be inside the package root and outside the
    folders the package owns (data/, seeds/, schemas/, ...). Returns the path relative to the root."""
    paths = Paths(Path(root))
    base = paths.root.resolve()
    target = (Path.cwd() / out).resolve() if not Path(out).is_absolute() else Path(out).resolve()
    try:
        rel = target.relative_to(base)
    except ValueError:
        raise ConfigError(f"{option} {out}: the draft must go inside the package root {base}") from None
    if not rel.parts or rel.parts[0] in PROTECTED or target.is_dir() or any(p.startswith(".") for p in rel.parts):
        raise ConfigError(
            f"{option} {out}: not into {rel.parts[0] if rel.parts else '.'} (the draft is never written "
            "into data/raw or the package's own folders): give a file such as draft-NNN.csv"
        )
    if target.exists() and not _is_draft(target):
        raise ConfigError(f"{option} {out}: the file exists and is not a draft; a draft replaces only an earlier draft")
    if not target.parent.is_dir():
        raise ConfigError(f"{option} {out}: folder {target.parent} does not exist")
    try:
        atomic_write(target, body.encode("utf-8"))
    except OSError as exc:  # a read-only package, a full disk: nothing was written
        raise ConfigError(
            f"{option} {out}: cannot write the draft: {exc.strerror or exc}; nothing was written"
        ) from exc
    return rel.as_posix()

"""`zonedata draft`: candidate rows for a stored source text, for a curator to complete.

What the text states mechanically is drafted: one `statistics` row per number mention, read by
the number grammar (value as written, value, scale, unit, qualifier), with the period words of
its sentence resolved against the publication date where they can be, and a `citations` row
quoting the clause that states it; candidate parks, zones, projects, events and organisations
from their names, each with the sentence that names it; the mentions that look like dates,
page furniture or slogans as candidate coverage exclusions. Everything a reading needs
judgement for (ids, subject, indicator, label, basis and any other required field) is left as
a draft marker (`markers.FILL`) that `zonedata validate` reports, cell by cell, until filled.

Nothing here writes into data/raw: the draft is a separate file the curator copies from.
Mentions and names already accounted for (recorded or excluded, as `zonedata coverage` sees
them) are skipped, so a finished source drafts nothing new. Columns come from the schemas, so
the draft follows the tables as they are.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.base.findings import ConfigError
from zonedata.checks.coverage import coverage
from zonedata.checks.markers import FILL, id_marker
from zonedata.curate.draft.figures import _SUPERLATIVE, _exclusion_reason, _kinds, _unit, _value
from zonedata.curate.draft.names import NameCandidate, name_candidates
from zonedata.curate.draft.periods import Period, find_periods
from zonedata.loading.dataset import Dataset, load_dataset
from zonedata.loading.exclusions import exclusions_schema
from zonedata.text.normalise import SourceText, normalise
from zonedata.text.sentences import Span, clauses, sentence_at, sentences

STATISTICS, CITATIONS = "statistics", "citations"
#: the draft's tables, in the order they are written; a table without a schema is drafted as names only
NAME_TABLES = ("parks", "projects", "events", "regions", "organisations")
#: the tag of each table's draft ids: FILL:stat-1, FILL:park-1, ...
TAGS = {
    "statistics": "stat-",
    "parks": "park-",
    "projects": "project-",
    "events": "event-",
    "regions": "region-",
    "organisations": "organisation-",
}


# --------------------------------------------------------------------------- the draft


@dataclass
class Draft:
    """Candidate rows by destination file (relative to the root), each a list of dicts in schema order."""

    source_id: str
    file: str
    columns: dict[str, list[str]] = field(default_factory=dict)  # destination -> header
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(self.rows.values())

    def to_dict(self) -> dict:
        return {
            "source_id": self.source_id,
            "file": self.file,
            "notes": self.notes,
            "tables": {dest: {"columns": self.columns[dest], "rows": rows} for dest, rows in self.rows.items() if rows},
            "left_to_fill": self.left_to_fill(),
        }

    def left_to_fill(self) -> int:
        return sum(1 for rows in self.rows.values() for r in rows for v in r.values() if _is_marker(v))

    def to_text(self) -> str:
        """Sections of CSV, one per destination file: the header, then the candidate rows to append."""
        if self.empty:
            return ""
        out = io.StringIO()
        out.write(
            f"# zonedata draft of source {self.source_id} ({self.file}): candidates, not data.\n"
            f"# Delete the rows you do not accept; fill every cell that says {FILL} ({self.left_to_fill()} left:\n"
            f"# `zonedata validate` lists each one); give each record its id in place of FILL:xN, the same in\n"
            "# its citations; then append each section's rows (without its header) to the file it names.\n"
        )
        for note in self.notes:
            out.write(f"# {note}\n")
        for dest, rows in self.rows.items():
            if not rows:
                continue
            out.write(f"\n## {dest} ({len(rows)})\n")
            w = csv.DictWriter(out, fieldnames=self.columns[dest], lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            w.writerows(rows)
        return out.getvalue()


def _is_marker(value: str) -> bool:
    return value == FILL or value.startswith(FILL + ":")


def _row(schema, values: dict[str, str]) -> dict[str, str]:
    """A raw row of `schema` in its column order: the drafted values, FILL in every other required field."""
    return {f.name: values.get(f.name, FILL if f.required else "") for f in schema.raw_fields}


def draft(root: Path | str, source_id: str, *, skip_recorded: bool = True, ds: Dataset | None = None) -> Draft:
    """The draft of one stored source: candidate rows for what the text states, nothing accepted.

    With `skip_recorded` (the default), mentions that coverage finds recorded or excluded and names
    that a record already holds are left out. Raises ConfigError for an unknown source."""
    from zonedata.text.numbers import parse_mentions

    root = Path(root)
    ds = ds if ds is not None else _load(root)
    texts = ds.texts
    if source_id not in texts:
        known = ", ".join(sorted(texts)) or "none"
        raise ConfigError(
            f"no stored text for source {source_id!r} (the sources with a text: {known}); "
            "add it with `zonedata add-source`"
        )
    text = texts[source_id]
    src = ds.tables.get("sources")
    meta: dict = {}
    if src is not None and not src.lacks("source_id"):
        rows = src.strings.filter(src.strings["source_id"] == source_id).to_dicts()
        meta = rows[0] if rows else {}
    published = None
    try:
        published = dt.date.fromisoformat(meta.get("date_published") or "")
    except ValueError:
        pass
    external = meta.get("external_fields") or ""
    basis_of_date = "external" if "date_published" in external else "dateline"
    out = Draft(source_id, f"seeds/{meta.get('file') or ''}")
    if published is None:
        out.notes.append("the source has no date_published: relative periods ('this year') are left unresolved")

    spans = sentences(text)
    names = name_candidates(text, spans)
    mentions = parse_mentions(text)
    accounted: set[int] = set()
    excluded_spans: list[tuple[str, int, int]] = []
    if skip_recorded:
        cov = coverage(root, ds)
        excluded_spans = cov.exclusions.select("source_id", "start", "end").rows()
        done = cov.mentions.filter((cov.mentions["source_id"] == source_id) & (cov.mentions["status"] != "unaccounted"))
        accounted = set(done["start"].to_list())
    normalised = SourceText(text)

    occurrences = _Occurrences(normalised.normalised)

    def unique_quote(span: Span, sentence: Span) -> Span:
        """The clause, or its sentence when the clause is not unique in the text."""
        for cand in (span, sentence):
            q = normalise(cand.text or text[cand.start : cand.end])
            if occurrences.count(q, 2) == 1:
                return Span(cand.start, cand.end, text[cand.start : cand.end])
        return Span(sentence.start, sentence.end, text[sentence.start : sentence.end])

    stats_schema = ds.schemas.get(STATISTICS)
    cites_schema = ds.schemas.get(CITATIONS)
    cite_tables = (
        set(cites_schema.field("record_table").constraints.get("enum", []))
        if cites_schema and "record_table" in cites_schema.raw_names
        else set()
    )
    dest_cites = ds.file(CITATIONS)
    dest_excl = ds.paths.rel(ds.paths.coverage_exclusions)
    for dest, schema in (
        (ds.file(STATISTICS), stats_schema),
        *((ds.file(t), ds.schemas.get(t)) for t in NAME_TABLES),
        (dest_cites, cites_schema),
    ):
        if schema is not None:
            out.columns[dest] = schema.raw_names
            out.rows[dest] = []
    out.columns[dest_excl] = exclusions_schema(ds.paths).raw_names
    out.rows[dest_excl] = []

    def cite(table: str, rid: str, quote: Span) -> None:
        if cites_schema is None:
            return
        out.rows[dest_cites].append(
            _row(cites_schema, {"record_table": table, "record_id": rid, "source_id": source_id, "quote": quote.text})
        )

    # ---- statistics and exclusions
    basis_enum = (
        stats_schema.field("period_basis").constraints.get("enum", [])
        if stats_schema and "period_basis" in stats_schema.raw_names
        else []
    )
    excluded_phrases: set[str] = set()
    # a name lies inside the sentence it was found in: the names a mention can be part of are its sentence's
    names_in: dict[int, list[NameCandidate]] = {}
    for cand in names:
        covering = sentence_at(spans, cand.start, cand.end)
        if covering is not None:
            names_in.setdefault(covering.start, []).append(cand)
    by_sentence: dict[int, list] = {}
    for mention in mentions:
        if mention.start in accounted:
            continue
        sentence = sentence_at(spans, mention.start, mention.end)
        if sentence is None:
            continue
        sentence = Span(sentence.start, sentence.end, text[sentence.start : sentence.end])
        why = _exclusion_reason(text, mention, sentence, names_in.get(sentence.start, []))
        if why is not None:
            phrase, reason = why
            key = normalise(phrase)
            if key and key not in excluded_phrases:
                excluded_phrases.add(key)
                out.rows[dest_excl].append({"source_id": source_id, "phrase": phrase, "reason": reason})
            continue
        by_sentence.setdefault(sentence.start, []).append((mention, sentence))
    rank_spans = _rank_spans(ds, source_id) if skip_recorded else {}
    n_stat = 0
    newlines = [m.start() for m in re.finditer("\n", text)]
    carry: tuple[Period, Span] | None = None  # the last period words of the paragraph, for the sentences after them
    for sentence in spans:
        if carry is not None and bisect.bisect_left(newlines, carry[1].end) < bisect.bisect_left(
            newlines, sentence.start
        ):
            carry = None  # a new paragraph
        periods = find_periods(text, sentence, published)
        group = by_sentence.get(sentence.start, [])
        inside = [m for m, _ in group if any(p.span.start <= m.start and m.end <= p.span.end for p in periods)]
        figures = [m for m, _ in group if m not in inside]
        usable = periods
        if not figures:  # the period words are the only numbers: draft them as figures themselves
            figures, usable = inside, []
        for mention in figures:
            unit, extra = _unit(mention, text[mention.end : sentence.end])
            value_text = text[mention.start : mention.end + extra]
            clause = next((c for c in clauses(text, sentence) if c.start <= mention.start < c.end), sentence)
            period, quote_span = None, clause
            if usable:
                period = min(
                    usable, key=lambda p: min(abs(p.span.start - mention.end), abs(mention.start - p.span.end))
                )
                if not (clause.start <= period.span.start and period.span.end <= clause.end):
                    quote_span = sentence
            elif carry is not None:
                period = carry[0]
                quote_span = Span(carry[1].start, sentence.end, "")
            quote = unique_quote(quote_span, sentence)
            n_stat += 1
            rid = id_marker(TAGS[STATISTICS], n_stat)
            values = {
                "statistic_id": rid,
                "value_text": value_text,
                "value": _value(mention),
                "scale": mention.scale_word or "",
                "unit": unit,
                "qualifier": mention.qualifier,
            }
            values.update(_kinds(stats_schema, unit, period))
            if period is not None:
                values["period_text"] = period.span.text
                if period.end is not None:
                    values["period_start"] = period.start.isoformat() if period.start else ""
                    values["period_end"] = period.end.isoformat()
                    pbasis = "stated" if period.stated else basis_of_date
                    if pbasis in basis_enum:
                        values["period_basis"] = pbasis
            if stats_schema is not None:
                out.rows[ds.file(STATISTICS)].append(_row(stats_schema, values))
                cite(STATISTICS, rid, quote)
        for m in _SUPERLATIVE.finditer(text, sentence.start, sentence.end):
            a, b = m.start(1), m.end(1)
            if (
                re.search(r"\bone of (?:the|its|their)\s*$", text[max(sentence.start, m.start() - 12) : m.start() + 4])
                or re.match(r"\s+(?:[a-z]+(?:ent|ive|able|ible|ful|al|ous|ic|ant|ed)\b|and\b|of\b)", text[b : b + 30])
                or any(qa <= a and b <= qb for qa, qb in rank_spans.get(m.group(1).lower(), ()))
            ):
                continue  # "one of the largest" is no rank; a rank already recorded is skipped
            clause = next((c for c in clauses(text, sentence) if c.start <= a < c.end), sentence)
            n_stat += 1
            rid = id_marker(TAGS[STATISTICS], n_stat)
            if stats_schema is not None:
                out.rows[ds.file(STATISTICS)].append(
                    _row(
                        stats_schema,
                        {
                            "statistic_id": rid,
                            "value_text": text[a:b],
                            "value": "1",
                            "scale": "",
                            "unit": "rank",
                            "qualifier": "exact",
                            **_kinds(stats_schema, "rank", None),
                        },
                    )
                )
                cite(STATISTICS, rid, unique_quote(clause, sentence))
        if periods and not group:
            # period words that open a paragraph ("From January to July this year, ...") hold for the
            # sentences after them that have none of their own
            carry = (periods[-1], sentence)
        elif group:
            carry = carry if not periods else None

    # ---- names
    recorded = _recorded_names(ds)
    recorded_spans = _spans_of(normalised, recorded)
    # a phrase the curator excluded ("Two Countries, Twin Parks": a model, not a park) hides every name it touches
    excluded_merged = _merged([(a, b) for sid, a, b in excluded_spans if sid == source_id]) if skip_recorded else []
    written = _recorded_text(ds)
    recorded_sorted = sorted(recorded_spans)
    longest = max((b - a for a, b in recorded_sorted), default=0)

    def hidden_by_recorded(start: int, end: int) -> bool:
        """Whether a recorded name's occurrence holds the candidate, crosses its edge or ends it (a longer
        form of a recorded name: "Nanning of Guangxi Zhuang Autonomous Region"); a candidate that holds a
        recorded name before its own head ("Sample Nanning Digital Park" holds "Nanning") is a new name."""
        i = bisect.bisect_left(recorded_sorted, (start - longest, -1))
        for a, b in recorded_sorted[i : bisect.bisect_left(recorded_sorted, (end, -1))]:
            if a < end and start < b:
                if (
                    not (start <= a and b < end)
                    or re.search(r"\band\b", text[start:end])
                    or re.search(r"\bof\b", text[start:a])
                ):
                    return True  # (after "of" or with an "and", a recorded name is more likely a part of two)
        return False

    counters: dict[str, int] = {}
    for cand in names:
        if skip_recorded and (
            normalise(cand.name).lower() in recorded
            or normalise(cand.name).lower() in written
            or _overlaps(excluded_merged, cand.start, cand.end)
            or hidden_by_recorded(cand.start, cand.end)
        ):
            continue
        schema = ds.schemas.get(cand.table)
        sentence = Span(cand.sentence.start, cand.sentence.end, text[cand.sentence.start : cand.sentence.end])
        if schema is None:
            note = f"{cand.table} (no schemas/{cand.table}.json in this package: a name to note)"
            out.columns.setdefault(note, ["name", "quote"])
            out.rows.setdefault(note, []).append({"name": cand.name, "quote": sentence.text})
            continue
        counters[cand.table] = counters.get(cand.table, 0) + 1
        rid = id_marker(TAGS.get(cand.table, cand.table), counters[cand.table])
        pk = schema.primary_key[0] if len(schema.primary_key) == 1 else None
        values = {"name": cand.name}
        if pk:
            values[pk] = rid
        if "name_is_label" in schema.raw_names:
            values["name_is_label"] = "false"
        out.rows[ds.file(cand.table)].append(_row(schema, values))
        if cand.table in cite_tables and pk:
            cite(cand.table, rid, unique_quote(sentence, sentence))
    # the citations after the records they cite
    if dest_cites in out.rows:
        out.rows[dest_cites] = out.rows.pop(dest_cites)
    out.rows[dest_excl] = out.rows.pop(dest_excl)
    return out


def _load(root: Path):
    """The dataset, or a ConfigError when a path of the package leads out of it (nothing is read then)."""
    ds = load_dataset(root)
    if ds.refused:
        raise ConfigError("; ".join(f.message for f in ds.findings[:3]))
    return ds


def _rank_spans(ds, source_id: str) -> dict[str, list[tuple[int, int]]]:
    """value_text (lower case) -> stored quote spans in the source of the recorded rank statistics."""
    stats, located = ds.tables.get(STATISTICS), ds.located
    if stats is None or located is None or stats.lacks("statistic_id", "unit", "value_text"):
        return {}
    ranks = dict(stats.strings.filter(stats.strings["unit"] == "rank").select("statistic_id", "value_text").iter_rows())
    out: dict[str, list[tuple[int, int]]] = {}
    frame = located.frame.filter(
        (located.frame["record_table"] == STATISTICS) & (located.frame["source_id"] == source_id)
    )
    for rid, a, b in frame.select("record_id", "quote_start", "quote_end").iter_rows():
        if rid in ranks and a is not None:
            out.setdefault((ranks[rid] or "").lower(), []).append((a, b))
    return out


def _recorded_text(ds) -> str:
    """The text cells of every record that hold names (names, aliases, sponsors, organisers, publishers),
    normalised and lower-cased, one per line: a name written there is one the curator has seen."""
    cells: list[str] = []
    for name, table in ds.tables.items():
        frame = table.strings
        if name == CITATIONS:
            continue
        for col in frame.columns:
            # names, sponsors, organisers, publishers: not titles, labels, notes or words quoted from a text
            if col in ("title", "label", "notes", "note") or col.endswith("_text"):
                continue
            if frame[col].dtype == pl.String:
                cells.extend(v for v in frame[col].drop_nulls().to_list())
    return "\n".join(normalise(c).lower() for c in cells)


def _recorded_names(ds) -> set[str]:
    """Every name and alias a record holds, normalised and lower-cased."""
    names: set[str] = set()
    for table in ds.tables.values():
        frame = table.strings
        for col in ("name", "aliases"):
            if col in frame.columns:
                delimiter = table.schema.field(col).descriptor.get("delimiter", "; ")
                for v in frame[col].drop_nulls().to_list():
                    parts = (
                        [v]
                        if col == "name"
                        else [p.strip() for p in v.split(delimiter.strip() or delimiter) if p.strip()]
                    )
                    names.update(normalise(p).lower() for p in parts)
    return {n for n in names if n}


def _spans_of(src: SourceText, names: set[str]) -> list[tuple[int, int]]:
    """Stored spans of every occurrence of the recorded names in the text (case-insensitive)."""
    hay = src.normalised.lower()
    out = []
    for n in names:
        i = hay.find(n)
        while i >= 0:
            out.append(src.to_stored(i, i + len(n)))
            i = hay.find(n, i + 1)
    return out


class _Occurrences:
    """How often a string occurs in a text, without scanning the whole text for each string: each
    word of the text indexed by where it starts, and a string checked only where its rarest inner
    word stands (an inner word, bounded by non-word characters inside the string, is a whole word
    at every occurrence). Strings with no inner word are searched for plainly."""

    _WORD = re.compile(r"\w+")

    def __init__(self, text: str) -> None:
        self.text = text
        self.at: dict[str, list[int]] = {}
        for m in self._WORD.finditer(text):
            self.at.setdefault(m.group(), []).append(m.start())

    def count(self, q: str, limit: int) -> int:
        """The number of (possibly overlapping) occurrences of q, counted up to `limit`."""
        if not q:
            return 0
        inner = [(m.group(), m.start()) for m in self._WORD.finditer(q) if m.start() > 0 and m.end() < len(q)]
        if not inner:
            n, i = 0, self.text.find(q)
            while i >= 0 and n < limit:
                n, i = n + 1, self.text.find(q, i + 1)
            return n
        word, offset = min(inner, key=lambda w: len(self.at.get(w[0], ())))
        n = 0
        for pos in self.at.get(word, ()):
            if pos >= offset and self.text.startswith(q, pos - offset):
                n += 1
                if n >= limit:
                    break
        return n


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans sorted and with overlapping ones merged, for `_overlaps`."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _overlaps(merged: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of the merged spans (a < end and start < b)."""
    i = bisect.bisect_right(merged, (end, -1)) - 1  # the last span starting before end
    return i >= 0 and merged[i][1] > start

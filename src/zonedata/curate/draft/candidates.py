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
from typing import Any

import polars as pl

from zonedata.base.findings import ConfigError
from zonedata.checks.coverage import coverage
from zonedata.checks.markers import FILL, GUESS, guess, id_marker
from zonedata.curate.draft.figures import _SUPERLATIVE, _exclusion_reason, _kinds, _unit, _value
from zonedata.curate.draft.names import NameCandidate, name_candidates
from zonedata.curate.draft.periods import NOT_CARRIED, Period, find_periods
from zonedata.curate.draft.settle import attribution, basis, is_yoy_growth, session_number
from zonedata.loading.dataset import Dataset, load_dataset
from zonedata.loading.exclusions import exclusions_schema
from zonedata.text.normalise import SourceText, normalise
from zonedata.text.sentences import Span, clauses, sentence_at, sentences

#: the tag of the figures' draft ids (FILL:stat-1); each name table's is its singular: FILL:park-1, ...
FIGURES_TAG = "stat-"


def name_tables(ds: Dataset) -> tuple[str, ...]:
    """The tables the draft proposes names for, in the order they are written: those of the dataset's name
    patterns (metadata/vocabulary/names.csv), in the file's order; a table without a schema is drafted as
    names only."""
    return tuple(dict.fromkeys(p.table for p in ds.vocabulary.names))


def tag(table: str) -> str:
    """The tag of a name table's draft ids: its singular (parks -> park-, entities -> entity-)."""
    stem = table[:-3] + "y" if table.endswith("ies") else table[:-1] if table.endswith("s") else table
    return f"{stem or table}-"


# --------------------------------------------------------------------------- the draft


@dataclass(frozen=True)
class Mark:
    """Where a candidate stands in the text: words [start, end) of the stored text, what they are
    (figure, period, basis, attribution, link, name, exclusion) and the drafted row they give
    (`rows[dest][index]`), for the review page."""

    start: int
    end: int
    kind: str
    dest: str
    index: int


@dataclass
class Draft:
    """Candidate rows by destination file (relative to the root), each a list of dicts in schema order."""

    source_id: str
    file: str
    columns: dict[str, list[str]] = field(default_factory=dict)  # destination -> header
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)  # every candidate where it stands

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
    return value == FILL or value.startswith((FILL + ":", GUESS))


def _row(schema, values: dict[str, str]) -> dict[str, str]:
    """A raw row of `schema` in its column order: the drafted values, FILL in every other required field."""
    return {f.name: values.get(f.name, FILL if f.required else "") for f in schema.raw_fields}


def draft(root: Path | str, source_id: str, *, skip_recorded: bool = True, ds: Dataset | None = None) -> Draft:
    """The draft of one stored source: candidate rows for what the text states, nothing accepted.

    With `skip_recorded` (the default), mentions that coverage finds recorded or excluded and names
    that a record already holds are left out. Raises ConfigError for an unknown source."""
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
    src = ds.role_frame("sources", strings=True)
    meta: dict = {}
    if src is not None and not ds.role_lacks("sources", "source_id"):
        rows = src.filter(src["source_id"] == source_id).to_dicts()
        meta = rows[0] if rows else {}
    figures_t, citations_t = ds.roles.table("figures") or "", ds.roles.table("citations") or ""
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
    names = name_candidates(text, spans, ds.vocabulary.names)
    mentions = ds.grammar.parse_mentions(text)
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

    stats_schema = ds.schemas.get(figures_t)
    cites_schema = ds.schemas.get(citations_t)
    cite_tables = (
        set(cites_schema.field("record_table").constraints.get("enum", []))
        if cites_schema and "record_table" in cites_schema.raw_names
        else set()
    )
    dest_cites = ds.file(citations_t)
    dest_excl = ds.paths.rel(ds.paths.coverage_exclusions)
    for dest, schema in (
        (ds.file(figures_t), stats_schema),
        *((ds.file(t), ds.schemas.get(t)) for t in name_tables(ds)),
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
        row = {"record_table": table, "record_id": rid, "source_id": source_id, "quote": quote.text}
        role = ds.roles.citations  # the role's fields by this table's names (`roleFields`)
        out.rows[dest_cites].append(_row(cites_schema, {role[k] if role else k: v for k, v in row.items()}))

    links = _links_table(ds)
    if links is not None:
        out.columns[ds.file(links.table)] = links.schema.raw_names
        out.rows[ds.file(links.table)] = []
        if dest_cites in out.rows:  # (the citations after the records they cite)
            out.rows[dest_cites] = out.rows.pop(dest_cites)

    # ---- the names first: their draft ids are the subjects and links of the figures
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

    kept: list[tuple[NameCandidate, str]] = []  # (candidate, its draft id)
    counters: dict[str, int] = {}
    for cand in names:
        if skip_recorded and (
            normalise(cand.name).lower() in recorded
            or normalise(cand.name).lower() in written
            or _overlaps(excluded_merged, cand.start, cand.end)
            or hidden_by_recorded(cand.start, cand.end)
        ):
            continue
        if ds.schemas.get(cand.table) is not None:
            counters[cand.table] = counters.get(cand.table, 0) + 1
        kept.append((cand, id_marker(tag(cand.table), counters.get(cand.table, 0))))
    # every record the text names, drafted or recorded, where it stands: (start, end, table, id)
    named = sorted(
        [
            (a, b, c.table, rid)
            for c, rid in kept
            if ds.schemas.get(c.table) is not None
            for a, b in _spans_of(normalised, {normalise(c.name).lower()})
        ]
        + _recorded_occurrences(ds, normalised)
    )
    subject_enum = _enum(stats_schema, "subject_table")
    # an ordinal that opens an event's name ("the 3rd China-ASEAN Digital Forum") is its session number
    event_tables = _event_tables(ds)
    sessions = {a for a, b, t, _ in named if t in event_tables and session_number(text[a:b])}
    stats_names = set(stats_schema.raw_names) if stats_schema is not None else set()
    basis_values, indicators = set(_enum(stats_schema, "basis")), set(_enum(stats_schema, "indicator"))
    #: the units a figure may be recorded in: a unit the vocabulary only reads ("6 square kilometers" with no
    #: `normalised` in units.csv) is left to the curator, not drafted as a value validate refuses
    recorded_units = set(_enum(stats_schema, "unit"))
    speaker_table = _fk_target(stats_schema, "stated_by_organisation_id")
    # the records of the subject tables by the last word of their name ("the park" -> the parks named)
    by_head: dict[str, list[tuple[int, str, str]]] = {}
    for a, b, t, rid in named:
        if t in subject_enum and b > a:
            by_head.setdefault(text[a:b].lower().split()[-1], []).append((a, t, rid))

    # ---- statistics and exclusions
    basis_enum = _enum(stats_schema, "period_basis")
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
        if mention.kind == "ordinal" and mention.start in sessions:
            continue  # the event's session_number, drafted with the event
        sentence = sentence_at(spans, mention.start, mention.end)
        if sentence is None:
            continue
        sentence = Span(sentence.start, sentence.end, text[sentence.start : sentence.end])
        why = _exclusion_reason(text, mention, sentence, names_in.get(sentence.start, []))
        if why is None and _headline(text, mention.start):
            why = (
                text[mention.start : mention.end],
                "candidate: in the headline, which restates a figure of the text; keep it if the text does not",
            )
        if why is not None:
            phrase, reason = why
            key = normalise(phrase)
            if key and key not in excluded_phrases:
                excluded_phrases.add(key)
                out.rows[dest_excl].append({"source_id": source_id, "phrase": phrase, "reason": reason})
            if key in excluded_phrases:
                index = next(i for i, r in enumerate(out.rows[dest_excl]) if normalise(r["phrase"]) == key)
                out.marks.append(Mark(mention.start, mention.end, "exclusion", dest_excl, index))
            continue
        by_sentence.setdefault(sentence.start, []).append((mention, sentence))
    rank_spans = _rank_spans(ds, source_id) if skip_recorded else {}
    n_stat = 0
    n_link = 0
    newlines = [m.start() for m in re.finditer("\n", text)]
    carry: tuple[Period, Span] | None = None  # the last period words of the paragraph, for the sentences after them

    def period_values(period: Period | None, read) -> dict[str, str]:
        """The period fields a figure's period words give: the words, the dates they fix, their basis."""
        values: dict[str, str] = {}
        if period is not None:
            values["period_text"] = period.span.text
            if period.end is not None:
                values["period_start"] = period.start.isoformat() if period.start else ""
                values["period_end"] = period.end.isoformat()
                if period.ahead and (read is None or not read.settled or read.value not in ("planned", "expected")):
                    values["period_end"] = guess(period.end.isoformat())  # a target, if it is one
                if period.kind == "weekday":  # the week of "on Monday" is the text's own, as a guess
                    values["period_start"], values["period_end"] = (
                        guess(values["period_start"]),
                        guess(values["period_end"]),
                    )
                pbasis = "stated" if period.stated else basis_of_date
                if pbasis in basis_enum:
                    values["period_basis"] = pbasis
        return values

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
            # (a year is no period of itself; a duration, "for three consecutive years", is up to the text's date)
            figures, usable = inside, [p for p in periods if p.kind == "consecutive"]
        said = attribution(text, sentence)
        drafted: list[tuple[str, str, int]] = []  # (draft id, unit, start) of this sentence's figures
        rates = sum(1 for m in figures if is_yoy_growth(text, m.start, m.end))  # the growth rates it gives
        growth_seen = 0
        for mention in figures:
            unit, extra = _unit(mention, text[mention.end : sentence.end])
            value_text = text[mention.start : mention.end + extra]
            clause = next((c for c in clauses(text, sentence) if c.start <= mention.start < c.end), sentence)
            period, quote_span = None, clause
            if usable:
                # the period words of the figure's own clause, else the nearest in the sentence
                own = [p for p in usable if clause.start <= p.span.start and p.span.end <= clause.end]
                period = min(
                    own or usable,
                    key=lambda p: min(abs(p.span.start - mention.end), abs(mention.start - p.span.end)),
                )
                if not (clause.start <= period.span.start and period.span.end <= clause.end):
                    quote_span = sentence
            elif carry is not None:
                period = carry[0]
                quote_span = Span(carry[1].start, sentence.end, "")
            if said is not None and not (quote_span.start <= said.start and said.end <= quote_span.end):
                quote_span = sentence  # the quote holds the words that say who states the figure
            quote = unique_quote(quote_span, sentence)
            n_stat += 1
            rid = id_marker(FIGURES_TAG, n_stat)
            values = {
                "statistic_id": rid,
                "value_text": value_text,
                "value": _value(mention),
                "scale": mention.scale_word or "",
                "unit": unit if not recorded_units or unit in recorded_units else FILL,
                "qualifier": mention.qualifier,
            }
            values.update(_kinds(stats_schema, unit, period))
            read = basis(text, clause, unit, at=mention.start)
            if read is not None and read.value in basis_values:
                values["basis"] = read.value if read.settled else guess(read.value)
            values.update(period_values(period, read))
            growth = unit == "%" and is_yoy_growth(text, mention.start, mention.end)
            if growth and "growth_rate_yoy" in indicators:
                values["indicator"] = "growth_rate_yoy"
            if said is not None and "attribution_text" in stats_names:
                values["attribution_text"] = said.text if said.settled else guess(said.text)
                who = _record_named(named, said.start, said.end, speaker_table)
                if who is not None and "stated_by_organisation_id" in stats_names:
                    values["stated_by_organisation_id"] = who[1]
            subject = _subject(named, by_head, sentence, clause, mention.start, subject_enum, text)
            if subject is not None and stats_schema is not None:
                (table, sid_), settled = subject
                values["subject_table"] = table if settled else guess(table)
                values["subject_id"] = sid_ if settled else guess(sid_)
            if stats_schema is not None:
                index = len(out.rows[ds.file(figures_t)])
                out.rows[ds.file(figures_t)].append(_row(stats_schema, values))
                cite(figures_t, rid, quote)
                dest = ds.file(figures_t)
                out.marks.append(Mark(mention.start, mention.end + extra, "figure", dest, index))
                if period is not None:
                    out.marks.append(Mark(period.span.start, period.span.end, "period", dest, index))
                if read is not None and "basis" in values and read.start >= 0:
                    out.marks.append(Mark(read.start, read.end, "basis", dest, index))
                if "attribution_text" in values and said is not None:
                    out.marks.append(Mark(said.start, said.end, "attribution", dest, index))
            if growth and links is not None:
                base = next((d for d in reversed(drafted) if d[1] != "%"), None)
                if rates > 1 and re.search(r"\brespectively\b", sentence.text or ""):
                    # "A and B respectively, an increase of 10% and 6% year-on-year": the rates in order
                    amounts = [d for d in drafted if d[1] != "%"][-rates:]
                    base = amounts[growth_seen] if len(amounts) == rates else None
                growth_seen += 1
                if base is not None:
                    n_link += 1
                    lid = id_marker(links.tag, n_link)
                    out.marks.append(
                        Mark(
                            mention.start,
                            mention.end + extra,
                            "link",
                            ds.file(links.table),
                            len(out.rows[ds.file(links.table)]),
                        )
                    )
                    out.rows[ds.file(links.table)].append(
                        _row(
                            links.schema,
                            {links.pk: lid, links.left: rid, "relation": "growth_rate_of", links.right: base[0]},
                        )
                    )
                    if links.table in cite_tables:
                        cite(links.table, lid, unique_quote(sentence, sentence))
            drafted.append((rid, unit, mention.start))
        for m in _SUPERLATIVE.finditer(text, sentence.start, sentence.end):
            a, b = m.start(1), m.end(1)
            if (
                re.search(r"\bone of (?:the|its|their)\s*$", text[max(sentence.start, m.start() - 12) : m.start() + 4])
                or re.match(
                    r"\s+(?:(?![a-z]*ment\b)[a-z]+(?:ent|ive|able|ible|ful|al|ous|ic|ant|ed)\b|and\b|of\b)",
                    text[b : b + 30],
                )
                or any(qa <= a and b <= qb for qa, qb in rank_spans.get(m.group(1).lower(), ()))
            ):
                continue  # "one of the largest" is no rank; a rank already recorded is skipped
            clause = next((c for c in clauses(text, sentence) if c.start <= a < c.end), sentence)
            n_stat += 1
            rid = id_marker(FIGURES_TAG, n_stat)
            # a rank holds for the period words of its own clause ("for three consecutive years")
            own = [p for p in periods if clause.start <= p.span.start and p.span.end <= clause.end]
            rank_period = min(own, key=lambda p: abs(p.span.start - a)) if own else None
            rank_read = basis(text, clause, "rank", at=a)
            if stats_schema is not None:
                index = len(out.rows[ds.file(figures_t)])
                out.marks.append(Mark(a, b, "figure", ds.file(figures_t), index))
                if rank_period is not None:
                    out.marks.append(
                        Mark(rank_period.span.start, rank_period.span.end, "period", ds.file(figures_t), index)
                    )
                rank_values = {
                    "statistic_id": rid,
                    "value_text": text[a:b],
                    "value": "1",
                    "scale": "",
                    "unit": "rank",
                    "qualifier": "exact",
                    **_kinds(stats_schema, "rank", rank_period),
                    **period_values(rank_period, rank_read),
                }
                if rank_read is not None and rank_read.value in basis_values:
                    rank_values["basis"] = rank_read.value if rank_read.settled else guess(rank_read.value)
                out.rows[ds.file(figures_t)].append(_row(stats_schema, rank_values))
                cite(figures_t, rid, unique_quote(clause, sentence))
        carried = [p for p in periods if p.kind not in NOT_CARRIED]
        opens = bool(carried) and carried[0].span.start - sentence.start <= 1
        if carried and not group:
            # period words that open a paragraph ("From January to July this year, ...") hold for the
            # sentences after them that have none of their own
            carry = (carried[-1], sentence)
        elif opens and (sentence.start == 0 or text[sentence.start - 1] == "\n"):
            carry = (carried[0], sentence)  # "In 2024, the zones ... 1.26 trillion yuan. Investment reached ..."
        elif group:
            carry = carry if not periods else None

    # ---- names
    series = {normalise(c.name).lower(): rid for c, rid in kept if c.table in event_tables}
    for cand, rid in kept:
        schema = ds.schemas.get(cand.table)
        sentence = Span(cand.sentence.start, cand.sentence.end, text[cand.sentence.start : cand.sentence.end])
        if schema is None:
            note = f"{cand.table} (no schemas/{cand.table}.json in this package: a name to note)"
            out.columns.setdefault(note, ["name", "quote"])
            out.rows.setdefault(note, []).append({"name": cand.name, "quote": sentence.text})
            continue
        pk = schema.primary_key[0] if len(schema.primary_key) == 1 else None
        values = {"name": cand.name}
        if pk:
            values[pk] = rid
        if "name_is_label" in schema.raw_names:
            values["name_is_label"] = "false"
        head = cand.name.split()[-1].lower()
        if head in _enum(schema, "kind"):
            values["kind"] = head  # "... Forum" is a forum
        if "session_number" in schema.raw_names:
            number = session_number(cand.name)
            rest = cand.name.split(" ", 1)[1] if number else ""
            if number:
                values["session_number"] = str(number)
                values["is_series"] = "false"
                parent = series.get(normalise(rest).lower()) or _recorded_id(ds, cand.table, rest)
                if parent and "series_event_id" in schema.raw_names:
                    values["series_event_id"] = parent
            elif "is_series" in schema.raw_names and any(
                session_number(c.name) and normalise(c.name.split(" ", 1)[1]).lower() == normalise(cand.name).lower()
                for c, _ in kept
            ):
                values["is_series"] = "true"  # the text names a numbered session of it
        out.marks.append(Mark(cand.start, cand.end, "name", ds.file(cand.table), len(out.rows[ds.file(cand.table)])))
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
    figures_t = ds.roles.table("figures") or ""
    stats, located = ds.tables.get(figures_t), ds.located
    if stats is None or located is None or stats.lacks("statistic_id", "unit", "value_text"):
        return {}
    ranks = dict(stats.strings.filter(stats.strings["unit"] == "rank").select("statistic_id", "value_text").iter_rows())
    out: dict[str, list[tuple[int, int]]] = {}
    frame = located.frame.filter(
        (located.frame["record_table"] == figures_t) & (located.frame["source_id"] == source_id)
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
        if name == ds.roles.table("citations"):
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
            # a whole word only: the alias "ACC" is not in "according"
            if not (i > 0 and hay[i - 1].isalnum() and n[:1].isalnum()) and not (
                i + len(n) < len(hay) and hay[i + len(n)].isalnum() and n[-1:].isalnum()
            ):
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


# --------------------------------------------------------------------------- what the schemas say of the tables


def _enum(schema, name: str) -> list[str]:
    """The enum of a field of `schema`, or [] when the schema or the field has none."""
    if schema is None or name not in schema.raw_names:
        return []
    return list(schema.field(name).constraints.get("enum", []))


def _fk_target(schema, name: str) -> str | None:
    """The table a field of `schema` refers to (its foreign key), or None."""
    if schema is None:
        return None
    return next((fk.table for fk in schema.foreign_keys if fk.fields == (name,)), None)


def _event_tables(ds) -> set[str]:
    """The tables whose records have sessions of a series (a `session_number` field)."""
    return {name for name, schema in ds.schemas.items() if "session_number" in schema.raw_names}


@dataclass(frozen=True)
class _Links:
    """The table that links one statistic to another (two foreign keys to the statistics' key)."""

    table: str
    schema: Any
    pk: str
    left: str
    right: str
    tag: str


def _links_table(ds) -> _Links | None:
    for name, schema in sorted(ds.schemas.items()):
        refs = [
            fk.fields[0] for fk in schema.foreign_keys if fk.table == ds.roles.table("figures") and len(fk.fields) == 1
        ]
        if len(refs) == 2 and len(schema.primary_key) == 1 and "growth_rate_of" in _enum(schema, "relation"):
            pk = schema.primary_key[0]
            prefix = re.match(r"([a-z]+-)", schema.field(pk).constraints.get("pattern", ""))
            return _Links(name, schema, pk, refs[0], refs[1], prefix.group(1) if prefix else f"{name}-")
    return None


def _recorded_occurrences(ds, src: SourceText) -> list[tuple[int, int, str, str]]:
    """Where the text names a recorded record (by its name or an alias): (start, end, table, id)."""
    by_name: dict[str, tuple[str, str]] = {}
    for table, raw in sorted(ds.tables.items()):
        schema = raw.schema
        if len(schema.primary_key) != 1 or "name" not in raw.strings.columns:
            continue
        pk = schema.primary_key[0]
        cols = [c for c in (pk, "name", "aliases") if c in raw.strings.columns]
        delimiter = schema.field("aliases").delimiter.strip() if "aliases" in cols else ";"
        for row in raw.strings.select(cols).iter_rows(named=True):
            names = [row["name"] or ""] + [p.strip() for p in (row.get("aliases") or "").split(delimiter)]
            for n in names:
                key = normalise(n).lower()
                if key and row[pk]:
                    by_name.setdefault(key, (table, row[pk]))
    out = []
    for key, (table, rid) in by_name.items():
        for a, b in _spans_of(src, {key}):
            out.append((a, b, table, rid))
    return out


def _recorded_id(ds, table: str, name: str) -> str | None:
    """The id of the recorded record of `table` with this name or alias, if there is one."""
    raw = ds.tables.get(table)
    if raw is None or len(raw.schema.primary_key) != 1 or "name" not in raw.strings.columns:
        return None
    pk, key = raw.schema.primary_key[0], normalise(name).lower()
    cols = [c for c in (pk, "name", "aliases") if c in raw.strings.columns]
    for row in raw.strings.select(cols).iter_rows(named=True):
        names = [row["name"] or ""] + [p.strip() for p in (row.get("aliases") or "").split(";")]
        if key in {normalise(n).lower() for n in names if n}:
            return row[pk]
    return None


def _record_named(named, start: int, end: int, table: str | None) -> tuple[str, str] | None:
    """The record of `table` named within [start, end) (the longest such name), if any."""
    lo, hi = bisect.bisect_left(named, (start, -1, "", "")), bisect.bisect_left(named, (end, -1, "", ""))
    inside = [(b - a, t, rid) for a, b, t, rid in named[lo:hi] if b <= end and t == table]
    if not inside:
        return None
    _, t, rid = max(inside)
    return t, rid


#: "the park", "the zone", "the forum": a record of the kind its head word names, named before
_ANAPHOR = re.compile(r"\b(?:[Tt]he|[Ii]ts|[Tt]his) (park|zone|area|project|expo|forum|summit|conference|fair)\b")


def _subject(
    named,
    by_head: dict[str, list[tuple[int, str, str]]],
    sentence: Span,
    clause: Span,
    at: int,
    tables: list[str],
    text: str,
) -> tuple[tuple[str, str], bool] | None:
    """The record a figure at `at` is about: ((table, id), settled). Settled when the figure's clause names
    one record a figure can be about; a guess when it names several (the nearest before the figure), when
    it says "the park" (the last park named before it), or when only another clause of the sentence names
    one ("The Expo drew 300 exhibitors; the park is the second largest": the rank is not the Expo's)."""

    def names_in(span: Span) -> list[tuple[int, int, str, str]]:
        lo = bisect.bisect_left(named, (span.start, -1, "", ""))
        hi = bisect.bisect_left(named, (span.end, -1, "", ""))
        here = [(a, b, t, rid) for a, b, t, rid in named[lo:hi] if b <= span.end]
        # a shorter name inside a longer one ("Nanning" in "Sample Nanning Digital Park") is the longer's
        here = [n for n in here if not any(o != n and o[0] <= n[0] and n[1] <= o[1] for o in here)]
        return [n for n in here if n[2] in tables]

    here = names_in(clause)
    distinct = {(t, rid) for _, _, t, rid in here}
    if len(distinct) == 1:
        return next(iter(distinct)), True
    if distinct:
        before = [n for n in here if n[0] < at] or here
        return (before[-1][2], before[-1][3]), False
    m = _ANAPHOR.search(text, clause.start, clause.end)
    if m is None and not names_in(sentence):  # "the park has ...; this year it plans ..."
        m = _ANAPHOR.search(text, sentence.start, sentence.end)
    if m is not None:
        earlier = by_head.get(m.group(1), [])
        i = bisect.bisect_left(earlier, (m.start(), "", ""))
        return ((earlier[i - 1][1], earlier[i - 1][2]), False) if i else None
    if (clause.start, clause.end) != (sentence.start, sentence.end):
        elsewhere = {(t, rid) for _, _, t, rid in names_in(sentence)}
        if len(elsewhere) == 1:
            return next(iter(elsewhere)), False
    return None


def _headline(text: str, at: int) -> bool:
    """Whether `at` is on the first line of the text, a headline without a full stop."""
    first_end = text.find("\n")
    line = text[: len(text) if first_end < 0 else first_end]
    return at < len(line) and not line.rstrip().endswith((".", "!", "?"))

"""`zonedata site`: the published package as a static website, every value linked to its source passage.

Everything comes from the published package, generically from its descriptor: the tables, their
fields and descriptions (the data dictionary), primary keys, foreign keys and polymorphic keys
(a reference whose target table is named in another column) are read from the Table Schemas, so
a table or field added to the dataset appears without a change here. Two tables are structural:
`sources` (the stored texts) and `citations` (`record_table`/`record_id` -> a verbatim quote at
`quote_start`:`quote_end` of a source text).

Pages are Jinja2 templates shipped in `templates/`; `static/` holds the one script and style
sheet. The output has relative links only (it works from file:// and under a sub-path), makes
no network request and is byte-identical for the same input. Every record has a page of its own
(its address, which a citation can point to); table pages page through data shards (`SHARD_SIZE`
rows, loaded as script files because browsers refuse fetch() from file://), so no page holds all
rows of a large table.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from zonedata.base import safe_json
from zonedata.base.hashing import sha256_bytes
from zonedata.base.paths import Paths
from zonedata.text.normalise import normalise

#: the roles of the tables that hold the sources and the citations, not records of their own
STRUCTURAL = ("sources", "citations")
#: citations shown on a record's page; the rest are linked (the citations table, filtered to the record)
CITATIONS_SHOWN = 50
#: rows in one data shard of a table page
SHARD_SIZE = 1000
#: entries in one shard of the search index
SEARCH_SHARD_SIZE = 10000
#: records named per relation on a record page before "and N more" (with a link to the filtered table)
RELATED_SHOWN = 50
#: records listed per table and kind on a changes page before "and N more"
CHANGES_SHOWN = 500
#: the fields that name a record (the first one present is its label) and those searched
LABEL_FIELDS = ("name", "label", "title", "person")
SEARCH_FIELDS = LABEL_FIELDS + ("aliases",)
#: a paragraph longer than this is cut around the quote on record pages
CONTEXT_CHARS = 400
#: marks the output folder as a site, so that a rebuild may replace it (and nothing else)
MARKER = ".zonedata-site"
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$")
UNIT_SIGNS = {"m2": "m²", "km2": "km²"}


class SiteInputError(Exception):
    """The published package cannot be shown as it is (exit 1): names the file, the field and the fix."""

    def __init__(self, file: str, message: str, field: str | None = None, line: int | None = None):
        self.file, self.field, self.line = file, field, line
        where = file + (f" line {line}" if line else "") + (f" [{field}]" if field else "")
        super().__init__(f"{where}: {message}")


# --- reading the published package --------------------------------------------------------------


def _safe_rel(rel, where: str) -> str:
    if (
        not isinstance(rel, str)
        or not rel
        or rel.startswith("/")
        or "\\" in rel
        or ":" in rel
        or ".." in rel.split("/")
    ):
        raise SiteInputError(where, f"{rel!r} is not a relative path inside the package")
    return rel


def _table_of(resource_name: str) -> str:
    for suffix in ("-parquet", "-csv"):
        if resource_name.endswith(suffix):
            return resource_name[: -len(suffix)]
    return resource_name


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


@dataclass
class Download:
    rel: str  # path in the package and under downloads/ in the site
    table: str
    fmt: str
    bytes: int
    sha256: str


@dataclass
class Ref:
    """A reference from one table to records of another: a foreign key or a polymorphic key."""

    fields: list[str]  # the referring fields (polymorphic: [idField]; its table is in table_field)
    target: str | None  # the referenced table (None: named per row in table_field)
    target_fields: list[str]
    table_field: str | None = None

    @property
    def id_field(self) -> str:
        return self.fields[-1]


@dataclass
class Table:
    name: str
    schema: dict
    fields: list[dict]
    columns: dict[str, list]  # field -> values as published text (a list for a list field, None when empty)
    rows: int
    pk: list[str]
    refs: list[Ref] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    #: the file name of each record's page (its key, or a hash where the key is not a safe file name)
    slugs: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    #: citations have no pages of their own: each links to the record it supports, where it is shown
    shown_at: list[tuple[Table, int]] | None = None
    #: the role the table plays (its schema's `role`: sources, citations, figures), if any
    role: str | None = None
    _lookups: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.schema.get("title") or self.name

    def field_names(self) -> list[str]:
        return [f["name"] for f in self.fields]

    def key(self, i: int) -> tuple:
        return tuple(self.columns[k][i] for k in self.pk)

    def lookup(self, fields: list[str]) -> dict[tuple, int]:
        """Row number by the values of `fields` (the primary key, or another key a reference names)."""
        name = tuple(fields)
        if name not in self._lookups:
            cols = [self.columns[f] for f in fields]
            self._lookups[name] = {tuple(c[i] for c in cols): i for i in range(self.rows)}
        return self._lookups[name]

    def href(self, i: int) -> str:
        """Where record i lives, relative to the site root."""
        if self.shown_at is not None:
            target, j = self.shown_at[i]
            return target.href(j)
        if self.role == "sources":
            return f"sources/{self.anchors[i][2:]}.html"
        return f"records/{self.name}/{self.slugs[i]}.html"


def _anchor(key: tuple) -> str:
    """A stable HTML id for a record: its key when that is plain, else a hash of it."""
    if len(key) == 1 and isinstance(key[0], str) and _SAFE_ID.match(key[0]):
        return "r-" + key[0]
    joined = "\x1f".join("" if v is None else str(v) for v in key)
    return "r-h" + sha256_bytes(joined.encode("utf-8"))[:16]


def _slugs(anchors: list[str]) -> list[str]:
    """File names of record pages: the key where it is plain, else its hash; a key that differs from another
    only in letter case gets the hash too, so no two pages collide on a case-insensitive file system."""
    slugs = [a[2:] for a in anchors]
    seen: dict[str, int] = {}
    for s in slugs:
        seen[s.lower()] = seen.get(s.lower(), 0) + 1
    return [s if seen[s.lower()] == 1 else "h" + sha256_bytes(s.encode("utf-8"))[:16] for s in slugs]


def _read_frame(paths: Paths, rel: str, fmt: str, fields: list[dict]):
    """A table as published text: every scalar cast to its CSV text, list fields as lists of text."""
    path = paths.root / rel
    if not paths.is_inside(path):
        raise SiteInputError(rel, "leads out of the package root (a symlink): the site shows only files inside it")
    try:
        if fmt == "parquet":
            frame = pl.read_parquet(path, glob=False)  # a path with [ ] * ? is a name, not a pattern
        else:
            frame = pl.read_csv(path, infer_schema=False, raise_if_empty=False, glob=False)
    except FileNotFoundError:
        raise SiteInputError(rel, "is missing: run `zonedata build`") from None
    except Exception as exc:  # noqa: BLE001 (polars' and pyarrow's read errors share no base class)
        raise SiteInputError(rel, f"cannot be read: {str(exc).splitlines()[0]}") from None
    names = [f["name"] for f in fields]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise SiteInputError(rel, f"lacks the column(s) {', '.join(missing)} its schema defines: run `zonedata build`")
    exprs = []
    for f in fields:
        col, dtype = pl.col(f["name"]), frame.schema[f["name"]]
        if isinstance(dtype, pl.List):
            exprs.append(col.list.eval(pl.element().cast(pl.String)))
        elif dtype == pl.Boolean:
            exprs.append(col.cast(pl.String).str.to_lowercase())
        elif f.get("type") == "list" and dtype == pl.String:  # a list field read from CSV
            delimiter = f.get("delimiter", ",")
            exprs.append(pl.when(col.is_null() | (col == "")).then(None).otherwise(col.str.split(delimiter)))
        else:
            exprs.append(col.cast(pl.String))
    frame = frame.select([e.alias(f["name"]) for e, f in zip(exprs, fields)])
    return {n: frame[n].to_list() for n in names}, frame.height


def load_tables(paths: Paths, descriptor: dict) -> tuple[dict[str, Table], list[Download]]:
    """Every table of the descriptor (Parquet preferred, else CSV) and every published file with its checksum."""
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise SiteInputError("datapackage.json", "has no resources: run `zonedata build`", field="resources")
    by_table: dict[str, dict[str, dict]] = {}
    downloads: list[Download] = []
    for res in resources:
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            raise SiteInputError("datapackage.json", "a resource without a name", field="resources")
        rel = _safe_rel(res.get("path"), "datapackage.json")
        fmt = res.get("format") or Path(rel).suffix.lstrip(".")
        table = _table_of(res["name"])
        if not _SAFE_NAME.match(table):
            raise SiteInputError(
                "datapackage.json",
                f"resource {res['name']!r}: table names must be lower-case letters, digits, - and _",
                field="resources",
            )
        by_table.setdefault(table, {})[fmt] = res
        data = _read_bytes(paths, rel)
        digest = sha256_bytes(data)
        recorded = str(res.get("hash", "")).removeprefix("sha256:")
        if recorded and recorded != digest:
            raise SiteInputError(
                rel,
                f"has sha256 {digest}, but datapackage.json records {recorded}: "
                "run `zonedata build` (or `zonedata validate` to see why)",
                field="hash",
            )
        if isinstance(res.get("bytes"), int) and res["bytes"] != len(data):
            raise SiteInputError(
                rel,
                f"has {len(data)} bytes, but datapackage.json records {res['bytes']}: run `zonedata build`",
                field="bytes",
            )
        downloads.append(Download(rel, table, fmt, len(data), digest))
    tables: dict[str, Table] = {}
    for name, formats in by_table.items():
        fmt = "parquet" if "parquet" in formats else "csv" if "csv" in formats else None
        if fmt is None:
            continue
        res = formats[fmt]
        schema = res.get("schema")
        if isinstance(schema, str):
            srel = _safe_rel(schema, "datapackage.json")
            try:
                schema = safe_json.loads(_read_bytes(paths, srel))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise SiteInputError(srel, f"is not valid JSON: {exc}") from None
        if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
            raise SiteInputError(
                "datapackage.json", f"resource {res['name']} has no Table Schema with fields", field="schema"
            )
        schema = _with_curated_properties(paths, name, schema)
        fields = [f for f in schema["fields"] if isinstance(f, dict) and isinstance(f.get("name"), str)]
        columns, rows = _read_frame(paths, res["path"], fmt, fields)
        pk = _as_list(schema.get("primaryKey")) or [fields[0]["name"]]
        tables[name] = Table(name, schema, fields, columns, rows, pk)
    for t in tables.values():
        t.refs = _refs(t, tables)
        t.anchors = [_anchor(t.key(i)) for i in range(t.rows)]
        if len(set(t.anchors)) != t.rows:
            raise SiteInputError(
                f"data/clean/{t.name}",
                "has records with the same primary key: run `zonedata validate`",
                field=",".join(t.pk),
            )
        t.slugs = _slugs(t.anchors)
        label_fields = [t.columns[f] for f in LABEL_FIELDS if f in t.columns]
        t.labels = []
        for i in range(t.rows):
            value = next((v for v in (c[i] for c in label_fields) if v), None)
            if isinstance(value, list):
                value = ", ".join(value)
            t.labels.append(value or " · ".join("" if v is None else str(v) for v in t.key(i)))
    return tables, downloads


def _with_curated_properties(paths: Paths, table: str, schema: dict) -> dict:
    """The published schema with what the site shows but publishing leaves out, from the curated Table Schema
    in schemas/ when there is one: `periods` (a period's start and end fields) and each field's `isoCode`
    (a code field, faceted like an enum)."""
    path = paths.schemas / f"{table}.json"
    if not path.is_file() or not paths.is_inside(path):
        return schema
    try:
        curated = safe_json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return schema
    if not isinstance(curated, dict):
        return schema
    out = dict(schema)
    if "periods" not in out and isinstance(curated.get("periods"), list):
        out["periods"] = curated["periods"]
    codes = {
        f["name"]: f["isoCode"]
        for f in curated.get("fields") or []
        if isinstance(f, dict) and isinstance(f.get("name"), str) and isinstance(f.get("isoCode"), str)
    }
    if codes:
        out["fields"] = [
            {**f, "isoCode": codes[f["name"]]}
            if isinstance(f, dict) and f.get("name") in codes and "isoCode" not in f
            else f
            for f in out["fields"]
        ]
    return out


def _read_bytes(paths: Paths, rel: str) -> bytes:
    if not paths.is_inside(paths.root / rel):
        raise SiteInputError(rel, "leads out of the package root (a symlink): the site shows only files inside it")
    try:
        return (paths.root / rel).read_bytes()
    except OSError as exc:
        raise SiteInputError(rel, f"cannot be read ({exc.strerror}): run `zonedata build`") from None


def _refs(t: Table, tables: dict[str, Table]) -> list[Ref]:
    refs = []
    for fk in t.schema.get("foreignKeys") or []:
        if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
            continue
        target = _table_of(fk["reference"].get("resource") or "") or t.name  # "" refers to the table itself
        fields = _as_list(fk.get("fields"))
        target_fields = _as_list(fk["reference"].get("fields"))
        if (
            target in tables
            and all(f in t.columns for f in fields)
            and len(fields) == len(target_fields)
            and all(f in tables[target].columns for f in target_fields)
        ):
            refs.append(Ref(fields, target, target_fields))
    for pm in t.schema.get("polymorphicKeys") or []:
        if isinstance(pm, dict) and pm.get("tableField") in t.columns and pm.get("idField") in t.columns:
            refs.append(Ref([pm["idField"]], None, [], table_field=pm["tableField"]))
    return refs


def _resolve(t: Table, ref: Ref, i: int, tables: dict[str, Table]) -> list[tuple[Table, int]]:
    """The records row i of t refers to through ref (a list field refers to one record per item)."""
    if ref.table_field is not None:
        target = tables.get(t.columns[ref.table_field][i] or "")
        if target is None or len(target.pk) != 1:
            return []
        index = target.lookup(target.pk)
        return [(target, index[(v,)]) for v in _as_list(t.columns[ref.id_field][i]) if (v,) in index]
    target = tables[ref.target or t.name]
    index = target.lookup(ref.target_fields)
    if len(ref.fields) == 1:
        values = [(v,) for v in _as_list(t.columns[ref.fields[0]][i])]
    else:
        key = tuple(t.columns[f][i] for f in ref.fields)
        values = [] if any(v is None for v in key) else [key]
    return [(target, index[v]) for v in values if v in index]


# --- sources and citations ------------------------------------------------------------------------


@dataclass
class Passage:
    """One quoted span of a source text and the records it supports."""

    start: int
    end: int
    records: list[tuple[Table, int]] = field(default_factory=list)

    @property
    def pid(self) -> str:
        return f"q-{self.start}-{self.end}"


def load_texts(paths: Paths, sources: Table) -> list[str]:
    """Each source's stored text, checked against its sha256."""
    texts = []
    for i in range(sources.rows):
        file, sha = (
            sources.columns.get("file", [None] * sources.rows)[i],
            sources.columns.get("sha256", [None] * sources.rows)[i],
        )
        if not file:
            raise SiteInputError("data/clean/sources", "names no file for its text", field="file", line=i + 2)
        rel = "seeds/" + _safe_rel(file, "data/clean/sources")
        data = _read_bytes(paths, rel)
        if sha and sha256_bytes(data) != sha:
            raise SiteInputError(
                rel,
                f"has sha256 {sha256_bytes(data)}, but the sources table records {sha}: the stored "
                "text was changed; restore it from git",
                field="sha256",
            )
        try:
            texts.append(data.decode("utf-8"))
        except UnicodeDecodeError:
            raise SiteInputError(rel, "is not UTF-8") from None
    return texts


def citation_passages(tables: dict[str, Table], texts: list[str]):
    """(citations by record, passages by source): every citation located and checked at its offsets."""
    by_record: dict[tuple[str, int], list[int]] = {}
    passages: list[dict[tuple[int, int], Passage]] = [{} for _ in texts]
    cit = next((t for t in tables.values() if t.role == "citations"), None)
    sources = next(t for t in tables.values() if t.role == "sources")
    if cit is None:
        return by_record, passages
    need = ("record_table", "record_id", "source_id", "quote", "quote_start", "quote_end")
    missing = [n for n in need if n not in cit.columns]
    if missing:
        raise SiteInputError("data/clean/citations", f"lacks {', '.join(missing)}", field=missing[0])
    src_index = sources.lookup(sources.pk)
    c = cit.columns
    shown_at = []
    for i in range(cit.rows):
        line = i + 2
        s = src_index.get((c["source_id"][i],))
        if s is None:
            raise SiteInputError(
                "data/clean/citations.csv",
                f"source {c['source_id'][i]!r} is not in sources",
                field="source_id",
                line=line,
            )
        try:
            start, end = int(c["quote_start"][i]), int(c["quote_end"][i])
        except (TypeError, ValueError):
            raise SiteInputError(
                "data/clean/citations.csv", "has no quote offsets: run `zonedata build`", field="quote_start", line=line
            ) from None
        text = texts[s]
        quote = c["quote"][i] or ""
        if not (0 <= start <= end <= len(text)) or (
            text[start:end] != quote and normalise(text[start:end]) != normalise(quote)
        ):
            raise SiteInputError(
                "data/clean/citations.csv",
                f"quote_start..quote_end ({start}..{end}) do not hold "
                f"the quote in its source text: run `zonedata build`",
                field="quote",
                line=line,
            )
        target = tables.get(c["record_table"][i] or "")
        if target is None or len(target.pk) != 1:
            raise SiteInputError(
                "data/clean/citations.csv",
                f"record_table {c['record_table'][i]!r} is not a table with a one-field primary key",
                field="record_table",
                line=line,
            )
        j = target.lookup(target.pk).get((c["record_id"][i],))
        if j is None:
            raise SiteInputError(
                "data/clean/citations.csv",
                f"record {c['record_id'][i]!r} is not in {target.name}",
                field="record_id",
                line=line,
            )
        by_record.setdefault((target.name, j), []).append(i)
        shown_at.append((target, j))
        passage = passages[s].setdefault((start, end), Passage(start, end))
        passage.records.append((target, j))
    cit.shown_at = shown_at
    return by_record, passages


def _context(text: str, start: int, end: int) -> tuple[str, str, str, bool, bool]:
    """(before, quote, after, cut before, cut after): the paragraph (line) around a quote, cut if long."""
    p0 = text.rfind("\n", 0, start) + 1
    p1 = text.find("\n", end)
    p1 = len(text) if p1 < 0 else p1
    a, b = p0, p1
    if start - a > CONTEXT_CHARS:
        a = text.rfind(" ", a, start - CONTEXT_CHARS) + 1 or start - CONTEXT_CHARS
    if b - end > CONTEXT_CHARS:
        cut = text.find(" ", end + CONTEXT_CHARS, b)
        b = cut if cut >= 0 else b
    return text[a:start], text[start:end], text[end:b], a > p0, b < p1


def source_paragraphs(text: str, passages: dict[tuple[int, int], Passage]) -> list[list[dict]]:
    """The text as paragraphs (lines) of pieces: plain text, or text inside one or more passages.

    A piece starts every passage that begins at it (an anchor per passage) and ends with the links
    of every passage that ends with it, so overlapping and nested passages are all shown.
    """
    bounds = {0, len(text)}
    for s, e in passages:
        bounds.update((s, e))
    for m in re.finditer("\n", text):
        bounds.update((m.start(), m.end()))
    cuts = sorted(bounds)
    starts: dict[int, list[Passage]] = {}
    ends: dict[int, list[Passage]] = {}
    for p in sorted(passages.values(), key=lambda p: (p.start, p.end)):
        starts.setdefault(p.start, []).append(p)
        ends.setdefault(p.end, []).append(p)
    open_: list[Passage] = []
    paragraphs: list[list[dict]] = [[]]
    for a, b in itertools.pairwise(cuts):
        opening = starts.get(a, [])
        empty = [p for p in opening if p.end == p.start]
        if empty:  # a passage of no characters keeps its anchor
            paragraphs[-1].append(
                {"text": "", "anchors": [p.pid for p in empty], "passages": "", "depth": 0, "closing": empty}
            )
        open_.extend(p for p in opening if p.end > p.start)
        piece = text[a:b]
        if piece == "\n":
            closing = [p for p in open_ if p.end == b]
            if closing:  # a quote that ends with the line break: its links end the paragraph
                paragraphs[-1].append({"text": "", "anchors": [], "passages": "", "depth": 0, "closing": closing})
            paragraphs.append([])
        else:
            paragraphs[-1].append(
                {
                    "text": piece,
                    "anchors": [p.pid for p in opening if p.end > p.start],
                    "passages": " ".join(p.pid for p in open_),
                    "depth": min(len(open_), 3),
                    "closing": [p for p in open_ if p.end == b],
                }
            )
        open_ = [p for p in open_ if p.end > b]
    return [p for p in paragraphs if p]


# --- values --------------------------------------------------------------------------------------


def format_number(text: str | None) -> str | None:
    """An exact decimal as people read it: 70100000000.000000 -> 70,100,000,000 (no rounding, no float)."""
    if text is None:
        return None
    m = re.fullmatch(r"([+-]?)(\d+)(?:\.(\d*))?", text)
    if not m:
        return text
    frac = (m[3] or "").rstrip("0")
    return f"{m[1]}{int(m[2]):,}" + (f".{frac}" if frac else "")


def value_groups(names: list[str]) -> list[dict]:
    """Value columns shown as written beside their normalised form, where the fields exist.

    For a prefix P with P_text and P_normalised: the unit is P_unit_normalised (or unit_normalised
    for P = value) and the qualifier P_qualifier (or qualifier for P = value).
    """
    groups = []
    for n in names:
        if not n.endswith("_text"):
            continue
        p = n[: -len("_text")]
        if f"{p}_normalised" not in names:
            continue
        unit = next(
            (u for u in (f"{p}_unit_normalised", "unit_normalised" if p == "value" else "") if u in names), None
        )
        qual = next((q for q in (f"{p}_qualifier", "qualifier" if p == "value" else "") if q in names), None)
        groups.append({"prefix": p, "text": n, "normalised": f"{p}_normalised", "unit": unit, "qualifier": qual})
    return groups


def _unit_sign(unit: str | None) -> str:
    return UNIT_SIGNS.get(unit or "", unit or "")


# --- markdown (the scope statement and the changelog notes) ---------------------------------------

_INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|`(?P<c>[^`]+)`|\[(?P<lt>[^\]]+)\]\((?P<lu>[^)\s]+)\)")


def _inline(text: str) -> list[dict]:
    spans, pos = [], 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            spans.append({"kind": "text", "text": text[pos : m.start()]})
        if m["b"] is not None:
            spans.append({"kind": "strong", "text": m["b"]})
        elif m["c"] is not None:
            spans.append({"kind": "code", "text": m["c"]})
        else:
            url = m["lu"]
            spans.append(
                {"kind": "link" if url.startswith(("https://", "http://")) else "text", "text": m["lt"], "url": url}
            )
        pos = m.end()
    if pos < len(text):
        spans.append({"kind": "text", "text": text[pos:]})
    return spans


def markdown_blocks(text: str) -> list[dict]:
    """The few Markdown blocks the README and CHANGELOG use (paragraphs, headings, lists, pipe tables),
    as data for the templates; everything is escaped by them, nothing is passed through as HTML."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    blocks: list[dict] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append({"kind": "p", "spans": _inline(" ".join(para))})
            para.clear()

    for line in text.splitlines():
        s = line.strip()
        if not s:
            flush()
        elif s.startswith("#"):
            flush()
            blocks.append({"kind": "h", "spans": _inline(s.lstrip("#").strip())})
        elif s.startswith(("- ", "* ")):
            flush()
            if not blocks or blocks[-1]["kind"] != "ul":
                blocks.append({"kind": "ul", "items": []})
            blocks[-1]["items"].append(_inline(s[2:]))
        elif s.startswith("|"):
            flush()
            cells = [c.strip() for c in s.strip("|").split("|")]
            if not blocks or blocks[-1]["kind"] != "table":
                blocks.append({"kind": "table", "head": [_inline(c) for c in cells], "rows": []})
            elif not all(re.fullmatch(r":?-+:?", c) for c in cells):
                blocks[-1]["rows"].append([_inline(c) for c in cells])
        elif blocks and blocks[-1]["kind"] == "ul" and line.startswith("  ") and not para:
            blocks[-1]["items"][-1].extend(_inline(" " + s))
        else:
            para.append(s)
    flush()
    return blocks


def markdown_section(text: str, heading: str) -> str | None:
    """The body of the `## heading` section of a Markdown text, or None."""
    m = re.search(rf"^## {re.escape(heading)}[^\n]*\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return m[1] if m else None

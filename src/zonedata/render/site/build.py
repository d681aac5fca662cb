"""Build the site: page models from the published package (model.py), rendered by the Jinja2 templates."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

from zonedata.base.findings import ConfigError
from zonedata.base.paths import Paths
from zonedata.loading.datapackage import parse_descriptor
from zonedata.loading.dataset import confinement_findings
from zonedata.loading.schema import load_roles
from zonedata.loading.versioning import read_manifest
from zonedata.release import diff as d
from zonedata.render.cite import cite
from zonedata.render.site import pictures, tableview
from zonedata.render.site.model import (
    CHANGES_SHOWN,
    CITATIONS_SHOWN,
    MARKER,
    RELATED_SHOWN,
    SEARCH_FIELDS,
    SEARCH_SHARD_SIZE,
    SHARD_SIZE,
    STRUCTURAL,
    SiteInputError,
    Table,
    _as_list,
    _context,
    _resolve,
    _safe_rel,
    _unit_sign,
    citation_passages,
    format_number,
    load_tables,
    load_texts,
    markdown_blocks,
    markdown_section,
    source_paragraphs,
    value_groups,
)

#: rows a table page shows at once (it pages through its shards)
PAGE_ROWS = 100
NUMERIC = ("number", "integer")


@dataclass
class SiteResult:
    out: Path
    pages: int
    files: int


def _environment():
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("zonedata.render.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["thousands"] = lambda n: f"{n:,}"
    return env


def _js(data) -> str:
    """JSON for a script file: compact, key order as given, line separators escaped (valid JavaScript)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class _Writer:
    """Collects the site's files in a temporary folder beside the output, then swaps it into place."""

    def __init__(self, out: Path):
        self.out = out
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=".zonedata-site-", dir=out.parent))
        except OSError as exc:  # a read-only package or folder: a configuration error, not a crash
            raise ConfigError(
                f"cannot write the site beside {out}: {exc.strerror or exc}; nothing was written (give --out a "
                "folder you can write to)"
            ) from exc
        self.files = 0
        self.pages = 0
        self.folders: set[Path] = set()

    def write(self, rel: str, data: str | bytes) -> None:
        path = self.tmp / rel
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        self.files += 1
        self.pages += rel.endswith(".html")

    def commit(self) -> None:
        old = None
        if self.out.exists():
            old = self.out.with_name(self.tmp.name + "-old")
            os.replace(self.out, old)
        os.replace(self.tmp, self.out)
        if old is not None:
            shutil.rmtree(old)

    def abort(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _lexically_inside(path: Path, root: Path) -> bool:
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
        return True
    except ValueError:
        return False


def check_out(paths: Paths, out: Path) -> Path:
    """The output folder, refused when a rebuild would replace something that is not a site."""
    resolved, root = out.resolve(), paths.root.resolve()
    if _lexically_inside(out, paths.root) and not paths.is_inside(out):
        raise ConfigError(
            f"--out {out} is inside the package but leads out of it (a symlink): zonedata writes only "
            "inside the package, or where you name a folder outside it"
        )
    if resolved == root or resolved in root.parents:
        raise ConfigError(f"--out {out} would replace the package itself: choose a folder such as site/")
    for inside in (
        paths.seeds,
        paths.schemas,
        paths.raw.parent,
        paths.releases,
        paths.data_dictionary.parent,
        paths.package_metadata.parent,
        root / "src",
        root / ".git",
    ):
        if resolved == inside.resolve() or inside.resolve() in resolved.parents:
            raise ConfigError(f"--out {out} is inside the package's {inside.name}/: choose a folder such as site/")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise ConfigError(
            f"--out {out} exists and is not a site that zonedata built (it has no {MARKER}): "
            "choose another folder, or remove it first"
        )
    return out


# --- the parts of a record page --------------------------------------------------------------------


class Site:
    def __init__(self, paths: Paths):
        self.paths = paths
        try:
            self.descriptor = parse_descriptor(paths.datapackage.read_bytes())
        except FileNotFoundError:
            raise SiteInputError("datapackage.json", "is missing: run `zonedata build` first") from None
        except OSError as exc:
            raise SiteInputError("datapackage.json", f"cannot be read: {exc}") from None
        except ConfigError as exc:  # not JSON (its cause), or not an object with a list of resources
            problem = f"cannot be read: {exc.__cause__}" if exc.__cause__ else "is not a Data Package descriptor"
            raise SiteInputError("datapackage.json", problem) from None
        self.tables, self.downloads = load_tables(paths, self.descriptor)
        for t in self.tables.values():  # a published schema may say its role; the package's schemas/ do
            role = t.schema.get("role")
            t.role = role if isinstance(role, str) else None
        if any(paths.schemas.glob("*.json")):
            try:
                _, roles = load_roles(paths)
            except ConfigError as exc:
                raise SiteInputError("schemas", f"say no usable roles: {exc}") from None
            for t in self.tables.values():
                t.role = roles.of(t.name)
                role = getattr(roles, t.role) if t.role else None
                for default, mine in role.fields.items() if role else ():
                    # the role's fields under their default names too (`roleFields`: a document_id for source_id)
                    if mine != default and mine in t.columns and default not in t.columns:
                        t.columns[default] = t.columns[mine]
        sources = next((t for t in self.tables.values() if t.role == "sources"), None)
        if sources is None:
            raise SiteInputError(
                "datapackage.json",
                'has no table with the sources role (a schema with "role": "sources"): the site shows each '
                "record's source",
                field="resources",
            )
        self.sources = sources
        #: the table whose rows are the citations (role "citations"), if the package has one
        self.citations: Table | None = next((t for t in self.tables.values() if t.role == "citations"), None)
        self.texts = load_texts(paths, self.sources)
        self.citations_of, self.passages = citation_passages(self.tables, self.texts)
        self.titles = {t.name: {f["name"]: f.get("title") or f["name"] for f in t.fields} for t in self.tables.values()}
        self.resolved = self._resolve_all()
        self.incoming = self._incoming()
        self.groups = {t.name: value_groups(t.field_names()) for t in self.tables.values()}

    # references, both directions
    def _resolve_all(self) -> dict[str, list[list[list[tuple[Table, int]]]]]:
        """table -> per reference -> per row: the records it refers to (resolved once, used by every page)."""
        return {
            t.name: [[_resolve(t, ref, i, self.tables) for i in range(t.rows)] for ref in t.refs]
            for t in self.tables.values()
        }

    def _incoming(self) -> dict[tuple[str, int], dict[tuple[str, str], list[int]]]:
        """(table, row) -> {(referring table, referring field): [rows]}, in row order. Citations are shown as
        passages instead, so their references are left out."""
        incoming: dict[tuple[str, int], dict[tuple[str, str], list[int]]] = {}
        for t in self.tables.values():
            if t.role == "citations":
                continue
            for ref, per_row in zip(t.refs, self.resolved[t.name]):
                for i, targets in enumerate(per_row):
                    for target, j in targets:
                        incoming.setdefault((target.name, j), {}).setdefault((t.name, ref.id_field), []).append(i)
        return incoming

    def link(self, t: Table, i: int, text: str | None = None) -> dict:
        return {
            "t": text if text is not None else t.labels[i] or t.anchors[i][2:],
            "h": t.href(i),
            "l": t.labels[i],
            "table": t.title,
        }

    def _targets(self, t: Table, i: int) -> dict[str, dict[str, tuple[Table, int]]]:
        out: dict[str, dict[str, tuple[Table, int]]] = {}
        for ref, per_row in zip(t.refs, self.resolved[t.name]):
            for target, j in per_row[i]:
                out.setdefault(ref.id_field, {})[target.key(j)[-1]] = (target, j)
        return out

    def field_values(self, t: Table, i: int) -> list[tuple]:
        """Per field: (kind, items, external), kind "e" empty, "v" one value, "m" a list; an item is
        (text, href, target label, published text when the shown number differs from it)."""
        external: set[str] = set()
        if t.role == "sources" and "external_fields" in t.columns:
            value = t.columns["external_fields"][i]
            external = set(value if isinstance(value, list) else re.split(r"[;,\s]+", value or ""))
        targets = self._targets(t, i)
        out = []
        for f in t.fields:
            name = f["name"]
            raw = t.columns[name][i]
            number = f.get("type") in NUMERIC
            linked = targets.get(name)
            items: list[tuple[str | None, str | None, str | None, str | None]] = []
            for v in _as_list(raw):
                shown = format_number(v) if number else v
                hit = linked.get(v) if linked else None
                if hit:
                    target, j = hit
                    items.append((shown, target.href(j), target.labels[j] if target.labels[j] != v else None, None))
                else:
                    items.append((shown, None, None, v if shown != v else None))
            kind = "m" if isinstance(raw, list) else "v" if items else "e"
            out.append((kind, items, name in external))
        return out

    def related(self, t: Table, i: int) -> tuple[list[dict], list[dict]]:
        outgoing = []
        for ref, per_row in zip(t.refs, self.resolved[t.name]):
            targets = per_row[i]
            if targets:
                title = self.titles[t.name].get(ref.id_field, ref.id_field)
                outgoing.append({"title": title, "field": ref.id_field, "links": [self.link(x, j) for x, j in targets]})
        incoming = []
        for (child_name, fname), rows in self.incoming.get((t.name, i), {}).items():
            child = self.tables[child_name]
            shown = rows[:RELATED_SHOWN]
            more = len(rows) - len(shown)
            key = t.key(i)[-1]
            incoming.append(
                {
                    "table": child.title,
                    "name": child_name,
                    "title": self.titles[child_name].get(fname, fname),
                    "field": fname,
                    "links": [self.link(child, r) for r in shown],
                    "more": more,
                    "more_href": f"tables/{child_name}.html?f.{quote(fname)}={quote(str(key))}" if more else None,
                }
            )
        return outgoing, incoming

    def citation_view(self, c: int) -> dict:
        cit = self.citations
        assert cit is not None  # a citation index comes from the citations table
        cols = cit.columns
        s = self.sources.lookup(self.sources.pk)[(cols["source_id"][c],)]
        start, end = int(cols["quote_start"][c]), int(cols["quote_end"][c])
        before, quote, after, cut_before, cut_after = _context(self.texts[s], start, end)
        return {
            "source": self.link(self.sources, s),
            "source_id": cols["source_id"][c],
            "passage_href": f"{self.sources.href(s)}#q-{start}-{end}",
            "before": before,
            "quote": quote,
            "after": after,
            "cut_before": cut_before,
            "cut_after": cut_after,
            "start": start,
            "end": end,
            "note": cols.get("note", [None] * cit.rows)[c],
        }

    def values(self, t: Table, i: int) -> list[dict]:
        out = []
        for g in self.groups[t.name]:
            text = t.columns[g["text"]][i]
            norm = t.columns[g["normalised"]][i]
            if text is None and norm is None:
                continue
            out.append(
                {
                    "text": text,
                    "qualifier": t.columns[g["qualifier"]][i] if g["qualifier"] else None,
                    "normalised": format_number(norm),
                    "unit": _unit_sign(t.columns[g["unit"]][i]) if g["unit"] else "",
                }
            )
        return out

    def record(self, t: Table, i: int) -> dict:
        outgoing, incoming = self.related(t, i)
        mine = self.citations_of.get((t.name, i), [])
        cites = [self.citation_view(c) for c in mine[:CITATIONS_SHOWN]]
        cit = self.citations
        more_cites = None
        if len(mine) > CITATIONS_SHOWN and cit is not None:
            poly = next((r for r in cit.refs if r.table_field is not None), None)
            where = (
                f"f.{quote(poly.table_field)}={quote(t.name)}&f.{quote(poly.id_field)}={quote(str(t.key(i)[-1]))}"
                if poly is not None and poly.table_field is not None
                else ""
            )
            more_cites = {
                "count": len(mine) - CITATIONS_SHOWN,
                "total": len(mine),
                "href": f"tables/{cit.name}.html?{where}",
            }
        return {
            "table": t.name,
            "anchor": t.anchors[i],
            "label": t.labels[i],
            "key": " · ".join(str(v) for v in t.key(i)),
            "fields": self.field_values(t, i),
            "values": self.values(t, i),
            "outgoing": outgoing,
            "incoming": incoming,
            "citations": cites,
            "more_citations": more_cites,
            "address": t.href(i),
        }

    # table pages: meta, facets and data shards
    def sources_of(self, t: Table, i: int) -> list[tuple[Table, int]]:
        """The sources whose text a record is transcribed from (through its citations), in citation order."""
        cit = self.citations
        if cit is None or t.role in STRUCTURAL:
            return []
        if not hasattr(self, "_source_rows"):
            index = self.sources.lookup(self.sources.pk)
            self._source_rows = [index.get((v,)) for v in cit.columns["source_id"]]
        seen: dict[int, None] = {}
        for c in self.citations_of.get((t.name, i), []):
            s = self._source_rows[c]
            if s is not None:
                seen.setdefault(s, None)
        return [(self.sources, s) for s in seen]

    def table_meta(self, t: Table) -> dict:
        return tableview.table_meta(self, t, SHARD_SIZE, PAGE_ROWS)

    def shard_rows(self, t: Table, lo: int, hi: int) -> list[list]:
        """Rows of a table page's data: [record href, value per field, (sources)]; a reference is
        {"v": value, "h": href, "t": the target's name}; the sources are such references too."""
        linked = {ref.id_field for ref in t.refs}
        cited = tableview.is_cited(self, t)
        rows = []
        for i in range(lo, hi):
            row: list = [t.href(i)]
            targets = self._targets(t, i) if linked else {}
            for f in t.fields:
                name = f["name"]
                v = t.columns[name][i]
                if name in targets:
                    hits = targets[name]
                    if isinstance(v, list):
                        v = [self._cell_ref(x, hits[x]) if x in hits else x for x in v]
                    elif v in hits:
                        v = self._cell_ref(v, hits[v])
                row.append(v)
            if cited:
                row.append([self._cell_ref(x.key(j)[-1], (x, j)) for x, j in self.sources_of(t, i)])
            rows.append(row)
        return rows

    @staticmethod
    def _cell_ref(value, hit: tuple[Table, int]) -> dict:
        target, j = hit
        ref = {"v": value, "h": target.href(j)}
        if target.labels[j] != value:
            ref["t"] = target.labels[j]
        return ref

    def search_entries(self) -> list[list[str]]:
        entries = []
        for t in self.tables.values():
            fields = [f for f in SEARCH_FIELDS if f in t.columns]
            if not fields:
                continue
            for i in range(t.rows):
                words = []
                for f in fields:
                    words.extend(_as_list(t.columns[f][i]))
                words.append(" ".join(str(v) for v in t.key(i)))
                entries.append([" ".join(w for w in words if w), t.labels[i] or t.anchors[i][2:], t.title, t.href(i)])
        return entries

    # home and changes
    def release_entries(self) -> list[dict]:
        entries = []
        for e in read_manifest(self.paths):
            _safe_rel(e.archive, "releases/releases.json")
            rel = "releases/" + Path(e.archive).name
            entries.append(
                {
                    "version": e.version,
                    "date": e.date,
                    "archive": e.archive,
                    "download": rel,
                    "bytes": e.bytes,
                    "sha256": e.sha256,
                }
            )
        return entries

    def changes(self, releases: list[dict]) -> list[dict]:
        """One page per release (against the release before it) and, when the package has moved on, one for
        the unreleased changes; newest first."""
        changelog = self.paths.changelog.read_text(encoding="utf-8") if self.paths.changelog.is_file() else ""
        pages: list[dict] = []
        previous = d.PackageVersion("(nothing)", {"resources": []})
        for e in releases:
            try:
                current = d.load_version(e["version"], self.paths.root)
            except ConfigError as exc:
                raise SiteInputError(e["archive"], str(exc), field="sha256") from None
            pages.append(
                self._change_page(
                    d.diff_packages(previous, current),
                    e["version"],
                    e["date"],
                    releases[len(pages) - 1]["version"] if pages else None,
                    changelog,
                )
            )
            previous = current
        if releases:
            now = d.load_version(".", self.paths.root)
            diffed = d.diff_packages(previous, now)
            if not diffed.is_empty:
                pages.append(self._change_page(diffed, "unreleased", None, releases[-1]["version"], changelog))
        return pages[::-1]

    def _change_page(self, diffed, version: str, date: str | None, previous: str | None, changelog: str) -> dict:
        heading = "[Unreleased]" if version == "unreleased" else f"[{version}]"
        notes = markdown_section(changelog, heading)
        tables = []
        for name, td in diffed.tables.items():
            here = self.tables.get(name)

            def key_link(key: dict, here=here):
                values = tuple(key.values())
                text = " · ".join("" if v is None else str(v) for v in values)
                j = (
                    here.lookup(list(key)).get(values)
                    if here is not None and all(k in here.columns for k in key)
                    else None
                )
                return {"t": text, "h": here.href(j) if j is not None else None}

            added = [key_link({k: r[k] for k in td.key}) for r in td.added.head(CHANGES_SHOWN).iter_rows(named=True)]
            removed = [
                key_link({k: r[k] for k in td.key})["t"] for r in td.removed.head(CHANGES_SHOWN).iter_rows(named=True)
            ]
            changed = [
                {"key": key_link(rec["key"]), "fields": rec["fields"]} for rec in td.changed_records()[:CHANGES_SHOWN]
            ]
            tables.append(
                {
                    "name": name,
                    "status": td.status,
                    "added": added,
                    "removed": removed,
                    "changed": changed,
                    "counts": {"added": td.added.height, "removed": td.removed.height, "changed": td.n_changed},
                    "rows": {"old": td.old_rows, "new": td.new_rows},
                }
            )
        return {
            "version": version,
            "date": date,
            "previous": previous,
            "slug": version,
            "notes": markdown_blocks(notes) if notes else [],
            "tables": tables,
            "schema_changes": [{"level": c.level, "kind": c.kind, "text": c.describe()} for c in diffed.schema_changes],
            "required": diffed.required_level,
            "shown": CHANGES_SHOWN,
        }

    def citation_texts(self) -> tuple[str, str]:
        return cite(self.paths.root, "text"), cite(self.paths.root, "bibtex")

    def scope(self) -> list[dict]:
        readme = self.paths.root / "README.md"
        if not readme.is_file():
            return []
        section = markdown_section(readme.read_text(encoding="utf-8"), "Scope")
        return markdown_blocks(section) if section else []


# --- the whole site ----------------------------------------------------------------------------------


def build_site(root: Path, out: Path | None = None) -> SiteResult:
    """Write the site for the package at `root` into `out` (default site/ there), replacing an earlier build.

    SiteInputError (exit 1) when the published package cannot be shown as it is; ConfigError (exit 2) for a
    bad --out. Nothing is written to `out` unless the whole site was built.
    """
    paths = Paths(Path(root))
    out = check_out(paths, Path(out) if out is not None else paths.site)
    hazards = confinement_findings(paths)
    if hazards:  # a published file, the changelog or a release archive leads out of the package: read nothing
        first = hazards[0]
        raise SiteInputError(first.file or "", first.message.removeprefix(f"{first.file} "))
    site = Site(paths)
    writer = _Writer(out)
    try:
        _write_all(site, writer)
        writer.commit()
    except OSError as exc:  # the output folder cannot be replaced (read-only, a full disk): the old site stays
        writer.abort()
        raise ConfigError(f"cannot write the site to {out}: {exc.strerror or exc}; the old site was kept") from exc
    except BaseException:
        writer.abort()
        raise
    return SiteResult(out, writer.pages, writer.files)


def _write_all(site: Site, w: _Writer) -> None:
    env = _environment()
    d = site.descriptor
    tables = list(site.tables.values())
    releases = site.release_entries()
    version = str(d.get("version", ""))
    released = next((e for e in releases if e["version"] == version), None)
    changes = site.changes(releases)
    common = {
        "site": {
            # the package's own identity (datapackage.json, from metadata/package.json); without one, its folder's
            "name": d.get("title") or d.get("name") or site.paths.root.resolve().name,
            "short": d.get("name") or site.paths.root.resolve().name,
            "version": version,
            "tables": [{"name": t.name, "title": t.title} for t in tables],
            "has_changes": bool(changes),
        }
    }

    cite_text, cite_bibtex = site.citation_texts()
    common["site"]["cite"] = cite_text

    templates: dict[str, jinja2.Template] = {}

    def page(rel: str, template: str, **context) -> None:
        depth = rel.count("/")
        context.setdefault("address", rel)
        if template not in templates:
            templates[template] = env.get_template(template)
        w.write(rel, templates[template].render(base="../" * depth, **common, **context))

    downloads = [
        {"rel": x.rel, "table": x.table, "fmt": x.fmt, "bytes": x.bytes, "sha256": x.sha256} for x in site.downloads
    ]
    sources = site.sources
    page(
        "index.html",
        "index.html",
        descriptor=d,
        released=released,
        releases=releases,
        cite_text=cite_text,
        cite_bibtex=cite_bibtex,
        downloads=downloads,
        scope=site.scope(),
        counts=[
            {"name": t.name, "title": t.title, "rows": t.rows, "description": t.schema.get("description", "")}
            for t in tables
        ],
        sources=[
            {
                "link": site.link(sources, i),
                "fields": {k: sources.columns[k][i] for k in ("publisher", "date_published") if k in sources.columns},
            }
            for i in range(sources.rows)
        ],
        latest_change=changes[0] if changes else None,
    )
    page("search.html", "search.html", shards=[f"data/search/{k:04d}.js" for k in range(1, _search(site, w) + 1)])
    if changes:
        page("changes/index.html", "changes_index.html", changes=changes)
        for c in changes:
            page(f"changes/{c['slug']}.html", "changes.html", change=c)

    for t in tables:
        dictionary = [
            {
                "name": f["name"],
                "title": f.get("title") or f["name"],
                "type": f.get("type", "string"),
                "description": f.get("description", ""),
                "unit": f.get("unit"),
                "derived": bool(f.get("derived")),
                "required": bool((f.get("constraints") or {}).get("required")),
                "enum": (f.get("constraints") or {}).get("enum"),
                "item_type": f.get("itemType"),
            }
            for f in t.fields
        ]
        meta = site.table_meta(t)
        downloads_of = [x for x in site.downloads if x.table == t.name]
        page(
            f"tables/{t.name}.html",
            "table.html",
            table=t,
            meta=meta,
            dictionary=dictionary,
            pk=t.pk,
            refs=[{"field": r.id_field, "target": r.target, "table_field": r.table_field} for r in t.refs],
            files=[{"rel": x.rel, "fmt": x.fmt, "bytes": x.bytes} for x in downloads_of],
            source_pages=[site.link(t, i) for i in range(t.rows)] if t.role == "sources" else [],
            address=f"tables/{t.name}.html",
        )
        descriptions = {d["name"]: d["description"] for d in dictionary}
        w.write(f"data/{t.name}/fields.js", f"zdFields({_js(t.name)},{_js(descriptions)});\n")
        for k, rel in enumerate(meta["shards"]):
            lo, hi = k * SHARD_SIZE, min((k + 1) * SHARD_SIZE, t.rows)
            w.write(rel, f"zdShard({_js(t.name)},{k},{_js(site.shard_rows(t, lo, hi))});\n")
        if t.role == "citations":  # shown on the pages of the records they support
            continue
        if t.role == "sources":
            for i in range(t.rows):
                record = site.record(t, i)
                page(
                    t.href(i),
                    "source.html",
                    table=t,
                    dictionary=dictionary,
                    record=record,
                    paragraphs=source_blocks(site, i),
                    passages=len(site.passages[i]),
                    file=t.columns.get("file", [None] * t.rows)[i],
                    address=record["address"],
                )
            continue
        base = "../../"
        frame = env.get_template("record.html").render(
            base=base, **common, title="\x00T\x00", main=Markup("\x00M\x00"), address="\x00A\x00"
        )
        top, rest = frame.split("\x00T\x00")
        middle, rest = rest.split("\x00M\x00")
        tail = rest.split("\x00A\x00")
        main = env.get_template("record_main.html")
        heads = [
            Markup('<dt><a href="{}tables/{}.html#field-{}" data-field="{}">{}</a></dt>').format(
                base, t.name, d["name"], d["name"], d["title"]
            )
            for d in dictionary
        ]
        folder = f"records/{t.name}/"
        for i in range(t.rows):
            record = site.record(t, i)
            body = main.render(
                base=base,
                table=t,
                r=record,
                heads=heads,
                position=i + 1,
                prev=t.href(i - 1)[len(folder) :] if i > 0 else None,
                next=t.href(i + 1)[len(folder) :] if i + 1 < t.rows else None,
            )
            address = str(escape(record["address"]))
            w.write(
                t.href(i),
                top + str(escape(record["label"])) + middle + body + address.join(tail),
            )

    for name, svg in (("timeline", pictures.timeline(site)), ("graph", pictures.graph(site))):
        page(f"pictures/{name}.html", f"{name}.html", picture=svg, address=f"pictures/{name}.html")

    static = Path(__file__).parent / "static"
    for name in ("site.css", "site.js"):
        w.write(f"assets/{name}", (static / name).read_bytes())
    for x in site.downloads:
        w.write(f"downloads/{x.rel}", (site.paths.root / x.rel).read_bytes())
    w.write("downloads/datapackage.json", site.paths.datapackage.read_bytes())
    for e in releases:
        w.write(f"downloads/{e['download']}", (site.paths.root / e["archive"]).read_bytes())
    w.write(MARKER, "A site built by `zonedata site`; the next build replaces this folder.\n")


def source_blocks(site: Site, s: int) -> list[dict]:
    """A source text as paragraphs, each with the passages that end in it: a number in the text, and
    beside it (below it on a phone) the names of the records each passage supports."""
    paragraphs = source_paragraphs(site.texts[s], site.passages[s])
    passages = sorted(site.passages[s].values(), key=lambda p: (p.start, p.end))
    number = {p.pid: k + 1 for k, p in enumerate(passages)}
    blocks = []
    for para in paragraphs:
        notes = []
        for piece in para:
            for p in piece["closing"]:
                notes.append(
                    {
                        "pid": p.pid,
                        "n": number[p.pid],
                        "records": [
                            {"h": x.href(j), "t": x.labels[j], "table": x.title, "key": str(x.key(j)[-1])}
                            for x, j in _unique(p.records)
                        ],
                    }
                )
            piece["notes"] = [(number[p.pid], p.pid) for p in piece["closing"]]
        blocks.append({"pieces": para, "notes": sorted(notes, key=lambda n: n["n"])})
    return blocks


def _unique(records: list[tuple[Table, int]]) -> list[tuple[Table, int]]:
    seen: dict[tuple[str, int], tuple[Table, int]] = {}
    for x, j in records:
        seen.setdefault((x.name, j), (x, j))
    return list(seen.values())


def _search(site: Site, w: _Writer) -> int:
    entries = site.search_entries()
    shards = max(1, (len(entries) + SEARCH_SHARD_SIZE - 1) // SEARCH_SHARD_SIZE)
    for k in range(shards):
        part = entries[k * SEARCH_SHARD_SIZE : (k + 1) * SEARCH_SHARD_SIZE]
        w.write(f"data/search/{k + 1:04d}.js", f"zdSearch({k},{_js(part)});\n")
    return shards

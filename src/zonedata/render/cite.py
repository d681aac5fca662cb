"""The renderings of a citation (`zonedata cite` and the site): APA-style text, BibTeX and CITATION.cff.

The citation itself (CITATION.cff, or one made from datapackage.json before the first release) comes
from `zonedata.release.cite`, which also writes CITATION.cff as a release file: `render_cff` is that
file's text."""

from __future__ import annotations

import re
from pathlib import Path

from zonedata.base import safe_json
from zonedata.base.paths import Paths
from zonedata.release.cite import citation_paths, current_citation, dump_citation, read_valid_citation


def _person_text(a: dict) -> str:
    if "family-names" in a:
        initials = " ".join(f"{p[0]}." for p in re.split(r"[\s-]+", a.get("given-names", "")) if p)
        return a["family-names"] + (f", {initials}" if initials else "")
    return a.get("name", "")


def _doi(cff: dict) -> str | None:
    if cff.get("doi"):
        return str(cff["doi"])
    for ident in cff.get("identifiers", []) or []:
        if isinstance(ident, dict) and ident.get("type") == "doi":
            return str(ident.get("value"))
    return None


def _year(cff: dict) -> str:
    date = cff.get("date-released")
    return str(date)[:4] if date else "n.d."


def render_text(cff: dict, released: bool = True) -> str:
    """APA-style: Authors (year). Title (Version X) [Data set]. DOI or repository."""
    names = [_person_text(a) for a in cff.get("authors", [])]
    authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", & " + names[-1] if names else ""
    title = str(cff.get("title", "")).rstrip(".")
    version = f" (Version {cff.get('version')}{'' if released else ', unreleased'})" if cff.get("version") else ""
    where = f"https://doi.org/{_doi(cff)}" if _doi(cff) else cff.get("repository-code") or cff.get("url") or ""
    text = f"{authors} ({_year(cff)}). {title}{version} [Data set]." + (f" {where}" if where else "")
    return text + "\n"


_BIBTEX_SPECIAL = re.compile(r"([&%$#_])")


def _bib(value) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", str(value))


def render_bibtex(cff: dict, released: bool = True, name: str | None = None) -> str:
    """A BibTeX @misc entry (the type every BibTeX style knows); entities are braced so they are not split.
    Its key is the package's `name` (metadata/package.json) and version: lakeside-figures-1.2.0; without a
    name, the words of the title before a colon, as a slug."""
    authors = []
    for a in cff.get("authors", []):
        if "family-names" in a:
            authors.append(_bib(a["family-names"] + (f", {a['given-names']}" if a.get("given-names") else "")))
        else:
            authors.append("{" + _bib(a.get("name", "")) + "}")
    version = str(cff.get("version", ""))
    fields: list[tuple[str, object]] = [
        ("author", " and ".join(authors)),
        ("title", "{" + _bib(cff.get("title", "")) + "}"),
        ("year", _year(cff)),
        ("version", version),
    ]
    if _doi(cff):
        fields.append(("doi", _doi(cff)))
    if cff.get("repository-code") or cff.get("url"):
        fields.append(("url", cff.get("repository-code") or cff.get("url")))
    note = f"Data set, version {version}" + (f", released {cff['date-released']}" if cff.get("date-released") else "")
    if not released:
        note += " (unreleased)"
    if cff.get("license"):
        note += f"; licence {cff['license']}"
    fields.append(("note", _bib(note)))
    if not name:
        slug = re.sub(r"[^a-z0-9]+", "-", str(cff.get("title", "")).split(":", 1)[0].lower()).strip("-")
        name = slug or "dataset"
    key = f"{name}-{version or 'unreleased'}"
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@misc{{{key},\n{body}\n}}\n"


def render_cff(cff: dict, released: bool = True) -> str:
    return dump_citation(cff)


RENDERERS = {"text": render_text, "bibtex": render_bibtex, "cff": render_cff}


def cite(root: Path, fmt: str = "text") -> str:
    """The citation of the current version in `fmt` ("text", "bibtex" or "cff"); see `citation_paths`
    for where it is read from outside a package."""
    paths = citation_paths(root)
    if fmt == "cff" and paths.citation_cff.is_file():
        read_valid_citation(paths)
        return paths.citation_cff.read_text(encoding="utf-8")
    cff, released = current_citation(paths)
    if fmt == "bibtex":
        return render_bibtex(cff, released, _package_name(paths))
    return RENDERERS[fmt](cff, released)


def _package_name(paths: Paths) -> str | None:
    """The package's name: metadata/package.json's, else the published datapackage.json's; None without either."""
    for path in (paths.package_metadata, paths.datapackage):
        try:
            name = safe_json.loads(path.read_bytes().decode("utf-8")).get("name")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(name, str) and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
            return name
    return None

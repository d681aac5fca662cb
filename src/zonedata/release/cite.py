"""Citation metadata: CITATION.cff (the single source of how to cite the dataset), the .zenodo.json
derived from it, and the text and BibTeX renderings `zonedata cite` prints.

CITATION.cff is written by `zonedata release`. The first release fills it from datapackage.json
and pyproject.toml; afterwards curators may edit its title, authors (add ORCIDs, affiliations),
abstract, keywords and any other key, and every later release keeps those edits and rewrites only
`version` and `date-released`.
"""

from __future__ import annotations

import json
import re
import subprocess
from importlib import resources
from pathlib import Path

from zonedata.base.findings import ConfigError
from zonedata.base.paths import INSTALLED_PACKAGE, Paths
from zonedata.loading.datapackage import parse_descriptor
from zonedata.loading.versioning import pyproject_metadata

CFF_VERSION = "1.2.0"
MESSAGE = "If you use this dataset, please cite it using the metadata from this file."
#: keys the CFF schema requires, plus those a versioned dataset citation needs (rule citation-key-missing, error)
REQUIRED_KEYS = ("cff-version", "message", "title", "authors", "type", "version", "date-released", "license")
#: keys a release writes when it can; missing ones are warnings (rule citation-key-missing, warning)
RECOMMENDED_KEYS = ("abstract", "keywords", "repository-code")
#: the order keys are written in; keys a curator added are kept after these
KEY_ORDER = (
    "cff-version",
    "message",
    "type",
    "title",
    "abstract",
    "authors",
    "version",
    "date-released",
    "doi",
    "identifiers",
    "license",
    "repository-code",
    "url",
    "keywords",
)
HEADER = (
    "# Citation metadata of the zonedata dataset (https://citation-file-format.github.io/).\n"
    "# Written by `zonedata release`: it updates version and date-released and keeps every other key,\n"
    "# so edit title, authors, abstract and keywords here. Check with: cffconvert --validate -i CITATION.cff\n"
)


def _notes(licence: str) -> str:
    """Zenodo's notes: the data's licence (metadata/package.json), the code's, and the source texts' status."""
    return (
        f"Data: {licence or 'see the package metadata'}. Code (the zonedata Python package): MIT. The source texts "
        "in seeds/ are third-party news texts kept so that every quoted value can be verified; their copyright remains "
        "with their publishers, and they are not covered by either licence."
    )


URL_KEYS = ("Repository", "repository", "Source", "source", "Source Code", "Homepage", "homepage")


def _yaml():
    import yaml  # pyyaml; imported here so `zonedata --help` stays light

    return yaml


#: the most values a YAML document may hold once its aliases are expanded (a CITATION.cff holds a few hundred)
MAX_YAML_NODES = 100_000


def _bounded_loader():
    """A safe YAML loader that refuses a document whose aliases would expand beyond MAX_YAML_NODES values.

    PyYAML shares an aliased value instead of copying it, but everything that walks the result
    (printing, dumping, comparing) expands it: nine levels of nine aliases ("billion laughs") are
    387 million values from a 1 kB file."""
    yaml = _yaml()

    class BoundedLoader(yaml.SafeLoader):
        def construct_document(self, node):
            sizes: dict[int, int] = {}

            def size(n) -> int:
                if id(n) not in sizes:
                    sizes[id(n)] = 0  # a recursive alias counts as one value, not forever
                    if isinstance(n, yaml.MappingNode):
                        total = 1 + sum(size(k) + size(v) for k, v in n.value)
                    elif isinstance(n, yaml.SequenceNode):
                        total = 1 + sum(size(v) for v in n.value)
                    else:
                        total = 1
                    sizes[id(n)] = total
                    if total > MAX_YAML_NODES:
                        raise yaml.constructor.ConstructorError(
                            None,
                            None,
                            f"its aliases expand to more than {MAX_YAML_NODES} values (a YAML alias bomb?); "
                            "write the values out instead of repeating *aliases",
                            n.start_mark,
                        )
                return sizes[id(n)]

            size(node)
            return super().construct_document(node)

    return BoundedLoader


def read_yaml(path: Path) -> dict:
    """A YAML mapping from a file; ConfigError when it cannot be read, expands without bound or is not a mapping."""
    yaml = _yaml()
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_bounded_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path.name} is not valid YAML: {exc}") from exc
    except RecursionError:
        raise ConfigError(f"{path.name} is not valid YAML: it is nested too deeply") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} is not a YAML mapping of keys to values")
    return data


#: CFF person and entity keys whose values are text
PERSON_TEXT_KEYS = (
    "family-names",
    "given-names",
    "name-particle",
    "name-suffix",
    "name",
    "affiliation",
    "email",
    "orcid",
    "website",
    "alias",
    "address",
    "city",
    "country",
    "region",
    "post-code",
    "tel",
    "fax",
)


def citation_problems(cff: dict) -> list[tuple[str, str]]:
    """(key, what is wrong) for every value of a citation that is not of the type the CFF schema gives it, so that
    nothing later (cite, release, .zenodo.json) meets an author that is a string or a name that is a number."""
    problems: list[tuple[str, str]] = []
    authors = cff.get("authors")
    if "authors" in cff:
        if not isinstance(authors, list) or not authors:
            problems.append(
                (
                    "authors",
                    (
                        f"authors must be a list of persons or entities, not {_shown(authors)}: "
                        "write `authors:` then one `- family-names: ...` or `- name: ...` per author"
                    ),
                )
            )
        else:
            for i, person in enumerate(authors, 1):
                if not isinstance(person, dict):
                    problems.append(
                        (
                            "authors",
                            (
                                f"author {i} is {_shown(person)}, not a person or entity: write it "
                                "as `- family-names: ...` / `given-names: ...` or `- name: ...`"
                            ),
                        )
                    )
                    continue
                bad = [k for k in PERSON_TEXT_KEYS if k in person and not isinstance(person[k], str)]
                if bad:
                    shown = ", ".join(f"{k} {_shown(person[k])}" for k in bad)
                    problems.append(("authors", f"author {i}: {shown} must be text (quote it)"))
                elif not (isinstance(person.get("family-names"), str) and person["family-names"].strip()) and not (
                    isinstance(person.get("name"), str) and person["name"].strip()
                ):
                    problems.append(("authors", f"author {i} has neither family-names nor name"))
    for key in ("title", "abstract", "doi", "repository-code", "url", "license", "message"):
        if key in cff and cff[key] is not None and not isinstance(cff[key], str):
            problems.append((key, f"{key} must be text, not {_shown(cff[key])} (quote it)"))
    keywords = cff.get("keywords")
    if "keywords" in cff and not (isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)):
        problems.append(("keywords", "keywords must be a list of text values"))
    identifiers = cff.get("identifiers")
    if "identifiers" in cff and not (isinstance(identifiers, list) and all(isinstance(i, dict) for i in identifiers)):
        problems.append(("identifiers", "identifiers must be a list of {type, value} entries"))
    version = cff.get("version")
    if version is not None and not isinstance(version, (str, int, float)):
        problems.append(("version", f"version must be a version number, not {_shown(version)}"))
    return problems


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def read_valid_citation(paths: Paths) -> dict | None:
    """CITATION.cff as read_citation gives it, or ConfigError naming each value of the wrong type."""
    cff = read_citation(paths)
    problems = citation_problems(cff) if cff is not None else []
    if problems:
        raise ConfigError(
            "CITATION.cff: "
            + "; ".join(message for _, message in problems)
            + " (zonedata validate lists them with their lines)"
        )
    return cff


def read_citation(paths: Paths) -> dict | None:
    """CITATION.cff as a dict, or None before the first release."""
    return read_yaml(paths.confined(paths.citation_cff)) if paths.citation_cff.is_file() else None


def read_descriptor(paths: Paths) -> dict:
    if not paths.datapackage.is_file():
        return {}
    paths.confined(paths.datapackage)
    return parse_descriptor(paths.datapackage.read_bytes())


def _git_remote_url(root: Path) -> str | None:
    """origin's URL as https (git@github.com:o/r.git -> https://github.com/o/r), or None."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    url = out.stdout.strip() if out.returncode == 0 else ""
    m = re.match(r"^git@([^:]+):(.+?)(\.git)?$", url)
    if m:
        url = f"https://{m[1]}/{m[2]}"
    url = re.sub(r"\.git$", "", url)
    return url if url.startswith("https://") else None


def repository_url(paths: Paths, descriptor: dict | None = None) -> str | None:
    """Where the data lives: [project.urls] in pyproject.toml, else the descriptor's homepage, else git's origin."""
    urls = pyproject_metadata(paths.pyproject).get("urls", {})
    for key in URL_KEYS:
        if isinstance(urls.get(key), str) and urls[key].startswith("http"):
            return urls[key]
    homepage = (descriptor or {}).get("homepage")
    if isinstance(homepage, str) and homepage.startswith("http"):
        return homepage
    return _git_remote_url(paths.root)


def _cff_author(person: dict) -> dict | None:
    """A CFF person or entity from a Data Package contributor or a pyproject author."""
    if not isinstance(person, dict):
        return None
    out: dict = {}
    family, given = person.get("familyName"), person.get("givenName")
    if family:
        out["family-names"] = family
        if given:
            out["given-names"] = given
    else:
        name = person.get("title") or person.get("name")
        if not name:
            return None
        out["name"] = name
    if person.get("email"):
        out["email"] = person["email"]
    if person.get("organization") and family:
        out["affiliation"] = person["organization"]
    path = person.get("path")
    if isinstance(path, str) and path.startswith("https://orcid.org/"):
        out["orcid"] = path
    return out


def _authors(descriptor: dict, project: dict) -> list[dict]:
    contributors = [c for c in descriptor.get("contributors", []) if isinstance(c, dict)]
    creators = [
        c for c in contributors if {"author", "creator"} & set(c.get("roles", []) + [c.get("role")])
    ] or contributors
    authors = [a for a in map(_cff_author, creators) if a]
    if not authors:
        authors = [a for a in map(_cff_author, project.get("authors", [])) if a]
    return authors


def _license(descriptor: dict) -> str:
    for lic in descriptor.get("licenses", []):
        if isinstance(lic, dict) and isinstance(lic.get("name"), str) and re.fullmatch(r"[A-Za-z0-9.+-]+", lic["name"]):
            return lic["name"]
    return ""  # (metadata/package.json is checked to name a licence, or give its path)


def _ordered(cff: dict) -> dict:
    out = {k: cff[k] for k in KEY_ORDER if k in cff}
    out.update({k: v for k, v in cff.items() if k not in out})
    return out


def citation_metadata(
    paths: Paths, version: str, date: str | None, existing: dict | None = None, descriptor: dict | None = None
) -> dict:
    """The CITATION.cff content for `version` released on `date`: the existing file's keys win, missing ones are
    filled from datapackage.json, then pyproject.toml."""
    descriptor = read_descriptor(paths) if descriptor is None else descriptor
    project = pyproject_metadata(paths.pyproject)
    existing = dict(existing or {})
    filled = {
        "cff-version": CFF_VERSION,
        "message": MESSAGE,
        "type": "dataset",
        "title": descriptor.get("title") or project.get("description") or project.get("name"),
        "abstract": descriptor.get("description") or project.get("description"),
        "authors": _authors(descriptor, project),
        "license": _license(descriptor),
        "repository-code": repository_url(paths, descriptor),
        "keywords": list(descriptor.get("keywords") or project.get("keywords") or []),
    }
    cff = {**{k: v for k, v in filled.items() if v}, **existing, "version": version}
    if date:
        cff["date-released"] = date
    else:
        cff.pop("date-released", None)
    return _ordered(cff)


def dump_citation(cff: dict) -> str:
    body = _yaml().safe_dump(cff, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return HEADER + "\n" + body


def zenodo_metadata(cff: dict, existing: dict | None = None) -> dict:
    """.zenodo.json from the citation (Zenodo reads it on a GitHub release); keys a curator added are kept."""
    creators = []
    for a in cff.get("authors", []):
        if "family-names" in a:
            name = a["family-names"] + (f", {a['given-names']}" if a.get("given-names") else "")
        else:
            name = a.get("name", "")
        creator = {"name": name}
        if a.get("affiliation"):
            creator["affiliation"] = a["affiliation"]
        if a.get("orcid"):
            creator["orcid"] = a["orcid"].rsplit("/", 1)[-1]
        creators.append(creator)
    generated = {
        "upload_type": "dataset",
        "title": cff.get("title"),
        "version": cff.get("version"),
        "publication_date": str(cff.get("date-released")),
        "creators": creators,
        "description": cff.get("abstract") or cff.get("title"),
        "license": str(cff.get("license", "")).lower(),  # Zenodo's ids are the SPDX ids in lower case
        "access_right": "open",
        "keywords": list(cff.get("keywords", [])),
        "notes": _notes(str(cff.get("license", ""))),
    }
    if cff.get("repository-code"):
        generated["related_identifiers"] = [
            {"identifier": cff["repository-code"], "relation": "isSupplementTo", "scheme": "url"}
        ]
    extra = {k: v for k, v in (existing or {}).items() if k not in generated}
    return {**{k: v for k, v in generated.items() if v not in (None, "", [])}, **extra}


def dump_zenodo(meta: dict) -> str:
    return json.dumps(meta, indent=2, ensure_ascii=False) + "\n"


# --- zonedata cite ----------------------------------------------------------------------------


def current_citation(paths: Paths) -> tuple[dict, bool]:
    """(citation, released): CITATION.cff once there is a release; before, one made from datapackage.json."""
    existing = read_valid_citation(paths)
    if existing is not None:
        return existing, True
    descriptor = read_descriptor(paths)
    version = descriptor.get("version") or pyproject_metadata(paths.pyproject).get("version")
    if not version:
        raise ConfigError("no CITATION.cff, datapackage.json or pyproject.toml version: run `zonedata build` first")
    return citation_metadata(paths, str(version), None, descriptor=descriptor), False


def installed_package() -> Path | None:
    """The published package shipped inside an installed wheel (zonedata/_package/), or None in a checkout."""
    try:
        base = Path(str(resources.files("zonedata") / INSTALLED_PACKAGE))
    except (ModuleNotFoundError, TypeError):
        return None
    return base if (base / "datapackage.json").is_file() else None


def citation_paths(root: Path) -> Paths:
    """The paths of the package to cite at `root`.

    Outside a package (no CITATION.cff, datapackage.json or pyproject.toml at `root`), an installed
    wheel cites the version it ships, so `pip install zonedata && zonedata cite` says how to cite it."""
    paths = Paths(Path(root))
    if not any(p.is_file() for p in (paths.citation_cff, paths.datapackage, paths.pyproject)):
        shipped = installed_package()
        if shipped is not None:
            paths = Paths(shipped)
    return paths

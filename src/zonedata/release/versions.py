"""Check: one version everywhere, a complete citation, and released archives left untouched.

pyproject.toml holds the version (`zonedata release` bumps it); datapackage.json (written by the
build), CITATION.cff and .zenodo.json (written by the release) must repeat it, and once there are
releases it must be one of them. Before the first release (no CITATION.cff) this check says nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from functools import partial

from zonedata.base import safe_json
from zonedata.base.findings import WARNING, ConfigError, Finding
from zonedata.base.paths import OutsideRoot
from zonedata.loading.dataset import Dataset
from zonedata.loading.versioning import (
    json_key_line,
    manifest_path,
    read_manifest,
    read_pyproject_version,
    yaml_key_line,
)
from zonedata.release.cite import RECOMMENDED_KEYS, REQUIRED_KEYS, citation_problems, read_yaml

#: the most bytes of one archive member the checks read (a datapackage.json is a few hundred KB)
MAX_DESCRIPTOR_BYTES = 64 * 1024 * 1024
RELEASE_HINT = "versions are written by `zonedata release`: restore the file from git, or cut a release"


#: the line a version is written on, found only when a finding names it (datapackage.json is a few hundred KB)
Line = Callable[[], int | None]


def _known(line: int | None) -> Line:
    return lambda: line


def _json_version(path) -> tuple[str | None, Line]:
    text = path.read_text(encoding="utf-8")
    data = safe_json.loads(text)
    version = data.get("version") if isinstance(data, dict) else None
    return (None if version is None else str(version)), partial(json_key_line, text, "version")


def _member_prefix(names: list[str]) -> str | None:
    """Where a release archive keeps its files: "" (at its top) or "zonedata-X.Y.Z/" (archives up to 1.0.0)."""
    if "datapackage.json" in names:
        return ""
    tops = sorted(n[: -len("datapackage.json")] for n in names if n.endswith("/datapackage.json") and n.count("/") == 1)
    return tops[0] if len(tops) == 1 else None


def archive_problems(data: bytes, version: str) -> list[str]:
    """What keeps a release archive from being the package it says it is: its datapackage.json is missing,
    states another version, or lists a file the archive lacks or holds with other bytes. [] when whole."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
        prefix = _member_prefix(names)
        if prefix is None:
            return ["it holds no datapackage.json"]
        info = zf.getinfo(prefix + "datapackage.json")
        if info.file_size > MAX_DESCRIPTOR_BYTES:
            return [f"its datapackage.json would expand to {info.file_size} bytes"]
        descriptor = safe_json.loads(zf.read(info).decode("utf-8"))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError, NotImplementedError, RuntimeError) as exc:
        return [f"it is not a readable release archive: {exc}"]
    if not isinstance(descriptor, dict):
        return ["its datapackage.json is not an object"]
    problems = []
    if str(descriptor.get("version")) != version:
        problems.append(f"its datapackage.json says version {descriptor.get('version')}, not {version}")
    members = set(names)
    for resource in descriptor.get("resources") or []:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str):
            continue
        if prefix + path not in members:
            problems.append(f"{path}: listed in datapackage.json but not in the archive")
            continue
        member = zf.getinfo(prefix + path)
        stated = resource.get("bytes")
        if isinstance(stated, int) and member.file_size != stated:
            problems.append(f"{path}: {member.file_size} bytes in the archive, datapackage.json says {stated}")
            continue
        digest = str(resource.get("hash", ""))
        if digest.startswith("sha256:") and member.file_size <= MAX_DESCRIPTOR_BYTES * 16:
            actual = hashlib.sha256(zf.read(member)).hexdigest()
            if actual != digest[len("sha256:") :]:
                problems.append(f"{path}: sha256 {actual} in the archive, datapackage.json says {digest}")
    return problems


def _entry_line(text: str, version: str) -> int | None:
    m = re.search(rf'"version"\s*:\s*"{re.escape(version)}"', text)
    return None if m is None else text.count("\n", 0, m.start()) + 1


#: a release heading of CHANGELOG.md: `## [X.Y.Z] - YYYY-MM-DD`
_CHANGELOG_HEADING = re.compile(r"^## \[(?!unreleased\])([^\]]*)\]\s*(?:-\s*(\S+))?[ \t]*$", re.M | re.I)


def manifest_findings(paths, releases, today: dt.date | None = None) -> list[Finding]:
    """Each release's archive is present with its recorded sha256 (these findings first), whole and holding
    its version; dates are dates, in order, not in the future; CHANGELOG.md's entries are exactly the
    releases, with their dates. Each archive is read once."""
    today = today or dt.date.today()
    latest = today + dt.timedelta(days=1)  # as `zonedata release --date` allows: UTC may be a day ahead
    manifest = paths.rel(manifest_path(paths))
    text = manifest_path(paths).read_text(encoding="utf-8") if releases else ""
    rewritten: list[Finding] = []  # an archive missing or not the one recorded
    findings: list[Finding] = []
    last: dt.date | None = None
    for entry in releases:
        line = _entry_line(text, entry.version)
        try:
            day = dt.date.fromisoformat(entry.date) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.date) else None
        except ValueError:
            day = None
        if day is None:
            findings.append(
                Finding(
                    "release-date-invalid",
                    f"release {entry.version}: date {entry.date!r} is not a date YYYY-MM-DD: restore it from git",
                    file=manifest,
                    line=line,
                    field="date",
                    value=entry.date,
                )
            )
        elif day > latest:
            findings.append(
                Finding(
                    "release-date-invalid",
                    f"release {entry.version} is dated {entry.date}, after today ({today.isoformat()}): a "
                    "release is dated the day it was cut; restore the date from git",
                    file=manifest,
                    line=line,
                    field="date",
                    value=entry.date,
                )
            )
        elif last is not None and day < last:
            findings.append(
                Finding(
                    "release-date-invalid",
                    f"release {entry.version} is dated {entry.date}, before the release before it "
                    f"({last.isoformat()}): releases are dated in the order they were cut; restore the date from git",
                    file=manifest,
                    line=line,
                    field="date",
                    value=entry.date,
                )
            )
        if day is not None and day <= latest:
            last = day if last is None else max(last, day)
        archive = paths.root / entry.archive
        if not archive.is_file():
            rewritten.append(
                Finding(
                    "release-archive-mismatch",
                    f"the archive of release {entry.version} is missing: "
                    "restore it from git (released archives are committed)",
                    file=entry.archive,
                )
            )
            continue
        data = archive.read_bytes()
        if (digest := hashlib.sha256(data).hexdigest()) != entry.sha256:
            rewritten.append(
                Finding(
                    "release-archive-mismatch",
                    f"sha256 is {digest}, but release {entry.version} recorded "
                    f"{entry.sha256}: a released archive is never rewritten; restore it from git",
                    file=entry.archive,
                    value=digest,
                )
            )
            continue
        size = len(data)
        if size != entry.bytes:
            findings.append(
                Finding(
                    "release-archive-mismatch",
                    f"the archive of release {entry.version} has {size} bytes, but {manifest} records "
                    f"{entry.bytes}: a released archive is never rewritten; restore both from git",
                    file=manifest,
                    line=line,
                    field="bytes",
                    value=str(entry.bytes),
                )
            )
        problems = archive_problems(data, entry.version)
        for problem in problems:
            findings.append(
                Finding(
                    "release-archive-mismatch",
                    f"the archive of release {entry.version}: {problem}: restore it from git",
                    file=entry.archive,
                    field="version" if "version" in problem else None,
                )
            )
    return rewritten + findings + _changelog_findings(paths, releases)


def _changelog_findings(paths, releases) -> list[Finding]:
    if not releases:
        return []
    file = paths.rel(paths.changelog)
    if not paths.changelog.is_file():
        return [Finding("changelog-mismatch", f"{file} is missing: restore it from git", file=file)]
    text = paths.changelog.read_text(encoding="utf-8", errors="replace")
    findings: list[Finding] = []
    recorded = {e.version: e for e in releases}
    seen: set[str] = set()
    for m in _CHANGELOG_HEADING.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        version, date = m[1].strip(), (m[2] or "").strip()
        entry = recorded.get(version)
        if entry is None:
            findings.append(
                Finding(
                    "changelog-mismatch",
                    f"the entry [{version}] is not a release recorded in {paths.rel(manifest_path(paths))}: "
                    "entries are written by `zonedata release`; notes for the next release go under [Unreleased]",
                    file=file,
                    line=line,
                    field="version",
                    value=version,
                )
            )
        elif version in seen:
            findings.append(
                Finding(
                    "changelog-mismatch",
                    f"release {version} has two entries: keep the one `zonedata release` wrote",
                    file=file,
                    line=line,
                    field="version",
                    value=version,
                )
            )
        elif date != entry.date:
            findings.append(
                Finding(
                    "changelog-mismatch",
                    f"the entry of release {version} is dated {date or '(no date)'}, but the release was cut "
                    f"on {entry.date}: restore the heading `## [{version}] - {entry.date}`",
                    file=file,
                    line=line,
                    field="date",
                    value=date,
                )
            )
        seen.add(version)
    for version in recorded:
        if version not in seen:
            findings.append(
                Finding(
                    "changelog-mismatch",
                    f"release {version} has no entry: restore `## [{version}] - {recorded[version].date}` and "
                    "its text from git",
                    file=file,
                    field="version",
                    value=version,
                )
            )
    return findings


#: the journal `zonedata release` keeps while it writes (see release.release); here so validate can name it
JOURNAL_NAME = ".release-journal.json"


def check(ds: Dataset) -> list[Finding]:
    paths = ds.paths
    journal = paths.releases / JOURNAL_NAME
    interrupted = (
        [
            Finding(
                "release-interrupted",
                "a release was interrupted (killed) half way: run the same `zonedata release` again, without "
                "committing anything first; it puts back what it wrote and finishes the release",
                file=paths.rel(journal),
            )
        ]
        if journal.exists()
        else []
    )
    return interrupted + _check(ds)


def _check(ds: Dataset) -> list[Finding]:
    paths = ds.paths
    if not paths.citation_cff.is_file():
        return _without_citation(paths)
    findings: list[Finding] = []
    cff_file = paths.rel(paths.citation_cff)
    try:
        cff = read_yaml(paths.citation_cff)
    except ConfigError as exc:
        return [
            Finding(
                "citation-invalid",
                f"{exc}: fix the YAML (check with cffconvert --validate -i CITATION.cff)",
                file=cff_file,
            )
        ]
    cff_text = paths.citation_cff.read_text(encoding="utf-8")
    for key, message in citation_problems(cff):
        findings.append(
            Finding(
                "citation-invalid",
                f"{message} (check with cffconvert --validate -i CITATION.cff)",
                file=cff_file,
                line=yaml_key_line(cff_text, key),
                field=key,
            )
        )
    for key in REQUIRED_KEYS + RECOMMENDED_KEYS:
        if cff.get(key) in (None, "", []):
            required = key in REQUIRED_KEYS
            findings.append(
                Finding(
                    "citation-key-missing",
                    f"CITATION.cff has no {key!r}: add it"
                    + ("" if required else " (recommended for a dataset citation)"),
                    file=cff_file,
                    field=key,
                    severity="error" if required else WARNING,
                )
            )

    # (file, line, version, how to fix it) for each place the version is written
    places: list[tuple[str, Line, str | None, str]] = []
    reference: tuple[str, Line, str | None] | None = None
    if paths.pyproject.is_file():
        try:
            version, at = read_pyproject_version(paths.pyproject)
            reference = (paths.rel(paths.pyproject), _known(at), version)
        except ConfigError:
            pass  # unreadable TOML is a packaging problem, reported by pip and the build
    for path, hint in (
        (paths.datapackage, "run `zonedata build`: it writes the version from pyproject.toml"),
        (paths.zenodo_json, RELEASE_HINT),
    ):
        if not path.is_file():
            if path == paths.zenodo_json:
                findings.append(
                    Finding(
                        "version-mismatch",
                        f".zenodo.json is missing beside CITATION.cff: {RELEASE_HINT}",
                        file=paths.rel(path),
                    )
                )
            continue
        try:
            version, line = _json_version(path)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if path == paths.zenodo_json:
                findings.append(
                    Finding(
                        "citation-invalid",
                        f".zenodo.json is not valid JSON: {exc}; {RELEASE_HINT}",
                        file=paths.rel(path),
                    )
                )
            continue  # an unreadable datapackage.json is the publication check's finding
        places.append((paths.rel(path), line, version, hint))
    cff_version = cff.get("version")
    places.append(
        (
            cff_file,
            partial(yaml_key_line, cff_text, "version"),
            None if cff_version is None else str(cff_version),
            RELEASE_HINT,
        )
    )
    if reference is None or reference[2] is None:
        reference = next(((f, ln, v) for f, ln, v, _ in places if v is not None), None)
    try:
        releases = read_manifest(paths)
    except OutsideRoot as exc:
        findings.append(
            Finding(
                "path-outside-root",
                f"{exc}: nothing was read there",
                file=paths.rel(manifest_path(paths)),
                field="archive",
            )
        )
        releases = []
    except ConfigError as exc:
        findings.append(Finding("release-archive-mismatch", str(exc), file=paths.rel(manifest_path(paths))))
        releases = []
    if reference is None:
        return findings
    ref_file, ref_line, ref_version = reference
    ref_label = ref_file
    if releases and ref_version not in {e.version for e in releases}:
        # the version was changed by hand: that is the one thing to fix, the other files are measured against the release
        findings.append(
            Finding(
                "version-mismatch",
                f"version {ref_version} is not a release recorded in "
                f"{paths.rel(manifest_path(paths))} (latest: {releases[-1].version}): set it back to "
                f"{releases[-1].version}; `zonedata release` bumps it",
                file=ref_file,
                line=ref_line(),
                field="version",
                value=ref_version,
            )
        )
        ref_version, ref_label = releases[-1].version, "the latest release"
    for file, line, version, hint in places:
        if file == ref_file or version is None or version == ref_version:
            continue
        findings.append(
            Finding(
                "version-mismatch",
                f"version is {version}, but {ref_label} says {ref_version}: {hint}",
                file=file,
                line=line(),
                field="version",
                value=version,
            )
        )
    findings += manifest_findings(paths, releases)
    return findings


def _without_citation(paths) -> list[Finding]:
    """No CITATION.cff: nothing to check before the first release; after it, its absence is a finding and
    the releases are checked all the same (deleting the file must not silence the archive checks)."""
    manifest = paths.rel(manifest_path(paths))
    try:
        releases = read_manifest(paths)
    except OutsideRoot as exc:
        return [Finding("path-outside-root", f"{exc}: nothing was read there", file=manifest, field="archive")]
    except ConfigError as exc:
        return [Finding("release-archive-mismatch", str(exc), file=manifest)]
    if not releases:
        return []
    missing = Finding(
        "citation-invalid",
        f"CITATION.cff is missing, but {manifest} records {len(releases)} release(s): "
        "restore it from git (`zonedata release` writes it)",
        file=paths.rel(paths.citation_cff),
    )
    return [missing, *manifest_findings(paths, releases)]

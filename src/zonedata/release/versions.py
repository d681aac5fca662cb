"""Check: one version everywhere, a complete citation, and released archives left untouched.

pyproject.toml holds the version (`zonedata release` bumps it); datapackage.json (written by the
build), CITATION.cff and .zenodo.json (written by the release) must repeat it, and once there are
releases it must be one of them. Before the first release (no CITATION.cff) this check says nothing.
"""

from __future__ import annotations

import json

from zonedata.base import safe_json
from zonedata.base.findings import WARNING, ConfigError, Finding
from zonedata.base.hashing import sha256_file
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

RELEASE_HINT = "versions are written by `zonedata release`: restore the file from git, or cut a release"


def _json_version(path) -> tuple[str | None, int | None]:
    text = path.read_text(encoding="utf-8")
    data = safe_json.loads(text)
    version = data.get("version") if isinstance(data, dict) else None
    return (None if version is None else str(version)), json_key_line(text, "version")


def check(ds: Dataset) -> list[Finding]:
    paths = ds.paths
    if not paths.citation_cff.is_file():
        return []
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
    places: list[tuple[str, int | None, str | None, str]] = []
    reference = None
    if paths.pyproject.is_file():
        try:
            version, line = read_pyproject_version(paths.pyproject)
            reference = (paths.rel(paths.pyproject), line, version)
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
        (cff_file, yaml_key_line(cff_text, "version"), None if cff_version is None else str(cff_version), RELEASE_HINT)
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
                line=ref_line,
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
                line=line,
                field="version",
                value=version,
            )
        )
    for entry in releases:
        archive = paths.root / entry.archive
        if not archive.is_file():
            findings.append(
                Finding(
                    "release-archive-mismatch",
                    f"the archive of release {entry.version} is missing: "
                    "restore it from git (released archives are committed)",
                    file=entry.archive,
                )
            )
        elif (digest := sha256_file(archive)) != entry.sha256:
            findings.append(
                Finding(
                    "release-archive-mismatch",
                    f"sha256 is {digest}, but release {entry.version} recorded "
                    f"{entry.sha256}: a released archive is never rewritten; restore it from git",
                    file=entry.archive,
                    value=digest,
                )
            )
    return findings

"""`release(root, bump=... | version=...)`: cut a versioned, citable release of the package.

A release refuses unless the working tree is committed (git) and the data is valid, the version
is new and greater than every earlier release, and the bump is big enough for what changed since
the previous release (the Frictionless "Data Package Version" rules, see `diff.py`). Then it
writes the version into pyproject.toml, datapackage.json (by running the build), CITATION.cff and
.zenodo.json; adds a CHANGELOG.md entry with a per-table summary of records added, removed and
changed; writes the archive releases/zonedata-X.Y.Z.zip and records its sha256 in
releases/releases.json (with the commit it was cut from). It commits nothing: the curator reviews
and commits (a tag is optional: nothing depends on one).

A release survives being killed at any moment. Before its first write it records a journal,
releases/.release-journal.json, with the version and the commit it is cut from; it removes the
journal after its last write. A rerun that finds a journal puts every file the release writes back
as that commit holds it (and deletes the files it created), then cuts the release again from the
same committed inputs, so it ends with the same bytes as a release that was never interrupted. It
refuses, and changes nothing, if the commit moved or a file the release never writes was changed
since (`zonedata release --dry-run` says what it would put back).

Where releases live: releases/releases.json lists every release and the archives are committed
beside it, so `zonedata diff 1.0.0 .` works in a plain clone without tags.

The archive is reproducible byte for byte: entries sorted, stored uncompressed (deflate output
depends on the zlib build, so compressing would make it differ between machines), every
timestamp the release date at 00:00, fixed permissions. It holds, at its top, datapackage.json,
data/clean/, schemas/, the seeds metadata (seeds/*.csv, with each text's URL and sha256), docs/,
README.md, CHANGELOG.md, CITATION.cff, LICENSE and SHA256SUMS: datapackage.json at the top is
where Frictionless looks in a zipped package, so `frictionless validate zonedata-X.Y.Z.zip`
validates every resource. Archives up to 1.0.0 hold the same files in one folder
zonedata-X.Y.Z/ (re-create one with `archive_bytes(..., folder=True)`); `diff` reads both. The seed texts
themselves are not in it: they are third-party news texts whose copyright stays with their
publishers, so they cannot go into a CC-BY-4.0 deposit; they stay in the repository, and their
sha256 in seeds/sources.csv lets anyone verify a copy.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from zonedata.base import safe_json
from zonedata.base.findings import ConfigError, Report
from zonedata.base.hashing import sha256_bytes
from zonedata.base.paths import Paths
from zonedata.loading.datapackage import parse_descriptor
from zonedata.loading.dataset import confinement_findings
from zonedata.loading.versioning import (
    ReleaseEntry,
    archive_name,
    bump_level,
    bump_version,
    level_rank,
    manifest_path,
    normalise_version,
    read_manifest,
    read_pyproject_version,
    write_manifest,
    write_pyproject_version,
)
from zonedata.publish.build import TEMP_PREFIX, build
from zonedata.publish.descriptor import read_metadata
from zonedata.release.cite import citation_metadata, dump_citation, dump_zenodo, read_valid_citation, zenodo_metadata
from zonedata.release.diff import Change, PackageDiff, PackageVersion, diff_packages, load_version
from zonedata.release.versions import JOURNAL_NAME, archive_problems
from zonedata.validate import validate

#: files at the package root every archive carries (a release without them is refused)
ARCHIVE_ROOT_FILES = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "datapackage.json")
SUMS_NAME = "SHA256SUMS"
#: the first day a zip archive's timestamps can hold (MS-DOS dates start in 1980)
ZIP_FIRST_DAY = dt.date(1980, 1, 1)
CHANGELOG_HEADER = """# Changelog

All notable changes to the zonedata dataset. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/); version numbers follow the Frictionless
[Data Package Version](https://datapackage.org/recipes/data-package-version/) rules (major: fields
renamed, removed, added or retyped, constraints tightened, records or tables removed; minor:
records or tables added, constraints loosened; patch: values corrected, descriptions changed).
Each entry is written by `zonedata release`; `zonedata diff OLD NEW` lists the records themselves.
Notes written under [Unreleased] are moved into the next release's entry.

## [Unreleased]
"""
SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
SECTION_OF = {
    "records-added": "Added",
    "resource-added": "Added",
    "field-added": "Added",
    "records-removed": "Removed",
    "resource-removed": "Removed",
    "field-removed": "Removed",
}
REASONS_SHOWN = 10
#: test hook: the release kills itself (SIGKILL) right after write step N (see tests/test_release_recovery.py)
STOP_AFTER_ENV = "ZONEDATA_RELEASE_STOP_AFTER"


class ReleaseRefused(Exception):
    """The release cannot be cut as asked (exit 1): the message says why, `reasons` and `report` the details."""

    def __init__(self, message: str, reasons: list[str] | None = None, report: Report | None = None):
        super().__init__(message)
        self.reasons = list(reasons or [])
        self.report = report


@dataclass
class ReleaseResult:
    version: str
    date: str
    previous: str | None
    required: str  # the smallest bump the changes allowed ("none" for a first release)
    bump: str | None  # the bump made ("major", "minor", "patch"), None for a first release
    diff: PackageDiff | None
    current: PackageVersion | None = None
    archive: str | None = None
    sha256: str | None = None
    bytes: int | None = None
    written: list[str] = field(default_factory=list)
    dry_run: bool = False

    def git_commands(self) -> list[str]:
        return [
            f"git add {' '.join(self.written)}",
            f'git commit -m "Release {self.version}"',
            f'git tag -a v{self.version} -m "zonedata {self.version}"',
            "git push --follow-tags",
        ]


# --- git --------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except FileNotFoundError as exc:
        raise ConfigError("git is not installed: a release is cut from a committed git working tree") from exc


def uncommitted(root: Path) -> list[str]:
    """`git status --porcelain` lines for the package folder; ConfigError when it is not in a git repository."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise ConfigError(
            f"{root} is not in a git repository: a release is cut from committed files "
            "(git init, git add, git commit, then zonedata release)"
        )
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".")
    if status.returncode != 0:
        raise ConfigError(f"git status failed: {status.stderr.strip()}")
    return [line for line in status.stdout.splitlines() if line.strip()]


def head_commit(root: Path) -> str | None:
    """The commit the working tree is at, or None in a repository without commits."""
    head = _git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}")
    return head.stdout.strip() if head.returncode == 0 else None


def changed_paths(root: Path) -> list[tuple[str, bool]]:
    """(path relative to `root`, tracked) for every file git sees changed, deleted or untracked under root."""
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.strip()
    status = _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    if status.returncode != 0:
        raise ConfigError(f"git status failed: {status.stderr.strip()}")
    out: list[tuple[str, bool]] = []
    items = iter(status.stdout.split("\0"))
    for item in items:
        if not item:
            continue
        code, name = item[:2], item[3:]
        if code[0] in "RC":
            next(items, None)  # a staged rename or copy names its origin next
        if name.startswith(prefix):
            out.append((name[len(prefix) :], code != "??"))
    return out


def tag_exists(root: Path, tag: str) -> bool:
    return _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{tag}").returncode == 0


# --- the archive ------------------------------------------------------------------------------


def git_files(root: Path) -> set[str]:
    """Files of the package folder that git tracks or would add (tracked, or untracked and not ignored), as paths
    relative to the root: what a commit of the release holds. Ignored files (a __pycache__, editor backups) are not."""
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
    if listed.returncode != 0:
        raise ConfigError(f"git ls-files failed: {listed.stderr.strip()}")
    return {name for name in listed.stdout.split("\0") if name}


def archive_members(paths: Paths, tracked: set[str] | None = None) -> list[tuple[str, Path]]:
    """(name inside the archive, file) for everything a release archive holds, sorted by name.

    With `tracked` (git_files), only files git tracks or would commit are packed: a git-ignored file in
    data/clean/ never reaches the deposit or its SHA256SUMS. A file that leaves the root is refused."""
    members: list[tuple[str, Path]] = []
    for name in ARCHIVE_ROOT_FILES:
        path = paths.root / name
        if not path.is_file():
            raise ConfigError(f"{name} is missing: every release archive carries it")
        members.append((name, path))
    for folder, pattern in (
        (paths.clean, "*"),
        (paths.schemas, "*.json"),
        (paths.seeds, "*.csv"),
        (paths.data_dictionary.parent, "*.md"),
    ):
        if folder.is_dir():
            members.extend(
                (paths.rel(p), p)
                for p in folder.rglob(pattern)
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
            )
    if tracked is not None:
        members = [(name, path) for name, path in members if name in tracked]
    for _name, path in members:
        paths.confined(path)
    return sorted(members)


def _zipinfo(name: str, date: dt.date) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(date.year, date.month, date.day, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3  # unix, so the permissions below are read the same everywhere
    info.external_attr = 0o100644 << 16
    return info


def archive_bytes(
    paths: Paths, version: str, date: str, tracked: set[str] | None = None, *, folder: bool = False
) -> bytes:
    """The release archive as bytes: a pure function of the files and the date (see archive_members for
    `tracked`). The files are at the archive's top (a zipped Frictionless package); `folder` puts them
    in zonedata-X.Y.Z/ as the archives up to 1.0.0 did."""
    day = dt.date.fromisoformat(date)
    prefix = f"zonedata-{version}/" if folder else ""
    files = [(name, path.read_bytes()) for name, path in archive_members(paths, tracked)]
    sums = "".join(f"{sha256_bytes(data)}  {name}\n" for name, data in files).encode("utf-8")
    entries = sorted(files + [(SUMS_NAME, sums)])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries:
            zf.writestr(_zipinfo(prefix + name, day), data)
    return buf.getvalue()


# --- the changelog ----------------------------------------------------------------------------


def _split_unreleased(text: str) -> tuple[str, str, str]:
    """(before the Unreleased heading, the Unreleased notes, everything after them)."""
    m = re.search(r"^## \[Unreleased\][^\n]*\n", text, flags=re.M | re.I)
    if not m:
        first = re.search(r"^## ", text, flags=re.M)
        cut = first.start() if first else len(text)
        return text[:cut].rstrip("\n") + "\n\n", "", text[cut:]
    nxt = re.search(r"^## ", text[m.end() :], flags=re.M)
    end = m.end() + (nxt.start() if nxt else len(text) - m.end())
    return text[: m.start()], text[m.end() : end].strip("\n"), text[end:]


def _curated_sections(notes: str) -> tuple[list[str], dict[str, list[str]]]:
    """Prose and ### sections a curator wrote under [Unreleased]."""
    prose: list[str] = []
    sections: dict[str, list[str]] = {}
    current = None
    for line in notes.splitlines():
        m = re.match(r"^###\s+(.+?)\s*$", line)
        if m:
            current = m[1].strip().capitalize()
            sections.setdefault(current, [])
        elif current is None:
            prose.append(line)
        elif line.strip():
            sections[current].append(line)
    return [p for p in prose if p.strip()], sections


def changelog_entry(result: ReleaseResult, notes: str = "") -> str:
    """The `## [X.Y.Z] - date` entry: summary, per-table counts, and Added/Changed/Removed items."""
    lines = [f"## [{result.version}] - {result.date}", ""]
    prose, curated = _curated_sections(notes)
    sections: dict[str, list[str]] = {s: list(curated.get(s, [])) for s in SECTIONS}
    for name, items in curated.items():
        sections.setdefault(name, items)
    d = result.diff
    if d is None:
        lines.append("First release.")
        lines.append("")
        lines += ["| table | records |", "|---|---:|"]
        for name, table in sorted((result.current.tables if result.current else {}).items()):
            lines.append(f"| {name} | {table.frame.height} |")
            sections["Added"].append(f"- {name}: {table.frame.height} record(s)")
    else:
        added = sum(t.added.height for t in d.tables.values())
        removed = sum(t.removed.height for t in d.tables.values())
        changed = sum(t.n_changed for t in d.tables.values())
        lines.append(
            f"Since [{result.previous}]: {added} record(s) added, {removed} removed, {changed} changed "
            f"(a {result.bump} release; the changes needed at least {result.required}). "
            f"`zonedata diff {result.previous} {result.version}` lists every record."
        )
        lines += ["", "| table | records | added | removed | changed |", "|---|---:|---:|---:|---:|"]
        for name, t in d.tables.items():
            lines.append(f"| {name} | {t.new_rows} | {t.added.height} | {t.removed.height} | {t.n_changed} |")
        for change in d.changes:
            sections[SECTION_OF.get(change.kind, "Changed")].append(f"- {change.describe()}")
    lines.append("")
    if prose:
        lines += prose + [""]
    for name, items in sections.items():
        if items:
            lines += [f"### {name}", "", *items, ""]
    return "\n".join(lines)


def update_changelog(path: Path, result: ReleaseResult) -> str:
    """The CHANGELOG.md text with the new entry under an emptied [Unreleased] heading."""
    text = path.read_text(encoding="utf-8") if path.is_file() else CHANGELOG_HEADER
    before, notes, after = _split_unreleased(text)
    before = before.rstrip("\n") + "\n\n" if before.strip() else ""
    entry = changelog_entry(result, notes)
    return f"{before}## [Unreleased]\n\n{entry}\n{after.lstrip(chr(10))}".rstrip("\n") + "\n"


# --- the release ------------------------------------------------------------------------------


def _target_version(current: str, previous: ReleaseEntry | None, bump: str | None, version: str | None) -> str:
    if (bump is None) == (version is None):
        raise ConfigError("give either --bump major|minor|patch or --version X.Y.Z")
    if version is not None:
        return normalise_version(version)
    assert bump is not None  # one of the two was given (checked above)
    return bump_version(previous.version if previous else current, bump)


def _set_descriptor_version(path: Path, version: str) -> None:
    """Set the descriptor's top-level version (the build rewrites the whole file right after)."""
    descriptor = parse_descriptor(path.read_bytes())
    descriptor["version"] = version
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n")


def _fixed_outputs(paths: Paths) -> tuple[Path, ...]:
    """The files every release writes, apart from the clean tables and the archive."""
    return (
        paths.pyproject,
        paths.datapackage,
        paths.citation_cff,
        paths.zenodo_json,
        paths.changelog,
        manifest_path(paths),
        paths.data_dictionary,
    )


def _snapshot(paths: Paths) -> dict[Path, bytes | None]:
    """The bytes of every file a release may write, to put back if it fails half way."""
    files = list(_fixed_outputs(paths))
    if paths.clean.is_dir():
        files += [p for p in paths.clean.iterdir() if p.is_file()]
    return {p: (p.read_bytes() if p.is_file() else None) for p in files}


def _restore(snapshot: dict[Path, bytes | None], created: list[Path]) -> None:
    for path in created:
        path.unlink(missing_ok=True)
    for path, data in snapshot.items():
        if data is None:
            path.unlink(missing_ok=True)
        elif not path.is_file() or path.read_bytes() != data:
            path.write_bytes(data)


# --- the journal: finishing a release that was killed half way ----------------------------------


def _journal(paths: Paths) -> Path:
    return paths.releases / JOURNAL_NAME


def _release_writes(paths: Paths, rel: str, tracked: bool) -> bool:
    """Whether a release may write the file `rel` (relative to the root): what a rerun may put back."""
    fixed = {paths.rel(p) for p in _fixed_outputs(paths)}
    releases, clean = paths.rel(paths.releases) + "/", paths.rel(paths.clean) + "/"
    return (
        rel in fixed
        or rel.startswith(clean)
        or rel.split("/", 1)[0].startswith(TEMP_PREFIX)
        or rel.startswith(releases + JOURNAL_NAME)
        or (not tracked and re.fullmatch(re.escape(releases) + r"[^/]+\.zip", rel) is not None)
    )


def _write_journal(paths: Paths, result: ReleaseResult, commit: str | None) -> None:
    journal = _journal(paths)
    journal.parent.mkdir(parents=True, exist_ok=True)
    tmp = journal.with_name(JOURNAL_NAME + ".tmp")
    data = {"version": result.version, "date": result.date, "commit": commit}
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(data, indent=2) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)


def interrupted(paths: Paths) -> tuple[dict, list[tuple[str, bool]]] | None:
    """(the journal of a release that was killed, the files to put back), or None when no release was interrupted.

    Raises ReleaseRefused when the release cannot be finished safely: the commit moved since, or files the
    release never writes were changed too."""
    journal = _journal(paths)
    if not journal.exists() and not journal.with_name(JOURNAL_NAME + ".tmp").exists():
        return None
    try:
        data = safe_json.loads(journal.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except (OSError, UnicodeDecodeError, ValueError):
        data = {}  # killed while writing the journal itself: nothing else was written yet
    version = data.get("version", "?")
    commit, head = data.get("commit"), head_commit(paths.root)
    if data and commit != head:
        raise ReleaseRefused(
            f"release {version} was interrupted when the package was at commit {str(commit)[:12]}, but it is now "
            f"at {str(head)[:12]}: a commit made since may hold half a release. Check it out again "
            f"(git checkout {commit} -- .) or reset to it, then rerun zonedata release; or delete "
            f"{paths.rel(journal)} once the files are as you want them"
        )
    changed = changed_paths(paths.root)
    foreign = [rel for rel, tracked in changed if not _release_writes(paths, rel, tracked)]
    if foreign:
        raise ReleaseRefused(
            f"release {version} was interrupted, and files it never writes changed since: commit or stash them, "
            f"then rerun zonedata release to finish it (do not commit the files the release wrote)",
            reasons=foreign,
        )
    return data, changed


def _put_back(paths: Paths, changed: list[tuple[str, bool]]) -> None:
    """Every file an interrupted release wrote, as the commit holds it; the files it created, deleted."""
    tracked = [rel for rel, is_tracked in changed if is_tracked]
    for start in range(0, len(tracked), 200):
        done = _git(paths.root, "checkout", "-q", "HEAD", "--", *tracked[start : start + 200])
        if done.returncode != 0:
            raise ConfigError(f"git checkout failed while finishing an interrupted release: {done.stderr.strip()}")
    for rel, is_tracked in changed:
        if not is_tracked:
            (paths.root / rel).unlink(missing_ok=True)
    for folder in paths.root.glob(TEMP_PREFIX + "*"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
    _journal(paths).with_name(JOURNAL_NAME + ".tmp").unlink(missing_ok=True)
    _journal(paths).unlink(missing_ok=True)


def _step(n: int) -> None:
    """The test hook: die like a killed process right after write step n."""
    if os.environ.get(STOP_AFTER_ENV) == str(n):
        os.kill(os.getpid(), signal.SIGKILL)


def release(
    root: Path | str,
    *,
    bump: str | None = None,
    version: str | None = None,
    date: str | None = None,
    dry_run: bool = False,
) -> ReleaseResult:
    """Cut a release (see the module docstring). Raises ReleaseRefused (exit 1) or ConfigError (exit 2)."""
    paths = Paths(Path(root))
    if not paths.schemas.is_dir():
        raise ConfigError(f"{root} has no schemas/ folder: is it a zonedata package? (pass --root)")
    escapes = confinement_findings(paths)
    if escapes:
        raise ReleaseRefused(
            "a path of the package leads out of its root or is not a regular file: nothing was read or written",
            report=Report(escapes),
        )
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError as exc:
        raise ConfigError(f"--date {date!r} is not a date: use YYYY-MM-DD") from exc
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or day.isoformat()):
        raise ConfigError(f"--date {date!r} is not a date: use YYYY-MM-DD")
    if not ZIP_FIRST_DAY <= day <= dt.date.today() + dt.timedelta(days=1):
        raise ConfigError(
            f"--date {day.isoformat()} is not a possible release date: a release is dated the day it is "
            f"cut, on or before today ({dt.date.today().isoformat()}), and no earlier than "
            f"{ZIP_FIRST_DAY.isoformat()}, the first date a zip archive can record"
        )
    date = day.isoformat()
    # a release killed half way is put back first: everything below reads the committed files
    uncommitted(paths.root)  # in a git repository
    recovering = interrupted(paths)
    if recovering is not None:
        if dry_run:
            raise ReleaseRefused(
                f"release {recovering[0].get('version', '?')} was interrupted: a rerun without --dry-run puts "
                "these files back as the commit holds them, then cuts the release again",
                reasons=[rel for rel, _ in recovering[1]],
            )
        _put_back(paths, recovering[1])
    if not paths.pyproject.is_file():
        raise ConfigError("pyproject.toml is missing: it holds the package version")
    current, _ = read_pyproject_version(paths.pyproject)
    if current is None:
        raise ConfigError("pyproject.toml has no [project] version")
    releases = read_manifest(paths)
    previous = releases[-1] if releases else None
    target = _target_version(current, previous, bump, version)
    if previous and date < previous.date:
        raise ConfigError(
            f"--date {date} is before the latest release {previous.version} ({previous.date}): releases "
            "are dated in the order they are cut"
        )

    dirty = uncommitted(paths.root)
    if dirty:
        raise ReleaseRefused(
            "the working tree has uncommitted changes: commit them (or stash them) first, so the "
            "release is exactly a commit",
            reasons=dirty,
        )
    released = {e.version for e in releases}
    if (
        target in released
        or (paths.releases / archive_name(read_metadata(paths)["name"], target)).exists()
        or tag_exists(paths.root, f"v{target}")
    ):
        raise ReleaseRefused(
            f"version {target} is already released: a released version is never rewritten; choose a higher version"
        )
    given = bump_level(previous.version, target) if previous else None
    if previous and given is None:
        raise ReleaseRefused(f"version {target} is not greater than the latest release {previous.version}")

    report = validate(paths.root)
    if not report.valid:
        raise ReleaseRefused("the data is invalid: fix the findings below, build, commit, then release", report=report)

    current_pkg = load_version(".", paths.root)
    d = diff_packages(load_version(previous.version, paths.root), current_pkg) if previous else None
    required = d.required_level if d else "none"
    if d is not None and previous is not None and given is not None:
        if required == "none":
            raise ReleaseRefused(
                f"nothing in the data, schemas or descriptions changed since {previous.version}: "
                "there is nothing to release"
            )
        if level_rank(given) < level_rank(required):
            raise ReleaseRefused(
                f"{target} is a {given} release, but the changes since {previous.version} need a "
                f"{required} release (--bump {required}):",
                reasons=_reasons(d.reasons(required)),
            )
    result = ReleaseResult(
        target, date, previous.version if previous else None, required, given, d, current_pkg, dry_run=dry_run
    )
    if dry_run:
        return result
    try:
        return _write_release(paths, result)
    except OSError as exc:  # a read-only package, a full disk: every file written so far was put back
        raise ConfigError(
            f"cannot write the release: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename else "")
            + "; nothing was kept: make the package writable, then release again"
        ) from exc


def _reasons(changes: list[Change]) -> list[str]:
    shown = [c.describe() for c in changes[:REASONS_SHOWN]]
    if len(changes) > REASONS_SHOWN:
        shown.append(f"... and {len(changes) - REASONS_SHOWN} more (zonedata diff lists them all)")
    return shown


def _write_release(paths: Paths, result: ReleaseResult) -> ReleaseResult:
    snapshot = _snapshot(paths)
    archive = paths.releases / archive_name(read_metadata(paths)["name"], result.version)
    created: list[Path] = []
    commit = head_commit(paths.root)
    _write_journal(paths, result, commit)
    _step(1)
    try:
        # every place the version is written agrees before the build runs, so nothing it checks disagrees
        write_pyproject_version(paths.pyproject, result.version)
        _step(2)
        if paths.datapackage.is_file():
            _set_descriptor_version(paths.datapackage, result.version)
        _step(3)
        cff = citation_metadata(paths, result.version, result.date, read_valid_citation(paths))
        paths.citation_cff.write_text(dump_citation(cff), encoding="utf-8", newline="\n")
        _step(4)
        existing_zenodo = (
            safe_json.loads(paths.zenodo_json.read_text(encoding="utf-8")) if paths.zenodo_json.is_file() else {}
        )
        paths.zenodo_json.write_text(dump_zenodo(zenodo_metadata(cff, existing_zenodo)), encoding="utf-8", newline="\n")
        _step(5)
        built = build(paths.root)
        if not built.report.valid:
            raise ReleaseRefused("the build refused to publish:", report=built.report)
        _step(6)
        paths.changelog.write_text(update_changelog(paths.changelog, result), encoding="utf-8", newline="\n")
        _step(7)

        data = archive_bytes(paths, result.version, result.date, git_files(paths.root))
        problems = archive_problems(data, result.version)
        if problems:
            raise ReleaseRefused(
                f"the archive of {result.version} does not hold what its own datapackage.json lists (a file "
                "ignored by git is never packed: the release commit would not hold it either); nothing was kept:",
                reasons=problems,
            )
        archive.parent.mkdir(parents=True, exist_ok=True)
        created.append(archive)
        archive.write_bytes(data)
        _step(8)
        result.archive, result.sha256, result.bytes = paths.rel(archive), sha256_bytes(data), len(data)
        extra = {"commit": commit} if commit else {}
        write_manifest(
            paths,
            read_manifest(paths)
            + [ReleaseEntry(result.version, result.date, result.archive, result.sha256, result.bytes, extra)],
        )
        _step(9)

        checked = validate(paths.root)  # its own journal is still there (until the last step): not a finding here
        report = Report([f for f in checked.findings if f.rule != "release-interrupted"], checked.stats)
        if not report.valid:
            raise ReleaseRefused(
                "after writing the release the package does not validate (nothing was kept):", report=report
            )
    except BaseException:
        _restore(snapshot, created)
        _journal(paths).unlink(missing_ok=True)
        raise
    _journal(paths).unlink()
    changed = [
        rel for rel in (paths.rel(p) for p, data in snapshot.items() if not p.is_file() or p.read_bytes() != data)
    ]
    result.written = sorted(set(changed) | {result.archive})
    return result


__all__ = [
    "release",
    "ReleaseRefused",
    "ReleaseResult",
    "archive_bytes",
    "archive_members",
    "changelog_entry",
]

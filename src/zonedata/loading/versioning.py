"""Version numbers and where they are written: SemVer parsing and bumping, the [project] version
in pyproject.toml, and the release manifest releases/releases.json.

The manifest is how a plain clone finds previous releases (no git tags needed): one entry per
release, oldest first, `{"version", "date", "archive", "sha256", "bytes", "commit"}`, where `archive`
is the zip's path relative to the package root and `commit` the git commit the release was cut from
(the release's own commit, which adds only the files the release wrote, is its child; tags are local
and optional, so nothing depends on one). The archives themselves are committed beside it.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from zonedata.base import safe_json
from zonedata.base.findings import ConfigError
from zonedata.base.paths import OutsideRoot, Paths, safe_relative

#: bump levels, weakest first ("none": nothing that needs a new version changed)
LEVELS = ("none", "patch", "minor", "major")
BUMPS = LEVELS[1:]
_SEMVER = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
MANIFEST_NAME = "releases.json"


def level_rank(level: str) -> int:
    return LEVELS.index(level)


def parse_version(text: str) -> tuple[int, int, int]:
    """(major, minor, patch) from "X.Y.Z" (a leading "v" is accepted); ConfigError otherwise."""
    m = _SEMVER.match(text.strip()) if isinstance(text, str) else None
    if not m:
        raise ConfigError(f"{text!r} is not a version number: use MAJOR.MINOR.PATCH, e.g. 1.0.0")
    return int(m[1]), int(m[2]), int(m[3])


def is_version(text: str) -> bool:
    return isinstance(text, str) and bool(_SEMVER.match(text.strip()))


def format_version(parts: tuple[int, int, int]) -> str:
    return ".".join(str(p) for p in parts)


def normalise_version(text: str) -> str:
    return format_version(parse_version(text))


def bump_version(version: str, part: str) -> str:
    major, minor, patch = parse_version(version)
    if part == "major":
        return format_version((major + 1, 0, 0))
    if part == "minor":
        return format_version((major, minor + 1, 0))
    if part == "patch":
        return format_version((major, minor, patch + 1))
    raise ConfigError(f"unknown bump {part!r}: use major, minor or patch")


def bump_level(old: str, new: str) -> str | None:
    """Which part `new` raises over `old` ("major", "minor", "patch"), or None if it is not greater."""
    o, n = parse_version(old), parse_version(new)
    if n <= o:
        return None
    if n[0] > o[0]:
        return "major"
    if n[1] > o[1]:
        return "minor"
    return "patch"


# --- pyproject.toml ---------------------------------------------------------------------------

_PROJECT_HEADER = re.compile(r"^\s*\[project\]\s*(#.*)?$")
_TABLE_HEADER = re.compile(r"^\s*\[")
_VERSION_LINE = re.compile(r'^(\s*version\s*=\s*)(["\'])([^"\']*)\2(.*)$')


def _project_version_line(lines: list[str]) -> int | None:
    """0-based index of the `version = "..."` line inside the [project] table."""
    in_project = False
    for i, line in enumerate(lines):
        if _TABLE_HEADER.match(line):
            in_project = bool(_PROJECT_HEADER.match(line))
            continue
        if in_project and _VERSION_LINE.match(line):
            return i
    return None


def read_pyproject_version(path: Path) -> tuple[str | None, int | None]:
    """([project] version, its 1-based line) or (None, None) when there is none."""
    version = pyproject_metadata(path).get("version")
    index = _project_version_line(path.read_text(encoding="utf-8").splitlines())
    return version, (None if index is None else index + 1)


def write_pyproject_version(path: Path, version: str) -> None:
    """Set [project] version in place, keeping every other byte of the file."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    index = _project_version_line([line.rstrip("\r\n") for line in lines])
    if index is None:
        raise ConfigError(f'{path.name} has no [project] version = "..." line to update')
    line = lines[index]
    ending = line[len(line.rstrip("\r\n")) :]
    m = _VERSION_LINE.match(line.rstrip("\r\n"))
    assert m is not None  # _project_version_line found this line by the same pattern
    lines[index] = f"{m[1]}{m[2]}{version}{m[2]}{m[4]}{ending}"
    path.write_text("".join(lines), encoding="utf-8", newline="")


def pyproject_metadata(path: Path, data: bytes | None = None) -> dict:
    """The [project] table of pyproject.toml ({} when the file is missing); from `data` when the caller has
    read the file already (the build reads each file once)."""
    if data is None:
        if not path.is_file():
            return {}
        data = path.read_bytes()
    try:
        return tomllib.loads(data.decode("utf-8")).get("project", {})
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path.name} is not valid TOML: {exc}") from exc


def json_key_line(text: str, key: str) -> int | None:
    """1-based line of `"key":` in a JSON text, the least indented (top-level) one when it occurs several times."""
    matches = list(re.finditer(rf'^(\s*)"{re.escape(key)}"\s*:', text, flags=re.M))
    if not matches:
        return None
    m = min(matches, key=lambda m: len(m[1]))
    return text.count("\n", 0, m.start()) + 1


def yaml_key_line(text: str, key: str) -> int | None:
    """1-based line of a top-level `key:` in a YAML text."""
    m = re.search(rf"^{re.escape(key)}\s*:", text, flags=re.M)
    return None if m is None else text.count("\n", 0, m.start()) + 1


# --- the release manifest ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseEntry:
    version: str
    date: str
    archive: str  # relative to the package root, forward slashes
    sha256: str
    bytes: int
    #: every other key of the entry (a `doi` added after the deposit...), kept as it is when the manifest is rewritten
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "date": self.date,
            "archive": self.archive,
            "sha256": self.sha256,
            "bytes": self.bytes,
            **{k: v for k, v in self.extra.items() if k not in ENTRY_KEYS},
        }


#: the keys zonedata writes in each manifest entry
ENTRY_KEYS = ("version", "date", "archive", "sha256", "bytes")


def manifest_path(paths: Paths) -> Path:
    return paths.releases / MANIFEST_NAME


def archive_name(name: str, version: str) -> str:
    """The release archive of version `version` of the package named `name` (metadata/package.json)."""
    return f"{name}-{version}.zip"


def read_manifest(paths: Paths) -> list[ReleaseEntry]:
    """Every recorded release, oldest first ([] before the first release)."""
    path = manifest_path(paths)
    if not path.is_file():
        return []
    try:
        data = safe_json.loads(path.read_text(encoding="utf-8"))
        entries = [
            ReleaseEntry(
                str(e["version"]),
                str(e["date"]),
                str(e["archive"]),
                str(e["sha256"]),
                int(e["bytes"]),
                {k: v for k, v in e.items() if k not in ENTRY_KEYS},
            )
            for e in data
        ]
    except (
        OSError,
        UnicodeDecodeError,
        json.JSONDecodeError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        OverflowError,
    ) as exc:
        raise ConfigError(
            f"{paths.rel(path)} is not a list of releases "
            f"{{version, date, archive, sha256, bytes}}: {exc}; restore it from git"
        ) from exc
    for e in entries:
        if not safe_relative(e.archive) or not paths.is_inside(paths.root / e.archive):
            raise OutsideRoot(f"{paths.rel(path)}: the archive {e.archive!r} of release {e.version}")
    return sorted(entries, key=lambda e: parse_version(e.version))


def write_manifest(paths: Paths, entries: list[ReleaseEntry]) -> None:
    path = manifest_path(paths)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = sorted(entries, key=lambda e: parse_version(e.version))
    path.write_text(json.dumps([e.to_dict() for e in entries], indent=2) + "\n", encoding="utf-8", newline="\n")


def find_release(paths: Paths, version: str) -> ReleaseEntry | None:
    wanted = normalise_version(version)
    return next((e for e in read_manifest(paths) if e.version == wanted), None)

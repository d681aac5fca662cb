"""Every path convention of a zonedata package in one place (nothing else joins path strings)."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from zonedata.base.findings import ConfigError


@dataclass(frozen=True)
class Paths:
    """The layout of a zonedata package rooted at `root`."""

    root: Path
    #: the table with the sources role (its schema's `role`), whose CSV sits beside the seed texts; unknown
    #: until the schemas are read (see loading.schema.find_roles), and then set with `with_sources`
    sources_table: str | None = None

    def with_sources(self, table: str | None) -> Paths:
        """This layout, knowing which table holds the sources."""
        return Paths(self.root, table)

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def sources_csv(self) -> Path | None:
        """The sources table's CSV, beside the seed texts (None until the sources table is known)."""
        return None if self.sources_table is None else self.seeds / f"{self.sources_table}.csv"

    @property
    def coverage_exclusions(self) -> Path:
        return self.seeds / "coverage_exclusions.csv"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    def schema(self, table: str) -> Path:
        return self.schemas / f"{table}.json"

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    def raw_csv(self, table: str) -> Path:
        """Where a table's hand-curated CSV lives (sources sit beside the seed texts)."""
        if table == self.sources_table:
            return self.seeds / f"{table}.csv"
        return self.raw / f"{table}.csv"

    @property
    def clean(self) -> Path:
        return self.root / "data" / "clean"

    def clean_file(self, table: str, fmt: str) -> Path:
        return self.clean / f"{table}.{fmt}"

    @property
    def datapackage(self) -> Path:
        return self.root / "datapackage.json"

    @property
    def package_metadata(self) -> Path:
        """Package-level metadata of the published descriptor that is not derived from the data."""
        return self.root / "metadata" / "package.json"

    @property
    def vocabulary(self) -> Path:
        """The dataset's words: units, scales, qualifiers, indicators, name patterns (one CSV each)."""
        return self.root / "metadata" / "vocabulary"

    def vocabulary_csv(self, name: str) -> Path:
        return self.vocabulary / f"{name}.csv"

    @property
    def pyproject(self) -> Path:
        return self.root / "pyproject.toml"

    @property
    def citation_cff(self) -> Path:
        return self.root / "CITATION.cff"

    @property
    def zenodo_json(self) -> Path:
        return self.root / ".zenodo.json"

    @property
    def changelog(self) -> Path:
        return self.root / "CHANGELOG.md"

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def data_dictionary(self) -> Path:
        return self.root / "docs" / "data-dictionary.md"

    @property
    def site(self) -> Path:
        """Where `zonedata site` writes the website by default (git-ignored)."""
        return self.root / "site"

    def rel(self, path: Path) -> str:
        """A path as findings show it: relative to the root, with forward slashes.

        Lexical first (a path built from these properties is named as built, so a symlinked
        data/clean is still "data/clean/..." and never an absolute path outside the package)."""
        try:
            return Path(path).relative_to(self.root).as_posix()
        except ValueError:
            pass
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    def is_inside(self, path: Path) -> bool:
        """Whether `path`, with every symlink followed, stays inside the package root."""
        return is_within(Path(path), self.root)

    def escapes(self) -> list[tuple[Path, Path | None]]:
        """(path, where it really is, None for a symlink loop) for every path of the layout that leaves the root
        through a symlink (see `hazards`)."""
        return [(path, real) for path, real, kind in self.hazards() if kind != "special"]

    def hazards(self) -> list[tuple[Path, Path | None, str]]:
        """(path, where it really is, kind) for every path of the package that zonedata must not read or write:
        kind "outside" (a symlink that leads out of the root), "loop" (a symlink loop) or "special" (a FIFO,
        socket or device, which a read would block on or never finish).

        Looks at each fixed location (datapackage.json, CHANGELOG.md, docs/, data/clean/...) and at
        everything inside the package's folders, so no read or write can follow a link out."""
        root = self.root.resolve()
        out: list[tuple[Path, Path | None, str]] = []
        fixed = (
            self.seeds,
            self.schemas,
            self.root / "data",
            self.raw,
            self.clean,
            self.datapackage,
            self.package_metadata.parent,
            self.package_metadata,
            self.pyproject,
            self.citation_cff,
            self.zenodo_json,
            self.changelog,
            self.releases,
            self.data_dictionary.parent,
            self.data_dictionary,
            *(self.root / name for name in ROOT_FILES),
        )
        seen: set[Path] = set()

        def look(path: Path, is_link: bool, is_plain: bool | None = None) -> bool:
            """Record a hazard at `path`; True when it is a folder to walk into."""
            if is_link:
                real = _resolve(path)
                if real is None or not _under(real, root):
                    out.append((path, real, "loop" if real is None else "outside"))
                    return False
            if is_plain is None:
                try:
                    mode = os.stat(path).st_mode
                except OSError:
                    return False  # a dangling link inside the root: reading it fails like a missing file
                if stat.S_ISDIR(mode):
                    return True
                is_plain = stat.S_ISREG(mode)
            if not is_plain:
                out.append((path, path.resolve() if is_link else path, "special"))
            return False

        for path in fixed:
            if path in seen or not os.path.lexists(path) or any(p in path.parents for p, _, _ in out):
                continue
            seen.add(path)
            look(path, os.path.islink(path))
        for folder in PACKAGE_FOLDERS:
            top = self.root / folder
            if not top.is_dir() or any(p == top or p in top.parents for p, _, _ in out):
                continue
            stack = [top]
            walked: set[Path] = set()  # real folders already listed: a link to a folder inside is walked once
            while stack:
                listing = stack.pop()
                real_folder = _resolve(listing)
                if real_folder is None or real_folder in walked:
                    continue
                walked.add(real_folder)
                try:
                    with os.scandir(listing) as entries:
                        listed = sorted(entries, key=lambda e: e.name)
                except OSError:
                    continue
                for entry in listed:
                    path = Path(entry.path)
                    try:
                        is_link = entry.is_symlink()
                        if not is_link and entry.is_dir(follow_symlinks=False):
                            stack.append(path)  # a fixed folder (data/clean) is looked into all the same
                        elif path not in seen:
                            seen.add(path)
                            if look(path, is_link, None if is_link else entry.is_file(follow_symlinks=False)):
                                stack.append(path)  # a link to a folder inside the root: what it holds is read too
                    except OSError:
                        continue
        return sorted(out, key=lambda hazard: hazard[0])

    def confined(self, path: Path) -> Path:
        """`path` itself when it stays inside the root; OutsideRoot otherwise (checked right before a read or write)."""
        if not self.is_inside(path):
            raise OutsideRoot(self.rel(path), Path(path).resolve())
        return path


#: where a wheel ships the published package, inside the zonedata package (see hatch_build.py)
INSTALLED_PACKAGE = "_package"
#: folders of a package whose whole content the tool may read or write (walked for symlinks that leave the root)
PACKAGE_FOLDERS = ("seeds", "schemas", "data", "docs", "metadata", "releases")
#: files at the root that a release reads into its archive
ROOT_FILES = ("README.md", "LICENSE")


def _resolve(path: Path) -> Path | None:
    """`path` with every symlink followed, or None for a symlink loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _under(real: Path, root: Path) -> bool:
    return real == root or root in real.parents


def is_within(path: Path, root: Path) -> bool:
    """Whether `path` resolves (symlinks followed) to `root` or something inside it."""
    real, top = _resolve(Path(path)), _resolve(Path(root))
    return real is not None and top is not None and _under(real, top)


def safe_relative(rel) -> bool:
    """Whether `rel` is a relative POSIX path that cannot leave the folder it is read from by itself:
    a non-empty string, not absolute, no drive or backslash, no `..` part, no URL, no NUL."""
    return (
        isinstance(rel, str)
        and bool(rel)
        and not rel.startswith("/")
        and "\\" not in rel
        and "\0" not in rel
        and ".." not in rel.split("/")
        and "://" not in rel
        and not re.match(r"^[A-Za-z]:", rel)
    )


class OutsideRoot(ConfigError):
    """A path the tool was about to read or write resolves outside the package root (a symlink, ../ or /)."""

    def __init__(self, rel: str, real: Path | None = None):
        where = f" (it leads to {real})" if real is not None else ""
        super().__init__(
            f"{rel} leaves the package root{where}: zonedata reads and writes only inside the "
            "package; replace the link or path with a file or folder inside it"
        )
        self.rel, self.real = rel, real


def find_root(start: Path | None = None) -> Path:
    """The package root: $ZONEDATA_ROOT, else the nearest parent holding schemas/ and seeds/."""
    env = os.environ.get("ZONEDATA_ROOT")
    if env:
        return Path(env)
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "schemas").is_dir() and (candidate / "seeds").is_dir():
            return candidate
    return here

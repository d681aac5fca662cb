"""`zonedata add-source`: store a new source text under its hash and add its row to seeds/sources.csv.

The text is copied byte for byte to seeds/NNN_<first 16 hex of its sha256>.txt (NNN the next free
number); its row is checked with the same reader and Pandera checks as validate before anything is
written, and both files are written atomically (a temporary file in the same folder, then
`os.replace`). A text already stored (same sha256) or a row that fails its schema is refused, and
then nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from zonedata.base.findings import LINE, ConfigError, Finding
from zonedata.base.hashing import sha256_bytes, sha256_file
from zonedata.base.paths import Paths
from zonedata.base.vocabulary import Vocabulary
from zonedata.loading.dataset import confinement_findings
from zonedata.loading.schema import load_roles, load_schema
from zonedata.loading.tables import read_table

MAX_BYTES = 20 * 1024 * 1024  # a news text is a few kilobytes; anything near this is not one


@dataclass
class AddSource:
    """What add-source wrote (or, with dry_run, would write)."""

    source_id: str
    file: str  # relative to the root
    sha256: str
    row: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    written: bool = False
    #: the sources table's CSV the row goes to (seeds/<the table with the sources role>.csv), relative to the root
    listing: str = ""

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "source_id": self.source_id,
            "file": self.file,
            "sha256": self.sha256,
            "row": self.row,
            "listing": self.listing,
            "findings": [f.to_dict() for f in self.findings],
        }


def atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".zonedata-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _csv_line(columns: list[str], row: dict[str, str]) -> str:
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=columns, lineterminator="\n").writerow(row)
    return out.getvalue()


def _date_text(text: str, published: str) -> str:
    """The words of the text that state the publication date (its first mention of that date), if any."""
    try:
        day = dt.date.fromisoformat(published)
    except ValueError:
        return ""
    from zonedata.text.numbers import Grammar

    # dates are the engine's words (month names), so a grammar without the dataset's units reads them
    dates = Grammar(Vocabulary()).parse_mentions(text)
    return next((m.text for m in dates if m.kind == "date" and m.date == day), "")


#: column of seeds/sources.csv -> the `zonedata add-source` option that gives it (any other: --set COLUMN=...)
OPTIONS = {
    "title": "--title",
    "publisher": "--publisher",
    "date_published": "--date",
    "url": "--url",
    "wire": "--wire",
    "language": "--language",
    "external_fields": "--external",
}


def add_source(root: Path | str, file: Path | str, values: dict[str, str], *, dry_run: bool = False) -> AddSource:
    """Store `file` as the next source with the sources-row `values` (column -> text).

    Refusals of the input (not UTF-8 text, already stored, a row that fails the schema) are findings
    and nothing is written; a missing package or an unreadable file is a ConfigError."""
    paths = Paths(Path(root))
    if not paths.seeds.is_dir() or not paths.schemas.is_dir():
        raise ConfigError(f"{paths.root} has no seeds/ and schemas/: is it a zonedata package? (pass --root)")
    escapes = confinement_findings(paths)
    if escapes:  # seeds/ or a file in it leads out of the package: write nothing there
        return AddSource("", "", "", {}, escapes)
    src = Path(file)
    try:
        if not src.is_file():
            raise ConfigError(f"{file}: no such file")
        if src.stat().st_size > MAX_BYTES:
            raise ConfigError(f"{file}: {src.stat().st_size} bytes is too large for a source text")
        data = src.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror}") from exc
    paths, roles = load_roles(paths)
    if roles.sources is None:
        raise ConfigError('no schema declares "role": "sources": run `zonedata validate` for what to fix')
    schema = load_schema(paths, roles.sources.table)
    # the sources role's fields by this table's names (`roleFields`: e.g. document_id for source_id)
    key, file_field, sha_field = (roles.sources[f] for f in ("source_id", "file", "sha256"))
    sha = sha256_bytes(data)
    findings: list[Finding] = []
    shown = str(file)

    text = ""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        findings.append(
            Finding(
                "encoding-error",
                f"byte(s) {data[exc.start : exc.end].hex(' ')} at byte {exc.start} are not "
                "UTF-8: save the text as UTF-8 (the stored copy must be the text as captured, re-encoded "
                "only by you)",
                file=shown,
                line=data[: exc.start].count(b"\n") + 1,
            )
        )
    if text and ("\x00" in text or not text.strip()):
        findings.append(Finding("encoding-error", "the file is empty or holds NUL bytes: it is not a text", file=shown))
    elif not data:
        findings.append(Finding("encoding-error", "the file is empty", file=shown))

    sources_csv = paths.raw_csv(schema.name)
    if not sources_csv.exists() and any(paths.seeds.glob("*.txt")):
        raise ConfigError(
            f"{paths.rel(sources_csv)} is missing but seeds/ holds texts: restore it before adding a source"
        )
    existing = sources_csv.read_bytes() if sources_csv.exists() else b""
    rows = list(csv.DictReader(io.StringIO(existing.decode("utf-8-sig", errors="replace"))))
    for r in rows:
        if (r.get(sha_field) or "").lower() == sha:
            findings.append(
                Finding(
                    "source-duplicate",
                    f"this text is already stored as source {r.get(key)} "
                    f"(seeds/{r.get(file_field)}, same sha256): a text is stored once",
                    file=shown,
                    value=sha,
                )
            )
    for p in sorted(paths.seeds.glob("*.txt")):
        if sha256_file(p) == sha and not any(f.rule == "source-duplicate" for f in findings):
            findings.append(
                Finding(
                    "source-duplicate", f"this text is already in seeds/{p.name} (same sha256)", file=shown, value=sha
                )
            )
    numbers = [int(r[key]) for r in rows if re.fullmatch(r"[0-9]{3}", r.get(key) or "")]
    numbers += [int(p.name[:3]) for p in paths.seeds.glob("[0-9][0-9][0-9]_*.txt")]
    n = max(numbers, default=-1) + 1
    if n > 999:
        raise ConfigError("seeds/ already holds source 999: the three-digit source ids are used up")
    sid = f"{n:03d}"
    name = f"{sid}_{sha[:16]}.txt"

    columns = schema.raw_names
    unknown = [k for k in values if k not in columns]
    if unknown:
        raise ConfigError(f"{', '.join(unknown)}: not column(s) of {paths.rel(schema.path)} ({', '.join(columns)})")
    values = dict(values)
    if "language" in columns:  # the texts are English unless the curator says otherwise
        values.setdefault("language", "en")
    external = values.get("external_fields")
    if isinstance(external, (list, tuple)):  # a list field: joined with the schema's delimiter
        delimiter = (
            schema.field("external_fields").descriptor.get("delimiter", "; ")
            if "external_fields" in schema.raw_names
            else "; "
        )
        values["external_fields"] = delimiter.join(external)
    listed = [p for p in re.split(r"[;,]\s*", values.get("external_fields") or "") if p]
    for column in listed:
        if column not in columns:
            findings.append(
                Finding(
                    "enum-violation",
                    f"--external {column!r} is not a column of {paths.rel(sources_csv)}; "
                    f"list columns such as url, date_published, publisher",
                    file=paths.rel(sources_csv),
                    field="external_fields",
                    value=column,
                )
            )
    row = {c: "" for c in columns}
    row.update({k: v for k, v in values.items() if v is not None})
    row.update({key: sid, file_field: name, sha_field: sha})
    if "date_published_text" in row and not row["date_published_text"] and row.get("date_published") and text:
        row["date_published_text"] = _date_text(text, row["date_published"])
    result = AddSource(sid, paths.rel(paths.seeds / name), sha, row, findings, listing=paths.rel(sources_csv))

    # the new row, checked by the same reader as validate: a copy of sources.csv with the row appended
    prefix = existing if not existing or existing.endswith(b"\n") else existing + b"\n"
    if not existing:
        prefix = _csv_line(columns, {c: c for c in columns}).encode("utf-8")
    new_csv = prefix + _csv_line(columns, row).encode("utf-8")
    # in the system's temporary folder, never in seeds/: --dry-run writes nothing in the package (and a
    # read-only package can still be checked)
    try:
        fd, tmp = tempfile.mkstemp(prefix="zonedata-sources-", suffix=".csv")
    except OSError as exc:
        raise ConfigError(
            f"cannot write a temporary copy of sources.csv to check the row: {exc.strerror or exc}"
        ) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(new_csv)
        table = read_table(paths, schema, Path(tmp))
    finally:
        os.unlink(tmp)
    last = max(table.frame[LINE].to_list(), default=0) if table.frame.height else 0
    for f in table.findings:
        if f.line == last and f.severity == "error" and f.rule != "unique-violation":
            how = (
                f"give it with {OPTIONS[f.field]}, or --set {f.field}=..."
                if f.field in OPTIONS
                else f"give it with --set {f.field}=..."
                if f.field
                else "check the row"
            )
            findings.append(
                Finding(
                    f.rule,
                    f"{f.message} ({how})",
                    file=paths.rel(sources_csv),
                    field=f.field,
                    value=f.value,
                )
            )
    if not result.ok or dry_run:
        return result
    seed = paths.confined(paths.seeds / name)
    paths.confined(sources_csv)
    if seed.exists():
        raise ConfigError(f"{paths.rel(seed)} exists already but is not listed: list it or remove it first")
    try:
        atomic_write(seed, data)
    except OSError as exc:
        raise ConfigError(f"cannot write {paths.rel(seed)}: {exc.strerror or exc}; nothing was written") from exc
    try:
        atomic_write(sources_csv, new_csv)
    except BaseException as exc:
        seed.unlink()
        if isinstance(exc, OSError):
            raise ConfigError(
                f"cannot write {paths.rel(sources_csv)}: {exc.strerror or exc}; nothing was written"
            ) from exc
        raise
    result.written = True
    return result

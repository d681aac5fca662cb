"""Check 1: every listed seed file exists inside seeds/, is unchanged (sha256), and every text is listed."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.base.hashing import sha256_bytes, sha256_file
from zonedata.loading.dataset import Dataset
from zonedata.loading.seeds import Seeds

TEXT_SUFFIXES = {".txt"}


def check(ds: Dataset) -> list[Finding]:
    paths, role = ds.paths, ds.roles.sources
    if role is None or role.table not in ds.tables:
        return []  # the schema-invalid finding says which schema to fix, or which role to declare
    file = ds.file(role.table)
    table = ds.tables[role.table]
    file_field, hash_field = role["file"], role["sha256"]
    if table.lacks(file_field):
        return []  # which texts are listed is unknown (not: none is): the table's findings say what is wrong
    findings = []
    listed: set[str] = set()
    has_hash = not table.lacks(hash_field)
    seeds = Seeds(paths.seeds)
    columns = [LINE, pl.col(file_field).alias("file"), *([pl.col(hash_field).alias("sha256")] if has_hash else [])]
    for row in table.frame.select(columns).iter_rows(named=True):
        name, line = row["file"], row[LINE]
        if name is None:
            continue
        path = seeds.path(name)
        if path is None:
            findings.append(
                Finding(
                    "source-path-outside-seeds",
                    f"{name!r} leaves seeds/: give a file name inside seeds/",
                    file=file,
                    line=line,
                    field=file_field,
                    value=name,
                )
            )
            continue
        listed.add(path)
        if not seeds.is_file(name, path):
            findings.append(
                Finding(
                    "source-file-missing",
                    f"seeds/{name} does not exist: restore the file or remove its row",
                    file=file,
                    line=line,
                    field=file_field,
                    value=name,
                )
            )
            continue
        data = ds.seed_bytes.get(path)
        if data is None:
            data = Path(path).read_bytes()
        digest = sha256_bytes(data)
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad_line = data[: exc.start].count(b"\n") + 1
            findings.append(
                Finding(
                    "encoding-error",
                    f"seeds/{name} is not valid UTF-8 (byte(s) "
                    f"{data[exc.start : exc.end].hex(' ')}): quotes cannot be checked against it; "
                    "store the text as UTF-8, as a new source",
                    file=paths.rel(Path(path)),
                    line=bad_line,
                )
            )
        if has_hash and row["sha256"] and digest != row["sha256"]:
            findings.append(
                Finding(
                    "source-hash-mismatch",
                    f"seeds/{name} has sha256 {digest}, not the recorded {row['sha256']}: source texts are never "
                    "edited; restore the original (git checkout) or, for a new capture, add it as a new source",
                    file=file,
                    line=line,
                    field=hash_field,
                    value=row["sha256"],
                )
            )
    if paths.seeds.is_dir():
        for text_path in sorted(paths.seeds.iterdir()):
            if (
                text_path.suffix in TEXT_SUFFIXES
                and (seeds.path(text_path.name) or str(text_path.resolve())) not in listed
            ):
                findings.append(
                    Finding(
                        "source-unlisted",
                        f"seeds/{text_path.name} is not listed: add a row for it to "
                        f"{file} with its sha256 ({sha256_file(text_path)})",
                        file=paths.rel(text_path),
                    )
                )
    return findings

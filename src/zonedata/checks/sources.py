"""Check 1: every listed seed file exists inside seeds/, is unchanged (sha256), and every text is listed;
a source's publication date is not in the future and agrees with the date its text states."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.base.hashing import sha256_bytes, sha256_file
from zonedata.loading.dataset import Dataset
from zonedata.loading.seeds import Seeds
from zonedata.text.normalise import normalise_series
from zonedata.text.periods import DATE_WORDS, DATELINE_HEAD, DATELINES, read_date

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
    findings = publication_dates(ds)
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


def publication_dates(ds: Dataset, today: dt.date | None = None) -> list[Finding]:
    """A source's date_published is not after `today` (UTC), and agrees with the date its text states:
    the date its dateline gives (a wire dateline, a page header's date and time, an "Updated:" line, in
    the text's first lines: text.periods.DATELINES), else the date its date_published_text reads as. A
    dateline wins over external metadata (external_fields) wherever the text states one; a date the
    reader cannot read states nothing here. date_published_text, when given, is words of the text."""
    role, sources = ds.roles.sources, ds.role_frame("sources")
    if role is None or sources is None or ds.role_lacks("sources", "source_id", "date_published"):
        return []
    today = today or dt.datetime.now(dt.UTC).date()
    file = ds.file(role.table)
    has_words = not ds.role_lacks("sources", "date_published_text")
    words = pl.col("date_published_text") if has_words else pl.lit(None, pl.String)
    frame = sources.select(LINE, "source_id", "date_published", words.alias("words"))
    findings = [
        Finding(
            "source-date-future",
            f"date_published {day} of source {sid} is after today ({today}): a text cannot have been "
            "published later than it was stored; correct the date",
            file=file,
            line=line,
            field=role["date_published"],
            value=str(day),
        )
        for line, sid, day in frame.filter(pl.col("date_published") > today)
        .select(LINE, "source_id", "date_published")
        .iter_rows()
    ]
    texts = ds.source_texts
    heads = pl.DataFrame(
        {
            "source_id": list(texts),
            "head": [t.text[:DATELINE_HEAD] for t in texts.values()],
            "normalised": [t.normalised for t in texts.values()],
        },
        schema={"source_id": pl.String, "head": pl.String, "normalised": pl.String},
    )
    # the words normalised once, as the texts are (a value that needs no normalising, most, is left as it is)
    frame = frame.with_columns(normalise_series(frame.get_column("words")).alias("words_n"))
    stated = (
        frame.join(heads, on="source_id", how="left")
        .with_columns(
            # (lines kept: a dateline stands at the start of its line; no-break and thin spaces read as spaces)
            dateline=read_date(pl.col("head").str.replace_all("[\u00a0\u2009\u202f\t]", " "), DATELINES),
            words_date=read_date(pl.col("words_n"), DATE_WORDS),
            words_in_text=pl.col("normalised").str.contains(pl.col("words_n"), literal=True),
        )
        .with_columns(said=pl.coalesce("dateline", "words_date"))
    )
    for line, sid, day, said, by_dateline in (
        stated.filter(pl.col("date_published").is_not_null() & (pl.col("said") != pl.col("date_published")))
        .select(LINE, "source_id", "date_published", "said", pl.col("dateline").is_not_null())
        .iter_rows()
    ):
        where = "its text's dateline" if by_dateline else "its date_published_text"
        findings.append(
            Finding(
                "source-date-contradicts-dateline",
                f"date_published {day} of source {sid} disagrees with {where}, which states {said}: the "
                "text's own date wins, over external metadata too; correct date_published",
                file=file,
                line=line,
                field=role["date_published"],
                value=str(day),
            )
        )
    missing = stated.filter(~pl.col("words_in_text").fill_null(True))
    for line, sid, text in missing.select(LINE, "source_id", "words").iter_rows():
        findings.append(
            Finding(
                "text-not-in-quote",
                f"date_published_text {text!r} of source {sid} does not occur in its text: copy the words that "
                "state its date from the text, or leave it empty",
                file=file,
                line=line,
                field=role["date_published_text"],
                value=text,
            )
        )
    return findings

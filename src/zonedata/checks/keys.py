"""Check 3: primary keys are unique and every reference resolves (self-references included)."""

from __future__ import annotations

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import CITATIONS_TABLE, Dataset


def _key_text(cols, row) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(cols, row))


def _duplicates(frame: pl.DataFrame, key: list[str], rule: str, what: str, fix: str, file: str) -> list[Finding]:
    """Each record whose (non-null) key another record already has, pointing at the first one."""
    if not key or not set(key) <= set(frame.columns):
        return []
    rows = frame.select(LINE, *key)
    if len(key) > 1:  # a repeated key repeats its first fields too: compare whole keys only where those repeat
        rows = rows.filter(pl.struct(key[:-1]).is_duplicated())
    dups = rows.filter(pl.all_horizontal(pl.col(key).is_not_null()) & pl.struct(key).is_duplicated())
    first = dups.group_by(key).agg(pl.col(LINE).min().alias("first"))
    # the first record keeps its key; each later one is the finding (as frictionless reports them)
    dups = dups.join(first, on=key, nulls_equal=True).filter(pl.col(LINE) != pl.col("first")).sort(LINE)
    return [
        Finding(rule, f"{what} ({_key_text(key, row[2:])}) is used more than once (first on line {row[1]}): {fix}",
                file=file, line=row[0], field=",".join(key), value=",".join(str(v) for v in row[2:]))
        for row in dups.select(LINE, "first", *key).iter_rows()
    ]


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for name, schema in ds.schemas.items():
        frame = ds.frame(name)
        file = ds.file(name)
        if frame is None or frame.is_empty():
            continue
        # the primary key and every uniqueKeys entry (which frictionless ignores): same check, own rule
        keys = [(schema.primary_key, "primary-key-duplicate", "primary key", "give each record its own id")]
        keys += [(u, "unique-violation", "unique key", "these fields together must differ between records")
                 for u in schema.unique_keys]
        for cols, rule, what, fix in keys:
            findings.extend(_duplicates(frame, list(cols), rule, what, fix, file))
        for fk in schema.foreign_keys:
            target = ds.frame(fk.table)
            if target is None or not set(fk.fields) <= set(frame.columns) or not set(fk.ref_fields) <= set(target.columns):
                continue
            referenced = target.select([pl.col(r).alias(f) for f, r in zip(fk.fields, fk.ref_fields)])  # an anti join needs no unique()
            dangling = frame.select(LINE, *fk.fields).filter(pl.all_horizontal(pl.col(list(fk.fields)).is_not_null())).join(
                referenced, on=list(fk.fields), how="anti").sort(LINE)
            for row in dangling.select(LINE, *fk.fields).iter_rows():
                line, values = row[0], row[1:]
                findings.append(Finding("foreign-key-dangling",
                                        f"{_key_text(fk.fields, values)} does not exist in {fk.table}: fix the id or add the record "
                                        f"to {ds.file(fk.table)}", file=file, line=line, field=",".join(fk.fields),
                                        value=",".join(str(v) for v in values)))
        for poly in schema.polymorphic_keys:
            if not {poly.table_field, poly.id_field} <= set(frame.columns):
                continue
            refs = frame.select(LINE, poly.table_field, poly.id_field).filter(
                pl.col(poly.id_field).is_not_null() & pl.col(poly.table_field).is_not_null())
            targets: list[pl.DataFrame] = []
            for tname in refs[poly.table_field].unique().to_list():
                t_schema, t_frame = ds.schemas.get(tname), ds.frame(tname)
                if t_schema is None or t_frame is None or len(t_schema.primary_key) != 1:
                    continue
                key = t_schema.primary_key[0]
                if key in t_frame.columns:
                    targets.append(t_frame.select(pl.lit(tname).alias(poly.table_field), pl.col(key).alias(poly.id_field)))
            known = pl.concat(targets) if targets else pl.DataFrame(schema={poly.table_field: pl.String, poly.id_field: pl.String})
            dangling = refs.join(known, on=[poly.table_field, poly.id_field], how="anti").sort(LINE)
            for line, tname, rid in dangling.select(LINE, poly.table_field, poly.id_field).iter_rows():
                findings.append(Finding("foreign-key-dangling", f"{tname} has no record {rid!r}: fix {poly.id_field} or "
                                        f"{poly.table_field}, or add the record", file=file, line=line, field=poly.id_field, value=rid))
    findings.extend(_twins(ds))
    findings.extend(_uncited(ds))
    return findings


def _twins(ds: Dataset) -> list[Finding]:
    """A twin park's twin must point back ("Two Countries, Twin Parks" link both ways)."""
    parks = ds.frame("parks")
    if parks is None or not {"park_id", "twin_park_id"} <= set(parks.columns):
        return []
    twins = parks.filter(pl.col("twin_park_id").is_not_null())
    back = parks.select(pl.col("park_id").alias("twin_park_id"), pl.col("twin_park_id").alias("back"))
    bad = twins.join(back, on="twin_park_id", how="inner").filter(
        pl.col("back").is_null() | (pl.col("back") != pl.col("park_id"))).sort(LINE)
    return [
        Finding("twin-not-reciprocal", f"{pid} names {twin} as its twin, but {twin}'s twin_park_id is "
                f"{back or 'empty'}: set it to {pid}", file=ds.file("parks"), line=line, field="twin_park_id", value=twin)
        for line, pid, twin, back in bad.select(LINE, "park_id", "twin_park_id", "back").iter_rows()
    ]


def _uncited(ds: Dataset) -> list[Finding]:
    """Every record of a table that citations can point at needs at least one citation."""
    cites, schema = ds.frame(CITATIONS_TABLE), ds.schemas.get(CITATIONS_TABLE)
    if cites is None or schema is None or not {"record_table", "record_id"} <= set(cites.columns):
        return []
    cited_tables = schema.field("record_table").constraints.get("enum", [])
    by_table = cites.select("record_table", "record_id").partition_by("record_table", as_dict=True)
    findings = []
    for tname in cited_tables:
        t_schema, frame = ds.schemas.get(tname), ds.frame(tname)
        if t_schema is None or frame is None or len(t_schema.primary_key) != 1 or t_schema.primary_key[0] not in frame.columns:
            continue
        key = t_schema.primary_key[0]
        cited = by_table.get((tname,), pl.DataFrame(schema={"record_id": cites.schema["record_id"]})).select(
            pl.col("record_id").alias(key))
        missing = frame.select(LINE, key).filter(pl.col(key).is_not_null()).join(cited, on=key, how="anti").sort(LINE)
        for line, rid in missing.select(LINE, key).iter_rows():
            findings.append(Finding("record-uncited", f"{tname} record {rid!r} has no citation: add a row to "
                                    f"{ds.file(CITATIONS_TABLE)} with its source_id and a verbatim quote",
                                    file=ds.file(tname), line=line, field=key, value=rid))
    return findings

"""Check 3: primary keys are unique and every reference resolves (self-references included)."""

from __future__ import annotations

import numpy as np
import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.loading.schema import TableSchema, schema_names
from zonedata.text.closest import did_you_mean

#: dangling references per table and field that get a 'did you mean' hint (the rest are only counted)
SUGGEST_MAX = 10


def _key_text(cols, row) -> str:
    return ", ".join(f"{c}={v}" for c, v in zip(cols, row))


def _key_hash(key: list[str]) -> pl.Expr:
    """One 64-bit hash of a row's key, null where a key field is (a null key repeats no other): equal keys
    hash alike, so a key whose hash no other row has is not repeated; rows whose hashes match may be a
    collision, and are compared in full."""
    hashes = [pl.col(c).hash(seed=i) for i, c in enumerate(key)]
    combined = hashes[0]
    for h in hashes[1:]:
        combined = combined ^ h
    return pl.when(pl.all_horizontal(pl.col(key).is_not_null())).then(combined)


def _repeated(hashes: pl.Series) -> np.ndarray:
    """The non-null hashes that occur more than once (sorting integers costs far less than hashing keys)."""
    s = np.sort(hashes.drop_nulls().to_numpy())
    return np.unique(s[1:][s[1:] == s[:-1]])


#: below this many ids, hashing them all costs less than the two operations that pick the named ones
MANY_IDS = 4096


def _known(refs: pl.Series, ids: pl.Series) -> pl.Series:
    """`ids` to look `refs` up in: where many ids far outnumber the references, only the ids some reference
    names (a reference is among those exactly when it is among all of them). `is_in` hashes the values it
    looks up in: a few links to 433k statistics hash a few ids, not 433k."""
    if len(ids) < MANY_IDS or len(ids) <= 2 * len(refs) or ids.dtype != refs.dtype:
        return ids
    return ids.filter(ids.is_in(refs.drop_nulls().implode()))


def _duplicates(
    frame: pl.DataFrame, key: list[str], hashes: pl.Series, rule: str, what: str, fix: str, file: str
) -> list[Finding]:
    """Each record whose (non-null) key another record already has, pointing at the first one
    (a key column the CSV lacks is all null: no record has a key, so none repeats one). `hashes` is the
    `_key_hash` of each row."""
    repeated = _repeated(hashes)
    if not len(repeated):  # the usual case: no two keys hash alike, so none repeats
        return []
    # a key's records all share its hash: only the rows whose hash repeats are compared in full
    rows = frame.select(LINE, *key).filter(hashes.is_in(pl.Series(repeated, dtype=pl.UInt64).implode()))
    dups = rows.filter(pl.all_horizontal(pl.col(key).is_not_null()) & pl.struct(key).is_duplicated())
    first = dups.group_by(key).agg(pl.col(LINE).min().alias("first"))
    # the first record keeps its key; each later one is the finding (as frictionless reports them)
    dups = dups.join(first, on=key, nulls_equal=True).filter(pl.col(LINE) != pl.col("first")).sort(LINE)
    return [
        Finding(
            rule,
            f"{what} ({_key_text(key, row[2:])}) is used more than once (first on line {row[1]}): {fix}",
            file=file,
            line=row[0],
            field=",".join(key),
            value=",".join(str(v) for v in row[2:]),
        )
        for row in dups.select(LINE, "first", *key).iter_rows()
    ]


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    named = schema_names(ds.paths)
    # a table whose schema is invalid, or whose CSV lacks its key column, has that finding: its records cannot
    # be known, so polymorphic refs to it are not dangling (one finding for the column, not one per reference)
    unknowable = [
        t
        for t in named
        if t not in ds.tables or not ds.tables[t].read or ds.tables[t].lacks(*ds.schemas[t].primary_key)
    ]
    tables = [(ds.tables[name], ds.file(name)) for name in ds.schemas]
    if ds.exclusions is not None:  # read like a table, though not published: its keys too
        tables.append((ds.exclusions, ds.exclusions.file))
    for table, file in tables:
        schema, frame = table.schema, table.frame
        if frame.is_empty():
            continue
        # the primary key and every uniqueKeys entry (which frictionless ignores): same check, own rule
        keys = [(schema.primary_key, "primary-key-duplicate", "primary key", "give each record its own id")]
        keys += [
            (u, "unique-violation", "unique key", "these fields together must differ between records")
            for u in schema.unique_keys
        ]
        keys = [k for k in keys if k[0]]
        # a target whose schema is invalid, or whose CSV lacks a referenced column, cannot say which
        # records it holds: that has its finding, and no reference to it is dangling
        # (a referencing column the CSV lacks is all null, and a null refers to nothing)
        fks = [
            (fk, ds.tables[fk.table])
            for fk in schema.foreign_keys
            if fk.table in ds.tables and not ds.tables[fk.table].lacks(*fk.ref_fields)
        ]
        # one pass over the table: each key's hashes, and for each reference of one field whether it names a
        # record its target lacks (a reference of several fields is looked up by a join below)
        columns = frame.select(
            *[_key_hash(list(cols)).alias(f"__key{i}") for i, (cols, *_) in enumerate(keys)],
            *[
                (
                    pl.col(fk.fields[0]).is_not_null()
                    & ~pl.col(fk.fields[0]).is_in(
                        _known(frame.get_column(fk.fields[0]), target.frame.get_column(fk.ref_fields[0])).implode()
                    )
                ).alias(f"__fk{i}")
                for i, (fk, target) in enumerate(fks)
                if len(fk.fields) == 1
            ],
        )
        for i, (cols, rule, what, fix) in enumerate(keys):
            findings.extend(_duplicates(frame, list(cols), columns.get_column(f"__key{i}"), rule, what, fix, file))
        for i, (fk, target) in enumerate(fks):
            if len(fk.fields) == 1:
                mask = columns.get_column(f"__fk{i}")
                if not mask.any():
                    continue
                dangling = frame.filter(mask).select(LINE, *fk.fields).sort(LINE)
            else:
                referenced = target.frame.select(
                    [pl.col(r).alias(f) for f, r in zip(fk.fields, fk.ref_fields)]
                )  # an anti join needs no unique()
                dangling = (
                    frame.select(LINE, *fk.fields)
                    .filter(pl.all_horizontal(pl.col(list(fk.fields)).is_not_null()))
                    .join(referenced, on=list(fk.fields), how="anti")
                    .sort(LINE)
                )
            for j, row in enumerate(dangling.iter_rows()):
                line, values = row[0], row[1:]
                hint = ""
                if j < SUGGEST_MAX and len(values) == 1:
                    hint = did_you_mean(str(values[0]), target.frame.get_column(fk.ref_fields[0]))
                findings.append(
                    Finding(
                        "foreign-key-dangling",
                        f"{_key_text(fk.fields, values)} does not exist in {fk.table}{hint}: fix the id or add the "
                        f"record to {ds.file(fk.table)}",
                        file=file,
                        line=line,
                        field=",".join(fk.fields),
                        value=",".join(str(v) for v in values),
                    )
                )
        for poly in schema.polymorphic_keys:
            findings.extend(_dangling_polymorphic(ds, frame, poly, unknowable, file))
    findings.extend(_reciprocal(ds))
    findings.extend(_cycles(ds))
    findings.extend(_self_links(ds))
    findings.extend(_link_cycles(ds))
    findings.extend(_uncited(ds))
    return findings


def _dangling_polymorphic(ds: Dataset, frame: pl.DataFrame, poly, unknowable: list[str], file: str) -> list[Finding]:
    """References (table, id) to a record that table lacks: the refs to each table are looked up among its
    ids alone (one field, not the pair); a ref to a table with no such ids (none of one key field) dangles."""
    tf, idf = poly.table_field, poly.id_field
    refs = frame.select(LINE, tf, idf).filter(
        pl.col(idf).is_not_null() & pl.col(tf).is_not_null() & ~pl.col(tf).is_in(unknowable)
    )
    if refs.is_empty():
        return []
    ids_of: dict[str, pl.Series] = {}  # the ids of each named table (empty: none to name)
    parts = []
    for (tname,), named in refs.partition_by(tf, as_dict=True).items():
        target = ds.tables.get(tname)
        if target is None or len(target.schema.primary_key) != 1:
            ids_of[tname] = pl.Series(idf, [], dtype=pl.String)
            parts.append(named)
            continue
        ids_of[tname] = target.frame.get_column(target.schema.primary_key[0])
        parts.append(named.filter(~pl.col(idf).is_in(_known(named.get_column(idf), ids_of[tname]).implode())))
    dangling = pl.concat(parts).sort(LINE)
    findings = []
    for i, (line, tname, rid) in enumerate(dangling.iter_rows()):
        hint = did_you_mean(rid, ids_of[tname]) if i < SUGGEST_MAX else ""
        findings.append(
            Finding(
                "foreign-key-dangling",
                f"{tname} has no record {rid!r}{hint}: fix {poly.id_field} or {poly.table_field}, or add the record",
                file=file,
                line=line,
                field=poly.id_field,
                value=rid,
            )
        )
    return findings


def _node(schema: TableSchema, field: str) -> pl.Expr | None:
    """The record a reference field resolves to, as one "table<TAB>id" string (null when the field is
    empty): a foreign key's table is its resource, a polymorphic key's is its tableField's cell."""
    for fk in schema.foreign_keys:
        if fk.fields == (field,):
            return pl.concat_str(pl.lit(fk.table), pl.lit("\t"), pl.col(field))
    for p in schema.polymorphic_keys:
        if p.id_field == field:
            return pl.concat_str(pl.col(p.table_field), pl.lit("\t"), pl.col(field))
    return None


def _shown(node: str) -> str:
    table, _, rid = node.partition("\t")
    return f"{table} {rid}"


def _self_links(ds: Dataset) -> list[Finding]:
    """A row whose two references of a `distinctReferences` pair resolve to the same record links that
    record to itself (a statistic linked to itself, a relation whose subject is its object)."""
    findings = []
    for name, schema in ds.schemas.items():
        frame = ds.frame(name)
        if frame is None or frame.is_empty():
            continue
        for a, b in schema.distinct_references:
            na, nb = _node(schema, a), _node(schema, b)
            needed = {a, b} | {p.table_field for p in schema.polymorphic_keys if p.id_field in (a, b)}
            if na is None or nb is None or not needed <= set(frame.columns):
                continue
            # (an empty reference names no record: only the rows with both are compared)
            both = frame.filter(pl.col(a).is_not_null() & pl.col(b).is_not_null())
            if both.is_empty():
                continue
            same = both.select(LINE, na.alias("a"), nb.alias("b")).filter(pl.col("a") == pl.col("b")).sort(LINE)
            for line, node, _ in same.iter_rows():
                findings.append(
                    Finding(
                        "self-link",
                        f"{a} and {b} both name {_shown(node)}: a row links two different records, not one "
                        f"to itself; correct one of them or delete the row",
                        file=ds.file(name),
                        line=line,
                        field=b,
                        value=node.partition("\t")[2],
                    )
                )
    return findings


def _link_cycles(ds: Dataset) -> list[Finding]:
    """Rows of an `acyclicLinks` table, read source -> target within one kind, form no loop (A part of
    B and B part of A; or a longer chain back to A). Found by growing each row's reachable targets by
    joins until nothing is added (a link table is small; at most its row count rounds)."""
    findings = []
    for name, schema in ds.schemas.items():
        frame = ds.frame(name)
        if frame is None or frame.is_empty():
            continue
        for link in schema.acyclic_links:
            ns, nt = _node(schema, link.source), _node(schema, link.target)
            needed = {link.source, link.target, *([link.kind_field] if link.kind_field else [])}
            needed |= {p.table_field for p in schema.polymorphic_keys if p.id_field in (link.source, link.target)}
            if ns is None or nt is None or not needed <= set(frame.columns):
                continue
            kind = pl.col(link.kind_field) if link.kind_field else pl.lit("")
            rows = frame.select(LINE, kind.alias("k"), ns.alias("s"), nt.alias("t")).drop_nulls(["k", "s", "t"])
            if link.kind_field:
                rows = rows.filter(pl.col("k").is_in(link.kinds))
            rows = rows.filter(pl.col("s") != pl.col("t"))  # a self-link has its own finding
            edges = rows.select("k", "s", "t").unique()
            reach = edges  # (k, s, t): t is reachable from s within kind k
            for _ in range(edges.height):
                grown = (
                    reach.join(edges.rename({"s": "t", "t": "t2"}), on=["k", "t"])
                    .select("k", "s", pl.col("t2").alias("t"))
                    .vstack(reach)
                    .unique()
                )
                if grown.height == reach.height:
                    break
                reach = grown
            # a row s -> t is on a loop when s is reachable back from t
            looped = rows.join(reach.rename({"s": "t", "t": "s"}), on=["k", "s", "t"], how="semi").sort(LINE)
            for line, k, s_node, t_node in looped.iter_rows():
                findings.append(
                    Finding(
                        "reference-cycle",
                        f"{_shown(s_node)} is {k} {_shown(t_node)}, and a chain of {k} rows leads from "
                        f"{_shown(t_node)} back to {_shown(s_node)}: {k} goes one way; delete or reverse a row",
                        file=ds.file(name),
                        line=line,
                        field=link.target,
                        value=t_node.partition("\t")[2],
                    )
                )
    return findings


def _self_keys(ds: Dataset):
    """(table, schema, frame, foreign key) for each key of a table to itself (a column the CSV lacks is all
    null: a null key points nowhere and is pointed at by nothing)."""
    for name, schema in ds.schemas.items():
        frame = ds.tables[name].frame
        if frame.is_empty():
            continue
        for fk in schema.foreign_keys:
            if fk.table == name:
                yield name, schema, frame, fk


def _reciprocal(ds: Dataset) -> list[Finding]:
    """A reference marked reciprocal points back: a twin park's twin names it as its twin."""
    findings = []
    for name, _, frame, fk in _self_keys(ds):
        if not fk.reciprocal:
            continue
        cols, refs = list(fk.fields), list(fk.ref_fields)
        back = [f"__back_{i}" for i in range(len(cols))]
        # each record as a target: its key (under the referencing names) and where it points
        targets = frame.select(
            *[pl.col(r).alias(c) for c, r in zip(cols, refs)], *[pl.col(c).alias(b) for c, b in zip(cols, back)]
        ).unique(cols, keep="first")
        pointing = frame.filter(pl.all_horizontal(pl.col(cols).is_not_null()))
        bad = (
            pointing.join(targets, on=cols, how="inner")
            .filter(~pl.all_horizontal([pl.col(b).eq_missing(pl.col(r)) for b, r in zip(back, refs)]))
            .sort(LINE)
        )
        for row in bad.select(LINE, *refs, *cols, *back).iter_rows():
            n = len(cols)
            line, me, other, theirs = row[0], row[1 : 1 + n], row[1 + n : 1 + 2 * n], row[1 + 2 * n :]
            me_s, other_s = ",".join(map(str, me)), ",".join(map(str, other))
            theirs_s = ",".join("" if v is None else str(v) for v in theirs).strip(",") or "empty"
            findings.append(
                Finding(
                    "twin-not-reciprocal",
                    f"{me_s} names {other_s} in {','.join(cols)}, but {other_s}'s "
                    f"{','.join(cols)} is {theirs_s}: set it to {me_s} (the reference goes both ways)",
                    file=ds.file(name),
                    line=line,
                    field=",".join(cols),
                    value=other_s,
                )
            )
    return findings


def _cycles(ds: Dataset) -> list[Finding]:
    """A key of a table to itself never leads back to the record it starts from: no park is its own
    parent, directly or up a chain, and no event its own series. A reciprocal key (twins) points back
    by design, so only a record naming itself is a cycle there. Found for every such key of every
    schema by pointer doubling: after 2^k >= n steps from any record, a walk that has not ended is on
    a cycle, and every record on a cycle is reached so (vectorised, log2(n) steps)."""
    findings = []
    for name, _schema, frame, fk in _self_keys(ds):
        cols, refs = list(fk.fields), list(fk.ref_fields)
        # the referencing and the referenced fields under names of their own: a key may name one field as both
        # (a reference within the table without `resource`, even to its own key)
        src = [f"__from_{k}" for k in range(len(cols))]
        key = [f"__key_{k}" for k in range(len(refs))]
        rows = frame.select(
            LINE,
            *[pl.col(c).alias(a) for c, a in zip(cols, src)],
            *[pl.col(r).alias(a) for r, a in zip(refs, key)],
        ).with_row_index("i")
        # each record's row index, by its key (the first record of a duplicated key: that has its own finding)
        index = rows.filter(pl.all_horizontal(pl.col(key).is_not_null())).unique(key, keep="first", maintain_order=True)
        step = rows.join(
            index.select(*[pl.col(r).alias(a) for r, a in zip(key, src)], pl.col("i").alias("to")),
            on=src,
            how="left",
            maintain_order="left",
        ).sort("i")
        to = step["to"].fill_null(-1).cast(pl.Int64).to_numpy()
        n = len(to)
        if fk.reciprocal:
            on_cycle = np.flatnonzero(to == np.arange(n))
        else:
            reach = to.copy()
            for _ in range(max(1, int(np.ceil(np.log2(n + 1))))):
                reach = np.where(reach >= 0, reach[np.maximum(reach, 0)], -1)
            on_cycle = np.unique(reach[reach >= 0])
        if not len(on_cycle):
            continue
        lines, keys = rows[LINE].to_list(), rows.select(key).rows()
        where = ",".join(cols)
        for i in sorted(on_cycle, key=lambda i: lines[i]):
            path, j = [i], to[i]
            while j != i and len(path) < 20:
                path.append(j)
                j = to[j]
            ids = [",".join(map(str, keys[k])) for k in path] + [",".join(map(str, keys[i]))]
            shown = " -> ".join(ids if j == i else ids[:-1] + ["..."])
            what = "itself" if len(path) == 1 else "a loop"
            findings.append(
                Finding(
                    "reference-cycle",
                    f"{where} leads back to {what}: {shown}. A record cannot be its own "
                    f"{where.removesuffix('_id').replace('_', ' ')}: break the loop",
                    file=ds.file(name),
                    line=lines[i],
                    field=where,
                    value=",".join(map(str, keys[path[1] if len(path) > 1 else i])),
                )
            )
    return findings


def _uncited(ds: Dataset) -> list[Finding]:
    """Every record of every table but the sources and the citations needs at least one citation, whether
    or not the citations schema's record_table enum names its table (a citation of a table the enum lacks
    has its enum finding; the record is still uncited)."""
    role, cites = ds.roles.citations, ds.role_frame("citations")
    # without the columns that say what is cited, no record can be known to be uncited
    if role is None or cites is None or ds.role_lacks("citations", "record_table", "record_id"):
        return []
    by_table = cites.select("record_table", "record_id").partition_by("record_table", as_dict=True)
    findings = []
    for tname, table in ds.tables.items():
        if tname in ds.roles.special or len(table.schema.primary_key) != 1:
            continue  # (a record with a key of several fields cannot be named by one record_id)
        frame, key = table.frame, table.schema.primary_key[0]  # (a key column the CSV lacks: no id is uncited)
        cited = by_table.get((tname,), pl.DataFrame(schema={"record_id": cites.schema["record_id"]}))
        ids = cited.get_column("record_id").cast(frame.schema[key], strict=False)
        missing = frame.filter(pl.col(key).is_not_null() & ~pl.col(key).is_in(ids.implode()))
        for line, rid in missing.select(LINE, key).sort(LINE).iter_rows() if not missing.is_empty() else ():
            findings.append(
                Finding(
                    "record-uncited",
                    f"{tname} record {rid!r} has no citation: add a row to {ds.file(role.table)} with its "
                    f"{role['record_table']} {tname!r}, {role['record_id']} {rid!r}, {role['source_id']} and a "
                    f"verbatim {role['quote']}",
                    file=ds.file(tname),
                    line=line,
                    field=key,
                    value=str(rid),
                )
            )
    return findings

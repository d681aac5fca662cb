"""Link rows join records that belong together (schema property `linkedRecords`, see loading/schema.py).

statistic_links: a `same_quantity` link joins two figures of the same period and the same quantity
kind (one quantity in two currencies is one quantity: its period and kind cannot differ), and every
link joins figures that one paragraph of one source cites together ("99.68 billion yuan ($14.60
billion)"), unless the link's notes say why it joins figures from different passages. A paragraph is
a line of the stored text; each citation's located offsets say which lines it covers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.loading.schema import LinkedRecords


def check(ds: Dataset) -> list[Finding]:
    findings: list[Finding] = []
    for name, schema in ds.schemas.items():
        for link in schema.linked_records:
            table, target = ds.tables.get(name), ds.tables.get(link.table)
            if table is None or target is None or table.lacks(link.source, link.target):
                continue  # a missing table or column has its own finding
            rows = table.frame.select(
                LINE,
                pl.col(link.source).alias("a"),
                pl.col(link.target).alias("b"),
                (pl.col(link.kind_field) if link.kind_field else pl.lit(None, pl.String)).alias("kind"),
                (pl.col(link.explained_by) if link.explained_by else pl.lit(None, pl.String)).alias("why"),
            ).filter(pl.col("a").is_not_null() & pl.col("b").is_not_null())
            findings += _agreement(ds, name, link, rows)
            findings += _passages(ds, name, link, rows)
    return findings


def _agreement(ds: Dataset, name: str, link: LinkedRecords, rows: pl.DataFrame) -> list[Finding]:
    """Rows of a kind in `link.agree` whose two records differ in one of that kind's fields."""
    target = ds.tables[link.table]
    key = ds.schemas[link.table].primary_key[0]
    findings = []
    for kind, cols in link.agree:
        present = [c for c in cols if not target.lacks(c)]
        if not present:
            continue
        linked = rows.filter(pl.col("kind") == kind)
        if linked.is_empty():
            continue
        # the linked records only (a large table holds far more), each id's first record
        ids = pl.concat([linked.get_column("a"), linked.get_column("b")]).unique().implode()
        records = (
            target.frame.filter(pl.col(key).is_in(ids))
            .select(pl.col(key).alias("id"), *present)
            .unique("id", keep="first")
        )
        pairs = linked.join(records.rename({c: f"a.{c}" for c in present}), left_on="a", right_on="id").join(
            records.rename({c: f"b.{c}" for c in present}), left_on="b", right_on="id"
        )
        differ = pl.concat_list(
            [pl.when(pl.col(f"a.{c}").ne_missing(pl.col(f"b.{c}"))).then(pl.lit(c)) for c in present]
        ).list.drop_nulls()
        pairs = pairs.with_columns(differ=differ).filter(pl.col("differ").list.len() > 0).sort(LINE)
        for row in pairs.iter_rows(named=True):
            what = "; ".join(f"{c} {_shown(row[f'a.{c}'])} against {_shown(row[f'b.{c}'])}" for c in row["differ"])
            findings.append(
                Finding(
                    "link-period-mismatch",
                    f"{kind} joins {row['a']} and {row['b']}, which differ in {what}: one quantity has one "
                    f"period and kind; correct the figures, or use another {link.kind_field}",
                    file=ds.file(name),
                    line=row[LINE],
                    field=link.kind_field,
                    value=kind,
                )
            )
    return findings


def _shown(value) -> str:
    return "(empty)" if value is None else str(value)


def _paragraphs(ds: Dataset, link: LinkedRecords) -> pl.DataFrame:
    """record_id, source_id, first, last: the lines (paragraphs) of its source each located citation of
    a record of `link.table` covers."""
    located = ds.located
    schema = {"record_id": pl.String, "source_id": pl.String, "first": pl.Int64, "last": pl.Int64}
    if located is None:
        return pl.DataFrame(schema=schema)
    cites = located.frame.filter((pl.col("record_table") == link.table) & pl.col("quote_start").is_not_null())
    texts = ds.texts
    cited_sources = set(cites["source_id"].unique().to_list())
    sids = [sid for sid in texts if sid in cited_sources]
    if not sids:
        return pl.DataFrame(schema=schema)
    # the texts laid end to end: each newline's global code-point position, and each text's base
    lengths = np.array([len(texts[s]) for s in sids], dtype=np.int64)
    base = dict(zip(sids, (np.cumsum(lengths) - lengths).tolist()))
    codes = np.frombuffer("".join(texts[s] for s in sids).encode("utf-32-le"), dtype=np.uint32)
    newlines = np.flatnonzero(codes == 10)
    cites = cites.with_columns(base=pl.col("source_id").replace_strict(base, default=None, return_dtype=pl.Int64))
    cites = cites.filter(pl.col("base").is_not_null())
    start = (cites["base"] + cites["quote_start"]).to_numpy()
    end = (cites["base"] + cites["quote_end"] - 1).to_numpy()
    return cites.select(
        "record_id",
        "source_id",
        pl.Series("first", np.searchsorted(newlines, start), dtype=pl.Int64),
        pl.Series("last", np.searchsorted(newlines, end), dtype=pl.Int64),
    )


def _passages(ds: Dataset, name: str, link: LinkedRecords, rows: pl.DataFrame) -> list[Finding]:
    """Rows with no word of why whose two records no paragraph of a source cites together."""
    unexplained = rows.filter(pl.col("why").fill_null("").str.strip_chars() == "")
    if unexplained.is_empty():
        return []
    paragraphs = _paragraphs(ds, link)
    cited = paragraphs.select(pl.col("record_id").alias("a")).unique()
    together = (
        unexplained.join(paragraphs.rename({"record_id": "a", "first": "fa", "last": "la"}), on="a")
        .join(paragraphs.rename({"record_id": "b", "first": "fb", "last": "lb"}), on=["b", "source_id"])
        .filter((pl.col("fa") <= pl.col("lb")) & (pl.col("fb") <= pl.col("la")))
        .select(LINE)
        .unique()
    )
    # a record none of whose citations is located has that finding: where it is cited is not known
    apart = (
        unexplained.join(together, on=LINE, how="anti")
        .join(cited, on="a", how="semi")
        .join(cited.rename({"a": "b"}), on="b", how="semi")
        .sort(LINE)
    )
    field = link.explained_by
    return [
        Finding(
            "link-unrelated-passages",
            f"the link joins {a} and {b}, which no paragraph of a source cites together: cite the passage that "
            "joins them for both"
            + (f", or say in {field} why they are linked" if field else "")
            + (f" ({kind})" if kind else ""),
            file=ds.file(name),
            line=line,
            field=field,
        )
        for line, a, b, kind in apart.select(LINE, "a", "b", "kind").iter_rows()
    ]

"""Words that a record takes from its text are in one of its quotes.

A field whose schema says `"quoted": true` (a custom Table Schema property, like `derived` and
`unit`) holds words copied from the source: a park's `status_text`, a figure's `attribution_text`,
a relation's `relation_text`, a person's name as written, the items of `industries` or `aliases`.
Each such value (each item, for a `list` field) must occur in at least one of the record's located
quotes after the same safe normalisation as the quotes themselves (curly quotes, dashes, spaces),
so what the curator typed is what the text says.
"""

from __future__ import annotations

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.text.normalise import normalise_series


def check(ds: Dataset) -> list[Finding]:
    located = ds.located
    if located is None:
        return []
    quotes = located.frame.filter(pl.col("quote_start").is_not_null()).select("record_table", "record_id", "quote_norm")
    findings: list[Finding] = []
    for name, table in ds.tables.items():
        schema = table.schema
        # (a field or key column the CSV lacks is all null: no value to find, no record whose quotes are known)
        fields = [f for f in schema.raw_fields if f.descriptor.get("quoted") is True]
        if name in ds.roles.special or not fields or len(schema.primary_key) != 1:
            continue
        key = schema.primary_key[0]
        own = quotes.filter(pl.col("record_table") == name).select(pl.col("record_id").alias(key), "quote_norm")
        # a record none of whose quotes could be located already has its finding; its words may be in them
        located_ids = own.select(key)  # (a semi join needs no unique right side)
        for f in fields:
            values = table.frame.select(LINE, key, pl.col(f.name).alias("value")).filter(pl.col("value").is_not_null())
            if f.type == "list":
                values = values.with_columns(pl.col("value").str.split(f.delimiter)).explode("value")
            values = values.filter(pl.col("value").str.strip_chars() != "").join(located_ids, on=key, how="semi")
            if values.is_empty():
                continue
            values = values.with_columns(normalise_series(values["value"]).alias("needle"))
            # the usual case first, cheaply: every value (row) is in one of its record's quotes
            in_a_quote = (
                values.with_row_index("__row")
                .join(own, on=key)
                .filter(pl.col("quote_norm").str.contains(pl.col("needle"), literal=True))
                .get_column("__row")
                .n_unique()
            )
            if in_a_quote == values.height:
                continue
            found = (
                values.join(own, on=key)
                .filter(pl.col("quote_norm").str.contains(pl.col("needle"), literal=True))
                .select(LINE, "value")
                .unique()
            )
            missing = values.join(found, on=[LINE, "value"], how="anti").sort(LINE)
            for line, rid, value in missing.select(LINE, key, "value").iter_rows():
                what = "an item of " + f.name if f.type == "list" else f.name
                findings.append(
                    Finding(
                        "text-not-in-quote",
                        f"{what} {value!r} of {rid!r} occurs in none of its quotes: copy the "
                        "words exactly from a quote, or cite the sentence that holds them",
                        file=ds.file(name),
                        line=line,
                        field=f.name,
                        value=value,
                    )
                )
    return findings

"""Words that a record takes from its text are in one of its quotes, as whole words.

A field whose schema says `"quoted": true` (a custom Table Schema property, like `derived` and
`unit`) holds words copied from the source: a park's `status_text`, a figure's `attribution_text`
or `period_text`, a relation's `relation_text`, a person's name as written, the items of
`industries` or `aliases`. `"quoted": {"when": {"field": "name_type", "values": ["proper"]}}` says
the same of the rows whose `name_type` is one of the values only: a park's name is the text's own
when it is a proper name, not when it is the curator's label. Each such value (each item, for a
`list` field) must occur in at least one of the record's located quotes after the same safe
normalisation as the quotes themselves (curly quotes, dashes, spaces, NFC), and as whole words: a
value that begins (ends) with a letter or digit may not be preceded (followed) by one, so the
status word "operation" is not found inside "Cooperation"; and one that begins (ends) with a digit may
not be joined to other digits by a sign ("-", "/", ".", ",", ":"), so "2016" is not the period of
"2016-17".
"""

from __future__ import annotations

import polars as pl

from zonedata.base.findings import LINE, Finding
from zonedata.loading.dataset import Dataset
from zonedata.loading.schema import Field
from zonedata.text.normalise import normalise_series

# a character of a word that must end at a space or a sign: Rust's \w (Unicode letters, marks, digits and the
# underscore) but for the scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer,
# Myanmar), where any character may begin or end a word
_WORD = r"^[\w--[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]]"


#: the signs that join two runs of digits into one number or span ("2016-17", "2016/17", "1,200", "5.5", "11:30")
_JOINS = r"[-/.,:]"
_DIGIT_THEN_JOIN = pl.Series([f"{d}{j}".encode() for d in "0123456789" for j in "-/.,:"], dtype=pl.Binary)
_JOIN_THEN_DIGIT = pl.Series([f"{j}{d}".encode() for d in "0123456789" for j in "-/.,:"], dtype=pl.Binary)

#: the ASCII characters that are not word characters, as bytes: around a needle, they end a word
_ASCII_NOT_WORD = pl.Series(
    [bytes([c]) for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")], dtype=pl.Binary
)


def check(ds: Dataset) -> list[Finding]:
    located = ds.located
    if located is None:
        return []
    # every table's quoted values in one frame, searched in one pass: record_table, record_id, field, LINE, value, cond
    parts, fields_of = [], {}
    for name, table in ds.tables.items():
        schema = table.schema
        # (a field or key column the CSV lacks is all null: no value to find, no record whose quotes are known;
        # nor has a field empty in every row, and without values a table's quotes are not read at all)
        frame = table.frame
        fields = [f for f in schema.raw_fields if f.quoted and frame.get_column(f.name).null_count() < frame.height]
        if name in ds.roles.special or not fields or len(schema.primary_key) != 1:
            continue
        key = schema.primary_key[0]
        for f in fields:
            fields_of[name, f.name] = f
            parts.append(
                _values(frame, key, f).select(
                    pl.lit(name).alias("record_table"),
                    pl.col(key).cast(pl.String).alias("record_id"),
                    pl.lit(f.name).alias("field"),
                    LINE,
                    "value",
                    "cond",
                )
            )
    if not parts:
        return []
    # the located quotes of the tables with quoted fields only (not the figures', most of a large package's)
    quotes = (
        located.frame.select("record_table", "record_id", "quote_norm", "quote_start")
        .filter(pl.col("quote_start").is_not_null() & pl.col("record_table").is_in(sorted({t for t, _ in fields_of})))
        .drop("quote_start")
    )
    # a record none of whose quotes could be located already has its finding; its words may be in them
    values = (
        pl.concat(parts)
        .join(quotes.lazy().select("record_table", "record_id"), on=["record_table", "record_id"], how="semi")
        .collect()
    )
    if values.is_empty():
        return []
    values = values.with_columns(normalise_series(values["value"]).alias("needle")).with_row_index("__row")
    candidates = values.join(quotes, on=["record_table", "record_id"]).filter(
        pl.col("quote_norm").str.contains(pl.col("needle"), literal=True)
    )
    found = _as_whole_words(candidates)
    if found.height == values.height:  # the usual case: every value is in one of its record's quotes
        return []
    missing = values.join(found, on="__row", how="anti").sort("record_table", "field", LINE, "__row")
    inside = set(candidates.get_column("__row").to_list())
    return [
        _finding(ds.file(name), fields_of[name, field], line, rid, value, cond, row in inside)
        for row, name, field, line, rid, value, cond in missing.select(
            "__row", "record_table", "field", LINE, "record_id", "value", "cond"
        ).iter_rows()
    ]


def _values(frame: pl.DataFrame, key: str, f: Field) -> pl.LazyFrame:
    """LINE, key, value, cond: the field's non-empty values (items, for a list field) that the text must hold."""
    when = f.quoted_when
    values = (
        frame.lazy()
        .select(
            LINE,
            key,
            pl.col(f.name).alias("value"),
            (pl.col(when[0]) if when else pl.lit(None, dtype=pl.String)).alias("cond"),
        )
        .filter(pl.col("value").is_not_null())
    )
    if when:
        values = values.filter(pl.col("cond").is_in(when[1]).fill_null(False))
    if f.type == "list":
        values = values.with_columns(pl.col("value").str.split(f.delimiter)).explode("value")
    return values.filter(pl.col("value").str.strip_chars() != "")


def _as_whole_words(candidates: pl.DataFrame) -> pl.DataFrame:
    """The distinct __row of `candidates` (rows whose needle occurs in quote_norm) with an occurrence that
    is whole words. Each quote is split at its needle: occurrence k lies between pieces k and k+1, and
    the characters around it are the last of piece k and the first of piece k + 1 (or, where such a
    piece is empty between two occurrences, the neighbouring occurrence's own last or first character)."""
    needle = pl.col("needle")
    # first, cheaply: the first occurrence has an ASCII character that is no letter or digit (or the quote's
    # end) on each side; only the other rows are looked at occurrence by occurrence. (Its byte offset `at`
    # and the needle's length `n` are columns of their own: a filter computes each expression it names.)
    hay = pl.col("quote_norm").cast(pl.Binary)
    at, n = pl.col("__at"), pl.col("__n")
    before = hay.bin.slice(at - 1, 1).is_in(_ASCII_NOT_WORD.implode())
    after = hay.bin.slice(at + n, 1).is_in(_ASCII_NOT_WORD.implode())
    clear = before.fill_null(False) | (at == 0)
    clear_after = after.fill_null(False) | (at + n == pl.col("quote_norm").str.len_bytes())
    # a number goes on past a sign that joins digits: "2016" is not a whole word of "2016-17" or "1,2016"
    digit_first, digit_last = needle.str.contains(r"^[0-9]"), needle.str.contains(r"[0-9]$")
    joined_before = hay.bin.slice(pl.max_horizontal(at - 2, pl.lit(0)), pl.min_horizontal(at, pl.lit(2))).is_in(
        _DIGIT_THEN_JOIN.implode()
    )
    joined_after = hay.bin.slice(at + n, 2).is_in(_JOIN_THEN_DIGIT.implode())
    clear = clear & ~(digit_first & joined_before).fill_null(False)
    clear_after = clear_after & ~(digit_last & joined_after).fill_null(False)
    sure = (
        candidates.select(
            "__row",
            "needle",
            "quote_norm",
            __at=pl.col("quote_norm").str.find(needle, literal=True),  # (a byte offset)
            __n=needle.str.len_bytes(),
        )
        .filter(clear & clear_after)
        .select("__row")
        .unique()
    )
    candidates = candidates.join(sure, on="__row", how="anti")
    if candidates.is_empty():
        return sure
    starts_word, ends_word = needle.str.contains(_WORD), needle.str.slice(-1).str.contains(_WORD)
    occurrences = (
        candidates.select(
            "__row",
            "needle",
            pieces=pl.col("quote_norm").str.split(needle),
        )
        .with_columns(
            before=pl.col("pieces").list.slice(0, pl.col("pieces").list.len() - 1),
            after=pl.col("pieces").list.slice(1),
            k=pl.int_ranges(pl.col("pieces").list.len() - 1),
            n=pl.col("pieces").list.len() - 1,
        )
        .drop("pieces")
        .explode("before", "after", "k")
    )
    prev = (
        pl.when((pl.col("before") == "") & (pl.col("k") > 0))
        .then(needle.str.slice(-1))
        .otherwise(pl.col("before").str.slice(-1))
    )
    nxt = (
        pl.when((pl.col("after") == "") & (pl.col("k") < pl.col("n") - 1))
        .then(needle.str.slice(0, 1))
        .otherwise(pl.col("after").str.slice(0, 1))
    )
    whole = (
        (~starts_word | ~prev.str.contains(_WORD))
        & (~ends_word | ~nxt.str.contains(_WORD))
        & ~(needle.str.contains(r"^[0-9]") & pl.col("before").str.contains(rf"[0-9]{_JOINS}$"))
        & ~(needle.str.contains(r"[0-9]$") & pl.col("after").str.contains(rf"^{_JOINS}[0-9]"))
    )
    return pl.concat([sure, occurrences.filter(whole).select("__row")]).unique()


def _finding(file: str, f: Field, line: int, rid: str, value: str, cond: str | None, inside: bool) -> Finding:
    what = "an item of " + f.name if f.type == "list" else f.name
    when = f" (its {f.quoted_when[0]} is {cond!r}, so the name is the text's own words)" if f.quoted_when else ""
    if inside:
        message = (
            f"{what} {value!r} of {rid!r}{when} occurs in its quotes only inside longer words: copy whole words "
            "from a quote, or cite the sentence that holds them"
        )
    else:
        message = (
            f"{what} {value!r} of {rid!r}{when} occurs in none of its quotes: copy the words exactly from a quote, "
            "or cite the sentence that holds them"
        )
    if f.quoted_when and not inside:
        message += f"; a name the text does not give is a label: set {f.quoted_when[0]} to say so"
    return Finding("text-not-in-quote", message, file=file, line=line, field=f.name, value=value)

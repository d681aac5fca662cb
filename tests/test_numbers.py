"""Tests for zonedata.text.numbers: the number-mention grammar and its vectorised reader."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from conftest import REPO, grammar_of
from zonedata.text import numbers
from zonedata.text.numbers import KINDS, Mention

#: the repository's grammar (metadata/vocabulary/)
GRAMMAR = grammar_of(REPO)
parse_mentions, mentions_frame = GRAMMAR.parse_mentions, GRAMMAR.mentions_frame
QUALIFIERS = GRAMMAR.qualifiers

ROOT = Path(__file__).resolve().parents[1]
#: the grammar's test texts: the five stored seeds as captured (never edited), by name, so a source added later
#: to seeds/ changes nothing here (SEED_MENTIONS pins what the grammar finds in each)
SEEDS = [
    ROOT / "seeds" / name
    for name in (
        "000_b3e5e928df9ca75b.txt",
        "001_27ad36de142194f5.txt",
        "002_cfaeb96985c72997.txt",
        "003_ba2da06112540458.txt",
        "004_f72b2bd15d92dbf3.txt",
    )
]
GOLDEN = json.loads((Path(__file__).parent / "golden" / "number_mentions.json").read_text(encoding="utf-8"))
FIELDS = ("text", "qualifier", "kind", "number", "scale_word", "value", "unit", "currency")


def seed_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def as_golden(m: Mention) -> dict:
    return {f: getattr(m, f) for f in FIELDS}


def expected(d: dict) -> dict:
    out = {f: d[f] for f in FIELDS}
    for f in ("number", "value"):
        out[f] = None if d[f] is None else Decimal(d[f])
    return out


# ----------------------------------------------------------------------------- golden


@pytest.mark.parametrize("case", GOLDEN, ids=[c["sentence"][:50] for c in GOLDEN])
def test_golden(case):
    sentence = case["sentence"]
    got = parse_mentions(sentence)
    assert [as_golden(m) for m in got] == [expected(d) for d in case["mentions"]]
    for m, d in zip(got, case["mentions"]):
        assert sentence[m.start : m.end] == m.text
        if "date" in d:
            assert m.date == (dt.date.fromisoformat(d["date"]) if d["date"] else None)


def test_golden_sentences_are_verbatim_seed_text():
    texts = seed_texts()
    for case in GOLDEN:
        assert any(case["sentence"] in t for t in texts), case["sentence"]


def test_golden_covers_the_required_phrases():
    joined = "\n".join(c["sentence"] for c in GOLDEN)
    for phrase in [
        "99.68 billion yuan ($14.60 billion)",
        "RMB 7.5 billion",
        "1,221 projects",
        "seven areas",
        "the 21st China-ASEAN Expo",
        "more than 160 million kWh",
        "about 1200 mu",
        "61.54% of the projects",
        "1.21 trillion yuan and 145.5 billion yuan respectively, an increase of 10% and 6%",
        "exceeds RMB 90 billion",
        "connecting eleven countries in one bay",
        "May 28, 2024",
        "second largest trading partner",
        "for three consecutive years",
        "Since the start of construction in 2012",
    ]:
        assert phrase in joined, phrase


def test_values_are_exact_decimals():
    (m,) = parse_mentions("the investment in the first seven months of this year was 70.1 billion yuan")[2:]
    assert m.value == Decimal("70100000000")
    assert m.value != Decimal("71100000000")
    assert m.number == Decimal("70.1") and m.number != Decimal("70.2")
    (_, usd) = parse_mentions("99.68 billion yuan ($14.60 billion)")
    assert usd.number_text == "14.60" and usd.number == Decimal("14.6") and usd.value == Decimal("14600000000")
    (big,) = parse_mentions("1.21 trillion yuan")
    assert big.value == Decimal("1210000000000")
    frame = mentions_frame(pl.Series(["61.54%"]))
    assert frame.schema["number"] == numbers.DECIMAL and frame["number"][0] == Decimal("61.54")


# ----------------------------------------------------------------------------- offsets


def test_offsets_are_code_points():
    text = "简体 “Two Countries” – Vietnam’s “2-hour economic circle”: 99.68 billion yuan ($14.60 billion) • 21st"
    got = parse_mentions(text)
    assert [m.text for m in got] == ["Two", "2", "99.68 billion yuan", "$14.60 billion", "21st"]
    for m in got:
        assert text[m.start : m.end] == m.text
        assert m.start == text.index(m.text)
    # the byte offset would differ: the text before the first number is not ASCII
    assert len(text[: got[2].start].encode()) != got[2].start


def test_offsets_in_seeds():
    texts = seed_texts()
    frame = mentions_frame(pl.Series(texts))
    for r in frame.iter_rows(named=True):
        assert texts[r["row"]][r["start"] : r["end"]] == r["text"]


# ----------------------------------------------------------------------------- frame


def test_schema():
    frame = mentions_frame(pl.Series(["about 1200 mu"]))
    assert list(frame.schema.items())[:12] == [
        ("row", pl.UInt32),
        ("start", pl.Int64),
        ("end", pl.Int64),
        ("text", pl.String),
        ("qualifier", pl.String),
        ("kind", pl.String),
        ("number_text", pl.String),
        ("number", numbers.DECIMAL),
        ("scale_word", pl.String),
        ("value", numbers.DECIMAL),
        ("unit", pl.String),
        ("currency", pl.String),
    ]
    assert frame.schema["date"] == pl.Date


def test_empty_and_null_texts():
    frame = mentions_frame(pl.Series([None, "", "no numbers here", "about 5%"], dtype=pl.String))
    assert frame["row"].to_list() == [3]
    assert frame["text"].to_list() == ["about 5%"]
    empty = mentions_frame(pl.Series([], dtype=pl.String))
    assert empty.height == 0 and empty.schema == frame.schema
    assert parse_mentions("") == []


def _per_text(texts: list[str]) -> pl.DataFrame:
    rows = []
    for i, t in enumerate(texts):
        for m in parse_mentions(t):
            rows.append(
                {
                    "row": i,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "qualifier": m.qualifier,
                    "kind": m.kind,
                    "number_text": m.number_text,
                    "number": m.number,
                    "scale_word": m.scale_word,
                    "value": m.value,
                    "unit": m.unit,
                    "currency": m.currency,
                    "date": m.date,
                }
            )
    return pl.DataFrame(rows, schema=mentions_frame(pl.Series(["1"])).schema)


def _corpus() -> list[str]:
    lines = [line for t in seed_texts() for line in t.splitlines() if line.strip()]
    return lines + [c["sentence"] for c in GOLDEN] + ["more than\n600", "about\u00a01200 mu", "G20 and 5G", ""]


def test_frame_matches_per_text_parse():
    texts = _corpus()
    assert mentions_frame(pl.Series(texts)).equals(_per_text(texts))


def test_frame_matches_per_text_parse_deduplicated(monkeypatch):
    texts = _corpus()
    expected_frame = _per_text(texts)
    big = texts * 3
    monkeypatch.setattr(numbers, "_DEDUP_SAMPLE", 10)  # read distinct mention texts once
    monkeypatch.setattr(numbers, "_DEDUP_MAX_RATIO", 1.0)
    frame = mentions_frame(pl.Series(big))
    n = len(texts)
    for k in range(3):
        part = frame.filter(pl.col("row").is_between(k * n, (k + 1) * n - 1)).with_columns(pl.col("row") - k * n)
        assert part.equals(expected_frame)


def test_fast_and_general_readers_agree():
    """The table reader on stripped pieces and the regex reader on marked pieces agree."""
    frame = mentions_frame(pl.Series(_corpus()))
    quantities = frame.filter(pl.col("kind").is_in(["cardinal", "ordinal", "percent", "year"]))["text"]
    fast = numbers._finish(GRAMMAR, numbers._split_strip(GRAMMAR, quantities), whole=True)
    general = numbers._finish(GRAMMAR, numbers._split_marked(quantities), whole=False)
    assert general["ok"].all()
    ok = fast["ok"]
    assert ok.sum() > 0.9 * len(quantities)
    assert fast.filter(ok).equals(general.filter(ok))


# ----------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    "text",
    [
        "listing and M&A activities",
        "Hong Kong’s R&D achievements",
        "the A-shaped bay area",
        "dividends released by RCEP",
        "the COVID-19 pandemic",
        "the G20 summit",
        "an A380",
        "FY2023 results",
        "one-third of the land",
        "two-thirds",
        "hundreds of enterprises",
        "several hundred firms",
        "In March this year",
        "someone often done",
        "Lee & Man Paper",
    ],
)
def test_no_mention(text):
    assert parse_mentions(text) == []


def one(text: str) -> Mention:
    (m,) = parse_mentions(text)
    return m


@pytest.mark.parametrize(
    "text, reading",
    [
        ("US$ 3 million", ("US$ 3 million", "exact", "cardinal", "3", "million", "3000000", "$", "USD")),
        ("US$3m", ("US$3m", "exact", "cardinal", "3", "million", "3000000", "$", "USD")),
        ("$62bn", ("$62bn", "exact", "cardinal", "62", "billion", "62000000000", "$", "USD")),
        ("RMB7.5 billion", ("RMB7.5 billion", "exact", "cardinal", "7.5", "billion", "7500000000", "RMB", "CNY")),
        ("HK$ 5 billion", ("HK$ 5 billion", "exact", "cardinal", "5", "billion", "5000000000", "HK$", "HKD")),
        (
            "5 billion US dollars",
            ("5 billion US dollars", "exact", "cardinal", "5", "billion", "5000000000", "dollars", "USD"),
        ),
        (
            "more than a billion yuan",
            ("more than a billion yuan", "more_than", "cardinal", "1", "billion", "1000000000", "yuan", "CNY"),
        ),
        ("6 percent", ("6 percent", "exact", "percent", "6", None, "6", "%", None)),
        ("6 per cent", ("6 per cent", "exact", "percent", "6", None, "6", "%", None)),
        ("nearly 30%", ("nearly 30%", "nearly", "percent", "30", None, "30", "%", None)),
        ("at least 10", ("at least 10", "at_least", "cardinal", "10", None, "10", None, None)),
        ("no less than 10", ("no less than 10", "at_least", "cardinal", "10", None, "10", None, None)),
        ("less than 7", ("less than 7", "less_than", "cardinal", "7", None, "7", None, None)),
        ("up to 50", ("up to 50", "up_to", "cardinal", "50", None, "50", None, None)),
        ("close to 50", ("close to 50", "nearly", "cardinal", "50", None, "50", None, None)),
        ("approximately 5 hectares", ("approximately 5 hectares", "about", "cardinal", "5", None, "5", "ha", None)),
        ("1200mu", ("1200mu", "exact", "cardinal", "1200", None, "1200", "mu", None)),
        ("more than two parks", ("more than two", "more_than", "cardinal", "2", None, "2", None, None)),
        ("about a dozen firms", ("about a dozen", "about", "cardinal", "12", None, "12", None, None)),
        ("two hundred firms", ("two hundred", "exact", "cardinal", "200", None, "200", None, None)),
        ("twenty-five years", ("twenty-five", "exact", "cardinal", "25", None, "25", None, None)),
        ("the twenty-first century", ("twenty-first", "exact", "ordinal", "21", None, "21", None, None)),
        ("Two Countries", ("Two", "exact", "cardinal", "2", None, "2", None, None)),
        ("the 2nd phase", ("2nd", "exact", "ordinal", "2", None, "2", None, None)),
        ("more than 2000 companies", ("more than 2000", "more_than", "cardinal", "2000", None, "2000", None, None)),
        ("around 2015", ("around 2015", "about", "year", "2015", None, "2015", None, None)),
        ("5G networks", ("5", "exact", "unread", None, None, None, None, None)),  # glued to a letter: not 5 of anything
        ("more than\n600 representatives", ("more than\n600", "more_than", "cardinal", "600", None, "600", None, None)),
        ("about\u00a01200 mu", ("about\u00a01200 mu", "about", "cardinal", "1200", None, "1200", "mu", None)),
    ],
)
def test_readings(text, reading):
    m = one(text)
    got = (
        m.text,
        m.qualifier,
        m.kind,
        None if m.number is None else str(m.number),
        m.scale_word,
        None if m.value is None else str(m.value),
        m.unit,
        m.currency,
    )
    assert got == reading


def test_number_text_is_as_written():
    assert [m.number_text for m in parse_mentions("Two Countries, 21st, 14.60 billion, 1,221 and twenty-five")] == [
        "Two",
        "21st",
        "14.60",
        "1,221",
        "twenty-five",
    ]


def test_years_and_cardinals():
    assert [(m.text, m.kind) for m in parse_mentions("in 2012 about 1200 mu and 4011 views, 1899 and 2101")] == [
        ("2012", "year"),
        ("about 1200 mu", "cardinal"),
        ("4011", "cardinal"),
        ("1899", "cardinal"),
        ("2101", "cardinal"),
    ]


def test_dates_and_times():
    got = parse_mentions("May 28, 2024; 23 September 2024; 2023/09/16; May 2024; 28 May; 11:00; 3 p.m.; 10 am")
    assert [(m.text, m.kind, m.date) for m in got] == [
        ("May 28, 2024", "date", dt.date(2024, 5, 28)),
        ("23 September 2024", "date", dt.date(2024, 9, 23)),
        ("2023/09/16", "date", dt.date(2023, 9, 16)),
        ("May 2024", "date", None),
        ("28 May", "date", None),
        ("11:00", "time", None),
        ("3 p.m.", "time", None),
        ("10 am", "time", None),
    ]
    assert all(m.number is None and m.value is None and m.number_text == m.text for m in got)


def test_ranges_and_lists_are_separate_mentions():
    assert [m.text for m in parse_mentions("10% and 6%, 2020-2024, 1 2 3 4 5")] == [
        "10%",
        "6%",
        "2020",
        "2024",
        "1",
        "2",
        "3",
        "4",
        "5",
    ]


@pytest.mark.parametrize("spelling", ["km²", "km2"])
@pytest.mark.parametrize("sep", [" ", "", "-"])
def test_square_kilometres_are_not_thousands_of_square_metres(sep, spelling):
    """Five km² are 5 square kilometres: the unit's own spelling wins over the scale abbreviation "k"
    (a scale only after a currency) followed by "m²" (it read as 5 thousand m², a factor 1000 off)."""
    m = one(f"an area of 5{sep}{spelling}")
    assert (m.number, m.scale_word, m.value, m.unit) == (Decimal(5), None, Decimal(5), "km2")
    assert one("5 m²").unit == "m2" and one("US$3k").scale_word == "thousand"


def test_more_than_six_decimals_is_not_rounded():
    m = one("3.14159265")
    assert m.number is None and m.value is None and m.number_text == "3.14159265"


# ----------------------------------------------------------------------------- seeds

SEED_MENTIONS = [
    ["May 28, 2024", "2024", "61.54%", "66.63%", "second", "20", "two", "2023", "two"],
    [
        "2023-09-16",
        "11:00",
        "4011",
        "Sept. 16, 2023",
        "third",
        "2012",
        "two",
        "Two",
        "eleven",
        "one",
        "first",
        "Two",
        "about 1200 mu",
        "RMB 7.5 billion",
        "three",
    ],
    [
        "2017-06-27",
        "one",
        "12,000",
        "20",
        "$62 billion",
        "two",
        "99.68 billion yuan",
        "$14.60 billion",
        "2016",
        "one",
        "two",
        "2003",
        "one",
        "two",
        "1",
        "2",
        "3",
        "4",
        "5",
    ],
    [
        "20th",
        "1,221",
        "first",
        "seven",
        "70.1 billion yuan",
        "1.21 trillion yuan",
        "145.5 billion yuan",
        "10%",
        "6%",
        "seven",
        "60",
        "about 5.8 billion yuan",
        "about 24.5 billion yuan",
        "more than 160 million kWh",
        "2",
        "2017",
        "exceeds RMB 90 billion",
        "four",
        "first",
        "second",
        "exceed RMB 100 billion",
    ],
    ["23 September 2024", "2024", "Two", "21st", "more than 600", "Two", "Two", "Two", "Two", "Two"],
]


def test_seeds():
    """Every mention in the five seeds (shown with ``pytest -s -k seeds``) is the expected one."""
    texts = seed_texts()
    frame = mentions_frame(pl.Series(texts))
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=30, tbl_width_chars=220):
        print("\n", frame.drop("date"))
    assert set(frame["kind"]) <= set(KINDS)
    assert set(frame["qualifier"]) <= set(QUALIFIERS)
    assert (
        frame.filter(
            pl.col("kind").is_in(["cardinal", "ordinal", "percent", "year"]) & pl.col("number").is_null()
        ).height
        == 0
    )
    for i, text in enumerate(texts):
        mine = frame.filter(pl.col("row") == i)
        assert mine["text"].to_list() == SEED_MENTIONS[i], SEEDS[i].name
        # every digit in the seed lies inside a mention
        covered = set()
        for s, e in zip(mine["start"], mine["end"]):
            covered.update(range(s, e))
        assert [k for k, c in enumerate(text) if c.isdigit() and k not in covered] == []


# ----------------------------------------------------------------------------- generated phrases


def generated_phrases(n: int = 3000, seed: int = 20240528) -> tuple[list[str], list[dict]]:
    """Sentences holding one qualifier x currency x numeral x scale x unit phrase, and its reading."""
    import random

    rnd = random.Random(seed)
    quals = (
        [("", "exact")]
        + [(w, q) for w, q in GRAMMAR.qualifier_words.items()]
        + [("About", "about"), ("More than", "more_than")]
    )
    before = [
        ("", None, None),
        ("RMB ", "RMB", "CNY"),
        ("RMB", "RMB", "CNY"),
        ("$", "$", "USD"),
        ("US$ ", "$", "USD"),
        ("US$", "$", "USD"),
        ("¥", "¥", "CNY"),
        ("HK$ ", "HK$", "HKD"),
    ]
    scales = [
        ("", None, 1),
        (" thousand", "thousand", 10**3),
        (" million", "million", 10**6),
        (" billion", "billion", 10**9),
        (" trillion", "trillion", 10**12),
        (" bn", "billion", 10**9),
        ("bn", "billion", 10**9),
        (" Billion", "billion", 10**9),
    ]
    after = [
        ("", None, None),
        (" yuan", "yuan", "CNY"),
        (" mu", "mu", None),
        (" kWh", "kWh", None),
        ("%", "%", None),
        (" percent", "%", None),
        (" hectares", "ha", None),
        (" Yuan", "yuan", "CNY"),
    ]
    words = [("seven", 7), ("Two", 2), ("twenty-five", 25), ("a dozen", 12), ("eleven", 11), ("three hundred", 300)]
    texts, want = [], []
    while len(texts) < n:
        qw, q = rnd.choice(quals)
        bw, bu, bc = rnd.choice(before)
        sw, s, factor = rnd.choice(scales)
        aw, au, ac = rnd.choice(after)
        if (bu and au) or (au == "%" and (s or bu)):
            continue
        if rnd.random() < 0.15:
            nw, number = rnd.choice(words)
            number = Decimal(number)
        else:
            places = rnd.choice([0, 0, 1, 2, 6])
            number = Decimal(rnd.randrange(1, 10**7)).scaleb(-places)
            nw = f"{number:,}" if rnd.random() < 0.5 else f"{number}"
        if not nw[0].isdigit() and (bw or not sw.startswith(" ")):  # "$seven", "sevenbn": not English
            continue
        phrase = f"{qw} {bw}{nw}{sw}{aw}" if qw else f"{bw}{nw}{sw}{aw}"
        unit = bu or au
        is_year = (
            nw.isdigit() and len(nw) == 4 and 1900 <= int(nw) <= 2100 and not (unit or s) and q in ("exact", "about")
        )
        kind = "percent" if unit == "%" else "year" if is_year else "cardinal"
        texts.append(f"The park reported {phrase} last year.")
        want.append(
            {
                "text": phrase,
                "qualifier": q,
                "kind": kind,
                "number_text": nw,
                "number": number,
                "scale_word": s,
                "value": number * factor,
                "unit": unit,
                "currency": bc or ac,
            }
        )
    return texts, want


def test_generated_phrases():
    """Qualifier x currency x numeral x scale x unit phrases read back to what built them."""
    texts, want = generated_phrases()
    frame = mentions_frame(pl.Series(texts))
    assert frame["row"].to_list() == list(range(len(texts)))
    got = frame.select("text", "qualifier", "kind", "number_text", "number", "scale_word", "value", "unit", "currency")
    for row, expect in zip(got.iter_rows(named=True), want):
        assert row == expect, (row, expect)


def test_generated_phrases_deduplicated(monkeypatch):
    texts, _ = generated_phrases(n=2000, seed=7)
    texts = texts + texts[:500]  # repeated mention texts
    plain = mentions_frame(pl.Series(texts))
    monkeypatch.setattr(numbers, "_DEDUP_SAMPLE", 100)
    monkeypatch.setattr(numbers, "_DEDUP_MAX_RATIO", 1.0)
    assert mentions_frame(pl.Series(texts)).equals(plain)


# ----------------------------------------------------------------------------- the text after a numeral


def _product_table(g: numbers.Grammar) -> dict[str, tuple]:
    """The text after a numeral -> (scale word, factor, unit, currency, ordinal), as every separator x scale
    word x unit written out: the specification `Grammar._post_table` reads only the texts found against."""
    rows: dict[str, tuple] = {"": (None, 1, None, None, False)}
    for suffix in ("st", "nd", "rd", "th"):
        rows[suffix] = (None, 1, None, None, True)
    currency = g.currency_of_unit
    for sep in ("", " ", "-"):
        for u, canon in g.after.items():
            rows[sep + u] = (None, 1, canon, currency.get(canon), False)
        for sw, scale in {**g.scale_words, **g.scale_after_currency}.items():
            factor = g.scale_factors[scale]
            rows.setdefault(sep + sw, (scale, factor, None, None, False))
            for sep2 in ("", " ", "-"):
                for u, canon in g.after.items():
                    # a unit's own spelling wins: "km²" is square kilometres, never k (thousand) x m²
                    rows.setdefault(f"{sep}{sw}{sep2}{u}", (scale, factor, canon, currency.get(canon), False))
    return rows


@pytest.mark.parametrize("root", [REPO, REPO / "tests" / "fixtures" / "second" / "package"], ids=["repo", "second"])
def test_the_text_after_a_numeral_is_read_as_the_product_table_reads_it(root):
    g = grammar_of(root)
    rows = _product_table(g)
    misses = ["", "billions", "bn yuanx", "-", " billion  yuan", "k", "kyuan", "b yuan", "billion-", "thousand km²"]
    keys = pl.Series([*rows, *(m for m in misses if m not in rows)], dtype=pl.String)
    got = g._post_table(keys).read(keys)
    columns = [c for c in got.columns if c not in ("k", "found")]
    for key, found, row in zip(keys.to_list(), got["found"].to_list(), got.select(columns).iter_rows()):
        if key in rows:
            assert found and row == rows[key], key
        else:
            assert found is None, key


def test_mentions_read_within_spans_are_those_of_the_whole_text():
    """`mentions_frame(texts, spans)` reads only the mentions that overlap each text's span, each as the whole
    text reads it (the search is the same: "5 to 6 billion" keeps its range, "RMB 5" its currency)."""
    texts = pl.Series(
        [
            "It cost RMB 5 billion in 2012, up from 4 to 6 billion yuan.",
            "About 1,221 projects",
            "",
            "Down 5.2% in May 2024",
        ]
    )
    spans = (pl.Series([9, 0, 0, 5]), pl.Series([40, 3, 0, 21]))
    whole = mentions_frame(texts)
    start, end = (s.gather(whole["row"]) for s in spans)
    expected = whole.filter((whole["end"] > start) & (whole["start"] < end))
    got = mentions_frame(texts, spans)
    assert got.height and got.height < whole.height
    assert got.equals(expected)

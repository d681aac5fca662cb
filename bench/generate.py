"""Generate zonedata packages for the benchmark, from a fixed seed.

    .venv/bin/python bench/generate.py --records 100000            # bench/out/100k-valid, bench/out/100k-invalid

A package has the repository's own schemas/ (copied), 1,000 source texts of about 5 KB written
in the style of the seeds (typographic quotes, en and em dashes, no-break spaces; figures such as
"about 1200 mu", "RMB 7.5 billion", "more than 160 million kWh", "1,221 projects"), and the raw
tables with `records` rows in all: mostly statistics and their citations, plus parks, projects,
events and regions. Every record cites a sentence of a source; the curator-typed quotes use
straight quotes, hyphens and plain spaces about half of the time, so normalisation does real work.

The `-invalid` twin has the same rows with errors injected at known lines (written to
injected.json): dangling references, duplicate primary keys, values outside an enum, quotes that
are not in their source and values that disagree with their quote. Both packages also get a
datapackage.json describing the raw CSVs with the same schemas (derived fields left out, foreign
keys kept), for `frictionless validate`. The packages have no built output (data/clean/), so
zonedata is run with --no-publication.

Generation is not measured; rows are built by numpy/polars gathers from a table of ~40,000
sentence facts, never one Python call per row.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SEED = 20240528
N_SOURCES = 1000
TEXT_BYTES = 5000
#: the real schema numbers statistics stat-0001..stat-9999; a million-record package needs more digits
WIDER_PATTERNS = {"stat-[0-9]{4}": "stat-[0-9]{4,}"}

NBSP, LQ, RQ, APOS, EN, EM = "\u00a0", "\u201c", "\u201d", "\u2019", "\u2013", "\u2014"
STRAIGHT = str.maketrans({LQ: '"', RQ: '"', APOS: "'", EN: "-", EM: "-", NBSP: " "})

PLACES = [
    "Nanning",
    "Qinzhou",
    "Beihai",
    "Fangchenggang",
    "Chongzuo",
    "Pingxiang",
    "Yulin",
    "Wuzhou",
    "Guilin",
    "Baise",
    "Hezhou",
    "Liuzhou",
    "Kuantan",
    "Hai Phong",
    "Lang Son",
    "Rayong",
    "Batam",
    "Johor",
    "Vientiane",
    "Sihanoukville",
    "Kyaukphyu",
    "Clark",
    "Bintan",
    "Kendal",
    "Dongxing",
    "Longbang",
    "Youyiguan",
    "Shenzhen",
    "Zhuhai",
    "Nansha",
    "Qianhai",
    "Hengqin",
    "Kunming",
    "Mohan",
    "Ruili",
    "Haikou",
    "Sanya",
    "Zhanjiang",
]
PAIRS = [
    "China-Malaysia",
    "Malaysia-China",
    "China-Indonesia",
    "China-Vietnam",
    "China-Thailand",
    "China-Laos",
    "China-Cambodia",
    "China-Myanmar",
    "China-Singapore",
    "China-ASEAN",
    "Guangxi-ASEAN",
    "China-Brunei",
]
PARK_KINDS = {
    "Industrial Park": "industrial_park",
    "Cooperation Zone": "cooperation_zone",
    "Science Park": "science_park",
    "Economic Zone": "economic_zone",
    "Free Trade Zone": "free_trade_zone",
    "Industrial City": "industrial_city",
    "Logistics Platform": "platform",
}
SECTORS = [
    "offshore wind power",
    "chemical new materials",
    "electronic information",
    "new energy vehicles",
    "cold chain logistics",
    "pulp and paper",
    "steel",
    "aluminium processing",
    "bio-medicine",
    "cross-border e-commerce",
]
PROJECT_KINDS = [
    "demonstration project",
    "integrated base",
    "industrial park project",
    "service platform project",
    "plant",
]
SPONSORS = [
    "Huayi Group",
    "Digital Guangxi Group",
    "Guangxi Beibu Gulf Port Group",
    "Sinopec",
    "CATL",
    "Liugong",
    "SAIC-GM-Wuling",
    "Tsingshan Group",
    "China Energy Engineering",
    "Yuchai Group",
]
SERIES = [
    "China-ASEAN Expo",
    "China-ASEAN Business and Investment Summit",
    "China-ASEAN Financial Cooperation Forum",
    "Pan-Beibu Gulf Economic Cooperation Forum",
    "Guangxi Hong Kong Tour",
    "ASEAN-China Industrial Cooperation Forum",
    "China-ASEAN Digital Economy Conference",
    "Greater Bay Area Investment Summit",
]
SERIES_KINDS = {"Expo": "expo", "Summit": "summit", "Forum": "forum", "Conference": "conference", "Tour": "tour"}
REGIONS = [
    ("Guangxi Zhuang Autonomous Region", "autonomous_region", "CN", "CN-GX"),
    ("Guangdong", "province", "CN", "CN-GD"),
    ("Yunnan", "province", "CN", "CN-YN"),
    ("Hainan", "province", "CN", "CN-HI"),
    ("Nanning", "city", "CN", "CN-GX"),
    ("Hong Kong", "special_administrative_region", "HK", None),
    ("ASEAN", "regional_bloc", None, None),
    ("Vietnam", "country", "VN", None),
    ("Malaysia", "country", "MY", None),
    ("Thailand", "country", "TH", None),
    ("Indonesia", "country", "ID", None),
    ("Beibu Gulf City Cluster", "city_cluster", "CN", None),
    ("Western Land-Sea New Corridor", "economic_corridor", "CN", None),
    ("Greater Bay Area", "economic_region", "CN", None),
]
COUNTRIES = {
    "CN": ["CN-GX", "CN-GD", "CN-YN", "CN-HI"],
    "MY": ["MY-06", "MY-01"],
    "VN": ["VN-09", "VN-HP"],
    "TH": ["TH-21", "TH-10"],
    "ID": ["ID-RI", "ID-JT"],
    "LA": ["LA-VT"],
    "KH": ["KH-18"],
    "MM": [],
    "SG": [],
}
MONTHS = list(calendar.month_name)[1:]  # English, as the texts write them
ORD_WORDS = {
    1: "first",
    2: "second",
    3: "third",
    4: "fourth",
    5: "fifth",
    6: "sixth",
    7: "seventh",
    8: "eighth",
    9: "ninth",
}
COUNT_WORDS = ["three", "four", "five", "six", "seven", "eight", "nine", "eleven", "twelve"]
COUNT_VALUE = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
    )
}
FILLERS = [
    "As the only province in China adjacent to ASEAN by land and sea, {region} is the {LQ}bridgehead{RQ} of China{APOS}s "
    "opening up and cooperation with ASEAN.",
    "{LQ}We will keep deepening industrial cooperation with ASEAN countries,{RQ} said an official of the {park} management "
    "committee {EM} adding that cross-border supply chains are being rebuilt.",
    "The {park} is building a cross-border industrial chain {EN} from raw materials to finished products {EN} together with "
    "partners in {place}.",
    "Entering the {park}, you will find spacious roads, bustling traffic, towering cranes and a vibrant project construction "
    "scene that greets your eyes.",
    "{region} leverages its geographical advantage of {LQ}connecting countries in one bay{RQ} and promotes positive "
    "interaction between the coast and the hinterland.",
]


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


@dataclass
class Text:
    """One source text as it is assembled: its sentences and the facts each carries."""

    sid: str
    published: date
    sentences: list[str] = field(default_factory=list)
    stats: list[dict] = field(default_factory=list)  # statistic facts
    years: list[dict] = field(default_factory=list)  # park / project / event facts


class Writer:
    """Sentences in the style of the seeds; each returns its clauses and the facts they state."""

    def __init__(self, rnd: random.Random):
        self.r = rnd

    def sp(self) -> str:
        return NBSP if self.r.random() < 0.3 else " "

    def park(self) -> str:
        r = self.r
        return f"{r.choice(PAIRS)} {r.choice(PLACES)} {r.choice(list(PARK_KINDS))}"

    def project(self) -> str:
        r = self.r
        return f"{r.choice(PLACES)} {r.choice(SECTORS)} {r.choice(PROJECT_KINDS)}"

    def region(self) -> str:
        return self.r.choice(REGIONS)[0]

    def decimal(self, lo: int, hi: int, places: int) -> str:
        """A figure as a text writes it: 7.5, 99.68, 12 (no trailing zeros)."""
        whole, frac = divmod(self.r.randint(lo * 10**places, hi * 10**places), 10**places)
        return f"{whole}.{frac:0{places}d}".rstrip("0").rstrip(".") if places else str(whole)

    @staticmethod
    def stat(clause, subject, indicator, label, value_text, value, unit, qualifier="exact", scale=None, basis="actual"):
        return dict(
            clause=clause,
            subject=subject,
            indicator=indicator,
            label=label,
            value_text=value_text,
            value=value,
            scale=scale,
            unit=unit,
            qualifier=qualifier,
            basis=basis,
        )

    # --- sentences with figures (statistics)
    def area_and_investment(self):
        r, s = self.r, self.stat
        area, about, inv = r.randint(300, 9000), r.random() < 0.6, self.decimal(1, 99, 1)
        q = "about " if about else ""
        clauses = [
            f"Among them, the {self.park()} has a planned total area of {q}{area}{self.sp()}mu",
            f" and a planned total investment of RMB{self.sp()}{inv} billion.",
        ]
        return clauses, [
            s(
                0,
                "parks",
                "planned_area",
                "planned total area of the park",
                f"{q}{area} mu",
                str(area),
                "mu",
                "about" if about else "exact",
                basis="planned",
            ),
            s(
                1,
                "parks",
                "planned_investment",
                "planned total investment in the park",
                f"RMB {inv} billion",
                inv,
                "RMB",
                scale="billion",
                basis="planned",
            ),
        ]

    def electricity(self):
        n, y = self.r.randint(20, 990), self.r.randint(2012, 2023)
        clauses = [
            f"The {self.project()} has generated a total of more than {n}{self.sp()}million kWh of electricity",
            f" since it was connected to the grid in {y}.",
        ]
        return clauses, [
            self.stat(
                0,
                "projects",
                "electricity_generated",
                "electricity generated since grid connection",
                f"more than {n} million kWh",
                str(n),
                "kWh",
                "more_than",
                scale="million",
            )
        ]

    def trade(self):
        x, p = self.decimal(10, 999, 2), str(self.r.randint(2, 35))
        clauses = [
            f"From January to July this year, {self.region()}{APOS}s trade with ASEAN reached {x} billion yuan",
            f", up {p}% year on year.",
        ]
        return clauses, [
            self.stat(
                0, "regions", "trade_volume", "trade with ASEAN", f"{x} billion yuan", x, "yuan", scale="billion"
            ),
            self.stat(1, "regions", "growth_rate_yoy", "year-on-year growth of trade with ASEAN", f"{p}%", p, "%"),
        ]

    def under_construction(self):
        n, m = self.r.randint(1000, 4999), self.r.randint(11, 99)
        clauses = [
            f"A total of {n:,} projects were under construction in the {self.park()}",
            f" {EN} {m} more than at the end of last year.",
        ]
        return clauses, [
            self.stat(
                0,
                "parks",
                "projects_under_construction",
                "projects under construction",
                f"{n:,} projects",
                str(n),
                "count",
            )
        ]

    def signing(self):
        n, x = self.r.randint(12, 480), self.decimal(1, 99, 1)
        clauses = [
            f"During the {self.r.choice(SERIES)}, {n} companies signed cooperation agreements",
            f" with a total contracted investment of about {x} billion yuan.",
        ]
        return clauses, [
            self.stat(
                0, "events", "companies_signed", "companies that signed agreements", f"{n} companies", str(n), "count"
            ),
            self.stat(
                1,
                "events",
                "contracted_investment",
                "contracted investment of the signed projects",
                f"about {x} billion yuan",
                x,
                "yuan",
                "about",
                scale="billion",
            ),
        ]

    def investment_and_output(self):
        a, b = self.r.randint(5, 95), self.r.randint(100, 400)
        clauses = [
            f"The total investment in the {self.project()} exceeds RMB {a} billion",
            f", and its annual output value is expected to exceed RMB{self.sp()}{b} billion after it is fully completed.",
        ]
        return clauses, [
            self.stat(
                0,
                "projects",
                "planned_investment",
                "planned total investment",
                f"exceeds RMB {a} billion",
                str(a),
                "RMB",
                "more_than",
                scale="billion",
                basis="planned",
            ),
            self.stat(
                1,
                "projects",
                "output_value",
                "expected annual output value",
                f"exceed RMB {b} billion",
                str(b),
                "RMB",
                "more_than",
                scale="billion",
                basis="expected",
            ),
        ]

    def invested(self):
        k, x, n = self.r.randint(5, 30), self.decimal(1, 90, 1), self.r.randint(1000, 20000)
        clauses = [
            f"Over the past {k} years, enterprises from {self.region()} have invested ${x} billion in the {self.park()}",
            f", covering {n:,} enterprises or firms.",
        ]
        return clauses, [
            self.stat(
                0,
                "regions",
                "contracted_investment",
                "investment by enterprises",
                f"${x} billion",
                x,
                "$",
                scale="billion",
            ),
            self.stat(
                1,
                "regions",
                "enterprises_invested",
                "enterprises that invested",
                f"{n:,} enterprises or firms",
                str(n),
                "count",
            ),
        ]

    def output(self):
        x, y = self.decimal(1, 9, 2), self.decimal(100, 900, 1)
        clauses = [
            f"{self.region()}{APOS}s industrial output value reached {x} trillion yuan",
            f", and industrial investment totalled {y} billion yuan.",
        ]
        return clauses, [
            self.stat(
                0,
                "regions",
                "industrial_output_value",
                "industrial output value",
                f"{x} trillion yuan",
                x,
                "yuan",
                scale="trillion",
            ),
            self.stat(
                1,
                "regions",
                "industrial_investment",
                "industrial investment",
                f"{y} billion yuan",
                y,
                "yuan",
                scale="billion",
            ),
        ]

    def attendees(self):
        n = self.r.randint(100, 2000)
        clauses = [
            f"More than {n} representatives from government departments and enterprises attended the "
            f"{self.r.choice(SERIES)}."
        ]
        return clauses, [
            self.stat(
                0, "events", "attendees", "attendees", f"more than {n} representatives", str(n), "count", "more_than"
            )
        ]

    def areas(self):
        w = self.r.choice(COUNT_WORDS)
        clauses = [f"The {self.park()} now includes {w} areas", f" {EM} each with its own management committee."]
        return clauses, [
            self.stat(0, "parks", "areas_count", "areas of the zone", f"{w} areas", str(COUNT_VALUE[w]), "count")
        ]

    def shares(self):
        p, q = self.decimal(10, 89, 2), self.decimal(10, 89, 2)
        clauses = [
            f"Among the signed projects, {p}% were in cooperation with the {self.park()}",
            f" and they amounted to {q}% of the total contract investment.",
        ]
        return clauses, [
            self.stat(0, "events", "share_of_signed_projects", "share of the signed projects", f"{p}%", p, "%"),
            self.stat(1, "events", "share_of_contract_investment", "share of the contract investment", f"{q}%", q, "%"),
        ]

    # --- sentences with facts of other records (years, sessions)
    def park_years(self, published: date):
        y2 = self.r.randint(1995, published.year)
        y1 = self.r.randint(1990, y2)
        text = (
            f"Since the start of construction in {y2}, the {self.park()}, established in {y1}, has developed in "
            f"collaboration with the {self.park()} under the {LQ}Two Countries, Twin Parks{RQ} model."
        )
        return text, dict(table="parks", year_established=y1, construction_start_year=y2)

    def project_year(self, published: date):
        y = self.r.randint(2005, published.year)
        text = (
            f"{self.r.choice(SPONSORS)} chose to build the {self.project()} in {self.r.choice(PLACES)} in {y}, and the "
            f"first and second phase projects have been put into production."
        )
        return text, dict(table="projects", start_year=y)

    def session(self, published: date):
        n = self.r.randint(2, 30)
        held = published - timedelta(days=self.r.randint(0, 400))
        text = (
            f"The {ordinal(n)} {self.r.choice(SERIES)} opened in {self.r.choice(PLACES)} on {MONTHS[held.month - 1]} "
            f"{held.day}, {held.year}, attracting delegations from ASEAN Member States (AMS)."
        )
        return text, dict(table="events", session_number=n, held=held)

    def filler(self):
        return self.r.choice(FILLERS).format(
            region=self.region(), park=self.park(), place=self.r.choice(PLACES), LQ=LQ, RQ=RQ, APOS=APOS, EN=EN, EM=EM
        )


STAT_SENTENCES = [
    "area_and_investment",
    "electricity",
    "trade",
    "under_construction",
    "signing",
    "investment_and_output",
    "invested",
    "output",
    "attendees",
    "areas",
    "shares",
]
YEAR_SENTENCES = ["park_years", "project_year", "session"]
#: the kind of quantity a unit implies (as curate/draft/figures.py has it); money, energy, areas and counts default to a stock
QUANTITY_KIND = {"rank": "rank", "ordinal": "rank", "year": "year", "years": "duration", "%": "rate", "kWh": "flow"}


def write_text(w: Writer, sid: str) -> Text:
    r = w.r
    published = date(2015, 1, 1) + timedelta(days=r.randint(0, 3900))
    text = Text(sid, published)
    seen: set[str] = set()
    size = 0
    while size < TEXT_BYTES:
        roll = r.random()
        if roll < 0.68:
            clauses, facts = getattr(w, r.choice(STAT_SENTENCES))()
            sentence = "".join(clauses)
            if sentence in seen:
                continue
            for f in facts:
                f["sentence"], f["fragment"] = sentence, clauses[f["clause"]].lstrip(" ,").rstrip(".")
                text.stats.append(f)
        elif roll < 0.9:
            sentence, fact = getattr(w, r.choice(YEAR_SENTENCES))(published)
            if sentence in seen:
                continue
            fact["sentence"] = sentence
            text.years.append(fact)
        else:
            sentence = w.filler()
            if sentence in seen:
                continue
            text.years.append(dict(table="regions", sentence=sentence))
        seen.add(sentence)
        text.sentences.append(sentence)
        size += len(sentence.encode()) + 1
    return text


def render_text(t: Text, title: str) -> str:
    month = MONTHS[t.published.month - 1]
    head = [
        title,
        "",
        "Guangxi Branch of China News Agency",
        "",
        f"NANNING, China, {month} {t.published.day}, {t.published.year} /PRNewswire/ {EN} This is a report:",
        "",
    ]
    paragraphs = [" ".join(t.sentences[i : i + 3]) for i in range(0, len(t.sentences), 3)]
    return "\n".join(head) + "\n" + "\n\n".join(paragraphs) + "\n"


# --------------------------------------------------------------------------- tables


def sizes_for(records: int) -> dict[str, int]:
    """Rows per table: about 5 % parks, projects, events and regions, the rest statistics and citations."""
    n = {
        "regions": max(14, records // 2000),
        "parks": records // 50,
        "projects": records // 50,
        "events": records // 200,
    }
    other = sum(n.values())
    n["statistics"] = round((records - 2 * other) / 2.1)
    n["citations"] = records - other - n["statistics"]
    return n


def build_tables(texts: list[Text], records: int, rng: np.random.Generator) -> dict[str, pl.DataFrame]:
    n = sizes_for(records)
    stat_facts = pl.DataFrame(
        [
            dict(source_id=t.sid, published=t.published, **{k: v for k, v in f.items() if k != "clause"})
            for t in texts
            for f in t.stats
        ],
        infer_schema_length=None,
    )
    year_facts = pl.DataFrame(
        [
            dict(
                source_id=t.sid,
                published=t.published,
                table=f["table"],
                sentence=f["sentence"],
                year_established=f.get("year_established"),
                construction_start_year=f.get("construction_start_year"),
                start_year=f.get("start_year"),
                session_number=f.get("session_number"),
                held=f.get("held"),
            )
            for t in texts
            for f in t.years
        ],
        infer_schema_length=None,
    )
    # a clause may cite on its own only where it is unique in its text and differs from the sentence
    full = {t.sid: render_text(t, "").translate(STRAIGHT) for t in texts}
    stat_facts = stat_facts.with_columns(
        fragment_ok=pl.Series(
            [
                f["fragment"] != f["sentence"] and full[t.sid].count(f["fragment"].translate(STRAIGHT)) == 1
                for t in texts
                for f in t.stats
            ]
        )
    )

    def pick(frame: pl.DataFrame, k: int) -> pl.DataFrame:
        return frame[rng.integers(0, frame.height, k)]

    def ids(prefix: str, k: int, width: int = 0) -> pl.Series:
        return pl.Series([f"{prefix}{i:0{width}d}" for i in range(1, k + 1)])

    def straighten(col: str, k: int) -> pl.Expr:
        """About half of the quotes are typed with straight quotes, hyphens and plain spaces."""
        return (
            pl.when(pl.Series(rng.random(k) < 0.5))
            .then(pl.col(col).str.replace_many([LQ, RQ, APOS, EN, EM, NBSP], ['"', '"', "'", "-", "-", " "]))
            .otherwise(pl.col(col))
        )

    # regions: the named places, then numbered economic regions
    k = n["regions"]
    base = [(slug(name), name, kind, cc, sub) for name, kind, cc, sub in REGIONS]
    extra = [
        (f"economic-region-{i}", f"Economic Region {i}", "economic_region", "CN", "CN-GX")
        for i in range(1, k - len(base) + 1)
    ]
    regions = pl.DataFrame(
        base + extra, schema=["region_id", "name", "kind", "country_code", "subdivision_code"], orient="row"
    )
    regions = regions.head(k).with_columns(  # cities and numbered regions lie in Guangxi
        pl.when(pl.col("kind").is_in(["city", "economic_region"]))
        .then(pl.lit(slug(REGIONS[0][0])))
        .alias("parent_region_id")
    )

    # organisations: the sponsors (companies), then a management body for every 10th park (the zones)
    k_parks = n["parks"]
    zone_names = [
        f"{PAIRS[i % len(PAIRS)]} {PLACES[(i // 7) % len(PLACES)]} {list(PARK_KINDS)[i % len(PARK_KINDS)]}"
        for i in range(0, k_parks, 10)
    ]
    org_names = SPONSORS + [f"Management Committee of the {nm}" for nm in zone_names]
    org_kind = ["company"] * len(SPONSORS) + ["management_body"] * len(zone_names)
    organisations = pl.DataFrame(
        {
            "organisation_id": [f"{slug(nm)}-{i + 1}" for i, nm in enumerate(org_names)],
            "name": org_names,
            "name_type": ["label"] * len(org_names),  # the generated names are in no quote: labels
            "kind": org_kind,
            "country_code": ["CN"] * len(org_names),
            "region_id": [slug(REGIONS[0][0])] * len(org_names),
        }
    )
    org_id = organisations["organisation_id"]

    # parks: names and kinds from the vocabulary, every 10th a zone others sit in, pairs of twins
    k = n["parks"]
    park_facts = pick(year_facts.filter(pl.col("table") == "parks"), k)
    names = [
        f"{PAIRS[i % len(PAIRS)]} {PLACES[(i // 7) % len(PLACES)]} {list(PARK_KINDS)[i % len(PARK_KINDS)]}"
        for i in range(k)
    ]
    countries = list(COUNTRIES)
    cc = [countries[i % len(countries)] for i in range(k)]
    sub = [COUNTRIES[c][i % len(COUNTRIES[c])] if COUNTRIES[c] and i % 3 else None for i, c in enumerate(cc)]
    park_id = pl.Series([f"{slug(nm)}-{i + 1}" for i, nm in enumerate(names)])
    zones = np.arange(0, k, 10)
    parent = np.where((np.arange(k) % 10 != 0) & (rng.random(k) < 0.3), zones[rng.integers(0, len(zones), k)], -1)
    twin_of = np.full(k, -1)
    pairs = np.arange(k - k % 2).reshape(-1, 2)
    chosen = pairs[rng.random(len(pairs)) < 0.15]
    twin_of[chosen[:, 0]], twin_of[chosen[:, 1]] = chosen[:, 1], chosen[:, 0]
    no_year = rng.random(k) < 0.25
    parks = pl.DataFrame(
        {
            "park_id": park_id,
            "name": names,
            "name_type": ["label"] * k,
            "kind": [PARK_KINDS[list(PARK_KINDS)[i % len(PARK_KINDS)]] for i in range(k)],
            "status": ["operating"] * k,
            "status_text": ["has developed"] * k,  # words of the cited sentence (quoted fields)
            "country_code": cc,
            "subdivision_code": sub,
            "city": [PLACES[i % len(PLACES)] for i in range(k)],
            "parent_park_id": park_id.gather(np.maximum(parent, 0)),
            "twin_park_id": park_id.gather(np.maximum(twin_of, 0)),
            "management_organisation_id": [org_id[len(SPONSORS) + i // 10] if i % 10 == 0 else None for i in range(k)],
            "year_established": park_facts["year_established"],
            "construction_start_year": park_facts["construction_start_year"],
            "notes": [None] * k,
        },
        strict=False,
    ).with_columns(
        pl.when(pl.Series(parent < 0)).then(None).otherwise(pl.col("parent_park_id")).alias("parent_park_id"),
        pl.when(pl.Series(twin_of < 0)).then(None).otherwise(pl.col("twin_park_id")).alias("twin_park_id"),
        pl.when(pl.Series(no_year)).then(None).otherwise(pl.col("year_established")).alias("year_established"),
    )

    # projects
    k = n["projects"]
    proj_facts = pick(year_facts.filter(pl.col("table") == "projects"), k)
    names = [
        f"{PLACES[i % len(PLACES)]} {SECTORS[(i // 3) % len(SECTORS)]} {PROJECT_KINDS[i % len(PROJECT_KINDS)]}"
        for i in range(k)
    ]
    has_park = rng.random(k) < 0.5
    projects = pl.DataFrame(
        {
            "project_id": [f"{slug(nm)}-{i + 1}" for i, nm in enumerate(names)],
            "name": names,
            "name_type": ["label"] * k,
            "sponsor_organisation_id": org_id.gather(np.arange(k) % len(SPONSORS)),
            "park_id": park_id.gather(rng.integers(0, n["parks"], k)),
            "city": [PLACES[(i * 7) % len(PLACES)] for i in range(k)],
            "country_code": ["CN"] * k,
            "subdivision_code": ["CN-GX"] * k,
            "sector": proj_facts["sentence"].str.extract(
                "(" + "|".join(SECTORS) + ")"
            ),  # quoted: the sector its sentence names
            "status": [
                ["planned", "signed", "under_construction", "partly_in_operation", "in_operation", "unknown"][i % 6]
                for i in range(k)
            ],
            "status_text": ["have been put into production"] * k,
            "start_year": proj_facts["start_year"],
            "notes": [None] * k,
        },
        strict=False,
    ).with_columns(pl.when(pl.Series(has_park)).then(pl.col("park_id")).alias("park_id"))

    # events: every 10th a series; the others are sessions of one
    k = n["events"]
    ev_facts = pick(year_facts.filter(pl.col("table") == "events"), k)
    series_rows = np.arange(0, k, 10)
    is_series = np.arange(k) % 10 == 0
    names = [
        f"{SERIES[i % len(SERIES)]} {i + 1}" if is_series[i] else f"{SERIES[i % len(SERIES)]} session {i + 1}"
        for i in range(k)
    ]
    event_id = pl.Series([f"{slug(SERIES[i % len(SERIES)])}-{i + 1}" for i in range(k)])
    held = ev_facts["held"]
    events = pl.DataFrame(
        {
            "event_id": event_id,
            "name": names,
            "name_type": ["label"] * k,
            "kind": [SERIES_KINDS[SERIES[i % len(SERIES)].rsplit(" ", 1)[-1]] for i in range(k)],
            "is_series": is_series,
            "series_event_id": event_id.gather(series_rows[rng.integers(0, len(series_rows), k)]),
            "session_number": ev_facts["session_number"],
            "parent_event_id": [None] * k,
            "start_date": held,
            "end_date": held,
            "date_precision": ["day"] * k,
            "date_text": held.dt.strftime("%B %-d, %Y"),
            "date_basis": ["stated"] * k,
            "city": [PLACES[i % len(PLACES)] for i in range(k)],
            "country_code": ["CN"] * k,
            "subdivision_code": ["CN-GX"] * k,
            "notes": [None] * k,
        },
        strict=False,
    ).with_columns(
        [
            pl.when(pl.col("is_series")).then(None).otherwise(pl.col(c)).alias(c)
            for c in (
                "series_event_id",
                "session_number",
                "start_date",
                "end_date",
                "date_precision",
                "date_text",
                "date_basis",
            )
        ]
    )

    # statistics: figures drawn from the sentence facts, about subjects of the right table
    k = n["statistics"]
    facts = pick(stat_facts, k)
    subject_ids = {
        "parks": parks["park_id"],
        "projects": projects["project_id"],
        "events": events["event_id"],
        "regions": regions["region_id"],
    }
    subject = pl.Series([None] * k, dtype=pl.String)
    for table, keys in subject_ids.items():
        mask = (facts["subject"] == table).to_numpy()
        subject = subject.scatter(np.flatnonzero(mask), keys.gather(rng.integers(0, len(keys), int(mask.sum()))))
    looks_ahead = facts["basis"].is_in(["planned", "expected"])
    statistics = facts.select(
        ids("stat-", k, 7).alias("statistic_id"),
        pl.col("subject").alias("subject_table"),
        subject.alias("subject_id"),
        pl.lit(None, pl.String).alias("counterpart_table"),
        pl.lit(None, pl.String).alias("counterpart_id"),
        "indicator",
        "label",
        "value_text",
        "value",
        "scale",
        "unit",
        "qualifier",
        "basis",
        pl.lit(None, pl.Date).alias("period_start"),
        pl.when(looks_ahead).then(None).otherwise(pl.col("published")).alias("period_end"),
        pl.lit(None, pl.String).alias("period_text"),
        pl.when(looks_ahead).then(None).otherwise(pl.lit("dateline")).alias("period_basis"),
        pl.col("unit").replace_strict(QUANTITY_KIND, default="stock").alias("quantity_kind"),
        pl.when(looks_ahead).then(pl.lit("none")).otherwise(pl.lit("as_at")).alias("period_type"),
        pl.when(pl.Series(rng.random(k) < 0.1))
        .then(org_id.gather(rng.integers(0, len(org_id), k)))
        .alias("stated_by_organisation_id"),
    )

    # people, the sessions' participants, relations between records and links between statistics
    # (a person's name and a relation's words are quoted fields: they come from the sentences cited for them)
    k = max(10, records // 1000)
    said = pick(year_facts.filter(pl.col("sentence").str.contains("said an official of the ")), k)
    people = pl.DataFrame(
        {
            "person_id": [f"official-{i + 1}" for i in range(k)],
            "name": said["sentence"].str.extract("(an official of the .+? management committee)"),
            "role": ["official"] * k,
            "organisation_id": org_id.gather(len(SPONSORS) + np.arange(k) % len(zone_names)),
            "country_code": ["CN"] * k,
        }
    )
    sessions = events.filter(~pl.col("is_series"))["event_id"]
    k = len(sessions)
    participants = pl.DataFrame(
        {
            "participant_id": [f"prt-{i + 1}" for i in range(k)],
            "event_id": sessions,
            "person_id": people["person_id"].gather(np.arange(k) % people.height),
            "role": ["speaker"] * k,
            "participation": np.array(["organiser", "speaker", "attendee", "signatory"])[np.arange(k) % 4],
            "organisation_id": org_id.gather(np.arange(k) % len(org_id)),
            "country_code": ["CN"] * k,
        }
    )
    k = min(9999, max(10, records // 1000))  # relation_id and link_id have four digits
    chain = pick(year_facts.filter(pl.col("sentence").str.contains("cross-border industrial chain")), k)
    relations = pl.DataFrame(
        {
            "relation_id": [f"rel-{i + 1:04d}" for i in range(k)],
            "subject_table": ["parks"] * k,
            "subject_id": parks["park_id"].gather(np.arange(k) % parks.height),
            "relation": ["industry_chain"] * k,
            "relation_text": ["cross-border industrial chain"] * k,
            "items": ["raw materials; finished products"] * k,
        }
    )
    statistic_links = pl.DataFrame(
        {
            "link_id": [f"link-{i + 1:04d}" for i in range(k)],
            "statistic_id": statistics["statistic_id"].gather(np.arange(k) * 2),
            "relation": ["part_of"] * k,
            "related_statistic_id": statistics["statistic_id"].gather(np.arange(k) * 2 + 1),
            # two statistics of different sentences: the notes say why they are linked (links check)
            "notes": ["the part is stated in another passage than its total"] * k,
        }
    )

    # citations: one per record, plus a second (the clause alone) for some statistics
    cites = []
    for table, frame, key, fact_frame in (
        ("regions", regions, "region_id", pick(year_facts, n["regions"])),
        ("parks", parks, "park_id", park_facts),
        ("projects", projects, "project_id", proj_facts),
        ("events", events, "event_id", ev_facts),
    ):
        cites.append(
            pl.DataFrame(
                {
                    "record_table": table,
                    "record_id": frame[key],
                    "source_id": fact_frame["source_id"],
                    "quote": fact_frame["sentence"],
                }
            )
        )
    sponsor_of = proj_facts["sentence"].str.extract("^(" + "|".join(SPONSORS) + ")")
    org_cite = pl.DataFrame({"organisation_id": org_id, "name": organisations["name"]}).join(
        proj_facts.with_columns(name=sponsor_of).unique("name", keep="first", maintain_order=True),
        on="name",
        how="left",
    )
    org_cite = org_cite.with_columns(  # a management body is cited where one of its officials speaks
        pl.col("source_id").fill_null(said["source_id"][0]), pl.col("sentence").fill_null(said["sentence"][0])
    )
    session_facts = ev_facts.filter(~pl.Series(is_series))
    for table, ids_, fact_frame in (
        ("organisations", org_id, org_cite),
        ("people", people["person_id"], said),
        ("participants", participants["participant_id"], session_facts),
        ("relations", relations["relation_id"], chain),
        ("statistic_links", statistic_links["link_id"], facts[np.arange(statistic_links.height) * 2]),
    ):
        cites.append(
            pl.DataFrame(
                {
                    "record_table": table,
                    "record_id": ids_,
                    "source_id": fact_frame["source_id"],
                    "quote": fact_frame["sentence"],
                }
            )
        )
    cites.append(
        pl.DataFrame(
            {
                "record_table": "statistics",
                "record_id": statistics["statistic_id"],
                "source_id": facts["source_id"],
                "quote": facts["sentence"],
            }
        )
    )
    n_second = n["citations"] - sum(len(c) for c in cites)
    second = np.flatnonzero(facts["fragment_ok"].to_numpy())
    second = np.sort(rng.choice(second, n_second, replace=False))
    cites.append(
        pl.DataFrame(
            {
                "record_table": "statistics",
                "record_id": statistics["statistic_id"].gather(second),
                "source_id": facts["source_id"].gather(second),
                "quote": facts["fragment"].gather(second),
            }
        )
    )
    rows = pl.concat(cites)
    citations = rows.with_columns(straighten("quote", rows.height), pl.lit(None, pl.String).alias("note")).sort(
        "record_table", "record_id", maintain_order=True
    )

    tables = {
        "regions": regions,
        "organisations": organisations,
        "parks": parks,
        "projects": projects,
        "events": events,
        "people": people,
        "participants": participants,
        "statistics": statistics,
        "relations": relations,
        "statistic_links": statistic_links,
        "citations": citations,
    }
    return {name: frame.with_columns(pl.col(pl.Null).cast(pl.String)) for name, frame in tables.items()}


def fit(frame: pl.DataFrame, schema: dict) -> pl.DataFrame:
    """The table's columns in its schema's order: the schema's raw (not derived) fields, those the
    generator does not fill empty. The column list comes from schemas/, so a new optional field
    needs no change here; a new required one fails validation until it is generated."""
    fields = [f["name"] for f in schema["fields"] if not f.get("derived")]
    return frame.select([pl.col(f) if f in frame.columns else pl.lit(None, pl.String).alias(f) for f in fields])


def sources_table(texts: list[Text], digests: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_id": [t.sid for t in texts],
            "file": [f"{t.sid}_{digests[t.sid][:16]}.txt" for t in texts],
            "sha256": [digests[t.sid] for t in texts],
            "title": [f"Guangxi deepens industrial cooperation with ASEAN ({t.sid})" for t in texts],
            "publisher": ["Guangxi Branch of China News Agency"] * len(texts),
            "wire": ["PRNewswire"] * len(texts),
            "url": [f"https://example.org/news/{t.sid}.shtml" for t in texts],
            "date_published": [t.published for t in texts],
            "date_published_text": [
                f"{MONTHS[t.published.month - 1]} {t.published.day}, {t.published.year}" for t in texts
            ],
            "date_accessed": [None] * len(texts),
            "language": ["en"] * len(texts),
            "external_fields": ["url"] * len(texts),
            "notes": [None] * len(texts),
        },
        strict=False,
    ).with_columns(pl.col(pl.Null).cast(pl.String))


# --------------------------------------------------------------------------- errors


def inject(
    tables: dict[str, pl.DataFrame], per_kind: int, rng: np.random.Generator
) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """A copy of the tables with `per_kind` errors of each kind at known rows; returns the rows changed."""
    t = {name: frame.clone() for name, frame in tables.items()}
    injected: list[dict] = []
    used: dict[str, set[int]] = {name: set() for name in t}

    def rows(table: str, k: int, where: pl.Expr | None = None, neighbours: bool = False) -> list[int]:
        frame = t[table].with_row_index("_i")
        if where is not None:
            frame = frame.filter(where)
        pool = [i for i in frame["_i"].to_list() if i > 0 and not ({i - 1, i, i + 1} & used[table])]
        if neighbours:  # rows three apart, so that no two chosen rows (or their neighbours) touch
            pool = [i for i in pool if i % 3 == 1]
        out = sorted(int(i) for i in rng.choice(pool, k, replace=False))
        for i in out:
            used[table].update({i - 1, i, i + 1} if neighbours else {i})
        return out

    def setcell(table: str, idx: list[int], column: str, values) -> None:
        frame = t[table]
        t[table] = frame.with_columns(frame[column].scatter(idx, pl.Series(values, dtype=frame[column].dtype)))

    def note(kind: str, table: str, idx: list[int], fld: str, shared: bool) -> None:
        file = "seeds/sources.csv" if table == "sources" else f"data/raw/{table}.csv"
        injected.extend(dict(kind=kind, file=file, line=i + 2, field=fld, shared=shared) for i in idx)

    half = per_kind // 2
    # dangling references (foreign keys both tools know)
    idx = rows("projects", half, pl.col("park_id").is_not_null())
    setcell("projects", idx, "park_id", [f"missing-park-{i}" for i in idx])
    note("dangling-reference", "projects", idx, "park_id", True)
    idx = rows("parks", per_kind - half, pl.col("twin_park_id").is_null())
    setcell("parks", idx, "parent_park_id", [f"missing-zone-{i}" for i in idx])
    note("dangling-reference", "parks", idx, "parent_park_id", True)
    # duplicate primary keys: a row repeated over its successor
    for table, key in (("statistics", "statistic_id"), ("projects", "project_id")):
        idx = rows(table, half if table == "statistics" else per_kind - half, neighbours=True)
        frame = t[table]
        src = np.array(idx) - 1
        t[table] = frame.with_columns([frame[c].scatter(idx, frame[c].gather(src)) for c in frame.columns])
        note("duplicate-key", table, idx, key, True)
    # values outside an enum
    third = per_kind // 3
    for table, column, bad, k, where in (
        ("parks", "kind", "industrial-park", third, None),
        ("projects", "status", "operating", third, None),
        ("statistics", "basis", "estimated", per_kind - 2 * third, pl.col("basis") == "actual"),
    ):
        idx = rows(table, k, where)
        setcell(table, idx, column, [bad] * len(idx))
        note("bad-enum", table, idx, column, True)
    # provenance: statistics cited once, so each error is one finding
    cites = t["citations"].with_row_index("_i")
    once = (
        cites.filter(pl.col("record_table") == "statistics")
        .group_by("record_id")
        .agg(pl.col("_i").first(), pl.len())
        .filter(pl.col("len") == 1)
    )
    stats = t["statistics"].with_row_index("_s").join(once, left_on="statistic_id", right_on="record_id")
    stats = stats.filter(~pl.col("_s").is_in(list(used["statistics"])))
    pick = stats[rng.choice(stats.height, 3 * per_kind, replace=False)].sort("_s")
    quote_rows, value_rows, qual_rows = pick[:per_kind], pick[per_kind : 2 * per_kind], pick[2 * per_kind :]
    idx = sorted(quote_rows["_i"].to_list())
    quotes = t["citations"]["quote"].gather(idx).to_list()
    setcell("citations", idx, "quote", [q.replace(" the ", " teh ", 1) if " the " in q else q + " too" for q in quotes])
    note("quote-not-in-source", "citations", idx, "quote", False)
    idx = value_rows["_s"].to_list()
    setcell("statistics", idx, "value", [_bump(v) for v in value_rows["value"].to_list()])
    note("value-disagrees", "statistics", idx, "value", False)
    qual_rows = qual_rows.head(per_kind)
    idx = qual_rows["_s"].to_list()
    setcell(
        "statistics", idx, "qualifier", ["exact" if q != "exact" else "about" for q in qual_rows["qualifier"].to_list()]
    )
    note("qualifier-disagrees", "statistics", idx, "qualifier", False)
    return t, injected


def _bump(value: str) -> str:
    """70.1 -> 70.2, 1221 -> 1222: a transcription slip in the last digit."""
    last = int(value[-1])
    return value[:-1] + str((last + 1) % 10 if last != 9 else 8)


# --------------------------------------------------------------------------- writing


def frictionless_descriptor(schemas: dict[str, dict]) -> dict:
    """A Data Package of the raw CSVs with the same schemas (derived fields and zonedata extensions left out)."""
    resources = []
    for name, schema in schemas.items():
        fields = [{k: v for k, v in f.items() if k != "derived"} for f in schema["fields"] if not f.get("derived")]
        table_schema = {
            "fields": fields,
            "primaryKey": schema["primaryKey"],
            "missingValues": schema.get("missingValues", [""]),
        }
        if schema.get("foreignKeys"):
            table_schema["foreignKeys"] = schema["foreignKeys"]
        resources.append(
            {
                "name": name,
                "type": "table",
                "profile": "tabular-data-resource",
                "path": "seeds/sources.csv" if name == "sources" else f"data/raw/{name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema,
            }
        )
    return {"name": "zonedata-bench", "resources": resources}


def write_package(
    root: Path,
    schemas: dict[str, dict],
    texts_on_disk: dict[str, bytes],
    sources: pl.DataFrame,
    tables: dict[str, pl.DataFrame],
) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "schemas").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "data" / "raw").mkdir(parents=True)
    for name, schema in schemas.items():
        (root / "schemas" / f"{name}.json").write_text(
            json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    # the repository's vocabulary (units, scales, qualifiers, indicators), which the schemas' enums name
    shutil.copytree(REPO / "metadata" / "vocabulary", root / "metadata" / "vocabulary")
    for name, data in texts_on_disk.items():
        (root / "seeds" / name).write_bytes(data)
    sources.write_csv(root / "seeds" / "sources.csv")
    for name, frame in tables.items():
        frame.write_csv(root / "data" / "raw" / f"{name}.csv")
    (root / "datapackage.json").write_text(
        json.dumps(frictionless_descriptor(schemas), indent=2) + "\n", encoding="utf-8"
    )


def load_schemas() -> dict[str, dict]:
    schemas = {}
    for path in sorted((REPO / "schemas").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        for old, new in WIDER_PATTERNS.items():
            text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
        schemas[path.stem] = json.loads(text)
    return schemas


def stamp(records: int, seed: int = SEED) -> str:
    """Changes when the generator, the repository's schemas or vocabulary, the seed or the size change."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for path in [*sorted((REPO / "schemas").glob("*.json")), *sorted((REPO / "metadata" / "vocabulary").glob("*.csv"))]:
        h.update(path.read_bytes())
    h.update(f"{records}:{seed}".encode())
    return h.hexdigest()


def label(records: int) -> str:
    return f"{records // 1_000_000}M" if records % 1_000_000 == 0 else f"{records // 1000}k"


def generate(records: int, seed: int = SEED, out: Path = OUT) -> tuple[Path, Path]:
    """Write <out>/<label>-valid and <out>/<label>-invalid; return their paths."""
    rnd = random.Random(seed)
    writer = Writer(rnd)
    texts = [write_text(writer, f"{i:03d}") for i in range(N_SOURCES)]
    on_disk, digests = {}, {}
    for t in texts:
        data = render_text(t, f"Guangxi deepens industrial cooperation with ASEAN ({t.sid})").encode("utf-8")
        digests[t.sid] = hashlib.sha256(data).hexdigest()
        on_disk[f"{t.sid}_{digests[t.sid][:16]}.txt"] = data
    rng = np.random.default_rng(seed)
    schemas = load_schemas()
    tables = {name: fit(frame, schemas[name]) for name, frame in build_tables(texts, records, rng).items()}
    sources = fit(sources_table(texts, digests), schemas["sources"])
    valid, invalid = out / f"{label(records)}-valid", out / f"{label(records)}-invalid"
    write_package(valid, schemas, on_disk, sources, tables)
    per_kind = {10_000: 20, 100_000: 60}.get(records, 100)
    bad, injected = inject(tables, per_kind, rng)
    write_package(invalid, schemas, on_disk, sources, bad)
    counts = {name: frame.height for name, frame in tables.items()} | {"sources": len(texts)}
    meta = {"records": records, "seed": seed, "rows": counts, "injected": injected}
    (invalid / "injected.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    (valid / "injected.json").write_text(json.dumps({**meta, "injected": []}, indent=1) + "\n", encoding="utf-8")
    return valid, invalid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for records in args.records:
        for path in generate(records, args.seed):
            print(path)


if __name__ == "__main__":
    main()

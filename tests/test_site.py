"""`zonedata site` without a browser: pages for every table, record, source and release, generic over the
descriptor (a 2.0-style package with new tables, list fields and a hierarchy), byte-identical rebuilds,
escaping, and clear errors for a package that cannot be shown (tests/test_site_browser.py drives Chromium)."""

import hashlib
import html
import json
import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from markupsafe import escape

from zonedata.cli import cli
from zonedata.render.site import build_site
from zonedata.render.site.model import (
    CITATIONS_SHOWN,
    MARKER,
    Passage,
    format_number,
    markdown_blocks,
    source_paragraphs,
)
from zonedata.text.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FILES = (
    "datapackage.json",
    "data/clean",
    "seeds",
    "releases",
    "CHANGELOG.md",
    "CITATION.cff",
    "README.md",
    "pyproject.toml",
    "metadata",
    "schemas",
    "data/raw",
    ".zenodo.json",
)


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def copy_package(dest: Path) -> Path:
    for rel in PACKAGE_FILES:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel)
        elif src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def real_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(ROOT, out)
    return out


def clean(table: str) -> pl.DataFrame:
    return pl.read_csv(ROOT / "data" / "clean" / f"{table}.csv", infer_schema=False)


def test_cli_writes_the_site(tmp_path):
    out = tmp_path / "out"
    result = invoke("site", "--root", ROOT, "--out", out)
    assert result.exit_code == 0, result.output
    assert f"to {out}" in result.output and "index.html" in result.output
    assert (out / "index.html").is_file() and (out / MARKER).is_file()


def test_a_page_for_every_table_source_and_release(real_site):
    descriptor = json.loads((ROOT / "datapackage.json").read_text())
    tables = sorted({r["name"].rsplit("-", 1)[0] for r in descriptor["resources"]})
    assert sorted(p.stem for p in (real_site / "tables").glob("*.html")) == tables
    sources = clean("sources")
    assert sorted(p.stem for p in (real_site / "sources").glob("*.html")) == sorted(sources["source_id"])
    for entry in json.loads((ROOT / "releases" / "releases.json").read_text()):
        assert (real_site / "changes" / f"{entry['version']}.html").is_file()
        archive = real_site / "downloads" / entry["archive"]
        assert hashlib.sha256(archive.read_bytes()).hexdigest() == entry["sha256"]


def test_every_record_has_a_page_of_its_own(real_site):
    for table in ("parks", "statistics", "events", "projects", "regions"):
        frame = clean(table)
        key = frame.columns[0]
        pages = sorted((real_site / "records" / table).glob("*.html"))
        assert sorted(p.stem for p in pages) == sorted(frame[key])
        for page in pages:  # one record a page, no more: nothing to scroll past
            assert re.findall(r'<article class="record" id="r-([^"]+)"', page.read_text()) == [page.stem]


def record_page(site: Path, table: str, key: str) -> str:
    page = (site / "records" / table / f"{key}.html").read_text()
    article = page[page.index(f'id="r-{key}"') :]
    return article[: article.index("</article>")]


def test_home_has_citation_downloads_and_counts(real_site):
    page = (real_site / "index.html").read_text()
    cite = invoke("cite", "--root", ROOT).output
    bibtex = invoke("cite", "--root", ROOT, "--format", "bibtex").output
    assert str(escape(cite)) in page
    assert str(escape(bibtex)) in page
    descriptor = json.loads((ROOT / "datapackage.json").read_text())
    for res in descriptor["resources"]:
        data = (ROOT / res["path"]).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        assert digest in page and f'href="downloads/{res["path"]}"' in page
        assert f"{len(data):,}" in page
        assert (real_site / "downloads" / res["path"]).read_bytes() == data
    for table in ("parks", "statistics", "citations"):
        assert re.search(
            rf'href="tables/{table}.html">[^<]+</a> <code>{table}</code></td><td class="num">'
            rf"{clean(table).height:,}<",
            page,
        )
    assert "What the dataset covers." in page  # the README's scope statement
    latest = json.loads((ROOT / "releases" / "releases.json").read_text())[-1]
    assert f'released <time datetime="{latest["date"]}">' in page


def test_record_pages_show_every_citation_at_its_offsets(real_site):
    citations = clean("citations")
    sources = {
        r["source_id"]: (ROOT / "seeds" / r["file"]).read_text(encoding="utf-8")
        for r in clean("sources").iter_rows(named=True)
    }
    pages: dict[str, str] = {}
    for c in citations.iter_rows(named=True):
        start, end = int(c["quote_start"]), int(c["quote_end"])
        passage = sources[c["source_id"]][start:end]  # the source's own text: the quote up to safe normalisation
        assert normalise(passage) == normalise(c["quote"])
        key = (c["record_table"], c["record_id"])
        article = pages.setdefault("/".join(key), record_page(real_site, *key))
        link = f'href="../../sources/{c["source_id"]}.html#q-{start}-{end}" data-start="{start}" data-end="{end}">'
        assert link + f"<mark>{escape(passage)}</mark></a>" in article
        source_page = (real_site / "sources" / f"{c['source_id']}.html").read_text()
        assert f'<span class="anchor" id="q-{start}-{end}"></span>' in source_page


def test_related_records_both_directions(real_site):
    parks = clean("parks")
    twin = parks.filter(pl.col("twin_park_id").is_not_null()).row(0, named=True)
    article = record_page(real_site, "parks", twin["park_id"])
    assert f'href="../../records/parks/{twin["twin_park_id"]}.html"' in article  # outgoing: the twin park
    stats = clean("statistics").filter((pl.col("subject_table") == "parks") & (pl.col("subject_id") == twin["park_id"]))
    for stat in stats["statistic_id"]:  # incoming: the figures whose subject it is
        assert f'href="../../records/statistics/{stat}.html"' in article
    assert "Statistics whose Subject ID is this record:" in article or stats.is_empty()


def test_table_shards_hold_every_row_with_links(real_site):
    for table in ("statistics", "citations", "parks"):
        meta_page = (real_site / "tables" / f"{table}.html").read_text()
        meta = json.loads(html.unescape(re.search(r'id="table-meta">(.*?)</script>', meta_page, re.DOTALL)[1]))
        rows = []
        for shard in meta["shards"]:
            text = (real_site / shard).read_text()
            m = re.fullmatch(r'zdShard\("([a-z_]+)",(\d+),(.*)\);\n', text, re.DOTALL)
            rows += json.loads(m[3])
        frame = clean(table)
        assert len(rows) == frame.height == meta["rows"]
        names = [c["name"] for c in meta["columns"]]
        assert names == frame.columns
        first = frame.row(0, named=True)
        values = [v["v"] if isinstance(v, dict) else v for v in rows[0][1 : 1 + len(names)]]
        assert values == [first[n] for n in names]
    stats_meta = json.loads(
        html.unescape(
            re.search(
                r'id="table-meta">(.*?)</script>', (real_site / "tables" / "statistics.html").read_text(), re.DOTALL
            )[1]
        )
    )
    virtual = {v["name"]: v for v in stats_meta["virtual"]}
    assert virtual["~value.written"]["title"] == "Value as written"
    names = [c["name"] for c in stats_meta["columns"]]
    assert names[virtual["~value.written"]["text"]] == "value_text"
    assert names[virtual["~value.written"]["qualifier"]] == "qualifier"
    assert names[virtual["~value.normalised"]["normalised"]] == "value_normalised"
    assert names[virtual["~value.normalised"]["unit"]] == "unit_normalised"
    assert [names[virtual["~period"]["start"]], names[virtual["~period"]["end"]]] == ["period_start", "period_end"]
    # the columns a reader needs first: key, name, value as written and normalised, subject, period, source
    assert stats_meta["defaults"][:6] == [
        "statistic_id",
        "label",
        "~value.written",
        "~value.normalised",
        "subject_id",
        "~period",
    ]
    assert stats_meta["defaults"][-1] == "~sources" and len(stats_meta["defaults"]) <= 8
    assert stats_meta["sticky"] == "statistic_id"


def test_changes_page_lists_the_release(real_site):
    page = (real_site / "changes" / "1.0.0.html").read_text()
    assert "The first release" in page
    with zipfile.ZipFile(ROOT / "releases" / "zonedata-1.0.0.zip") as archive:  # the first release's records
        for table in ("parks", "statistics"):
            released = pl.read_csv(archive.read(f"zonedata-1.0.0/data/clean/{table}.csv"), infer_schema=False)
            assert f"{table}: {released.height:,} added, 0 removed, 0 corrected" in page
    assert re.search(r'href="../records/parks/[a-z0-9-]+\.html"', page)


def test_byte_identical_rebuild(tmp_path, real_site):
    out = tmp_path / "again"
    build_site(ROOT, out)
    assert tree(out) == tree(real_site)
    build_site(ROOT, out)  # replacing an earlier site
    assert tree(out) == tree(real_site)


def test_no_absolute_or_network_links(real_site):
    for page in real_site.rglob("*.html"):
        text = page.read_text()
        for attr in re.findall(r'(?:src|href)="([^"]*)"', text):
            assert not attr.startswith("/"), (page, attr)
            if attr.startswith(("http://", "https://")):
                assert 'src="' + attr not in text, (page, attr)  # outbound links only, nothing loaded
        assert '<link rel="stylesheet" href="http' not in text


# --- escaping and hostile input ----------------------------------------------------------------------


@pytest.fixture
def package(tmp_path) -> Path:
    return copy_package(tmp_path / "pkg")


def _rebuild(root: Path) -> None:
    result = invoke("build", "--root", root)
    assert result.exit_code == 0, result.output


def test_text_is_escaped_everywhere(package):
    parks = package / "data" / "raw" / "parks.csv"
    text = parks.read_text(encoding="utf-8")
    hostile = 'Zone <script>alert("x")</script> & “Twin” ⟨园区⟩'
    # a label (the curator's words), so the proper-name check does not ask for it in a quote
    name = "\nchina-malaysia-qinzhou-industrial-park,China-Malaysia Qinzhou Industrial Park,proper,"
    assert name in text
    label = f'\nchina-malaysia-qinzhou-industrial-park,"{hostile.replace(chr(34), chr(34) * 2)}",label,'
    text = text.replace(name, label, 1)
    parks.write_text(text, encoding="utf-8")
    _rebuild(package)
    out = package / "site"
    build_site(package, out)
    pages = "".join(p.read_text() for p in out.rglob("*.html"))
    assert "<script>alert" not in pages
    assert str(escape(hostile)) in pages
    shard = (out / "data" / "parks" / "0001.js").read_text()
    assert json.dumps(hostile, ensure_ascii=False) in shard


def test_stale_publication_is_a_finding(package):
    csv = package / "data" / "clean" / "parks.csv"
    csv.write_bytes(csv.read_bytes() + b"\n")
    result = invoke("site", "--root", package)
    assert result.exit_code == 1
    assert "data/clean/parks.csv" in result.output and "sha256" in result.output and "zonedata build" in result.output
    assert not (package / "site").exists()


def test_changed_seed_text_is_a_finding(package):
    seed = next((package / "seeds").glob("003_*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8").replace("1,221", "1,222"), encoding="utf-8")
    result = invoke("site", "--root", package)
    assert result.exit_code == 1
    assert f"seeds/{seed.name}" in result.output and "restore it from git" in result.output


def test_missing_descriptor_is_a_finding(package):
    (package / "datapackage.json").unlink()
    result = invoke("site", "--root", package)
    assert result.exit_code == 1 and "datapackage.json" in result.output and "zonedata build" in result.output


def test_resource_path_outside_the_package_is_refused(package):
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["resources"][0]["path"] = "../../etc/passwd"
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    result = invoke("site", "--root", package)
    assert result.exit_code == 1 and "not a relative path inside the package" in result.output


def test_only_web_links_become_links(package):
    descriptor = json.loads((package / "datapackage.json").read_text())
    descriptor["licenses"] = [{"name": "CC-BY-4.0", "path": "javascript:alert(1)", "title": "Evil"}]
    (package / "datapackage.json").write_text(json.dumps(descriptor))
    out = package / "site"
    build_site(package, out)
    page = (out / "index.html").read_text()
    assert "javascript:" not in page and "; licence Evil." in page


def test_out_that_is_not_a_site_is_left_alone(package):
    keep = package / "notes"
    keep.mkdir()
    (keep / "mine.txt").write_text("keep me")
    result = invoke("site", "--root", package, "--out", keep)
    assert result.exit_code == 2 and "is not a site that zonedata built" in result.output
    assert (keep / "mine.txt").read_text() == "keep me"
    for bad in (package, package.parent):
        result = invoke("site", "--root", package, "--out", bad)
        assert result.exit_code == 2 and "would replace the package itself" in result.output
    for inside in ("data/clean/site", "seeds/site", "releases"):
        result = invoke("site", "--root", package, "--out", package / inside)
        assert result.exit_code == 2 and "is inside the package's" in result.output
        assert not (package / inside / "index.html").exists()


def test_failed_build_keeps_the_previous_site(package):
    out = package / "site"
    build_site(package, out)
    before = tree(out)
    csv = package / "data" / "clean" / "events.csv"
    csv.write_bytes(csv.read_bytes() + b"\n")
    assert invoke("site", "--root", package).exit_code == 1
    assert tree(out) == before
    assert not [p for p in package.iterdir() if p.name.startswith(".zonedata-site-")]


# --- generic over the descriptor: a 2.0-style package ----------------------------------------------


def _resource(root: Path, name: str, schema: dict, frame: pl.DataFrame, fmt: str) -> dict:
    path = root / "data" / "clean" / f"{name}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        out = frame.with_columns([pl.col(c).list.join(";") for c, t in frame.schema.items() if isinstance(t, pl.List)])
        out.write_csv(path, line_terminator="\n")
    else:
        frame.write_parquet(path)
    data = path.read_bytes()
    return {
        "name": f"{name}-{fmt}",
        "path": f"data/clean/{name}.{fmt}",
        "format": fmt,
        "schema": schema,
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "type": "table",
    }


def _field(name, type_="string", **extra):
    return {
        "name": name,
        "type": type_,
        "title": name.replace("_", " ").capitalize(),
        "description": f"Description of {name}.",
        **extra,
    }


@pytest.fixture
def package_v2(tmp_path) -> Path:
    root = tmp_path / "v2"
    (root / "seeds").mkdir(parents=True)
    text = (
        "Acme Holdings and the Bay Authority signed the deal.\n\n"
        "Ms Tan of Acme Holdings attended. The park <Alpha> covers about 1200 mu.\n"
    )
    (root / "seeds" / "000_test.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode()).hexdigest()

    def span(quote):
        return text.index(quote), text.index(quote) + len(quote)

    quotes = [
        ("organisations", "acme", "Acme Holdings and the Bay Authority signed the deal."),
        ("organisations", "bay-authority", "the Bay Authority"),
        ("participants", "tan", "Ms Tan of Acme Holdings attended."),
        ("regions", "guangxi", "the Bay Authority signed"),
        ("regions", "china", "Acme Holdings"),
        ("parks", "alpha", "The park <Alpha> covers about 1200 mu."),
    ]
    cit = pl.DataFrame(
        {
            "record_table": [q[0] for q in quotes],
            "record_id": [q[1] for q in quotes],
            "source_id": ["000"] * len(quotes),
            "quote": [q[2] for q in quotes],
            "quote_start": [span(q[2])[0] for q in quotes],
            "quote_end": [span(q[2])[1] for q in quotes],
        }
    )
    tables = {
        "sources": (
            {
                "fields": [
                    _field("source_id"),
                    _field("file"),
                    _field("sha256"),
                    _field("title"),
                    _field("url"),
                    _field("external_fields", "list", itemType="string", delimiter=";"),
                ],
                "primaryKey": ["source_id"],
                "role": "sources",
            },
            pl.DataFrame(
                {
                    "source_id": ["000"],
                    "file": ["000_test.txt"],
                    "sha256": [sha],
                    "title": ["A test text"],
                    "url": ["https://example.org/a"],
                    "external_fields": [["url"]],
                }
            ),
        ),
        "citations": (
            {
                "fields": [
                    _field("record_table"),
                    _field("record_id"),
                    _field("source_id"),
                    _field("quote"),
                    _field("quote_start", "integer"),
                    _field("quote_end", "integer"),
                ],
                "primaryKey": ["record_table", "record_id", "source_id", "quote"],
                "foreignKeys": [
                    {"fields": ["source_id"], "reference": {"resource": "sources-parquet", "fields": ["source_id"]}}
                ],
                "polymorphicKeys": [{"tableField": "record_table", "idField": "record_id"}],
                "role": "citations",
            },
            cit,
        ),
        "organisations": (
            {
                "fields": [
                    _field("organisation_id"),
                    _field("name"),
                    _field("aliases", "list", itemType="string", delimiter=";"),
                ],
                "primaryKey": ["organisation_id"],
            },
            pl.DataFrame(
                {
                    "organisation_id": ["acme", "bay-authority"],
                    "name": ["Acme Holdings", "Bay Authority"],
                    "aliases": [["Acme", "Acme Co"], None],
                }
            ),
        ),
        "participants": (
            {
                "fields": [
                    _field("participant_id"),
                    _field("name"),
                    _field("organisation_ids", "list", itemType="string", delimiter=";"),
                ],
                "primaryKey": ["participant_id"],
                "foreignKeys": [
                    {
                        "fields": ["organisation_ids"],
                        "reference": {"resource": "organisations-parquet", "fields": ["organisation_id"]},
                    }
                ],
            },
            pl.DataFrame(
                {"participant_id": ["tan"], "name": ["Ms Tan"], "organisation_ids": [["acme", "bay-authority"]]}
            ),
        ),
        "regions": (
            {
                "fields": [_field("region_id"), _field("name"), _field("parent_region_id")],
                "primaryKey": ["region_id"],
                "foreignKeys": [
                    {"fields": ["parent_region_id"], "reference": {"resource": "", "fields": ["region_id"]}}
                ],
            },
            pl.DataFrame(
                {"region_id": ["china", "guangxi"], "name": ["China", "Guangxi"], "parent_region_id": [None, "china"]}
            ),
        ),
        "parks": (
            {
                "fields": [
                    _field("park_id"),
                    _field("name"),
                    _field("region_id"),
                    _field("status"),
                    _field("area_text"),
                    _field("area_qualifier"),
                    _field("area_normalised", "number"),
                    _field("area_unit_normalised"),
                ],
                "primaryKey": ["park_id"],
                "foreignKeys": [
                    {"fields": ["region_id"], "reference": {"resource": "regions-parquet", "fields": ["region_id"]}}
                ],
            },
            pl.DataFrame(
                {
                    "park_id": ["alpha"],
                    "name": ["<Alpha>"],
                    "region_id": ["guangxi"],
                    "status": ["operating"],
                    "area_text": ["about 1200 mu"],
                    "area_qualifier": ["about"],
                    "area_normalised": ["800000.000000"],
                    "area_unit_normalised": ["m2"],
                }
            ),
        ),
    }
    resources = []
    for name, (schema, frame) in tables.items():
        resources.append(_resource(root, name, schema, frame, "parquet"))
        csv_schema = json.loads(json.dumps(schema).replace("-parquet", "-csv"))
        resources.append(_resource(root, name, csv_schema, frame, "csv"))
    (root / "datapackage.json").write_text(
        json.dumps({"name": "test", "title": "Test package", "version": "2.0.0", "resources": resources}),
        encoding="utf-8",
    )
    return root


def _article(out: Path, table: str, key: str) -> str:
    return record_page(out, table, key)


def test_new_tables_list_fields_and_hierarchy(package_v2):
    out = package_v2 / "site"
    result = invoke("site", "--root", package_v2)
    assert result.exit_code == 0, result.output
    assert {p.stem for p in (out / "tables").glob("*.html")} == {
        "sources",
        "citations",
        "organisations",
        "participants",
        "regions",
        "parks",
    }
    tan = _article(out, "participants", "tan")
    # a list-typed foreign key: one link per item, as a list
    assert re.search(
        r'<ul class="items"><li><a href="../../records/organisations/acme.html">acme</a> '
        r'<span class="target-label">Acme Holdings</span></li><li><a href="[^"]+/bay-authority.html">',
        tan,
    )
    assert "Ms Tan of Acme Holdings attended." in tan
    acme = _article(out, "organisations", "acme")
    assert (
        "participants whose Organisation ids is this record:" in acme and "/tan.html" in acme
    )  # incoming, from a list
    assert "<li>Acme</li><li>Acme Co</li>" in acme
    guangxi = _article(out, "regions", "guangxi")
    assert "/regions/china.html" in guangxi  # the parent region
    china = _article(out, "regions", "china")
    assert "regions whose Parent region id is this record:" in china and "/regions/guangxi.html" in china
    assert "parks whose Region id is this record:" in guangxi
    alpha = _article(out, "parks", "alpha")
    assert (
        '<span class="as-written">about 1200 mu</span> <span class="badge qualifier">about</span> '
        '<span class="label">normalised</span> <span class="normalised">800,000 m²</span>'
    ) in alpha
    assert "&lt;Alpha&gt;" in alpha and "<Alpha>" not in alpha
    source = (out / "sources" / "000.html").read_text()
    assert "external</span>" in source
    # nested passages: "the Bay Authority" inside the first quote, and one that overlaps it
    assert 'data-p="q-0-52 q-18-35 q-18-42"' in source


def test_search_index_has_names_and_aliases(package_v2):
    out = package_v2 / "site"
    build_site(package_v2, out)
    text = (out / "data" / "search" / "0001.js").read_text()
    entries = json.loads(re.fullmatch(r"zdSearch\(0,(.*)\);\n", text, re.DOTALL)[1])
    acme = next(e for e in entries if e[1] == "Acme Holdings")
    assert "Acme Co" in acme[0] and acme[3] == "records/organisations/acme.html"


def test_csv_only_package_reads_list_fields(package_v2):
    descriptor = json.loads((package_v2 / "datapackage.json").read_text())
    descriptor["resources"] = [r for r in descriptor["resources"] if r["format"] == "csv"]
    (package_v2 / "datapackage.json").write_text(json.dumps(descriptor))
    out = package_v2 / "site"
    build_site(package_v2, out)
    assert "<li>Acme</li><li>Acme Co</li>" in _article(out, "organisations", "acme")


# --- the pieces --------------------------------------------------------------------------------------


def test_source_paragraphs_split_overlapping_passages():
    text = "ab cd\nef gh"
    passages = {(0, 5): Passage(0, 5), (3, 8): Passage(3, 8), (9, 9): Passage(9, 9)}
    paras = source_paragraphs(text, passages)
    flat = [(p["text"], p["passages"], p["anchors"], [c.pid for c in p["closing"]]) for para in paras for p in para]
    assert flat == [
        ("ab ", "q-0-5", ["q-0-5"], []),
        ("cd", "q-0-5 q-3-8", ["q-3-8"], ["q-0-5"]),
        ("ef", "q-3-8", [], ["q-3-8"]),
        (" ", "", [], []),
        ("", "", ["q-9-9"], ["q-9-9"]),
        ("gh", "", [], []),
    ]
    assert "".join(p["text"] for p in paras[0]) + "\n" + "".join(p["text"] for p in paras[1]) == text


def test_format_number_is_exact():
    assert format_number("70100000000.000000") == "70,100,000,000"
    assert format_number("-0.500000") == "-0.5"
    assert format_number("12345678901234567890.123456") == "12,345,678,901,234,567,890.123456"
    assert format_number("not a number") == "not a number"


def test_markdown_blocks_escape_nothing_themselves():
    blocks = markdown_blocks(
        "**Bold** <b>x</b> [a](https://e.org) `c`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n"
    )
    assert blocks[0]["spans"][0] == {"kind": "strong", "text": "Bold"}
    assert {"kind": "text", "text": " <b>x</b> "} in blocks[0]["spans"]
    assert blocks[1]["kind"] == "table" and len(blocks[1]["rows"]) == 1
    assert blocks[2] == {"kind": "ul", "items": [[{"kind": "text", "text": "one"}], [{"kind": "text", "text": "two"}]]}


# --- issue 22: tables, facets, pictures, the cite box; issue 19: bounded citations -------------------


def table_meta(site: Path, table: str) -> dict:
    page = (site / "tables" / f"{table}.html").read_text()
    return json.loads(html.unescape(re.search(r'id="table-meta">(.*?)</script>', page, re.DOTALL)[1]))


def test_facets_come_from_the_schema_with_counts(real_site):
    """Every enum, ISO code and reference of a table is a facet, with the counts of the whole table."""
    for table in ("statistics", "parks", "events"):
        schema = json.loads((ROOT / "schemas" / f"{table}.json").read_text())
        meta = table_meta(real_site, table)
        facets = {f["name"]: f for f in meta["facets"]}
        poly_tables = {p["tableField"] for p in schema.get("polymorphicKeys", [])}
        for f in schema["fields"]:
            if (f.get("constraints") or {}).get("enum") or f.get("isoCode") or f["name"] in poly_tables:
                frame = clean(table)
                if frame[f["name"]].null_count() == frame.height:
                    assert f["name"] not in facets
                    continue
                counts = frame[f["name"]].drop_nulls().value_counts()
                expected = sorted(((v, n) for v, n in counts.iter_rows()), key=lambda t: (-t[1], t[0]))
                assert [tuple(v[:2]) for v in facets[f["name"]]["values"]] == expected, (table, f["name"])
        # and the sources, through the citations
        cit = clean("citations").filter(pl.col("record_table") == table).unique(["record_id", "source_id"])
        by_source = dict(cit.group_by("source_id").len().iter_rows())
        assert {v[0]: v[1] for v in facets["~sources"]["values"]} == by_source
    stats = {f["name"] for f in table_meta(real_site, "statistics")["facets"]}
    assert {"qualifier", "basis", "currency", "~sources"} <= stats
    parks = {f["name"] for f in table_meta(real_site, "parks")["facets"]}
    assert {"kind", "status", "country_code"} <= parks
    # a reference facet names its records
    subject = next(f for f in table_meta(real_site, "statistics")["facets"] if f["name"] == "subject_id")
    labelled = [v for v in subject["values"] if len(v) == 3]
    assert labelled and all(v[2] != v[0] for v in labelled)


def _by_role(role: str) -> str:
    """The table playing a role, from the published schemas' `role` (no table named here)."""
    found = [p.stem for p in sorted((ROOT / "schemas").glob("*.json")) if json.loads(p.read_text()).get("role") == role]
    assert len(found) == 1, (role, found)
    return found[0]


def test_every_cited_table_has_a_source_facet_counted_from_the_citations(real_site):
    """Issue 22's "source" facet: on every table page whose records are cited, a record counts once under
    each source its citations quote (a list facet), as polars counts it from the citations table."""
    citations = clean(_by_role("citations"))
    structural = {_by_role("citations"), _by_role("sources")}
    cited_tables = set(citations["record_table"].unique())
    tables = [p.stem for p in sorted((ROOT / "schemas").glob("*.json")) if p.stem not in structural]
    assert len(cited_tables & set(tables)) >= 8  # parks, events, organisations, people... are all cited
    for table in tables:
        facets = {f["name"]: f for f in table_meta(real_site, table)["facets"]}
        if table not in cited_tables:
            assert "~sources" not in facets, table
            continue
        pk = json.loads((ROOT / "schemas" / f"{table}.json").read_text())["primaryKey"]
        records = clean(table).select(pl.col(pk[0]).alias("record_id"))
        expected = (
            citations.filter(pl.col("record_table") == table)
            .join(records, on="record_id", how="semi")
            .unique(["record_id", "source_id"])
            .group_by("source_id")
            .len()
            .sort(["len", "source_id"], descending=[True, False])
        )
        assert [tuple(v[:2]) for v in facets["~sources"]["values"]] == list(expected.iter_rows()), table
        assert facets["~sources"]["distinct"] == expected.height
        # a record cited by two sources counts under both: the counts add up to more than the records
        # whenever such a record exists
        per_record = (
            citations.filter(pl.col("record_table") == table).group_by("record_id").agg(pl.col("source_id").n_unique())
        )
        if per_record["source_id"].max() > 1:
            assert sum(v[1] for v in facets["~sources"]["values"]) > per_record.height
    # a source facet value carries the source's title when it differs from its id
    sources = dict(clean(_by_role("sources")).select("source_id", "title").iter_rows())
    for v in next(f for f in table_meta(real_site, "parks")["facets"] if f["name"] == "~sources")["values"]:
        assert v[2:] in ([], [sources[v[0]]]), v


def test_citations_beyond_the_limit_are_linked_not_shown(package, monkeypatch):
    """Issue 19: a record's page shows at most CITATIONS_SHOWN citations and links the rest."""
    import zonedata.render.site.build as site_build

    assert CITATIONS_SHOWN == 50
    monkeypatch.setattr(site_build, "CITATIONS_SHOWN", 1)
    many = (
        clean("citations")
        .group_by(["record_table", "record_id"])
        .len()
        .filter(pl.col("len") > 1)
        .sort(["record_table", "record_id"])
    )
    table, key, n = many.row(0)
    out = package / "site"
    build_site(package, out)
    article = record_page(out, table, key)
    assert article.count('<figure class="citation">') == 1
    assert f"All {n} citations of this record</a> ({n - 1} more)" in article
    assert f'href="../../tables/citations.html?f.record_table={table}&amp;f.record_id={key}"' in article
    one = clean("citations").group_by(["record_table", "record_id"]).len().filter(pl.col("len") == 1).row(0)
    assert "All 1 citations" not in record_page(out, one[0], one[1])


def test_source_page_names_the_records_of_each_passage(real_site):
    citations = clean("citations")
    source_id = citations["source_id"][0]
    page = (real_site / "sources" / f"{source_id}.html").read_text()
    mine = citations.filter(pl.col("source_id") == source_id)
    for (start, end), group in mine.group_by(["quote_start", "quote_end"], maintain_order=True):
        chips = re.search(rf'<div class="chip-group" id="g-q-{start}-{end}".*?</div>', page, re.DOTALL)[0]
        for table, key in group.select("record_table", "record_id").unique(maintain_order=True).iter_rows():
            frame = clean(table)
            row = frame.filter(pl.col(frame.columns[0]) == key).row(0, named=True)
            label = next((row[c] for c in ("name", "label", "title", "person") if row.get(c)), key)
            assert f'href="../records/{table}/{key}.html" title="' in chips
            assert f">{escape(label)}</a>" in chips  # the name, not a cut id
    assert "…</a>" not in page


def test_every_page_has_a_cite_box_with_version_and_address(real_site):
    version = json.loads((ROOT / "datapackage.json").read_text())["version"]
    for page in real_site.rglob("*.html"):
        text = page.read_text()
        box = re.search(r'<aside class="cite-this".*?</aside>', text, re.DOTALL)
        assert box, page
        assert f"(version {version})" in box[0]
        rel = page.relative_to(real_site).as_posix()
        if rel != "index.html":
            assert f'data-rel="{rel}">{rel}</span>' in box[0]


def _svg_links(page: str) -> list[str]:
    return re.findall(r'<a href="\.\./([^"]+)"', page[page.index("<svg") : page.index("</svg>")])


def test_timeline_has_a_bar_per_dated_record_and_source(real_site):
    page = (real_site / "pictures" / "timeline.html").read_text()
    links = _svg_links(page)
    assert all((real_site / rel).is_file() for rel in links)
    expected = set()
    cit = clean("citations")
    for table, start, end in (("statistics", "period_start", "period_end"), ("events", "start_date", "end_date")):
        frame = clean(table)
        dated = frame.filter(pl.col(start).is_not_null() | pl.col(end).is_not_null())[frame.columns[0]].to_list()
        pairs = cit.filter((pl.col("record_table") == table) & pl.col("record_id").is_in(dated))
        expected |= {(table, r, s) for r, s in pairs.select("record_id", "source_id").iter_rows()}
    bars = [rel for rel in links if rel.startswith("records/")]
    assert len(bars) == len(expected) and expected
    lanes = {rel for rel in links if rel.startswith("sources/")}
    assert lanes == {f"sources/{s}.html" for _, _, s in expected}
    assert f"All {len(expected)} dated records" in page


def test_graph_draws_hierarchies_link_tables_and_links_every_node(real_site):
    page = (real_site / "pictures" / "graph.html").read_text()
    nodes = _svg_links(page)
    assert nodes and all((real_site / rel).is_file() for rel in nodes)
    parks = clean("parks")
    twin = parks.filter(pl.col("twin_park_id").is_not_null()).row(0, named=True)
    name = dict(parks.select("park_id", "name").iter_rows())
    svg = html.unescape(page)
    schema = json.loads((ROOT / "schemas" / "parks.json").read_text())
    title = next(f.get("title") or f["name"] for f in schema["fields"] if f["name"] == "twin_park_id")
    assert f"{name[twin['park_id']]} → {title} → {name[twin['twin_park_id']]}" in svg
    stats = clean("statistics")
    label = dict(stats.select("statistic_id", "label").iter_rows())
    link = clean("statistic_links").row(0, named=True)
    assert f"{label[link['statistic_id']]} → {link['relation']} → {label[link['related_statistic_id']]}" in svg
    rel = clean("relations").filter(pl.col("object_id").is_not_null()).row(0, named=True)
    assert f"→ {rel['relation']} →" in svg
    regions = clean("regions").filter(pl.col("parent_region_id").is_not_null())
    assert f"records/regions/{regions['region_id'][0]}.html" in nodes


def test_pictures_sample_a_large_package_and_say_so(package, monkeypatch):
    from zonedata.render.site import pictures

    monkeypatch.setattr(pictures, "MAX_PER_COLUMN", 2)
    monkeypatch.setattr(pictures, "MAX_LANES", 1)
    out = package / "site"
    build_site(package, out)
    graph = (out / "pictures" / "graph.html").read_text()
    assert "A sample:" in graph and "(the 2 with the most links in each table)" in graph
    assert max(len(re.findall(r"<a href=", col)) for col in graph.split('class="col-head"')[1:]) <= 2 * 10
    timeline = (out / "pictures" / "timeline.html").read_text()
    assert "sources are not drawn (a sample: the 1 sources with the most dated records)" in timeline
    assert len(set(re.findall(r'<a href="\.\./sources/', timeline))) == 1

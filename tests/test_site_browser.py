"""The site in a real browser: headless Debian chromium driven by Playwright (never `playwright install`).

Record page highlight == the citation's quote, and its link lands on the same passage of the source page;
filter and sort a table page; search; no console error on any page; no request but file:// (and, under a
sub-path of a local HTTP server, only that server). Screenshots of a record page and a source page at
desktop and phone widths are saved to tests/artifacts/ (git-ignored; ZONEDATA_ARTIFACTS overrides).
"""

import functools
import http.server
import os
import shutil
import threading
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from zonedata.render.site import build_site
from zonedata.text.normalise import normalise

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ZONEDATA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("ZONEDATA_ARTIFACTS", ROOT / "tests" / "artifacts"))
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def clean(table: str) -> pl.DataFrame:
    return pl.read_csv(ROOT / "data" / "clean" / f"{table}.csv", infer_schema=False)


def source_texts() -> dict[str, str]:
    return {
        r["source_id"]: (ROOT / "seeds" / r["file"]).read_text(encoding="utf-8")
        for r in clean("sources").iter_rows(named=True)
    }


def passage_of(c: dict, texts: dict[str, str]) -> str:
    """The source's own text at a citation's offsets, which the site highlights: the published quote up to
    safe normalisation (curly quotes, dashes, spaces), checked here too."""
    text = texts[c["source_id"]][int(c["quote_start"]) : int(c["quote_end"])]
    assert normalise(text) == normalise(c["quote"])
    return text


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(ROOT, out)
    return out


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install -y chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page that records every request and every console error or uncaught exception."""

    def __init__(self, browser, viewport=DESKTOP):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def goto(self, url: str):
        self.page.goto(url)
        self.page.wait_for_load_state("load")
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()
    assert w.errors == []
    assert [u for u in w.requests if not u.startswith("file://")] == []


def passage_text(page, pid: str) -> str:
    return page.evaluate(
        """(pid) => Array.from(document.querySelectorAll('mark[data-p]'))
        .filter(m => m.getAttribute('data-p').split(' ').includes(pid)).map(m => m.textContent).join('')""",
        pid,
    )


def test_record_highlight_is_the_quote_and_links_to_the_passage(site, watched):
    citations = clean("citations")
    # one cited record from each table, and one with several citations
    picks = citations.group_by("record_table", maintain_order=True).first()
    many = (
        citations.group_by(["record_table", "record_id"])
        .len()
        .filter(pl.col("len") > 1)
        .sort(["record_table", "record_id"])
    )
    picks = pl.concat([picks.select("record_table", "record_id"), many.head(1).select("record_table", "record_id")])
    texts = source_texts()
    for table, record_id in picks.iter_rows():
        mine = citations.filter((pl.col("record_table") == table) & (pl.col("record_id") == record_id))
        page_file = next(
            p for p in sorted((site / "records" / table).glob("*.html")) if f'id="r-{record_id}"' in p.read_text()
        )
        page = watched.goto(page_file.as_uri() + f"#r-{record_id}")
        article = page.locator(f"article#r-{record_id}")
        links = article.locator("a.passage")
        assert links.count() == mine.height
        for k, c in enumerate(mine.iter_rows(named=True)):
            assert links.nth(k).locator("mark").text_content() == passage_of(c, texts)
        c = mine.row(0, named=True)
        pid = f"q-{c['quote_start']}-{c['quote_end']}"
        article.locator("a.passage").first.click()
        page.wait_for_url(f"**/sources/{c['source_id']}.html#{pid}")
        assert passage_text(page, pid) == passage_of(c, texts)
        current = page.evaluate(
            "() => Array.from(document.querySelectorAll('mark.current')).map(m => m.textContent).join('')"
        )
        assert current == passage_of(c, texts)
        assert page.locator(f"#{pid}").is_visible() or page.locator(f"#{pid}").count() == 1
        # and the source page's links after that passage lead back to the record
        assert page.locator(f'sup.refs a[href$="#r-{record_id}"]').count() >= 1


def test_every_passage_on_a_source_page_is_highlighted(site, watched):
    citations = clean("citations")
    texts = source_texts()
    for source_id in clean("sources")["source_id"]:
        page = watched.goto((site / "sources" / f"{source_id}.html").as_uri())
        mine = citations.filter(pl.col("source_id") == source_id)
        for c in mine.unique(["quote_start", "quote_end"]).sort("quote_start").iter_rows(named=True):
            assert passage_text(page, f"q-{c['quote_start']}-{c['quote_end']}") == passage_of(c, texts)


def _shown(page, column: int) -> list[str]:
    return page.eval_on_selector_all(
        f"#records tbody tr td:nth-child({column})", "tds => tds.map(td => td.textContent)"
    )


def test_filter_and_sort_a_table_page(site, watched):
    stats = clean("statistics")
    page = watched.goto((site / "tables" / "statistics.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    header = page.eval_on_selector_all("#records thead th button", "bs => bs.map(b => b.textContent)")
    id_col = header.index("Statistic ID") + 1
    assert _shown(page, id_col) == list(stats["statistic_id"])[:100]
    # filter in one column
    page.select_option("#filter-col", "unit")
    page.fill("#filter", "mu")
    expected = stats.filter(pl.col("unit").str.to_lowercase().str.contains("mu", literal=True))[
        "statistic_id"
    ].to_list()
    page.wait_for_function("n => document.querySelectorAll('#records tbody tr').length === n", arg=len(expected))
    assert _shown(page, id_col) == expected
    assert page.inner_text("#status").startswith(f"Showing 1–{len(expected)} of {len(expected)} matching records")
    # sort all rows by the normalised value, largest first (exact decimals)
    page.fill("#filter", "")
    page.select_option("#filter-col", "")
    norm_col = header.index("Value (normalised)")
    page.locator("#records thead th button").nth(norm_col).click()
    page.locator("#records thead th button").nth(norm_col).click()
    assert page.get_attribute(f"#records thead th:nth-child({norm_col + 1})", "aria-sort") == "descending"
    ranked = stats.with_columns(pl.col("value_normalised").map_elements(Decimal, return_dtype=pl.Object).alias("d"))
    order = sorted(
        ((r["d"], i) for i, r in enumerate(ranked.iter_rows(named=True)) if r["value_normalised"]),
        key=lambda t: (-t[0], t[1]),
    )
    top_id = stats["statistic_id"][order[0][1]]
    page.wait_for_function(
        "([col, id]) => { const td = document.querySelector('#records tbody tr td:nth-child(' + col + ')');"
        " return td !== null && td.textContent === id; }",
        arg=[id_col, top_id],
    )
    assert _shown(page, id_col)[: len(order)] == [stats["statistic_id"][i] for _, i in order][:100]
    # the value column shows the figure as written beside its normalised form, with its qualifier
    first = page.locator("#records tbody tr").first.locator("td").first
    top = stats.row(order[0][1], named=True)
    assert first.locator(".as-written").inner_text() == top["value_text"]
    assert first.locator(".qualifier").inner_text() == top["qualifier"]


def test_table_page_prefilters_from_a_related_link(site, watched):
    stats = clean("statistics")
    subject = stats["subject_id"].mode().sort()[0]
    page = watched.goto((site / "tables" / "statistics.html").as_uri() + f"?col=subject_id&eq={subject}")
    expected = stats.filter(pl.col("subject_id") == subject)["statistic_id"].to_list()
    page.wait_for_function("n => document.querySelectorAll('#records tbody tr').length === n", arg=len(expected))


def test_search(site, watched):
    page = watched.goto((site / "index.html").as_uri())
    page.fill("#site-search", "Qinzhou industrial")
    page.press("#site-search", "Enter")
    page.wait_for_url("**/search.html?q=*")
    page.wait_for_selector("#search-results li")
    found = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.textContent)")
    expected = []
    for csv in sorted((ROOT / "data" / "clean").glob("*.csv")):
        frame = clean(csv.stem)
        names = [c for c in ("name", "label", "title", "person") if c in frame.columns]
        if not names:
            continue
        searched = names + [c for c in ("aliases",) if c in frame.columns]
        label = pl.coalesce([pl.when(pl.col(c) != "").then(pl.col(c)) for c in names] + [pl.col(frame.columns[0])])
        text = pl.concat_str(
            [pl.col(c).fill_null("") for c in searched] + [pl.col(frame.columns[0])], separator=" "
        ).str.to_lowercase()
        expected += (
            frame.filter(text.str.contains("qinzhou", literal=True) & text.str.contains("industrial", literal=True))
            .select(label.alias("label"))["label"]
            .to_list()
        )
    assert sorted(found) == sorted(expected) and expected
    page.locator("#search-results li a").first.click()
    page.wait_for_load_state("load")
    assert "#r-" in page.url


def test_every_page_loads_without_errors_or_network(site, browser):
    w = Watched(browser)
    try:
        pages = sorted(site.rglob("*.html"))
        assert len(pages) > 15
        for p in pages:
            w.goto(p.as_uri())
            w.page.wait_for_timeout(50)
        assert w.errors == []
        assert {u.split(":", 1)[0] for u in w.requests} == {"file"}
        # everything a page asked for exists
        missing = [u for u in w.requests if not Path(u.removeprefix("file://").split("#")[0].split("?")[0]).exists()]
        assert missing == []
    finally:
        w.close()


def test_keyboard_reaches_the_table_controls(site, watched):
    page = watched.goto((site / "tables" / "parks.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => document.activeElement.id || document.activeElement.tagName"))
    assert "filter" in seen and "filter-col" in seen and "BUTTON" in seen
    page.focus("#filter")
    page.keyboard.type("qinzhou")
    parks = clean("parks")
    text = pl.concat_str([pl.col(c).fill_null("") for c in parks.columns], separator=" ").str.to_lowercase()
    expected = parks.filter(text.str.contains("qinzhou", literal=True)).height
    assert expected
    page.wait_for_function("n => document.querySelectorAll('#records tbody tr').length === n", arg=expected)


def test_works_under_a_sub_path_of_a_web_server(site, browser, tmp_path):
    served = tmp_path / "www"
    shutil.copytree(site, served / "zonedata")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/zonedata/"
    w = Watched(browser)
    try:
        page = w.goto(base + "index.html")
        page.click("text=Parks and zones")
        page.wait_for_selector("#records tbody tr")
        assert page.url == base + "tables/parks.html"
        page.locator("#records tbody tr").first.locator("a").first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith(base + "records/parks/0001.html#r-")
        assert w.errors == []
        assert [u for u in w.requests if not u.startswith(base)] == []
    finally:
        w.close()
        server.shutdown()
        server.server_close()


def test_screenshots(site, browser):
    """Artefacts for people to look at: a record page and a source page, desktop and phone widths."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stat = clean("statistics").filter(pl.col("qualifier") == "about").row(0, named=True)
    record = next(
        p
        for p in sorted((site / "records" / "statistics").glob("*.html"))
        if f'id="r-{stat["statistic_id"]}"' in p.read_text()
    )
    cite = clean("citations").filter(pl.col("record_id") == stat["statistic_id"]).row(0, named=True)
    targets = {
        "record": record.as_uri() + f"#r-{stat['statistic_id']}",
        "source": (site / "sources" / f"{cite['source_id']}.html").as_uri()
        + f"#q-{cite['quote_start']}-{cite['quote_end']}",
    }
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for name, url in targets.items():
            w = Watched(browser, viewport)
            try:
                w.goto(url)
                w.page.wait_for_timeout(200)
                path = ARTIFACTS / f"{name}-{width}.png"
                w.page.screenshot(path=str(path))
                assert path.stat().st_size > 10_000
                assert w.errors == []
                # readable on a phone: nothing wider than the screen but the scrolling tables
                overflow = w.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (name, width, overflow)
            finally:
                w.close()


def test_field_descriptions_come_from_the_dictionary(site, watched):
    import json

    schema = json.loads((ROOT / "schemas" / "statistics.json").read_text())
    page = watched.goto((site / "records" / "statistics" / "0001.html").as_uri())
    first = page.locator("article.record").first
    first.locator("dl.fields dt a").nth(5).click()
    assert first.locator("dd.fdesc").inner_text().startswith(schema["fields"][5]["description"])
    page.click("button.show-descriptions")
    assert first.locator("dd.fdesc").count() == len(schema["fields"])

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
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        """Another tab of the same context, watched alike."""
        page = self.context.new_page()
        page.on("request", lambda r: self.requests.append(r.url))
        page.on(
            "console",
            lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
        )
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        return page

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
        page = watched.goto((site / "records" / table / f"{record_id}.html").as_uri())
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
        # and the records named beside that passage lead back to the record
        assert page.locator(f'#g-{pid} a.chip[href$="/{table}/{record_id}.html"]').count() == 1


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


def _header(page) -> list[str]:
    return page.eval_on_selector_all("#records thead th button.sort", "bs => bs.map(b => b.textContent)")


def _facet(page, title: str):
    return page.locator("fieldset.facet", has=page.locator(f"legend:text-is('{title}')"))


def _facet_value(page, title: str, value: str):
    """The list item of one facet value (its label's text, before the count, is exactly the value)."""
    return page.locator(
        f"xpath=//fieldset[@class='facet'][legend[normalize-space()='{title}']]"
        f"//li[label[normalize-space(text()[1])='{value}']]"
    )


def _rows(page, n: int) -> None:
    page.wait_for_function("n => document.querySelectorAll('#records tbody tr').length === n", arg=n)


def test_filter_choose_columns_and_sort_a_table_page(site, watched):
    stats = clean("statistics")
    page = watched.goto((site / "tables" / "statistics.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    # it opens on the columns a reader needs first, the id column first
    assert _header(page)[:4] == ["Statistic ID", "Label", "Value as written", "Value normalised"]
    assert {"Subject ID", "Period", "Source"} <= set(_header(page))
    assert _shown(page, 1) == list(stats["statistic_id"])[:100]
    # choose a column: it appears, and the URL remembers it
    page.click("details.columns-chooser > summary")
    page.check("#columns label:text-is('Unit') >> xpath=preceding-sibling::input")
    page.wait_for_function("() => document.querySelector('#records thead button[data-col=unit]') !== null")
    assert "cols=" in page.url and "unit" in page.url.split("cols=")[1]
    # filter in that column
    page.fill("#records thead input[data-col=unit]", "mu")
    expected = stats.filter(pl.col("unit").str.to_lowercase().str.contains("mu", literal=True))["statistic_id"]
    _rows(page, len(expected))
    assert _shown(page, 1) == expected.to_list()
    assert page.inner_text("#status").startswith(f"Showing 1–{len(expected)} of {len(expected)} matching records")
    assert "q.unit=mu" in page.url
    # sort all rows by the normalised value, largest first (exact decimals)
    page.fill("#records thead input[data-col=unit]", "")
    _rows(page, stats.height)
    norm = page.locator("#records thead button[data-col='~value.normalised']")
    norm.click()
    norm.click()
    assert "sort=-%7Evalue.normalised" in page.url or "sort=-~value.normalised" in page.url
    col = _header(page).index("Value normalised") + 1
    assert page.get_attribute(f"#records thead tr:first-child th:nth-child({col})", "aria-sort") == "descending"
    ranked = stats.with_columns(pl.col("value_normalised").map_elements(Decimal, return_dtype=pl.Object).alias("d"))
    order = sorted(
        ((r["d"], i) for i, r in enumerate(ranked.iter_rows(named=True)) if r["value_normalised"]),
        key=lambda t: (-t[0], t[1]),
    )
    top_id = stats["statistic_id"][order[0][1]]
    page.wait_for_function(
        "id => { const td = document.querySelector('#records tbody tr td'); return td && td.textContent === id; }",
        arg=top_id,
    )
    assert _shown(page, 1)[: len(order)] == [stats["statistic_id"][i] for _, i in order][:100]
    # the value as written with its qualifier, beside the normalised value and its unit
    written = _header(page).index("Value as written") + 1
    cell = page.locator(f"#records tbody tr:first-child td:nth-child({written})")
    top = stats.row(order[0][1], named=True)
    assert cell.locator(".as-written").inner_text() == top["value_text"]
    assert cell.locator(".qualifier").inner_text() == top["qualifier"]
    # the id column stays in view when the table scrolls sideways
    frame = page.locator(".table-frame")
    frame.evaluate("f => { f.scrollLeft = 400; }")
    first = page.locator("#records tbody tr:first-child td:first-child")
    assert abs(first.bounding_box()["x"] - frame.bounding_box()["x"]) < 3
    # long text is cut to one line, and shown whole on demand
    label = page.locator("#records tbody tr:first-child td:nth-child(2)")
    height = label.bounding_box()["height"]
    label.locator("button.expand").click()
    assert label.get_attribute("class").split().count("open") == 1
    assert label.bounding_box()["height"] > height * 1.5


def test_facets_filter_and_the_back_button_restores_the_view(site, watched):
    stats = clean("statistics")
    page = watched.goto((site / "tables" / "statistics.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    start_url = page.url
    about = stats.filter(pl.col("qualifier") == "about")
    about_item = _facet_value(page, "Qualifier", "about")
    assert about_item.locator(".count").inner_text().strip() == str(about.height)
    about_item.locator("input").check()
    _rows(page, about.height)
    assert _shown(page, 1) == about["statistic_id"].to_list()
    assert "f.qualifier=about" in page.url
    # the other facets count the records in view
    basis = _facet(page, "Basis")
    counts = {
        li.locator("label").inner_text().rsplit(" ", 1)[0].strip(): int(li.locator(".count").inner_text())
        for li in basis.locator("li").all()
    }
    assert counts == dict(about.group_by("basis").len().iter_rows())
    # a second facet narrows further; back undoes it, back again shows everything, forward brings it back
    kind = about["quantity_kind"][0]
    _facet_value(page, "Quantity kind", kind).locator("input").check()
    both = about.filter(pl.col("quantity_kind") == kind)
    _rows(page, both.height)
    page.go_back()
    _rows(page, about.height)
    page.go_back()
    _rows(page, min(100, stats.height))
    assert page.url == start_url
    page.go_forward()
    _rows(page, about.height)
    # the URL is the view: open it anew
    url = page.url
    other = watched.goto(url)
    _rows(other, about.height)


def _ids(page) -> list[str]:
    """The records in view, by the address of their pages (a long id is cut short on screen)."""
    hrefs = page.eval_on_selector_all("#records tbody tr td:first-child a", "as => as.map(a => a.getAttribute('href'))")
    return [h.rsplit("/", 1)[-1].removesuffix(".html") for h in hrefs]


def test_the_source_facet_filters_a_table_by_its_citations(site, watched):
    """Issue 22's source facet on an entity table: a park counts under every source that cites it, choosing
    a source shows exactly the parks it cites, the other facets count those, and the URL keeps the choice."""
    parks = clean("parks")
    cited = clean("citations").filter(pl.col("record_table") == "parks").unique(["record_id", "source_id"])
    counts = cited.group_by("source_id").len().sort(["len", "source_id"], descending=[True, False])
    source = next(s for s, n in counts.iter_rows() if n < parks.height)  # a source that narrows the table
    mine = parks.join(
        cited.filter(pl.col("source_id") == source).select(pl.col("record_id").alias("park_id")),
        on="park_id",
        how="semi",
    )
    page = watched.goto((site / "tables" / "parks.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    facet = _facet(page, "Source")
    shown = {
        li.locator("label").get_attribute("title"): int(li.locator(".count").inner_text())
        for li in facet.locator("li").all()
    }
    assert shown == dict(counts.iter_rows())
    assert sum(shown.values()) > cited["record_id"].n_unique()  # a park cited by two sources counts under both
    facet.locator(f"li:has(label[title='{source}']) input").check()
    _rows(page, min(100, mine.height))
    assert _ids(page) == mine["park_id"].to_list()[:100]
    assert f"f.%7Esources={source}" in page.url or f"f.~sources={source}" in page.url
    kinds = {
        li.locator("label").inner_text().rsplit(" ", 1)[0].strip(): int(li.locator(".count").inner_text())
        for li in _facet(page, "Kind").locator("li").all()
    }
    top = mine.group_by("kind").len().sort(["len", "kind"], descending=[True, False]).head(6)
    assert kinds == dict(top.iter_rows())
    # the shared URL with a second facet opens the same intersection
    kind = mine["kind"][0]
    other = watched.goto(page.url + f"&f.kind={kind}")
    both = mine.filter(pl.col("kind") == kind)
    _rows(other, min(100, both.height))
    assert _ids(other) == both["park_id"].to_list()[:100]


def test_a_facet_with_more_values_than_listed_says_so(site, watched):
    """A facet lists its FACET_VALUES most frequent values; its button does not promise all of them."""
    from zonedata.render.site.tableview import FACET_VALUES

    cited = clean("citations")["record_id"].n_unique()
    assert cited > FACET_VALUES  # the citations' record_id facet has more values than a page lists
    page = watched.goto((site / "tables" / "citations.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    facet = _facet(page, "Record ID")
    button = facet.locator("button.facet-more")
    assert button.inner_text() == f"The {FACET_VALUES} most frequent of {cited} values"
    button.click()
    assert facet.locator("li").count() == FACET_VALUES
    # a few-valued facet still offers all of its values
    tables = clean("citations")["record_table"].n_unique()
    assert _facet(page, "Record table").locator("button.facet-more").inner_text() == f"All {tables} values"


def test_a_shared_url_opens_the_same_view(site, watched):
    stats = clean("statistics")
    url = (
        site / "tables" / "statistics.html"
    ).as_uri() + "?f.qualifier=exact&sort=-value_text&cols=statistic_id,value_text"
    page = watched.goto(url)
    exact = stats.filter(pl.col("qualifier") == "exact").sort(["value_text", "statistic_id"], descending=[True, False])
    _rows(page, min(100, exact.height))
    assert len(_header(page)) == 2 and _header(page)[0] == "Statistic ID"
    shown = _shown(page, 2)
    assert shown == sorted(exact["value_text"].to_list(), reverse=True)[:100]


def test_downloads_of_the_rows_in_view_and_of_the_whole_table(site, watched):
    import json

    stats = clean("statistics")
    page = watched.goto((site / "tables" / "statistics.html").as_uri() + "?f.qualifier=about")
    about = stats.filter(pl.col("qualifier") == "about")
    _rows(page, about.height)
    with page.expect_download() as info:
        page.click("#download-csv")
    path = info.value.path()
    assert info.value.suggested_filename == "statistics-view.csv"
    got = pl.read_csv(path, infer_schema=False)
    assert got.columns == stats.columns
    assert got.fill_null("").to_dicts() == about.fill_null("").to_dicts()
    with page.expect_download() as info:
        page.focus("#download-json")
        page.keyboard.press("Enter")  # by keyboard too
    rows = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert [r["statistic_id"] for r in rows] == about["statistic_id"].to_list()
    assert rows[0]["value_text"] == about["value_text"][0] and rows[0]["qualifier"] == "about"
    # the whole table: the published files, copied into the site
    for fmt in ("csv", "parquet"):
        link = page.locator(f'.downloads-box a[href$="statistics.{fmt}"]')
        href = link.get_attribute("href")
        assert link.get_attribute("download") is not None
        assert (site / "tables" / href).resolve().read_bytes() == (
            ROOT / "data" / "clean" / f"statistics.{fmt}"
        ).read_bytes()


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
    assert "/records/" in page.url and page.url.endswith(".html")


#: pages open at once in test_every_page_loads_without_errors_or_network
TABS = 8


def test_every_page_loads_without_errors_or_network(site, browser):
    """Each page loads, then stays open at least 50 ms for what its scripts do after the load event. The pages
    are opened TABS at a time, one tab each, and a batch's 50 ms run after its last page has loaded."""
    w = Watched(browser)
    try:
        pages = sorted(site.rglob("*.html"))
        assert len(pages) > 15
        tabs = [w.page] + [w.new_page() for _ in range(TABS - 1)]
        for start in range(0, len(pages), TABS):
            for tab, p in zip(tabs, pages[start : start + TABS]):
                tab.goto(p.as_uri())
                tab.wait_for_load_state("load")
            w.page.wait_for_timeout(50)
        assert w.errors == []
        assert {u.split(":", 1)[0] for u in w.requests} == {"file"}
        # everything a page asked for exists
        missing = [u for u in w.requests if not Path(u.removeprefix("file://").split("#")[0].split("?")[0]).exists()]
        assert missing == []
    finally:
        w.close()


def test_keyboard_reaches_and_uses_facets_filters_and_downloads(site, watched):
    page = watched.goto((site / "tables" / "parks.html").as_uri())
    page.wait_for_selector("#records tbody tr")
    seen = []
    for _ in range(300):
        page.keyboard.press("Tab")
        seen.append(
            page.evaluate(
                "() => document.activeElement.id || document.activeElement.getAttribute('data-col') || document.activeElement.tagName"
            )
        )
    assert "filter" in seen and "download-csv" in seen and "download-json" in seen and "clear-filters" in seen
    assert any(x.startswith("facet-") for x in seen) and "name" in seen  # a facet value and a column's filter
    # a facet value chosen with the keyboard
    parks = clean("parks")
    kind = parks["kind"].value_counts().sort(["count", "kind"], descending=[True, False])["kind"][0]
    box = _facet_value(page, "Kind", kind).locator("input")
    box.focus()
    page.keyboard.press("Space")
    _rows(page, parks.filter(pl.col("kind") == kind).height)
    assert page.evaluate("() => document.activeElement.type") == "checkbox"  # focus stays on the facet
    page.focus("#clear-filters")
    page.keyboard.press("Enter")
    _rows(page, parks.height)
    # the filter typed in
    page.focus("#filter")
    page.keyboard.type("qinzhou")
    text = pl.concat_str([pl.col(c).fill_null("") for c in parks.columns], separator=" ").str.to_lowercase()
    expected = parks.filter(text.str.contains("qinzhou", literal=True)).height
    assert expected
    _rows(page, expected)


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
        assert page.url.startswith(base + "records/parks/") and page.url.endswith(".html")
        assert w.errors == []
        assert [u for u in w.requests if not u.startswith(base)] == []
    finally:
        w.close()
        server.shutdown()
        server.server_close()


def page_kinds(site: Path) -> dict[str, str]:
    """One page of each kind, as a URL."""
    stat = clean("statistics").filter(pl.col("qualifier") == "about").row(0, named=True)
    cite = clean("citations").filter(pl.col("record_id") == stat["statistic_id"]).row(0, named=True)
    changes = sorted((site / "changes").glob("*.html"))
    return {
        "home": (site / "index.html").as_uri(),
        "table": (site / "tables" / "statistics.html").as_uri(),
        "record": (site / "records" / "statistics" / f"{stat['statistic_id']}.html").as_uri(),
        "source": (site / "sources" / f"{cite['source_id']}.html").as_uri()
        + f"#q-{cite['quote_start']}-{cite['quote_end']}",
        "changes": next(p for p in changes if p.name != "index.html").as_uri(),
        "timeline": (site / "pictures" / "timeline.html").as_uri(),
        "graph": (site / "pictures" / "graph.html").as_uri(),
        "search": (site / "search.html").as_uri() + "?q=qinzhou",
    }


def test_screenshots_and_no_page_wider_than_its_viewport(site, browser):
    """Artefacts for people to look at: each kind of page at desktop and phone widths; and on each, nothing is
    wider than the screen but the frames that scroll (tables and pictures)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for name, url in page_kinds(site).items():
            w = Watched(browser, viewport)
            try:
                w.goto(url)
                w.page.wait_for_timeout(200)
                path = ARTIFACTS / f"{name}-{width}.png"
                w.page.screenshot(path=str(path))
                assert path.stat().st_size > 10_000
                assert w.errors == []
                overflow = w.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, (name, width, overflow)
                # and no element but a scrolling frame's contents reaches past the right edge
                wide = w.page.evaluate(
                    """() => Array.from(document.querySelectorAll('body *')).filter(e => {
                        if (e.closest('.scroll')) return false;
                        const r = e.getBoundingClientRect();
                        return r.width > 0 && r.right > window.innerWidth + 1;
                    }).map(e => e.tagName + '.' + e.className)"""
                )
                assert wide == [], (name, width, wide)
            finally:
                w.close()


AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def test_accessibility_audit_with_axe(site, browser):
    """axe-core (pinned in tests/axe/package.json, installed by .ci/run): no serious or critical violation on
    the home, a table, a record, a source and a changes page, nor on the pictures."""
    if not AXE.is_file():
        pytest.fail(f"no axe-core at {AXE}: npm ci --prefix tests/axe (.ci/run installs it)")
    script = AXE.read_text(encoding="utf-8")
    kinds = page_kinds(site)
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        for name in ("home", "table", "record", "source", "changes", "timeline", "graph"):
            w = Watched(browser, viewport)
            try:
                page = w.goto(kinds[name])
                if name == "table":
                    page.wait_for_selector("#records tbody tr")
                page.add_script_tag(content=script)
                result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                bad = [
                    (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                    for v in result["violations"]
                    if v["impact"] in ("serious", "critical")
                ]
                assert bad == [], (name, width, bad)
                if name == "home" and width == "desktop":  # the audit can fail: a button without a name is critical
                    page.evaluate("() => document.body.appendChild(document.createElement('button'))")
                    again = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
                    assert any(v["id"] == "button-name" and v["impact"] == "critical" for v in again["violations"])
            finally:
                w.close()


def test_timeline_and_graph_link_to_their_records(site, watched):
    page = watched.goto((site / "pictures" / "timeline.html").as_uri())
    bar = page.locator("svg.timeline a[href*='records/']").first
    href = bar.get_attribute("href")
    bar.locator("rect").click()
    page.wait_for_load_state("load")
    assert page.url == (site / "pictures" / href).resolve().as_uri()
    assert page.locator("article.record").count() == 1
    page = watched.goto((site / "pictures" / "graph.html").as_uri())
    node = page.locator("svg.graph a").first
    href = node.get_attribute("href")
    node.locator("rect").click()
    page.wait_for_load_state("load")
    assert page.url == (site / "pictures" / href).resolve().as_uri()
    # readable on a phone: the picture scrolls inside its frame, the page does not
    phone = watched.context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto((site / "pictures" / "graph.html").as_uri())
    frame = phone.locator(".picture-frame")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.close()


def test_field_descriptions_come_from_the_dictionary(site, watched):
    import json

    schema = json.loads((ROOT / "schemas" / "statistics.json").read_text())
    first_id = clean("statistics")["statistic_id"][0]
    page = watched.goto((site / "records" / "statistics" / f"{first_id}.html").as_uri())
    first = page.locator("article.record").first
    first.locator("dl.fields dt a").nth(5).click()
    assert first.locator("dd.fdesc").inner_text().startswith(schema["fields"][5]["description"])
    page.click("button.show-descriptions")
    assert first.locator("dd.fdesc").count() == len(schema["fields"])


def test_hostile_url_parameters_are_ignored_or_read_as_text(site, watched):
    """A shared URL is input: unknown columns, prototype names and markup change nothing but the filter."""
    stats = clean("statistics")
    url = (site / "tables" / "statistics.html").as_uri()
    page = watched.goto(url + "?f.__proto__=x&q.constructor=y&sort=__proto__&cols=__proto__,nope&page=-3&f.nope=1")
    _rows(page, min(100, stats.height))
    assert _header(page)[0] == "Statistic ID"
    page = watched.goto(url + "?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('No records')")
    assert page.locator("#records img").count() == 0 and page.input_value("#filter").startswith("<img")
    # a value that is a prototype name counts like any other in the facets computed in the page
    page = watched.goto(url + "?f.qualifier=constructor")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('No records')")

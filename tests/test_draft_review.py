"""`zonedata draft SOURCE --review PAGE.html`: one self-contained page with the source text, every
drafted candidate highlighted where it stands (its offsets), coloured by kind, beside its row, and
what is already recorded shown apart. The text is the invented announcement of test_draft_apply."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from zonedata.cli import cli
from zonedata.curate.draft import draft
from zonedata.render.review import HEAD, review_page

HERE = Path(__file__).parent
TEXT = HERE / "fixtures" / "draft" / "nanning.txt"
ADD = ["--title", "Sample Nanning Digital Park signs 18 projects", "--publisher", "Invented"]
ADD += ["--date", "2025-05-20", "--url", "https://example.org/nanning", "--external", "url"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def added(root: Path, text: Path = TEXT) -> str:
    result = run("add-source", text, *ADD, "--root", root)
    assert result.exit_code == 0, result.output
    return re.search(r"as source ([0-9]{3})", result.output).group(1)


class Page(HTMLParser):
    """The page read back: the text of #text, each mark's (start, end, ids, class), each card's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside #text
        self.text: list[str] = []
        self.marks: list[dict] = []
        self.cards: dict[str, dict] = {}
        self.tags: list[str] = []
        self.open_mark: dict | None = None
        self.scripts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "script":
            self.in_script = True
        if self.depth:
            self.depth += 1
            if tag == "mark":
                self.open_mark = {**a, "words": ""}
                self.marks.append(self.open_mark)
        elif a.get("id") == "text":
            self.depth = 1
        if "card" in (a.get("class") or "").split():
            self.cards[a["id"]] = a

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if self.depth:
            self.depth -= 1
            if tag == "mark":
                self.open_mark = None

    def handle_data(self, data):
        if self.in_script:
            self.scripts.append(data)
        if self.depth:
            self.text.append(data)
            if self.open_mark is not None:
                self.open_mark["words"] += data


def read(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def test_every_candidate_is_highlighted_at_its_offsets_beside_its_row(corpus_package):
    sid = added(corpus_package)
    d = draft(corpus_package, sid)
    text = (corpus_package / "seeds").glob(f"{sid}_*.txt").__next__().read_text(encoding="utf-8")
    page = read(review_page(corpus_package, sid))
    assert "".join(page.text) == text  # the whole text, exactly, in order
    kinds = {m.kind for m in d.marks}
    assert {"figure", "period", "basis", "attribution", "link", "name"} <= kinds, kinds
    for n, m in enumerate(d.marks):
        card = page.cards[f"d{n}"]
        assert (int(card["data-start"]), int(card["data-end"])) == (m.start, m.end)
        # the marks carrying this candidate join up to exactly its words, without a gap
        spans = sorted(
            (int(k["data-start"]), int(k["data-end"]), k["words"]) for k in page.marks if f"d{n}" in k["data-c"].split()
        )
        assert spans[0][0] == m.start and spans[-1][1] == m.end, (m, spans)
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:])), spans
        assert "".join(w for _, _, w in spans) == text[m.start : m.end]
    # coloured by kind: a figure, its period words, a park's name
    figure = next(
        n for n, m in enumerate(d.marks) if m.kind == "figure" and text[m.start : m.end] == "4.6 billion yuan"
    )
    assert page.cards[f"d{figure}"]["data-kind"] == "figure"
    park = next(n for n, m in enumerate(d.marks) if text[m.start : m.end] == "Sample Nanning Digital Park")
    assert page.cards[f"d{park}"]["data-kind"] == "name-parks"
    assert "FILL" in review_page(corpus_package, sid)  # the cells left to decide are shown


def test_recorded_words_are_shown_apart_and_nothing_is_fetched(corpus_package):
    sid = added(corpus_package)
    result = run("draft", sid, "--apply", "--root", corpus_package)
    assert result.exit_code == 0, result.output
    html = review_page(corpus_package, sid)
    page = read(html)
    # after --apply, nothing is new but the candidate exclusions (--apply leaves them to the curator)
    kinds = {c["data-kind"] for c in page.cards.values()}
    assert "recorded" in kinds and kinds <= {"recorded", "exclusion"}, kinds
    assert any("recorded: statistics/stat-" in c for c in html.split('class="card')), "a recorded figure's card"
    assert html.startswith(HEAD)
    # self-contained: no address to load, no external style or script
    assert not re.search(r"""\b(?:src|href)\s*=|@import|url\(""", html), "the page loads nothing"
    assert page.tags.count("style") == 1 and page.tags.count("html") == 1


def test_hostile_text_is_escaped(corpus_package, tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        'The <script>alert("x")</script> Sample <b>Bold</b> Industrial Park & "Co" signed 12 projects '
        "worth 3.5 billion yuan in 2024.</textarea><!-- -->\n",
        encoding="utf-8",
    )
    sid = added(corpus_package, hostile)
    html = review_page(corpus_package, sid)
    assert "<script>alert" not in html and "<b>Bold" not in html and "</textarea>" not in html
    page = read(html)
    assert "".join(page.text) == hostile.read_text(encoding="utf-8")
    assert all("alert" not in s for s in page.scripts)


def test_the_page_is_byte_identical_and_goes_where_a_draft_may(corpus_package):
    sid = added(corpus_package)
    first = run("draft", sid, "--review", corpus_package / "review.html", "--root", corpus_package)
    assert first.exit_code == 0 and "wrote review page review.html" in first.output, first.output
    body = (corpus_package / "review.html").read_bytes()
    again = run("draft", sid, "--review", corpus_package / "review.html", "--root", corpus_package)
    assert again.exit_code == 0 and (corpus_package / "review.html").read_bytes() == body
    for bad in (corpus_package / "data" / "raw" / "review.html", corpus_package.parent / "outside.html"):
        refused = run("draft", sid, "--review", bad, "--root", corpus_package)
        assert refused.exit_code == 2 and "--review" in refused.output, refused.output
        assert not bad.exists()
    (corpus_package / "notes.html").write_text("mine", encoding="utf-8")
    refused = run("draft", sid, "--review", corpus_package / "notes.html", "--root", corpus_package)
    assert refused.exit_code == 2 and (corpus_package / "notes.html").read_text(encoding="utf-8") == "mine"
    # with --apply, the page shows the draft it applies: the rows drafted, before their ids
    both = run("draft", sid, "--review", corpus_package / "review.html", "--apply", "--root", corpus_package)
    assert both.exit_code == 0 and (corpus_package / "review.html").read_bytes() == body, both.output
    assert "wrote" in both.output and "row(s)" in both.output

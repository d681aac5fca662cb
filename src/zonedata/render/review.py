"""The review page of a draft: one self-contained HTML page with the source text, every candidate
highlighted where it stands, coloured by kind, and its proposed row beside it.

What is already recorded (a number a record holds or an exclusion covers, a name a record carries)
is shown apart from what is newly drafted: recorded words are underlined in grey, drafted ones
filled in their kind's colour, and the side column lists the drafted rows first, then what was
recorded. The page needs no network (its CSS and its few lines of JS are inline), escapes every
text it shows, and is byte-identical for the same package and source.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

from zonedata.checks.coverage import coverage
from zonedata.checks.markers import FILL, GUESS
from zonedata.curate.draft.candidates import Draft, _load, _recorded_occurrences, draft
from zonedata.curate.draft.files import write_draft
from zonedata.text.normalise import SourceText

#: the first bytes of every review page: an earlier page is recognised by them and may be replaced
HEAD = "<!DOCTYPE html>\n<!-- zonedata draft review -->\n"

#: kind -> (label in the legend, colour)
KINDS = {
    "figure": ("figure", "#ffd54f"),
    "period": ("period words", "#81d4fa"),
    "basis": ("basis words", "#ce93d8"),
    "attribution": ("attribution words", "#a5d6a7"),
    "link": ("link (growth rate of a figure)", "#ffab91"),
    "exclusion": ("candidate exclusion", "#e0e0e0"),
    "name-parks": ("name: park", "#f48fb1"),
    "name-projects": ("name: project", "#b39ddb"),
    "name-events": ("name: event", "#80cbc4"),
    "name-organisations": ("name: organisation", "#c5e1a5"),
    "name-regions": ("name: region", "#ffcc80"),
    "name": ("name: other table", "#bcaaa4"),
    "recorded": ("already recorded", "transparent"),
}


@dataclass(frozen=True)
class Item:
    """One highlighted candidate: its words [start, end), its kind, its card's id and what the card says."""

    start: int
    end: int
    kind: str
    cid: str
    title: str  # one line: the row's id and value, for the tooltip
    fields: tuple[tuple[str, str], ...]  # the row's non-empty cells, in column order
    drafted: bool


def _kind(mark_kind: str, dest: str) -> str:
    if mark_kind != "name":
        return mark_kind
    table = Path(dest).stem
    return f"name-{table}" if f"name-{table}" in KINDS else "name"


def _is_marker(value: str) -> bool:
    return value == FILL or value.startswith((FILL + ":", GUESS))


def items(root: Path | str, source_id: str) -> tuple[str, Draft, list[Item]]:
    """The source's stored text, its draft and every highlight: the drafted candidates (by their
    marks) and what is already recorded or excluded (from coverage and the recorded names)."""
    root = Path(root)
    ds = _load(root)
    d = draft(root, source_id, ds=ds)
    text = ds.texts[source_id]
    out: list[Item] = []
    for n, m in enumerate(d.marks):
        row = d.rows[m.dest][m.index]
        fields = tuple((k, v) for k, v in row.items() if v)
        head = next(iter(row.values()), "")
        what = row.get("value_text") or row.get("name") or row.get("phrase") or row.get("relation") or ""
        out.append(
            Item(
                m.start,
                m.end,
                _kind(m.kind, m.dest),
                f"d{n}",
                f"{m.kind} → {m.dest}: {head} {what}".strip(),
                fields,
                True,
            )
        )
    cov = coverage(root, ds)
    done = cov.mentions.filter(
        (cov.mentions["source_id"] == source_id) & (cov.mentions["status"] != "unaccounted")
    ).sort("start", "end")
    seen: set[tuple[int, int]] = set()
    n = 0
    for r in done.iter_rows(named=True):
        label = r["record"] if r["status"] == "recorded" else f"excluded: {r['reason'] or ''}"
        out.append(
            Item(
                r["start"],
                r["end"],
                "recorded",
                f"r{n}",
                f"{r['status']}: {label}",
                (("words", r["text"]), (r["status"], label or "")),
                False,
            )
        )
        seen.add((r["start"], r["end"]))
        n += 1
    for a, b, table, rid in sorted(_recorded_occurrences(ds, SourceText(text))):
        if (a, b) in seen:
            continue
        seen.add((a, b))
        out.append(
            Item(
                a,
                b,
                "recorded",
                f"r{n}",
                f"recorded: {table}/{rid}",
                (("words", text[a:b]), ("recorded", f"{table}/{rid}")),
                False,
            )
        )
        n += 1
    return text, d, out


def _segments(text: str, found: list[Item]) -> list[tuple[int, int, list[Item]]]:
    """The text cut at every highlight's edges: (start, end, the highlights covering it, innermost first)."""
    cuts = sorted({0, len(text), *(i.start for i in found), *(i.end for i in found)})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        if a == b:
            continue
        covering = [i for i in found if i.start <= a and b <= i.end]
        # the drafted highlight before the recorded one; the innermost (shortest) first
        covering.sort(key=lambda i: (not i.drafted, i.end - i.start, i.cid))
        out.append((a, b, covering))
    return out


_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#212121;background:#fafafa}
header{padding:.8em 1.2em;background:#263238;color:#fff}
header h1{font-size:1.15em;margin:0 0 .3em}
.legend span{display:inline-block;margin:.15em .5em .15em 0;padding:0 .4em;border-radius:3px;color:#212121}
main{display:flex;gap:1.2em;padding:1em 1.2em;align-items:flex-start}
#text{flex:3;white-space:pre-wrap;background:#fff;padding:1em;border:1px solid #ddd;border-radius:4px}
aside{flex:2;max-height:90vh;overflow:auto;position:sticky;top:0}
mark{color:inherit;border-radius:2px;cursor:pointer;padding:0 1px}
mark.recorded{background:transparent;border-bottom:2px dashed #757575}
mark.on,.card.on{outline:3px solid #d32f2f}
.card{background:#fff;border:1px solid #ddd;border-left:6px solid #999;border-radius:4px;margin:.4em 0;padding:.3em .6em}
.card h3{font-size:.9em;margin:0}
.card table{font-size:.82em;border-collapse:collapse}
.card td{padding:0 .5em 0 0;vertical-align:top}
.card td.k{color:#616161}
.fill{background:#ffebee;color:#b71c1c;font-weight:600}
h2{font-size:1em;margin:.8em 0 .2em}
"""

_JS = """
(function(){
  function on(ids, state){
    ids.split(' ').forEach(function(id){
      document.querySelectorAll('[data-c~="'+id+'"]').forEach(function(e){e.classList.toggle('on', state);});
      var c=document.getElementById(id); if(c){c.classList.toggle('on', state);}
    });
  }
  document.querySelectorAll('mark[data-c], .card').forEach(function(e){
    var ids=e.getAttribute('data-c')||e.id;
    e.addEventListener('mouseenter',function(){on(ids,true);});
    e.addEventListener('mouseleave',function(){on(ids,false);});
    e.addEventListener('focus',function(){on(ids,true);
      var c=document.getElementById(ids.split(' ')[0]); if(c&&e.tagName==='MARK'){c.scrollIntoView({block:'nearest'});}});
    e.addEventListener('blur',function(){on(ids,false);});
  });
})();
"""


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def _card(item: Item) -> str:
    colour = KINDS.get(item.kind, KINDS["name"])[1]
    border = "#757575" if item.kind == "recorded" else colour
    rows = "".join(
        f'<tr><td class="k">{_esc(k)}</td><td{" class=fill" if _is_marker(v) else ""}>{_esc(v)}</td></tr>'
        for k, v in item.fields
    )
    return (
        f'<div class="card k-{item.kind}" id="{item.cid}" tabindex="0" data-start="{item.start}" '
        f'data-end="{item.end}" data-kind="{item.kind}" style="border-left-color:{border}">'
        f"<h3>{_esc(KINDS.get(item.kind, KINDS['name'])[0])}: {_esc(item.title)}</h3><table>{rows}</table></div>"
    )


def review_page(root: Path | str, source_id: str) -> str:
    """The review page of the draft of `source_id`, as HTML text."""
    text, d, found = items(root, source_id)
    drafted = [i for i in found if i.drafted]
    recorded = [i for i in found if not i.drafted]
    body = []
    for a, b, covering in _segments(text, found):
        words = _esc(text[a:b])
        if not covering:
            body.append(words)
            continue
        top = covering[0]
        ids = " ".join(i.cid for i in covering)
        title = _esc("\n".join(i.title for i in covering))
        style = "" if top.kind == "recorded" else f' style="background:{KINDS.get(top.kind, KINDS["name"])[1]}"'
        body.append(
            f'<mark class="{top.kind if top.kind == "recorded" else "k-" + top.kind}" data-c="{ids}" '
            f'data-start="{a}" data-end="{b}" tabindex="0" title="{title}"{style}>{words}</mark>'
        )
    legend = "".join(
        f'<span style="background:{colour}{";border-bottom:2px dashed #757575" if kind == "recorded" else ""}">'
        f"{_esc(label)}</span>"
        for kind, (label, colour) in KINDS.items()
    )
    counts: dict[str, int] = {}
    for i in drafted:
        counts[i.kind] = counts.get(i.kind, 0) + 1
    summary = ", ".join(f"{n} {KINDS[k][0]}" for k, n in sorted(counts.items())) or "nothing new"
    title = f"zonedata draft review: source {source_id}"
    return (
        HEAD
        + '<html lang="en"><head><meta charset="utf-8">'
        + '<meta name="viewport" content="width=device-width,initial-scale=1">'
        + f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>"
        + f"<header><h1>{_esc(title)} ({_esc(d.file)})</h1>"
        + f"<div>drafted: {_esc(summary)}; already recorded or excluded: {len(recorded)}; "
        + f"cells left to decide: {d.left_to_fill()}</div>"
        + "".join(f"<div>{_esc(note)}</div>" for note in d.notes)
        + f'<div class="legend">{legend}</div></header>'
        + f'<main><div id="text">{"".join(body)}</div><aside>'
        + f'<h2>Drafted ({len(drafted)})</h2><div id="drafted">{"".join(_card(i) for i in drafted)}</div>'
        + f'<h2>Already recorded ({len(recorded)})</h2><div id="recorded">{"".join(_card(i) for i in recorded)}</div>'
        + f"</aside></main><script>{_JS}</script>"
        + f'<script type="application/json" id="candidates">{_json_in_html(drafted)}</script>'
        + "</body></html>\n"
    )


def _json_in_html(found: list[Item]) -> str:
    """The drafted highlights as JSON for tools, safe inside a script element."""
    data = [{"id": i.cid, "kind": i.kind, "start": i.start, "end": i.end} for i in found]
    return json.dumps(data, ensure_ascii=True, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")


def write_review(root: Path | str, out: Path | str, source_id: str) -> str:
    """Write the review page of `source_id` to `out` (inside the package, outside its own folders,
    as a draft file goes: see `write_draft`); returns the path relative to the root."""
    return write_draft(root, out, review_page(root, source_id), "--review")

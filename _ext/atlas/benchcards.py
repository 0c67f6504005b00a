"""Bench cards: one printable A4 page per playbook and debugging guide.

A responder away from the screen (on a data-centre floor, or when the laptop is the broken thing)
wants the response on paper. The card keeps the entry's own blocks from its signals on: the
signals, the first checks, then the steps, verification and rollback of a playbook, or what the
checks tell you and the playbooks to follow of a guide. It leaves out the prose before the
signals, the diagrams and what the page lists as not confirmed, and says where to read them.

Cards are cut while the HTML pages are written (the card's HTML is saved beside the doctrees, so
a parallel write loses nothing and the site ships only the PDFs) and printed with WeasyPrint's
Python API when the build finishes, only those whose HTML changed. The type shrinks step by step
until the card fits one page; a card that does not fit at the smallest size is printed as it is
and reported at the entry's line.
"""

from __future__ import annotations

import hashlib
import json
import logging as std_logging
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from html import escape
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri
from sphinx_needs.data import SphinxNeedsData

from .config import AtlasConfig, atlas_config
from .nodes import gate_badges
from .problems import report

logger = logging.getLogger(__name__)

#: Where the printed cards are written in the site.
CARDS_DIR = "_cards"
# The cut cards and the record of what was printed are build state, not part of the site: they
# live beside the doctrees, so a reader downloads only the PDFs, and a deleted ``_cards`` folder
# is printed again from them without re-reading any page.
CUT_DIR = "atlas-cards"
PRINTED = "printed.json"
#: Entry kinds that get a card.
CARD_KINDS = ("playbook", "guide")
#: Rubrics whose content stays on the page only (it is long and says what is uncertain).
PAGE_ONLY = ("not confirmed",)
#: Body type sizes tried in turn until the card fits one page (points).
TYPE_SIZES = (9.5, 8.5, 7.5, 6.8, 6.4)
#: Builders whose pages link to the cards (the EPUB and the PDF volumes do not ship them).
SITE_BUILDERS = ("html", "dirhtml")

CARD_CSS = """
@page { size: A4; margin: 11mm 11mm 13mm;
  @bottom-left { content: element(footer); } }
html { font-family: "DejaVu Sans", sans-serif; font-size: var(--size); line-height: 1.3; }
body { margin: 0; }
header { border-bottom: 2pt solid var(--colour); padding-bottom: 2mm; margin-bottom: 3mm; }
header .kind { font-size: .8em; text-transform: uppercase; letter-spacing: .08em;
  color: var(--colour); font-weight: bold; }
header h1 { font-size: 1.55em; margin: .5mm 0 1mm; }
header .meta { font-size: .85em; color: #333; }
footer { position: running(footer); font-size: 6.5pt; color: #555; }
main { columns: 2; column-gap: 7mm; }
.atlas-fields { margin: 0 0 2mm; }
dl, dd { margin: 0; }
dt { font-weight: bold; float: left; margin-right: .4em; }
p.rubric, .atlas-response > p.rubric { font-weight: bold; font-size: 1.1em; color: var(--colour);
  margin: 2.2mm 0 .8mm; break-after: avoid; }
p { margin: 0 0 1mm; }
ul, ol { margin: 0 0 1mm; padding-left: 1.3em; }
li { margin-bottom: .8mm; break-inside: avoid; }
li p { margin: 0; }
code, pre, .literal { font-family: "DejaVu Sans Mono", monospace; font-size: .92em;
  overflow-wrap: anywhere; }
pre { white-space: pre-wrap; background: #f3f3f3; padding: 1mm; margin: 0 0 1mm; }
.admonition { border-left: 2pt solid #c60; padding-left: 2mm; margin: 1mm 0; }
.admonition-title { font-weight: bold; margin: 0; }
.atlas-then { break-inside: avoid; }
"""


# --- cutting the card out of the page -------------------------------------------------------


def _entry_cards(doctree: nodes.document) -> list[tuple[str, str, nodes.Element]]:
    """(kind, entry id, card node) of every playbook and guide on the page."""
    found = []
    for box in doctree.findall(nodes.container):
        kind = next((k for k in CARD_KINDS if f"atlas-{k}" in box["classes"]), None)
        if kind and "atlas-card" in box["classes"] and box["ids"]:
            found.append((kind, box["ids"][0], box))
    return found


def _body(card: nodes.Element) -> nodes.Element | None:
    return next((c for c in card.children if "atlas-card-body" in c.get("classes", [])), None)


def _is_rubric(node: nodes.Node, names: tuple[str, ...]) -> bool:
    return isinstance(node, nodes.rubric) and node.astext().strip().lower() in names


def card_blocks(card: nodes.Element) -> list[nodes.Node]:
    """The blocks a card keeps, copied: the summary rows, then everything from the signals on."""
    body = _body(card)
    if body is None:
        return []
    children = list(body.children)
    start = next((i for i, c in enumerate(children) if "atlas-signals" in c.get("classes", [])), 0)
    kept: list[nodes.Node] = []
    skipping = False
    for child in children[start:]:
        if isinstance(child, nodes.rubric):
            skipping = _is_rubric(child, PAGE_ONLY)
        if skipping or _is_drawing(child) or _is_gate_row(child):
            continue
        kept.append(_as_print(child.deepcopy()))
    summary = [c for c in children[:start] if isinstance(c, nodes.field_list)]
    return [_as_print(s.deepcopy()) for s in summary] + kept


def _is_gate_row(node: nodes.Node) -> bool:
    """The gate badges (or what they became once the gates were computed) belong on screen."""
    if isinstance(node, gate_badges):
        return True
    classes = node["classes"] if isinstance(node, nodes.Element) else []
    return "atlas-gates" in classes or "atlas-gate-notes" in classes


def _is_drawing(node: nodes.Node) -> bool:
    return isinstance(node, (nodes.figure, nodes.image)) or any(
        "atlas-diagram" in c.get("classes", []) for c in node.findall(nodes.Element)
    )


def _as_print(node: nodes.Node) -> nodes.Node:
    """Paper has no links: each reference becomes its text (code markup kept)."""
    for ref in list(node.findall(nodes.reference)):
        ref.replace_self(nodes.inline("", "", *ref.children, classes=ref["classes"]))
    return node


def _then_follow(app: Sphinx, kind: str, entry_id: str) -> list[nodes.Node]:
    """A guide ends in the playbooks that fix what it finds."""
    if kind != "guide":
        return []
    needs = SphinxNeedsData(app.env).get_needs_view()
    playbooks = [needs[i] for i in needs.get(entry_id, {}).get("playbooks", []) if i in needs]
    if not playbooks:
        return []
    box = nodes.container(classes=["atlas-then"])
    box += nodes.rubric("Then follow", "Then follow")
    items = nodes.bullet_list()
    for playbook in playbooks:
        item = nodes.paragraph()
        item += nodes.strong(playbook["id"], playbook["id"])
        item += nodes.Text(f" {playbook['title']}")
        items += nodes.list_item("", item)
    box += items
    return [box]


def _meta(app: Sphinx, kind: str, entry_id: str) -> str:
    need = SphinxNeedsData(app.env).get_needs_view().get(entry_id, {})
    parts = [entry_id]
    if need.get("rto"):
        parts.append(f"RTO {need['rto']}")
    if need.get("validation"):
        parts.append(f"level {need['validation']}")
    return " · ".join(parts)


def _page_address(app: Sphinx, docname: str) -> str:
    uri = app.builder.get_target_uri(docname)
    base = (app.config.html_baseurl or "").rstrip("/")
    return f"{base}/{uri}" if base else uri


def _card_html(app: Sphinx, docname: str, kind: str, entry_id: str, card: nodes.Element) -> dict:
    blocks = card_blocks(card) + _then_follow(app, kind, entry_id)
    holder = nodes.container()
    holder.extend(blocks)
    fragment = app.builder.render_partial(holder)["fragment"]
    title = card.next_node(nodes.strong).astext() if card.next_node(nodes.strong) else entry_id
    kinds = {"playbook": "Playbook", "guide": "Debugging guide"}
    address = _page_address(app, docname)
    return {
        "id": entry_id,
        "kind": kind,
        "title": title,
        "docname": docname,
        "line": card.line or 0,
        "html": (
            f'<header><div class="kind">{kinds[kind]} · bench card</div><h1>{escape(title)}</h1>'
            f'<div class="meta">{escape(_meta(app, kind, entry_id))}</div></header>'
            f"<main>{fragment}</main>"
            f"<footer>Atlas · {entry_id} · built {atlas_config(app).today or date.today()} · "
            f"the whole page, with its sources: {escape(address)}</footer>"
        ),
    }


#: What the card holds, as the link says it.
CARD_CONTENTS = {
    "playbook": "signals, first checks, steps, verification, rollback",
    "guide": "signals, first checks, what they tell you, the playbooks to follow",
}


def _link(app: Sphinx, docname: str, kind: str, entry_id: str) -> nodes.paragraph:
    target = relative_uri(app.builder.get_target_uri(docname), f"{CARDS_DIR}/{entry_id}.pdf")
    line = nodes.paragraph(classes=["atlas-bench-card"])
    line += nodes.reference(
        "", "Print the bench card", refuri=target, classes=["atlas-bench-card-link"]
    )
    line += nodes.Text(f" (one A4 page: {CARD_CONTENTS[kind]})")
    return line


def cut_cards(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Save each playbook's and guide's card, and link it at the top of the entry."""
    if app.builder.name not in SITE_BUILDERS or not atlas_config(app).bench_cards:
        return
    folder = Path(app.doctreedir) / CUT_DIR
    for kind, entry_id, card in _entry_cards(doctree):
        data = _card_html(app, docname, kind, entry_id, card)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{entry_id}.json").write_text(json.dumps(data), encoding="utf-8")
        body = _body(card)
        if body is not None:
            body.insert(0, _link(app, docname, kind, entry_id))


# --- printing -------------------------------------------------------------------------------


def _document(data: dict, size: float) -> str:
    colour = "#7a3db8" if data["kind"] == "playbook" else "#1f6f8b"
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(data["title"])}'
        f"</title><style>:root {{ --size: {size}pt; --colour: {colour}; }}{CARD_CSS}</style>"
        f"</head><body>{data['html']}</body></html>"
    )


def print_card(data: dict, target: Path) -> int:
    """Print one card at the largest type that fits one page; returns its page count."""
    from weasyprint import HTML  # imported here: a build without cards never loads it

    # WeasyPrint reports each layout step at INFO; a build log needs only its warnings.
    std_logging.getLogger("weasyprint.progress").setLevel(std_logging.WARNING)

    for size in TYPE_SIZES:
        rendered = HTML(string=_document(data, size)).render()
        if len(rendered.pages) == 1:
            break
    rendered.write_pdf(target)
    return len(rendered.pages)


def cached_print(data: dict, target: Path, cache: Path) -> int:
    """Print a card, or copy the one printed before from the same HTML (another build, another
    output folder: the test suite and ``make html`` print each card once)."""
    key = hashlib.sha256(_document(data, 0).encode() + repr(TYPE_SIZES).encode()).hexdigest()
    pdf, pages = cache / f"{key}.pdf", cache / f"{key}.pages"
    if not (pdf.is_file() and pages.is_file()):
        cache.mkdir(parents=True, exist_ok=True)
        printing = pdf.with_suffix(f".{os.getpid()}.tmp")  # parallel builds never see half a file
        pages.write_text(str(print_card(data, printing)))
        printing.replace(pdf)
    shutil.copyfile(pdf, target)
    return int(pages.read_text())


class Job(NamedTuple):
    entry_id: str
    digest: str
    data: dict
    target: Path


def _print_all(jobs: list[Job], cache: Path, config: AtlasConfig) -> list[int]:
    """Page counts of the cards, printed side by side (WeasyPrint holds one core per card)."""
    cards, targets = [job.data for job in jobs], [job.target for job in jobs]
    workers = min(max(1, config.pdf_processes), len(jobs))
    if workers <= 1:
        return list(map(cached_print, cards, targets, repeat(cache)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(cached_print, cards, targets, repeat(cache)))


def _current_entries(app: Sphinx) -> set[str]:
    needs = SphinxNeedsData(app.env).get_needs_view()
    return {i for i, need in needs.items() if need["type"] in CARD_KINDS}


def print_cards(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in SITE_BUILDERS or not atlas_config(app).bench_cards:
        return
    folder = Path(app.doctreedir) / CUT_DIR
    if not folder.is_dir():
        return
    site = Path(app.outdir) / CARDS_DIR
    site.mkdir(exist_ok=True)
    # One record per output folder: two sites built from one doctree folder never share one.
    where = hashlib.sha256(str(Path(app.outdir).resolve()).encode()).hexdigest()[:12]
    record_path = folder / f"{where}-{PRINTED}"
    try:
        printed: dict[str, str] = json.loads(record_path.read_text())
    except (OSError, ValueError):
        printed = {}
    current = _current_entries(app)
    config = atlas_config(app)
    cache = config.resolve(app.confdir, config.card_cache)
    jobs: list[Job] = []
    for stored in sorted(folder.glob("*.json")):
        if stored.name.endswith(PRINTED):
            continue
        entry_id = stored.stem
        target = site / f"{entry_id}.pdf"
        if entry_id not in current:  # the entry was removed or renamed
            stored.unlink()
            target.unlink(missing_ok=True)
            printed.pop(entry_id, None)
            continue
        text = stored.read_text(encoding="utf-8")
        digest = hashlib.sha256((text + CARD_CSS).encode()).hexdigest()
        if printed.get(entry_id) == digest and target.exists():
            continue
        jobs.append(Job(entry_id, digest, json.loads(text), target))
    for job, pages in zip(jobs, _print_all(jobs, cache, config), strict=True):
        printed[job.entry_id] = job.digest
        if pages > 1:
            report(
                (job.data["docname"], job.data["line"]),
                job.entry_id,
                f"the bench card runs to {pages} pages even at {TYPE_SIZES[-1]} pt",
                "shorten the steps, or move detail into the prose before the signals",
                "field",
            )
    record_path.write_text(json.dumps(printed, indent=1))


def setup_benchcards(app: Sphinx) -> None:
    app.connect("doctree-resolved", cut_cards)
    app.connect("build-finished", print_cards)

"""furo's navigation tree, built once per folder instead of once per page.

furo renders the whole handbook's toctree for every page and re-parses it with
BeautifulSoup, so the sidebar costs grow with pages² (57 % of a 320-page build). The tree
differs between two pages of one folder only in which entry is current. Here it is built
once per folder for a page that is in no toctree, its tags are indexed once, and each
page marks its own entry and ancestors by splicing a few attributes — the same HTML furo
would produce (tested page by page against furo's own route).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from sphinx.application import Sphinx

from .config import atlas_config

NEUTRAL = "__atlas_navigation__"


@dataclass
class Tag:
    name: str
    start: int
    end: int
    text: str
    parent: int | None
    attrs: dict[str, str | None] = field(default_factory=dict)


class TagIndex(HTMLParser):
    """Every start tag of the tree with its offsets and parent."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self.line_offsets = [0]
        for line in html.splitlines(keepends=True):
            self.line_offsets.append(self.line_offsets[-1] + len(line))
        self.tags: list[Tag] = []
        self.open: list[int] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line, column = self.getpos()
        start = self.line_offsets[line - 1] + column
        text = self.get_starttag_text() or ""
        parent = self.open[-1] if self.open else None
        self.tags.append(Tag(tag, start, start + len(text), text, parent, dict(attrs)))
        if tag not in ("input", "br", "img"):
            self.open.append(len(self.tags) - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self.open and self.tags[self.open[-1]].name == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        if not any(self.tags[number].name == tag for number in self.open):
            return
        while self.tags[self.open.pop()].name != tag:
            pass


class NavigationTemplate:
    def __init__(self, html: str) -> None:
        self.html = html
        index = TagIndex(html)
        self.tags = index.tags
        self.links: dict[str, list[int]] = {}
        for number, tag in enumerate(self.tags):
            if tag.name == "a" and tag.attrs.get("class") == "reference internal":
                self.links.setdefault(tag.attrs.get("href") or "", []).append(number)
        self.checkboxes = {
            tag.parent: number for number, tag in enumerate(self.tags) if tag.name == "input"
        }

    def for_page(self, href: str) -> str:
        """The tree with the entry linking ``href`` marked current, as furo marks it."""
        numbers = self.links.get(href, [])
        if len(numbers) != 1:
            return self.html if not numbers else ""  # "" = let furo do it
        edits: list[tuple[int, int, str]] = []
        link = self.tags[numbers[0]]
        edits.append((link.start, link.end, '<a class="current reference internal" href="#">'))
        own_item = link.parent
        node = own_item
        while node is not None:
            tag = self.tags[node]
            if tag.name == "li":
                classes = (tag.attrs.get("class") or "").split()
                marked = [classes[0], "current", *classes[1:]]
                if node == own_item:
                    marked.append("current-page")
                edits.append(
                    (
                        tag.start,
                        tag.end,
                        tag.text.replace(
                            f'class="{" ".join(classes)}"', f'class="{" ".join(marked)}"', 1
                        ),
                    )
                )
                if (box := self.checkboxes.get(node)) is not None:
                    edits.append(_check(self.tags[box]))
            elif tag.name == "ul":
                edits.append((tag.start, tag.end, '<ul class="current">'))
            node = tag.parent
        return _apply(self.html, edits)


def _check(checkbox: Tag) -> tuple[int, int, str]:
    """Tick a checkbox: bs4 writes attributes alphabetically, so "checked" follows aria-label."""
    label_end = checkbox.text.index('" ', checkbox.text.index("aria-label=")) + 2
    return (checkbox.start, checkbox.start + label_end, checkbox.text[:label_end] + 'checked="" ')


def _apply(html: str, edits: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, text in sorted(edits):
        parts += [html[position:start], text]
        position = end
    parts.append(html[position:])
    return "".join(parts)


class FastNavigation:
    def __init__(self, app: Sphinx, original: Any) -> None:
        self.app = app
        self.original = original
        self.templates: dict[str, NavigationTemplate] = {}

    def template(self, folder: str) -> NavigationTemplate:
        if folder not in self.templates:
            from furo.navigation import get_navigation_tree

            builder = self.app.builder
            neutral = posixpath.join(folder, NEUTRAL) if folder else NEUTRAL
            toctree = builder._get_local_toctree(  # type: ignore[attr-defined]
                neutral, collapse=False, titles_only=True, maxdepth=-1, includehidden=True
            )
            self.templates[folder] = NavigationTemplate(get_navigation_tree(toctree))
        return self.templates[folder]

    def __call__(self, context: dict[str, Any]) -> str:
        pagename = context.get("pagename")
        if "toctree" not in context or not pagename:
            return self.original(context)
        builder = self.app.builder
        target = builder.get_target_uri(pagename)
        template = self.template(posixpath.dirname(target))
        href = posixpath.basename(target)
        marked = template.for_page(href)
        return marked if marked else self.original(context)


def install(app: Sphinx) -> None:
    if app.builder.name != "html" or app.config.html_theme != "furo":
        return
    if not atlas_config(app).fast_navigation:
        return
    import furo

    original = getattr(furo, "_atlas_original_navigation", furo._compute_navigation_tree)
    furo._atlas_original_navigation = original  # type: ignore[attr-defined]
    furo._compute_navigation_tree = FastNavigation(app, original)  # type: ignore[attr-defined]


def uninstall(app: Sphinx, exception: Exception | None) -> None:
    import furo

    if hasattr(furo, "_atlas_original_navigation"):
        furo._compute_navigation_tree = furo._atlas_original_navigation  # type: ignore[attr-defined]


def setup_navigation(app: Sphinx) -> None:
    app.connect("builder-inited", install)
    app.connect("build-finished", uninstall)

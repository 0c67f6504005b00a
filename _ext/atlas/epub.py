"""EPUB output that opens in every reader and passes epubcheck.

- Sphinx looks up node visitors by builder name first and falls back to the format
  ("html") only when no extension registered anything for that name. sphinx-data-viewer
  (pulled in by sphinx-needs) registers EPUB visitors, so every other extension's HTML
  visitors (sphinx-design, sphinxcontrib-mermaid, …) vanish for EPUB: merge them back.
- Files other tools write are fixed where EPUB is stricter than browsers (SVG from Mermaid
  and matplotlib, sphinx-needs' CSS, links to images), then the book is zipped again.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

EPUB_BUILDERS = ("epub",)


def inherit_html_visitors(app: Sphinx) -> None:
    if app.builder.name not in EPUB_BUILDERS:
        return
    handlers = app.registry.translation_handlers
    epub = handlers.setdefault(app.builder.name, {})
    for node_name, visitors in handlers.get("html", {}).items():
        epub.setdefault(node_name, visitors)


TAG = re.compile(r"<(rect|path|circle)\b([^>]*?)(/?)>")
ROOT_ROLE = re.compile(r'(<svg\b[^>]*?)\srole="[^"]*"')


def _complete_shape(match: re.Match[str]) -> str:
    name, attributes, closing = match.groups()
    if name == "rect":
        for size in ("width", "height"):
            if not re.search(rf"\s{size}=", attributes):
                attributes += f' {size}="0"'
    elif name == "circle":  # Mermaid's state diagrams size circles like boxes
        attributes = re.sub(r'\s(width|height)="[^"]*"', "", attributes)
    elif not re.search(r"\sd=", attributes):
        attributes += ' d="M0 0"'
    return f"<{name}{attributes}{closing}>"


def epub_safe_svg(svg: str) -> str:
    """SVG as EPUB 3 accepts it: no DTD, an allowed root role, complete shapes, no ``name``."""
    svg = re.sub(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", "", svg, flags=re.S)
    svg = ROOT_ROLE.sub(r'\1 role="img"', svg, count=1)
    svg = TAG.sub(_complete_shape, svg)
    return re.sub(r'(<[a-zA-Z][^>]*?)\sname="[^"]*"', r"\1", svg)


IS_SELECTOR = re.compile(r"([^{}\n,]*?)\s*:is\(([^()]*)\)\s*\{")


def epub_safe_css(css: str) -> str:
    """CSS without what epubcheck's parser rejects: ``:is()`` lists and stray semicolons."""
    css = IS_SELECTOR.sub(
        lambda m: ", ".join(f"{m[1]} {part.strip()}" for part in m[2].split(",")) + " {", css
    )
    return re.sub(r"^\s*;\s*$", "", css, flags=re.M)


IMAGE_LINK = re.compile(r'<a\b[^>]*href="[^"]*\.(?:svg|png)"[^>]*>(.*?)</a>', re.S)


def epub_safe_xhtml(xhtml: str) -> str:
    """Readers cannot open an image as a page: unwrap links that point at images."""
    return IMAGE_LINK.sub(r"\1", xhtml)


FIXERS = {".svg": epub_safe_svg, ".css": epub_safe_css, ".xhtml": epub_safe_xhtml}


def repack(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.name not in EPUB_BUILDERS:
        return
    outdir = Path(app.outdir)
    for relative in app.builder.files:  # type: ignore[attr-defined]
        path = outdir / relative
        fixer = FIXERS.get(path.suffix)
        if fixer is None or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        fixed = fixer(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    app.builder.build_epub()  # type: ignore[attr-defined]


def setup_epub(app: Sphinx) -> None:
    app.connect("builder-inited", inherit_html_visitors)
    app.connect("build-finished", repack)

"""Pre-rendered diagrams in the output: inline SVG in HTML, an SVG image in PDF and EPUB.

At ``doctree-resolved`` every ``mermaid`` node whose SVG is cached becomes a
``rendered_diagram`` (so sphinxcontrib-mermaid adds no JavaScript to the page), and a
diagram Mermaid could not render becomes a visible error box showing its source.
"""

from __future__ import annotations

import html
import math
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinxcontrib.mermaid import mermaid

from ..config import atlas_config
from .pipeline import STATIC_BUILDERS, cache_of, summary
from .settings import svg_id

IMAGES = "_images"
ROOT_TAG = re.compile(r"<svg\b[^>]*>")
GEOMETRY = re.compile(r'data-atlas-width="(?P<width>[\d.]+)".*?data-atlas-font="(?P<font>[\d.]+)"')


class rendered_diagram(nodes.General, nodes.Element):
    """A diagram whose SVG is in the cache (attributes: key, alt)."""


class diagram_error(nodes.General, nodes.Element):
    """A diagram Mermaid could not render (attributes: message, code)."""


def image_name(key: str) -> str:
    return f"mermaid-{key[:16]}.svg"


def accessible(svg: str, alt: str, element_id: str) -> str:
    """The SVG as an image for assistive technology: role="img", a title and a description."""
    root = ROOT_TAG.search(svg)
    if root is None:
        return svg
    tag = re.sub(
        r'\s(role|aria-roledescription|aria-labelledby|aria-describedby)="[^"]*"', "", root.group()
    )
    labelled = []
    extra = ""
    if f'id="chart-title-{element_id}"' in svg:
        labelled.append(f"chart-title-{element_id}")
    else:
        extra += f'<title id="{element_id}-title">{html.escape(alt)}</title>'
        labelled.append(f"{element_id}-title")
    described = (
        f' aria-describedby="chart-desc-{element_id}"'
        if f'id="chart-desc-{element_id}"' in svg
        else ""
    )
    tag = tag[:-1] + f' role="img" aria-labelledby="{" ".join(labelled)}"{described}>'
    return svg[: root.start()] + tag + extra + svg[root.end() :]


def replace_rendered(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not getattr(app.env, "atlas_prerendered", False):
        return  # no browser: sphinxcontrib-mermaid's client-side route stays
    cache = cache_of(app)
    for node in list(doctree.findall(mermaid)):
        key = node.get("atlas_key")
        result = cache.get(key) if key else None
        if result is None:
            continue
        if result.svg is not None:
            alt = node.get("alt") or "Diagram"
            name = node.get("atlas_need") or svg_id(key)
            node.replace_self(rendered_diagram(key=key, alt=alt, code=node["code"], name=name))
        elif result.error is not None:
            node.replace_self(diagram_error(message=summary(result.error), code=node["code"]))


def _publish_image(translator, key: str) -> str:  # type: ignore[no-untyped-def]
    """Copy the SVG next to the other images; return its URL from the current page."""
    target = Path(translator.builder.outdir) / IMAGES / image_name(key)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(cache_of(translator.builder).svg_path(key).read_text())
    return f"{translator.builder.imgpath}/{image_name(key)}"


def legible_min_width(svg: str, legible_px: float) -> int | None:
    """The narrowest the drawing may be shown with its smallest label still ``legible_px``
    (from the geometry measured at render time); None when it was not measured."""
    root = ROOT_TAG.search(svg)
    width = GEOMETRY.search(root.group()) if root else None
    if width is None or not float(width["font"]) or not float(width["width"]):
        return None
    return math.ceil(float(width["width"]) * legible_px / float(width["font"]))


def _tools(url: str, node: rendered_diagram, element_id: str) -> str:
    """Open, download and copy: the figure's SVG file and its editable Mermaid source."""
    code = html.escape(node.get("code", ""))
    name = html.escape(f"{node.get('name') or element_id}.svg")
    return (
        '<div class="atlas-diagram-tools">'
        f'<a class="atlas-diagram-full" href="{url}" target="_blank" rel="noopener">'
        "Open full size</a>"
        f'<a class="atlas-diagram-download" href="{url}" download="{name}">Download SVG</a>'
        '<button type="button" class="atlas-copy-source" hidden>Copy Mermaid source</button>'
        '<span class="atlas-copy-status" role="status"></span>'
        "</div>"
        '<details class="atlas-diagram-source"><summary>Mermaid source</summary>'
        f'<pre><code class="atlas-mermaid-code" tabindex="0">{code}</code></pre></details>'
    )


def _inline(translator, node: rendered_diagram) -> None:  # type: ignore[no-untyped-def]
    key = node["key"]
    element_id = svg_id(key)
    svg = cache_of(translator.builder).svg_path(key).read_text()
    # The same diagram twice on one page would repeat every id inside it.
    seen = translator.__dict__.setdefault("_atlas_seen", {})
    seen[key] = seen.get(key, 0) + 1
    if seen[key] > 1:
        svg = svg.replace(element_id, f"{element_id}-{seen[key]}")
        element_id = f"{element_id}-{seen[key]}"
    url = _publish_image(translator, key)
    floor = legible_min_width(svg, atlas_config(translator.builder).legible_px)
    # Never shrunk below legible: narrower screens scroll the drawing sideways instead.
    style = f' style="--atlas-legible-width: {floor}px"' if floor else ""
    translator.body.append(
        '<div class="atlas-diagram-render">'
        f'<div class="atlas-diagram-svg"{style}>{accessible(svg, node["alt"], element_id)}</div>'
        f"{_tools(url, node, element_id)}</div>"
    )


def _as_image(translator, node: rendered_diagram) -> None:  # type: ignore[no-untyped-def]
    url = _publish_image(translator, node["key"])
    translator.body.append(
        f'<img class="atlas-diagram-image" src="{url}" alt="{html.escape(node["alt"])}" />'
    )


def visit_rendered_html(translator, node: rendered_diagram) -> None:  # type: ignore[no-untyped-def]
    static = translator.builder.name in STATIC_BUILDERS
    (_as_image if static else _inline)(translator, node)
    raise nodes.SkipNode


def visit_rendered_text(translator, node: rendered_diagram) -> None:  # type: ignore[no-untyped-def]
    translator.add_text(f"[diagram: {node['alt']}]")
    raise nodes.SkipNode


def visit_error_html(translator, node: diagram_error) -> None:  # type: ignore[no-untyped-def]
    translator.body.append(
        '<div class="atlas-diagram-error admonition error" role="alert">'
        '<p class="admonition-title">This diagram could not be rendered</p>'
        f"<p>{html.escape(node['message'])}</p>"
        f"<pre>{html.escape(node['code'])}</pre></div>"
    )
    raise nodes.SkipNode


def visit_error_text(translator, node: diagram_error) -> None:  # type: ignore[no-untyped-def]
    translator.add_text(f"[diagram error: {node['message']}]")
    raise nodes.SkipNode


def setup_output(app: Sphinx) -> None:
    app.add_node(
        rendered_diagram,
        html=(visit_rendered_html, None),
        epub=(visit_rendered_html, None),
        text=(visit_rendered_text, None),
    )
    app.add_node(
        diagram_error,
        html=(visit_error_html, None),
        epub=(visit_error_html, None),
        text=(visit_error_text, None),
    )
    app.connect("doctree-resolved", replace_rendered)

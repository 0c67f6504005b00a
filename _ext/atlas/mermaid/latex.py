"""Pre-rendered diagrams in Sphinx's LaTeX route (``-b latex`` + ``latexmk``): vector PDF figures.

LaTeX cannot include SVG. Each diagram's SVG is converted once, by content hash, into a PDF
with ``rsvg-convert`` (librsvg, the converter sphinxcontrib-svg2pdfconverter drives): the
conversions sit beside the SVG cache and are shared by every build. The diagrams already draw
their labels as SVG text (WeasyPrint needs that too), so the labels stay text in the PDF.

This route exists to measure it against WeasyPrint (``atlas.bench.volumes``); the handbook's
books are printed by WeasyPrint.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxError

from .output import diagram_error, rendered_diagram
from .pipeline import cache_of


def converted_pdf(svg: Path) -> Path:
    """The diagram as a PDF, converted the first time it is asked for."""
    pdf = svg.parent / "pdf" / f"{svg.stem}.pdf"
    if not pdf.exists():
        converter = shutil.which("rsvg-convert")
        if converter is None:
            raise SphinxError("the LaTeX route needs rsvg-convert: apt-get install librsvg2-bin")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        partial = pdf.with_suffix(".tmp")
        subprocess.run([converter, "-f", "pdf", "-o", str(partial), str(svg)], check=True)
        partial.replace(pdf)
    return pdf


def visit_rendered_latex(translator, node: rendered_diagram) -> None:  # type: ignore[no-untyped-def]
    pdf = converted_pdf(cache_of(translator.builder).svg_path(node["key"]))
    name = f"mermaid-{node['key'][:16]}.pdf"
    target = Path(translator.builder.outdir) / name
    if not target.exists():
        shutil.copyfile(pdf, target)
    translator.body.append(
        "\n\\begin{center}\\includegraphics[width=\\linewidth,height=0.8\\textheight,"
        f"keepaspectratio]{{{name}}}\\end{{center}}\n"
    )
    raise nodes.SkipNode


def visit_error_latex(translator, node: diagram_error) -> None:  # type: ignore[no-untyped-def]
    message = translator.encode(f"This diagram could not be rendered: {node['message']}")
    translator.body.append(f"\n\\begin{{quote}}\\textbf{{{message}}}\\end{{quote}}\n")
    raise nodes.SkipNode


def drop_empty_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """sphinx-needs draws its flow graphs in HTML only and leaves LaTeX a figure with nothing
    but a caption; a page of them stops TeX ("100 consecutive dead cycles"). Each becomes a
    line saying where the graph is."""
    if app.builder.format != "latex":
        return
    for figure in list(doctree.findall(nodes.figure)):
        if all(isinstance(child, nodes.caption) for child in figure.children):
            caption = figure.next_node(nodes.caption)
            title = caption.astext() if caption is not None else "A graph"
            figure.replace_self(nodes.paragraph(text=f"{title}: drawn in the HTML edition only."))


def setup_latex_output(app: Sphinx) -> None:
    app.add_node(rendered_diagram, override=True, latex=(visit_rendered_latex, None))
    app.add_node(diagram_error, override=True, latex=(visit_error_latex, None))
    # After sphinx-needs has turned its needflow nodes into figures (priority 500).
    app.connect("doctree-resolved", drop_empty_figures, priority=900)

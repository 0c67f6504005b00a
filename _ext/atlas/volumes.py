"""The handbook as PDF volumes: one book per part, from one read of the sources.

One WeasyPrint run over the whole handbook grows with the document (Kozea/WeasyPrint #691,
#1950), and a reader at 3 AM wants the playbooks, not 400 pages of everything. The ``volumes``
builder reads the sources once, like every Sphinx builder, then prints each volume of
``atlas_volumes`` as its own document (cover, printed table of contents, bookmarks, running
headers, page numbers: sphinx-simplepdf's theme), each in its own WeasyPrint process, two at
a time on two cores.

Only what changed is printed again: a volume is assembled only when one of its pages was
re-read (or it shows tables over every entry), and WeasyPrint runs only when the assembled
HTML differs from the one the existing PDF was printed from.

A link to a page of another volume opens that volume at the page (a PDF "GoToR" action to the
named destination; the volumes are shipped side by side), or the page on the site when
``html_baseurl`` is set.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Set
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.adapters.toctree import _resolve_toctree
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees
from sphinx_needs.directives.needbar import Needbar
from sphinx_needs.directives.needlist import Needlist
from sphinx_needs.directives.needpie import Needpie
from sphinx_needs.directives.needtable import Needtable
from sphinx_simplepdf.builders.simplepdf import SimplePdfBuilder

from .config import atlas_config
from .nodes import view_placeholder

#: Nodes filled from every entry of the handbook when a page is written.
TABLE_NODES = (view_placeholder, Needtable, Needpie, Needbar, Needlist)

logger = logging.getLogger("atlas")

#: What the builder leaves beside the PDFs: each volume's title, file, pages and size.
MANIFEST = "volumes.json"
#: The assembled HTML each PDF was printed from, by hash: unchanged HTML is not printed again.
PRINTED = ".volumes-printed.json"
OTHER_VOLUME = re.compile(r"^(?P<file>atlas-[\w-]+\.pdf)#(?P<dest>document-[^#]+)")


@dataclass(frozen=True)
class Volume:
    slug: str
    title: str
    roots: tuple[str, ...]

    @property
    def page(self) -> str:
        return f"atlas-{self.slug}"

    @property
    def file_name(self) -> str:
        return f"{self.page}.pdf"


def configured_volumes(app: Sphinx) -> list[Volume]:
    return [
        Volume(slug, spec["title"], tuple(spec["roots"]))
        for slug, spec in atlas_config(app).volumes.items()
    ]


def root_entries(env: BuildEnvironment) -> list[str]:
    """The pages the root document's toctrees list, in order: what volumes are made of."""
    return [
        ref
        for toctree in env.get_doctree(env.config.root_doc).findall(addnodes.toctree)
        for _title, ref in toctree["entries"]
    ]


def members(env: BuildEnvironment, roots: Iterable[str]) -> set[str]:
    """The roots and every page their toctrees reach."""
    found: set[str] = set()
    pending = list(roots)
    while pending:
        docname = pending.pop()
        if docname not in found:
            found.add(docname)
            pending.extend(env.toctree_includes.get(docname, ()))
    return found


def check_volumes(app: Sphinx, env: BuildEnvironment) -> None:
    """Every part of the handbook in exactly one volume, every root a part of the handbook."""
    if app.builder.name != "volumes":
        return
    entries = root_entries(env)
    placed: dict[str, str] = {}
    for volume in configured_volumes(app):
        for root in volume.roots:
            if root not in entries:
                logger.warning(
                    "volume %r: %r is not listed in the root toctree of %s; list it there or "
                    "remove it from atlas_volumes",
                    volume.slug, root, env.config.root_doc, type="atlas", subtype="volumes",
                )  # fmt: skip
            elif root in placed:
                logger.warning(
                    "volume %r: %r is already printed in volume %r; keep it in one volume",
                    volume.slug, root, placed[root], type="atlas", subtype="volumes",
                )  # fmt: skip
            placed.setdefault(root, volume.slug)
    for entry in entries:
        if entry not in placed:
            logger.warning(
                "%r is in no PDF volume; add it to the roots of one volume in atlas_volumes",
                entry, type="atlas", subtype="volumes",
            )  # fmt: skip


def record_tables(app: Sphinx, doctree: nodes.document) -> None:
    """Remember the pages that show tables over every entry: their volume changes whenever any
    page does."""
    tables = getattr(app.env, "atlas_table_pages", set())
    tables.discard(app.env.docname)
    if any(True for _ in doctree.findall(lambda node: isinstance(node, TABLE_NODES))):
        tables.add(app.env.docname)
    app.env.atlas_table_pages = tables  # type: ignore[attr-defined]


def purge_tables(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "atlas_table_pages", set()).discard(docname)


def merge_tables(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: Any) -> None:
    env.atlas_table_pages = getattr(env, "atlas_table_pages", set()) | (  # type: ignore[attr-defined]
        getattr(other, "atlas_table_pages", set()) & set(docnames)
    )


class VolumesBuilder(SimplePdfBuilder):
    """``-b volumes``: every volume of ``atlas_volumes`` (or only ``atlas_volume``) as a PDF."""

    name = "volumes"
    epilog = "The PDF volumes are in %(outdir)s."

    def init(self) -> None:
        super().init()
        self.volume: Volume | None = None
        self.volume_docs: set[str] = set()
        self.updated_docs: set[str] = set()
        self.assembled: list[Volume] = []
        self.volume_of: dict[str, Volume] = {}  # every page → the volume that prints it

    # --- which volumes -----------------------------------------------------------------

    def write(self, build_docnames: Any, updated_docnames: Any, method: Any = "update") -> None:
        self.updated_docs = set(updated_docnames)
        super().write(build_docnames, updated_docnames, method)

    def selected(self) -> list[Volume]:
        wanted = atlas_config(self.app).volume
        volumes = configured_volumes(self.app)
        if wanted and wanted not in {v.slug for v in volumes}:
            logger.warning(
                "atlas_volume %r is not a volume; choose one of: %s",
                wanted, ", ".join(v.slug for v in volumes), type="atlas", subtype="volumes",
            )  # fmt: skip
        return [v for v in volumes if not wanted or v.slug == wanted]

    def outdated(self, volume: Volume, docs: set[str]) -> bool:
        if not (Path(self.outdir) / volume.file_name).exists():
            return True
        tables = getattr(self.env, "atlas_table_pages", set())
        return bool(docs & self.updated_docs) or bool(docs & tables and self.updated_docs)

    # --- assembling one volume ---------------------------------------------------------

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname in self.volume_docs:
            return "#document-" + docname
        if docname in self.env.all_docs:
            if self.config.html_baseurl:
                return f"{self.config.html_baseurl.rstrip('/')}/{docname}.html"
            if (other := self.volume_of.get(docname)) is not None:
                return f"{other.file_name}#document-{docname}"
        return docname + self.out_suffix

    def assemble_volume(self, volume: Volume) -> nodes.document:
        tree = self.env.get_doctree(self.config.root_doc)
        tree.children = []
        for root in volume.roots:
            part = inline_all_toctrees(
                self, set(), root, self.env.get_doctree(root), lambda text: text, [root]
            )
            start = addnodes.start_of_file(docname=root)
            start.extend(part.children)
            tree.append(start)
        tree["docname"] = volume.page
        # Resolved as the root document, like the single book: sphinx-needs fills its tables
        # and charts only on pages it knows (every page is in a start_of_file of its own).
        self.env.resolve_references(tree, self.config.root_doc, self)
        for reference in tree.findall(nodes.reference):
            # A section of another volume: that volume's page (its sections were renamed there).
            if match := OTHER_VOLUME.match(reference.get("refuri", "")):
                reference["refuri"] = f"{match['file']}#{match['dest']}"
        return tree

    def volume_toc(self, volume: Volume) -> str:
        """The printed table of contents: the root toctree's entries of this volume."""
        bullets: list[nodes.Node] = []
        for toctree in self.env.get_doctree(self.config.root_doc).findall(addnodes.toctree):
            mine = toctree.deepcopy()
            mine["entries"] = [(t, ref) for t, ref in toctree["entries"] if ref in volume.roots]
            mine["includefiles"] = [ref for _t, ref in mine["entries"]]
            mine["caption"] = None
            resolved = _resolve_toctree(
                self.env, volume.page, self, mine, prune=True, maxdepth=0,
                collapse=False, includehidden=True, tags=self.tags,
            )  # fmt: skip
            if resolved is not None:
                bullets.extend(resolved.children)
        if not bullets:
            return ""
        container = nodes.compound(classes=["toctree-wrapper"])
        container.extend(bullets)
        return self.render_partial(container)["fragment"]

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict[str, Any]:
        context = super().get_doc_context(docname, body, metatags)
        if self.volume is not None:
            toc = self.volume_toc(self.volume)
            context.update(
                toc=toc,
                display_toc=bool(toc),
                title=f"{self.config.project}: {self.volume.title}",
                project=f"{self.config.project}: {self.volume.title}",  # the cover's title
            )
        return context

    def write_documents(self, _docnames: Set[str]) -> None:
        self.prepare_writing(self.env.all_docs.keys())
        root = self.config.root_doc
        secnumbers = self.assemble_toc_secnumbers()[root]
        fignumbers = self.assemble_toc_fignumbers()[root]
        printed = {v: members(self.env, v.roots) for v in configured_volumes(self.app)}
        self.volume_of = {doc: v for v, docs in printed.items() for doc in docs}
        for volume in self.selected():
            docs = printed[volume]
            if not self.outdated(volume, docs):
                logger.info("volume %s: no page changed, %s kept", volume.slug, volume.file_name)
                continue
            logger.info("volume %s: assembling %d pages", volume.slug, len(docs))
            self.volume, self.volume_docs = volume, docs
            doctree = self.assemble_volume(volume)
            self.env.toc_secnumbers = {volume.page: secnumbers}
            self.env.toc_fignumbers = {volume.page: fignumbers}
            self.write_doc_serialized(volume.page, doctree)
            self.write_doc(volume.page, doctree)
            self.assembled.append(volume)
        self.volume, self.volume_docs = None, set()

    # --- printing ----------------------------------------------------------------------

    def finish(self) -> None:
        # The single-book builder's finish prints root_doc.html; the volumes are printed here.
        super(SimplePdfBuilder, self).finish()
        out = Path(self.outdir)
        printed = _read_json(out / PRINTED)
        jobs = []
        for volume in self.assembled:
            html_path = out / f"{volume.page}.html"
            html = anchor_headings(self._toctree_fix(html_path.read_text(encoding="utf-8")))
            html_path.write_text(html, encoding="utf-8")
            digest = hashlib.sha256(html.encode()).hexdigest()
            if printed.get(volume.slug) == digest and (out / volume.file_name).exists():
                logger.info("volume %s: same HTML as last time, %s kept", volume.slug,
                            volume.file_name)  # fmt: skip
                continue
            jobs.append((volume, html_path, digest))
        workers = max(1, atlas_config(self.app).pdf_processes)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for volume, digest in pool.map(lambda job: self._print(*job), jobs):
                printed[volume.slug] = digest
        (out / PRINTED).write_text(json.dumps(printed, indent=1))
        self._write_manifest(out)

    def _print(self, volume: Volume, html_path: Path, digest: str) -> tuple[Volume, str]:
        target = html_path.with_suffix(".pdf")
        logger.info("volume %s: printing %s", volume.slug, target.name)
        weasyprint = Path(sys.executable).with_name("weasyprint")
        command = [str(weasyprint if weasyprint.exists() else "weasyprint"), str(html_path),
                   str(target)]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        for line in result.stderr.splitlines():
            if "ERROR" in line or "No anchor" in line:
                logger.warning("volume %s: WeasyPrint: %s", volume.slug, line,
                               type="atlas", subtype="volumes")  # fmt: skip
        if result.returncode != 0:
            logger.warning("volume %s: WeasyPrint failed (exit %d)", volume.slug,
                           result.returncode, type="atlas", subtype="volumes")  # fmt: skip
            return volume, ""
        link_volumes(target, Path(self.outdir))
        return volume, digest

    def _write_manifest(self, out: Path) -> None:
        entries = []
        for volume in configured_volumes(self.app):
            pdf = out / volume.file_name
            if pdf.exists():
                pages = len(PdfReader(pdf).pages)
                entries.append({"slug": volume.slug, "title": volume.title,
                                "file": volume.file_name, "pages": pages,
                                "bytes": pdf.stat().st_size})  # fmt: skip
        (out / MANIFEST).write_text(json.dumps(entries, indent=1))


#: A section whose first child is its heading, as Sphinx writes it (after any extra anchors).
SECTION_HEADING = re.compile(
    r'<section id="(?P<id>[^"]+)">(?P<gap>\s*(?:<span id="[^"]+"></span>\s*)*)<h(?P<level>[1-6])>'
)


def anchor_headings(html: str) -> str:
    """Move each section's id to its heading. The printed table of contents gives the page of
    the element its link targets, the bookmarks the page of the heading; when WeasyPrint keeps a
    heading with the diagram after it and pushes both to the next page, the section itself still
    starts on the page before, and the table of contents was one page early. On the heading, the
    table of contents, the bookmark and a link from another volume all land on the same page."""
    return SECTION_HEADING.sub(r'<section>\g<gap><h\g<level> id="\g<id>">', html)


def link_volumes(pdf: Path, outdir: Path) -> None:
    """WeasyPrint makes every address absolute (file:///…/atlas-incidents.pdf#…), which breaks
    once the file moves. A link into another volume becomes a GoToR action to that file's named
    destination, relative, so it works wherever the volumes sit side by side; a link to a local
    file that is not a volume is dropped rather than left pointing at the build machine."""
    local = outdir.resolve().as_uri() + "/"
    writer = PdfWriter(clone_from=PdfReader(pdf))
    changed = False
    for page in writer.pages:
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            uri = str(action.get("/URI", "")) if action is not None else ""
            if not uri.startswith("file:"):
                continue
            relative = uri.removeprefix(local)
            if match := OTHER_VOLUME.match(relative):
                annotation[NameObject("/A")] = DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/GoToR"),
                        NameObject("/F"): TextStringObject(match["file"]),
                        NameObject("/D"): TextStringObject(match["dest"]),
                    }
                )
            else:
                del annotation["/A"]
            changed = True
    if changed:
        with open(pdf, "wb") as handle:
            writer.write(handle)


def _read_json(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def setup_volumes(app: Sphinx) -> None:
    app.setup_extension("sphinx_simplepdf.builders.simplepdf")
    app.add_builder(VolumesBuilder)
    app.connect("env-check-consistency", check_volumes)
    app.connect("doctree-read", record_tables)
    app.connect("env-purge-doc", purge_tables)
    app.connect("env-merge-info", merge_tables)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # WeasyPrint's subprocess stays quiet

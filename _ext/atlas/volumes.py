"""The handbook as PDF volumes: one book per part, from one read of the sources.

One WeasyPrint run over the whole handbook grows with the document (Kozea/WeasyPrint #691,
#1950), and a reader at 3 AM wants the playbooks, not 400 pages of everything. The ``volumes``
builder reads the sources once, like every Sphinx builder, then prints each volume of
``atlas_volumes`` as its own document (cover, printed table of contents, bookmarks, running
headers, page numbers: sphinx-simplepdf's theme). Two WeasyPrint worker processes print the
volumes while the builder is still assembling the next ones, largest first, so both cores stay
busy from the first written volume to the last PDF and no process waits on a long tail.

Only what changed is printed again: a volume is assembled only when one of its pages was
re-read (or it shows tables over every entry), and WeasyPrint runs only when the assembled
HTML differs from the one the existing PDF was printed from.

A volume may be ``split``: its root pages are printed alone (with a list of its parts, each a
link to its PDF), and the entries of their toctrees, one or ``split`` at a time, each as a PDF
of its own ("one PDF per system"). A reader downloads the part they need, WeasyPrint never
holds more than one part in memory, and an edit prints only its part again.

A link to a page of another volume opens that volume at the page (a PDF "GoToR" action to the
named destination; the volumes are shipped side by side), or the page on the site when
``html_baseurl`` is set.
"""

from __future__ import annotations

import hashlib
import json
import logging as std_logging
import multiprocessing
import os
import re
from collections.abc import Set
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
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
from sphinx.util.osutil import copyfile
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
    """One PDF: a configured volume, or one part of a volume that is split."""

    slug: str
    title: str
    roots: tuple[str, ...]
    #: Entries of the roots' toctrees per PDF of their own (0: the volume is one PDF).
    split: int = 0
    #: The configured volume this PDF is a part of ("" for the volume itself).
    part_of: str = ""
    #: The pages whose toctrees list the roots: where the printed table of contents comes from.
    listed_in: tuple[str, ...] = ()
    #: False for the first PDF of a split volume: its root pages alone, not their entries.
    subtrees: bool = True
    #: The title of each root, for the downloads list.
    contents: tuple[str, ...] = ()

    @property
    def page(self) -> str:
        return f"atlas-{self.slug}"

    @property
    def file_name(self) -> str:
        return f"{self.page}.pdf"

    @property
    def volume(self) -> str:
        """The configured volume it belongs to: what ``make pdf VOLUME=…`` names."""
        return self.part_of or self.slug


def configured_volumes(app: Sphinx) -> list[Volume]:
    return [
        Volume(slug, spec["title"], tuple(spec["roots"]), split=spec.get("split", 0))
        for slug, spec in atlas_config(app).volumes.items()
    ]


def root_entries(env: BuildEnvironment) -> list[str]:
    """The pages the root document's toctrees list, in order: what volumes are made of."""
    return [
        ref
        for toctree in env.get_doctree(env.config.root_doc).findall(addnodes.toctree)
        for _title, ref in toctree["entries"]
    ]


def _title(env: BuildEnvironment, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def _entry_slug(docname: str) -> str:
    """``systems/discord/index`` → ``discord``; ``incidents/aws-2011-04-21`` → that file name."""
    name = docname.removesuffix("/index").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-").lower() or "part"


def print_units(volume: Volume, env: BuildEnvironment) -> list[Volume]:
    """The PDFs a volume is printed as: itself, or, split, its root pages alone and then its
    entries ``split`` at a time."""
    if not isinstance(volume.split, int) or volume.split < 1:  # a bad value is warned about
        return [replace(volume, listed_in=(env.config.root_doc,))]
    entries = [doc for root in volume.roots for doc in env.toctree_includes.get(root, ())]
    overview = replace(volume, listed_in=(env.config.root_doc,), subtrees=False)
    groups = [entries[i : i + volume.split] for i in range(0, len(entries), volume.split)]
    units, taken = [overview], {volume.slug}
    for number, group in enumerate(groups, 1):
        if volume.split == 1:
            slug, title = _entry_slug(group[0]), f"{volume.title}: {_title(env, group[0])}"
        else:
            slug, title = str(number), f"{volume.title}, part {number} of {len(groups)}"
        slug = f"{volume.slug}-{slug}"
        while slug in taken:  # two entries of the same name in different folders
            slug += "-2"
        taken.add(slug)
        units.append(
            Volume(slug, title, tuple(group), part_of=volume.slug, listed_in=volume.roots,
                   contents=tuple(_title(env, doc) for doc in group))
        )  # fmt: skip
    return units


def members(env: BuildEnvironment, unit: Volume) -> set[str]:
    """The pages a PDF prints: its roots and, unless it is a split volume's first PDF, every
    page their toctrees reach."""
    if not unit.subtrees:
        return set(unit.roots)
    found: set[str] = set()
    pending = list(unit.roots)
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
        if not isinstance(volume.split, int) or volume.split < 0:
            logger.warning(
                "volume %r: split must be a whole number of entries per PDF (0: one PDF), "
                "got %r", volume.slug, volume.split, type="atlas", subtype="volumes",
            )  # fmt: skip
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
        self.printing: list[tuple[Volume, str, Future[list[str]]]] = []
        self.printer: ProcessPoolExecutor | None = None
        self.copied_images: set[str] = set()

    # --- which volumes -----------------------------------------------------------------

    def write(self, build_docnames: Any, updated_docnames: Any, method: Any = "update") -> None:
        self.updated_docs = set(updated_docnames)
        super().write(build_docnames, updated_docnames, method)

    def units(self) -> list[Volume]:
        """Every PDF of every volume, in the order of ``atlas_volumes``."""
        return [unit for v in configured_volumes(self.app) for unit in print_units(v, self.env)]

    def selected(self, units: list[Volume]) -> list[Volume]:
        """What ``atlas_volume`` asks for: a volume (all its PDFs), one PDF of a split volume,
        or, empty, everything."""
        wanted = atlas_config(self.app).volume
        if wanted and wanted not in {name for u in units for name in (u.slug, u.volume)}:
            logger.warning(
                "atlas_volume %r is not a volume; choose one of: %s (or one PDF of a split "
                "volume, such as %s)", wanted, ", ".join(dict.fromkeys(u.volume for u in units)),
                next((u.slug for u in units if u.part_of), "none here"),
                type="atlas", subtype="volumes",
            )  # fmt: skip
        return [u for u in units if not wanted or wanted in (u.slug, u.volume)]

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
            if volume.subtrees:
                part = inline_all_toctrees(
                    self, set(), root, self.env.get_doctree(root), lambda text: text, [root]
                )
            else:
                part = self.list_parts(self.env.get_doctree(root))
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

    def list_parts(self, doctree: nodes.document) -> nodes.document:
        """A split volume's root page, printed alone: each visible toctree becomes a list of its
        entries, each a link to the PDF that prints it; a hidden one goes (the page lists its
        entries itself)."""
        for toctree in list(doctree.findall(addnodes.toctree)):
            listing = nodes.bullet_list(classes=["atlas-volume-parts"])
            for title, ref in [] if toctree.get("hidden") else toctree["entries"]:
                uri = self.get_target_uri(ref)
                part = self.volume_of.get(ref)
                link = nodes.reference("", title or _title(self.env, ref), refuri=uri)
                line = nodes.paragraph("", "", link)
                if part is not None:
                    line += nodes.Text(f" ({part.file_name})")
                listing += nodes.list_item("", line)
            toctree.replace_self([listing] if listing.children else [])
        return doctree

    def volume_toc(self, volume: Volume) -> str:
        """The printed table of contents: this PDF's roots, as the toctrees that list them
        show them (the root toctree's, or the split volume's)."""
        bullets: list[nodes.Node] = []
        for source in volume.listed_in:
            bullets.extend(self._toc_entries(volume, source))
        if not bullets:
            return ""
        container = nodes.compound(classes=["toctree-wrapper"])
        container.extend(bullets)
        return self.render_partial(container)["fragment"]

    def _toc_entries(self, volume: Volume, source: str) -> list[nodes.Node]:
        bullets: list[nodes.Node] = []
        for toctree in self.env.get_doctree(source).findall(addnodes.toctree):
            mine = toctree.deepcopy()
            mine["entries"] = [(t, ref) for t, ref in toctree["entries"] if ref in volume.roots]
            mine["includefiles"] = [ref for _t, ref in mine["entries"]]
            mine["caption"] = None
            if volume.part_of:  # one system or a few incidents: their pages and sections too
                mine["maxdepth"] = 2
            resolved = _resolve_toctree(
                self.env, volume.page, self, mine, prune=True, maxdepth=0,
                collapse=False, includehidden=True, tags=self.tags,
            )  # fmt: skip
            if resolved is not None:
                _drop_other_files(resolved)
                bullets.extend(resolved.children)
        return bullets

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
        units = self.units()
        printed = {unit: members(self.env, unit) for unit in units}
        self.volume_of = {doc: v for v, docs in printed.items() for doc in docs}
        self.last_printed = _read_json(Path(self.outdir) / PRINTED)
        # Largest first: the long PDFs start early and the short ones fill in beside them.
        for volume in sorted(self.selected(units), key=lambda u: -len(printed[u])):
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
            self.print_when_changed(volume)
        self.volume, self.volume_docs = None, set()

    # --- printing ----------------------------------------------------------------------

    def print_when_changed(self, volume: Volume) -> None:
        """Hand the volume's HTML to a print worker, unless its PDF was printed from the same
        HTML: the static files were copied before writing began, the images go now."""
        out = Path(self.outdir)
        html_path = out / f"{volume.page}.html"
        html = anchor_headings(self._toctree_fix(html_path.read_text(encoding="utf-8")))
        html_path.write_text(html, encoding="utf-8")
        digest = hashlib.sha256(html.encode()).hexdigest()
        if self.last_printed.get(volume.slug) == digest and (out / volume.file_name).exists():
            logger.info("volume %s: same HTML as last time, %s kept", volume.slug,
                        volume.file_name)  # fmt: skip
            return
        self.copy_new_images()
        if self.printer is None:
            # Spawned, not forked: a worker holds WeasyPrint's memory only, not a copy of Sphinx's.
            self.printer = ProcessPoolExecutor(
                max_workers=max(1, atlas_config(self.app).pdf_processes),
                mp_context=multiprocessing.get_context("spawn"),
            )
        logger.info("volume %s: printing %s", volume.slug, volume.file_name)
        job = self.printer.submit(print_volume, str(html_path), str(out / volume.file_name))
        self.printing.append((volume, digest, job))

    def copy_new_images(self) -> None:
        """The images of the pages written so far (Sphinx copies them only in ``finish``)."""
        for source, name in self.images.items():
            if source not in self.copied_images:
                self._images_dir.mkdir(parents=True, exist_ok=True)
                copyfile(self.srcdir / source, self._images_dir / name, force=True)
                self.copied_images.add(source)

    def finish(self) -> None:
        # The single-book builder's finish prints root_doc.html; the volumes are printed above.
        super(SimplePdfBuilder, self).finish()
        out = Path(self.outdir)
        printed = _read_json(out / PRINTED)
        for volume, digest, job in self.printing:
            try:
                reported = job.result()
            except Exception as error:  # WeasyPrint failed: the other volumes still ship
                logger.warning("volume %s: WeasyPrint failed: %s", volume.slug, error,
                               type="atlas", subtype="volumes")  # fmt: skip
                printed.pop(volume.slug, None)
                continue
            for line in reported:
                logger.warning("volume %s: WeasyPrint: %s", volume.slug, line,
                               type="atlas", subtype="volumes")  # fmt: skip
            printed[volume.slug] = digest
        if self.printer is not None:
            self.printer.shutdown()
        (out / PRINTED).write_text(json.dumps(printed, indent=1))
        self._write_manifest(out)

    def _write_manifest(self, out: Path) -> None:
        units = self.units()
        current = {unit.file_name for unit in units}
        for stale in out.glob("atlas-*.pdf"):  # a part that no longer exists is not shipped
            if stale.name not in current:
                logger.info("volumes: %s is no longer a volume, removed", stale.name)
                stale.unlink()
        entries = []
        for volume in units:
            pdf = out / volume.file_name
            if pdf.exists():
                pages = len(PdfReader(pdf).pages)
                entries.append({"slug": volume.slug, "volume": volume.volume,
                                "title": volume.title, "file": volume.file_name,
                                "pages": pages, "bytes": pdf.stat().st_size,
                                "roots": list(volume.roots),
                                "contents": list(volume.contents)})  # fmt: skip
        (out / MANIFEST).write_text(json.dumps(entries, indent=1))


def _drop_other_files(toc: nodes.Node) -> None:
    """A split volume's first PDF prints its root pages, and the toctree also reaches their
    entries, printed in the other PDFs: a printed table of contents lists this PDF's pages only
    (the page itself lists the other PDFs)."""
    for item in list(toc.findall(nodes.list_item)):
        link = next(item.findall(nodes.reference), None)
        if link is not None and not link.get("refuri", "#").startswith("#") and item.parent:
            item.parent.remove(item)


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


class _Reported(std_logging.Handler):
    """WeasyPrint's errors and missing anchors, as its command line would print them."""

    def __init__(self) -> None:
        super().__init__(std_logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: std_logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= std_logging.ERROR or "No anchor" in message:
            self.lines.append(f"{record.levelname}: {message}")


def print_volume(html_path: str, target: str) -> list[str]:
    """In a print worker: one volume's HTML to its PDF, its links to other volumes made
    relative; what WeasyPrint reported, for the build log."""
    import weasyprint  # only in the workers: the builder itself never lays out a page

    std_logging.getLogger("weasyprint.progress").setLevel(std_logging.WARNING)
    reported = _Reported()
    weasyprint.LOGGER.addHandler(reported)
    try:
        printing = Path(target).with_suffix(".printing")  # a reader never gets half a PDF
        weasyprint.HTML(filename=html_path).write_pdf(printing)
        link_volumes(printing, Path(target).parent)
        printing.replace(target)
    finally:
        weasyprint.LOGGER.removeHandler(reported)
    return reported.lines


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
    os.environ.setdefault("PYTHONWARNINGS", "ignore")  # the print workers stay quiet

"""``atlas new``: a new entry (or a whole system) as MyST pages written from the data
model, with a ``<FILL: hint>`` placeholder for everything the author must write, added
to the right toctree. ``make check`` fails until every placeholder is replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

from ..model import DIAGRAM_KINDS, ID_PATTERN, KINDS, MANDATORY_DIAGRAM_KINDS
from ..placeholders import MARKER
from .blocks import directive_block, fill
from .project import (
    add_to_toctree,
    docname,
    ensure_index,
    existing_ids,
    source_dir,
    system_page,
)

TEMPLATES = Path(__file__).parent / "templates"
#: What ``atlas new`` can write: the need kinds, and a whole system.
SCAFFOLDS = (*KINDS, "full-system")
#: Where a new page of each kind goes (a folder of the sources, with its index page).
FOLDERS = {
    "system": ("systems", "Systems"),
    "full-system": ("systems", "Systems"),
    "incident": ("incidents", "Incidents"),
    "playbook": ("playbooks", "Playbooks"),
    "guide": ("guides", "Debugging guides"),
    "pattern": ("patterns", "Patterns"),
    "antipattern": ("antipatterns", "Anti-patterns"),
    "migration": ("migrations", "Migrations"),
}
#: The catalogue's entry types: each a page with its lead, its diagram (of this kind, if
#: any), the entry and its first source.
CATALOGUE = {
    "guide": ("debugging", "guide-body.txt", "docs"),
    "pattern": ("pattern", "", "blog"),
    "antipattern": (None, "", "postmortem"),
    "migration": ("migration", "", "blog"),
}
LEAD = fill("the lead: one or two sentences a reader needs before the diagram")
SOURCE_BODY = fill("what the document says that Atlas uses, and how you read it")


class ScaffoldError(Exception):
    """A request ``atlas new`` refuses, with what to do instead."""


@dataclass
class Request:
    kind: str
    need_id: str
    title: str = ""
    system: str | None = None
    into: Path | None = None
    diagram_kind: str | None = None


@dataclass
class Result:
    written: list[Path] = field(default_factory=list)
    updated: list[Path] = field(default_factory=list)
    placeholders: int = 0
    ids: list[str] = field(default_factory=list)


def template(name: str, **values: str) -> str:
    return Template((TEMPLATES / name).read_text(encoding="utf-8")).substitute(values)


def slug(need_id: str, prefix: str, within: str = "") -> str:
    name = need_id.removeprefix(prefix).lower()
    return name.removeprefix(f"{within}-") if within and name != within else name


def article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def heading(kind: str) -> str:
    return kind.replace("-", " ").capitalize()


class Scaffolder:
    def __init__(self, root: Path, request: Request) -> None:
        self.srcdir = source_dir(root)
        self.request = request
        self.result = Result()
        self.ids = existing_ids(self.srcdir)
        self.files: list[tuple[Path, str]] = []
        self.appends: list[tuple[Path, str]] = []
        self.links: list[tuple[Path, str, Path]] = []  # (folder, its title, page)

    # --- checks -------------------------------------------------------------------

    def check(self) -> None:
        r = self.request
        if r.kind not in SCAFFOLDS:
            raise ScaffoldError(f"unknown kind '{r.kind}'; use one of: {', '.join(SCAFFOLDS)}")
        self.check_id(r.need_id, "system" if r.kind == "full-system" else r.kind)
        if r.system and (not r.system.startswith("SYS-") or r.system not in self.ids):
            raise ScaffoldError(
                f"--system {r.system} is not a system of the handbook; "
                "give the SYS-… id of an existing system entry"
            )
        if r.diagram_kind and r.diagram_kind not in DIAGRAM_KINDS:
            raise ScaffoldError(
                f"--kind {r.diagram_kind} is not a diagram kind; use one of: "
                + ", ".join(DIAGRAM_KINDS)
            )
        if r.into and not r.into.exists():
            raise ScaffoldError(f"--into {r.into}: no such page")

    def check_id(self, need_id: str, kind: str) -> None:
        prefix = KINDS[kind].prefix
        if not need_id.startswith(prefix) or not re.match(ID_PATTERN, need_id):
            raise ScaffoldError(
                f"'{need_id}' is not {article(kind)} {kind} id: it must start with "
                f"'{prefix}' and use only A-Z, 0-9 and '-' (e.g. {prefix}EXAMPLE)"
            )
        if need_id in self.ids:
            raise ScaffoldError(
                f"{need_id} already exists at {self.ids[need_id]}; choose another id"
            )

    # --- writing: planned first, done once nothing was refused ------------------------

    def write(self, path: Path, text: str) -> None:
        if path.exists() or any(path == p for p, _ in self.files):
            raise ScaffoldError(f"{path} already exists; choose another id or move the file")
        self.files.append((path, text.rstrip("\n") + "\n"))

    def append(self, page: Path, text: str) -> None:
        self.appends.append((page, text))

    def new_page(self, kind: str, name: str, text: str) -> None:
        folder, title = FOLDERS[kind]
        page = self.srcdir / folder / f"{name}.md"
        self.write(page, text)
        self.links.append((self.srcdir / folder, title, page))

    def commit(self) -> None:
        for path, text in self.files:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.result.written.append(path)
            self.result.placeholders += len(MARKER.findall(text))
        for page, text in self.appends:
            old = page.read_text(encoding="utf-8").rstrip("\n")
            page.write_text(f"{old}\n\n{text}\n", encoding="utf-8")
            self.result.updated.append(page)
            self.result.placeholders += len(MARKER.findall(text))
        for folder, title, page in self.links:
            index = ensure_index(self.srcdir, folder, title)
            add_to_toctree(index, docname(folder, page))
            if index not in self.result.updated:
                self.result.updated.append(index)

    # --- the kinds ------------------------------------------------------------------

    def run(self) -> Result:
        self.check()
        r = self.request
        getattr(self, f"new_{r.kind.replace('-', '_')}")()
        self.commit()
        self.result.ids.insert(0, r.need_id)
        return self.result

    def block(self, directive: str, need_id: str, title: str = "", body: str = "", **given: str):
        """One entry's block; ids the request did not name are checked too."""
        if need_id != self.request.need_id:
            self.check_id(need_id, directive)
            self.result.ids.append(need_id)
        fence = "````" if "```" in body else "```"
        return directive_block(directive, need_id, title, given, body, fence)

    def system_links(self) -> dict[str, str]:
        return {"system": self.request.system} if self.request.system else {}

    def new_system(self) -> None:
        r = self.request
        entry = self.block("system", r.need_id, r.title)
        self.new_page(
            "system",
            slug(r.need_id, "SYS-"),
            template("system.md", title=self.title(), entry=entry),
        )

    def new_full_system(self) -> None:
        r = self.request
        name = slug(r.need_id, "SYS-")
        folder = self.srcdir / "systems" / name
        if folder.exists():
            raise ScaffoldError(f"{folder} already exists; choose another id")
        system = name.upper()
        source_id = f"SRC-{system}-SOURCE-1"
        for kind in MANDATORY_DIAGRAM_KINDS:
            diagram = self.diagram_block(f"DGM-{system}-{kind.upper()}", kind, r.need_id, source_id)
            text = template("diagram-page.md", heading=heading(kind), entry=diagram)
            self.write(folder / f"{kind}.md", text)
        source = self.block("source", source_id, body=SOURCE_BODY)
        self.write(folder / "sources.md", template("sources.md", title=self.title(), entry=source))
        entry = self.block("system", r.need_id, r.title)
        pages = "\n".join([*MANDATORY_DIAGRAM_KINDS, "sources"])
        index_text = template("system-index.md", title=self.title(), entry=entry, pages=pages)
        self.write(folder / "index.md", index_text)
        self.links.append((self.srcdir / "systems", "Systems", folder / "index.md"))

    def diagram_block(self, need_id: str, kind: str | None, system: str | None, source: str = ""):
        given = {"kind": kind or "", "system": system or "", "sources": source}
        mermaid = (TEMPLATES / "flowchart.mmd").read_text(encoding="utf-8")
        title = self.request.title if need_id == self.request.need_id else ""
        title = title or fill(f"the {heading(kind or 'diagram').lower()} diagram's title")
        return self.block(
            "diagram", need_id, title, mermaid, **{k: v for k, v in given.items() if v}
        )

    def new_diagram(self) -> None:
        r = self.request
        self.place(self.diagram_block(r.need_id, r.diagram_kind, r.system), "DGM-")

    def new_metric(self) -> None:
        r = self.request
        self.place(self.block("metric", r.need_id, r.title, **self.system_links()), "MET-")

    def new_source(self) -> None:
        r = self.request
        self.place(self.block("source", r.need_id, r.title, SOURCE_BODY), "SRC-")

    def place(self, entry: str, prefix: str) -> None:
        """An entry that lives inside a page: appended to --into, or a new page next to
        its system's pages."""
        r = self.request
        if r.into:
            self.append(r.into, entry)
            return
        if not r.system:
            raise ScaffoldError(
                f"say where the {r.kind} goes: --into PAGE.md (an existing page), or --system "
                "SYS-… (a new page in that system's folder)"
            )
        home = system_page(self.srcdir, r.system)
        if home is None or home.name != "index.md":
            raise ScaffoldError(
                f"{r.system} is a single page ({home}); add the {r.kind} to it with --into {home}"
            )
        name = slug(r.need_id, prefix, home.parent.name)
        page = home.parent / f"{name}.md"
        self.write(page, template("entry-page.md", heading=self.title(), entry=entry))
        self.links.append((home.parent, "", page))

    def new_incident(self) -> None:
        r = self.request
        name = slug(r.need_id, "INC-")
        upper = name.upper()
        source_id, diagram_id = f"SRC-{upper}-POSTMORTEM", f"DGM-{upper}-CASCADE"
        source = self.block("source", source_id, body=SOURCE_BODY)
        timeline = (TEMPLATES / "timeline.txt").read_text(encoding="utf-8")
        given = {"sources": source_id, "diagrams": diagram_id, **self.system_links()}
        entry = self.block("incident", r.need_id, r.title, timeline, **given)
        diagram = self.diagram_block(diagram_id, "incident", r.system, source_id)
        text = template(
            "incident.md", title=self.title(), source=source, entry=entry, diagram=diagram
        )
        self.new_page("incident", name, text)

    def new_playbook(self) -> None:
        r = self.request
        body = (TEMPLATES / "playbook-body.txt").read_text(encoding="utf-8")
        entry = self.block("playbook", r.need_id, r.title, body)
        self.new_page(
            "playbook",
            slug(r.need_id, "PBK-"),
            template("entry-page.md", heading=self.title(), entry=entry),
        )

    def new_guide(self) -> None:
        self.new_catalogue_entry()

    def new_pattern(self) -> None:
        self.new_catalogue_entry()

    def new_antipattern(self) -> None:
        self.new_catalogue_entry()

    def new_migration(self) -> None:
        self.new_catalogue_entry()

    def new_catalogue_entry(self) -> None:
        r = self.request
        diagram_kind, body_name, source_kind = CATALOGUE[r.kind]
        prefix = KINDS[r.kind].prefix
        name = slug(r.need_id, prefix)
        upper = name.upper()
        source_id = f"SRC-{upper}-SOURCE-1"
        source = self.block("source", source_id, body=SOURCE_BODY, kind=source_kind)
        given = {"sources": source_id, **self.system_links()}
        diagram = ""
        if diagram_kind:
            diagram_id = f"DGM-{upper}-{diagram_kind.upper()}"
            diagram = self.diagram_block(diagram_id, diagram_kind, r.system, source_id)
            given["diagrams"] = diagram_id
        body = (TEMPLATES / body_name).read_text(encoding="utf-8") if body_name else ""
        body = body or fill(f"what a reader should know about this {r.kind}, with sources")
        entry = self.block(r.kind, r.need_id, r.title, body, **given)
        text = template(
            "catalogue-page.md",
            title=self.title(),
            lead=LEAD,
            diagram=diagram,
            entry=entry,
            source=source,
        )
        self.new_page(r.kind, name, text)

    def title(self) -> str:
        return self.request.title or fill("the page title")


def scaffold(root: Path, request: Request) -> Result:
    """Write the pages of ``request`` under ``root``; raise :class:`ScaffoldError` when refused."""
    return Scaffolder(root, request).run()

"""What a scaffold needs to know about the project on disk: the ids in use, where a
system's pages are, and the toctrees a new page joins."""

from __future__ import annotations

import os
import re
from pathlib import Path

ID_LINE = re.compile(r"^\s*:id:\s*(?P<id>[A-Z][A-Z0-9-]*)\s*$", re.M)
SYSTEM_BLOCK = re.compile(r"^(`{3,}|:{3,})\{system\}.*\n(?::\w+:.*\n)*?:id:\s*(?P<id>\S+)", re.M)
TOCTREE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{toctree\}[^\n]*\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S
)


def source_dir(root: Path) -> Path:
    """The Sphinx source folder: ``source/`` of a project, else the folder itself."""
    return root / "source" if (root / "source" / "index.md").exists() else root


def pages(srcdir: Path) -> list[Path]:
    return sorted(
        p
        for pattern in ("*.md", "*.rst")
        for p in srcdir.rglob(pattern)
        if not any(part.startswith(("_", ".")) for part in p.relative_to(srcdir).parts)
    )


def existing_ids(srcdir: Path) -> dict[str, str]:
    """id → 'file:line' of every entry in the sources."""
    found: dict[str, str] = {}
    for page in pages(srcdir):
        text = page.read_text(encoding="utf-8")
        for match in ID_LINE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.setdefault(match["id"], f"{os.path.relpath(page)}:{line}")
    return found


def system_page(srcdir: Path, system_id: str) -> Path | None:
    """The page that defines the system entry ``system_id``."""
    for page in pages(srcdir):
        if any(m["id"] == system_id for m in SYSTEM_BLOCK.finditer(page.read_text("utf-8"))):
            return page
    return None


def docname(srcdir: Path, page: Path) -> str:
    return page.relative_to(srcdir).with_suffix("").as_posix()


def add_to_toctree(index: Path, entry: str) -> None:
    """Append ``entry`` to the first toctree of ``index`` (or give the page one)."""
    text = index.read_text(encoding="utf-8")
    match = TOCTREE.search(text)
    if match is None:
        block = f"```{{toctree}}\n:maxdepth: 1\n\n{entry}\n```\n"
        index.write_text(text.rstrip("\n") + "\n\n" + block, encoding="utf-8")
        return
    lines = match["body"].rstrip("\n").splitlines()
    if entry in (line.strip() for line in lines):
        return
    if lines and lines[-1].startswith(":"):
        lines.append("")  # a blank line between the options and the entries
    body = "\n".join([*lines, entry]) + "\n"
    index.write_text(text[: match.start("body")] + body + text[match.end("body") :], "utf-8")


def ensure_index(srcdir: Path, folder: Path, title: str) -> Path:
    """``folder/index.md``, created and linked from the root page when missing."""
    index = folder / "index.md"
    if not index.exists():
        folder.mkdir(parents=True, exist_ok=True)
        index.write_text(f"# {title}\n\n```{{toctree}}\n:maxdepth: 1\n```\n", encoding="utf-8")
        add_to_toctree(srcdir / "index.md", docname(srcdir, index))
    return index

"""Placeholders: the ``<FILL: hint>`` marks that ``atlas new`` writes and ``make check``
rejects until an author replaces them.

Each placeholder is reported once, where it stands (file, line, the entry's id, the
hint as the fix), when the page is read. The directives and the timeline then treat a
value holding a placeholder as not given yet — without a second warning — and the
gates of an unfilled entry fail without judging text that is not written yet.

Code is not content: a placeholder inside inline code or a fenced code block (other
than a directive) is an example, not a gap, so the guides can show one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .problems import report

MARKER = re.compile(r"<FILL:\s+(?P<hint>[^<>]*?)\s*>")
FENCE = re.compile(r"^\s*(?P<mark>`{3,}|:{3,}|~{3,})\s*(?P<info>\{[\w:-]+\}|[^\s`]*)")
ID_OPTION = re.compile(r"^\s*:id:\s*(?P<id>\S+)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


@dataclass(frozen=True)
class Placeholder:
    line: int  # 1-based
    hint: str
    need_id: str | None


def has_placeholder(text: str | None) -> bool:
    return bool(text) and MARKER.search(text) is not None  # type: ignore[arg-type]


@dataclass
class _Block:
    mark: str
    directive: bool
    need_id: str | None = None


def find_placeholders(text: str) -> Iterator[Placeholder]:
    """Every placeholder of a MyST page outside code, with the id of the entry it is in."""
    lines = text.splitlines()
    blocks: list[_Block] = []
    for index, line in enumerate(lines):
        if _closes(blocks, line):
            blocks.pop()
            continue
        if (fence := FENCE.match(line)) and (not blocks or blocks[-1].directive):
            directive = fence["info"].startswith("{")
            need_id = _option_id(lines, index + 1) if directive else None
            blocks.append(_Block(fence["mark"], directive, need_id))
            if not directive:
                continue
        elif blocks and not blocks[-1].directive:
            continue  # inside a code block
        for match in MARKER.finditer(INLINE_CODE.sub(_blank, line)):
            yield Placeholder(index + 1, match["hint"], _innermost_id(blocks))


def _closes(blocks: list[_Block], line: str) -> bool:
    if not blocks:
        return False
    mark = blocks[-1].mark
    stripped = line.strip()
    return stripped[:1] == mark[0] and set(stripped) == {mark[0]} and len(stripped) >= len(mark)


def _option_id(lines: list[str], start: int) -> str | None:
    """The ``:id:`` among the option lines that follow a directive's first line."""
    for line in lines[start:]:
        if not line.lstrip().startswith(":"):
            return None
        if found := ID_OPTION.match(line):
            return found["id"]
    return None


def _innermost_id(blocks: list[_Block]) -> str | None:
    return next((b.need_id for b in reversed(blocks) if b.need_id), None)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match[0])


# --- the build ------------------------------------------------------------------


def unfilled_ids(env: BuildEnvironment) -> dict[str, set[str]]:
    """docname → ids of the entries that still hold a placeholder."""
    if not hasattr(env, "atlas_unfilled"):
        env.atlas_unfilled = {}  # type: ignore[attr-defined]
    return env.atlas_unfilled  # type: ignore[attr-defined]


def is_unfilled(env: BuildEnvironment, need_id: str) -> bool:
    return any(need_id in ids for ids in unfilled_ids(env).values())


def _check_page(app: Sphinx, docname: str, source: list[str]) -> None:
    found = list(find_placeholders(source[0]))
    unfilled_ids(app.env)[docname] = {p.need_id for p in found if p.need_id}
    for placeholder in found:
        report(
            (docname, placeholder.line),
            placeholder.need_id,
            f"placeholder left: {placeholder.hint}",
            "write it in place of the whole <FILL: …> mark",
            "placeholder",
        )


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    unfilled_ids(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment):
    unfilled_ids(env).update({d: ids for d, ids in unfilled_ids(other).items() if d in docnames})


def setup_placeholders(app: Sphinx) -> None:
    app.connect("source-read", _check_page)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)

"""At the end of a build with warnings: every problem again, grouped by file.

Warnings scroll past between hundreds of progress lines, in the order Sphinx happens
to meet them. A newcomer running ``make check`` gets, at the end, one block per file,
each line with the line number, the entry's id, the rule, the problem and the fix.
"""

from __future__ import annotations

import logging
import os
import re
from collections import defaultdict
from dataclasses import dataclass

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging as sphinx_logging

logger = sphinx_logging.getLogger("atlas")

LOCATION = re.compile(r"^(?P<file>.*?)(?::(?P<line>\d+))?$")
TYPE_SUFFIX = re.compile(r"(\s\[[\w.-]+\])+$")  # Sphinx appends "[type.subtype]"
SUBJECT = re.compile(r"^(?P<id>[A-Z]{3}-[A-Z0-9-]+): (?P<text>.*)$", re.S)


@dataclass(frozen=True)
class Problem:
    file: str  # "" when the warning names no file
    line: int | None
    need_id: str
    rule: str
    text: str


class ProblemCollector(logging.Handler):
    """Keeps every warning Sphinx shows. It reads records without changing them: the
    records are shared with Sphinx's own handlers."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", "") or "", getattr(record, "subtype", "") or ""
        # Warnings held back while reading are handed to the logger again later.
        if getattr(record, "atlas_collected", False) or sphinx_logging.is_suppressed_warning(
            kind, subtype, self.app.config.suppress_warnings
        ):
            return
        record.atlas_collected = True
        file, line = self.location(getattr(record, "location", None))
        message = TYPE_SUFFIX.sub("", logging.LogRecord.getMessage(record).strip())
        subject = SUBJECT.match(message)
        self.problems.append(
            Problem(
                os.path.relpath(file) if file else "",
                line,
                subject["id"] if subject else "-",
                ".".join(p for p in (kind, subtype) if p) or "sphinx",
                subject["text"] if subject else message,
            )
        )

    def location(self, location: object) -> tuple[str, int | None]:
        """(file, line) of a warning's location, whichever form Sphinx was given."""
        if isinstance(location, tuple):
            docname, line = location
            return (str(self.app.env.doc2path(docname)) if docname else "", line or None)
        if isinstance(location, nodes.Node):
            location = sphinx_logging.get_node_location(location)
        if not location:
            return ("", None)
        text = str(location)
        if ":" not in text:
            return (str(self.app.env.doc2path(text)), None)
        found = LOCATION.match(text)
        return (found["file"], int(found["line"]) if found["line"] else None)  # type: ignore[index]


def grouped(problems: list[Problem]) -> str:
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.file].append(problem)
    lines = [
        f"Atlas check: {len(problems)} problem(s) in {len(by_file)} file(s), grouped by file "
        "(line, entry, rule, problem and fix):"
    ]
    for file in sorted(by_file, key=lambda f: (f == "", f)):
        lines += ["", file or "(no file)"]
        for p in sorted(by_file[file], key=lambda p: (p.line or 0, p.need_id)):
            text = " ".join(p.text.split())
            lines.append(f"  {p.line or '-':>5}  {p.need_id}  [{p.rule}]  {text}")
    return "\n".join(lines)


def _start(app: Sphinx) -> None:
    collector = ProblemCollector(app)
    logging.getLogger(sphinx_logging.NAMESPACE).addHandler(collector)
    app.atlas_problems = collector  # type: ignore[attr-defined]


def _finish(app: Sphinx, exception: Exception | None) -> None:
    collector: ProblemCollector | None = getattr(app, "atlas_problems", None)
    if collector is None:
        return
    logging.getLogger(sphinx_logging.NAMESPACE).removeHandler(collector)
    if collector.problems:
        logger.info("\n" + grouped(collector.problems))


def setup_summary(app: Sphinx) -> None:
    app.connect("builder-inited", _start)
    app.connect("build-finished", _finish, priority=900)

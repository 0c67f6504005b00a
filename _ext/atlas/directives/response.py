"""``signals`` and ``first-checks``: what a responder looks for and checks first.

The 3 AM test asks a playbook (and a debugging guide) for the exact error messages,
metric names and log lines that show the failure, and the first checks in order, each a
real command or query. Both are lists whose every item must carry code markup; an item
without it is reported at its line with the fix, and the owning entry's gate fails.
"""

from __future__ import annotations

from collections.abc import Iterator

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..placeholders import has_placeholder
from ..problems import report

#: Joins the problems and signals stored on a need.
PROBLEM_SEPARATOR = " | "
#: Where the entry being read leaves its id for the blocks inside it.
ENTRY_BEING_READ = "atlas_entry_id"
#: Inline nodes that name something exact: code, a link, a reference to another entry.
EXACT = ("literal", "literal_block", "reference", "pending_xref", "NeedRef", "need_reference")


def names_something_exact(item: nodes.Element) -> bool:
    """Whether a list item names something exact (an unwritten one is reported as such)."""
    if has_placeholder(item.astext()):
        return True
    return any(type(node).__name__ in EXACT for node in item.findall(nodes.Element))


class ResponseList(SphinxDirective):
    """A titled list whose every item names something exact."""

    has_content = True
    title: str
    css_class: str
    list_type: type[nodes.Element]
    item_name: str
    fix: str

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["atlas-response", self.css_class])
        box += nodes.rubric(self.title, self.title)
        parsed = self.parse_content_to_nodes()
        box.extend(parsed)
        box["atlas_problems"] = list(self._problems(parsed))
        return [box]

    def _problems(self, parsed: list[nodes.Node]) -> Iterator[str]:
        lists = [n for n in parsed if isinstance(n, self.list_type)]
        if not lists:
            yield self._report(self.lineno, f"the {self.name} block holds no {self.shape}",
                               f"write the {self.item_name}s as a {self.shape}")  # fmt: skip
            return
        for number, item in enumerate(lists[0].children, start=1):
            if not names_something_exact(item):
                line = item.line or self.lineno
                yield self._report(line, f"{self.item_name} {number} {self.missing}", self.fix)

    @property
    def shape(self) -> str:
        return "numbered list" if self.list_type is nodes.enumerated_list else "bullet list"

    missing = "has nothing in code markup"

    def _report(self, line: int, problem: str, fix: str) -> str:
        entry = self.env.temp_data.get(ENTRY_BEING_READ)
        report((self.env.docname, line), entry, problem, fix, "field")
        return problem


class SignalsDirective(ResponseList):
    title = "Signals"
    css_class = "atlas-signals"
    list_type = nodes.bullet_list
    item_name = "signal"
    missing = "quotes no exact error message, metric name or log line"
    fix = "put the exact text in backticks, e.g. `upstream connect error` or `http_5xx_total`"


class FirstChecksDirective(ResponseList):
    title = "First checks"
    css_class = "atlas-first-checks"
    list_type = nodes.enumerated_list
    item_name = "check"
    missing = "names no command or query"
    fix = "give the command or query in backticks, e.g. `kubectl get pods -o wide`"


def response_problems(parsed: list[nodes.Node]) -> list[tuple[str, str]]:
    """(problem, fix) for an entry's body: its signals and first checks must be there,
    well formed; problems inside them were already reported where they stand."""
    found: list[tuple[str, str]] = []
    boxes = {name: [] for name in ("atlas-signals", "atlas-first-checks")}
    for node in parsed:
        for box in node.findall(nodes.container):
            for name in boxes.keys() & set(box["classes"]):
                boxes[name].append(box)
    for name, directive in (("atlas-signals", "signals"), ("atlas-first-checks", "first-checks")):
        if not boxes[name]:
            found.append((f"has no {{{directive}}} block", _ADD[directive]))
        for box in boxes[name]:
            found += [(problem, "") for problem in box.get("atlas_problems", [])]
    return found


_ADD = {
    "signals": "add a ```{signals}``` block: a bullet list of the exact error messages, "
    "metric names or log lines that show the failure, each in backticks",
    "first-checks": "add a ```{first-checks}``` block: a numbered list of the first checks in "
    "order, each a command or query in backticks",
}


def signal_texts(parsed: list[nodes.Node]) -> list[str]:
    """The text of every signal listed in an entry's body (for the symptom index)."""
    texts = []
    for root in parsed:
        for box in root.findall(nodes.container):
            if "atlas-signals" in box["classes"]:
                for items in box.findall(nodes.bullet_list):
                    texts += [" ".join(item.astext().split()) for item in items.children]
    return texts


def vague_steps(parsed: list[nodes.Node]) -> Iterator[tuple[int | None, int]]:
    """(line, step number) of each step that names no command, metric, file or console
    path — "check the logs" alone helps nobody at 3 AM. The steps are the numbered list
    under the "Steps" rubric, else the body's first numbered list."""
    steps = _steps(parsed)
    for number, item in enumerate(steps.children if steps else [], start=1):
        if not names_something_exact(item):
            yield (item.line, number)


def _steps(parsed: list[nodes.Node]) -> nodes.enumerated_list | None:
    for rubric in (n for root in parsed for n in root.findall(nodes.rubric)):
        if rubric.astext().strip().lower().startswith("steps"):
            return _next_list(rubric)
    return next((n for n in parsed if isinstance(n, nodes.enumerated_list)), None)


def _next_list(rubric: nodes.rubric) -> nodes.enumerated_list | None:
    parent = rubric.parent
    if parent is None:
        return None
    after = parent.children[parent.index(rubric) + 1 :]
    for sibling in after:
        if isinstance(sibling, nodes.enumerated_list):
            return sibling
        if isinstance(sibling, nodes.rubric):
            return None
    return None


def setup_response(app: Sphinx) -> None:
    app.add_directive("signals", SignalsDirective)
    app.add_directive("first-checks", FirstChecksDirective)

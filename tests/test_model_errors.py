"""Bad input: one located, actionable warning per problem; the rest still builds; strict fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import ROOTS, build_root, located_warnings, run_sphinx

EXPECTED = [
    # (line, id, rule, fragment of the problem, fragment of the fix)
    (
        12,
        "SRC-NO-PUBLISHER",
        "field",
        "required field ':publisher:' is missing",
        "add ':publisher:'",
    ),
    (20, "SRC-BAD-DATE", "field", "':published:' is invalid", "YYYY-MM-DD"),
    (
        29,
        "SRC-SCRIPT",
        "field",
        "':url:' is invalid: \"javascript:alert(1)\"",
        "http:// or https://",
    ),
    (44, "MET-DEAD-LINK", "link", "links 'SRC-NOWHERE', which is not defined", "correct the id"),
    (55, "MET-WRONG-TYPE", "link", "must link a source, but 'SYS-EX' is a system", "SRC-…"),
    (66, "SRC-OK", "id", "the id is already defined at", "different :id:"),
    (75, "SOURCE-1", "id", "must start with 'MET-'", "'MET-SOURCE-1'"),
    (86, "MET-LEVEL-A", "validation", "needs ExampleCorp's own publication", "lower the level"),
    (97, "INC-BACKWARDS", "gate", "3 AM test: links no playbook", "':playbooks: PBK-"),
    (115, "INC-BACKWARDS", "timeline", "goes backwards at '10:20'", "order the events"),
    (120, "MET-NOWHERE", "reference", "unknown metric", "define it with a metric directive"),
    (
        122,
        "MET-B-ONE",
        "validation",
        "two independent sources; found 1 source",
        "second source that did its own reporting",
    ),
    (132, "MET-C-NO-NOTE", "field", "must say why it is uncertain", "add ':note:'"),
    (142, "MET-NO-SOURCES", "link", "needs at least one ':sources:' link", "':sources: SRC-"),
    (
        152,
        "INC-START-MISMATCH",
        "field",
        "':duration:' 2h disagrees with started→ended (1h)",
        "drop",
    ),
    (152, "INC-START-MISMATCH", "gate", "3 AM test: links no playbook", "':playbooks: PBK-"),
    (
        168,
        "INC-START-MISMATCH",
        "timeline",
        "first timeline event (2023-01-01T10:05:00Z)",
        ":started:",
    ),
]


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return build_root("test-model-errors", tmp_path_factory)


def test_one_warning_per_problem_with_location_id_and_fix(broken: SphinxTestApp) -> None:
    warnings = located_warnings(broken)
    assert {name for name, *_ in warnings} == {"index.md"}
    found = [(line, need_id, rule, text) for _, line, need_id, rule, text in warnings]
    assert [(line, need_id, rule) for line, need_id, rule, _ in found] == [
        (line, need_id, rule) for line, need_id, rule, _, _ in EXPECTED
    ]
    for (_, _, _, text), (_, _, _, problem, fix) in zip(found, EXPECTED, strict=True):
        assert problem in text
        assert "Fix: " in text and fix in text.split("Fix: ", 1)[1]


def test_the_rest_still_builds(broken: SphinxTestApp) -> None:
    page = BeautifulSoup((Path(broken.outdir) / "index.html").read_text(), "html.parser")
    # Entries with a bad field still show, without the bad value.
    assert page.find(id="SRC-NO-PUBLISHER")
    script = page.find(id="SRC-SCRIPT")
    assert script and not script.find("a", href=re.compile("javascript"))
    # An id without its prefix is not registered, but its figure is still listed.
    figures = [row.td.p.get_text() for row in page.select("table.atlas-figures tbody tr")]
    assert "Missing prefix" in figures
    data = json.loads((Path(broken.outdir) / "needs.json").read_text())
    needs = data["versions"][data["current_version"]]["needs"]
    assert needs["SRC-NO-PUBLISHER"]["publisher"] is None
    assert needs["SRC-BAD-DATE"]["published"] is None
    assert "SOURCE-1" not in needs


def test_strict_build_fails(tmp_path: Path, sphinx_build: Path) -> None:
    root = ROOTS / "test-model-errors"
    cache = f"-Datlas_mermaid_cache={tmp_path / 'cache'}"
    result = run_sphinx(sphinx_build, root, root, tmp_path / "out", "-W", "--keep-going", cache)
    assert result.returncode != 0
    assert "MET-LEVEL-A" in result.stderr

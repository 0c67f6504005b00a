"""Quality gates: every rule passes on passing.md and fails on failing.md of test-gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from conftest import build_root, located_warnings

GATE_FIELDS = ("gate_reality", "gate_visual", "gate_learning", "gate_3am")

# need id → (reality, visual, learning, 3 AM, stale)
EXPECTED_FIELDS = {
    "DGM-G-ARCH": ("pass", "pass", "pass", "pass", False),
    "DGM-G-DOMAINS": ("pass", "pass", "pending", "pending", False),
    "MET-G-FRESH": ("pass", None, None, None, False),
    "MET-G-HISTORICAL": ("pass", None, None, None, False),
    "PBK-G": ("pass", None, None, "pass", False),
    "INC-G": ("pass", None, None, "pending", False),
    "MET-G-STALE": ("pass", None, None, None, True),
    "DGM-G-STALE": ("pass", "pass", "pending", "pending", True),
    "DGM-G-NOPLANES": ("pass", "fail", "pending", "pending", False),
    "DGM-G-LOOSE": ("pass", "fail", "pending", "pending", False),
    "DGM-G-NOSLO": ("pass", "fail", "pending", "pending", False),
    "DGM-G-NOACC": ("pass", "fail", "pending", "pending", False),
    "DGM-G-BIG": ("pass", "pass", "fail", "pending", False),
    "DGM-G-BROKEN": ("pass", "fail", "pending", "pending", False),
    "DGM-G-ACRONYM": ("pass", "pass", "fail", "pending", False),
    "DGM-G-NODIR": ("pass", "pass", "fail", "pending", False),
    "DGM-G-REJECTED": ("pass", "pass", "fail", "pending", False),
    "DGM-G-NOPLAYBOOK": ("pass", "pass", "pending", "fail", False),
    "PBK-G-VAGUE": ("pass", None, None, "fail", False),
    "MET-G-LEVEL": ("fail", None, None, None, False),
    "DGM-G-LOWCONTRAST": ("pass", "fail", "pending", "pending", False),
}

# (line in failing.md, need id, rule, fragment): one warning per failing machine check.
EXPECTED_WARNINGS = [
    (40, "DGM-G-NOPLANES", "gate", "node(s) in no plane: Web, App"),
    (40, "DGM-G-NOPLANES", "gate", "missing or wrongly coloured: edge, service, state, control"),
    (51, "DGM-G-LOOSE", "gate", "node(s) in no plane: Database"),
    (67, "DGM-G-NOSLO", "gate", "no edge carries a latency or SLO label"),
    (79, "DGM-G-NOACC", "gate", "no text for screen readers"),
    (89, "DGM-G-BIG", "gate", "Learning efficiency: 7 nodes (limit 6)"),
    (108, "DGM-G-BROKEN", "mermaid", "Mermaid cannot render the diagram"),
    (111, "DGM-G-ACRONYM", "gate", "acronym(s) not in the glossary: TLS"),
    (122, "DGM-G-NODIR", "gate", "the flowchart declares no direction"),
    (147, "DGM-G-NOPLAYBOOK", "gate", "links no playbook"),
    (147, "DGM-G-NOPLAYBOOK", "gate", "names no signal that shows the failure"),
    (164, "PBK-G-VAGUE", "field", "has no {first-checks} block"),
    (164, "PBK-G-VAGUE", "field", "has no {signals} block"),
    (164, "PBK-G-VAGUE", "gate", "has no numbered steps"),
    (164, "PBK-G-VAGUE", "gate", "has no rollback"),
    (164, "PBK-G-VAGUE", "gate", "has no verification"),
    (174, "SRC-G-INCOMPLETE", "field", "required field ':publisher:' is missing"),
    (182, "MET-G-LEVEL", "validation", "two independent sources; found 1 source"),
    (192, "INC-G-ORPHAN", "gate", "links no playbook"),
    (209, "DGM-G-LOWCONTRAST", "gate", "the label 'Pale box' has 1.1:1 contrast against its fill"),
]


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory) -> SphinxTestApp:
    return build_root("test-gates", tmp_path_factory)


def registry(app: SphinxTestApp) -> dict:
    data = json.loads((Path(app.outdir) / "needs.json").read_text())
    return data["versions"][data["current_version"]]["needs"]


def badges(app: SphinxTestApp, page: str, need_id: str) -> dict[str, str]:
    """Badge text → hover explanation, in the gate row of a card."""
    html = BeautifulSoup((Path(app.outdir) / f"{page}.html").read_text(), "html.parser")
    row = html.find(id=need_id).select_one(".atlas-gates")
    return {b.get_text(): b.get("title", "") for b in row.select(".atlas-badge")}


def test_gate_outcomes_are_recorded_in_each_need(gates: SphinxTestApp) -> None:
    needs = registry(gates)
    found = {
        need_id: (*(needs[need_id][f] for f in GATE_FIELDS), needs[need_id]["stale"])
        for need_id in EXPECTED_FIELDS
    }
    assert found == EXPECTED_FIELDS


def test_gate_notes_say_why(gates: SphinxTestApp) -> None:
    needs = registry(gates)
    assert needs["DGM-G-ARCH"]["gate_notes"] is None
    assert (
        "Learning efficiency: checks pass; waiting for a reviewer (:review_learning:)"
        in (needs["DGM-G-DOMAINS"]["gate_notes"])
    )
    assert "Ada Reviewer declared it failed" in needs["DGM-G-REJECTED"]["gate_notes"]
    assert (
        "Production reality: validation B needs two independent sources"
        in (needs["MET-G-LEVEL"]["gate_notes"])
    )


def test_one_warning_per_failing_machine_check(gates: SphinxTestApp) -> None:
    warnings = located_warnings(gates)
    assert {name for name, *_ in warnings} == {"failing.md"}
    found = [(line, i, rule, text) for _, line, i, rule, text in warnings]
    assert [(line, i, rule) for line, i, rule, _ in found] == [
        (line, i, rule) for line, i, rule, _ in EXPECTED_WARNINGS
    ]
    for (_, _, _, message), (_, _, _, fragment) in zip(found, EXPECTED_WARNINGS, strict=True):
        assert fragment in message and "Fix: " in message


def test_pending_and_reviewer_verdicts_never_warn(gates: SphinxTestApp) -> None:
    warned = {need_id for _, _, need_id, _, _ in located_warnings(gates)}
    for quiet in ("DGM-G-DOMAINS", "DGM-G-REJECTED", "DGM-G-STALE", "INC-G", "MET-G-STALE"):
        assert quiet not in warned


def test_badge_row_under_each_diagram(gates: SphinxTestApp) -> None:
    passing = badges(gates, "passing", "DGM-G-ARCH")
    assert list(passing) == ["✓ Reality", "✓ Visual", "✓ Learning", "✓ 3 AM", "Level A"]
    assert passing["✓ Visual"] == "Visual consistency: pass"
    failing = badges(gates, "failing", "DGM-G-NOSLO")
    assert failing["✗ Visual"].startswith("Visual consistency: fail — no edge carries a latency")
    assert failing["Learning: checks ✓ · review pending"].startswith(
        "Learning efficiency: pending — checks pass; waiting for a reviewer"
    )
    stale = badges(gates, "failing", "DGM-G-STALE")
    assert "stale" in stale
    assert "stale" in badges(gates, "failing", "MET-G-STALE")
    html = BeautifulSoup((Path(gates.outdir) / "failing.html").read_text(), "html.parser")
    notes = html.find(id="PBK-G-VAGUE").select(".atlas-gate-notes li")
    assert [n.get_text() for n in notes] == [
        "3 AM test (fail): has no {signals} block",
        "3 AM test (fail): has no {first-checks} block",
        "3 AM test (fail): has no numbered steps",
        "3 AM test (fail): has no verification",
        "3 AM test (fail): has no rollback",
    ]


def test_strict_build_fails_on_machine_gates_only(tmp_path: Path, sphinx_build: Path) -> None:
    from conftest import LOCAL_MERMAID, ROOTS, run_sphinx

    root = ROOTS / "test-gates"
    settings = {**LOCAL_MERMAID, "atlas_mermaid_cache": str(tmp_path / "cache")}
    options = [f"-D{k}={v}" for k, v in settings.items()]
    result = run_sphinx(sphinx_build, root, root, tmp_path / "out", "-W", "--keep-going", *options)
    assert result.returncode != 0
    assert "DGM-G-NOSLO" in result.stderr

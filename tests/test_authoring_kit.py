"""The authoring kit: ``atlas new`` for every kind, placeholders that fail the strict build at
their file:line until filled, the grouped ``make check`` summary, and the pre-commit hooks."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from atlas.placeholders import MARKER, find_placeholders
from conftest import MERMAID_DIST, PROJECT, ROOTS
from conftest import build_app as build

ATLAS = Path(sys.executable).with_name("atlas")

#: Every kind, in an order where later entries can name the earlier ones.
SCAFFOLDS = [
    ["full-system", "SYS-ACME", "--title", "Acme"],
    ["system", "SYS-SOLO", "--title", "Solo"],
    ["playbook", "PBK-ACME-RESTART", "--title", "Restart the Acme service"],
    ["incident", "INC-ACME-2025-03-04", "--title", "Acme, 4 March 2025", "--system", "SYS-ACME"],
    ["diagram", "DGM-ACME-QUEUES", "--kind", "storage", "--system", "SYS-ACME"],
    ["metric", "MET-ACME-RPS", "--system", "SYS-ACME", "--into", "systems/acme/architecture.md"],
    ["source", "SRC-ACME-BLOG", "--into", "systems/acme/sources.md"],
]
EIGHT_KINDS = [
    "architecture",
    "request-flow",
    "storage",
    "failure-domains",
    "scale-evolution",
    "cost",
    "novel-solutions",
    "operations",
]

#: What an author would write for each field (values that pass every check and gate).
FIELD_VALUES = {
    "url": "https://example.org/acme/engineering-post",
    "publisher": "Acme",
    "published": "2026-01-10",
    "accessed": "2026-11-01",
    "kind": "blog",
    "organization": "Acme",
    "domain": "payments",
    "value": "42",
    "unit": "thousand requests per second",
    "as_of": "2026-01-10",
    "started": "2025-03-04T10:00Z",
    "ended": "2025-03-04T11:00Z",
    "category": "config-change",
    "trigger_kind": "deploy",
    "rto": "30m",
    "tools": "kubectl",
    "sources": "SRC-ACME-SOURCE-1",
    "system": "SYS-ACME",
    "playbooks": "PBK-ACME-RESTART",
    "mitigates": "INC-ACME-2025-03-04",
}
INCIDENT_FIELDS = (
    "organization", "started", "ended", "category", "trigger_kind", "impact", "trigger",
    "root_cause",
    "detection", "resolution", "validation", "sources", "playbooks",
)  # fmt: skip
OPTION = re.compile(r"^:(?P<name>\w+): (?P<value><FILL:[^>]*>)$")


def atlas_new(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed ``atlas`` entry point, run from the project folder like an author."""
    return subprocess.run(
        [str(ATLAS), "new", *args], cwd=root, capture_output=True, text=True, check=False
    )


def scaffolded(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", root)
    for args in SCAFFOLDS:
        result = atlas_new(root, *args)
        assert result.returncode == 0, result.stderr
        assert "next: replace the" in result.stdout
    return root


def fill(root: Path) -> None:
    """Replace every placeholder the way an author would: by field, else by its hint."""
    times = iter(["10:05", "10:30", "10:55"])
    for page in root.rglob("*.md"):
        lines = []
        for line in page.read_text().splitlines():
            if option := OPTION.match(line):
                name = option["name"]
                value = FIELD_VALUES.get(name, "Written by the author")
                if name == "validation":
                    value = "C" if "playbooks/" in page.as_posix() else "A"
                line = line.replace(option["value"], value)
            line = MARKER.sub(lambda m: by_hint(m["hint"], times), line)
            lines.append(line)
        page.write_text("\n".join(lines) + "\n")


def by_hint(hint: str, times) -> str:  # type: ignore[no-untyped-def]
    if "YYYY-MM-DDTHH:MMZ" in hint:
        return FIELD_VALUES["started"]
    if "HH:MM" in hint:
        return next(times)
    if "latency" in hint:
        return "p99 40 ms"
    if hint.startswith(("the first thing", "the next step")):
        return "Run `systemctl restart acme`"
    if hint.startswith("the exact error message"):
        return "`acme: connection refused` in the application log"
    if hint.startswith(("the first command", "the next command")):
        return "`systemctl status acme` shows whether it runs"
    return "Written by the author"


def placeholder_warnings(text: str) -> list[tuple[str, int, str]]:
    """(file, line, id or '-') of each placeholder warning."""
    pattern = re.compile(
        r"^(?P<file>\S+):(?P<line>\d+): WARNING: (?:(?P<id>[A-Z]{3}-[A-Z0-9-]+): )?"
        r"placeholder left: .+\. Fix: write it in place of the whole <FILL: …> mark"
        r" \[atlas\.placeholder\]$",
        re.M,
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    return [(m["file"], int(m["line"]), m["id"] or "-") for m in pattern.finditer(plain)]


# --- scaffolding --------------------------------------------------------------------


def test_every_kind_is_scaffolded_into_the_right_place(tmp_path: Path) -> None:
    root = scaffolded(tmp_path)
    acme = root / "systems" / "acme"
    assert sorted(p.stem for p in acme.glob("*.md")) == sorted(
        [*EIGHT_KINDS, "index", "sources", "queues"]
    )
    toctree = (acme / "index.md").read_text()
    assert all(f"\n{kind}\n" in toctree for kind in [*EIGHT_KINDS, "sources", "queues"])
    for kind in EIGHT_KINDS:
        page = (acme / f"{kind}.md").read_text()
        assert f":id: DGM-ACME-{kind.upper()}\n:kind: {kind}\n" in page
        assert ":system: SYS-ACME" in page and ":sources: SRC-ACME-SOURCE-1" in page
    assert "acme/index" in (root / "systems" / "index.md").read_text()
    assert "solo" in (root / "systems" / "index.md").read_text()
    assert "acme-2025-03-04" in (root / "incidents" / "index.md").read_text()
    assert "acme-restart" in (root / "playbooks" / "index.md").read_text()
    assert "incidents/index" in (root / "index.md").read_text()
    assert ":id: MET-ACME-RPS" in (acme / "architecture.md").read_text()
    assert ":id: SRC-ACME-BLOG" in (acme / "sources.md").read_text()
    incident = (root / "incidents" / "acme-2025-03-04.md").read_text()
    # Every required field of the model is there, given or as a placeholder.
    for field in INCIDENT_FIELDS:
        assert re.search(rf"^:{field}: ", incident, re.M), field
    assert "````{incident} Acme, 4 March 2025" in incident and "```{timeline}" in incident


def test_unfilled_scaffold_fails_with_each_placeholder_at_its_line(tmp_path: Path) -> None:
    root = scaffolded(tmp_path)
    app = build(root)
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    found = placeholder_warnings(warnings)
    expected = [
        (page, placeholder)
        for page in sorted(root.rglob("*.md"))
        for placeholder in find_placeholders(page.read_text())
    ]
    assert len(found) == len(expected) > 100
    # One warning per placeholder and nothing else: no missing field, dead link or gate noise.
    assert warnings.count("WARNING") == len(found)
    for file, line, need_id in found:
        text = Path(file).read_text().splitlines()[line - 1]
        assert "<FILL:" in text, (file, line)
        if need_id != "-":
            assert need_id in Path(file).read_text()
    located = {(Path(f).name, line, i) for f, line, i in found}
    incident = (root / "incidents" / "acme-2025-03-04.md").read_text().splitlines()
    source = incident.index("```{source} <FILL: the title: what it is, in a few words>")
    assert ("acme-2025-03-04.md", source + 1, "SRC-ACME-2025-03-04-POSTMORTEM") in located
    # An unfilled entry is registered, with failing gates, not judged on its placeholders.
    needs = json.loads((Path(app.outdir) / "needs.json").read_text())
    registry = next(iter(needs["versions"].values()))["needs"]
    assert registry["DGM-ACME-STORAGE"]["gate_visual"] == "fail"
    assert "placeholders left" in registry["DGM-ACME-STORAGE"]["gate_notes"]


def test_filled_scaffold_builds_strictly_and_passes_the_gates(tmp_path: Path) -> None:
    root = scaffolded(tmp_path)
    fill(root)
    assert not any(MARKER.search(p.read_text()) for p in root.rglob("*.md"))
    app = build(root)
    assert app.warning.getvalue() == ""
    needs = json.loads((Path(app.outdir) / "needs.json").read_text())
    registry = next(iter(needs["versions"].values()))["needs"]
    diagrams = [f"DGM-ACME-{kind.upper()}" for kind in EIGHT_KINDS]
    diagrams += ["DGM-ACME-QUEUES", "DGM-ACME-2025-03-04-CASCADE"]
    for need_id in diagrams:
        need = registry[need_id]
        assert need["type"] == "diagram"
        assert (need["gate_reality"], need["gate_visual"]) == ("pass", "pass"), need_id
        assert need["gate_learning"] in ("pass", "pending") and need["gate_3am"] != "fail"
    incident = registry["INC-ACME-2025-03-04"]
    assert incident["playbooks"] == ["PBK-ACME-RESTART"] and incident["system"] == ["SYS-ACME"]
    assert registry["PBK-ACME-RESTART"]["gate_3am"] == "pending"  # followable; review pending
    assert registry["MET-ACME-RPS"]["value"] == "42"
    page = BeautifulSoup(
        (Path(app.outdir) / "incidents/acme-2025-03-04.html").read_text(), "html.parser"
    )
    assert len(page.select("table.atlas-timeline tbody tr")) == 4
    assert page.select(".atlas-diagram-svg svg")

    # Live preview: an edited diagram is the only one rendered again.
    queues = root / "systems" / "acme" / "queues.md"
    queues.write_text(queues.read_text().replace("p99 40 ms", "p99 45 ms", 1))
    again = build(root)
    assert "rendering 1 new diagram(s)" in again.status.getvalue()
    assert again.warning.getvalue() == ""


# --- refusals -----------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in root.rglob("*.md")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["metric", "MET-EX-MESSAGES", "--into", "entries.md"],
            "MET-EX-MESSAGES already exists at",
        ),
        (["incident", "PBK-WRONG"], "is not an incident id: it must start with 'INC-'"),
        (["playbook", "PBK-lower"], "use only A-Z, 0-9 and '-'"),
        (["diagram", "DGM-X", "--system", "SYS-NOPE"], "--system SYS-NOPE is not a system"),
        (["metric", "MET-NOWHERE"], "say where the metric goes: --into PAGE.md"),
        (["full-system", "SYS-EX"], "SYS-EX already exists"),
    ],
)
def test_refused_requests_change_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    root = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", root)
    before = snapshot(root)
    result = atlas_new(root, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert snapshot(root) == before


def test_full_system_is_all_or_nothing(tmp_path: Path) -> None:
    root = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", root)
    (root / "taken.md").write_text("# Taken\n\n```{source} Taken\n:id: SRC-NEW-SOURCE-1\n```\n")
    before = snapshot(root)
    result = atlas_new(root, "full-system", "SYS-NEW")
    assert result.returncode == 2 and "SRC-NEW-SOURCE-1 already exists at" in result.stderr
    assert snapshot(root) == before and not (root / "systems").exists()


# --- placeholders -------------------------------------------------------------------


def test_placeholders_in_code_are_examples_not_gaps() -> None:
    page = "\n".join(
        [
            "# Guide",  # 1
            "Write `<FILL: inline code>` marks.",  # 2
            "```text",  # 3
            "<FILL: in a code block>",  # 4
            "```",  # 5
            "````{incident} <FILL: title>",  # 6
            ":id: INC-X",  # 7
            ":impact: <FILL: impact>",  # 8
            "",  # 9
            "```{timeline}",  # 10
            "<FILL: HH:MM> trigger <FILL: text>",  # 11
            "```",  # 12
            "````",  # 13
            "Prose <FILL: prose>.",  # 14
        ]
    )
    found = [(p.line, p.hint, p.need_id) for p in find_placeholders(page)]
    assert found == [
        (6, "title", "INC-X"),
        (8, "impact", "INC-X"),
        (11, "HH:MM", "INC-X"),
        (11, "text", "INC-X"),
        (14, "prose", None),
    ]


# --- make check and make new, pre-commit -------------------------------------------


def test_make_check_fails_on_an_unfilled_scaffold_grouped_by_file(tmp_path: Path) -> None:
    root = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", root)
    assert atlas_new(root, "playbook", "PBK-ACME-RESTART").returncode == 0
    result = subprocess.run(
        [
            "make", "--no-print-directory", "check", f"SOURCEDIR={root}", f"CONFDIR={root}",
            f"BUILDDIR={tmp_path / '_build'}", f"SPHINXOPTS=-Datlas_mermaid_dist={MERMAID_DIST}",
        ],
        cwd=PROJECT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    page = root / "playbooks" / "acme-restart.md"
    lines = page.read_text().splitlines()
    warned = placeholder_warnings(result.stderr)
    assert len(warned) == sum(line.count("<FILL:") for line in lines) > 5
    assert all(Path(f) == page and "<FILL:" in lines[n - 1] for f, n, _ in warned)
    assert f"{page}:5: WARNING: PBK-ACME-RESTART: placeholder left" in result.stderr
    # At the end: every problem again, under its file, with line, id and rule.
    summary = result.stdout[result.stdout.index("Atlas check:") :]
    assert f"Atlas check: {len(warned)} problem(s) in 1 file(s)" in summary
    block = summary.split("\n\n")[1].splitlines()
    assert Path(block[0]).resolve() == page
    rows = [line for line in block[1:] if line.startswith("  ")]
    numbers = [int(line.split()[0]) for line in rows]
    assert numbers == sorted(numbers) and len(numbers) == len(warned)
    pattern = r"^\s+5  PBK-ACME-RESTART  \[atlas\.placeholder\]  placeholder left: .+ Fix: "
    assert any(re.match(pattern, line) for line in rows)


def test_make_new_runs_the_scaffold() -> None:
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "new", "KIND=incident", "ID=INC-X-2025-01-01",
         "TITLE=X outage", "ARGS=--system SYS-X"],
        cwd=PROJECT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert '.venv/bin/atlas new incident INC-X-2025-01-01 --title "X outage" --system SYS-X' in (
        result.stdout
    )


def test_pre_commit_hooks_run_offline(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    config = PROJECT / ".pre-commit-config.yaml"
    subprocess.run([str(pre_commit), "validate-config", str(config)], check=True)
    hooks = config.read_text()
    assert "entry: make check" in hooks and ".venv/bin/ruff check" in hooks
    result = subprocess.run(
        [str(pre_commit), "run", "ruff", "--all-files", "--config", str(config)],
        cwd=PROJECT, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PRE_COMMIT_HOME": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
    editorconfig = (PROJECT / ".editorconfig").read_text()
    assert "root = true" in editorconfig and "trim_trailing_whitespace = true" in editorconfig


# --- live preview -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except OSError:
        return None


def diagram_labels(html: str) -> str:
    """The words of the page's pre-rendered diagrams, as a reader sees them."""
    page = BeautifulSoup(html, "html.parser")
    return " ".join(
        " ".join(svg.get_text(" ").split()) for svg in page.select(".atlas-diagram-svg svg")
    )


def wait_for(check, what: str, log: Path, seconds: float = 120) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.5)
    raise AssertionError(f"{what} within {seconds} s; make serve printed:\n{log.read_text()}")


def test_make_serve_previews_edits_rendering_only_the_changed_diagram(tmp_path: Path) -> None:
    """``make serve`` on a project: served on 127.0.0.1, rebuilt on save, one diagram drawn."""
    root = tmp_path / "src"
    shutil.copytree(ROOTS / "test-model", root)
    port, log = free_port(), tmp_path / "serve.log"
    page = f"http://127.0.0.1:{port}/entries.html"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"SOURCEDIR={root}", f"CONFDIR={root}",
             f"BUILDDIR={tmp_path / '_build'}", f"PORT={port}",
             f"SPHINXOPTS=-Datlas_mermaid_dist={MERMAID_DIST}"],
            cwd=PROJECT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        first = wait_for(lambda: fetch(page), "the page was not served", log)
        assert "p99 5 ms" in diagram_labels(first)
        before_edit = len(log.read_text())
        entries = root / "entries.md"
        entries.write_text(entries.read_text().replace("|p99 5 ms|", "|p99 7 ms|", 1))
        edited = wait_for(
            lambda: (text := fetch(page)) and "p99 7 ms" in diagram_labels(text) and text,
            "the edit was not shown",
            log,
        )
        assert "p99 5 ms" not in diagram_labels(edited)
        rebuild = log.read_text()[before_edit:]
        assert re.findall(r"rendering (\d+) new diagram", rebuild) == ["1"], rebuild
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

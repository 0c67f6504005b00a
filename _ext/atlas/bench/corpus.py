"""A synthetic Atlas of a given size, written with the real directives, for scale benchmarks.

    python -m atlas.bench.corpus OUT --diagrams 1500

Systems with their eight diagrams, incidents with timelines and cascade diagrams,
playbooks, metrics and sources, plus the review pages — every entry passes the
machine gates, so a benchmark measures a real, clean build. Deterministic per seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

from ..model import MANDATORY_DIAGRAM_KINDS
from .diagrams import architecture, sequence, state_machine

PROJECT = Path(__file__).resolve().parents[3]
PLAYBOOKS = ("DATABASE", "CACHE", "QUEUE", "NETWORK", "DNS", "STORAGE", "DEPLOY", "CERTS")
DIAGRAMS_PER_INCIDENT = 2  # the cascade and a debugging view
FENCE = "```"
#: The root toctree, in the handbook's order; SHORT_PARTS are one-paragraph pages.
SECTIONS = (
    "about", "symptoms", "systems/index", "incidents/index", "playbooks/index", "guides/index",
    "patterns/index", "antipatterns/index", "migrations/index", "authoring", "contributing",
    "glossary", "review/index", "benchmarks",
)  # fmt: skip
SHORT_PARTS = (
    "about", "symptoms", "guides/index", "patterns/index", "antipatterns/index",
    "migrations/index", "authoring", "contributing", "benchmarks",
)  # fmt: skip


def _flowchart(rng: random.Random, index: int) -> str:
    """An architecture flowchart that always carries a latency label."""
    source = architecture(rng, index)
    if "|p" not in source:
        source = source.replace(" --> ", " -->|p99 40 ms| ", 1)
    return source


def _diagram(rng: random.Random, ident: str, kind: str, system: str, source_id: str, n: int) -> str:
    if kind == "request-flow":
        body = sequence(rng, n)
    elif kind in ("scale-evolution", "cost", "novel-solutions"):
        body = state_machine(rng, n)
    else:
        body = _flowchart(rng, n)
    playbooks = (
        ":playbooks: PBK-SYN-DATABASE\n:signal: `http_5xx_total` rises on the API\n"
        if kind in ("failure-domains", "operations")
        else ""
    )
    return (
        f"{FENCE}{{diagram}} {kind.replace('-', ' ').capitalize()} of {system}\n"
        f":id: {ident}\n:kind: {kind}\n:validation: A\n:sources: {source_id}\n"
        f":system: SYS-SYN-{system.upper()}\n{playbooks}{body}\n{FENCE}\n"
    )


def system_page(rng: random.Random, index: int) -> tuple[str, str]:
    name = f"s{index:03d}"
    upper = name.upper()
    source_id = f"SRC-SYN-{upper}"
    parts = [
        f"# System {upper}\n",
        f"{FENCE}{{system}} System {upper}\n:id: SYS-SYN-{upper}\n:organization: Org {upper}\n"
        f":domain: synthetic\n{FENCE}\n",
        f"{FENCE}{{source}} Engineering post of {upper}\n:id: {source_id}\n"
        f":url: https://example.org/{name}\n:publisher: Org {upper}\n:published: 2026-01-15\n"
        f":kind: blog\n:accessed: 2026-11-22\n{FENCE}\n",
        f"{FENCE}{{metric}} Requests per second of {upper}\n:id: MET-SYN-{upper}-RPS\n"
        f":value: {rng.randint(1, 900)}\n:unit: thousand requests/s\n:as_of: 2026-01-15\n"
        f':locator: section "Scale", first paragraph\n'
        f":validation: A\n:sources: {source_id}\n:system: SYS-SYN-{upper}\n{FENCE}\n",
        f"It serves {{metric}}`MET-SYN-{upper}-RPS` ({{src}}`{source_id}`).\n",
    ]
    for n, kind in enumerate(MANDATORY_DIAGRAM_KINDS):
        parts.append(f"## {kind}\n")
        ident = f"DGM-SYN-{upper}-{kind.upper()}"
        parts.append(_diagram(rng, ident, kind, name, source_id, index * 10 + n))
    return name, "\n".join(parts)


def incident_page(rng: random.Random, index: int) -> tuple[str, str]:
    name = f"i{index:03d}"
    upper = name.upper()
    source_id = f"SRC-SYN-{upper}"
    hour = rng.randint(0, 20)
    playbook = rng.choice(PLAYBOOKS)
    body = _flowchart(rng, 5000 + index)
    return (
        name,
        f"""# Incident {upper}

{FENCE}{{diagram}} Cascade of {upper}
:id: DGM-SYN-{upper}-CASCADE
:kind: incident
:validation: A
:organization: Org {upper}
:sources: {source_id}
:playbooks: PBK-SYN-{playbook}
:signal: `http_5xx_total` rises after the deploy
{body}
{FENCE}

{FENCE}{{source}} Post-mortem of {upper}
:id: {source_id}
:url: https://example.org/{name}
:publisher: Org {upper}
:published: 2025-06-01
:kind: postmortem
:accessed: 2026-11-22
{FENCE}

{FENCE}`{{incident}} Outage {upper}
:id: INC-SYN-{upper}
:organization: Org {upper}
:started: 2025-05-20T{hour:02d}:00Z
:duration: 2h30m
:category: capacity
:trigger_kind: deploy
:impact: Requests failed
:trigger: A deploy
:root_cause: Missing capacity
:detection: Alerts
:resolution: Rollback
:validation: A
:sources: {source_id}
:playbooks: PBK-SYN-{playbook}
:diagrams: DGM-SYN-{upper}-CASCADE

{FENCE}{{timeline}}
{hour:02d}:00 trigger Deploy starts
{hour:02d}:10 detection Alerts fire
{hour:02d}:40 mitigation Traffic shifted
{hour + 2:02d}:30 resolution Rolled back
{FENCE}
{FENCE}`

{FENCE}{{diagram}} Debugging {upper}
:id: DGM-SYN-{upper}-DEBUGGING
:kind: debugging
:validation: A
:organization: Org {upper}
:sources: {source_id}
:playbooks: PBK-SYN-{playbook}
{state_machine(rng, 7000 + index)}
{FENCE}
""",
    )


def playbook_page(name: str) -> str:
    return f"""# Playbook {name}

{FENCE}`{{playbook}} Recover {name.lower()}
:id: PBK-SYN-{name}
:scenario: {name.lower()} failure
:tools: kubectl
:rto: 15m
:validation: C

{FENCE}{{signals}}
- `http_5xx_total` rises on the API
{FENCE}

{FENCE}{{first-checks}}
1. `kubectl get pods -o wide` — which pods are not running?
{FENCE}

1. Check the pods with `kubectl describe pod <pod>`.
2. Fail over with `kubectl rollout undo deployment/api`.

Verification: error rate back to normal.

Rollback: fail back once healthy.
{FENCE}`
"""


def toctree(entries: list[str], caption: str = "") -> str:
    caption_line = f":caption: {caption}\n" if caption else ""
    return (
        f"{FENCE}{{toctree}}\n:maxdepth: 1\n{caption_line}\n" + "\n".join(entries) + f"\n{FENCE}\n"
    )


def generate(out: Path, diagrams: int = 1500, seed: int = 11) -> dict[str, int]:
    """Write the corpus into ``out`` (replaced); returns what it holds."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    systems = max(1, round(diagrams * 0.8 / 8))
    incidents = max(1, (diagrams - systems * 8) // DIAGRAMS_PER_INCIDENT)
    for folder in ("systems", "incidents", "playbooks"):
        (out / folder).mkdir(parents=True)
    system_names = []
    for index in range(systems):
        name, text = system_page(rng, index)
        (out / "systems" / f"{name}.md").write_text(text)
        system_names.append(name)
    incident_names = []
    for index in range(incidents):
        name, text = incident_page(rng, index)
        (out / "incidents" / f"{name}.md").write_text(text)
        incident_names.append(name)
    for name in PLAYBOOKS:
        (out / "playbooks" / f"{name.lower()}.md").write_text(playbook_page(name))
    (out / "systems" / "index.md").write_text("# Systems\n\n" + toctree(system_names))
    (out / "incidents" / "index.md").write_text("# Incidents\n\n" + toctree(incident_names))
    playbook_files = [name.lower() for name in PLAYBOOKS]
    (out / "playbooks" / "index.md").write_text("# Playbooks\n\n" + toctree(playbook_files))
    shutil.copytree(PROJECT / "source" / "review", out / "review")
    shutil.copy(PROJECT / "source" / "glossary.md", out / "glossary.md")
    with (out / "glossary.md").open("a") as glossary:
        glossary.write("\n```{glossary}\nDB\n  Database.\n```\n")
    # Every part the PDF volumes print (atlas_volumes) is present, so `-b volumes` builds the
    # corpus with the handbook's own volume plan; the parts the corpus does not model are short.
    for part in SHORT_PARTS:
        (out / f"{part}.md").parent.mkdir(parents=True, exist_ok=True)
        title = part.removesuffix("/index").replace("-", " ").capitalize()
        (out / f"{part}.md").write_text(f"# {title}\n\nNot part of the synthetic corpus.\n")
    (out / "index.md").write_text("# Synthetic Atlas\n\n" + toctree(list(SECTIONS), "The handbook"))
    pages = systems + incidents + len(PLAYBOOKS) + 3 + 7 + 2 + len(SHORT_PARTS)
    return {
        "pages": pages,
        "diagrams": systems * 8 + incidents * DIAGRAMS_PER_INCIDENT,
        "systems": systems,
        "incidents": incidents,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--diagrams", type=int, default=1500)
    args = parser.parse_args(argv)
    print(generate(args.out, args.diagrams))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

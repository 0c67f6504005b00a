"""Realistic Mermaid diagrams for benchmarks: architecture flowcharts with plane subgraphs
and SLO labels, request sequences with alternatives, and failure state machines.

Deterministic for a given seed, so every run measures the same work.
"""

from __future__ import annotations

import random

PLANE_NODES = {
    "edge": ["CDN", "Edge PoP", "Load balancer", "API gateway", "WebSocket gateway", "DNS"],
    "service": [
        "Auth service",
        "Orders",
        "Payments",
        "Search",
        "Feed builder",
        "Notifier",
        "Media transcoder",
        "Rate limiter",
        "Session service",
        "Billing",
    ],
    "state": [
        "Primary DB",
        "Read replica",
        "Redis cache",
        "Kafka",
        "Object store",
        "Search index",
        "Ledger",
        "Queue",
    ],
    "control": [
        "Deploy pipeline",
        "Config service",
        "Service discovery",
        "Metrics",
        "Failover controller",
        "Feature flags",
    ],
}
CLASSDEFS = """    classDef edge fill:#0066CC,stroke:#003d7a,color:#fff
    classDef service fill:#00AA00,stroke:#006600,color:#1b1f24
    classDef state fill:#FF8800,stroke:#a65800,color:#1b1f24
    classDef control fill:#CC0000,stroke:#7a0000,color:#fff"""


def _slo(rng: random.Random) -> str:
    return f"p{rng.choice(['50', '95', '99', '999'])} {rng.choice([2, 5, 12, 40, 85, 120, 250])} ms"


def architecture(rng: random.Random, index: int) -> str:
    lines = [f"flowchart {rng.choice(['LR', 'TB'])}"]
    lines.append(f"    accTitle: Architecture {index}")
    lines.append("    accDescr: Components of one system grouped by plane.")
    members: dict[str, list[str]] = {}
    for plane, names in PLANE_NODES.items():
        chosen = rng.sample(names, rng.randint(2, 4))
        lines.append(f"    subgraph {plane.capitalize()}[{plane.capitalize()} plane]")
        ids = []
        for n, name in enumerate(chosen):
            node_id = f"{plane[:2]}{n}"
            shape = f"[({name})]" if plane == "state" else f"[{name}]"
            lines.append(f"        {node_id}{shape}")
            ids.append(node_id)
        lines.append("    end")
        members[plane] = ids
    flow = [
        ("edge", "service"),
        ("service", "state"),
        ("service", "service"),
        ("control", "service"),
    ]
    for source_plane, target_plane in flow:
        for source in members[source_plane]:
            target = rng.choice(members[target_plane])
            if source == target:
                continue
            arrow = "-.->" if source_plane == "control" else "-->"
            label = f"|{_slo(rng)}|" if rng.random() < 0.5 and arrow == "-->" else ""
            lines.append(f"    {source} {arrow}{label} {target}")
    lines.append(CLASSDEFS)
    for plane, ids in members.items():
        lines.append(f"    class {','.join(ids)} {plane}")
    return "\n".join(lines)


def sequence(rng: random.Random, index: int) -> str:
    actors = rng.sample(["Client", "Gateway", "Auth", "Orders", "Payments", "Ledger", "Cache"], 5)
    lines = ["sequenceDiagram", f"    accTitle: Request flow {index}", "    autonumber"]
    lines += [f"    participant {a}" for a in actors]
    for step in range(rng.randint(8, 12)):
        a, b = rng.sample(actors, 2)
        if step == 4:
            lines.append(f"    alt {_slo(rng)} budget met")
        lines.append(f"    {a}->>{b}: call {step} ({_slo(rng)})")
        if step == 6:
            lines.append("    else timeout")
            lines.append(f"    {a}-->>{b}: retry with backoff")
            lines.append("    end")
    return "\n".join(lines)


def state_machine(rng: random.Random, index: int) -> str:
    states = ["Healthy", "Degraded", "Failing over", "Read only", "Recovering", "Drained"]
    lines = ["stateDiagram-v2", f"    accTitle: Failure states {index}", "    [*] --> Healthy"]
    names = {s: s.replace(" ", "") for s in states}
    for s in states[1:]:
        lines.append(f'    state "{s}" as {names[s]}')
    for _ in range(rng.randint(6, 9)):
        a, b = rng.sample(states, 2)
        why = rng.choice(["error rate up", "lag > 30 s", "manual", "probe ok"])
        lines.append(f"    {names[a]} --> {names[b]}: {why}")
    lines.append("    Healthy --> [*]")
    return "\n".join(lines)


def benchmark_diagrams(count: int = 200, seed: int = 7) -> list[str]:
    """``count`` diagrams: half architecture flowcharts, 30 % sequences, 20 % state machines."""
    rng = random.Random(seed)
    makers = [architecture] * 5 + [sequence] * 3 + [state_machine] * 2
    return [makers[i % len(makers)](rng, i) for i in range(count)]

"""Benchmark: Atlas's batch renderer against mermaid-cli, one process per diagram.

mermaid-cli per diagram is what sphinxcontrib-mermaid's ``svg`` output runs. Both
render the same diagrams with the same Mermaid and the same Chromium, in one run:

    python -m atlas.bench.mermaid_render --count 200 --out _build/bench/mermaid.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..mermaid.browser import find_chromium
from ..mermaid.cache import DiagramCache
from ..mermaid.pipeline import render_into_cache
from ..mermaid.settings import diagram_key, mermaid_version
from .diagrams import benchmark_diagrams

PROJECT = Path(__file__).resolve().parents[3]
DIST = PROJECT / "node_modules" / "mermaid" / "dist"
MMDC = PROJECT / "node_modules" / ".bin" / "mmdc"
PUPPETEER_CONFIG = PROJECT / "tools" / "puppeteer-config.json"
TARGETS = {"cold_speedup": 50.0, "overhead_over_floor": 1.5}


@dataclass
class Measurement:
    """One figure; ``ratio`` is how many times better than the baseline (higher is better)."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    note: str = ""


@dataclass
class Cost:
    wall: float = 0.0
    cpu: float = 0.0


def _cpu_seconds() -> float:
    """CPU time used by the whole machine (all cores) so far, from /proc/stat.

    Chromium's renderer and GPU processes are grandchildren that Python never waits
    for, so per-process accounting would miss them; run the benchmark on an idle machine.
    """
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@contextmanager
def measured() -> Iterator[Cost]:
    cost = Cost()
    wall, cpu = time.perf_counter(), _cpu_seconds()
    yield cost
    cost.wall, cost.cpu = time.perf_counter() - wall, _cpu_seconds() - cpu


def run_mermaid_cli(diagrams: list[str], workdir: Path) -> Cost:
    """One mmdc (and so one Chromium) per diagram, sequentially, as sphinxcontrib does."""
    with measured() as cost:
        for index, source in enumerate(diagrams):
            given = workdir / f"d{index}.mmd"
            given.write_text(source)
            subprocess.run(
                [MMDC, "-q", "-p", PUPPETEER_CONFIG, "-i", given, "-o", workdir / f"d{index}.svg"],
                check=True,
                capture_output=True,
            )
    return cost


def run_atlas(diagrams: list[str], cache_dir: Path, chromium: str, pages: int):  # type: ignore[no-untyped-def]
    version = mermaid_version(DIST)
    sources = {diagram_key(version, source): source for source in diagrams}
    with measured() as cost:
        stats = render_into_cache(sources, DiagramCache(cache_dir), DIST, chromium, pages, False)
    return cost, stats


def _per_diagram(total: float, count: int) -> float:
    return total / count if count else 0.0


def benchmark(
    count: int, pages: int, baseline: bool, log: Callable[[str], None]
) -> list[Measurement]:
    diagrams = benchmark_diagrams(count)
    chromium = find_chromium()
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        log(f"Atlas renderer, cold cache: {count} diagrams…")
        cold, stats = run_atlas(diagrams, work / "cache", chromium, pages)
        log(f"Atlas renderer, warm cache: {count} diagrams…")
        warm, warm_stats = run_atlas(diagrams, work / "cache", chromium, pages)
        mmdc = None
        if baseline:
            log(f"mermaid-cli, one process per diagram: {count} diagrams (slow)…")
            (work / "mmdc").mkdir()
            mmdc = run_mermaid_cli(diagrams, work / "mmdc")

    atlas_rate = count / cold.wall
    atlas_cpu = _per_diagram(cold.cpu, count)
    floor = _per_diagram(stats.in_page_seconds, count)
    if mmdc is not None:
        mmdc_rate, mmdc_cpu = count / mmdc.wall, _per_diagram(mmdc.cpu, count)
        results += [
            Measurement("mermaid-cli throughput", mmdc_rate, "diagrams/s"),
            Measurement("mermaid-cli CPU per diagram", mmdc_cpu, "CPU-s"),
        ]
    else:
        mmdc_rate = mmdc_cpu = None
    results += [
        Measurement(
            "Atlas throughput, cold cache",
            atlas_rate,
            "diagrams/s",
            mmdc_rate,
            atlas_rate / mmdc_rate if mmdc_rate else None,
            f"target ≥ {TARGETS['cold_speedup']:.0f}× mermaid-cli; {pages} pages",
        ),
        Measurement(
            "Atlas CPU per diagram, cold cache",
            atlas_cpu,
            "CPU-s",
            mmdc_cpu,
            mmdc_cpu / atlas_cpu if mmdc_cpu and atlas_cpu else None,
            "whole machine, browser start included",
        ),
        Measurement("Mermaid inside the page (floor)", floor, "s per diagram"),
        Measurement(
            "Atlas overhead over the floor",
            atlas_cpu / floor if floor else 0.0,
            "×",
            note=f"target ≤ {TARGETS['overhead_over_floor']}×",
        ),
        Measurement(
            "Atlas warm cache: diagrams rendered", warm_stats.rendered, "diagrams", note="target 0"
        ),
        Measurement("Atlas warm cache: wall time", warm.wall, "s"),
    ]
    return results


def table(results: list[Measurement]) -> str:
    rows = ["| measurement | value | baseline | ratio | note |", "|---|---|---|---|---|"]
    for r in results:
        base = f"{r.baseline:.3g}" if r.baseline is not None else "—"
        ratio = f"{r.ratio:.1f}×" if r.ratio is not None else "—"
        rows.append(f"| {r.name} | {r.value:.3g} {r.unit} | {base} | {ratio} | {r.note} |")
    return "\n".join(rows)


def write_document(
    results: list[Measurement], out: Path, name: str, context: dict[str, Any]
) -> dict[str, Any]:
    """Write one benchmark's results as JSON (one object per measurement)."""
    document = {
        "benchmark": name,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {_cores()} cores, Python {platform.python_version()}",
        "mermaid": mermaid_version(DIST),
        **context,
        "results": [asdict(r) for r in results],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n")
    _collect(out.parent / "results.json", document)
    return document


def _collect(path: Path, document: dict[str, Any]) -> None:
    """Keep every benchmark's latest results in one file too, by benchmark name."""
    collected = json.loads(path.read_text()) if path.exists() else {}
    collected[document["benchmark"]] = document
    path.write_text(json.dumps(dict(sorted(collected.items())), indent=2) + "\n")


def _cores() -> int:
    return os.cpu_count() or 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true", help="skip mermaid-cli (slow)")
    parser.add_argument("--out", type=Path, default=PROJECT / "_build" / "bench" / "mermaid.json")
    parser.add_argument("--docs", type=Path, help="also write the results here (for the docs)")
    args = parser.parse_args(argv)
    if not args.no_baseline and not MMDC.exists():
        parser.error(
            "mermaid-cli is not installed: run `make bench` (it runs npm ci with dev deps)"
        )
    results = benchmark(args.count, args.pages, not args.no_baseline, print)
    print(table(results))
    write_document(
        results, args.out, "mermaid-render", {"diagrams": args.count, "pages": args.pages}
    )
    if args.docs:
        shutil.copyfile(args.out, args.docs)
    print(f"Results: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

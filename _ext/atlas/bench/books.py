"""Benchmark: time and peak memory of the PDF handbook, its volumes and the EPUB, each a full build.

    python -m atlas.bench.books --out _build/bench/books.json

Each build runs in its own process, so its peak resident memory (WeasyPrint included)
is measured alone. Diagrams come from the shared cache, as in a normal build.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .mermaid_render import PROJECT, Measurement, table, write_document
from .volumes import summary

#: title → (builder, extra sphinx-build options). The previous layout (metric and source
#: cards where they are written) is built in the same run, as the baseline of the current one.
BUILDS = {
    "PDF handbook (simplepdf + WeasyPrint)": ("simplepdf", []),
    "PDF handbook, previous layout (cards in the text)": (
        "simplepdf",
        ["-D", "atlas_figures_section=0"],
    ),
    "PDF volumes (-b volumes)": ("volumes", []),
    "EPUB": ("epub", []),
}
PREVIOUS = "PDF handbook, previous layout (cards in the text)"


def measure(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB of the command and its children) of one run."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter();"
        "subprocess.run(sys.argv[1:], check=True, capture_output=True);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    # simplepdf runs the `weasyprint` executable of the same environment.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [sys.executable, "-c", probe, *command], capture_output=True, text=True, env=env
    )
    if result.returncode:
        raise SystemExit(f"build failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    wall, peak_kib = result.stdout.split()
    return float(wall), int(peak_kib) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "_build" / "bench" / "books.json")
    parser.add_argument("--docs", type=Path, help="also write the results here (for the docs)")
    args = parser.parse_args(argv)
    sphinx = str(Path(sys.executable).with_name("sphinx-build"))
    results: list[Measurement] = []
    counts: dict[str, int] = {}
    for title, (builder, options) in BUILDS.items():
        with tempfile.TemporaryDirectory() as out:
            command = [sphinx, "-q", "-b", builder, *options, "-c", str(PROJECT)]
            command += [str(PROJECT / "source"), out]
            print(f"{title}: full build…")
            wall, peak = measure(command)
            pages = ""
            if builder == "simplepdf":
                from pypdf import PdfReader

                counts[title] = len(PdfReader(next(Path(out).glob("*.pdf"))).pages)
                pages = f"{counts[title]} pages"
            elif builder == "volumes":
                pages = summary(json.loads((Path(out) / "volumes.json").read_text()))
        results += [
            Measurement(f"{title}: build time", wall, "s", note=pages),
            Measurement(f"{title}: peak memory", peak, "MiB", note="of the largest process"),
        ]
    current = next(iter(counts))
    results.append(
        Measurement(
            "PDF handbook: pages",
            counts[current],
            "pages",
            baseline=counts[PREVIOUS],
            ratio=counts[PREVIOUS] / counts[current],
            note="baseline: the previous layout, built in the same run",
        )
    )
    pages = f"{counts[current]} pages (previous layout: {counts[PREVIOUS]})"
    print(table(results))
    document = write_document(results, args.out, "books", {"pages": pages})
    if args.docs:
        args.docs.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

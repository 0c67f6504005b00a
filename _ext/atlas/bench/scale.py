"""Benchmark: the Atlas at the size it is built for (default 1,500 diagrams over ~300 pages).

    python -m atlas.bench.scale --diagrams 1500 --out _build/bench/scale.json

Every build runs in its own process (wall time and peak memory measured alone):
cold diagram cache; full build with a warm cache, Atlas against the stock configuration
(furo's navigation per page and the view tables through docutils: ``atlas_fast_navigation``
and ``atlas_fast_views`` off); one page touched, both ways;
needs.json; the PDF (``--pdf``). Then the reader's side in headless Chromium over
localhost: the heaviest page, the page weight, and a search query.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..mermaid.browser import CHROMIUM_FLAGS, find_chromium
from .corpus import generate
from .mermaid_render import PROJECT, Measurement, table, write_document

PROBE = (
    "import resource, subprocess, sys, time; t = time.perf_counter();"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
    "sys.stderr.write('\\n'.join(l for l in r.stdout.splitlines() if '[atlas]' in l));"
    "sys.stderr.write(r.stderr[-4000:]);"
    "print(r.returncode, time.perf_counter() - t,"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(command: list[str], timeout: float | None = None) -> tuple[float, float, str]:
    """(wall s, peak MiB, output) of one command in its own process."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    code, wall, peak_kib = result.stdout.split()
    if code != "0":
        raise RuntimeError(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return float(wall), int(peak_kib) / 1024, result.stderr


class Corpus:
    def __init__(self, work: Path, diagrams: int) -> None:
        self.work = work
        self.source = work / "corpus"
        self.cache = work / "mermaid-cache"
        self.facts = generate(self.source, diagrams)

    def build(self, builder: str, out: str, *options: str, fresh: bool = True):  # type: ignore[no-untyped-def]
        outdir, doctrees = self.work / out, self.work / f"{out}-doctrees"
        if fresh:
            shutil.rmtree(outdir, ignore_errors=True)
            shutil.rmtree(doctrees, ignore_errors=True)
        command = [
            str(Path(sys.executable).with_name("sphinx-build")), "-b", builder, "-c", str(PROJECT),
            "-d", str(doctrees), f"-Datlas_mermaid_cache={self.cache}", *options,
            str(self.source), str(outdir),
        ]  # fmt: skip
        return measure(command)


def rendering_rate(output: str) -> float | None:
    rates = re.findall(r"rendered \d+ of \d+ diagrams \(([\d.]+) diagrams/s\)", output)
    return float(rates[-1]) if rates else None


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the browser moved on
            super().handle()


SEARCH_WORDS = ("replica", "cache", "failover", "latency", "queue")
#: In the search page, once its index is loaded: one query until its first result is shown.
QUERY_TO_FIRST_RESULT = """async (word) => {
  const out = document.getElementById("search-results");
  out.replaceChildren();
  const started = performance.now();
  const shown = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (out.querySelector("ul.search li")) {
        watch.disconnect();
        resolve((performance.now() - started) / 1000);
      }
    });
    watch.observe(out, { childList: true, subtree: true });
  });
  Search.performSearch(word);
  return await shown;
}"""


#: Long tables show all their rows once the page has loaded (atlas.views.base.ROWS_LATER);
#: reading the page's height makes the browser lay them out.
ALL_ROWS_SHOWN = """() => !document.documentElement.classList.contains("atlas-rows-later")
  && document.body.offsetHeight > 0"""
#: On a page with a sortable table: (sort by the first column, filter by a word) in seconds,
#: each timed in the page around the synchronous work its event handler does.
SORT_AND_FILTER = """() => {
  const table = document.querySelector("table.atlas-sortable");
  const filter = document.querySelector("input.atlas-filter");
  let started = performance.now();
  table.tHead.rows[0].cells[0].click();
  const sorted = (performance.now() - started) / 1000;
  filter.value = "storage";
  started = performance.now();
  filter.dispatchEvent(new Event("input"));
  const filtered = (performance.now() - started) / 1000;
  return [table.tBodies[0].rows.length, sorted, filtered];
}"""


def reader_side(site: Path) -> list[Measurement]:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = sorted(site.rglob("*.html"), key=lambda p: p.read_text().count("atlas-diagram-svg"))
    heaviest = pages[-1].relative_to(site).as_posix()
    by_size = sorted(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    largest = by_size[-1]
    longest_table = next(p for p in reversed(by_size) if "atlas-sortable" in p.read_text())
    typical = "systems/s000.html"
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=find_chromium(), args=CHROMIUM_FLAGS
            )
            page = browser.new_page()
            sizes: dict[str, int] = {}

            def count(response):  # type: ignore[no-untyped-def]
                length = response.headers.get("content-length")
                sizes[response.url] = int(length) if length else 0

            page.on("response", count)
            started = time.perf_counter()
            page.goto(base + heaviest)
            page.locator(".atlas-diagram-svg svg").last.wait_for(state="visible")
            shown = time.perf_counter() - started
            diagrams = page.locator(".atlas-diagram-svg svg").count()
            started = time.perf_counter()
            page.goto(base + largest.relative_to(site).as_posix(), wait_until="load")
            loaded = time.perf_counter() - started
            page.wait_for_function(ALL_ROWS_SHOWN)
            all_rows = time.perf_counter() - started
            page.goto(base + longest_table.relative_to(site).as_posix(), wait_until="load")
            page.wait_for_function(ALL_ROWS_SHOWN)
            rows, sorted_in, filtered_in = page.evaluate(SORT_AND_FILTER)
            sizes.clear()
            page.goto(base + typical, wait_until="load")
            weight = sum(
                size for url, size in sizes.items() if re.search(r"\.(html|css|m?js)(\?|$)", url)
            )
            page.goto(base + "search.html?q=cache")  # warm: the index loads once per visit
            started = time.perf_counter()
            page.goto(base + "search.html?q=replica")
            page.locator("ul.search li").first.wait_for(state="attached", timeout=30_000)
            search_page = time.perf_counter() - started
            queries = [page.evaluate(QUERY_TO_FIRST_RESULT, word) for word in SEARCH_WORDS]
            browser.close()
    finally:
        server.shutdown()
    index_size = (site / "searchindex.js").stat().st_size / 1024
    results += [
        Measurement(f"Heaviest page ({heaviest}, {diagrams} diagrams) shown", shown, "s",
                    note="target < 1 s"),
        Measurement(f"Largest page ({largest.relative_to(site)}, "
                    f"{largest.stat().st_size / 2**20:.1f} MiB) loaded", loaded, "s",
                    note="target < 1 s; to the load event, scripts run"),
        Measurement("Largest page: every row of its tables shown", all_rows, "s",
                    note="the first 100 rows of a table show while the page loads"),
        Measurement(f"Sorting the longest table ({longest_table.relative_to(site)}, {rows} rows)",
                    sorted_in, "s"),
        Measurement("Filtering that table by a word", filtered_in, "s"),
        Measurement("Page weight of a typical page (HTML + CSS + JS)", weight / 1024, "KiB"),
        Measurement("Search query to first result (index loaded)", statistics.median(queries),
                    "s", note=f"target < 0.1 s; median of {len(queries)} queries"),
        Measurement("Search page opened to first result", search_page, "s",
                    note="page, scripts and index loaded, query run"),
        Measurement("Search index size", index_size, "KiB"),
    ]  # fmt: skip
    return results


#: The stock configuration: furo's navigation per page, view tables through docutils.
STOCK = ("-Datlas_fast_navigation=0", "-Datlas_fast_views=0")


def incremental(corpus: Corpus, samples: int = 3) -> list[Measurement]:
    """One page touched, built by Atlas and by the stock configuration: a prose edit (no
    entry changes), a figure's value changed (the pages quoting it and the staleness
    report), then a diagram given a second source (its backlinks, the traceability
    matrix, the source register and the flow graphs). Each edit is made, undone and made
    again (``samples`` builds each way); the median is reported."""
    touched = corpus.source / "systems" / "s000.md"
    text = touched.read_text()
    value = re.search(r"^:value: (\d+)$", text, re.M)
    other = re.search(r"^:id: (SRC-\S+)$", (touched.with_name("s001.md")).read_text(), re.M)
    sources = re.search(r"^```\{diagram\}.*\n(?::.*\n)*?(:sources: SRC-\S+)$", text, re.M)
    assert value and other and sources, f"no metric or diagram to edit in {touched}"
    linked = sources[0].replace(sources[1], f"{sources[1]}, {other[1]}")
    # (what, note, old text, new text); each edit stays made for the next.
    edits = [
        ("prose edited", "", "", "\nEdited.\n"),
        ("a metric's value changed", "", value[0], f":value: {int(value[1]) + 1}"),
        ("a diagram's sources changed", "review pages and flow graphs re-written; ",
         sources[0], linked),
    ]  # fmt: skip
    results = []
    for what, note, old, new in edits:
        print(f"one page touched: {what}…")
        made = text + new if not old else text.replace(old, new, 1)
        runs = []  # (Atlas s, peak MiB, stock s) per build
        for step in range(samples):
            touched.write_text(made if step % 2 == 0 else text)
            wall, peak, _ = corpus.build("html", "html", fresh=False)
            runs.append((wall, peak, corpus.build("html", "html-stock", *STOCK, fresh=False)[0]))
        text = made if samples % 2 else text  # as the last build left it
        wall, stock = (statistics.median(run[i] for run in runs) for i in (0, 2))
        peaks = [run[1] for run in runs]
        results.append(
            Measurement(f"Incremental: one page, {what}", wall, "s", stock, stock / wall,
                        f"target ≤ 3 s; {note}median of {samples}; peak {max(peaks):.0f} MiB")
        )  # fmt: skip
    return results


def benchmark(diagrams: int, work: Path, pdf: bool) -> tuple[list[Measurement], dict]:
    corpus = Corpus(work, diagrams)
    results: list[Measurement] = []
    facts = corpus.facts
    print(f"corpus: {facts}")
    shutil.rmtree(corpus.cache, ignore_errors=True)
    print("cold diagram cache: full build…")
    wall, peak, output = corpus.build("html", "html")
    results += [
        Measurement("Full build, cold diagram cache", wall, "s", note=f"peak {peak:.0f} MiB"),
        Measurement("Renderer throughput at this size", rendering_rate(output) or 0, "diagrams/s"),
    ]
    print("warm cache: stock configuration…")
    stock, stock_peak, _ = corpus.build("html", "html-stock", *STOCK)
    print("warm cache: Atlas…")
    wall, peak, _ = corpus.build("html", "html")
    results += [
        Measurement("Full build, warm cache (stock furo navigation and tables)", stock, "s",
                    note=f"peak {stock_peak:.0f} MiB"),
        Measurement("Full build, warm cache (Atlas)", wall, "s", stock, stock / wall,
                    f"target ≤ 30 s; peak {peak:.0f} MiB"),
    ]  # fmt: skip
    results += incremental(corpus)
    print("needs.json…")
    wall, peak, _ = corpus.build("needs", "needs")
    results.append(Measurement("needs.json (-b needs)", wall, "s", note=f"peak {peak:.0f} MiB"))
    if pdf:
        print("PDF…")
        wall, peak, _ = corpus.build("simplepdf", "pdf")
        results.append(Measurement("PDF (simplepdf)", wall, "s", note=f"peak {peak:.0f} MiB"))
    print("reader side…")
    results += reader_side(work / "html")
    return results, facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diagrams", type=int, default=1500)
    parser.add_argument("--work", type=Path, default=PROJECT / "_build" / "bench" / "scale")
    parser.add_argument("--out", type=Path, default=PROJECT / "_build" / "bench" / "scale.json")
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--pdf", action="store_true", help="also build the (long) PDF")
    args = parser.parse_args(argv)
    results, facts = benchmark(args.diagrams, args.work, args.pdf)
    print(table(results))
    document = write_document(results, args.out, "scale", {"diagrams": facts["diagrams"], **facts})
    if args.docs:
        args.docs.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

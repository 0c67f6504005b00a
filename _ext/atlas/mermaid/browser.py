"""Render many Mermaid diagrams in one headless Chromium, several pages at a time.

One browser start (≈ 1 s) serves the whole batch; each diagram then costs only
Mermaid's own layout time. mermaid-cli, by contrast, starts a browser per diagram.
The browser is Debian's ``chromium`` driven by Playwright; it is never downloaded.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cache import Rendered, RenderError

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Runs in the page: a chunk of diagrams, each its SVG (with its drawing width and smallest
# label size, measured as laid out) or Mermaid's error with its location.
RENDER_JS = r"""
async ([chunk, config]) => {
  const measure = (svg) => {
    const holder = document.createElement('div');
    holder.innerHTML = svg;
    document.body.appendChild(holder);
    const root = holder.querySelector('svg');
    const box = root.viewBox.baseVal;
    let font = Infinity;
    for (const text of root.querySelectorAll('text')) {
      if (!text.textContent.trim()) continue;
      font = Math.min(font, parseFloat(getComputedStyle(text).fontSize));
    }
    // The worst WCAG contrast between a node's label and the fill behind it.
    const rgb = (css) => (css.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(c => c / 255)
      .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    let contrast = Infinity, worst = '';
    for (const node of root.querySelectorAll('g.node')) {
      const shape = node.querySelector('rect, polygon, path, circle, ellipse');
      const text = node.querySelector('text');
      if (!shape || !text || !text.textContent.trim()) continue;
      const fill = getComputedStyle(shape).fill, ink = getComputedStyle(text).fill;
      if (!fill.startsWith('rgb') || !ink.startsWith('rgb')) continue;
      const [hi, lo] = [lum(rgb(fill)), lum(rgb(ink))].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      if (ratio < contrast) {
        contrast = ratio;  // its words, which Mermaid puts in one <tspan> each
        const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
        const words = [];
        while (walker.nextNode()) words.push(walker.currentNode.textContent);
        worst = words.join(' ').replace(/\s+/g, ' ').trim();
      }
    }
    holder.remove();
    return {width: box ? box.width : 0, height: box ? box.height : 0,
            font: Number.isFinite(font) ? font : 0,
            contrast: Number.isFinite(contrast) ? contrast : 0, worst};
  };
  const answers = [];
  for (const [id, code] of chunk) {
    mermaid.initialize({...config, deterministicIDSeed: id});
    const started = performance.now();
    try {
      const {svg} = await mermaid.render(id, code);
      answers.push({svg, geometry: measure(svg), ms: performance.now() - started});
    } catch (error) {
      for (const stray of [id, 'd' + id]) document.getElementById(stray)?.remove();
      const loc = error && error.hash && error.hash.loc;
      answers.push({
        error: String((error && error.message) || error),
        line: loc ? loc.first_line : null,
        column: loc ? loc.first_column + 1 : null,
        ms: performance.now() - started,
      });
    }
  }
  return answers;
}
"""
#: Diagrams per round trip to the page: fewer round trips, still steady progress.
CHUNK = 8


ROOT_TAG = re.compile(r"<svg\b")


def with_geometry(svg: str, geometry: dict[str, float]) -> str:
    """The SVG with its measured drawing size, smallest label size and worst label contrast
    (and that label) on the root element, so the page and the gates read them without a
    browser."""
    attributes = "".join(
        f' data-atlas-{name}="{round(float(geometry.get(name) or 0), 2)}"'
        for name in ("width", "height", "font", "contrast")
    )
    worst = html.escape(str(geometry.get("worst") or ""))
    attributes += f' data-atlas-worst="{worst}"'
    return ROOT_TAG.sub("<svg" + attributes, svg, count=1)


class BrowserUnavailable(RuntimeError):
    """No Chromium to render with; the message says how to install it."""


INSTALL_HINT = (
    "install Debian's chromium (`sudo apt-get install chromium`; `make html` does it when run "
    "as root)"
)


def find_chromium(configured: str = "") -> str:
    """The Chromium to use: the configured one if set, else the first on PATH."""
    for candidate in (configured,) if configured else ("chromium", "chromium-browser"):
        if found := shutil.which(candidate):
            return found
    raise BrowserUnavailable(f"Chromium was not found ({configured or 'PATH'}): {INSTALL_HINT}")


@dataclass
class BatchStats:
    """What a batch cost: wall time, and the time Mermaid spent inside the pages (the floor)."""

    rendered: int = 0
    seconds: float = 0.0
    in_page_seconds: float = 0.0


Job = tuple[str, str, str]  # (key, svg id, Mermaid source)
Progress = Callable[[int, int], None]


async def _render_all(
    jobs: Sequence[Job],
    mermaid_js: Path,
    config: dict[str, Any],
    chromium: str,
    pages: int,
    progress: Progress | None,
    stats: BatchStats,
) -> dict[str, Rendered]:
    from playwright.async_api import async_playwright

    results: dict[str, Rendered] = {}
    queue: asyncio.Queue[Job] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker(browser: Any) -> None:
        page = await browser.new_page()
        await page.route("**/*", lambda route: route.abort())  # nothing leaves the page
        await page.set_content("<!doctype html><html><body></body></html>")
        await page.add_script_tag(path=str(mermaid_js))
        while not queue.empty():
            chunk = [queue.get_nowait() for _ in range(min(CHUNK, queue.qsize()))]
            answers = await page.evaluate(RENDER_JS, [[[i, src] for _, i, src in chunk], config])
            for (key, _, _), answer in zip(chunk, answers, strict=True):
                stats.in_page_seconds += answer["ms"] / 1000
                if "svg" in answer:
                    results[key] = Rendered(svg=with_geometry(answer["svg"], answer["geometry"]))
                else:
                    error = RenderError(answer["error"], answer["line"], answer["column"])
                    results[key] = Rendered(error=error)
            if progress:
                progress(len(results), len(jobs))
        await page.close()

    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(
                executable_path=chromium, args=CHROMIUM_FLAGS
            )
        except Exception as error:  # Playwright raises its own Error types
            raise BrowserUnavailable(f"Chromium at {chromium} did not start ({error})") from error
        try:
            await asyncio.gather(*(worker(browser) for _ in range(max(1, min(pages, len(jobs))))))
        finally:
            await browser.close()
    return results


def render_batch(
    jobs: Sequence[Job],
    mermaid_js: Path,
    config: dict[str, Any],
    chromium: str,
    *,
    pages: int = 2,
    progress: Progress | None = None,
) -> tuple[dict[str, Rendered], BatchStats]:
    """Render every job; returns the results by key and what the batch cost."""
    stats = BatchStats()
    if not jobs:
        return {}, stats
    started = time.perf_counter()
    results = asyncio.run(_render_all(jobs, mermaid_js, config, chromium, pages, progress, stats))
    stats.rendered = len(results)
    stats.seconds = time.perf_counter() - started
    return results, stats

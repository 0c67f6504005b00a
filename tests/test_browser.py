"""The built handbook in a real browser (Playwright + Debian chromium) over localhost."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from atlas.mermaid.browser import CHROMIUM_FLAGS, find_chromium


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def site(handbook: Path) -> Iterator[str]:
    with serve(handbook) as url:
        yield url


def pages_with_diagrams(handbook: Path) -> list[str]:
    return sorted(
        str(path.relative_to(handbook))
        for path in handbook.rglob("*.html")
        if "atlas-diagram-svg" in path.read_text()
    )


def test_every_diagram_is_visible_with_its_labels_offline(site: str, handbook: Path) -> None:
    from playwright.sync_api import sync_playwright

    pages = pages_with_diagrams(handbook)
    assert pages, "the handbook has pre-rendered diagrams"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        requests: list[str] = []
        problems: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        for name in pages:
            page.goto(site + name, wait_until="networkidle")
            diagrams = page.locator(".atlas-diagram-svg svg")
            assert diagrams.count() > 0
            for index in range(diagrams.count()):
                diagram = diagrams.nth(index)
                assert diagram.is_visible(), f"{name}: diagram {index} is not visible"
                box = diagram.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 20
                labels = diagram.locator("text").all_text_contents()
                assert any(label.strip() for label in labels), (
                    f"{name}: diagram {index} has no labels"
                )
        browser.close()
    assert problems == []
    outside = [url for url in requests if not url.startswith(site)]
    assert outside == [], "every request stays on 127.0.0.1"


def test_review_tables_sort_and_filter(tmp_path_factory: pytest.TempPathFactory) -> None:
    from playwright.sync_api import sync_playwright

    from conftest import build_root

    app = build_root("test-gates", tmp_path_factory)
    with serve(Path(app.outdir)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(url + "review.html")
        table = page.locator("table.atlas-sortable").first
        first_column = table.locator("tbody tr td:first-child")
        ids = first_column.all_text_contents()
        assert ids == sorted(ids)
        table.locator("thead th").first.click()  # ascending (already), then descending
        table.locator("thead th").first.click()
        assert first_column.all_text_contents() == sorted(ids, reverse=True)
        assert table.locator("thead th").first.get_attribute("aria-sort") == "descending"
        page.locator("input.atlas-filter").first.fill("stale")
        visible = table.locator("tbody tr:visible td:first-child").all_text_contents()
        assert visible == ["DGM-G-STALE"]
        browser.close()

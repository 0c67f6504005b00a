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


#: For every diagram on the page: shown (has a box and is not hidden), its size, and whether
#: any of its text elements holds a label.
DRAWN_DIAGRAMS = """() => [...document.querySelectorAll('.atlas-diagram-svg svg')].map(svg => {
  const box = svg.getBoundingClientRect();
  const style = getComputedStyle(svg);
  const visible = box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
    && style.display !== 'none' && svg.checkVisibility();
  const labelled = [...svg.querySelectorAll('text')].some(t => t.textContent.trim() !== '');
  return [visible, box.width, box.height, labelled];
})"""


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
            # The diagrams are in the HTML (rendered at build time), so the load event is enough;
            # what the browser draws is measured in one round trip per page, not one per call.
            page.goto(site + name, wait_until="load")
            shown = page.evaluate(DRAWN_DIAGRAMS)
            assert shown, f"{name}: no diagram"
            for index, (visible, width, height, labelled) in enumerate(shown):
                assert visible, f"{name}: diagram {index} is not visible"
                assert width > 100 and height > 20, (name, index, width, height)
                assert labelled, f"{name}: diagram {index} has no labels"
        page.wait_for_load_state("networkidle")  # a late request of the last page still counts
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


def test_long_tables_show_every_row_once_loaded(tmp_path: Path) -> None:
    """A table of more than 100 rows lays out its first 100 while the page loads and shows
    them all once it has loaded; without JavaScript all show at once."""
    import shutil

    from playwright.sync_api import sync_playwright

    from conftest import ROOTS
    from conftest import build_app as build

    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-gates", srcdir)
    many = "".join(
        f"```{{source}} Post {n}\n:id: SRC-G-MANY-{n:03d}\n:url: https://gateco.example/{n}\n"
        f":publisher: GateCo\n:published: 2026-03-01\n:kind: blog\n:accessed: 2026-11-22\n```\n\n"
        for n in range(130)
    )
    (srcdir / "many.md").write_text(f"---\norphan: true\n---\n# Many\n\n{many}")
    outdir = Path(build(srcdir).outdir)
    register = "tbody tr td:first-child"
    with serve(outdir) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(url + "review.html", wait_until="load")
        table = page.locator("table.atlas-sortable", has_text="SRC-G-MANY-129").first
        head_scripts = "[...document.head.querySelectorAll('script')].map(s => s.textContent)"
        assert any("atlas-rows-later" in script for script in page.evaluate(head_scripts))
        page.wait_for_function("!document.documentElement.classList.contains('atlas-rows-later')")
        total = table.locator(register).count()
        assert total > 130 and table.locator(f"{register}:visible").count() == total
        # While the page loads (the class the head script sets), rows past the 100th wait.
        page.evaluate("document.documentElement.classList.add('atlas-rows-later')")
        assert table.locator(f"{register}:visible").count() == 100
        table.locator("xpath=preceding-sibling::input[1]").fill("SRC-G-MANY-12")
        page.evaluate("document.documentElement.classList.remove('atlas-rows-later')")
        assert table.locator(f"{register}:visible").count() == 10  # the filter still applies
        plain = browser.new_page(java_script_enabled=False)
        plain.goto(url + "review.html", wait_until="load")
        rows = plain.locator("table.atlas-sortable", has_text="SRC-G-MANY-129").first.locator(
            register
        )
        assert rows.count() == total and rows.last.is_visible()
        browser.close()


# --- reader-first pages ---------------------------------------------------------------

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
# The smallest label of every diagram, as the reader sees it (font size × the SVG's scale).
SMALLEST_LABEL_JS = """() => [...document.querySelectorAll('.atlas-diagram-svg svg')].map(svg => {
  let smallest = Infinity;
  for (const text of svg.querySelectorAll('text')) {
    if (!text.textContent.trim()) continue;
    const m = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    smallest = Math.min(smallest, size);
  }
  return smallest;
})"""


def handbook_needs(handbook: Path) -> dict:
    import json

    data = json.loads((handbook / "needs.json").read_text())
    return data["versions"][data["current_version"]]["needs"]


def first_screen_pages(handbook: Path) -> list[str]:
    """Every incident page and every system page of a mandatory kind."""
    from atlas.model import MANDATORY_DIAGRAM_KINDS

    needs = handbook_needs(handbook)
    pages = {
        need["docname"]
        for need in needs.values()
        if need["type"] == "incident"
        or (need["type"] == "diagram" and need["kind"] in MANDATORY_DIAGRAM_KINDS)
    }
    return sorted(f"{docname}.html" for docname in pages)


def test_the_diagram_is_on_the_first_screen(site: str, handbook: Path) -> None:
    from playwright.sync_api import sync_playwright

    pages = first_screen_pages(handbook)
    assert len(pages) >= 15 + 3 * 8
    late = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=DESKTOP)
        for name in pages:
            page.goto(site + name, wait_until="load")
            top = page.evaluate(
                "document.querySelector('.atlas-diagram-svg svg').getBoundingClientRect().top"
                " + scrollY"
            )
            if top >= DESKTOP["height"]:
                late.append(f"{name}: diagram starts at {top:.0f} px")
        browser.close()
    assert late == []


def test_every_diagram_label_is_legible_as_shown(site: str, handbook: Path) -> None:
    from playwright.sync_api import sync_playwright

    pages = pages_with_diagrams(handbook)
    small = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        for viewport in (DESKTOP, PHONE):  # the phone may scroll sideways, never shrink
            page = browser.new_page(viewport=viewport)
            for name in pages:
                page.goto(site + name, wait_until="load")
                for index, size in enumerate(page.evaluate(SMALLEST_LABEL_JS)):
                    if size < 11 - 1e-6:
                        small.append(f"{name} #{index} at {viewport['width']} px: {size:.1f} px")
            page.close()
        browser.close()
    assert small == []


def test_copy_mermaid_source_and_download_svg(site: str, handbook: Path) -> None:
    import xml.etree.ElementTree as ET

    from playwright.sync_api import sync_playwright

    source = handbook_needs(handbook)["DGM-DISCORD-ARCHITECTURE"]["content"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        context = browser.new_context(accept_downloads=True)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.rstrip("/"))
        page = context.new_page()
        page.goto(site + "systems/discord/architecture.html", wait_until="load")
        figure = page.locator(".atlas-diagram-render").first
        figure.get_by_role("button", name="Copy Mermaid source").click()
        page.wait_for_function("document.querySelector('.atlas-copy-status').textContent")
        assert page.evaluate("navigator.clipboard.readText()") == source
        with page.expect_download() as download:
            figure.get_by_role("link", name="Download SVG").click()
        assert download.value.suggested_filename == "DGM-DISCORD-ARCHITECTURE.svg"
        root = ET.parse(download.value.path()).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert "Discord" in "".join(root.itertext())
        browser.close()


def test_incident_explorer_filters_live_in_the_url(site: str, handbook: Path) -> None:
    from playwright.sync_api import sync_playwright

    incidents = [n for n in handbook_needs(handbook).values() if n["type"] == "incident"]
    category = "config-change"
    expected = sorted(n["id"] for n in incidents if n["category"] == category)
    assert 0 < len(expected) < len(incidents)
    rows = "table.atlas-faceted tbody tr"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(site + f"incidents/index.html?category={category}", wait_until="load")
        shown = page.locator(f"{rows}:visible td:first-child code").all_text_contents()
        assert sorted(shown) == expected
        categories = page.locator(f"{rows}:visible td:nth-child(7)").all_text_contents()
        assert set(categories) == {category}
        # A second facet narrows the list and is written into the address.
        year = page.locator(f"{rows}:visible td:nth-child(3)").first.text_content()
        page.select_option("select[name=year]", year)
        assert f"year={year}" in page.url and f"category={category}" in page.url
        narrowed = sorted(page.locator(f"{rows}:visible td:first-child code").all_text_contents())
        again = browser.new_page()
        again.goto(page.url, wait_until="load")
        assert sorted(again.locator(f"{rows}:visible td:first-child code").all_text_contents()) == (
            narrowed
        )
        assert again.locator("select[name=category]").input_value() == category
        # Without JavaScript: the full plain table.
        plain = browser.new_page(java_script_enabled=False)
        plain.goto(site + f"incidents/index.html?category={category}", wait_until="load")
        assert plain.locator(f"{rows}:visible").count() == len(incidents)
        browser.close()


# --- accessibility --------------------------------------------------------------------

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']})).violations
  .map(v => `${v.id} (${v.impact}): `
    + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))"""


def one_page_of_every_kind(handbook: Path) -> list[str]:
    """The landing page, a system overview and a system diagram page, an incident, a playbook,
    the incident explorer, the symptom index and the catalogue's sections, the guides, and
    every review page."""
    pages = ["index.html", "systems/discord/index.html", "systems/discord/architecture.html"]
    pages += ["incidents/discord-2022-03-08.html", "playbooks/database-failover.html"]
    pages += ["symptoms.html", "guides/index.html", "patterns/index.html"]
    pages += ["antipatterns/index.html", "migrations/index.html"]
    pages += ["incidents/index.html", "authoring.html", "contributing.html", "glossary.html"]
    pages += sorted(str(p.relative_to(handbook)) for p in (handbook / "review").glob("*.html"))
    return pages


def test_every_kind_of_page_passes_axe_in_light_and_dark_mode(site: str, handbook: Path) -> None:
    """axe-core (pinned in package.json, read from node_modules) finds no WCAG 2 A/AA violation."""
    from playwright.sync_api import sync_playwright

    assert AXE.is_file(), "axe-core is installed by npm ci (package.json)"
    script = AXE.read_text()
    pages = one_page_of_every_kind(handbook)
    assert len(pages) >= 12
    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        for mode in ("light", "dark"):
            page = browser.new_page(viewport=DESKTOP, color_scheme=mode)
            for name in pages:
                page.goto(site + name, wait_until="load")
                page.evaluate(f"document.body.dataset.theme = '{mode}'")  # furo's theme switch
                page.add_script_tag(content=script)
                found += [f"{name} ({mode}): {v}" for v in page.evaluate(AXE_RUN)]
            page.close()
        browser.close()
    assert found == []


INTERACTIVE = (
    "th.atlas-sort, input.atlas-filter, select.atlas-facet, button.atlas-copy-source,"
    " .atlas-diagram-tools a, .atlas-diagram-source summary, .atlas-glance a,"
    " button.theme-toggle"
)
TAB_STEP_JS = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
    || style.boxShadow !== 'none';
  if (!el.dataset.atlasSeen) el.dataset.atlasSeen = ring ? 'ring' : 'no-ring';
  return el === document.body ? null : el.tagName;
}"""
# Tabbing through the whole sidebar costs a round trip per page of the handbook, so the walk starts
# at the sidebar's last link and covers everything after it: the content, the page's own table of
# contents and the theme toggle.
START_AFTER_SIDEBAR_JS = """() => {
  const links = document.querySelectorAll('.sidebar-drawer a[href]');
  links[links.length - 1].focus();
  return document.querySelectorAll(
    '.main a[href], .main button, .main input, .main select, .main summary,'
    + ' .main [tabindex]:not([tabindex="-1"])').length;
}"""


def test_keyboard_reaches_every_control_with_a_visible_focus_ring(site: str) -> None:
    """Tab through one page of each kind: every control is reached and shows where it is;
    a sortable header sorts with the keyboard."""
    from playwright.sync_api import sync_playwright

    pages = [
        "incidents/discord-2022-03-08.html",
        "systems/discord/architecture.html",
        "incidents/index.html",
        "review/diagrams.html",
        "playbooks/database-failover.html",
        "symptoms.html",
    ]
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=DESKTOP)
        for name in pages:
            page.goto(site + name, wait_until="load")
            controls = page.locator(INTERACTIVE)
            assert controls.count() > 0, name
            for _ in range(page.evaluate(START_AFTER_SIDEBAR_JS) + 10):
                page.keyboard.press("Tab")
                page.evaluate(TAB_STEP_JS)
            seen = page.evaluate(
                f"[...document.querySelectorAll({INTERACTIVE!r})]"
                ".filter(el => el.getClientRects().length)"  # shown at this width
                ".map(el => [el.outerHTML.slice(0, 80), el.dataset.atlasSeen || 'never'])"
            )
            problems += [f"{name}: {html} ({how})" for html, how in seen if how != "ring"]
        # Sorting from the keyboard.
        page.goto(site + "review/diagrams.html", wait_until="load")
        header = page.locator("table.atlas-sortable th.atlas-sort").first
        header.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        assert header.get_attribute("aria-sort") == "descending"
        browser.close()
    assert problems == []


def test_what_are_you_seeing_finds_the_playbook_for_an_exact_signal(site: str) -> None:
    """At 3 AM: paste the error message into the index's filter, get the playbook; the
    site's own search finds it too."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=DESKTOP)
        page.goto(site + "symptoms.html", wait_until="load")
        page.locator("input.atlas-filter").first.fill("CrashLoopBackOff")
        rows = page.locator("table.atlas-view tbody tr:visible")
        opened = rows.locator("td:nth-child(4)").all_text_contents()
        assert any(text.startswith("PBK-CRASH-LOOP") for text in opened), opened
        matched = rows.all_text_contents()
        assert all("crashloopbackoff" in text.lower() for text in matched), matched
        page.goto(site + "search.html?q=CrashLoopBackOff", wait_until="load")
        page.wait_for_selector("#search-results li", timeout=15000)
        found = page.locator("#search-results li a").evaluate_all("as => as.map(a => a.href)")
        assert any("playbooks/crash-loop.html" in href for href in found), found
        browser.close()

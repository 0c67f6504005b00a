"""The real handbook (source/) builds strictly and gives a reader what the README promises."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

CDN = re.compile(r"cdn\.|jsdelivr|unpkg")
# import "…", import(…), from "…", url(…), @import "…": the addresses a script or stylesheet loads.
IMPORTED = re.compile(r"""(?:\bimport\s*\(?|\bfrom|url\(|@import)\s*['"]?(https?://[^'")\s]+)""")
EXTENSION = Path(__file__).resolve().parent.parent / "_ext" / "atlas"
SOURCE = EXTENSION.parent.parent / "source"
PLAYBOOK = re.compile(r"^`{3,}\{playbook\}", re.MULTILINE)


def soup(outdir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((outdir / name).read_text(), "html.parser")


def test_landing_page_introduces_the_handbook(handbook: Path) -> None:
    index = soup(handbook, "index.html")
    assert index.find("h1").get_text(strip=True).startswith("Atlas")
    cards = [c.get_text(" ", strip=True) for c in index.select(".sd-card-title")]
    assert cards == [
        "Systems", "Incidents", "Playbooks", "Debugging guides", "Patterns and anti-patterns",
        "Migrations",
    ]  # fmt: skip
    assert index.find("a", href="about.html"), "the landing page links the About page"


def test_about_page_explains_planes_levels_and_gates(handbook: Path) -> None:
    about = soup(handbook, "about.html")
    rows = {
        tr.find("td").get_text(strip=True): tr.find_all("td")[1].get_text(strip=True)
        for tr in about.select("table tbody tr")
    }
    assert rows == {
        "Edge": "#0066CC",
        "Service": "#00AA00",
        "State": "#FF8800",
        "Control": "#CC0000",
    }
    text = about.get_text(" ", strip=True)
    for phrase in ("A — published by the organisation", "B — cross-referenced", "C — inferred"):
        assert phrase in text
    for gate in (
        "Production reality",
        "Visual consistency",
        "Learning efficiency",
        "The 3 AM test",
    ):
        assert gate in text
    diagram = about.select_one(".atlas-diagram-svg svg")
    assert diagram is not None, "the planes example diagram is pre-rendered on the page"
    assert "Load balancer" in " ".join(diagram.get_text(" ").split())


def loaded_addresses(page: Path) -> list[str]:
    """What a browser fetches for a page: script and image sources, stylesheets and preloads,
    and anything a script or stylesheet imports. Cited links (<a href>) are not loaded."""
    text = page.read_text(errors="ignore")
    if page.suffix != ".html":
        return IMPORTED.findall(text)
    html = BeautifulSoup(text, "html.parser")
    addresses = [tag["src"] for tag in html.find_all(src=True)]
    addresses += [tag["href"] for tag in html.find_all("link", href=True)]
    for inline in html.find_all(["script", "style"]):
        addresses += IMPORTED.findall(inline.get_text())
    return addresses


def test_no_asset_comes_from_a_cdn(handbook: Path) -> None:
    offenders = [
        f"{path.relative_to(handbook)}: {address}"
        for path in handbook.rglob("*")
        if path.suffix in {".html", ".js", ".mjs", ".css"} and ".doctrees" not in path.parts
        for address in loaded_addresses(path)
        if CDN.search(address)
    ]
    assert offenders == []
    assert (handbook / "_static" / "mermaid" / "mermaid.esm.min.mjs").is_file()


def test_dark_mode_and_branding(handbook: Path) -> None:
    index = soup(handbook, "index.html")
    assert index.find("button", class_="theme-toggle"), "furo's light/dark toggle is present"
    assert index.find("link", rel="icon")["href"].endswith("favicon.svg")
    assert index.find("img", class_="sidebar-logo")
    assert (handbook / "_static" / "atlas.css").is_file()


def test_needs_json_is_written_next_to_the_html(handbook: Path) -> None:
    registry = json.loads((handbook / "needs.json").read_text())
    assert registry["project"] == "Atlas"
    assert registry["current_version"] in registry["versions"]


def test_authoring_guide_documents_every_directive_with_a_real_entry(handbook: Path) -> None:
    guide = soup(handbook, "authoring.html")
    headings = [
        re.sub(r"^[\d.]+", "", h.get_text(strip=True)).rstrip("#¶")  # without "5.2."
        for h in guide.select("section > h2")
    ]
    for directive in ("source", "system", "metric", "diagram", "incident", "playbook"):
        assert directive in headings
    blocks = [pre.get_text() for pre in guide.select("div.atlas-markup pre, pre.atlas-markup")]
    shown = {re.search(r"```+\{(\w+)\}", block).group(1) for block in blocks}
    assert shown == {"source", "system", "metric", "diagram", "incident", "playbook"}
    # Each example links to the rendered entry on its own page.
    targets = {a["href"] for a in guide.select(".atlas-markup-caption a")}
    assert "incidents/github-2018-10-21.html#INC-GITHUB-2018-10-21" in targets
    assert "playbooks/database-failover.html#PBK-DATABASE-FAILOVER" in targets
    # The field tables come from the model: the incident's categories are listed.
    assert "cascading-failure" in guide.get_text()


def test_incident_links_its_playbook_and_back(handbook: Path) -> None:
    registry = json.loads((handbook / "needs.json").read_text())
    needs = registry["versions"][registry["current_version"]]["needs"]
    incident = needs["INC-GITHUB-2018-10-21"]
    assert incident["playbooks"] == ["PBK-DATABASE-FAILOVER"]
    assert "PBK-DATABASE-FAILOVER" in incident["mitigates_back"]
    page = soup(handbook, "incidents/github-2018-10-21.html")
    times = [
        tr.find("td").get_text(" ", strip=True)
        for tr in page.select("table.atlas-timeline tbody tr")
    ]
    assert times[0] == "22:52" and times[-1] == "2018-10-22 23:03"
    playbook = soup(handbook, "playbooks/database-failover.html")
    assert playbook.find("a", href="../incidents/github-2018-10-21.html#INC-GITHUB-2018-10-21")


def test_benchmarks_page_shows_the_latest_results(handbook: Path) -> None:
    page = soup(handbook, "benchmarks.html")
    rows = {
        tr.find("td").get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in page.select("table.atlas-benchmarks tbody tr")
    }
    assert "Atlas throughput, cold cache" in rows
    assert rows["Atlas warm cache: diagrams rendered"][1] == "0 diagrams"
    assert "Measured" in page.select_one(".atlas-benchmarks-context").get_text()


def test_exemplar_systems_have_all_eight_diagrams(handbook: Path) -> None:
    registry = json.loads((handbook / "needs.json").read_text())
    needs = registry["versions"][registry["current_version"]]["needs"].values()
    mandatory = {
        "architecture", "request-flow", "storage", "failure-domains",
        "scale-evolution", "cost", "novel-solutions", "operations",
    }  # fmt: skip
    for system in ("SYS-DISCORD", "SYS-STRIPE", "SYS-NETFLIX"):
        kinds = {n["kind"] for n in needs if n["type"] == "diagram" and system in n["system"]}
        assert mandatory <= kinds, system
    coverage = soup(handbook, "review/coverage.html")
    rows = {
        tr.find("td").get_text(strip=True): tr.get_text(" ", strip=True)
        for tr in coverage.select("table.atlas-view tbody tr")
    }
    for system in ("SYS-DISCORD", "SYS-STRIPE", "SYS-NETFLIX"):
        assert "gap" not in rows[system]


def test_every_incident_has_a_playbook(handbook: Path) -> None:
    registry = json.loads((handbook / "needs.json").read_text())
    needs = registry["versions"][registry["current_version"]]["needs"].values()
    incidents = [n for n in needs if n["type"] == "incident"]
    assert len(incidents) >= 12
    for incident in incidents:
        assert incident["playbooks"] or incident["mitigates_back"], incident["id"]
    playbooks = [n for n in needs if n["type"] == "playbook"]
    written = sum(len(PLAYBOOK.findall(page.read_text())) for page in SOURCE.rglob("*.md"))
    assert len(playbooks) == written >= 16
    assert all(p["gate_3am"] in ("pass", "pending") for p in playbooks)


def rules_the_extension_reports() -> set[str]:
    """Every warning rule (``atlas.<rule>``) the extension's code can emit."""
    rules = set()
    for path in EXTENSION.rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text())):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", None))
            if name == "report" and isinstance(call.args[-1], ast.Constant):
                rules.add(call.args[-1].value)
            rules |= {
                kw.value.value
                for kw in call.keywords
                if kw.arg == "subtype" and isinstance(kw.value, ast.Constant)
            }
    return rules


def test_contributor_guide_follows_the_authoring_guide(handbook: Path) -> None:
    authoring = soup(handbook, "authoring.html")
    assert authoring.find("a", href="contributing.html"), "the authoring guide points to it"
    assert authoring.select_one("a.next-page")["href"] == "contributing.html"
    guide = soup(handbook, "contributing.html")
    headings = [h.get_text(" ", strip=True) for h in guide.select("h2, h3")]
    for step in ("1. Scaffold", "2. Write, with a live preview", "3. Check", "4. Review"):
        assert any(step in h for h in headings), step
    text = guide.get_text(" ", strip=True)
    for command in ("make new", "make serve", "make check", "pre-commit install"):
        assert command in text


def test_contributor_guide_explains_every_check_rule(handbook: Path) -> None:
    guide = soup(handbook, "contributing.html")
    documented = {
        row.find("td").get_text(strip=True)
        for table in guide.select("table")
        for row in table.select("tbody tr")
    }
    rules = rules_the_extension_reports()
    assert len(rules) >= 9
    assert {f"atlas.{rule}" for rule in rules} <= documented
    planes = {
        row.find_all("td")[0].get_text(strip=True): row.find_all("td")[1].get_text(" ", strip=True)
        for row in guide.select("table tbody tr")
        if row.find_all("td")[0].get_text(strip=True) in {"Edge", "Service", "State", "Control"}
    }
    assert planes == {
        "Edge": "#0066CC blue",
        "Service": "#00AA00 green",
        "State": "#FF8800 orange",
        "Control": "#CC0000 red",
    }


def test_contributor_guide_examples_are_real_entries(handbook: Path) -> None:
    guide = soup(handbook, "contributing.html")
    registry = json.loads((handbook / "needs.json").read_text())
    needs = registry["versions"][registry["current_version"]]["needs"]
    examples = guide.select("div.atlas-markup")
    assert len(examples) >= 3
    for example in examples:
        markup = example.get_text()
        need_id = re.search(r"^:id: (\S+)$", markup, re.MULTILINE)[1]
        assert need_id in needs, need_id
        caption = example.find_next_sibling("p", class_="atlas-markup-caption")
        link = caption.find("a", href=True)
        assert link["href"].endswith(f"#{need_id}")
        assert (handbook / link["href"].split("#")[0]).is_file()
    shown = {re.search(r"^:id: (\S+)$", e.get_text(), re.MULTILINE)[1] for e in examples}
    assert {"DGM-DISCORD-ARCHITECTURE", "SRC-DISCORD-SUPERDISK", "MET-STRIPE-PINOT-P99"} <= shown
    # Placeholders appear only as quoted code, so the guide itself passes make check.
    for element in guide.find_all(string=re.compile("<FILL:")):
        assert element.find_parent(["code", "pre"]), element

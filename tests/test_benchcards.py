"""Bench cards: a one-page PDF per playbook and debugging guide, linked from its page."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from conftest import ROOTS, build_app, located_warnings


def card_text(pdf: Path) -> str:
    result = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    return " ".join(result.stdout.split())


def bare(words: str) -> str:
    """Text without white space and hyphens (poppler drops a hyphen that ends a line)."""
    return "".join(words.split()).replace("-", "")


def card_link(page: Path) -> Path:
    html = BeautifulSoup(page.read_text(), "html.parser")
    links = html.select("a.atlas-bench-card-link")
    assert len(links) == 1, page
    return (page.parent / links[0]["href"]).resolve()


#: A playbook whose steps cannot fit one page at any type size.
ENDLESS = """# An endless playbook

````{playbook} Restart everything, one by one
:id: PBK-ENDLESS
:scenario: Every node must be restarted by hand
:tools: systemctl
:rto: 1d
:validation: C

```{signals}
- `systemctl status app` shows `failed`
```

```{first-checks}
1. `systemctl list-units --failed` — which units failed?
```

STEPS
````
""".replace(
    "STEPS",
    "\n".join(
        f"{n}. Run `systemctl restart app@{n}` on node {n} and wait until `systemctl is-active "
        f"app@{n}` answers `active` before going on to the next node of the cluster."
        for n in range(1, 181)
    ),
)


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory):
    srcdir = tmp_path_factory.mktemp("cards") / "src"
    shutil.copytree(ROOTS / "test-layout", srcdir)
    (srcdir / "endless.md").write_text(ENDLESS)
    index = srcdir / "index.md"
    index.write_text(index.read_text().replace("playbook\n", "playbook\nendless\n", 1))
    return srcdir, build_app(srcdir)


def test_a_playbook_links_a_one_page_card_of_its_response(cards) -> None:
    _, app = cards
    pdf = card_link(Path(app.outdir) / "playbook.html")
    assert pdf == Path(app.outdir) / "_cards" / "PBK-L.pdf"
    assert len(PdfReader(pdf).pages) == 1
    text = card_text(pdf)
    for seen in (
        "Roll back a bad deploy",
        "PBK-L · RTO 10m · level C",
        "Scenario: A deploy made the service fail",
        "Signals",
        "kubectl get pods shows CrashLoopBackOff",
        "First checks",
        "kubectl rollout history deployment/web",
        "2. Run kubectl rollout undo deployment/web to return to it.",
        "Verify: kubectl rollout status deployment/web reports success.",
        "Rollback: kubectl rollout undo deployment/web again restores",
        "the whole page, with its sources: playbook.html",
    ):
        assert seen in text, (seen, text)
    # What belongs on screen only: the quality-gate badges.
    assert "3 AM test" not in text


def test_a_card_that_cannot_fit_is_printed_and_reported_at_its_line(cards) -> None:
    _, app = cards
    pdf = card_link(Path(app.outdir) / "endless.html")
    assert len(PdfReader(pdf).pages) > 1
    assert "systemctl restart app@180" in card_text(pdf)
    reported = [w for w in located_warnings(app) if w[2] == "PBK-ENDLESS" and "card" in w[4]]
    assert len(reported) == 1
    file, line, _, rule, text = reported[0]
    assert (file, line, rule) == ("endless.md", 3, "field")
    assert "bench card runs to" in text and "Fix: shorten the steps" in text


def test_only_the_edited_entry_s_card_is_printed_again(cards) -> None:
    srcdir, app = cards
    folder = Path(app.outdir) / "_cards"
    before = {pdf.name: pdf.stat().st_mtime_ns for pdf in folder.glob("*.pdf")}
    page = srcdir / "playbook.md"
    page.write_text(page.read_text().replace("to return to it.", "to return to the last one."))
    build_app(srcdir)
    after = {pdf.name: pdf.stat().st_mtime_ns for pdf in folder.glob("*.pdf")}
    assert after["PBK-L.pdf"] != before["PBK-L.pdf"]
    assert after["PBK-ENDLESS.pdf"] == before["PBK-ENDLESS.pdf"]
    assert "to return to the last one." in card_text(folder / "PBK-L.pdf")


def test_the_site_ships_only_the_cards_and_a_lost_card_is_printed_again(cards) -> None:
    srcdir, app = cards
    folder = Path(app.outdir) / "_cards"
    # What the build keeps to print the cards is build state, not something to download.
    assert sorted(p.suffix for p in folder.iterdir()) == [".pdf", ".pdf"]
    shutil.rmtree(folder)
    build_app(srcdir)  # no page changed, so no page is written again
    assert {pdf.name for pdf in folder.glob("*.pdf")} == {"PBK-L.pdf", "PBK-ENDLESS.pdf"}
    assert "Roll back a bad deploy" in card_text(folder / "PBK-L.pdf")


def test_every_playbook_and_guide_of_the_handbook_has_its_card(handbook: Path) -> None:
    data = json.loads((handbook / "needs.json").read_text())
    needs = data["versions"][data["current_version"]]["needs"]
    entries = {i: n for i, n in needs.items() if n["type"] in ("playbook", "guide")}
    assert len(entries) >= 40
    for entry_id, need in entries.items():
        page = handbook / f"{need['docname']}.html"
        pdf = card_link(page)
        assert pdf.name == f"{entry_id}.pdf" and pdf.is_file(), entry_id
        # One page: the strict build would have failed on a card that does not fit.
        assert len(PdfReader(pdf).pages) == 1, entry_id
        text = card_text(pdf)
        html = BeautifulSoup(page.read_text(), "html.parser")
        first_check = html.select_one(".atlas-first-checks li code").get_text()
        # A long command wraps in its column: compare without white space and hyphens.
        assert bare(first_check) in bare(text), (entry_id, first_check)
        for playbook in need.get("playbooks", []):
            assert playbook in text, (entry_id, playbook)

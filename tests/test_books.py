"""The PDF handbook and the EPUB, built from the real handbook and from a small test root."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LOCAL_MERMAID, PROJECT, ROOTS, VOLUMES_BUILD

ARTIFACTS = PROJECT / "_build" / "test-artifacts"


def sphinx(builder: str, confdir: Path, srcdir: Path, outdir: Path, *options: str):
    command = [
        str(PROJECT / ".venv" / "bin" / "sphinx-build")
        if (PROJECT / ".venv" / "bin" / "sphinx-build").exists()
        else "sphinx-build",
        "-b", builder, "-c", str(confdir), *options, str(srcdir), str(outdir),
    ]  # fmt: skip
    env = {"PATH": f"{Path(command[0]).parent}:/usr/bin:/bin"}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def volumes(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, dict[str, Path], str]:
    """Every PDF volume of the handbook, from one `make pdf`-style build: the one the handbook
    fixture started in the background, or, when no test built the handbook, one run here."""
    started = request.session.config.stash.get(VOLUMES_BUILD, None)
    if started is not None:
        out = started.outdir
        status, log = started.result()
    else:
        out = tmp_path_factory.mktemp("pdf")
        done = sphinx("volumes", PROJECT, PROJECT / "source", out, "-d", str(out / ".doctrees"))
        status, log = done.returncode, done.stdout + done.stderr
    assert status == 0, log[-3000:]
    manifest = json.loads((out / "volumes.json").read_text())
    files = {entry["slug"]: out / entry["file"] for entry in manifest}
    # Several tests read every volume's text; poppler takes seconds per volume, so read them all
    # now, on both cores, into page_texts' cache.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(page_texts, files.values()))
    return out, files, log


@pytest.fixture(scope="module")
def handbook_pdf(volumes) -> tuple[Path, str]:
    """The volume most pages of the handbook's book checks look at: the incidents."""
    _, files, log = volumes
    return files["incidents"], log


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark."""
    found = []

    def walk(items, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


#: The chapters each volume must open, with the handbook's chapter numbers.
# fmt: off
CHAPTERS = {
    "systems": ["3. Systems"],
    "incidents": ["4. Incidents"],
    "operations": ["2. What are you seeing?", "5. Playbooks", "6. Debugging guides"],
    "patterns": ["7. Patterns", "8. Anti-patterns", "9. Migrations"],
    "review": ["13. Review", "14. Benchmarks"],
    "about": ["1. About this handbook", "10. Authoring guide", "11. Contributor guide", "12. Glossary"],  # noqa: E501
}
# fmt: on


def printed_toc(pdf: Path, last_page: int = 4) -> dict[str, int]:
    """Title → page of every entry of the printed table of contents (pages 2 to ``last_page``;
    a title that wraps is read up to the end of its first line)."""
    toc = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", str(last_page), str(pdf), "-"],
        capture_output=True,
        text=True,
    ).stdout
    return {
        match[1].strip(): int(match[2])
        for match in re.finditer(r"^[\s•]*(\d+(?:\.\d+)*\. [^\n]*?)\s{2,}(\d+)\s*$", toc, re.M)
    }


def test_every_volume_has_cover_bookmarks_page_numbers_and_a_true_table_of_contents(
    volumes,
) -> None:
    _, files, log = volumes
    assert set(files) == set(CHAPTERS)
    for slug, pdf in files.items():
        reader = PdfReader(pdf)
        assert len(reader.pages) > 5, slug
        cover = " ".join(page_texts(pdf)[0].split())
        assert "Atlas:" in cover and re.search(r"Built \d{4}-\d{2}-\d{2}", cover), slug
        bookmarks = outline(reader)
        chapters = {title: page for depth, title, page in bookmarks if depth == 0}
        assert set(CHAPTERS[slug]) <= set(chapters), (slug, list(chapters))
        # The printed table of contents gives the page of the bookmark, for every entry it
        # prints: chapters and their sections (it fills the pages before the first chapter).
        first_chapter = min(chapters[title] for title in CHAPTERS[slug])
        printed = printed_toc(pdf, last_page=first_chapter - 1)
        assert set(CHAPTERS[slug]) <= set(printed), (slug, printed)
        marked = {title: page for _depth, title, page in bookmarks}
        compared = 0
        for title, page in printed.items():
            same = [t for t in marked if t == title or (len(title) > 20 and t.startswith(title))]
            if same:
                compared += 1
                assert page == marked[same[0]], (slug, title, page, marked[same[0]])
        assert compared >= len(CHAPTERS[slug]), slug
        # Page numbers: each page between the table of contents and the back cover shows its own.
        texts = page_texts(pdf)
        for number in range(6, len(texts), max(1, len(texts) // 7)):
            assert shows_page_number(texts[number - 1], number), (slug, number)
    assert "No anchor" not in log and "ERROR" not in log


def test_links_between_volumes_open_the_other_volume_at_the_page(volumes) -> None:
    _, files, _ = volumes
    destinations = {pdf.name: set(PdfReader(pdf).named_destinations) for pdf in files.values()}
    across, broken, local = 0, [], []
    for pdf in files.values():
        for page in PdfReader(pdf).pages:
            for annotation in page.get("/Annots", []) or []:
                action = annotation.get_object().get("/A")
                if action is None:
                    continue
                if action.get("/S") == "/GoToR":
                    across += 1
                    target, dest = str(action["/F"]), str(action["/D"])
                    if dest not in destinations.get(target, set()):
                        broken.append(f"{pdf.name} → {target}#{dest}")
                elif str(action.get("/URI", "")).startswith("file:"):
                    local.append(f"{pdf.name}: {action['/URI']}")
    assert across > 100, "incidents link their playbooks, playbooks their incidents"
    assert broken == [], broken[:10]
    assert local == [], "no link points at a file on the build machine"


def test_an_edit_rebuilds_only_its_volume(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    index = srcdir / "index.md"
    index.write_text(index.read_text().replace("more\n```", "more\nthird\n```"))
    (srcdir / "third.md").write_text("# Third\n\nA page of its own volume.\n")
    volumes = {"more": {"title": "More", "roots": ["more"]},
               "third": {"title": "Third", "roots": ["third"]}}  # fmt: skip
    options = [f"-D{k}={v}" for k, v in LOCAL_MERMAID.items()]
    options += ["-d", str(tmp_path / "doctrees")]
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text() + f"\natlas_volumes = {volumes!r}\n")
    out = tmp_path / "pdf"
    first = sphinx("volumes", srcdir, srcdir, out, *options)
    assert first.returncode == 0, first.stderr[-3000:]
    before = {
        name: (out / name).stat().st_mtime_ns for name in ("atlas-more.pdf", "atlas-third.pdf")
    }
    (srcdir / "third.md").write_text("# Third\n\nA page of its own volume, edited.\n")
    second = sphinx("volumes", srcdir, srcdir, out, *options)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "volume more: no page changed, atlas-more.pdf kept" in second.stdout
    assert (out / "atlas-more.pdf").stat().st_mtime_ns == before["atlas-more.pdf"]
    assert (out / "atlas-third.pdf").stat().st_mtime_ns > before["atlas-third.pdf"]
    assert "edited" in " ".join(page_texts(out / "atlas-third.pdf"))
    # A page in no volume is named, with the fix.
    conf.write_text(conf.read_text() + "\natlas_volumes = {'more': atlas_volumes['more']}\n")
    third = sphinx("volumes", srcdir, srcdir, out, *options)
    assert "'third' is in no PDF volume; add it to the roots of one volume" in third.stderr


def shows_page_number(text: str, number: int) -> bool:
    """The page shows its number: on a line of its own, or heading the running header, where
    text extraction can run a wide number into the chapter number beside it ("2904.29. …")."""
    if str(number) in text.split():
        return True
    return re.match(rf"\s*{number}(?:\s|\d+\.\d)", text) is not None


@functools.cache
def page_texts(pdf: Path) -> list[str]:
    """The text of every page, as poppler's pdftotext yields it (pypdf's is ~50× slower); read
    once per PDF, because several tests look at the same book."""
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[: len(PdfReader(pdf).pages)]


def test_pdf_diagrams_are_vector_with_extractable_labels(handbook_pdf) -> None:
    pdf, _ = handbook_pdf
    texts = [" ".join(page.split()) for page in page_texts(pdf)]
    # The rendered diagram, not the guide's listing of its Mermaid source ("orch[…]").
    pages = [i for i, text in enumerate(texts) if "Orchestrator with Raft" in text]
    pages = [i for i in pages if "orch[" not in texts[i]]
    assert pages, "the incident diagram's labels are text in the PDF"
    assert (
        "43 s partition" in texts[pages[0]]
        and "Restore from backups and re-sync" in texts[pages[0]]
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", str(pages[0] + 1), "-l", str(pages[0] + 1),
         str(pdf), str(ARTIFACTS / "pdf-diagram-page")],
        check=True,
    )  # fmt: skip
    assert list(ARTIFACTS.glob("pdf-diagram-page*.png")), "a page image for a person to look at"


def split_labels(lines: list[str], labels: set[str]) -> list[str]:
    """Labels a too-narrow column wrapped letter by letter ("So", "urc", "es:"): runs of two
    to five consecutive lines that, joined, spell a label."""
    whole = {label.replace(" ", "") for label in labels}
    found = []
    for start in range(len(lines)):
        for count in range(2, 6):
            run = [line.strip() for line in lines[start : start + count]]
            if len(run) < count or not all(run) or "".join(run).rstrip(":") not in whole:
                continue
            if " ".join(run).rstrip(":") not in labels:  # not a wrap between two words
                found.append(" / ".join(run))
    return found


def test_pdf_field_labels_never_break_inside_a_word(volumes) -> None:
    """The cards' field labels and the figure table's headers stay whole in the PDF."""
    from atlas.definitions import FIGURE_COLUMNS
    from atlas.model import FIELDS

    labels = {spec.label.capitalize() for spec in FIELDS.values()}
    labels |= {label for label, _ in FIGURE_COLUMNS}
    labels |= {"Started (UTC)", "Ended (UTC)", "Organisation", "Rests on it", "Shown in"}
    pages = [(pdf.name, n, page) for pdf in volumes[1].values()
             for n, page in enumerate(page_texts(pdf), 1)]  # fmt: skip
    broken = [f"{name} page {n}: {run}" for name, n, page in pages
              for run in split_labels(page.splitlines(), labels)]  # fmt: skip
    assert broken == [], broken[:20]
    lines = {line.strip() for _, _, page in pages for line in page.splitlines()}
    assert {"What", "Value", "As of", "Level", "Sources"} <= lines  # the figures table's header


def test_pdf_links_resolve_inside_the_document(handbook_pdf) -> None:
    pdf, _ = handbook_pdf
    reader = PdfReader(pdf)
    internal = [
        annotation.get_object()
        for page in reader.pages
        for annotation in page.get("/Annots", []) or []
        if annotation.get_object().get("/Subtype") == "/Link" and "/Dest" in annotation.get_object()
    ]
    assert len(internal) > 20, "cross-references are live links inside the PDF"


def epubcheck(epub: Path) -> str:
    jar = Path("/usr/share/java/epubcheck.jar")
    command = ["java", "-jar", str(jar)] if jar.exists() else ["epubcheck"]
    result = subprocess.run([*command, str(epub)], capture_output=True, text=True)
    return result.stdout + result.stderr


@pytest.mark.parametrize("which", ["handbook", "test root"])
def test_epub_passes_epubcheck(which: str, tmp_path: Path) -> None:
    out = tmp_path / "epub"
    if which == "handbook":
        result = sphinx("epub", PROJECT, PROJECT / "source", out)
    else:
        srcdir = tmp_path / "src"
        shutil.copytree(ROOTS / "test-diagrams", srcdir)
        options = [f"-D{k}={v}" for k, v in LOCAL_MERMAID.items()]
        result = sphinx("epub", srcdir, srcdir, out, *options)
    assert result.returncode == 0, result.stderr[-3000:]
    epub = next(out.glob("*.epub"))
    report = epubcheck(epub)
    assert re.search(r"Messages: 0 fatals / 0 errors", report), report[-3000:]
    if which == "handbook":
        import zipfile

        with zipfile.ZipFile(epub) as book:
            names = book.namelist()
            opf = book.read("content.opf").decode()
        assert "nav.xhtml" in names and "epub-cover.xhtml" in names
        assert any(n.startswith("_images/mermaid-") for n in names)
        assert "<dc:title>Atlas</dc:title>" in opf and "<dc:language>en</dc:language>" in opf
        assert re.search(r"<dc:date>\d{4}-\d{2}-\d{2}", opf)


def test_wide_matrices_get_landscape_pages(volumes) -> None:
    pdf = volumes[1]["review"]
    reader = PdfReader(pdf)
    texts = [" ".join(text.split()) for text in page_texts(pdf)]
    matrix_pages = [n for n, text in enumerate(texts) if "Diagram Title System Kind Level" in text]
    assert matrix_pages
    for n in matrix_pages:
        box = reader.pages[n].mediabox
        assert float(box.width) > float(box.height), f"page {n + 1} is portrait"


def test_pdf_of_a_small_root(tmp_path: Path) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    options = [f"-D{k}={v}" for k, v in LOCAL_MERMAID.items()]
    result = sphinx("simplepdf", srcdir, srcdir, tmp_path / "pdf", *options)
    assert result.returncode == 0, result.stderr[-3000:]
    reader = PdfReader(next((tmp_path / "pdf").glob("*.pdf")))
    titles = [title for _, title, _ in outline(reader)]
    assert "Diagrams" in " ".join(titles) and "More" in " ".join(titles)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Mobile client" in text and "Charge card" in text
    assert "No anchor" not in result.stdout + result.stderr

"""The PDF handbook and the EPUB, built from the real handbook and from a small test root."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import LOCAL_MERMAID, PROJECT, ROOTS

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
def handbook_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("pdf")
    result = sphinx("simplepdf", PROJECT, PROJECT / "source", out, "-d", str(out / ".doctrees"))
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "atlas-handbook.pdf", result.stdout + result.stderr


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


def test_pdf_has_cover_bookmarks_and_a_true_table_of_contents(handbook_pdf) -> None:
    pdf, log = handbook_pdf
    reader = PdfReader(pdf)
    assert len(reader.pages) > 20
    cover = reader.pages[0].extract_text()
    assert "Atlas" in cover and re.search(r"Built \d{4}-\d{2}-\d{2}", cover)
    chapters = {title: page for depth, title, page in outline(reader) if depth == 1}
    for chapter in (
        "1. About this handbook",
        "2. What are you seeing?",
        "4. Incidents",
        "6. Debugging guides",
        "11. Contributor guide",
        "13. Review",
    ):
        assert chapter in chapters
    # The printed table of contents gives the same page as the bookmark.
    toc = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "3", str(pdf), "-"],
        capture_output=True,
        text=True,
    ).stdout
    printed = {
        match[1].strip(): int(match[2])
        for match in re.finditer(r"^\s*(\d+\. [^\n]*?)\s{2,}(\d+)\s*$", toc, re.M)
    }
    for chapter, page in chapters.items():
        if chapter in printed:
            assert printed[chapter] == page, chapter
    assert "No anchor" not in log and "ERROR" not in log


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


def test_pdf_field_labels_never_break_inside_a_word(handbook_pdf) -> None:
    """The cards' field labels and the figure table's headers stay whole in the PDF."""
    from atlas.definitions import FIGURE_COLUMNS
    from atlas.model import FIELDS

    pdf, _ = handbook_pdf
    labels = {spec.label.capitalize() for spec in FIELDS.values()}
    labels |= {label for label, _ in FIGURE_COLUMNS}
    labels |= {"Started (UTC)", "Ended (UTC)", "Organisation", "Rests on it", "Shown in"}
    pages = page_texts(pdf)
    broken = [f"page {n}: {run}" for n, page in enumerate(pages, 1)
              for run in split_labels(page.splitlines(), labels)]  # fmt: skip
    assert broken == [], broken[:20]
    lines = {line.strip() for page in pages for line in page.splitlines()}
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


def test_wide_matrices_get_landscape_pages(handbook_pdf) -> None:
    pdf, _ = handbook_pdf
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

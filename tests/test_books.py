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
    files = {entry["slug"]: out / entry["file"] for entry in manifest_of(out)}
    # Several tests read every volume's text; poppler takes seconds per volume, so read them all
    # now, on both cores, into page_texts' cache.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(page_texts, files.values()))
    return out, files, log


def manifest_of(out: Path) -> list[dict]:
    """What the volumes builder wrote beside the PDFs: every PDF, in order, with its volume."""
    return json.loads((out / "volumes.json").read_text())


def printing(out: Path, docname: str) -> Path:
    """The PDF that prints a page."""
    for entry in manifest_of(out):
        if docname in entry["roots"]:
            return out / entry["file"]
    raise AssertionError(f"no PDF prints {docname}")


@pytest.fixture(scope="module")
def handbook_pdf(volumes) -> tuple[Path, str]:
    """The PDF most of the handbook's book checks look at: the incidents that hold GitHub 2018."""
    out, _, log = volumes
    return printing(out, "incidents/github-2018-10-21"), log


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
    """Title → page of every entry of the printed table of contents (pages 2 to ``last_page``).

    Read in the order the page draws its text (``pdftotext -raw``): each sheet draws its page
    numbers first, then its titles, so the two lists pair up in order, however long a title
    runs or wraps (a layout reading cannot tell "traded for 45 / minutes 44" apart)."""
    raw = subprocess.run(
        ["pdftotext", "-raw", "-f", "2", "-l", str(last_page), str(pdf), "-"],
        capture_output=True,
        text=True,
    ).stdout
    entries: dict[str, int] = {}
    for sheet_number, sheet in enumerate(raw.split("\f")[: last_page - 1], start=2):
        numbers: list[int] = []
        titles: list[str] = []
        for line in sheet.splitlines():
            line = line.strip().lstrip("•").strip()
            if line.isdigit():
                if int(line) != sheet_number:  # the running header's own page number
                    numbers.append(int(line))
            elif re.match(r"\d+(?:\.\d+)*\. ", line):
                titles.append(line)
            elif titles and line:  # a wrapped title ("us-" / "east-1" is one word)
                titles[-1] += ("" if titles[-1].endswith("-") else " ") + line
        assert len(numbers) == len(titles), (pdf.name, sheet_number, numbers, titles)
        entries.update(zip(titles, numbers, strict=True))
    return entries


def opening_chapters(entry: dict, chapters: dict[str, int]) -> list[str]:
    """The numbered chapters a PDF must open: a volume's (CHAPTERS), or a part's, each root's
    title under its number in the handbook ("3.4. Discord")."""
    if entry["slug"] in CHAPTERS:
        return CHAPTERS[entry["slug"]]
    return [
        next((t for t in chapters if re.fullmatch(rf"\d+\.\d+\. {re.escape(title)}", t)), title)
        for title in entry["contents"]
    ]


def test_every_volume_has_cover_bookmarks_page_numbers_and_a_true_table_of_contents(
    volumes,
) -> None:
    out, files, log = volumes
    manifest = manifest_of(out)
    assert {entry["volume"] for entry in manifest} == set(CHAPTERS)
    numbered = 0
    for entry in manifest:
        slug, pdf = entry["slug"], files[entry["slug"]]
        reader = PdfReader(pdf)
        assert len(reader.pages) > 2, slug
        cover = " ".join(page_texts(pdf)[0].split())
        squeezed = re.sub(r"[\s-]", "", cover)  # a title wrapped at a hyphen on the cover
        assert re.sub(r"[\s-]", "", f"Atlas: {entry['title']}") in squeezed, slug
        assert re.search(r"Built \d{4}-\d{2}-\d{2}", cover), slug
        bookmarks = outline(reader)
        chapters = {title: page for depth, title, page in bookmarks if depth == 0}
        expected = opening_chapters(entry, chapters)
        assert set(expected) <= set(chapters), (slug, expected, list(chapters))
        # The printed table of contents gives the page of the bookmark, for every entry it
        # prints: chapters and their sections (it fills the pages before the first chapter).
        first_chapter = min(chapters[title] for title in expected)
        printed = printed_toc(pdf, last_page=first_chapter - 1)
        for title in expected:  # a long title is read up to the end of its first line
            assert any(title == p or (len(p) > 20 and title.startswith(p)) for p in printed), (
                slug, title, printed,
            )  # fmt: skip
        marked = {title: page for _depth, title, page in bookmarks}
        compared = 0
        for title, page in printed.items():
            same = [t for t in marked if t == title or (len(title) > 20 and t.startswith(title))]
            if same:
                compared += 1
                assert page == marked[same[0]], (slug, title, page, marked[same[0]])
        assert compared >= len(expected), slug
        # Page numbers: each page between the table of contents and the back cover shows its own.
        texts = page_texts(pdf)
        for number in range(first_chapter, len(texts), max(1, len(texts) // 7)):
            assert shows_page_number(texts[number - 1], number), (slug, number)
            numbered += 1
    assert numbered > 100
    assert "No anchor" not in log and "ERROR" not in log


def test_long_volumes_are_printed_one_pdf_per_part(volumes) -> None:
    """Systems one PDF each, incidents twenty to a PDF, the annex one PDF per review page; each
    split volume's first PDF lists its parts, each a link into the part's PDF."""
    out, files, _ = volumes
    manifest = manifest_of(out)
    parts = {v: [e for e in manifest if e["volume"] == v and e["slug"] != v] for v in CHAPTERS}
    systems = (PROJECT / "source" / "systems").glob("*/index.md")
    assert sorted(e["roots"][0] for e in parts["systems"]) == sorted(
        f"systems/{index.parent.name}/index" for index in systems
    )
    incidents = {path.stem for path in (PROJECT / "source" / "incidents").glob("*-*.md")}
    assert all(len(e["roots"]) <= 20 for e in parts["incidents"])
    assert {r.split("/")[1] for e in parts["incidents"] for r in e["roots"]} == incidents
    assert len(parts["incidents"]) == -(-len(incidents) // 20)
    assert "review/diagrams" in {e["roots"][0] for e in parts["review"]}
    assert parts["operations"] == parts["patterns"] == parts["about"] == []
    # No part is the size the whole volume was: the largest is a fraction of its volume.
    for volume in ("systems", "incidents", "review"):
        sizes = [e["pages"] for e in parts[volume]]
        assert max(sizes) < sum(sizes) / 2, (volume, sizes)
    overview = files["systems"]
    text = " ".join(" ".join(page_texts(overview)).split())
    links = {
        str(annotation.get_object()["/A"]["/F"])
        for page in PdfReader(overview).pages
        for annotation in page.get("/Annots", []) or []
        if annotation.get_object().get("/A", {}).get("/S") == "/GoToR"
    }
    for entry in parts["systems"]:
        assert entry["file"] in text and entry["file"] in links, entry["file"]


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


def test_an_edit_rebuilds_only_its_volume_and_a_split_volume_prints_one_pdf_per_part(
    tmp_path: Path,
) -> None:
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    index = srcdir / "index.md"
    index.write_text(index.read_text().replace("more\n```", "more\nthird\n```"))
    (srcdir / "third.md").write_text("# Third\n\nIts parts:\n\n```{toctree}\np1\np2\n```\n")
    for part in ("p1", "p2"):
        (srcdir / f"{part}.md").write_text(f"# Part {part}\n\nA page printed on its own.\n")
    volumes = {"more": {"title": "More", "roots": ["more"]},
               "third": {"title": "Third", "roots": ["third"], "split": 1}}  # fmt: skip
    options = [f"-D{k}={v}" for k, v in LOCAL_MERMAID.items()]
    options += ["-d", str(tmp_path / "doctrees")]
    conf = srcdir / "conf.py"
    conf.write_text(conf.read_text() + f"\natlas_volumes = {volumes!r}\n")
    out = tmp_path / "pdf"
    first = sphinx("volumes", srcdir, srcdir, out, *options)
    assert first.returncode == 0, first.stderr[-3000:]
    names = ["atlas-more.pdf", "atlas-third.pdf", "atlas-third-p1.pdf", "atlas-third-p2.pdf"]
    assert [entry["file"] for entry in manifest_of(out)] == names
    assert [entry["volume"] for entry in manifest_of(out)] == ["more"] + ["third"] * 3
    overview = " ".join(" ".join(page_texts(out / "atlas-third.pdf")).split())
    assert "Part p1 (atlas-third-p1.pdf)" in overview and "A page printed" not in overview
    assert "A page printed on its own" in " ".join(page_texts(out / "atlas-third-p2.pdf"))
    before = {name: (out / name).stat().st_mtime_ns for name in names}
    (srcdir / "p2.md").write_text("# Part p2\n\nA page printed on its own, edited.\n")
    second = sphinx("volumes", srcdir, srcdir, out, *options)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "volume more: no page changed, atlas-more.pdf kept" in second.stdout
    after = {name: (out / name).stat().st_mtime_ns for name in names}
    assert [name for name in names if after[name] != before[name]] == ["atlas-third-p2.pdf"]
    assert "edited" in " ".join(page_texts.__wrapped__(out / "atlas-third-p2.pdf"))
    # One part alone, by its name: `make pdf VOLUME=third-p1`.
    (srcdir / "p1.md").write_text("# Part p1\n\nEdited too.\n")
    alone = sphinx("volumes", srcdir, srcdir, out, *options, "-D", "atlas_volume=third-p1")
    assert alone.returncode == 0, alone.stderr[-3000:]
    assert "volume third-p1: assembling 1 pages" in alone.stdout
    assert "volume third-p2" not in alone.stdout and "volume more" not in alone.stdout
    # A page in no volume is named, with the fix; the PDFs of the volume that went are removed.
    # A split that is not a whole number is named too, and the volume printed whole.
    only_more = "{'more': {**atlas_volumes['more'], 'split': -1}}"
    conf.write_text(conf.read_text() + f"\natlas_volumes = {only_more}\n")
    third = sphinx("volumes", srcdir, srcdir, out, *options)
    assert "'third' is in no PDF volume; add it to the roots of one volume" in third.stderr
    assert "volume 'more': split must be a whole number of entries per PDF" in third.stderr
    assert sorted(pdf.name for pdf in out.glob("*.pdf")) == ["atlas-more.pdf"]
    assert [entry["file"] for entry in manifest_of(out)] == ["atlas-more.pdf"]


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


SVG_LABEL = re.compile(r"<(?:tspan|text)\b[^>]*>([^<]+)</(?:tspan|text)>")


def test_every_volume_keeps_its_diagram_labels_as_text(volumes) -> None:
    """In every PDF, the words of its diagrams' labels are text a search finds."""
    out, files, _ = volumes
    drawn = set()
    for entry in manifest_of(out):
        html = (out / f"atlas-{entry['slug']}.html").read_text()
        words: set[str] = set()
        for image in set(re.findall(r"_images/(mermaid-[0-9a-f]{16}\.svg)", html)):
            labels = " ".join(SVG_LABEL.findall((out / "_images" / image).read_text()))
            words |= {w for w in re.findall(r"[A-Za-z]{4,}", labels)}
        if not words:
            continue
        drawn.add(entry["slug"])
        found = set(re.findall(r"[A-Za-z]{4,}", " ".join(page_texts(files[entry["slug"]]))))
        missing = sorted(words - found)
        assert len(missing) <= len(words) // 20, (entry["file"], len(words), missing[:20])
    parts = {e["slug"] for e in manifest_of(out) if e["volume"] in ("systems", "incidents")}
    parts -= {"systems", "incidents"}
    assert parts | {"operations", "patterns"} <= drawn, "each of them draws diagrams"


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
    pdf = printing(volumes[0], "review/diagrams")
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


def test_latex_route_includes_each_diagram_as_a_vector_pdf_converted_once(tmp_path: Path) -> None:
    """Sphinx's LaTeX route (measured against WeasyPrint by `make bench`): every diagram is a
    PDF converted by rsvg-convert, its labels still text; the conversion is kept by content
    hash for the next build; a flow graph sphinx-needs draws in HTML only leaves a line, not an
    empty figure that stops TeX."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-diagrams", srcdir)
    more = srcdir / "more.md"
    more.write_text(more.read_text() + "\n```{needflow} Every entry\n```\n")
    cache = tmp_path / "cache"
    options = [f"-D{k}={v}" for k, v in LOCAL_MERMAID.items()]
    options += [f"-Datlas_mermaid_cache={cache}"]
    first = sphinx("latex", srcdir, srcdir, tmp_path / "first", *options)
    assert first.returncode == 0, first.stderr[-3000:]
    tex = next((tmp_path / "first").glob("*.tex")).read_text()
    figures = re.findall(r"\\includegraphics\[[^\]]*\]\{(mermaid-[0-9a-f]{16}\.pdf)\}", tex)
    assert len(set(figures)) >= 2, "the flowchart and the sequence diagram"
    texts = [" ".join(page_texts(tmp_path / "first" / name)) for name in set(figures)]
    assert any("Charge" in text and "Payments" in text for text in texts)
    assert any("gateway" in text for text in texts)
    assert "This diagram could not be rendered" in tex  # the broken flow, named
    assert "Every entry: drawn in the HTML edition only." in tex
    assert not re.search(r"\\capstart\s*\\caption\{Every entry\}", tex)
    converted = {pdf.name: pdf.stat().st_mtime_ns for pdf in (cache / "pdf").glob("*.pdf")}
    assert len(converted) == len(set(figures))
    second = sphinx("latex", srcdir, srcdir, tmp_path / "second", *options)
    assert second.returncode == 0, second.stderr[-3000:]
    assert {p.name: p.stat().st_mtime_ns for p in (cache / "pdf").glob("*.pdf")} == converted

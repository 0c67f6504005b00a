"""Benchmark: the PDF volumes against the single book, on the scale corpus, in one run.

    python -m atlas.bench.volumes --diagrams 1500 --out _build/bench/volumes.json

Each build in its own process (wall time, and the peak resident memory of the largest
process — Sphinx, or one WeasyPrint printing one PDF): the single book (``-b simplepdf``, the
stock route and the baseline), every volume from a cold start (``-b volumes``), and the volumes
again after one system page was edited, when only that page's PDF is printed again; the EPUB
as one book, to decide by measurement whether it too needs volumes; and Sphinx's own LaTeX
route on the same corpus (``-b latex``, then ``latexmk``; the diagrams converted to PDF by
``rsvg-convert`` once per content hash), with a check that the diagrams' labels survive.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader

from .mermaid_render import PROJECT, Measurement, table, write_document
from .scale import Corpus, measure

#: The targets of issue #20 on the 1,500-diagram corpus.
TOTAL_TARGET_S = 6 * 60
PEAK_TARGET_MIB = 2048
EDIT_TARGET_S = 60


def _volumes(outdir: Path) -> list[dict]:
    return json.loads((outdir / "volumes.json").read_text())


def summary(entries: list[dict]) -> str:
    """Each volume with its PDFs and pages, and the largest PDF: what a WeasyPrint process
    lays out at most."""
    volumes: dict[str, list[dict]] = {}
    for entry in entries:
        volumes.setdefault(entry.get("volume", entry["slug"]), []).append(entry)
    parts = [
        f"{name} {sum(e['pages'] for e in pdfs)} p"
        + (f" in {len(pdfs)} PDFs" if len(pdfs) > 1 else "")
        for name, pdfs in volumes.items()
    ]
    largest = max(entries, key=lambda e: e["pages"])
    return f"{'; '.join(parts)}; largest PDF {largest['file']}, {largest['pages']} p"


def _printed_times(outdir: Path) -> dict[str, int]:
    return {pdf.name: pdf.stat().st_mtime_ns for pdf in outdir.glob("atlas-*.pdf")}


def single_book(corpus: Corpus) -> tuple[Measurement, Measurement, int]:
    print("single book (simplepdf)…")
    wall, peak, _ = corpus.build("simplepdf", "book")
    pages = len(PdfReader(next((corpus.work / "book").glob("*.pdf"))).pages)
    return (
        Measurement("Single book (simplepdf): build time", wall, "s", note=f"{pages} pages"),
        Measurement("Single book (simplepdf): peak memory", peak, "MiB"),
        pages,
    )


def all_volumes(corpus: Corpus, book: Measurement) -> list[Measurement]:
    print("every volume, cold…")
    wall, peak, _ = corpus.build("volumes", "volumes")
    volumes = _volumes(corpus.work / "volumes")
    parts = summary(volumes)
    return [
        Measurement("All volumes (-b volumes): build time", wall, "s", book.value,
                    book.value / wall, f"target ≤ {TOTAL_TARGET_S} s; {parts}"),
        Measurement("All volumes: peak memory of the largest process", peak, "MiB",
                    note=f"target ≤ {PEAK_TARGET_MIB} MiB per process"),
        Measurement("All volumes: pages", sum(v["pages"] for v in volumes), "pages",
                    note=f"{len({v['volume'] for v in volumes})} volumes, {len(volumes)} PDFs"),
    ]  # fmt: skip


def one_page_edit(corpus: Corpus, book: Measurement) -> Measurement:
    """A prose edit to one system page: that system's PDF is printed again, no other."""
    outdir = corpus.work / "volumes"
    before = _printed_times(outdir)
    page = corpus.source / "systems" / "s000.md"
    page.write_text(page.read_text() + "\nEdited for the benchmark.\n")
    print("one system page edited: volumes again…")
    wall, _, _ = corpus.build("volumes", "volumes", fresh=False)
    after = _printed_times(outdir)
    reprinted = sorted(name for name in after if after[name] != before.get(name))
    return Measurement("After a one-page edit: volumes rebuilt", wall, "s", book.value,
                       book.value / wall, f"target ≤ {EDIT_TARGET_S} s; printed again: "
                       f"{', '.join(reprinted) or 'none'}")  # fmt: skip


def epub_book(corpus: Corpus) -> list[Measurement]:
    """The EPUB as one book: what the volumes' targets would ask of it, measured the same way."""
    print("EPUB, one book…")
    wall, peak, _ = corpus.build("epub", "epub")
    size = sum(f.stat().st_size for f in (corpus.work / "epub").glob("*.epub")) / 2**20
    return [
        Measurement("EPUB, one book: build time", wall, "s",
                    note=f"target for all volumes ≤ {TOTAL_TARGET_S} s; {size:.1f} MiB"),
        Measurement("EPUB, one book: peak memory", peak, "MiB",
                    note=f"target ≤ {PEAK_TARGET_MIB} MiB per process"),
    ]  # fmt: skip


def latex_route(corpus: Corpus, volumes: Measurement) -> list[Measurement]:
    """The same corpus through ``-b latex`` and ``latexmk`` (XeLaTeX: the pages use symbols
    pdflatex cannot typeset)."""
    print("LaTeX route: -b latex…")
    shutil.rmtree(corpus.cache / "pdf", ignore_errors=True)  # every diagram converted, cold
    sphinx_wall, sphinx_peak, _ = corpus.build("latex", "latex")
    outdir = corpus.work / "latex"
    tex = next(outdir.glob("*.tex"))
    print("LaTeX route: latexmk…")
    # As the Makefile Sphinx writes beside the .tex runs it (`make all-pdf`), stopping at an error.
    command = ["env", "-C", str(outdir), "LATEXOPTS=-interaction=nonstopmode -halt-on-error",
               "latexmk", "-pdf", "-dvi-", "-ps-", tex.name]  # fmt: skip
    try:
        tex_wall, tex_peak, _ = measure(command)
    except RuntimeError as error:
        log = tex.with_suffix(".log")
        reason = log.read_text(errors="replace")[-1500:] if log.exists() else str(error)
        raise SystemExit(f"latexmk failed on the corpus:\n{reason}") from error
    pdf = tex.with_suffix(".pdf")
    pages = len(PdfReader(pdf).pages)
    total = sphinx_wall + tex_wall
    sample = label_words(corpus.cache)
    as_text, as_words, checked = labels_kept(sample)
    in_volumes = labels_in_volumes(sample, corpus.work / "volumes")
    checked = max(1, checked)
    return [
        Measurement("LaTeX route (-b latex + latexmk): build time", total, "s", volumes.value,
                    volumes.value / total, f"one book of {pages} pages; Sphinx {sphinx_wall:.0f} s "
                    f"(diagrams converted), latexmk {tex_wall:.0f} s"),
        Measurement("LaTeX route: peak memory of the largest process", max(sphinx_peak, tex_peak),
                    "MiB", note=f"Sphinx {sphinx_peak:.0f} MiB, TeX {tex_peak:.0f} MiB"),
        Measurement("LaTeX route: diagram label words kept as text", 100 * as_text / checked,
                    "%", note=f"{as_text} of {checked} words of {len(sample)} diagrams"),
        Measurement("LaTeX route: diagram label words a search finds", 100 * as_words / checked,
                    "%", note="the others run into the next word (no space between tspans); "
                    f"the same words in the WeasyPrint volumes: {in_volumes:.0f} %"),
    ]  # fmt: skip


SVG_TEXT = re.compile(r"<tspan[^>]*>([^<]{3,})</tspan>|<text[^>]*>([^<]{3,})</text>")


def label_words(cache: Path, sample: int = 40) -> dict[Path, set[str]]:
    """A sample of converted diagrams, each with the words of its labels (its SVG text)."""
    words = {}
    for pdf in sorted((cache / "pdf").glob("*.pdf"))[:sample]:
        svg = (cache / f"{pdf.stem}.svg").read_text()
        labels = html.unescape(" ".join(" ".join(m) for m in SVG_TEXT.findall(svg)))
        words[pdf] = {word for word in labels.split() if len(word) > 2}
    return words


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout


def labels_kept(sample: dict[Path, set[str]]) -> tuple[int, int, int]:
    """Of the sample's label words: how many the converted PDFs hold as text at all, and how
    many as words of their own that a search finds (a converter that draws each word apart,
    with no space between, runs them together: "Mobileclient"). (as text, as words, checked)"""
    as_text = as_words = checked = 0
    for pdf, words in sample.items():
        text = pdf_text(pdf)
        joined = "".join(text.split())
        checked += len(words)
        as_words += len(words & set(text.split()))
        as_text += sum(1 for word in words if word in joined)
    return as_text, as_words, checked


def labels_in_volumes(sample: dict[Path, set[str]], volumes: Path) -> float:
    """The same words, as a search of the WeasyPrint volumes finds them (%)."""
    words = set().union(*sample.values())
    found = {word for pdf in volumes.glob("atlas-*.pdf") for word in pdf_text(pdf).split()}
    return 100 * len(words & found) / max(1, len(words))


def benchmark(diagrams: int, work: Path) -> tuple[list[Measurement], dict]:
    corpus = Corpus(work, diagrams)
    print(f"corpus: {corpus.facts}")
    print("warming the diagram cache (html)…")
    corpus.build("html", "html")
    book_time, book_peak, pages = single_book(corpus)
    volumes = all_volumes(corpus, book_time)
    results = [book_time, book_peak, *volumes]
    results.append(one_page_edit(corpus, book_time))
    results += epub_book(corpus)
    results += latex_route(corpus, volumes[0])
    return results, {**corpus.facts, "book_pages": pages}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diagrams", type=int, default=1500)
    parser.add_argument("--work", type=Path, default=PROJECT / "_build" / "bench" / "volumes")
    parser.add_argument("--out", type=Path, default=PROJECT / "_build" / "bench" / "volumes.json")
    parser.add_argument("--docs", type=Path, help="also write the results here (for the docs)")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    results, facts = benchmark(args.diagrams, args.work)
    print(table(results))
    document = write_document(results, args.out, "volumes", facts)
    if args.docs:
        args.docs.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

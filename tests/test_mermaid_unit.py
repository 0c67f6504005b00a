"""Cache keys, the cache itself, error mapping and SVG accessibility, without a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.mermaid.browser import find_chromium, render_batch
from atlas.mermaid.cache import DiagramCache, Rendered, RenderError
from atlas.mermaid.output import accessible
from atlas.mermaid.pipeline import error_line, summary
from atlas.mermaid.settings import MERMAID_CONFIG, diagram_key, svg_id
from conftest import MERMAID_DIST

SOURCE = "flowchart LR\n    a[Client] --> b[Server]"


def test_key_depends_on_version_config_and_source_only() -> None:
    key = diagram_key("11.17.2", SOURCE)
    assert key == diagram_key("11.17.2", SOURCE + "\n")  # trailing whitespace is not content
    assert key != diagram_key("11.17.3", SOURCE)
    assert key != diagram_key("11.17.2", SOURCE.replace("Server", "Service"))
    assert key != diagram_key("11.17.2", SOURCE, {**MERMAID_CONFIG, "htmlLabels": True})
    assert len(key) == 64


def test_cache_round_trip(tmp_path: Path) -> None:
    cache = DiagramCache(tmp_path / "cache")
    assert cache.get("k1") is None and not cache.has("k1")
    cache.put("k1", Rendered(svg="<svg/>"))
    cache.put("k2", Rendered(error=RenderError("Parse error on line 2:", 2, 5)))
    assert cache.get("k1") == Rendered(svg="<svg/>")
    assert cache.get("k2") == Rendered(error=RenderError("Parse error on line 2:", 2, 5))
    assert not list((tmp_path / "cache").glob("*.tmp")), "no temporary file is left behind"


def test_error_line_counts_from_the_diagram_start() -> None:
    assert error_line(40, RenderError("x", line=3)) == 42
    assert error_line(40, RenderError("x", line=None)) == 40
    assert error_line(None, RenderError("x", line=3)) is None


def test_summary_drops_the_pointer_drawing_and_diagram_line() -> None:
    message = "Parse error on line 3:\n...a[Hello -->  b((x\n-----^\nExpecting 'SQE', got 'PS'"
    assert summary(RenderError(message)) == "Parse error: Expecting 'SQE', got 'PS'"


def test_accessible_svg_uses_mermaid_title_or_alt() -> None:
    plain = '<svg id="mmd-1" role="graphics-document document" aria-roledescription="x"><g/></svg>'
    out = accessible(plain, "A <client> calls a server", "mmd-1")
    assert 'role="img"' in out and "graphics-document" not in out
    assert '<title id="mmd-1-title">A &lt;client&gt; calls a server</title>' in out
    assert 'aria-labelledby="mmd-1-title"' in out
    titled = (
        '<svg id="mmd-2" role="graphics-document document" aria-labelledby="chart-title-mmd-2">'
        '<title id="chart-title-mmd-2">T</title><desc id="chart-desc-mmd-2">D</desc></svg>'
    )
    out = accessible(titled, "alt", "mmd-2")
    assert 'aria-labelledby="chart-title-mmd-2"' in out
    assert 'aria-describedby="chart-desc-mmd-2"' in out
    assert out.count("<title") == 1


@pytest.fixture(scope="module")
def chromium() -> str:
    return find_chromium()


def test_same_input_gives_the_same_bytes(chromium: str) -> None:
    key = diagram_key("test", SOURCE)
    job = [(key, svg_id(key), SOURCE)]
    first, _ = render_batch(job, MERMAID_DIST / "mermaid.min.js", MERMAID_CONFIG, chromium)
    second, stats = render_batch(job, MERMAID_DIST / "mermaid.min.js", MERMAID_CONFIG, chromium)
    assert first[key].svg == second[key].svg
    assert "Client" in first[key].svg and "<foreignObject" not in first[key].svg
    assert stats.rendered == 1 and stats.in_page_seconds > 0


def test_errors_carry_mermaid_message_and_location(chromium: str) -> None:
    broken = "flowchart LR\n    a[Start] --> b\n    b --> c[Unclosed\n    c --> d"
    results, _ = render_batch(
        [("bad", "mmd-bad", broken), ("ok", "mmd-ok", SOURCE)],
        MERMAID_DIST / "mermaid.min.js",
        MERMAID_CONFIG,
        chromium,
    )
    assert results["ok"].svg
    error = results["bad"].error
    assert error is not None and "Expecting" in error.message
    assert error.line == 3


def test_missing_chromium_is_explained() -> None:
    from atlas.mermaid.browser import BrowserUnavailable

    with pytest.raises(BrowserUnavailable, match="apt-get install chromium"):
        find_chromium("/nonexistent/chromium")


def test_benchmark_diagrams_are_valid_mermaid(chromium: str) -> None:
    """The benchmark measures real renders: every kind of generated diagram renders cleanly."""
    from atlas.bench.diagrams import benchmark_diagrams

    diagrams = benchmark_diagrams(10)  # five flowcharts, three sequences, two state machines
    jobs = [(str(i), f"mmd-b{i}", source) for i, source in enumerate(diagrams)]
    results, stats = render_batch(jobs, MERMAID_DIST / "mermaid.min.js", MERMAID_CONFIG, chromium)
    assert [r.error for r in results.values()] == [None] * 10
    assert all("<text" in r.svg for r in results.values())
    assert stats.rendered == 10

"""Link health: which sources' addresses died, moved or time out, and what rests on them.

``make linkcheck`` runs Sphinx's own linkcheck builder over the handbook (every source URL
and every copy address is a link on its page), then builds the site again: this view reads
the builder's ``output.json`` and lists each failing address with the entries that cite it,
so a reviewer knows which figures and diagrams have lost their evidence.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import atlas_config
from .base import Cell, ViewTable, register_view
from .matrices import of_type

#: linkcheck's statuses that need a reviewer (working, ignored and unchecked do not).
FAILING = ("broken", "redirected", "timeout")


def report_path(app: Any) -> Path:
    return atlas_config(app).resolve(app.confdir, atlas_config(app).linkcheck_report)


def read_report(path: Path) -> list[dict[str, Any]]:
    """The linkcheck results, one per link (the builder writes one JSON object a line)."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _same(a: str, b: str) -> bool:
    return a.split("#")[0].rstrip("/") == b.split("#")[0].rstrip("/")


def _detail(result: dict[str, Any]) -> str:
    code, info = result.get("code") or "", result.get("info") or ""
    if result["status"] == "redirected":
        return f"{code} → {info}" if code else f"→ {info}"
    return " ".join(str(part) for part in (code, info) if part)[:200]


@register_view(
    "link-health",
    reads=("type", "id", "title", "url", "read_via", "sources", "derived_from"),
    depends_on=report_path,
)
def link_health(needs: Any, app: Any) -> list[ViewTable]:
    sources = of_type(needs, "source")
    path = report_path(app)
    results = read_report(path)
    summary = ViewTable("Last link check", ["What", "Value"], sortable=False)
    if not results:
        summary.rows.append([Cell("Report"), Cell(f"none yet at {path.name}: run make linkcheck")])
        return [summary]
    checked = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    summary.rows.append([Cell("Checked"), Cell(checked.strftime("%Y-%m-%d %H:%M UTC"))])
    for status in ("working", *FAILING):
        count = sum(r["status"] == status for r in results)
        summary.rows.append([Cell(f"Links {status}"), Cell(str(count))])

    failing = [r for r in results if r["status"] in FAILING]
    dead = ViewTable(
        "Sources whose address failed",
        ["Source", "Title", "Address", "Status", "Detail", "Rests on it"],
        csv_name="dead-sources.csv",
        empty="Every source address answered.",
        wide=True,
    )
    others = ViewTable(
        "Other links that failed",
        ["Address", "Status", "Detail", "Page", "Line"],
        csv_name="dead-links.csv",
        empty="No other link failed.",
    )
    for result in sorted(failing, key=lambda r: (r["status"], r["uri"])):
        matched = [s for s in sources if _addresses(s, result["uri"])]
        for source in matched:
            dead.rows.append(
                [
                    Cell.link(source["id"]),
                    Cell(source["title"]),
                    Cell(f"{result['uri']} ({_addresses(source, result['uri'])})"),
                    Cell.status_text(result["status"]),
                    Cell(_detail(result)),
                    [Cell.link(n["id"]) for n in _resting_on(source["id"], needs)]
                    or Cell("nothing"),
                ]
            )
        if not matched:
            others.rows.append(
                [
                    Cell(result["uri"]),
                    Cell.status_text(result["status"]),
                    Cell(_detail(result)),
                    Cell(result.get("filename", "")),
                    Cell(str(result.get("lineno") or "")),
                ]
            )
    return [summary, _deduplicated(dead), others]


def _addresses(source: Any, uri: str) -> str | None:
    """Which of the source's addresses the link is: its URL, or the copy that was read."""
    if source["url"] and _same(source["url"], uri):
        return "original"
    if source.get("read_via") and _same(source["read_via"], uri):
        return "copy read"
    return None


def _resting_on(source_id: str, needs: Any) -> list[Any]:
    """The entries that cite the source, or declare they retell it."""
    return sorted(
        (n for n in needs.values() if source_id in (n.get("sources") or []) or
         source_id in (n.get("derived_from") or [])),
        key=lambda n: n["id"],
    )  # fmt: skip


def _deduplicated(table: ViewTable) -> ViewTable:
    """linkcheck reports a link once per page it is on; a reviewer needs each source once."""
    seen: set[tuple[str, str]] = set()
    rows = []
    for row in table.rows:
        key = (row[0].text, row[2].text)  # type: ignore[union-attr]
        if key not in seen:
            seen.add(key)
            rows.append(row)
    table.rows = rows
    return table

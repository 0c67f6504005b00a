"""A metric's figure as its source states it: a number or a range, with its qualifier.

Sources write "about 2 ms", "40–125 ms" or "more than 20,000 per day"; storing only 2, 125
or 20000 loses what the source claims. The value is kept as written (``2``, ``40–125``), the
qualifier beside it, and everything that shows or sorts a figure goes through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The qualifiers a source may put on a figure, as a reader sees them.
QUALIFIERS = ("about", "nearly", "more than", "at least", "up to", "at most", "less than")

NUMBER = r"-?\d+(?:\.\d+)?"
#: A plain number, or a range LOW–HIGH (en dash; a hyphen with spaces or none is accepted).
VALUE_PATTERN = rf"^{NUMBER}(?:\s*[–-]\s*{NUMBER})?$"
_RANGE = re.compile(rf"^(?P<low>{NUMBER})(?:\s*[–-]\s*(?P<high>{NUMBER}))?$")


@dataclass(frozen=True)
class Figure:
    low: float
    high: float
    qualifier: str | None
    written: str

    @property
    def is_range(self) -> bool:
        return self.high != self.low

    @property
    def sort_key(self) -> tuple[float, float]:
        """Ranges sort by their low end, then their high end; "up to 5" sorts at 5."""
        return (self.low, self.high)


def parse_value(value: str | None, qualifier: str | None = None) -> Figure | None:
    """The figure of a ``:value:`` (None when it is missing or not a number or range)."""
    match = _RANGE.match((value or "").strip())
    if match is None:
        return None
    low = float(match["low"])
    high = float(match["high"]) if match["high"] is not None else low
    return Figure(low, high, qualifier or None, _written(match["low"], match["high"]))


def _written(low: str, high: str | None) -> str:
    return f"{_grouped(low)}–{_grouped(high)}" if high is not None else _grouped(low)


def _grouped(number: str) -> str:
    """20000 → 20,000 (as sources print large figures); 2026 or 0.5 stay as written."""
    whole, dot, fraction = number.partition(".")
    digits = whole.lstrip("-")
    if len(digits) <= 4:
        return number
    return f"{whole[: len(whole) - len(digits)]}{int(digits):,}{dot}{fraction}"


def figure_text(value: str | None, unit: str | None, qualifier: str | None = None) -> str:
    """How a figure reads in prose and tables: "about 2 ms", "40–125 ms"."""
    figure = parse_value(value, qualifier)
    shown = figure.written if figure else (value or "?")
    return " ".join(part for part in (qualifier, shown, unit) if part)


def plain_number(number: float) -> str:
    """A number as a sortable table shows it: 3200000, 0.5 (never 3.2e+06)."""
    return str(int(number)) if number.is_integer() else repr(number)


def range_problem(value: str | None) -> str | None:
    """Why a range is malformed (its low end is not below its high end), or None."""
    match = _RANGE.match((value or "").strip())
    if match is None or match["high"] is None:
        return None
    low, high = float(match["low"]), float(match["high"])
    if high < low:
        return f"the range {_written(match['low'], match['high'])} runs downwards"
    if high == low:
        return f"the range {_written(match['low'], match['high'])} has equal ends"
    return None

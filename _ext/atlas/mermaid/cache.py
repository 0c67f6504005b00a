"""Rendered diagrams on disk, one file per key: ``<key>.svg`` or ``<key>.error.json``.

Writes are atomic (temporary file, then rename), so parallel builds and an
interrupted build never leave half a diagram behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenderError:
    """Mermaid's own message, and where in the diagram text it points (1-based)."""

    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class Rendered:
    svg: str | None = None
    error: RenderError | None = None


class DiagramCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def svg_path(self, key: str) -> Path:
        return self.folder / f"{key}.svg"

    def _error_path(self, key: str) -> Path:
        return self.folder / f"{key}.error.json"

    def has(self, key: str) -> bool:
        return self.svg_path(key).exists() or self._error_path(key).exists()

    def get(self, key: str) -> Rendered | None:
        if (svg := self.svg_path(key)).exists():
            return Rendered(svg=svg.read_text(encoding="utf-8"))
        if (error := self._error_path(key)).exists():
            return Rendered(error=RenderError(**json.loads(error.read_text())))
        return None

    def put(self, key: str, result: Rendered) -> None:
        if result.svg is not None:
            self._write(self.svg_path(key), result.svg)
        elif result.error is not None:
            self._write(self._error_path(key), json.dumps(result.error.__dict__))

    def _write(self, path: Path, text: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)

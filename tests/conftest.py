"""Shared fixtures: Sphinx's own testing fixtures over the small roots in tests/roots/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

pytest_plugins = ("sphinx.testing.fixtures",)

PROJECT = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
MERMAID_DIST = PROJECT / "node_modules" / "mermaid" / "dist"


#: Test roots are copied to a temporary folder: point them at the project's Mermaid.
LOCAL_MERMAID = {"atlas_mermaid_dist": str(MERMAID_DIST)}


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="session")
def sphinx_build() -> Path:
    """The sphinx-build of the running interpreter's environment."""
    return Path(sys.executable).with_name("sphinx-build")


def run_sphinx(sphinx_build: Path, confdir: Path, srcdir: Path, outdir: Path, *options: str):
    """Run sphinx-build as a user would; returns the completed process (output captured)."""
    command = [
        str(sphinx_build),
        "-b",
        "html",
        "-c",
        str(confdir),
        *options,
        str(srcdir),
        str(outdir),
    ]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="session")
def handbook(tmp_path_factory: pytest.TempPathFactory, sphinx_build: Path) -> Path:
    """The real handbook (source/) built strictly, once per test session."""
    outdir = tmp_path_factory.mktemp("handbook") / "html"
    result = run_sphinx(
        sphinx_build, PROJECT, PROJECT / "source", outdir, "-W", "--keep-going", "-n"
    )
    assert result.returncode == 0, f"strict build of source/ failed:\n{result.stderr}"
    return outdir


def build_app(srcdir: Path, builder: str = "html", **overrides: object) -> SphinxTestApp:
    """Build ``srcdir`` once (incrementally if it was built before) and return the app."""
    app = SphinxTestApp(
        builder,
        srcdir=srcdir,
        confoverrides={**LOCAL_MERMAID, **overrides},
        status=StringIO(),
        warning=StringIO(),
    )
    try:
        app.build()
    finally:
        app.cleanup()  # resets docutils' global registrations for the next app
    return app


def build_root(
    name: str, tmp_path_factory: pytest.TempPathFactory, **overrides: object
) -> SphinxTestApp:
    """Copy test root ``name`` to a fresh folder and build it once (module-scoped fixtures)."""
    srcdir = tmp_path_factory.mktemp(name) / "src"
    shutil.copytree(ROOTS / name, srcdir)
    return build_app(srcdir, **overrides)


LOCATED = re.compile(
    r"^(?P<file>\S+):(?P<line>\d+): WARNING: (?P<id>[A-Z0-9-]+): (?P<text>.*)"
    r" \[atlas\.(?P<rule>\w+)\]$"
)


def located_warnings(app: SphinxTestApp) -> list[tuple[str, int, str, str, str]]:
    """Every warning of a build as (file name, line, need id, rule, text), sorted.

    Fails the test on a warning that does not name a file, line, need id and rule.
    """
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    found = []
    for line in text.splitlines():
        match = LOCATED.match(line)
        assert match, f"warning without file:line, id and rule: {line}"
        found.append(
            (
                Path(match["file"]).name,
                int(match["line"]),
                match["id"],
                match["rule"],
                match["text"],
            )
        )
    return sorted(found, key=lambda w: (w[1], w[2], w[3], w[4]))

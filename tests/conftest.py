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


class VolumesBuild:
    """`make pdf` of the handbook, started in the background: the most expensive build of the
    suite runs on the second core while the other tests use the first."""

    def __init__(self, process: subprocess.Popen, outdir: Path, log: Path) -> None:
        self.process, self.outdir, self.log = process, outdir, log

    @classmethod
    def start(cls, sphinx_build: Path, outdir: Path) -> VolumesBuild:
        command = [str(sphinx_build), "-b", "volumes", "-c", str(PROJECT), "-d",
                   str(outdir / ".doctrees"), str(PROJECT / "source"), str(outdir)]  # fmt: skip
        log = outdir.with_suffix(".log")
        env = {"PATH": f"{sphinx_build.parent}:/usr/bin:/bin"}
        with log.open("w") as handle:
            process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env)
        return cls(process, outdir, log)

    def result(self) -> tuple[int, str]:
        """Wait for the build; its exit status and its whole output."""
        return self.process.wait(), self.log.read_text()


WANTS_VOLUMES = pytest.StashKey[bool]()
VOLUMES_BUILD = pytest.StashKey[VolumesBuild]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of the PDF volumes run last, so their build overlaps everything before them."""
    uses = [item for item in items if "volumes" in getattr(item, "fixturenames", ())]
    config.stash[WANTS_VOLUMES] = bool(uses)
    items[:] = [item for item in items if item not in uses] + uses


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A run stopped early leaves no build behind."""
    started = session.config.stash.get(VOLUMES_BUILD, None)
    if started is not None and started.process.poll() is None:
        started.process.kill()
        started.process.wait()


@pytest.fixture(scope="session")
def handbook(
    tmp_path_factory: pytest.TempPathFactory, sphinx_build: Path, request: pytest.FixtureRequest
) -> Path:
    """The real handbook (source/) built strictly, once per test session."""
    outdir = tmp_path_factory.mktemp("handbook") / "html"
    result = run_sphinx(
        sphinx_build, PROJECT, PROJECT / "source", outdir, "-W", "--keep-going", "-n"
    )
    assert result.returncode == 0, f"strict build of source/ failed:\n{result.stderr}"
    if request.session.config.stash.get(WANTS_VOLUMES, False):
        # The diagram cache is warm now: print the PDF volumes while the other tests run.
        request.session.config.stash[VOLUMES_BUILD] = VolumesBuild.start(
            sphinx_build, tmp_path_factory.mktemp("pdf")
        )
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

"""The command-line contract: make targets, the Debian package check, CI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import PROJECT

ENSURE = PROJECT / "tools" / "ensure-debian-packages"


def test_make_help_documents_every_target() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=PROJECT, capture_output=True, text=True
    )
    assert result.returncode == 0
    listed = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("  make ")}
    assert {"html", "test", "pdf", "epub", "all", "check", "serve", "clean", "bench"} <= listed


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (PROJECT / ".ci" / "run").read_text()
    assert "make test" in ci
    readme = (PROJECT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:30])
    assert "make html" in first_screen and "make test" in first_screen


def test_present_packages_need_nothing() -> None:
    result = subprocess.run([ENSURE, "coreutils:ls", "bash:bash"], capture_output=True, text=True)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_missing_package_without_root_prints_the_install_command(tmp_path: Path) -> None:
    fake_id = tmp_path / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n")
    fake_id.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    result = subprocess.run(
        [ENSURE, "coreutils:ls", "atlas-no-such-package:atlas-no-such-command"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "sudo apt-get install -y atlas-no-such-package" in result.stderr
    assert "coreutils" not in result.stderr


def test_set_up_is_not_repeated_when_nothing_changed() -> None:
    """After `make test` ran its set-up, the install stamps are up to date: nothing reinstalls."""
    stamps = [".venv/.atlas-python", ".venv/.atlas-test", "node_modules/.atlas-npm"]
    missing = [s for s in stamps if not (PROJECT / s).exists()]
    if missing:
        pytest.skip(f"not run through `make test` (no {', '.join(missing)})")
    result = subprocess.run(["make", "--question", *stamps], cwd=PROJECT)
    assert result.returncode == 0, "`make html` would reinstall dependencies"

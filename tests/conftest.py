"""Shared fixtures: a private data folder, and the tooling's own interpreter for tasks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away data/ so that tests never add to or alter the committed measurements."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("INPARALLEL_DATA", str(folder))
    return folder


def invoke(*args: str, env: dict[str, str] | None = None, timeout: float = 1800,
           ) -> subprocess.CompletedProcess[str]:
    """Run ``invoke ARGS`` from the repository root the way a user would."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **(env or {})},
    )

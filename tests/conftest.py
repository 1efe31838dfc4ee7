"""Shared fixtures: a private data folder, and the tooling's own interpreter for tasks."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Debian's Chromium (a test tool's own browser download cannot work offline). Without these
# flags it keeps opening connections to Google services, which fail on a closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output free of one line per request."""


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1; yield its base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


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

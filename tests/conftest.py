"""Shared fixtures: a private data folder, the tooling's own interpreter for tasks, and the
fixture site served to Chromium for the browser tests."""

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
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent

# Debian's Chromium (a test tool's own browser download cannot work offline). Without these
# flags it keeps opening connections to Google services, which fail on a closed network.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


#: The data the browser tests build their site from: a few runs per demo, not data/.
SITE_DATA = Path(__file__).parent / "fixtures" / "site" / "data"


def require_chromium() -> ModuleType:
    """Playwright's sync API, or skip the calling test module where it or Debian's Chromium
    is missing: call it at module level, so that no site is built for nothing."""
    api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                    allow_module_level=True)
    return api


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


# Module scope, not session: each browser test module gets its own site and a fresh profile,
# so that one module's palette toggle (kept in the profile's local storage) cannot reach another.
@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture site (``SITE_DATA``), built and served by http.server on a free port of
    127.0.0.1."""
    from inparallel.publish import mkdocs_hook  # only the browser tests need mkdocs

    project = mkdocs_hook.copy_project(REPO, tmp_path_factory.mktemp("project"), SITE_DATA)
    mkdocs_hook.generate(project / "data", project / "docs", project / "demos")
    result = mkdocs_hook.build(project)
    assert result.returncode == 0, result.stderr[-5000:]
    with serve_folder(project / "site") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A Chromium context with a fresh profile, in the light palette, 1280x900."""
    with require_chromium().sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM),
            headless=True, args=CHROMIUM_ARGS, color_scheme="light",
            viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()

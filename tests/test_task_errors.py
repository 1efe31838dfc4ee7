"""`invoke charts` and `invoke docs` end an expected failure in one line, and change nothing.

Each class of invalid data file stops the build before anything is drawn or published; a missing
extra and an unwritable folder name their fix; INPARALLEL_DEBUG=1 shows the traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from inparallel import failures
from inparallel.publish import mkdocs_hook

FIXTURES = Path(__file__).parent / "fixtures" / "site" / "data"
REAL = sorted((FIXTURES / "nogil").glob("*_2cpu.json"))[0]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _task(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``invoke ARGS`` in ``cwd`` as a user runs it (without a debug setting of the caller)."""
    clean = {k: v for k, v in os.environ.items() if k != "INPARALLEL_DEBUG"}
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**clean, **(env or {})})


def _one_line(done: subprocess.CompletedProcess) -> str:
    """The failure's output: exactly one line on stderr, no traceback; return it."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def _corrupt(doc: dict, kind: str) -> str:
    """The text of a copy of a real record, broken in one way of each class."""
    row = doc["runs"][0]["results"][0]
    if kind == "not-json":
        return "{"
    if kind == "version-only":
        return json.dumps({"schema_version": 1})
    if kind == "unknown-version":
        doc["schema_version"] = 7
    elif kind == "wrong-type":
        row["workers"] = "two"
    elif kind == "negative":
        row["median"] = -1.5
    elif kind == "non-finite":
        return json.dumps(doc).replace(f'"max": {json.dumps(row["max"])}', '"max": NaN', 1)
    elif kind == "zero-workers":
        row["workers"] = 0
    elif kind == "zero-cpus":
        doc["machine"]["usable_cpus"] = 0
    return json.dumps(doc)


CASES = {
    "not-json": "is not JSON",
    "version-only": "the record lacks 'demo'",
    "unknown-version": "schema_version 7 is newer than this checkout",
    "wrong-type": "runs[0].results[0].workers is a string, expected integer",
    "negative": "runs[0].results[0].median is -1.5, below the allowed minimum 0",
    "non-finite": "runs[0].results[0].max is nan, not a finite number",
    "zero-workers": "runs[0].results[0].workers is 0, below the allowed minimum 1",
    "zero-cpus": "machine.usable_cpus is 0, below the allowed minimum 1",
}


@pytest.mark.parametrize("kind", CASES)
def test_charts_refuses_an_invalid_file_in_one_line_and_draws_nothing(tmp_path, kind):
    data, docs = tmp_path / "data", tmp_path / "docs"
    shutil.copytree(FIXTURES, data)
    docs.mkdir()
    (docs / "index.md").write_text("# A page that must not change\n")
    bad = data / "nogil" / "20990101T000000Z_fixture-cpu_2cpu.json"
    bad.write_text(_corrupt(json.loads(REAL.read_text()), kind))
    before = _tree(data), _tree(docs)
    line = _one_line(_task(REPO, "charts", "--data", str(data), "--docs", str(docs)))
    assert line.startswith(f"error: {bad}: {CASES[kind]}")
    assert (_tree(data), _tree(docs)) == before


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the site sources with the fixture data and an earlier built site."""
    copy = mkdocs_hook.copy_project(REPO, tmp_path_factory.mktemp("project"), FIXTURES)
    (copy / "site").mkdir()
    (copy / "site" / "index.html").write_text("<p>the site as built earlier</p>\n")
    return copy


@pytest.mark.parametrize("kind", ["not-json", "negative"])
def test_docs_refuses_an_invalid_file_and_leaves_the_built_site(project, kind):
    bad = project / "data" / "nogil" / "20990101T000000Z_fixture-cpu_2cpu.json"
    bad.write_text(_corrupt(json.loads(REAL.read_text()), kind))
    try:
        before = _tree(project / "data"), _tree(project / "site")
        line = _one_line(_task(project, "docs"))
        assert line.startswith(f"error: {bad}: {CASES[kind]}")
        assert (_tree(project / "data"), _tree(project / "site")) == before
    finally:
        bad.unlink()


def _without_mkdocs(tmp_path: Path) -> dict[str, str]:
    """An environment in which ``import mkdocs`` fails as it does without the [docs] extra."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "mkdocs.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'mkdocs'\", name='mkdocs')\n")
    return {"PYTHONPATH": str(shadow)}


def test_docs_without_the_docs_extra_names_the_install_command(project, tmp_path):
    before = _tree(project / "site")
    line = _one_line(_task(project, "docs", env=_without_mkdocs(tmp_path)))
    assert line == ("error: mkdocs is not installed; install the docs extra: "
                    ".venv/bin/pip install -e '.[docs]'")
    assert _tree(project / "site") == before


def test_debug_shows_the_traceback(project, tmp_path):
    done = _task(project, "docs", env={**_without_mkdocs(tmp_path), "INPARALLEL_DEBUG": "1"})
    assert done.returncode != 0
    assert "Traceback" in done.stderr and "ModuleNotFoundError" in done.stderr


def test_an_unwritable_docs_folder_is_one_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    line = _one_line(_task(REPO, "charts", "--data", str(FIXTURES),
                           "--docs", str(blocker / "docs")))
    assert line.startswith(f"error: cannot use {blocker}/docs")
    assert "Not a directory (check the path, then run the same command again)" in line


@pytest.mark.parametrize(("name", "expected"), [
    ("hypothesis", "install the test extra: .venv/bin/pip install -e '.[test]'"),
    ("matplotlib.pyplot", "install the project's dependencies: .venv/bin/pip install -e '.'"),
    ("inparallel.nothing", None),  # a bug in this package: its traceback stays
])
def test_each_missing_module_names_its_install_command(name, expected):
    found = failures._one_line(ModuleNotFoundError(f"No module named {name!r}", name=name))
    assert (found and found[0].split("; ", 1)[1]) == expected

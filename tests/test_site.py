"""The site builds with ``mkdocs build --strict`` from the fixture data, and says what it shows.

The build runs in a copy of the project whose ``data/`` is the fixture data, so these tests never
touch the working tree's generated files. The copy starts with no generated files, as a fresh
clone does; ``invoke charts`` is run in it first, as a user would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from inparallel.publish import mkdocs_hook

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "site" / "data"
PAGES = ["", "talk/", "free-threading/", "subinterpreters/", "multiprocessing/", "asyncio/",
         "comparison/", "results/", "runs/", "claims/", "versions/", "notebooks/explore/",
         "reproduce/"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """The project copy after ``invoke charts`` and ``mkdocs build --strict``."""
    project = mkdocs_hook.copy_project(REPO, tmp_path_factory.mktemp("project"), FIXTURES)
    charts = subprocess.run([sys.executable, "-m", "invoke", "charts"], cwd=project,
                            capture_output=True, text=True, check=False,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert charts.returncode == 0, charts.stderr + charts.stdout
    return project, mkdocs_hook.build(project)


@pytest.fixture(scope="module")
def site_dir(built: tuple[Path, subprocess.CompletedProcess]) -> Path:
    project, result = built
    assert result.returncode == 0, result.stderr[-5000:]
    return project / "site"


def _html(site_dir: Path, page: str) -> str:
    return (site_dir / page / "index.html").read_text(encoding="utf-8")


def test_strict_build_passes_without_warnings(built: tuple[Path, subprocess.CompletedProcess],
                                              ) -> None:
    _, result = built
    assert result.returncode == 0, result.stderr[-5000:]
    assert "WARNING -" not in result.stderr
    assert "Cache hit" not in result.stderr  # the notebook ran against this data


def test_every_page_is_built(site_dir: Path) -> None:
    for page in PAGES:
        html = _html(site_dir, page)
        assert "<h1" in html, page
        assert "--8<--" not in html, f"an include was not expanded on {page or 'home'}"


def test_home_shows_the_headline_chart_in_both_palettes(site_dir: Path) -> None:
    html = _html(site_dir, "")
    for theme in ("light", "dark"):
        assert f"assets/charts/nogil-scaling-{theme}.svg#only-{theme}" in html
        assert (site_dir / "assets" / "charts" / f"nogil-scaling-{theme}.svg").is_file()
    assert "the work per second of one thread" in html  # the headline finding, with numbers


def test_captions_count_the_runs_and_link_their_rows(site_dir: Path) -> None:
    html = _html(site_dir, "results/")
    runs = _html(site_dir, "runs/")
    targets = set(re.findall(r'href="\.\./runs/#([^"]+)"', html))
    assert len(targets) >= 7
    for anchor in targets:  # every caption's link lands on a table of runs
        assert f'id="{anchor}"' in runs, anchor
    assert ".json" not in html.split('class="md-content"')[1]
    links = set(re.findall(r'href="([^"]*data/[a-z]+/[^"]+\.json)"', runs))
    assert len(links) >= 7
    for link in links:
        target = (site_dir / "runs" / link).resolve()
        assert target.is_file(), link
    # 2-core and 16-core charts of the same demo, side by side.
    assert "nogil-scaling-fixture-cpu-16cpu-light.svg" in html
    assert "nogil-scaling-fixture-cpu-2cpu-light.svg" in html
    assert 'class="grid"' in html


def test_claims_page_lists_every_finding_with_status_and_evidence(site_dir: Path) -> None:
    from inparallel.analysis import findings

    html = _html(site_dir, "claims/")
    for finding in findings.FINDINGS:
        assert f'id="{finding.name}"' in html, finding.name
    assert "Fixture CPU (not a measurement), 16 CPUs: holds" in html
    assert "no data" in html  # memory and io have no fixture data
    # The claim comes first, as a heading; its evidence is folded, its runs one link away.
    assert re.search(r'<h3 id="nogil-threads-scale">Free-threaded threads gain', html)
    assert '<details class="quote">' in html
    assert 'href="../runs/#runs-nogil-fixture-cpu-16cpu"' in html
    assert ".json" not in html.split('class="md-content"')[1]
    assert "docs.python.org/3.14/whatsnew/3.14.html" in html  # the cited figures table


def test_demos_without_data_say_so_with_the_command(site_dir: Path) -> None:
    html = _html(site_dir, "results/")
    for demo in ("memory", "io"):  # no fixture data for these
        assert f"<code>invoke demo {demo}</code>" in html
    assert "No measurement committed yet" in html


def test_no_page_loads_anything_from_another_host(site_dir: Path) -> None:
    external = re.compile(
        r'<(?:script|img|iframe|source)[^>]+src="(?:https?:)?//|<link[^>]+href="(?:https?:)?//')
    for html_file in site_dir.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert not external.search(text), html_file.relative_to(site_dir)
        assert "fonts.googleapis" not in text


def test_the_notebook_ran_on_the_data(site_dir: Path) -> None:
    html = _html(site_dir, "notebooks/explore/")
    assert "20260101T010000Z_fixture-cpu_16cpu.json" in html
    assert re.search(r'<img[^>]+src="data:image/png', html), "no plot was drawn"
    assert "Traceback" not in html


def test_pros_and_cons_are_plain_markdown_tables() -> None:
    # The slide deck includes these same files: no MkDocs-only syntax may creep in.
    folder = REPO / "docs" / "includes" / "pros-cons"
    names = {p.stem for p in folder.glob("*.md")}
    assert names >= {"free-threading", "subinterpreters", "multiprocessing", "threads-gil",
                     "asyncio", "comparison"}
    for path in folder.glob("*.md"):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert lines and all(line.startswith("|") and line.endswith("|") for line in lines), path
        assert re.match(r"^\|(\s*:?-+:?\s*\|)+$", lines[1]), f"{path.name}: no header separator"
        text = "\n".join(lines)
        for marker in ("--8<--", "!!!", "===", "{:", "{ ", "<div"):
            assert marker not in text, f"{path.name} contains {marker!r}"


def test_a_strategy_page_shows_the_section_its_demo_marks_and_links_the_demo(
        tmp_path: Path) -> None:
    demos = tmp_path / "demos"
    demos.mkdir()
    (demos / "nogil.py").write_text(
        "import threading\n\n\n"
        "def run_processes(n):  # a name the old pattern would have picked for multiprocessing\n"
        "    return n\n\n\n"
        "# --8<-- [start:free-threading]\ndef run_threads(n):\n    return n\n"
        "# --8<-- [end:free-threading]\n")
    text = mkdocs_hook.code_snippet(demos, "free-threading")
    assert '--8<-- "demos/nogil.py:free-threading"' in text
    assert "[`demos/nogil.py`](demos/nogil.py)" in text
    # A demo without its markers says so, instead of guessing from function names.
    (demos / "strategies.py").write_text("def run_processes(n):\n    return n\n")
    assert "not marked yet" in mkdocs_hook.code_snippet(demos, "multiprocessing")
    assert "not marked yet" in mkdocs_hook.code_snippet(demos, "asyncio")  # no io_demo.py


def test_every_strategy_page_shows_its_marked_example(site_dir: Path) -> None:
    for page, code in (("free-threading/", "threading.Thread(target=work"),
                       ("subinterpreters/", "InterpreterPoolExecutor(max_workers=workers"),
                       ("multiprocessing/", "ProcessPoolExecutor(max_workers=workers"),
                       ("asyncio/", "asyncio.gather(")):
        html = _html(site_dir, page)
        text = re.sub(r"<[^>]+>", "", html)
        assert code in text.replace("&quot;", '"'), page
        assert "8&lt;" not in html and "[start:" not in text, page  # markers stay out
        demo = re.search(r'href="(\.\./demos/[a-z_]+\.py)"', html)
        assert demo and (site_dir / page / demo[1]).resolve().is_file(), page


def test_a_broken_link_fails_the_strict_build(tmp_path: Path) -> None:
    project = mkdocs_hook.copy_project(REPO, tmp_path / "project", FIXTURES)
    mkdocs_hook.generate(project / "data", project / "docs", project / "demos")
    config = project / "mkdocs.yml"
    # Skip the notebook: this build is about link checks, and executing it costs seconds.
    config.write_text(config.read_text().replace("execute: true", "execute: false"))
    page = project / "docs" / "talk.md"
    page.write_text(page.read_text() + "\n[gone](no-such-page.md) [bad](results.md#no-such)\n")
    result = mkdocs_hook.build(project)
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr
    assert "#no-such" in result.stderr

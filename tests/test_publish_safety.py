"""Publishing data that others contribute: a bad folder, a value matplotlib cannot draw, a
link out of data/ or a hostile string each end in one line or escaped text, never in a
traceback, an emptied docs/generated or markup on the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO, SITE_DATA

from inparallel.errors import UserError
from inparallel.publish import charts

FIXTURES = SITE_DATA  # the fixture runs (conftest), not data/


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _tasks():
    from test_task_options import _tasks as load

    return load()


# --- class 3: a value matplotlib cannot place names the file -----------------------------------


def _huge(ax, data, theme):
    # What a stored 1e308 makes of an axis: its limits overflow to infinity.
    ax.bar([0, 1], [1e308, 1.7e308], yerr=[[0, 0], [1e308, 1e308]])
    return "a value near the float limit"


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_an_undrawable_value_is_one_line_naming_its_file(tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "nogil", data / "nogil")
    monkeypatch.setattr(charts, "CHARTS", (charts.Chart("huge", "nogil", "Huge", _huge),))
    with pytest.raises(UserError) as refused:
        charts.draw_all(data, tmp_path / "charts")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(str(data / "nogil" / "20260101T010000Z_fixture-cpu_16cpu.json"))
    assert "chart huge cannot be drawn" in message


# --- class 6: a wrong --data refuses, and leaves docs/generated alone --------------------------


@pytest.mark.parametrize("kind", ["missing", "file", "data-is-a-file"])
def test_a_wrong_data_folder_refuses_and_leaves_the_generated_pages(tmp_path, kind):
    from invoke import Context, Exit

    docs = tmp_path / "docs"
    (docs / "generated").mkdir(parents=True)
    (docs / "generated" / "figure-nogil-scaling.md").write_text("a chart drawn earlier\n")
    data = tmp_path / "data"
    if kind == "file":
        data = tmp_path / "notes.txt"
    if kind in ("file", "data-is-a-file"):
        data.write_text("not a folder\n")
    before = _tree(docs)
    with pytest.raises(Exit) as refused:
        _tasks().charts(Context(), data=str(data), docs=str(docs))
    assert refused.value.code == 2
    assert str(data) in refused.value.message and "\n" not in refused.value.message
    assert _tree(docs) == before


# --- class 7: a link out of data/ is refused, not followed -------------------------------------


def _linked_out(tmp_path: Path, kind: str) -> tuple[Path, Path]:
    """A repository whose data/ holds a link (to a file or a folder) outside it: (data, link)."""
    outside = tmp_path / "outside"
    shutil.copytree(FIXTURES / "nogil", outside / "nogil")
    data = tmp_path / "repo" / "data"
    shutil.copytree(FIXTURES, data)
    if kind == "file":
        link = data / "nogil" / "20990101T000000Z_fixture-cpu_2cpu.json"
        link.symlink_to(sorted((outside / "nogil").glob("*.json"))[0])
    else:
        shutil.rmtree(data / "nogil")
        link = data / "nogil"
        link.symlink_to(outside / "nogil", target_is_directory=True)
    return data, link


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_link_out_of_the_repository_is_refused_before_it_is_read(tmp_path, kind, monkeypatch):
    from inparallel.records import load

    data, link = _linked_out(tmp_path, kind)
    opened: list[Path] = []
    real_read = load.read
    monkeypatch.setattr(load, "read", lambda path: opened.append(Path(path)) or real_read(path))
    with pytest.raises(UserError) as refused:
        load.check_all(data)
    assert str(refused.value).startswith(f"{link}: is a link to ")
    assert "outside the repository" in str(refused.value)
    assert not any(p.resolve().is_relative_to(tmp_path / "outside") for p in opened)


def test_charts_refuses_a_link_out_and_writes_nothing(tmp_path):
    from invoke import Context, Exit

    data, link = _linked_out(tmp_path, "file")
    docs = tmp_path / "repo" / "docs"
    docs.mkdir()
    with pytest.raises(Exit) as refused:
        _tasks().charts(Context(), data=str(data), docs=str(docs))
    assert refused.value.message.startswith(f"error: {link}: is a link to ")
    assert _tree(docs) == {}


def test_a_link_inside_the_repository_is_read(tmp_path):
    from inparallel.records import load

    data = tmp_path / "repo" / "data"
    shutil.copytree(FIXTURES / "nogil", tmp_path / "repo" / "kept" / "nogil")
    (data / "nogil").mkdir(parents=True)
    kept = sorted((tmp_path / "repo" / "kept" / "nogil").glob("*.json"))[0]
    (data / "nogil" / kept.name).symlink_to(kept)
    assert [r.path.name for r in load.load_demo(data, "nogil")] == [kept.name]


# --- class 4: a stopped docs build leaves the old site -----------------------------------------


@pytest.fixture
def old_site(tmp_path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>the site as built earlier</p>\n")
    return site


def _halfway(then: BaseException):
    """A stand-in for mkdocs that writes part of a site, then is stopped by ``then``."""
    def build(project, site_dir=None):
        (site_dir / "index.html").write_text("half")
        raise then
    return build


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_a_build_stopped_halfway_leaves_the_old_site(tmp_path, old_site, monkeypatch, stop):
    from inparallel.publish import mkdocs_hook, site_build

    before = _tree(old_site)
    monkeypatch.setattr(mkdocs_hook, "build", _halfway(stop))
    with pytest.raises(type(stop)):
        site_build.build_in_place(tmp_path, old_site)
    assert _tree(old_site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no half-built folder left


def test_a_failed_build_leaves_the_old_site(tmp_path, old_site, monkeypatch):
    import subprocess

    from inparallel.publish import mkdocs_hook, site_build

    def failing(project, site_dir=None):
        (site_dir / "index.html").write_text("half")
        return subprocess.CompletedProcess([], 1, "", "strict mode: 1 warning")

    before = _tree(old_site)
    monkeypatch.setattr(mkdocs_hook, "build", failing)
    assert site_build.build_in_place(tmp_path, old_site).returncode == 1
    assert _tree(old_site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_complete_build_replaces_the_site(tmp_path, old_site, monkeypatch):
    import subprocess

    from inparallel.publish import mkdocs_hook, site_build

    def complete(project, site_dir=None):
        (site_dir / "index.html").write_text("new")
        return subprocess.CompletedProcess([], 0, "", "")

    monkeypatch.setattr(mkdocs_hook, "build", complete)
    old_site.chmod(0o750)
    assert site_build.build_in_place(tmp_path, old_site).returncode == 0
    assert _tree(old_site) == {"index.html": b"new"}
    assert old_site.stat().st_mode & 0o777 == 0o750  # a server reads it as it read the old one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


SIGTERM_DURING_BUILD = """
import subprocess, sys
from pathlib import Path
from inparallel.errors import sigterm_raises
from inparallel.publish import mkdocs_hook, site_build

def slow(project, site_dir=None):
    # A real child process writing the site, as mkdocs does, stopped with its parent.
    return subprocess.run([sys.executable, "-c",
                           "import pathlib, sys, time; pathlib.Path(sys.argv[1], 'index.html')"
                           ".write_text('half'); print('writing', flush=True); time.sleep(60)",
                           str(site_dir)], check=False)

mkdocs_hook.build = slow
with sigterm_raises():
    site_build.build_in_place(Path(sys.argv[1]), Path(sys.argv[1]) / "site")
"""


def test_sigterm_during_the_build_leaves_the_old_site(tmp_path, old_site):
    import signal
    import subprocess
    import sys

    before = _tree(old_site)
    child = subprocess.Popen([sys.executable, "-c", SIGTERM_DURING_BUILD, str(tmp_path)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        assert len(list(tmp_path.glob(".site-new-*/index.html"))) == 1
        child.send_signal(signal.SIGTERM)
        _out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert "Terminated" in err
    assert _tree(old_site) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


# --- class 1: every string from data/ reaches the pages escaped --------------------------------

HOSTILE = {
    "cpu_model": "Evil CPU <script>alert('cpu')</script>",
    "command": "invoke demo nogil <img src=x onerror=alert('cmd')>",
    "package": "<script>alert('package')</script>",
    "version": "<img src=x onerror=alert('version')>",
    "message": "ImportError: <script>alert('message')</script>",
    "file": "[click](javascript:alert('file')){: onclick=alert('attr') }",
}
# What the HTML of a page must not hold: an element or an attribute made from the data.
PAYLOADS = ("<script", "<img src=x", 'href="javascript:', 'onclick="', 'onerror="')
EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "footnotes", "md_in_html", "tables"]


def _hostile_data(tmp_path: Path) -> Path:
    """The fixture data and a packages run, with a hostile string in every rendered field."""
    import json

    data = tmp_path / "repo" / "data"
    shutil.copytree(FIXTURES, data)
    packages = sorted((REPO / "data" / "packages").glob("*.json"))[-1]
    (data / "packages").mkdir()
    shutil.copy2(packages, data / "packages" / packages.name)
    for path in data.rglob("*.json"):
        doc = json.loads(path.read_text())
        doc["machine"]["cpu_model"] = HOSTILE["cpu_model"]
        doc["command"] = HOSTILE["command"].replace("nogil", doc["demo"])
        for run in doc["runs"] if doc["demo"] == "packages" else []:
            for row in run["results"]:
                if row["params"].get("package") == "numpy":
                    row["params"].update(package=HOSTILE["package"], version=HOSTILE["version"])
                for key in ("message", "error", "reason", "warning"):
                    if row["params"].get(key):
                        row["params"][key] = HOSTILE["message"]
                if "file" in row["params"]:
                    row["params"]["file"] = HOSTILE["file"]
        path.write_text(json.dumps(doc))
    return data


def _generated(tmp_path: Path) -> dict[str, str]:
    """Every generated include from the hostile data, as the site's Markdown renders it."""
    import markdown

    from inparallel.publish import mkdocs_hook

    data = _hostile_data(tmp_path)
    docs = tmp_path / "repo" / "docs"
    mkdocs_hook.generate(data, docs, REPO / "demos")
    return {p.name: markdown.markdown(p.read_text(), extensions=EXTENSIONS)
            for p in sorted((docs / "generated").glob("*.md"))}


def test_hostile_strings_are_escaped_in_every_generated_page(tmp_path):
    pages = _generated(tmp_path)
    for name, html in pages.items():
        for payload in PAYLOADS:
            assert payload not in html, (name, payload)
    text = "\n".join(pages.values())
    # ...but shown, as text: the caption, the data files table, the claims and the matrix.
    assert text.count("Evil CPU &lt;script&gt;alert(&#39;cpu&#39;)&lt;/script&gt;") > 5
    assert "<code>invoke demo nogil &lt;img src=x onerror=alert('cmd')&gt;</code>" in text
    assert "<strong>&lt;script&gt;alert(&#39;package&#39;)&lt;/script&gt;</strong>" in text
    assert "&lt;img src=x onerror=alert(&#39;version&#39;)&gt;" in text
    assert 'title="ImportError: &lt;script&gt;' in text  # an error message, as a link title


def test_escaped_text_renders_as_the_original_characters():
    import markdown

    from inparallel.publish import escape

    for value in HOSTILE.values():
        html = markdown.markdown(f"| a |\n|---|\n| {escape.text(value)} |",
                                 extensions=["tables", "attr_list"])
        assert "<script" not in html and "<img" not in html and "href" not in html
        assert "onclick" not in html.replace("onclick=alert", "")
        plain = html.replace("<table>", "").split("<td>")[1].split("</td>")[0]
        import html as html_lib

        assert html_lib.unescape(plain) == value
    code = markdown.markdown(f"run {escape.code('a `` b <i>')}")
    assert "<code>a `` b &lt;i&gt;</code>" in code

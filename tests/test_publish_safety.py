"""Publishing data that others contribute: a bad folder, a value matplotlib cannot draw, a
link out of data/ or a hostile string each end in one line or escaped text, never in a
traceback, an emptied docs/generated or markup on the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

from inparallel.errors import UserError
from inparallel.publish import charts

FIXTURES = REPO / "tests" / "fixtures" / "site" / "data"


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

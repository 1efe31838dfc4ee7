"""Task options are checked before any work: a bad one is one line naming the fix, exit 2.

Each case runs the task function with the work itself replaced by a tripwire, so a check that
let a bad option through fails the test instead of starting a build or a demo; a few cases
also run `invoke` as a user would. Nothing may appear in the data folder.
"""

import importlib.util

import pytest
from conftest import REPO, invoke
from invoke import Context, Exit

from inparallel.measure import collect, demo_options, demo_runs


def _tasks():
    spec = importlib.util.spec_from_file_location("tasks", REPO / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def tasks(data_dir, tmp_path, monkeypatch):
    def tripwire(*args, **kwargs):
        raise AssertionError("work started despite a bad option")

    monkeypatch.setenv("INPARALLEL_STAGE_DATA", str(tmp_path / "stage"))
    for name in ("ensure", "collect", "warn_if_busy"):
        monkeypatch.setattr(collect, name, tripwire)
    monkeypatch.setattr(demo_runs, "discover_all", tripwire)
    return _tasks()


BAD_DEMO_OPTIONS = [
    ({"name": "nogil", "workers": "abc"}, "--workers 'abc': 'abc' is not a worker count"),
    ({"name": "nogil", "workers": "0"}, "'0' is not a worker count"),
    ({"name": "nogil", "workers": "-2"}, "'-2' is not a worker count"),
    ({"name": "nogil", "workers": "1.5"}, "'1.5' is not a worker count"),
    ({"name": "nogil", "workers": "1,99999"}, "'99999' is not a worker count"),
    ({"name": "cpu", "workers": "2,2"}, "repeats a count"),
    ({"name": "cpu", "repeats": "-3"}, "--repeats '-3' is not a repeat count"),
    ({"name": "cpu", "repeats": "0"}, "--repeats '0' is not a repeat count"),
    ({"name": "cpu", "repeats": "many"}, "--repeats 'many' is not a repeat count"),
    ({"name": "cpu", "time_cap": "0"}, "--time-cap '0' is not a time per point"),
    ({"name": "cpu", "time_cap": "soon"}, "--time-cap 'soon' is not a time per point"),
    ({"name": "cpu", "time_cap": "inf"}, "--time-cap 'inf' is not a time per point"),
    ({"name": "cpu", "time_cap": "7200"}, "--time-cap '7200' is not a time per point"),
    ({"name": "nogil", "quick": True, "stage": True}, "--quick (a smoke test) and --stage"),
    ({"name": "nosuch"}, "unknown demo 'nosuch'; known demos: nogil, cpu"),
    ({"name": "harness"}, "unknown demo 'harness'"),
]


@pytest.mark.parametrize(("options", "message"), BAD_DEMO_OPTIONS)
def test_a_bad_demo_option_is_one_line_and_exit_2_before_any_work(tasks, data_dir, options,
                                                                  message):
    with pytest.raises(Exit) as stopped:
        tasks.demo(Context(), **options)
    assert stopped.value.code == 2
    assert message in stopped.value.message
    assert "\n" not in stopped.value.message
    assert list(data_dir.iterdir()) == []


def test_each_message_names_a_valid_example():
    with pytest.raises(Exception, match=r"e\.g\. --workers 1,2,4"):
        demo_options.parse("nogil", workers="x")
    assert demo_options.parse("nogil", workers="1,2,4").workers == (1, 2, 4)
    with pytest.raises(Exception, match=r"e\.g\. --repeats 5"):
        demo_options.parse("cpu", repeats="-1")
    assert demo_options.parse("cpu", repeats="5").repeats == 5


def test_good_options_parse_and_spaces_or_commas_both_separate_counts():
    parsed = demo_options.parse("nogil", workers=" 1, 2 4 ", repeats=" 3 ")
    assert parsed == demo_options.DemoOptions("nogil", (1, 2, 4), 3)
    assert demo_options.parse("io", stage=True) == demo_options.DemoOptions("io", stage=True)


def test_rehearse_names_a_missing_deck(tasks, tmp_path):
    with pytest.raises(Exit) as stopped:
        tasks.rehearse(Context(), deck=str(tmp_path / "none.md"))
    assert stopped.value.code == 2
    assert "pass --deck PATH" in stopped.value.message


@pytest.mark.parametrize(("args", "message"), [
    (["demo", "nogil", "--workers", "abc"], "is not a worker count"),
    (["demo", "cpu", "--repeats", "-3"], "is not a repeat count"),
    (["demo", "nosuch"], "unknown demo 'nosuch'"),
    (["demo", "nogil", "--stage", "--quick"], "choose one"),
])
def test_invoke_itself_answers_with_one_line_and_exit_2(tmp_path, args, message):
    data = tmp_path / "data"
    data.mkdir()
    done = invoke(*args, env={"INPARALLEL_DATA": str(data),
                              "INPARALLEL_STAGE_DATA": str(tmp_path / "stage")}, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert "Traceback" not in done.stdout + done.stderr
    assert list(data.iterdir()) == []
    assert not (tmp_path / "stage").exists()


# --- the other tasks' options: build, serve, charts -------------------------------------------


@pytest.fixture
def no_work(monkeypatch):
    """Every task's work replaced by a tripwire: a bad option must stop before it."""
    from inparallel.build import builder
    from inparallel.publish import mkdocs_hook

    def tripwire(*args, **kwargs):
        raise AssertionError("work started despite a bad option")

    for module, name in ((builder, "build"), (builder, "build_all"), (mkdocs_hook, "main")):
        monkeypatch.setattr(module, name, tripwire)


@pytest.mark.parametrize(("task", "options", "message"), [
    ("build", {"variant": "nogil", "jobs": "abc"}, "--jobs 'abc' is not a number of jobs"),
    ("build", {"variant": "nogil", "jobs": "-1"}, "--jobs '-1' is not a number of jobs"),
    ("build", {"variant": "all", "jobs": "1e9"}, "--jobs '1e9' is not a number of jobs"),
    ("build", {"variant": "nogil", "jobs": "99999"}, "give 1 to 1024"),
    ("build", {"variant": "nogil", "source": "/no/Python-3.14.0.tar.xz"}, "no such file"),
    ("serve", {"port": "abc"}, "--port 'abc' is not a port"),
    ("serve", {"port": "70000"}, "--port '70000' is not a port; give 1 to 65535"),
    ("serve", {"port": "0"}, "--port '0' is not a port"),
    ("serve", {"port": "-80"}, "--port '-80' is not a port"),
    ("charts", {"data": "/nonexistent"}, "--data /nonexistent: no such folder"),
    ("charts", {"data": "README.md"}, "README.md: is a file, not a folder"),
    ("charts", {"docs": "README.md"}, "--docs"),
])
def test_a_bad_option_of_any_task_stops_before_its_work(tasks, no_work, task, options,
                                                        message):
    with pytest.raises(Exit) as stopped:
        getattr(tasks, task)(Context(), **options)
    assert stopped.value.code == 2
    assert message in stopped.value.message
    assert "\n" not in stopped.value.message


def test_good_ports_and_jobs_parse():
    from inparallel import options

    assert options.port("8001") == options.port(8001) == 8001
    assert options.jobs("") is None and options.jobs("0") is None
    assert options.jobs("4") == 4


@pytest.mark.parametrize(("args", "message"), [
    (["build", "nogil", "--jobs=abc"], "--jobs 'abc' is not a number of jobs"),
    (["serve", "--port=abc"], "--port 'abc' is not a port"),
    (["serve", "--port=70000"], "--port '70000' is not a port"),
    (["charts", "--data=/nonexistent"], "--data /nonexistent: no such folder"),
])
def test_invoke_answers_a_bad_option_before_drawing_or_building(tmp_path, args, message):
    cache = tmp_path / "cache"
    done = invoke(*args, env={"INPARALLEL_CACHE": str(cache)}, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout == ""  # nothing drawn (charts print a line per chart) or built
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    assert not cache.exists()

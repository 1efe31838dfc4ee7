"""CPython's own scaling benchmark: its extraction from the pinned tarballs, the demo that runs
it, and the findings and chart that read its rows.

Synthetic data and tarballs throughout (never measurements); the end-to-end run of
``invoke demo ftscaling --quick`` over the real builds is marked ``build``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import REPO
from record_samples import put, record, row, run

from inparallel.analysis import findings
from inparallel.analysis.demos import ftscaling
from inparallel.analysis.results import machine_results
from inparallel.build import ftscaling_tree
from inparallel.build.catalog import Variant
from inparallel.errors import UserError
from inparallel.publish import chart_style
from inparallel.publish.charts import ftscaling as ftscaling_chart
from inparallel.records import store

# A stand-in with the interface the demo uses (written here: upstream's script is never copied
# into the repository). Like the real one, it finds itself in sys.modules and registers a case
# only if the builtins module, as a program sees ``__builtins__``, has an attribute.
STAND_IN = '''
import sys
WORK_SCALE = 100
ALL_BENCHMARKS = {}
threads, in_queues, out_queues = [], [], []
module = sys.modules[__name__]

def register_benchmark(func):
    ALL_BENCHMARKS[func.__name__] = func
    return func

@register_benchmark
def loop():
    return sum(range(10 * WORK_SCALE))

if hasattr(__builtins__, "print"):
    @register_benchmark
    def seen_as_a_program():
        return module.loop()

def bench_one_thread(func):
    func()
    return 1

def bench_parallel(func):
    for _ in threads:
        func()
    return 1

def determine_num_threads_and_affinity():
    return [None]

def initialize_threads(opts):
    cpus = determine_num_threads_and_affinity() if opts.threads == -1 else [None] * opts.threads
    print(f"Running benchmarks with {len(cpus)} threads")
    threads.extend(cpus)
    assert all(cpu is not None for cpu in cpus)  # the demo pins every thread
'''


def tarball(folder: Path, version: str, files: dict[str, str]) -> Path:
    """A source tarball holding ``files`` (paths inside ``Python-<version>/``)."""
    path = folder / f"Python-{version}.tar.xz"
    with tarfile.open(path, "w:xz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"Python-{version}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def variant(path: Path, version: str, sha256: str | None = None) -> Variant:
    digest = sha256 or hashlib.sha256(path.read_bytes()).hexdigest()
    return Variant("9.9t", version, digest, ("--disable-gil",), "", version)


TOOL = {"Tools/ftscalingbench/ftscalingbench.py": STAND_IN, "Lib/os.py": "# not the tool\n"}


# --- extraction ---------------------------------------------------------------------------------

def test_a_wrong_checksum_is_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    source = tarball(tmp_path, "9.9.1", TOOL)
    wrong = variant(source, "9.9.1", sha256="0" * 64)
    root = tmp_path / "trees"
    with pytest.raises(UserError, match="checksum mismatch"):
        ftscaling_tree.extract(wrong, source, root)
    assert not source.exists()  # sources.verify deletes what does not match its pin
    assert not root.exists() or list(root.iterdir()) == []


def test_only_the_tool_is_extracted_once_and_a_release_without_it_is_remembered(
        tmp_path: Path) -> None:
    source = tarball(tmp_path, "9.9.1", TOOL)
    root = tmp_path / "trees"
    folder = ftscaling_tree.extract(variant(source, "9.9.1"), source, root)
    assert folder == root / "9.9.1"
    assert [p.name for p in folder.iterdir()] == ["ftscalingbench.py"]
    assert [p.name for p in root.iterdir()] == ["9.9.1"]  # no temporary folder left behind
    source.unlink()  # the cached folder is used as it is
    assert ftscaling_tree.extract(variant(tmp_path / "x", "9.9.1", "0" * 64), source, root) \
        == folder
    old = tarball(tmp_path, "9.8.1", {"Lib/os.py": "# a release without the tool\n"})
    assert ftscaling_tree.extract(variant(old, "9.8.1"), old, root) is None
    assert (root / "9.8.1").is_dir() and not list((root / "9.8.1").iterdir())


def test_prepare_extracts_into_the_cache_and_names_it_for_the_demo(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INPARALLEL_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(ftscaling_tree.ENV, "")  # restored after the test: prepare sets it
    downloads = tmp_path / "cache" / "downloads"
    downloads.mkdir(parents=True)
    source = tarball(downloads, "9.9.1", TOOL)
    ftscaling_tree.prepare([variant(source, "9.9.1")])
    root = tmp_path / "cache" / "ftscalingbench"
    assert Path(os.environ[ftscaling_tree.ENV]) == root
    assert (root / "9.9.1" / "ftscalingbench.py").read_text() == STAND_IN


# --- the demo -----------------------------------------------------------------------------------

def demo_rows(trees: Path, *args: str) -> tuple[list[dict], dict]:
    """Run the demo under this interpreter with ``--json``: its rows and interpreter line."""
    done = subprocess.run([sys.executable, "ftscaling.py", "--json", "--quick", "--trees",
                           str(trees), *args], cwd=REPO / "demos", capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[-1]["type"] == "interpreter"
    rows = [{k: v for k, v in line.items() if k != "type"} for line in lines[:-1]]
    return rows, lines[-1]


def test_the_demo_runs_the_oldest_script_there_is_and_its_rows_are_schema_valid(
        tmp_path: Path) -> None:
    """This interpreter's release has no tree here: it runs the oldest one's script (3.13's
    case), loaded as a program sees itself; each case at 1 and 2 threads."""
    for version in ("9.8.1", "9.9.1"):
        (tmp_path / version).mkdir()
        (tmp_path / version / "ftscalingbench.py").write_text(STAND_IN)
    (tmp_path / "9.7.1").mkdir()  # a release without the tool is passed over
    rows, interpreter = demo_rows(tmp_path, "--workers", "1,2")
    assert [(r["workload"], r["workers"]) for r in rows] == [
        ("loop", 1), ("loop", 2), ("seen_as_a_program", 1), ("seen_as_a_program", 2)]
    assert {r["params"]["script"] for r in rows} == {"9.8.1"}
    assert all(r["values"] and r["error"] is None for r in rows)
    doc = record("ftscaling", runs=[run("3.14t", rows)])
    doc["runs"][0]["gil_enabled_at_end"] = interpreter["gil_enabled_at_end"]
    assert store.problems(doc) == []


def test_the_demo_without_a_script_says_how_to_get_one(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "ftscaling.py", "--quick", "--trees", str(tmp_path)],
                          cwd=REPO / "demos", capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode != 0
    assert "invoke demo ftscaling" in done.stderr


@pytest.mark.build
def test_invoke_demo_runs_each_free_threaded_build_on_its_own_release_script(
        tmp_path: Path) -> None:
    from demo_checks import check_stored, located, quick_record

    built = [v for v in ("3.13t", "3.14t", "3.15t") if located()[v].status != "missing"]
    if not built:
        pytest.skip("no free-threaded build here (invoke build 3.14t)")
    doc = quick_record("ftscaling", tmp_path)
    check_stored(doc, "ftscaling")
    runs = {r["variant"]: r for r in doc["runs"]}
    assert set(runs) == set(built)
    scripts = {"3.13t": "3.14.7", "3.14t": "3.14.7", "3.15t": "3.15.0rc2"}
    for name, found in runs.items():
        assert found["error"] is None and found["gil_enabled_at_end"] is False
        assert {r["params"]["script"] for r in found["results"]} == {scripts[name]}
        assert {r["workers"] for r in found["results"]} == {1, doc["machine"]["usable_cpus"]}
    if "3.15t" in runs:  # registered only when loaded as a program sees itself
        assert "create_frozendict" in {r["workload"] for r in runs["3.15t"]["results"]}


# --- findings and chart on synthetic rows ------------------------------------------------------

def case_rows(name: str, ratios: list[float], script: str, version: str) -> list[dict]:
    """One case at 1 and 2 threads, as the demo times them (in turns, not paired): the
    one-thread values are steady, the two-thread ones take 0.02 s over each of ``ratios``
    (a speedup of twice the ratio of the medians)."""
    params = {"work_per_thread": 100, "script": script, "version": version}
    one = [0.02] * len(ratios)
    return [row(name, "threads", 1, one, params=params),
            row(name, "threads", 2, [0.02 / r for r in ratios], params=params)]


STEADY = [0.95] * 12  # 1.9x, precise
FLAT = [0.52] * 12  # 1.04x, precise
SCATTERED = [0.5, 0.95, 0.6, 0.9, 0.7, 0.85, 0.55, 0.8, 0.65, 0.75, 0.5, 0.95]  # imprecise


def result_of(tmp_path: Path, builds: dict[str, dict[str, list[float]]]):
    """The aggregated result of one synthetic record: per build, per case, its ratios."""
    versions = {"3.13t": "3.13.15", "3.14t": "3.14.7", "3.15t": "3.15.0rc2"}
    runs = [run(b, [r for name, ratios in found.items() for r in case_rows(
                name, ratios, "3.14.7" if b == "3.13t" else versions[b], versions[b])],
                version=versions[b]) for b, found in builds.items()]
    put(tmp_path, record("ftscaling", runs=runs, settings={"size": "full"}))
    [result] = machine_results(tmp_path, "ftscaling")
    return result


def test_cases_are_placed_by_their_whole_interval(tmp_path: Path) -> None:
    result = result_of(tmp_path, {"3.14t": {"gen": FLAT, "calls": STEADY, "odd": SCATTERED}})
    found = ftscaling.cases(result, "3.14t")
    assert {n: c.kind for n, c in found.items()} == {
        "gen": "flat", "calls": "scaled", "odd": "unsure"}
    assert found["calls"].speedup.value == pytest.approx(1.9)
    verdict = ftscaling.ftscaling_which_scale(result)
    assert verdict.status == "holds"
    assert "1 of 3 scaled (calls)" in verdict.numbers["builds"]
    assert "short of evidence (odd)" in verdict.numbers["builds"]


def test_which_scale_fails_when_a_case_has_no_speedup(tmp_path: Path) -> None:
    # 1.5 x 2 = 3x on 2 threads: more than two threads can do, a measurement error.
    result = result_of(tmp_path, {"3.14t": {"calls": STEADY, "broken": [1.5] * 12}})
    verdict = ftscaling.ftscaling_which_scale(result)
    assert verdict.status == "fails"
    assert "missing: 3.14t broken" in verdict.condition


def test_which_scale_is_no_evidence_when_a_build_has_only_imprecise_cases(
        tmp_path: Path) -> None:
    result = result_of(tmp_path, {"3.14t": {"calls": STEADY}, "3.15t": {"calls": SCATTERED}})
    verdict = ftscaling.ftscaling_which_scale(result)
    assert verdict.status == "no-evidence"
    assert verdict.shortfall == ("3.15t calls",)


def test_what_changed_holds_fails_and_wants_evidence_as_the_data_say(tmp_path: Path) -> None:
    better = result_of(tmp_path / "a", {"3.13t": {"gen": FLAT, "calls": STEADY},
                                        "3.15t": {"gen": STEADY, "calls": STEADY}})
    verdict = ftscaling.ftscaling_what_changed(better)
    assert verdict.status == "holds"
    assert verdict.numbers["k_up"] == "1" and verdict.numbers["k_same"] == "1"
    assert verdict.numbers["old"] == "3.13t (running the script of 3.14.7)"
    worse = result_of(tmp_path / "b", {"3.13t": {"gen": STEADY}, "3.15t": {"gen": FLAT}})
    assert ftscaling.ftscaling_what_changed(worse).status == "fails"
    unsure = result_of(tmp_path / "c", {"3.13t": {"gen": SCATTERED}, "3.15t": {"gen": FLAT}})
    assert ftscaling.ftscaling_what_changed(unsure).status == "no-evidence"
    one = result_of(tmp_path / "d", {"3.14t": {"gen": FLAT}})
    assert ftscaling.ftscaling_what_changed(one).status == "no-data"


def test_the_findings_are_registered_and_render(tmp_path: Path) -> None:
    result = result_of(tmp_path, {"3.13t": {"gen": FLAT}, "3.15t": {"gen": STEADY}})
    for name in ("ftscaling-which-scale", "ftscaling-what-changed"):
        finding = findings.finding(name)
        sentence = finding.sentence(finding.check(result))
        assert "{" not in sentence and "3.15t" in sentence


def test_the_chart_draws_every_case_and_marks_the_imprecise(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    result = result_of(tmp_path, {"3.14t": {"gen": FLAT, "calls": STEADY},
                                  "3.15t": {"gen": STEADY, "odd": SCATTERED}})
    with chart_style.themed("light"):
        fig, ax = plt.subplots()
        title = ftscaling_chart.draw(ax, result, "light")
    assert title is not None and "3.14t 1 of 2" in title and "3.15t (3.15.0rc2) 1 of 2" in title
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gen", "odd", "calls"]
    assert sum(1 for p in ax.patches if p.get_hatch() == ftscaling_chart.UNSURE_HATCH) == 1
    plt.close(fig)

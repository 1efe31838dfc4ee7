"""Charts: drawn from data alone, deterministic, true to their data, honest when it is missing.

All data here are the fixture files under ``tests/fixtures/site/data`` (not measurements).
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import SITE_DATA

from inparallel.analysis import formatting, metrics
from inparallel.analysis.stats import MachineResult, Point
from inparallel.publish import charts, claims, diagrams, mkdocs_hook

FIXTURES = SITE_DATA  # the fixture runs (conftest), not data/
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A private, editable copy of the fixture data."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "data"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.svg"))}


def _paths(svg: Path, group_prefix: str) -> list[str]:
    """The path data of every drawn element whose group id starts with ``group_prefix``."""
    root = ET.parse(svg).getroot()
    return [
        path.get("d", "")
        for group in root.iter(f"{SVG}g")
        if (group.get("id") or "").startswith(group_prefix)
        for path in group.iter(f"{SVG}path")
    ]


def _set_median(file: Path, variant: str, strategy: str, workers: int, median: float) -> None:
    doc = json.loads(file.read_text())
    for run in doc["runs"]:
        for row in run["results"]:
            if (run["variant"], row["strategy"], row["workers"]) == (variant, strategy, workers):
                row["median"] = median
                row["values"] = [median]
                row["min"] = row["max"] = median
    file.write_text(json.dumps(doc))


def test_every_chart_is_drawn_twice_identically(data: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    charts.draw_all(data, first)
    charts.draw_all(data, second)
    drawn = _files(first)
    assert drawn, "the fixtures should produce charts"
    assert drawn == _files(second)
    for name, content in drawn.items():
        ET.fromstring(content)  # well-formed SVG
        assert b"<dc:date>" not in content, f"{name} carries a date"
        assert name.endswith(("-light.svg", "-dark.svg"))


def test_unchanged_data_leaves_files_untouched(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "charts"
    charts.draw_all(data, out, only=["cpu-numeric"])
    times = {p: p.stat().st_mtime_ns for p in out.glob("*.svg")}
    charts.draw_all(data, out, only=["cpu-numeric"])
    assert times == {p: p.stat().st_mtime_ns for p in out.glob("*.svg")}


def test_diagrams_are_deterministic(tmp_path: Path) -> None:
    diagrams.draw_all(tmp_path / "one")
    diagrams.draw_all(tmp_path / "two")
    one = _files(tmp_path / "one")
    assert len(one) == 2 * len(diagrams.DIAGRAMS)
    assert one == _files(tmp_path / "two")


def test_line_chart_follows_its_data(data: Path, tmp_path: Path) -> None:
    file = data / "nogil" / "20260101T010000Z_fixture-cpu_16cpu.json"
    charts.draw_all(data, tmp_path / "before", only=["nogil-scaling"])
    _set_median(file, "3.14t", "threads", 16, 1.0)  # much faster at 16 threads
    charts.draw_all(data, tmp_path / "after", only=["nogil-scaling"])
    name = "nogil-scaling-light.svg"
    before, after = _paths(tmp_path / "before" / name, "line2d"), _paths(
        tmp_path / "after" / name, "line2d")
    assert before != after
    # Only the 3.14t curve moved: the 3.14 curve and the ideal line are drawn as before.
    assert len(set(before) - set(after)) >= 1
    assert len(set(before) & set(after)) >= 2


def test_bar_chart_follows_its_data(data: Path, tmp_path: Path) -> None:
    file = data / "startup" / "20260101T000000Z_fixture-cpu_2cpu.json"
    charts.draw_all(data, tmp_path / "before", only=["startup"])
    _set_median(file, "3.14", "processes-spawn", 1, 0.2)
    charts.draw_all(data, tmp_path / "after", only=["startup"])
    before = _paths(tmp_path / "before" / "startup-light.svg", "patch")
    after = _paths(tmp_path / "after" / "startup-light.svg", "patch")
    changed = set(before) ^ set(after)
    assert changed, "the spawn bar should be taller"


def test_quick_runs_are_never_charted(data: Path, tmp_path: Path) -> None:
    charts.draw_all(data, tmp_path / "before", only=["nogil-scaling"])
    quick = data / "nogil" / "20260102T000000Z_fixture-cpu_16cpu_quick.json"
    doc = json.loads((data / "nogil" / "20260101T010000Z_fixture-cpu_16cpu.json").read_text())
    doc["quick"] = True
    doc["runs"][1]["results"][-1]["median"] = 1e-6  # absurd: it would show if it were used
    quick.write_text(json.dumps(doc))
    charts.draw_all(data, tmp_path / "after", only=["nogil-scaling"])
    assert _files(tmp_path / "before") == _files(tmp_path / "after")


def test_each_machine_gets_its_chart_and_the_biggest_the_short_name(data: Path,
                                                                    tmp_path: Path) -> None:
    drawn = charts.draw_all(data, tmp_path, only=["nogil-scaling"])
    assert [d.data.machine.usable_cpus for d in drawn] == [16, 2]
    assert [d.primary for d in drawn] == [True, False]
    assert (tmp_path / "nogil-scaling-fixture-cpu-2cpu-dark.svg").is_file()
    assert (tmp_path / "nogil-scaling-light.svg").read_bytes() == (
        tmp_path / "nogil-scaling-fixture-cpu-16cpu-light.svg").read_bytes()


def test_no_data_draws_nothing_and_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "data"
    empty.mkdir()
    docs = tmp_path / "docs"
    drawn, evaluations = mkdocs_hook.generate(empty, docs, tmp_path / "no-demos")
    assert drawn == []
    assert {e.verdict.status for e in evaluations} == {"no-data"}
    assert not list((docs / "assets" / "charts").glob("*.svg"))
    figure = (docs / "generated" / "figure-nogil-scaling.md").read_text()
    assert "No measurement committed yet" in figure
    assert "`invoke demo nogil`" in figure
    finding = (docs / "generated" / "finding-nogil-threads-scale.md").read_text()
    assert "`invoke demo nogil` produces one" in finding
    assert json.loads((docs / "generated" / "charts.json").read_text()) == {}


def test_stale_charts_are_removed_when_their_data_goes(data: Path, tmp_path: Path) -> None:
    charts.draw_all(data, tmp_path, only=["startup", "transfer"])
    shutil.rmtree(data / "startup")
    charts.draw_all(data, tmp_path, only=["startup", "transfer"])
    assert not list(tmp_path.glob("startup-*.svg"))
    assert list(tmp_path.glob("transfer-*.svg")), "charts that still have data stay"


def _point(workers: int, median: float | None, params: dict, *, low: float | None = None,
           high: float | None = None, variant: str = "3.14t", env: dict | None = None,
           strategy: str = "threads", workload: str = "w") -> Point:
    env = env or {}
    return Point("d", variant, env, " ".join([variant, *(f"{k}={v}" for k, v in env.items())]),
                 workload, strategy, workers, params, "s", median, low, high, 1,
                 median is not None, None, median is not None, None, None, (Path("x.json"),))


def test_speedup_follows_how_a_demo_splits_its_work() -> None:
    def values(curve: dict[int, metrics.Estimate]) -> dict[int, float]:
        return {n: e.value for n, e in curve.items()}

    # Fixed work per thread: the same time on 4 threads is 4x the throughput.
    weak = [_point(1, 1.0, {"work_per_thread": 10}), _point(4, 1.0, {"work_per_thread": 10})]
    assert values(metrics.speedups(weak)) == {1: 1.0, 4: 4.0}
    # Fixed total work: a quarter of the time on 4 threads is 4x.
    strong = [_point(1, 1.0, {"ops": 100}), _point(4, 0.25, {"ops": 100})]
    assert values(metrics.speedups(strong)) == {1: 1.0, 4: 4.0}
    # An unavailable point is never a point on the curve.
    assert 8 not in metrics.speedups([*weak, _point(8, None, {})])


def test_a_speedup_carries_the_range_of_its_timings() -> None:
    one = _point(1, 1.0, {}, low=0.9, high=1.1)
    two = _point(2, 1.0, {}, low=0.8, high=1.25)
    top = metrics.speedups([one, two])[2]
    assert top.value == 2.0
    # Slowest two-thread time against the fastest one-thread time, and the other way round.
    assert top.low == 2 * 0.9 / 1.25
    assert top.high == 2 * 1.1 / 0.8


def test_one_base_variant_rule_for_the_free_threading_cost() -> None:
    points = (
        _point(1, 1.0, {}, variant="3.14", strategy="sequential"),
        _point(1, 1.2, {}, variant="3.14t", strategy="sequential"),
        _point(1, 1.5, {}, variant="3.14t", env={"PYTHON_GIL": "1"}, strategy="sequential"),
        _point(1, 9.0, {}, variant="3.13", strategy="sequential"),
    )
    result = MachineResult(None, points, (), (), "invoke demo overhead")  # type: ignore[arg-type]
    costs = {k: round(v.value, 6) for k, v in metrics.single_thread_cost(result).items()}
    # Both 3.14t runs, with and without PYTHON_GIL=1, against plain 3.14 (never 3.13).
    assert costs == {("3.14t", "w"): 0.2, ("3.14t PYTHON_GIL=1", "w"): 0.5}


def test_captions_name_the_runs_files_and_command(data: Path, tmp_path: Path) -> None:
    drawn, _ = mkdocs_hook.generate(data, tmp_path / "docs", tmp_path / "no-demos")
    figure = (tmp_path / "docs" / "generated" / "results-startup.md").read_text()
    # The runs are counted and linked to their table, not listed file by file.
    assert "Median of [1 run](runs.md#runs-startup-fixture-cpu-2cpu);" in figure
    assert ".json" not in figure
    runs = (tmp_path / "docs" / "generated" / "runs.md").read_text()
    assert "{#runs-startup-fixture-cpu-2cpu}" in runs
    assert "data/startup/20260101T000000Z_fixture-cpu_2cpu.json" in runs
    assert "Reproduce: `invoke demo startup`" in figure
    manifest = json.loads((tmp_path / "docs" / "generated" / "charts.json").read_text())
    entry = manifest["startup"]
    assert entry["files"] == ["data/startup/20260101T000000Z_fixture-cpu_2cpu.json"]
    assert entry["seen"] == entry["files"]  # every file of the demo there was at drawing time
    digest = entry["sha256"]["data/startup/20260101T000000Z_fixture-cpu_2cpu.json"]
    assert len(digest) == 64
    assert {d.stem for d in drawn} <= set(manifest)


def test_findings_come_from_the_data(data: Path) -> None:
    evaluations = claims.evaluate(data)
    headline = [e for e in evaluations if e.finding.name == "nogil-threads-scale"]
    assert [e.machine for e in headline] == ["Fixture CPU (not a measurement), 16 CPUs",
                                             "Fixture CPU (not a measurement), 2 CPUs"]
    big = headline[0]
    # 16 threads at 1.1 * (1 + 0.05 * 16) s each against 1.1 * 1.05 s for one thread.
    expected = 16 * 1.05 / (1 + 0.05 * 16)
    assert big.verdict.status == "holds"
    assert f"{expected:.2f}" in big.finding.sentence(big.verdict)
    text = claims.render(big.finding, evaluations)
    assert "](runs.md#runs-nogil-fixture-cpu-16cpu)" in text
    assert "](runs.md#runs-nogil-fixture-cpu-2cpu)" in text


def _another_run(data: Path, stamp: str, free_at_two: float, disturbed: bool = False) -> Path:
    """A later run of the 2-core nogil fixture (schema v2) with 3.14t at 2 threads changed."""
    from inparallel.records.load import migrate_v1

    source = data / "nogil" / "20260101T000000Z_fixture-cpu_2cpu.json"
    doc = migrate_v1(json.loads(source.read_text()))
    doc["started_at"] = doc["finished_at"] = f"2026-01-0{stamp[7]}T00:00:00Z"
    doc["interference"] = {"wall_s": 10.0, "other_cpu_s": 9.0 if disturbed else 0.0,
                           "steal_s": 0.0, "other_cpu_fraction": 0.45 if disturbed else 0.0,
                           "disturbed": disturbed,
                           "reason": "other processes used 45% of the CPUs" if disturbed else None}
    for run in doc["runs"]:
        for row in run["results"]:
            if run["variant"] == "3.14t" and row["workers"] == 2:
                row.update(median=free_at_two, values=[free_at_two], min=free_at_two,
                           max=free_at_two, ci_low=None, ci_high=None)
    target = data / "nogil" / f"{stamp}_fixture-cpu_2cpu.json"
    target.write_text(json.dumps(doc))
    return target


def test_charts_and_findings_use_the_median_of_all_runs_and_leave_out_disturbed_ones(
        data: Path, tmp_path: Path) -> None:
    # Three calm runs at 2 threads on 3.14t: 1.2 s (fixture), 1.1 s and 1.6 s; median 1.2 s.
    _another_run(data, "20260102T000000Z", 1.1)
    _another_run(data, "20260103T000000Z", 1.6)
    noisy = _another_run(data, "20260104T000000Z", 20.0, disturbed=True)
    (result,) = [r for r in claims.evaluate(data) if r.finding.name == "nogil-threads-scale"
                 and r.machine.endswith("2 CPUs")]
    point = next(p for p in result.result.points
                 if p.variant == "3.14t" and p.workers == 2)
    assert (point.median, point.runs) == (1.2, 3)
    # Its interval spans at least the runs (never one run's extreme over another's).
    assert point.low <= 1.1 and point.high >= 1.6
    # Speedup 2 * 1.1 / 1.2 (the disturbed run left out); runs that far apart are not
    # enough evidence for the claim, and the verdict says so.
    x = formatting.TIMES
    assert f"did 1.83{x} (" in result.finding.sentence(result.verdict)
    assert result.verdict.status == "no-evidence"
    assert "3.14t threads x2 (numeric)" in result.verdict.shortfall
    mkdocs_hook.generate(data, tmp_path / "docs", tmp_path / "no-demos")
    caption = (tmp_path / "docs" / "generated" / "results-nogil-scaling.md").read_text()
    assert "Median of [3 runs](runs.md#runs-nogil-fixture-cpu-2cpu) (1 left out)" in caption
    # Why a run was left out is said once, in its row of the runs table.
    runs = (tmp_path / "docs" / "generated" / "runs.md").read_text()
    row = next(line for line in runs.splitlines() if noisy.name in line)
    assert "| disturbed | no: disturbed (left out): other processes used 45% of the CPUs" in row

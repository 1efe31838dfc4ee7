"""The pyperformance suite runner: parsing pyperf's JSON, the options, the record, the metrics.

The fixture tests/fixtures/pyperf-small.json is a real ``pyperformance run --fast`` output of
two benchmarks (json_dumps, nbody) on a free-threaded build. Nothing here runs pyperformance:
the lead's full run is ``invoke suite``; the metric tests use made-up values.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, invoke
from record_samples import put, record, row, run

from inparallel.analysis import findings
from inparallel.analysis import metrics as m
from inparallel.analysis.demos import pyperformance
from inparallel.analysis.stats import aggregate
from inparallel.errors import UserError
from inparallel.measure import pyperformance_suite as ps
from inparallel.records import load, validate

FIXTURE = REPO / "tests/fixtures/pyperf-small.json"


@pytest.fixture
def doc() -> dict:
    return json.loads(FIXTURE.read_text())


# --- parsing ---------------------------------------------------------------------------------


def test_each_benchmark_becomes_one_row_with_every_value_and_no_warmup(doc):
    rows = ps.pyperf_rows(doc)
    assert [r["workload"] for r in rows] == ["json_dumps", "nbody"]
    for found, bench in zip(rows, doc["benchmarks"], strict=True):
        values = [v for each in bench["runs"] for v in each.get("values", [])]
        warmups = [w[1] for each in bench["runs"] for w in each.get("warmups", [])]
        assert found["values"] == values and len(values) >= 3
        assert not set(warmups) & set(found["values"])  # the warm-ups stay out
        assert found["min"] == min(values) and found["max"] == max(values)
        assert found["ci_low"] <= found["median"] <= found["ci_high"]
        assert found["strategy"] == "pyperformance" and found["workers"] == 1
        assert found["unit"] == "s" and found["correct"] is None
    assert rows[1]["params"] == {"benchmark": "nbody", "kind": "numeric", "loops": 2}
    assert rows[0]["params"]["kind"] == "json"


def test_a_name_kept_in_the_files_common_metadata_is_found(doc):
    one = copy.deepcopy(doc)
    one["benchmarks"] = one["benchmarks"][1:]
    one["metadata"]["name"] = one["benchmarks"][0]["metadata"].pop("name")
    assert [r["workload"] for r in ps.pyperf_rows(one)] == ["nbody"]


@pytest.mark.parametrize("mangle, says", [
    (lambda d: [d], "not a pyperf benchmark suite"),
    (lambda d: {**d, "benchmarks": None}, "not a pyperf benchmark suite"),
    (lambda d: {**d, "benchmarks": [{"metadata": {}, "runs": []}]}, "has no name"),
    (lambda d: {**d, "benchmarks": [{"metadata": {"name": "x"}, "runs": [{"values": []}]}]},
     "x has no values"),
    (lambda d: {**d, "benchmarks": [{"metadata": {"name": "x"},
                                     "runs": [{"values": [1.0, -2.0]}]}]}, "bad value -2.0"),
    (lambda d: {**d, "metadata": {**d["metadata"], "unit": "byte"}}, "not seconds"),
])
def test_bad_pyperf_output_is_one_line_naming_the_problem(doc, mangle, says):
    with pytest.raises(UserError) as caught:
        ps.pyperf_rows(mangle(doc), "out.json")
    message = str(caught.value)
    assert says in message and "\n" not in message and message.startswith("out.json")


@pytest.mark.parametrize("result, benchmark", [
    ("nbody", "nbody"), ("pprint_pformat", "pprint"), ("async_tree_none", "async_tree"),
    ("regex_dna", "regex_dna"), ("unknown_thing", None)])
def test_result_names_map_to_the_pinned_benchmark(result, benchmark):
    assert ps.benchmark_of(result) == benchmark


# --- the record ------------------------------------------------------------------------------


def _suite_record(doc: dict) -> dict:
    rows = ps.pyperf_rows(doc)
    runs = [run("3.14", copy.deepcopy(rows)), {**run("3.14t", rows), "pyperf": doc}]
    return record("pyperformance", settings={"benchmarks": ["nbody"], "mode": "fast"},
                  runs=runs)


def test_a_suite_record_with_the_pyperf_document_inside_is_valid(doc, tmp_path):
    found = _suite_record(doc)
    assert validate.problem(found) is None
    loaded = load.read(put(tmp_path, found))
    assert [r.workload for r in loaded.runs[1].results] == ["json_dumps", "nbody"]


def test_a_run_whose_pyperf_document_is_not_one_is_refused(doc):
    found = _suite_record(doc)
    found["runs"][1]["pyperf"] = {"benchmarks": []}
    assert "pyperf" in (validate.problem(found) or "")


# --- options and the task --------------------------------------------------------------------


def test_the_default_options_are_every_pair_and_the_whole_subset():
    options = ps.parse_options()
    assert options.variants == ps.VARIANTS and options.benchmarks == tuple(ps.BENCHMARKS)
    assert options.command == "invoke suite"
    assert len(ps.BENCHMARKS) >= 15
    assert set(ps.BENCHMARKS.values()) >= {"numeric", "objects", "strings", "regex", "json",
                                           "async"}


def test_the_command_names_what_was_chosen_in_a_fixed_order():
    options = ps.parse_options("3.14t, 3.14", "float,nbody", "rigorous")
    assert options.variants == ("3.14", "3.14t")
    assert options.command == ("invoke suite --variants 3.14,3.14t --benchmarks nbody,float "
                               "--mode rigorous")


@pytest.mark.parametrize("args, says", [
    (("3.16", "", "fast"), "unknown variant '3.16'"),
    (("nogil", "", "fast"), "unknown variant 'nogil'"),
    (("", "nbody,bogus", "fast"), "unknown benchmark 'bogus'"),
    (("", "", "slow"), "give fast (the default) or rigorous"),
])
def test_bad_options_are_one_line_usage_errors(args, says):
    with pytest.raises(UserError) as caught:
        ps.parse_options(*args)
    assert says in str(caught.value) and caught.value.code == 2


@pytest.mark.parametrize("args, says", [
    (("--variants", "3.16"), "unknown variant '3.16'"),
    (("--benchmarks", "nbody,bogus"), "unknown benchmark 'bogus'"),
])
def test_the_task_ends_bad_input_in_one_line(args, says):
    found = invoke("suite", *args, timeout=120)
    assert found.returncode == 2
    assert found.stderr.strip().count("\n") == 0 and says in found.stderr
    assert "Traceback" not in found.stderr + found.stdout


def test_pyperformance_gets_the_run_environment_only_when_there_is_one():
    options = ps.parse_options("3.14t", "nbody")
    plain = ps.pyperformance_command(Path("/py"), options, Path("/o.json"), {})
    gil = ps.pyperformance_command(Path("/py"), options, Path("/o.json"), {"PYTHON_GIL": "1"})
    assert "--inherit-environ" not in plain and "--fast" in plain
    assert gil[gil.index("--inherit-environ") + 1] == "PYTHON_GIL"
    assert plain[plain.index("--benchmarks") + 1] == "nbody"


def test_pyperformance_and_pyperf_are_pinned_exactly():
    pins = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(p.startswith("pyperformance==") for p in pins)
    assert any(p.startswith("pyperf==") for p in pins)


# --- metrics and the finding, on made-up values ----------------------------------------------


def _result(times: dict[str, dict[str, float]]):
    """An aggregated suite result: label -> benchmark -> seconds (three values each)."""
    runs = []
    for label, per in times.items():
        variant, _, env = label.partition(" ")
        rows = [row(b, "pyperformance", 1, [t * 0.99, t, t * 1.01]) for b, t in per.items()]
        runs.append(run(variant, rows, dict([env.split("=")]) if env else None))
    return aggregate([load.parse(record("pyperformance", runs=runs), "x.json")])[0]


def test_the_geometric_mean_of_ratios():
    mean = m.geometric_mean([m.Estimate(1.0, 1.0, 1.0), m.Estimate(4.0, 2.0, 8.0)])
    assert mean == m.Estimate(pytest.approx(2.0), pytest.approx(2 ** 0.5), pytest.approx(8**0.5))
    assert m.geometric_mean([]) is None


def test_the_table_and_the_suite_cost_per_free_threaded_series():
    result = _result({"3.14": {"a": 1.0, "b": 2.0}, "3.14t": {"a": 1.21, "b": 2.0},
                      "3.14t PYTHON_GIL=1": {"a": 1.1, "b": 2.2}})
    table = pyperformance.suite_table(result)
    assert set(table) == {"a", "b"}
    assert table["a"]["3.14t"].value == pytest.approx(0.21)
    assert table["b"]["3.14t PYTHON_GIL=1"].value == pytest.approx(0.1)
    # sqrt(1.21 * 1) - 1
    assert pyperformance.suite_cost(result, "3.14t").value == pytest.approx(0.1)
    assert pyperformance.suite_cost(result, "3.14t PYTHON_GIL=1").value == pytest.approx(0.1)


def test_the_headline_cost_comes_from_the_suite():
    finding = findings.finding("ft-single-thread-cost")
    assert finding.demo == "pyperformance"
    verdict = finding.check(_result({"3.14": {"a": 1.0, "b": 2.0},
                                     "3.14t": {"a": 1.21, "b": 2.0}}))
    assert verdict.status == "holds"
    assert verdict.numbers["mean"].startswith("+10 %") and verdict.numbers["worst"] == "a"
    faster = finding.check(_result({"3.14": {"a": 1.0}, "3.14t": {"a": 0.8}}))
    assert faster.status == "fails"
    assert finding.check(_result({"3.14": {"a": 1.0}})).status == "no-data"


# --- one interpreter's run, with pyperformance replaced by a stand-in ------------------------


def test_a_run_keeps_pyperfs_document_and_a_failure_keeps_what_was_measured(
        monkeypatch, tmp_path, doc):
    import subprocess

    from inparallel.build import catalog
    from inparallel.build.discovery import locate
    from inparallel.measure.collect import Target

    found = locate(catalog.resolve_all(["3.14t"])[0])
    if found.status == "missing":
        pytest.skip("3.14t is not built here (invoke build 3.14t)")
    calls = []

    def fake_run(command, **kwargs):
        calls.append((command, kwargs["env"]))
        if "pyperformance" in command:  # it wrote its JSON, then reported a failed benchmark
            Path(command[command.index("--output") + 1]).write_text(json.dumps(doc))
            return subprocess.CompletedProcess(command, 1, "", "ERROR: 1 benchmark failed")
        return subprocess.CompletedProcess(command, 0, "1\n", "")  # the GIL check

    monkeypatch.setattr(ps.subprocess, "run", fake_run)
    monkeypatch.setattr(ps, "venv_dir", lambda: tmp_path / "venvs")
    options = ps.parse_options("3.14t", "nbody,json_dumps")
    one, _usage = ps._run_one(Target(found, (("PYTHON_GIL", "1"),)), options, tmp_path)
    assert calls[0][1]["PYTHON_GIL"] == "1" and "--inherit-environ" in calls[0][0]
    assert one["variant"] == "3.14t" and one["env"] == {"PYTHON_GIL": "1"}
    assert one["gil_enabled_at_end"] is True
    assert [r["workload"] for r in one["results"]] == ["json_dumps", "nbody"]
    assert one["pyperf"] == doc and "1 benchmark failed" in one["error"]
    assert validate.problem(record("pyperformance", runs=[one])) is None

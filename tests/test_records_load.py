"""The loader refuses every class of invalid file with one line naming the file and the problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from record_samples import edited, put, record, row, run, v1

from inparallel.paths import DATA
from inparallel.records import load, validate
from inparallel.records.errors import InvalidRecord
from inparallel.records.model import SCHEMA_VERSION, Record

ROW = ("runs", 0, "results", 0)


def refused(path: Path, *expected: str) -> str:
    """Assert ``load.read(path)`` refuses the file in one line naming it; return the line."""
    with pytest.raises(InvalidRecord) as caught:
        load.read(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for text in expected:
        assert text in message, message
    return message


def test_a_valid_record_loads_typed(tmp_path):
    path = put(tmp_path, record(runs=[run("3.14t", env={"PYTHON_GIL": "1"})]))
    loaded = load.read(path)
    assert isinstance(loaded, Record) and loaded.schema_version == SCHEMA_VERSION
    assert loaded.machine.key == "fake-cpu-2cpu"
    assert loaded.machine.label == "Fake CPU fake-cpu, 2 CPUs"
    assert loaded.runs[0].label == "3.14t PYTHON_GIL=1"
    first = loaded.runs[0].results[0]
    assert first.ok and first.ci_low <= first.median <= first.ci_high
    assert first.values == (1.0, 1.1, 0.9, 1.05, 0.95, 1.0)
    assert loaded.migrated_from is None and not loaded.disturbed


@pytest.mark.parametrize(("text", "expected"), [
    ("{", "is not JSON"),
    ("", "is not JSON"),
    ("[1, 2]", "holds an array, not a record object"),
    ("null", "holds null"),
])
def test_unreadable_files(tmp_path, text, expected):
    path = tmp_path / "nogil" / "x.json"
    path.parent.mkdir()
    path.write_text(text, encoding="latin-1")
    refused(path, expected)


def test_a_file_that_cannot_be_read(tmp_path):
    path = tmp_path / "a-folder.json"
    path.mkdir()  # reading it fails with an OSError even for root
    refused(path, "cannot be read")


def test_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(b'{"demo": "\xff"}')
    refused(path, "is not UTF-8")


@pytest.mark.parametrize(("doc", "expected"), [
    ({"schema_version": 1}, "lacks 'demo'"),
    ({"schema_version": 2}, "lacks 'demo'"),
    ({}, "lacks 'schema_version'"),
    ({**record(), "schema_version": 3}, "schema_version 3 is newer than this checkout"),
    ({**record(), "schema_version": "2"}, "schema_version '2' is not a known version"),
    ({**record(), "schema_version": 0}, "schema_version 0 is not a known version"),
])
def test_missing_or_unknown_schema_versions(tmp_path, doc, expected):
    refused(put(tmp_path, json.dumps(doc), "x.json"), expected)


def test_a_newer_file_says_how_to_read_it(tmp_path):
    message = refused(put(tmp_path, {**record(), "schema_version": 3}))
    assert "git pull" in message


@pytest.mark.parametrize(("where", "value", "expected"), [
    ((*ROW, "workers"), "2", "runs[0].results[0].workers is a string, expected integer"),
    ((*ROW, "median"), "fast", "runs[0].results[0].median is a string"),
    ((*ROW, "values"), {"a": 1}, "runs[0].results[0].values is an object, expected array"),
    (("machine",), [], "machine is an array, expected object"),
    (("runs",), [], "runs is empty"),
    (("runs", 0, "env"), {"PYTHON_GIL": 1}, "runs[0].env.PYTHON_GIL is a number"),
    (("quick",), "no", "quick is a string, expected boolean"),
    (("interference",), {"wall_s": 1}, "interference lacks 'other_cpu_s', 'steal_s'"),
    (("started_at",), "yesterday", "started_at"),
    (("started_at",), "2026-13-45T99:00:00Z", "not a real date"),
    ((*ROW, "surprise"), 1, "'surprise' was unexpected"),
])
def test_wrong_types_and_shapes(tmp_path, where, value, expected):
    refused(put(tmp_path, edited(record(), where, value)), expected)


@pytest.mark.parametrize(("where", "value", "expected"), [
    ((*ROW, "median"), -1.5, "median is -1.5, below the allowed minimum 0"),
    ((*ROW, "values", 0), -0.1, "values[0] is -0.1, below the allowed minimum 0"),
    (("runs", 0, "duration_s"), -3, "duration_s is -3"),
    (("interference", "other_cpu_s"), -1, "interference.other_cpu_s is -1"),
])
def test_negative_timings(tmp_path, where, value, expected):
    refused(put(tmp_path, edited(record(), where, value)), expected)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers(tmp_path, constant):
    text = json.dumps(record()).replace('"duration_s": 1.0', f'"duration_s": {constant}', 1)
    refused(put(tmp_path, text, "x.json"), "runs[0].duration_s", "not a finite number")


def test_a_number_too_large_to_measure(tmp_path):
    refused(put(tmp_path, edited(record(), (*ROW, "workers"), 10**400)), "too large")


@pytest.mark.parametrize(("where", "value", "expected"), [
    ((*ROW, "workers"), 0, "workers is 0, below the allowed minimum 1"),
    (("machine", "usable_cpus"), 0, "machine.usable_cpus is 0"),
    (("machine", "cpu_count"), 0, "machine.cpu_count is 0"),
    (("machine", "memory_bytes"), 0, "machine.memory_bytes is 0"),
    (("machine", "usable_cpus"), 64, "machine.usable_cpus 64 exceeds machine.cpu_count 2"),
])
def test_impossible_counts(tmp_path, where, value, expected):
    refused(put(tmp_path, edited(record(), where, value)), expected)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"median": 0.5}, "median 0.5 is not the median of its values"),
    ({"max": 9.0}, "do not match its values"),
    ({"values": [], "median": None, "min": None, "max": None}, "has no values but an interval"),
    ({"median": None}, "has values but no median"),
    ({"ci_low": 1.01}, "does not contain its median"),
    ({"ci_high": None}, "only one end of its interval"),
])
def test_summaries_that_contradict_the_values(tmp_path, changes, expected):
    doc = edited(record(), ("runs", 0, "results"), [{**row(), **changes}])
    refused(put(tmp_path, doc), expected)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"raw_values": [1.0]}, "raw_values or speed_factors without the other"),
    ({"raw_values": [9.0, 9.0, 9.0], "speed_factors": [1.0, 1.0, 1.0]},
     "values are not raw_values * speed_factors"),
    ({"raw_values": [1.0], "speed_factors": [1.0]}, "values are not raw_values * speed_factors"),
])
def test_speed_corrected_values_must_follow_from_the_raw_values(tmp_path, changes, expected):
    doc = edited(record(), ("runs", 0, "results"), [{**row(), **changes}])
    refused(put(tmp_path, doc), expected)


def test_speed_corrected_values_that_follow_from_the_raw_values_load(tmp_path):
    values = row()["values"]
    corrected = {**row(), "raw_values": [v * 2 for v in values],
                 "speed_factors": [0.5] * len(values)}
    loaded = load.read(put(tmp_path, edited(record(), ("runs", 0, "results"), [corrected])))
    assert loaded.runs[0].results[0].values == tuple(values)


def test_page_faults_go_one_per_value(tmp_path):
    values = row()["values"]
    doc = edited(record(), ("runs", 0, "results"), [{**row(), "page_faults": [3.0]}])
    refused(put(tmp_path, doc), f"has 1 page_faults for {len(values)} values")
    doc = edited(record(), ("runs", 0, "results"), [{**row(), "page_faults": [-1.0] * len(values)}])
    refused(put(tmp_path, doc), "page_faults")
    counted = {**row(), "page_faults": [16394.0] * len(values)}
    loaded = load.read(put(tmp_path, edited(record(), ("runs", 0, "results"), [counted])))
    assert loaded.runs[0].results[0].page_faults == (16394.0,) * len(values)


def test_intervals_only_for_times_and_rates_of_three_values(tmp_path):
    few = row(values=[1.0, 2.0])
    doc = edited(record(), ("runs", 0, "results"), [{**few, "ci_low": 1.0, "ci_high": 2.0}])
    refused(put(tmp_path, doc), "intervals are for times and rates of 3 or more values")
    sizes = {**row(values=[1.0, 2.0, 3.0]), "unit": "bytes", "ci_low": 1.0, "ci_high": 3.0}
    doc = edited(record(), ("runs", 0, "results"), [sizes])
    refused(put(tmp_path, doc), "intervals are for times and rates of 3 or more values")


def test_repeated_rates_keep_their_interval(tmp_path):
    rates = {**row(values=[900.0, 1000.0, 1100.0]), "unit": "req/s", "ci_low": 900.0,
             "ci_high": 1100.0}
    loaded = load.read(put(tmp_path, edited(record(), ("runs", 0, "results"), [rates])))
    assert loaded.runs[0].results[0].is_measured
    assert (loaded.runs[0].results[0].ci_low, loaded.runs[0].results[0].ci_high) == (900.0, 1100.0)


def test_finished_before_it_started(tmp_path):
    doc = {**record(), "finished_at": "2020-01-01T00:00:00Z"}
    refused(put(tmp_path, doc), "finished_at is before started_at")


def test_a_file_in_the_wrong_folder(tmp_path):
    path = put(tmp_path, record(demo="cpu"))
    moved = tmp_path / "nogil" / path.name
    moved.parent.mkdir()
    path.rename(moved)
    with pytest.raises(InvalidRecord, match="holds demo 'cpu'"):
        load.load_demo(tmp_path, "nogil")


def test_load_demo_refuses_by_default_and_reports_when_asked(tmp_path):
    good = put(tmp_path, record())
    bad = put(tmp_path, "{", "20990101T000000Z_fake-cpu_2cpu.json")
    with pytest.raises(InvalidRecord, match="is not JSON"):
        load.load_demo(tmp_path, "nogil")
    skipped: list[InvalidRecord] = []
    assert [r.path for r in load.load_demo(tmp_path, "nogil", on_invalid=skipped.append)] == [good]
    assert [e.path for e in skipped] == [bad]
    with pytest.raises(InvalidRecord):
        load.check_all(tmp_path)


def test_load_demo_orders_by_start_and_skips_smoke_runs(tmp_path):
    late = put(tmp_path, record(started="2026-11-26T10:00:00Z"), "a.json")
    early = put(tmp_path, record(started="2026-11-25T10:00:00Z"), "b.json")
    put(tmp_path, {**record(), "quick": True}, "c_quick.json")
    put(tmp_path, {**record(started="2026-11-27T10:00:00Z"), "quick": True}, "d.json")
    assert [r.path for r in load.load_demo(tmp_path, "nogil")] == [early, late]
    assert len(load.load_demo(tmp_path, "nogil", quick=True)) == 4
    assert load.load_demo(tmp_path, "absent") == []


def test_v1_files_are_migrated_on_load(tmp_path):
    doc = record(runs=[run("3.14t", rows=[row(), row(values=[3.0]), row(unit="bytes")])])
    loaded = load.read(put(tmp_path, v1(doc)))
    assert loaded.migrated_from == 1 and loaded.schema_version == 2
    assert loaded.interference is None
    timed, single, sizes = loaded.runs[0].results
    assert (timed.ci_low, timed.ci_high) == (0.9, 1.1)  # 6 values: the 95% interval is min..max
    assert single.ci_low is None and sizes.ci_low is None  # too few values; not a timing
    assert {timed.converged, single.converged, sizes.converged} == {None}


def test_v1_environment_folded_into_the_variant_is_split(tmp_path):
    old = v1(record(runs=[run("3.14t")]))
    old["runs"][0]["variant"] = "3.14t PYTHON_GIL=1"
    del old["runs"][0]["env"]
    loaded = load.read(put(tmp_path, old))
    assert (loaded.runs[0].variant, dict(loaded.runs[0].env)) == ("3.14t", {"PYTHON_GIL": "1"})


def test_a_broken_v1_file_is_still_refused(tmp_path):
    old = edited(v1(record()), (*ROW, "median"), -1.5)
    refused(put(tmp_path, old), "median is -1.5")


def test_the_committed_data_loads(tmp_path):
    assert load.check_all(DATA), "data/ has no record"


def test_the_schema_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(validate.schema())
    assert validate.schema()["properties"]["schema_version"] == {"const": SCHEMA_VERSION}


def test_the_fix_names_the_command_that_measures_again(tmp_path):
    doc = edited(record(), (*ROW, "median"), -1.5)
    doc["command"] = "invoke demo nogil --workers 1,2"
    assert refused(put(tmp_path, doc)).endswith(
        "(move it out of data/, or measure again: invoke demo nogil --workers 1,2)")


def test_an_old_file_with_an_integer_too_large_for_a_float_is_refused_in_one_line(tmp_path):
    doc = v1(edited(record(), ("runs", 0, "results", 0, "values", 0), 10**400))
    refused(put(tmp_path, doc), "too large to be a measurement")

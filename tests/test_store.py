"""The data store: schema checks, file names, and writes that never clobber earlier data."""

import copy
import json

import pytest

from inparallel.records import store

RECORD = {
    "schema_version": 1, "demo": "nogil", "title": "t", "quick": False, "command": "invoke demo",
    "started_at": "2026-11-25T13:05:12Z", "finished_at": "2026-11-25T13:06:00Z",
    "machine": {"id": "amd-epyc", "hostname": "h", "cpu_model": "AMD EPYC", "cpu_count": 2,
                "usable_cpus": 2, "memory_bytes": 1, "os": "Debian", "kernel": "6", "arch": "x"},
    "repository": {"commit": "a" * 40, "dirty": False},
    "settings": {},
    "runs": [{
        "variant": "3.14t", "env": {}, "gil_enabled_at_end": False, "duration_s": 1.0,
        "error": None,
        "interpreter": {"executable": "p", "origin": "built", "version": "3.14.7",
                        "implementation": "CPython", "free_threaded_build": True,
                        "configure_args": "--disable-gil", "compiler": "GCC"},
        "results": [{"workload": "numeric", "strategy": "threads", "workers": 1, "params": {},
                     "unit": "s", "values": [1.0], "median": 1.0, "min": 1.0, "max": 1.0,
                     "correct": True, "available": True, "reason": None, "error": None}],
    }],
}


def test_a_complete_record_has_no_problems():
    assert store.problems(RECORD) == []


@pytest.mark.parametrize("path", [("machine", "cpu_model"), ("runs", 0, "interpreter", "version"),
                                  ("runs", 0, "results", 0, "correct"), ("runs", 0, "env")])
def test_a_missing_field_is_reported(path):
    broken = copy.deepcopy(RECORD)
    node = broken
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    assert any(repr(path[-1]) in problem for problem in store.problems(broken))


def test_file_name_says_date_machine_and_cores():
    assert store.file_name(RECORD) == "20261125T130512Z_amd-epyc_2cpu.json"
    assert store.file_name({**RECORD, "quick": True}).endswith("_2cpu_quick.json")


def test_write_refuses_invalid_records_and_never_overwrites(data_dir):
    with pytest.raises(ValueError):
        store.write({**RECORD, "machine": {}})
    assert not (data_dir / "nogil").exists() or not any((data_dir / "nogil").iterdir())
    first = store.write(RECORD)
    assert json.loads(first.read_text())["runs"][0]["variant"] == "3.14t"
    with pytest.raises(FileExistsError):
        store.write({**RECORD, "title": "a second run in the same second"})
    assert json.loads(first.read_text())["title"] == "t"
    assert [p.name for p in first.parent.iterdir()] == [first.name], "no temporary left"


def test_load_skips_quick_runs_unless_asked(data_dir):
    store.write(RECORD)
    store.write({**RECORD, "quick": True})
    assert len(store.load("nogil")) == 1
    assert len(store.load("nogil", quick=True)) == 2

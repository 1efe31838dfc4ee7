"""The committed measurements: every file in data/ is valid, complete and traceable."""

import json
from pathlib import Path

import pytest

from inparallel.paths import DATA, DEMOS
from inparallel.records import load, store

FILES = sorted(p for p in DATA.glob("*/*.json") if not p.name.endswith("_quick.json"))


def test_data_holds_measurements():
    assert FILES, "data/ has no committed measurement"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(DATA)) for p in FILES])
def test_file_is_schema_valid_and_traceable(path: Path):
    record = load.read(path)  # refuses an invalid file: schema.json plus its checks
    assert record.quick is False, "smoke runs are never committed"
    assert path.parent.name == record.demo
    stored = json.loads(path.read_text())
    assert path.name == store.file_name(stored), "the name tells date, machine and cores"
    # The io demo's script is io_demo.py; the pyperformance suite has a task, not a script.
    assert ((DEMOS / f"{record.demo}.py").exists() or record.demo == "io"
            or record.command.startswith("invoke suite"))
    assert record.repository.commit and len(record.repository.commit) == 40
    for run in record.runs:
        assert " " not in run.variant, "the run environment is its own field"
        assert run.interpreter.version.startswith(run.variant.rstrip("t"))
        assert run.interpreter.free_threaded_build == run.variant.endswith("t")
        assert isinstance(run.gil_enabled_at_end, bool)
        for row in run.results:
            if row.available and not row.error:
                assert row.values, "a row that ran has its raw values"
                assert row.correct is not False, "a wrong answer is never stored as valid"
            elif not row.available:
                assert row.reason, "an unavailable strategy always says why"

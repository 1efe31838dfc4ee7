"""`invoke bench --quick`: every demo under every available variant, stored side by side."""

import json

import pytest
from conftest import invoke

from inparallel.build.discovery import discover_all
from inparallel.measure import suite
from inparallel.records import store

pytestmark = pytest.mark.build


def test_quick_bench_stores_every_demo_for_every_available_variant(tmp_path):
    done = invoke("bench", "--quick", env={"INPARALLEL_DATA": str(tmp_path)}, timeout=1800)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    available = {f.variant.name for f in discover_all() if f.status != "missing"}
    for name, spec in suite.REGISTRY.items():
        files = list((tmp_path / name).glob("*_quick.json"))
        assert len(files) == 1, name
        record = json.loads(files[0].read_text())
        assert store.problems(record) == [], name
        ran = {run["variant"] for run in record["runs"]}
        assert ran == available & set(spec.variants or available), name
        for run in record["runs"]:
            assert run["error"] is None, (name, run["variant"], run["error"])
            assert all(row["correct"] is not False for row in run["results"]), name
    assert not list(tmp_path.glob("*/.*.tmp")), "no temporary file left behind"

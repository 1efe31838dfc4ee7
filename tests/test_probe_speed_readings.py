"""Demos whose values are fresh processes or load rounds still read the machine's speed between
them, so that their runs get a noise class (issue 19): shared_state before each probe, service
before each round of each point. Quick runs take too few readings; three repeats are enough
(the sequential strategy's first value is the probe whose answers the others must give)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from demo_checks import located

from inparallel.measure import noise
from inparallel.paths import DEMOS


def python_314():
    found = located()["3.14"]
    if found.status == "missing":
        pytest.skip("3.14 is not built (invoke build 3.14)")
    return found.executable


def rows_of(script: str, *args: str) -> list[dict]:
    done = subprocess.run(
        [str(python_314()), str(DEMOS / script), "--json", "--quick", "--repeats", "3", *args],
        cwd=DEMOS, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(DEMOS)})
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if "workload" in line]


def check_spreads(rows: list[dict]) -> None:
    timed = [row for row in rows if row["unit"] in ("s", "req/s") and row["values"]]
    assert timed
    assert all(isinstance(row.get("noise_spread"), float) and row["noise_spread"] >= 0
               for row in timed), [row.get("noise_spread") for row in timed]
    assert not any("noise_spread" in row for row in rows if row["unit"] == "bytes")
    assert noise.summarize(rows)["class"] in ("quiet", "noisy")  # no longer "unknown"


@pytest.mark.build
def test_shared_state_reads_the_machines_speed_before_each_probe():
    check_spreads(rows_of("shared_state.py", "--strategies", "sequential,threads"))


@pytest.mark.build
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_service_reads_the_machines_speed_before_each_round():
    check_spreads(rows_of("service.py", "--strategies", "threads", "--workers", "16",
                          "--cpu-ms", "0"))

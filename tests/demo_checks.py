"""Checks shared by the demo tests: run ``invoke demo NAME --quick`` once, judge each run.

One quick run of a demo covers every variant available here; the tests then check each
variant's run separately, so that a failure names the variant, and a variant that is not
built here is skipped with the reason instead of failing.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess

import pytest
from conftest import REPO, invoke

from inparallel.build import catalog
from inparallel.build.discovery import Located, discover_all
from inparallel.measure import noise
from inparallel.paths import DEMOS
from inparallel.records import store

# Every strategy a demo with workers must show, available or not (demos/strategies.py).
WORKER_STRATEGIES = ("threads", "subinterpreters", "subinterpreters-pool",
                     "processes-fork", "processes-forkserver", "processes-spawn")
ALL_STRATEGIES = ("sequential", *WORKER_STRATEGIES)
PROVENANCE = {
    "machine": ("id", "hostname", "cpu_model", "cpu_count", "usable_cpus", "os", "kernel",
                "arch"),
    "interpreter": ("executable", "origin", "version", "free_threaded_build",
                    "configure_args", "compiler"),
}


@functools.cache
def located() -> dict[str, Located]:
    """Every catalog variant, found or not (probing each interpreter once per session)."""
    return {found.variant.name: found for found in discover_all()}


def variants(demo: str | None = None) -> list:
    """Test parameters, one per catalog variant (or per variant ``demo`` runs under); those
    missing here are skipped, with why."""
    from inparallel.measure import registry

    chosen = (registry.spec_for(demo).variants if demo else None) or tuple(catalog.load())
    return [
        pytest.param(name, marks=pytest.mark.skipif(
            located()[name].status == "missing",
            reason=f"{name} is not available here (invoke build {name})"))
        for name in chosen
    ]


def quick_record(demo: str, folder, *args: str) -> dict:
    """Run ``invoke demo DEMO --quick ARGS`` into ``folder`` and return the stored record."""
    done = invoke("demo", demo, "--quick", *args, env={"INPARALLEL_DATA": str(folder)},
                  timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    files = list((folder / demo).glob("*_quick.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


def record_fixture(demo: str, *args: str):
    """A module-scoped ``record`` fixture: one quick run of ``demo`` with ``args``."""

    @pytest.fixture(scope="module")
    def record(tmp_path_factory):
        return quick_record(demo, tmp_path_factory.mktemp("data"), *args)

    return record


def check_stored(record: dict, demo: str) -> None:
    """Schema-valid, flagged quick, and carrying the provenance a reader needs."""
    assert store.problems(record) == []
    assert record["demo"] == demo and record["quick"] is True
    assert record["command"].startswith(f"invoke demo {demo}")
    for key in PROVENANCE["machine"]:
        assert record["machine"][key], key
    assert len(record["repository"]["commit"]) == 40
    for run in record["runs"]:
        for key in PROVENANCE["interpreter"]:
            assert key in run["interpreter"], key
        assert run["gil_enabled_at_end"] in (True, False), run["variant"]


def run_of(record: dict, variant: str, env: dict | None = None) -> dict:
    """The run of ``variant`` (with ``env``) in ``record``; it must be there and unbroken."""
    runs = [r for r in record["runs"] if r["variant"] == variant and r["env"] == (env or {})]
    assert len(runs) == 1, f"{variant} {env or ''} ran {len(runs)} times"
    run = runs[0]
    assert run["error"] is None, run["error"]
    assert run["interpreter"]["version"] == located()[variant].info.version
    return run


def check_rows(run: dict, workloads, strategies, workers) -> None:
    """Every (workload, strategy, workers) has exactly one row, and each row is sound.

    Sound means: an available row has values, no error and no wrong answer; a row that
    could not run says why.
    """
    rows = run["results"]
    seen = [(r["workload"], r["strategy"], r["workers"]) for r in rows]
    wanted = [(w, s, n) for w in workloads for s in strategies for n in workers]
    assert sorted(seen) == sorted(wanted)
    for row in rows:
        where = f"{run['variant']} {row['workload']} {row['strategy']} x{row['workers']}"
        if not row["available"]:
            assert row["reason"], where
            continue
        assert row["error"] is None, f"{where}: {row['error']}"
        assert row["values"], where
        assert row["correct"] is not False, f"{where}: wrong answer"


def check_availability(run: dict) -> None:
    """Only sub-interpreters may be missing (threads and processes run everywhere on
    Linux); their rows name the API used, and the pool is there exactly from 3.14 on."""
    series = tuple(int(p) for p in run["interpreter"]["version"].split(".")[:2])
    for row in run["results"]:
        assert row["available"] or row["strategy"].startswith("subinterpreters"), row
        if row["strategy"] == "subinterpreters-pool":
            assert row["available"] is (series >= (3, 14)), row
        if row["strategy"].startswith("subinterpreters") and row["available"]:
            assert row["params"]["api"], row


def run_demo_code(variant: str, code: str) -> subprocess.CompletedProcess[str]:
    """Run a few lines under ``variant`` in demos/, as the harness runs the demos."""
    python = located()[variant].executable
    return subprocess.run([str(python), "-c", code], cwd=REPO / "demos", capture_output=True,
                          text=True, timeout=300)


def json_rows(script: str, python, *args: str) -> list[dict]:
    """The rows a demo prints with ``--json`` under ``python`` (run from demos/, to the end)."""
    done = subprocess.run([str(python), str(DEMOS / script), "--json", *args], cwd=DEMOS,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(DEMOS)})
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if "workload" in line]


def check_speed_readings(rows: list[dict]) -> None:
    """Every timed row carries the swing of the machine's speed read around its values (issue
    19: runs of demos whose values are fresh processes or load rounds get a noise class too);
    rows of bytes carry none."""
    timed = [row for row in rows if row["unit"] in ("s", "req/s") and row["values"]]
    assert timed
    assert all(isinstance(row.get("noise_spread"), float) and row["noise_spread"] >= 0
               for row in timed), [row.get("noise_spread") for row in timed]
    assert not any("noise_spread" in row for row in rows if row["unit"] == "bytes")
    assert noise.summarize(rows)["class"] in ("quiet", "noisy")  # not "unknown"


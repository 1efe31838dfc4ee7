"""The startup demo's chart: the time to start one worker, per strategy."""

from __future__ import annotations

from typing import Any

from inparallel.analysis.demos.startup import start_times
from inparallel.publish.chart_parts import Chart, Value
from inparallel.publish.chart_per_strategy import PerStrategy, deck_drawer


def _startup_ms(data: Any, variant: str, workload: str) -> dict[str, Value]:
    return {s: e.scaled(1e3) for s, e in start_times(data, variant, workload).items()}


draw = PerStrategy("time to start a worker (ms, log scale)", _startup_ms,
                   lambda v: f"{v:.3g} ms", True, "Starting a worker", lambda data: ["start"])

CHARTS = (
    Chart("startup", "startup", "Time to start one worker, per kind", draw,
          deck_drawer(draw, "ms to start one worker, log scale")),
)

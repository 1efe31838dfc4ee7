"""The memory demo's chart: the memory each further worker adds, per strategy."""

from __future__ import annotations

from typing import Any

from inparallel import units
from inparallel.analysis.demos.memory import bytes_per_worker
from inparallel.publish.chart_parts import Chart, Value
from inparallel.publish.chart_per_strategy import PerStrategy, deck_drawer, workloads


def _memory_mib(data: Any, variant: str, workload: str) -> dict[str, Value]:
    return {s: e.scaled(1 / 2**20) for s, e in bytes_per_worker(data, variant, workload).items()}


draw = PerStrategy("memory each further worker adds (MiB)", _memory_mib,
                   lambda v: units.size(v * 2**20), False, "Memory per worker", workloads)

CHARTS = (
    Chart("memory", "memory", "Memory each further worker adds, per strategy", draw,
          deck_drawer(draw, "MiB each further worker adds")),
)

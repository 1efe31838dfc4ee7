"""The shared_state demo's charts: the memory and the time to the first answer of each way of
sharing one large graph."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from inparallel import units
from inparallel.analysis.demos.shared_state import shared_state
from inparallel.publish import chart_style as style
from inparallel.publish.chart_parts import Chart, Drawer, Value
from inparallel.publish.chart_per_strategy import PerStrategy


def _shared_state_values(scale: float) -> Callable[[Any, str, str], dict[str, Value]]:
    def values(data: Any, variant: str, workload: str) -> dict[str, Value]:
        return {s: v[workload].scaled(scale) for s, v in shared_state(data, variant).items()
                if workload in v}
    return values


def slanted(draw: Drawer) -> Drawer:
    """``draw`` with its bar-group names slanted: nine strategies do not fit side by side."""
    def slanted_(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        title = draw(ax, data, theme)
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
        ax.figure.subplots_adjust(bottom=0.3)  # the slanted names stay above the footer
        return title
    return slanted_


draw_memory = slanted(PerStrategy(
    "total PSS of all processes (MiB)", _shared_state_values(1 / 2**20),
    lambda v: units.size(v * 2**20), False, "One large graph, memory", lambda data: ["pss"]))
draw_first = slanted(PerStrategy(
    "time to the first answer (ms, log scale)", _shared_state_values(1e3),
    lambda v: f"{v:.3g} ms", True, "One large graph, first answer",
    lambda data: ["first-answer"]))

CHARTS = (
    Chart("shared-state-memory", "shared_state", "Total memory per way of sharing one graph",
          draw_memory),
    Chart("shared-state-first", "shared_state", "Time to the first answer per way of sharing "
          "one graph", draw_first),
)

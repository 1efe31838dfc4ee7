"""The throughput demo's charts: warm pools against task size, on the free-threaded build and
on the GIL build."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from inparallel import units
from inparallel.analysis import metrics as m
from inparallel.analysis.demos.throughput import stream_speedups
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import TIMES, Chart, Drawer


def throughput_drawer(free: bool) -> Drawer:
    """Warm pools: throughput against sequential per task duration (log-log), one line per
    strategy, on the focus free-threaded build (``free``) or the focus GIL build."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        variant = m.focus_pair(data)[1 if free else 0]
        curves = stream_speedups(data, variant or "")
        if not curves:
            return None
        # Both sub-interpreter ways in the sub-interpreters' green, told apart by the dash.
        for strategy, curve in curves.items():
            parts.line(ax, curve, marker="o", color=palette.colour(strategy, variant or ""),
                       label=parts.label(strategy), linestyle=palette.dash(strategy))
        labels = [(c, parts.label(s), palette.colour(s, variant or "")) for s, c in curves.items()]
        ax.axhline(1, color=style.ink(theme, "muted"), linestyle="--", linewidth=1.8, zorder=1)
        ax.annotate("sequential", (0, 1), xycoords=("axes fraction", "data"), xytext=(4, 3),
                    textcoords="offset points", va="bottom", ha="left",
                    fontsize=parts.text_size(), color=style.ink(theme, "muted"))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: units.seconds(v)))
        ax.yaxis.set_major_locator(LogLocator(base=2))  # 0.25x, 0.5x, 1x, 2x ...: readable
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}{TIMES}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("task duration on one core (log scale)")
        ax.set_ylabel("tasks per second against sequential")
        parts.spread_end_labels(ax, labels, log=True)
        workers = max((p.workers for p in data.select(variant=variant, workload="stream")),
                      default=1)
        return f"Warm pools of {workers} workers on {variant}: tasks per second, per task size"

    return draw


CHARTS = (
    Chart("throughput", "throughput", "Warm-pool throughput against task duration, "
          "free-threaded build", throughput_drawer(free=True)),
    Chart("throughput-gil", "throughput", "Warm-pool throughput against task duration, "
          "GIL build", throughput_drawer(free=False)),
)

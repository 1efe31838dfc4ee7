"""The service demo's charts: servers under load, requests per second and p99 latency per
strategy, for the site and (throughput) for the deck."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, NullFormatter

from inparallel.analysis import metrics as m
from inparallel.analysis.demos.service import (
    service_by_connections,
    service_connections,
    service_curve,
    service_series,
)
from inparallel.analysis.metrics import Estimate
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart

#: The CPU per request the p99 chart shows: the middle of the demo's range, where the one-core
#: strategies are busy but not yet swamped.
P99_CPU_MS = 2.0


def service_label(variant: str, strategy: str) -> str:
    """``threads (3.14t)``: a strategy and the build it ran on."""
    return f"{parts.label(strategy)} ({variant})"


def service_lines(ax: Axes, data: Any, curve_of: Callable[[str, str], dict[float, Estimate]],
                  scale: float = 1.0) -> list[tuple[dict[float, Estimate], str, str]]:
    """One line per strategy on the focus GIL build, plus threads on the free build;
    returns each drawn ``(curve, label, colour)`` for direct labels."""
    drawn = []
    for variant, strategy in service_series(data):
        curve = {x: e.scaled(scale) for x, e in curve_of(variant, strategy).items()}
        if curve:
            colour = palette.colour(strategy, variant)
            label = service_label(variant, strategy)
            parts.line(ax, curve, marker="o", color=colour, linestyle=palette.dash(strategy),
                       label=label)
            drawn.append((curve, label, colour))
    return drawn


def _log_plain(ax: Axes, x_base: int | None = None) -> None:
    """Log axes labelled with plain numbers."""
    if x_base:
        ax.set_xscale("log", base=x_base)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def service_throughput(ax: Axes, data: Any) -> tuple[int, list[tuple[dict[float, Estimate],
                                                                         str, str]]]:
    """Draw the requests-per-second lines; return the connections and what was drawn."""
    gil, _ = m.focus_pair(data)
    connections = service_connections(data, gil or "")
    drawn = service_lines(ax, data, lambda v, s: service_curve(data, v, s, connections))
    if drawn:
        _log_plain(ax)
        ax.set_xlabel("Python CPU work per request (ms)")
        ax.set_ylabel("requests per second (log scale)")
    return connections, drawn


def draw_throughput(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Requests per second against the Python work per request, one line per strategy."""
    connections, drawn = service_throughput(ax, data)
    if not drawn:
        return None
    parts.spread_end_labels(ax, drawn, log=True)
    return f"Throughput per strategy under wrk, {connections} connections"


def draw_throughput_deck(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Requests per second per strategy, each named at its line's end."""
    connections, drawn = service_throughput(ax, data)
    if not drawn:
        return None
    ax.set_xlabel(f"Python CPU work per request (ms), {connections} connections")
    parts.spread_end_labels(ax, drawn, log=True)
    return "service"


def draw_p99(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """p99 latency against the number of connections, one line per strategy."""
    measured = {float(p.params["cpu_ms"]) for p in data.select(workload="latency-p99")}
    if not measured:
        return None
    cpu_ms = min(measured, key=lambda ms: abs(ms - P99_CPU_MS))
    drawn = service_lines(ax, data, lambda v, s: service_by_connections(data, v, s, cpu_ms),
                          scale=1e3)
    if not drawn:
        return None
    _log_plain(ax, x_base=2)
    ax.set_xlabel("connections held open by wrk (log scale)")
    ax.set_ylabel("p99 latency (ms, log scale)")
    parts.spread_end_labels(ax, drawn, log=True)
    return f"p99 latency against load, {cpu_ms:g} ms of Python work per request"


CHARTS = (
    Chart("service-throughput", "service", "Requests per second against Python work per "
          "request, per strategy", draw_throughput, draw_throughput_deck),
    Chart("service-p99", "service", "p99 latency against connections, per strategy",
          draw_p99),
)

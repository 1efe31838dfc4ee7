"""Bars of one value per strategy (start-up time, memory, I/O rate, sharing one graph), for the
site and for the deck: the drawer several demos' charts are made of (``charts.startup``,
``charts.memory``, ``charts.io``, ``charts.shared_state``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, NullFormatter

from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Drawer, Value


@dataclass(frozen=True)
class PerStrategy:
    """Bars per strategy of one value (start-up time, memory, I/O rate) on the focus variants.

    A bar takes its strategy's colour; the free-threaded build's bars are hatched, and a
    second workload (busy workers beside idle ones, say) is a lighter shade.
    """

    unit_label: str
    values_of: Callable[[Any, str, str], dict[str, Value]]
    value_label: Callable[[float], str]
    log: bool
    what: str
    workloads_of: Callable[[Any], list[str]]

    def __call__(self, ax: Axes, data: Any, theme: style.Theme) -> str | None:
        workloads = self.workloads_of(data)
        strategies = list(dict.fromkeys(p.strategy for p in data.points))
        series: dict[str, list[Value]] = {}
        owner: dict[str, tuple[str, int]] = {}  # series -> (variant, workload index)
        for variant in parts.focus(data):
            for index, workload in enumerate(workloads):
                per = self.values_of(data, variant, workload)
                name = variant if len(workloads) == 1 else f"{variant} {workload}"
                series[name] = [per.get(s) for s in strategies]
                owner[name] = (variant, index)
        keep = [i for i in range(len(strategies))
                if any(v[i] is not None for v in series.values())]
        if not keep:
            return None
        series = {k: [v[i] for i in keep] for k, v in series.items()}
        kept = [strategies[i] for i in keep]
        names = [parts.label(s) for s in kept]

        def colour(name: str, group: int) -> str:
            variant, index = owner[name]
            return palette.shade(palette.colour(kept[group], variant), 1 - min(index, 1), 2)

        hatches = {n: parts.FREE_HATCH for n, (v, _) in owner.items()
                   if parts.variant_hatches([v])}
        parts.bar_groups(ax, names, series, colour, theme, self.value_label, hatches)
        if len(series) > 1:
            muted = style.ink(theme, "muted")
            parts.legend(ax, theme, [
                Patch(facecolor=palette.shade(muted, 1 - min(owner[n][1], 1), 2),
                      hatch=hatches.get(n), edgecolor=style.ink(theme), label=n)
                for n in series])
        if self.log:
            log_axis(ax)
        if len(series) > 1:
            parts.make_room(ax)
        ax.set_ylabel(self.unit_label)
        primary = next(iter(series.values()))  # the GIL build's first workload
        ranked = sorted((v.value, n) for v, n in zip(primary, names, strict=True) if v)
        if not ranked:
            return self.what
        (low, low_name), (high, high_name) = ranked[0], ranked[-1]
        where = next(iter(series))
        return (f"{self.what} ({where}): {low_name} {self.value_label(low)}, "
                f"{high_name} {self.value_label(high)}")


def log_axis(ax: Axes, which: str = "y") -> None:
    """A log axis labelled with plain numbers (``100``, not ``10^2``)."""
    axis = ax.yaxis if which == "y" else ax.xaxis
    (ax.set_yscale if which == "y" else ax.set_xscale)("log")
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def workloads(data: Any) -> list[str]:
    """The workloads of a machine's points, in the order they were measured."""
    return list(dict.fromkeys(p.workload for p in data.points))


def deck_drawer(chart: PerStrategy, unit: str) -> Drawer:
    """The deck's version of ``chart``: one value per strategy as labelled bars, on the first
    workload the site shows."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        first = chart.workloads_of(data)[:1]
        if not first:
            return None
        rows = parts.rows_gil_then_free_threads(
            lambda v: {s: e for s, e in chart.values_of(data, v, first[0]).items()
                       if e is not None}, data)
        if not rows:
            return None
        parts.hbars(ax, rows, theme, chart.value_label, log=chart.log)
        if chart.log:
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        workload = f" ({first[0]} workers)" if len(chart.workloads_of(data)) > 1 else ""
        ax.set_xlabel(f"{unit}{workload}")
        return unit

    return draw

"""The cpu demo's charts: each strategy's speedup on CPU work (numeric and object-heavy), and
across Python versions, for the site and for the deck."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.demos.cpu import strategy_curves
from inparallel.analysis.metrics import Estimate, version_key
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart, Drawer, Value


def cpu_tops(data: Any, workload: str) -> tuple[list[str], dict[tuple[str, str], tuple[int,
                                                                                       Estimate]]]:
    """The strategies of one CPU workload, and each (variant, strategy)'s speedup at its most
    workers, on the focus variants."""
    curves = strategy_curves(data, workload)
    strategies = list(dict.fromkeys(s for _, s in curves))
    tops = {}
    for variant in parts.focus(data):
        for strategy in strategies:
            top = m.at_most_workers(curves.get((variant, strategy), {}))
            if top:
                tops[(variant, strategy)] = top
    return strategies, tops


def cpu_drawer(workload: str) -> Drawer:
    """Speedup of each strategy at the most workers, per variant, for one CPU workload."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        strategies, tops = cpu_tops(data, workload)
        if not tops:
            return None
        variants = parts.focus(data)
        series: dict[str, list[Value]] = {
            v: [tops[(v, s)][1] if (v, s) in tops else None for s in strategies]
            for v in variants}
        workers = max(n for n, _ in tops.values())
        (variant, strategy), (_, best) = max(tops.items(), key=lambda i: i[1][1].value)
        parts.bar_groups(ax, [parts.label(s) for s in strategies], series,
                         lambda v, g: palette.colour(strategies[g], v), theme, parts.fmt_bar,
                         parts.variant_hatches(variants))
        parts.ideal(ax, theme, y=float(workers))
        parts.make_room(ax)
        ax.set_ylabel(f"throughput speedup at {workers} workers")
        ax.set_xlabel("strategy (against sequential on the same build)")
        return (f"{workload.capitalize()} work on {workers} workers: best "
                f"{fmt.times(best.value)} ({parts.label(strategy)}, {variant})")

    return draw


def cpu_deck_drawer(workload: str) -> Drawer:
    """Speedup at the most workers per strategy, as labelled horizontal bars."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        strategies, tops = cpu_tops(data, workload)
        rows = parts.rows_gil_then_free_threads(
            lambda v: {s: tops[(v, s)][1] for s in strategies if (v, s) in tops}, data)
        if not rows:
            return None
        workers = max(n for n, _ in tops.values())
        parts.hbars(ax, rows, theme, parts.fmt_bar)
        ax.axvline(workers, color=style.ink(theme, "muted"), linestyle="--", linewidth=2)
        ax.set_xlabel(f"speedup at {workers} workers (dashed: ideal)")
        return workload

    return draw


def family_legend(ax: Axes, theme: style.Theme, strategies: list[str], variants: list[str]
                  ) -> None:
    """A legend of the strategy colours on the chart (one entry per colour, not per series)."""
    seen = dict.fromkeys(palette.family(s, v) for s in strategies for v in variants)
    parts.legend(ax, theme, [Patch(color=palette.FAMILY_COLOURS[f],
                                   label=palette.FAMILY_NAMES[f]) for f in seen])


def draw_versions(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Across versions: each strategy's speedup on the numeric workload, variant by variant."""
    curves = strategy_curves(data, "numeric")
    strategies = list(dict.fromkeys(s for _, s in curves))
    variants = sorted(dict.fromkeys(v for v, _ in curves), key=version_key)
    if not strategies or len(variants) < 2:
        return None
    series: dict[str, list[Value]] = {}
    for strategy in strategies:
        tops = [m.at_most_workers(curves.get((variant, strategy), {})) for variant in variants]
        series[strategy] = [t[1] if t else None for t in tops]
    parts.bar_groups(ax, variants, series, lambda s, g: palette.colour(s, variants[g]), theme,
                     parts.fmt_bar, {s: h for s in strategies if (h := palette.hatch(s))})
    family_legend(ax, theme, strategies, variants)
    parts.make_room(ax)
    ax.set_ylabel("throughput speedup at most workers")
    ax.set_xlabel("Python variant")
    return "Numeric work across versions: speedup of each strategy"


def draw_versions_deck(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """One line per strategy across releases, on the numeric workload: threads on the GIL
    builds and on the free-threaded builds, sub-interpreters and fork on the GIL builds."""
    curves = strategy_curves(data, "numeric")
    variants = sorted(dict.fromkeys(v for v, _ in curves), key=version_key)
    releases = list(dict.fromkeys(v.rstrip("t") for v in variants))
    if len(releases) < 2:
        return None
    lines = []
    for strategy, free in (("threads", False), ("threads", True), ("subinterpreters", False),
                           ("processes-fork", False)):
        curve: dict[float, Estimate] = {}
        for x, release in enumerate(releases):
            top = m.at_most_workers(curves.get((release + "t" * free, strategy), {}))
            if top:
                curve[float(x)] = top[1]
        if len(curve) < 2:
            continue
        colour = palette.colour(strategy, "3t" if free else "3")
        parts.line(ax, curve, marker="o", color=colour, linestyle=palette.dash(strategy))
        name = palette.FAMILY_NAMES[palette.family(strategy, "3t" if free else "3")]
        lines.append((curve, name, colour))
    if not lines:
        return None
    ax.set_xticks(range(len(releases)), releases)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("release (threads on both builds, others on the GIL build)")
    ax.set_ylabel("speedup, numeric work")
    parts.spread_end_labels(ax, lines, log=False)
    return "versions"


CHARTS = (
    Chart("cpu-numeric", "cpu", "Speedup per strategy, numeric workload",
          cpu_drawer("numeric"), cpu_deck_drawer("numeric")),
    Chart("cpu-objects", "cpu", "Speedup per strategy, object-heavy workload",
          cpu_drawer("objects"), cpu_deck_drawer("objects")),
    Chart("versions", "cpu", "Speedup per strategy across Python versions",
          draw_versions, draw_versions_deck),
)

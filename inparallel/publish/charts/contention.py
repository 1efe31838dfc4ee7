"""The contention demo's chart: threads updating one shared object against per-thread work,
for the site and for the deck."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from inparallel.analysis import metrics as m
from inparallel.build.catalog import is_free_threaded
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart, Row, Value


def contention_tops(data: Any) -> tuple[list[str], dict[str, list[Value]], int]:
    """Throughput at the most threads of each (variant, strategy), per workload, against the
    per-thread version on one thread: ``(workloads, {"3.14t shared": [...]}, threads)``."""
    workloads = list(dict.fromkeys(p.workload for p in data.points))
    strategies = list(dict.fromkeys(p.strategy for p in data.points))
    series: dict[str, list[Value]] = {}
    workers = 0
    for variant in parts.focus(data):
        for strategy in strategies:
            values: list[Value] = []
            for workload in workloads:
                base = [p for p in data.select(variant=variant, workload=workload,
                                               strategy="threads-local", workers=1) if not p.env]
                top = m.at_most_workers(m.speedups(
                    (p for p in data.select(variant=variant, workload=workload,
                                            strategy=strategy) if not p.env),
                    base[0] if base else None))
                workers = max(workers, top[0] if top else 0)
                values.append(top[1] if top else None)
            if any(v is not None for v in values):
                series[f"{variant} {strategy.removeprefix('threads-')}"] = values
    return workloads, series, workers


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Throughput at the most threads per workload: one shared object against per-thread work.

    Both are measured against the per-thread version on one thread, so a shared version's bar
    shows what its lock or shared count costs on top of any lost scaling. Only the focus GIL
    build and free-threaded build are shown: more bars would not fit on a slide.
    """
    workloads, series, workers = contention_tops(data)
    if not series:
        return None
    hatches = {name: parts.FREE_HATCH for name in series if name.endswith("shared")}
    parts.bar_groups(ax, workloads, series, lambda s, _: palette.colour("threads", s), theme,
                     parts.fmt_bar, hatches)
    parts.legend(ax, theme, [Patch(facecolor=palette.colour("threads", s), hatch=hatches.get(s),
                                   edgecolor=style.ink(theme), label=s) for s in series])
    parts.ideal(ax, theme, y=float(workers))
    parts.make_room(ax)
    ax.set_ylabel(f"throughput at {workers} threads\n(vs per-thread version, 1 thread)")
    ax.set_xlabel("what the threads update (hatched: one shared object)")
    free_names = [name for name in series if is_free_threaded(name.split()[0])]
    shared = [v.value for n in free_names if n.endswith("shared") for v in series[n] if v]
    local = [v.value for n in free_names if n.endswith("local") for v in series[n] if v]
    if shared and local:
        variant = free_names[0].split()[0]
        return (f"{variant}, {workers} threads: one shared object {parts.span(shared)}, "
                f"per-thread then merged {parts.span(local)}")
    return f"Threads updating shared objects, {workers} threads"


def draw_deck(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The free-threaded build only: one shared object against per-thread data, per
    workload."""
    workloads, series, workers = contention_tops(data)
    free = m.focus_pair(data)[1]
    rows: list[Row] = []
    for workload_index, workload in enumerate(workloads):
        for kind, shade in (("shared", 0), ("local", 1)):
            value = series.get(f"{free} {kind}", [None] * len(workloads))[workload_index]
            if value is not None:
                name = "one shared" if kind == "shared" else "per thread"
                rows.append((f"{workload}: {name}", value,
                             palette.shade(palette.colour("threads", free or ""), shade, 2)))
    if not rows:
        return None
    parts.hbars(ax, rows, theme, parts.fmt_bar)
    ax.axvline(workers, color=style.ink(theme, "muted"), linestyle="--", linewidth=2)
    ax.set_xlabel(f"speedup at {workers} threads on {free} (dashed: ideal)")
    return "contention"


CHARTS = (
    Chart("contention", "contention", "Shared objects under many threads", draw, draw_deck),
)

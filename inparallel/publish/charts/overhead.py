"""The overhead demo's chart: what a free-threaded build costs one thread, per workload."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import version_key
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import Chart, Value


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Single-thread time of each free-threaded run against the GIL build of its version."""
    costs = m.single_thread_cost(data)
    if not costs:
        return None
    workloads = list(dict.fromkeys(p.workload for p in data.points))
    ordered = sorted(dict.fromkeys(label for label, _ in costs), key=version_key)
    colours = palette.variant_colours(ordered)
    series: dict[str, list[Value]] = {
        label: [costs[(label, w)].scaled(100) if (label, w) in costs else None
                for w in workloads]
        for label in ordered}
    parts.bar_groups(ax, workloads, series, lambda s, _: colours[s], theme,
                     lambda v: f"{v:+.0f} %")
    parts.legend(ax, theme, [Patch(color=colours[s], label=s) for s in ordered])
    ax.axhline(0, color=style.ink(theme, "muted"), linewidth=1)
    parts.make_room(ax)
    ax.set_ylabel("single-thread time vs GIL build (%)")
    ax.set_xlabel("workload")
    plain = [label for label in ordered if " " not in label]
    newest = plain[-1] if plain else ordered[-1]
    values = [c.value for (label, _), c in costs.items() if label == newest]
    low, high = fmt.percent(min(values)), fmt.percent(max(values))
    return (f"{newest} costs {low} to {high} on one thread" if low != high
            else f"{newest} costs {low} on one thread")


CHARTS = (
    Chart("overhead", "overhead", "Single-thread cost of free-threaded builds", draw),
)

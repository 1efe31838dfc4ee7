"""Charts of what each strategy costs: start-up, memory, I/O rate, sharing one large graph,
moving data between workers, and which modules import in a sub-interpreter.

Each drawer is registered in ``inparallel.publish.charts.CHARTS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import Estimate, version_key
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


def _startup_ms(data: Any, variant: str, workload: str) -> dict[str, Value]:
    return {s: e.scaled(1e3) for s, e in m.startup(data, variant, workload).items()}


def _memory_mib(data: Any, variant: str, workload: str) -> dict[str, Value]:
    return {s: e.scaled(1 / 2**20) for s, e in m.memory_per_worker(data, variant, workload).items()}


def _io_rate(data: Any, variant: str, workload: str) -> dict[str, Value]:
    """Requests per second at the most workers of each strategy."""
    found: dict[str, Value] = {}
    for strategy in dict.fromkeys(p.strategy for p in data.select(variant=variant)):
        point = m.max_workers(p for p in data.select(variant=variant, workload=workload,
                                                     strategy=strategy) if not p.env)
        found[strategy] = m.throughput(point) if point is not None else None
    return found


def workloads(data: Any) -> list[str]:
    """The workloads of a machine's points, in the order they were measured."""
    return list(dict.fromkeys(p.workload for p in data.points))


def _shared_state_values(scale: float) -> Callable[[Any, str, str], dict[str, Value]]:
    def values(data: Any, variant: str, workload: str) -> dict[str, Value]:
        return {s: v[workload].scaled(scale) for s, v in m.shared_state(data, variant).items()
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


startup = PerStrategy("time to start a worker (ms, log scale)", _startup_ms,
                      lambda v: f"{v:.3g} ms", True, "Starting a worker", lambda data: ["start"])
memory = PerStrategy("memory each further worker adds (MiB)", _memory_mib,
                     lambda v: fmt.size(v * 2**20), False, "Memory per worker", workloads)
io = PerStrategy("requests per second (higher is better)", _io_rate, lambda v: f"{v:.0f}/s",
                 False, "Requests per second", workloads)
shared_memory = slanted(PerStrategy(
    "total PSS of all processes (MiB)", _shared_state_values(1 / 2**20),
    lambda v: fmt.size(v * 2**20), False, "One large graph, memory", lambda data: ["pss"]))
shared_first = slanted(PerStrategy(
    "time to the first answer (ms, log scale)", _shared_state_values(1e3),
    lambda v: f"{v:.3g} ms", True, "One large graph, first answer",
    lambda data: ["first-answer"]))


def transfer_lines(data: Any) -> tuple[str, dict[tuple[str, str], dict[float, Estimate]]]:
    """The variant shown and its round-trip curves, ``{(strategy, workload): curve}``."""
    variant = m.focus_pair(data)[0] or (parts.focus(data) or [""])[0]
    lines: dict[tuple[str, str], dict[float, Estimate]] = {}
    for point in data.select(variant=variant):
        key = (point.strategy, point.workload)
        if key not in lines:
            curve = m.transfer_curve(data, variant, point.workload, point.strategy)
            if curve:
                lines[key] = curve
    return variant, lines


def member_colours(strategies: list[str], variant: str) -> dict[str, str]:
    """Each strategy's colour, members of one family (three ways a sub-interpreter receives
    data) in shades of it, so that the family still reads at a glance."""
    out: dict[str, str] = {}
    for strategy in strategies:
        kin = [s for s in strategies if palette.family(s, variant) ==
               palette.family(strategy, variant)]
        out[strategy] = palette.shade(palette.colour(strategy, variant),
                                      len(kin) - 1 - kin.index(strategy), len(kin))
    return out


def transfer_axes(ax: Axes) -> None:
    """Log-log axes of payload size against round-trip time."""
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=4, numticks=6))  # labels must not touch
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.size(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.seconds(v)))
    ax.set_xlabel("payload size")
    ax.set_ylabel("round-trip time (log scale)")


def draw_transfer(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Round-trip time against payload size on one variant: a line per way of sending data."""
    variant, lines = transfer_lines(data)
    if not lines:
        return None
    kinds = list(dict.fromkeys(w for _, w in lines))
    colours = member_colours(list(dict.fromkeys(s for s, _ in lines)), variant)
    styles = ["-", "--", ":", "-."]
    for (strategy, workload), curve in lines.items():
        # The kind of payload (bytes, a list...) is the line style; the way it travels, the colour.
        parts.line(ax, curve, marker="o", color=colours[strategy],
                   linestyle=styles[kinds.index(workload) % 4])
    transfer_axes(ax)
    if len(kinds) > 1:
        ax.set_xlabel("payload size (" + ", ".join(
            f"{name} {kind}" for name, kind in zip(("solid:", "dashed:", "dotted:", "dash-dot:"),
                                                    kinds, strict=False)) + ")")
    # Each way named once, at the end of its first kind's line (legends of eight entries
    # covered the lines).
    first = {s: c for (s, w), c in reversed(lines.items())}
    parts.spread_end_labels(ax, [(c, parts.label(s), palette.colour(s, variant))
                                 for s, c in first.items()], log=True)
    largest = max(size for curve in lines.values() for size in curve)
    at_largest = sorted((c[largest].value, s) for (s, _), c in lines.items() if largest in c)
    fastest, slowest = at_largest[0], at_largest[-1]
    return (f"Moving {fmt.size(largest)} on {variant}: {fastest[1]} "
            f"{fmt.seconds(fastest[0])}, {slowest[1]} {fmt.seconds(slowest[0])}")


def draw_compat(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Which stdlib modules import in an isolated sub-interpreter: variants by modules.

    Only modules that fail on some variant are shown; a module absent from a build is a dash.
    """
    variants = sorted({p.variant for p in data.points}, key=version_key)
    status: dict[str, dict[str, bool | None]] = {}
    for point in data.select(workload="subinterpreter-import"):
        module = str(point.params.get("module") or point.workload)
        works = None if not point.available else bool(point.ok and point.median)
        status.setdefault(module, {})[point.variant] = works
    interesting = sorted(mod for mod, per in status.items() if False in per.values())[:24]
    if not interesting:
        return None
    for y, module in enumerate(interesting):
        for x, variant in enumerate(variants):
            works = status[module].get(variant)
            # Dark ink on both cell colours: yellow and light grey in either theme.
            colour = "none" if works is None else (palette.WORKS if works else palette.FAILS)
            ax.add_patch(plt.Rectangle((x - 0.45, y - 0.4), 0.9, 0.8, facecolor=colour,
                                       edgecolor=style.ink(theme, "grid")))
            mark = "-" if works is None else ("yes" if works else "no")
            ax.text(x, y, mark, ha="center", va="center", fontsize=parts.text_size(),
                    color=style.ink(theme, "muted") if works is None else "#1f2328",
                    fontweight="bold")
    ax.set_xlim(-0.5, len(variants) - 0.5)
    ax.set_ylim(len(interesting) - 0.5, -0.5)
    ax.set_xticks(range(len(variants)), variants)
    ax.set_yticks(range(len(interesting)), interesting)
    ax.grid(False)
    ax.figure.set_size_inches(style.look().rc["figure.figsize"][0],
                              max(3.0, 0.42 * len(interesting) + 1.6))
    failing = {v: sum(1 for mod in status if status[mod].get(v) is False) for v in variants}
    return "Modules that fail in a sub-interpreter: " + ", ".join(
        f"{v} {n}" for v, n in failing.items())

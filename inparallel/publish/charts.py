"""Draw every chart of the site and the slides from the aggregated data alone.

Each chart selects points of one demo from ``inparallel.analysis.stats.aggregate`` (the median
across every compatible run of a machine) and takes every derived number from
``inparallel.analysis.metrics``. Error bars show each point's low/high: the range across runs,
or one run's 95% interval of its median. A chart is drawn once per machine that has data for it,
in a light and a dark version: ``docs/assets/charts/<name>-<machine key>-<theme>.svg``. The
machine with the most CPUs also gets the short name ``<name>-<theme>.svg``, which pages and
slides use. A chart whose demo has no committed data is skipped; the page says so (see
``inparallel.publish.mkdocs_hook``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import Estimate, is_free_threaded, version_key
from inparallel.analysis.results import evidence_path, machine_results
from inparallel.errors import UserError
from inparallel.publish import chart_style as style
from inparallel.records import load
from inparallel.records.errors import one_line

CHARTS_DIR = Path("docs/assets/charts")
TIMES = fmt.TIMES

#: Draws one chart onto ``ax`` and returns its title (the takeaway), or None if the machine's
#: points hold nothing this chart can show.
Drawer = Callable[[Axes, Any, style.Theme], str | None]

#: A bar or line value: a derived estimate (drawn with its error bar), or None for "n/a".
Value = Estimate | None


@dataclass(frozen=True)
class Chart:
    """A chart: its file name, the demo whose points it reads, and how to draw them."""

    name: str
    demo: str
    alt: str
    draw: Drawer


@dataclass(frozen=True)
class Drawn:
    """A chart drawn for one machine: what the pages need to show, caption and link it.

    ``data`` is the machine's ``stats.MachineResult`` for the chart's demo.
    """

    chart: Chart
    data: Any
    stem: str  # file name without ``-light.svg`` / ``-dark.svg``, relative to the charts folder
    primary: bool  # the machine with the most CPUs: also saved under the chart's short name


# --- small helpers shared by the drawers -------------------------------------------------------


def _fmt_bar(value: float) -> str:
    """Bar labels stay short so neighbouring bars' labels do not collide."""
    return f"{value:.1f}{TIMES}"


def _label(strategy: str) -> str:
    """Short axis labels: ``processes-forkserver`` is too wide for a bar group."""
    return {
        "subinterpreters": "sub-interp.",
        "subinterpreters-pool": "interp. pool",
        "processes-fork": "fork",
        "processes-forkserver": "forkserver",
        "processes-spawn": "spawn",
        "subinterpreters-queue": "interp. queue",
        "processes-forkserver-rebuild": "forkserver rebuild",
        "processes-spawn-rebuild": "spawn rebuild",
        "processes-spawn-pickle": "spawn pickle",
        "processes-spawn-packed": "spawn packed",
        "subinterpreters-rebuild": "sub-interp. rebuild",
        "subinterpreters-packed": "sub-interp. packed",
    }.get(strategy, strategy)


def _yerr(values: Sequence[Estimate]) -> list[list[float]]:
    """Matplotlib's asymmetric error bars: distances below and above each value."""
    return [[max(v.value - v.low, 0.0) for v in values],
            [max(v.high - v.value, 0.0) for v in values]]


def _bar_groups(
    ax: Axes,
    groups: list[str],
    series: dict[str, list[Value]],
    colours: dict[str, str],
    theme: style.Theme,
    value_label: Callable[[float], str],
    hatches: dict[str, str] | None = None,
) -> None:
    """Grouped bars with error bars; a missing value is written as "n/a" so it is never hidden."""
    width = 0.8 / max(len(series), 1)
    # Value labels collide once bars get thin; past this many bars the axis has to do.
    labelled = len(series) * len(groups) <= 16
    for index, (name, values) in enumerate(series.items()):
        xs = [g + (index - (len(series) - 1) / 2) * width for g in range(len(groups))]
        colour = colours.get(name, style.OKABE_ITO["grey"])
        hatch = (hatches or {}).get(name)
        for x, value in zip(xs, values, strict=True):
            if value is not None and not math.isnan(value.value):
                # A hatched bar keeps its series' colour; the hatch lines take the page's ink.
                ax.bar(x, value.value, width * 0.92, color=colour, label=name, hatch=hatch,
                       edgecolor=style.ink(theme) if hatch else colour, linewidth=0,
                       yerr=_yerr([value]), ecolor=style.ink(theme, "muted"), capsize=3)
                if not labelled:
                    continue
                ax.annotate(value_label(value.value), (x, max(value.value, value.high)),
                            xytext=(0, 3), textcoords="offset points", ha="center",
                            va="bottom", fontsize=10, color=style.ink(theme))
            else:
                ax.annotate("n/a", (x, 0), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=11, rotation=90,
                            color=style.ink(theme, "muted"))
    ax.set_xticks(range(len(groups)), groups)
    ax.grid(axis="x", visible=False)
    # One legend entry per series even though each series drew several bars.
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if len(unique) > 1:
        ax.legend(unique.values(), unique.keys(), loc="upper left", bbox_to_anchor=(1, 1))


def _line(ax: Axes, curve: dict[float, Estimate], **kwargs: Any) -> None:
    """One line with error bars at each point."""
    xs = list(curve)
    values = list(curve.values())
    ax.errorbar(xs, [v.value for v in values], yerr=_yerr(values), capsize=3, **kwargs)


def _ideal(ax: Axes, theme: style.Theme, y: float | None = None, xs: Sequence[int] = ()) -> None:
    """Dashed ideal-scaling reference: ``y = x`` over ``xs``, or a level at ``y``."""
    kwargs = {"color": style.ink(theme, "muted"), "linestyle": "--", "linewidth": 1.8,
              "label": "ideal", "zorder": 1}
    if y is not None:
        ax.axhline(y, **kwargs)
        # Labelled at the left, inside the axes: the legend sits at the top right.
        ax.annotate(f"ideal {y:g}{TIMES}", (0, y), xycoords=("axes fraction", "data"),
                    xytext=(4, 3), textcoords="offset points", va="bottom", ha="left",
                    fontsize=12, color=style.ink(theme, "muted"))
    elif xs:
        ax.plot([min(xs), max(xs)], [min(xs), max(xs)], **kwargs)


def _variant_colours(variants: Sequence[str]) -> dict[str, str]:
    return {v: style.variant_colour(v, list(variants)) for v in variants}


def _strategy_colours(names: Sequence[str]) -> dict[str, str]:
    spare = iter(style.CYCLE)
    return {n: style.STRATEGY_COLOURS.get(n) or next(spare) for n in names}


def _focus(result: Any) -> list[str]:
    """The GIL build and the free-threaded build most charts compare (see ``metrics``)."""
    return [v for v in m.focus_pair(result) if v is not None]


# --- the charts --------------------------------------------------------------------------------


def draw_nogil_scaling(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Headline: throughput speedup against threads, GIL build against free-threaded build."""
    variants = sorted({p.variant for p in data.points if not p.env}, key=version_key)
    colours = _variant_colours(variants)
    top: dict[str, tuple[int, Estimate]] = {}
    all_workers: set[int] = set()
    for variant in variants:
        curve = m.thread_speedups(data, variant)
        if not curve:
            continue
        all_workers.update(curve)
        build = "free-threaded" if is_free_threaded(variant) else "with GIL"
        _line(ax, curve, marker="o", color=colours[variant], label=f"{variant} ({build})",
              zorder=3)
        n, best = m.at_most_workers(curve) or (0, None)
        assert best is not None
        top[variant] = (n, best)
        ax.annotate(fmt.times(best.value), (n, best.value), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize=13,
                    color=colours[variant], fontweight="bold")
    if not top:
        return None
    _ideal(ax, theme, xs=sorted(all_workers))
    ax.set_xticks(sorted(all_workers))
    ax.set_xlabel("threads (each does the same fixed work)")
    ax.set_ylabel(f"throughput speedup ({TIMES} one thread)")
    ax.set_ylim(0, max(max(all_workers), max(s.high for _, s in top.values())) * 1.1)
    ax.legend(loc="upper left")
    parts = [f"{v} {fmt.times(s.value)}"
             for v, (_, s) in sorted(top.items(), key=lambda i: -i[1][1].value)]
    return f"CPU-bound threads at {max(all_workers)} workers: " + ", ".join(parts)


def _cpu_drawer(workload: str) -> Drawer:
    """Speedup of each strategy at the most workers, per variant, for one CPU workload."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        curves = m.strategy_curves(data, workload)
        strategies = list(dict.fromkeys(s for _, s in curves))
        variants = _focus(data)
        series: dict[str, list[Value]] = {}
        best: tuple[float, str, str] = (0.0, "", "")
        workers = 0
        for variant in variants:
            values: list[Value] = []
            for strategy in strategies:
                top = m.at_most_workers(curves.get((variant, strategy), {}))
                values.append(top[1] if top else None)
                if top:
                    workers = max(workers, top[0])
                    if top[1].value > best[0]:
                        best = (top[1].value, strategy, variant)
            series[variant] = values
        if not best[1]:
            return None
        _bar_groups(ax, [_label(s) for s in strategies], series, _variant_colours(variants),
                    theme, _fmt_bar)
        _ideal(ax, theme, y=float(workers))
        ax.set_ylabel(f"throughput speedup at {workers} workers")
        ax.set_xlabel("strategy (against sequential on the same build)")
        return (f"{workload.capitalize()} work on {workers} workers: best "
                f"{fmt.times(best[0])} ({_label(best[1])}, {best[2]})")

    return draw


def draw_overhead(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Single-thread time of each free-threaded run against the GIL build of its version."""
    costs = m.single_thread_cost(data)
    if not costs:
        return None
    workloads = list(dict.fromkeys(p.workload for p in data.points))
    ordered = sorted(dict.fromkeys(label for label, _ in costs), key=version_key)
    colours = dict(zip(ordered, style.CYCLE[1:], strict=False))
    series: dict[str, list[Value]] = {
        label: [costs[(label, w)].scaled(100) if (label, w) in costs else None
                for w in workloads]
        for label in ordered}
    _bar_groups(ax, workloads, series, colours, theme, lambda v: f"{v:+.0f} %")
    ax.axhline(0, color=style.ink(theme, "muted"), linewidth=1)
    ax.set_ylabel("single-thread time vs GIL build (%)")
    ax.set_xlabel("workload")
    plain = [label for label in ordered if " " not in label]
    newest = plain[-1] if plain else ordered[-1]
    values = [c.value for (label, _), c in costs.items() if label == newest]
    low, high = fmt.percent(min(values)), fmt.percent(max(values))
    return (f"{newest} costs {low} to {high} on one thread" if low != high
            else f"{newest} costs {low} on one thread")


def draw_suite(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The pyperformance suite: each free-threaded build's single-thread time against its GIL
    build per benchmark, and the geometric mean on top (the ``PYTHON_GIL=1`` runs are in the
    finding, not here: six series on twenty rows would not read)."""
    table = m.suite_table(data)
    labels = sorted({lab for costs in table.values() for lab in costs if " " not in lab},
                    key=version_key)
    means = {lab: m.suite_cost(data, lab) for lab in labels}
    labels = [lab for lab in labels if means[lab] is not None]
    if not labels:
        return None
    rows = ["geometric mean", *sorted(table)]
    colours = dict(zip(labels, style.CYCLE[1:], strict=False))
    height = 0.8 / len(labels)
    ax.figure.set_figheight(max(4.5, 0.32 * len(rows) * max(1, len(labels) / 2)))
    for i, label in enumerate(labels):
        values = [means[label], *(table[b].get(label) for b in rows[1:])]
        ys = [r + (i - (len(labels) - 1) / 2) * height for r in range(len(rows))]
        shown = [(y, v) for y, v in zip(ys, values, strict=True) if v is not None]
        ax.barh([y for y, _ in shown], [v.value * 100 for _, v in shown], height=height,
                color=colours[label], label=label,
                xerr=[[(v.value - v.low) * 100 for _, v in shown],
                      [(v.high - v.value) * 100 for _, v in shown]],
                error_kw={"ecolor": style.ink(theme, "muted"), "capsize": 2})
    ax.set_yticks(range(len(rows)), rows)
    ax.invert_yaxis()
    ax.axvline(0, color=style.ink(theme, "muted"), linewidth=1)
    ax.set_xlabel("single-thread time vs GIL build (%)")
    ax.legend(loc="lower right")
    newest = labels[-1]
    return f"pyperformance: {newest} costs {fmt.percent(means[newest].value)} (geometric mean)"


def _per_strategy_drawer(unit_label: str, values_of: Callable[[Any, str, str], dict[str, Value]],
                         value_label: Callable[[float], str], log: bool, what: str,
                         workloads_of: Callable[[Any], list[str]]) -> Drawer:
    """Bars per strategy of one value (start-up time, memory, I/O rate) on the focus variants.

    Each variant has its colour; several workloads (idle and busy workers, say) become
    separate series of that colour, told apart by hatching.
    """

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        workloads = workloads_of(data)
        strategies = list(dict.fromkeys(p.strategy for p in data.points))
        variants = _focus(data)
        series: dict[str, list[Value]] = {}
        colours: dict[str, str] = {}
        hatches: dict[str, str] = {}
        for variant in variants:
            for index, workload in enumerate(workloads):
                per = values_of(data, variant, workload)
                name = variant if len(workloads) == 1 else f"{variant} {workload}"
                series[name] = [per.get(s) for s in strategies]
                colours[name] = style.variant_colour(variant, variants)
                if index:
                    hatches[name] = ["//", "..", "xx"][(index - 1) % 3]
        keep = [i for i in range(len(strategies))
                if any(v[i] is not None for v in series.values())]
        if not keep:
            return None
        series = {k: [v[i] for i in keep] for k, v in series.items()}
        names = [_label(strategies[i]) for i in keep]
        _bar_groups(ax, names, series, colours, theme, value_label, hatches)
        if log:
            ax.set_yscale("log")
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_ylabel(unit_label)
        primary = next(iter(series.values()))  # the GIL build's first workload
        ranked = sorted((v.value, n) for v, n in zip(primary, names, strict=True) if v)
        if not ranked:
            return what
        (low, low_name), (high, high_name) = ranked[0], ranked[-1]
        where = next(iter(series))
        return (f"{what} ({where}): {low_name} {value_label(low)}, "
                f"{high_name} {value_label(high)}")

    return draw


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


def _workloads(data: Any) -> list[str]:
    return list(dict.fromkeys(p.workload for p in data.points))


def draw_transfer(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Round-trip time against payload size on one variant: a line per way of sending data."""
    variant = m.focus_pair(data)[0] or (_focus(data) or [""])[0]
    lines: dict[tuple[str, str], dict[float, Estimate]] = {}
    for point in data.select(variant=variant):
        key = (point.strategy, point.workload)
        if key not in lines:
            curve = m.transfer_curve(data, variant, point.workload, point.strategy)
            if curve:
                lines[key] = curve
    if not lines:
        return None
    workloads = list(dict.fromkeys(w for _, w in lines))
    colours = _strategy_colours(list(dict.fromkeys(s for s, _ in lines)))
    for (strategy, workload), curve in lines.items():
        label = strategy if len(workloads) == 1 else f"{strategy} ({workload})"
        # The kind of payload (bytes, a list...) is the line style; the way it travels, the colour.
        _line(ax, curve, marker="o", color=colours[strategy],
              linestyle=["-", "--", ":", "-."][workloads.index(workload) % 4], label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.size(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.seconds(v)))
    ax.set_xlabel("payload size")
    ax.set_ylabel("round-trip time (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    largest = max(size for curve in lines.values() for size in curve)
    at_largest = sorted((c[largest].value, s) for (s, _), c in lines.items() if largest in c)
    fastest, slowest = at_largest[0], at_largest[-1]
    return (f"Moving {fmt.size(largest)} on {variant}: {fastest[1]} "
            f"{fmt.seconds(fastest[0])}, {slowest[1]} {fmt.seconds(slowest[0])}")


def draw_contention(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Throughput at the most threads per workload: one shared object against per-thread work.

    Both are measured against the per-thread version on one thread, so a shared version's bar
    shows what its lock or shared count costs on top of any lost scaling. Only the focus GIL
    build and free-threaded build are shown: more bars would not fit on a slide.
    """
    variants = _focus(data)
    workloads = _workloads(data)
    strategies = list(dict.fromkeys(p.strategy for p in data.points))
    series: dict[str, list[Value]] = {}
    colours: dict[str, str] = {}
    hatches: dict[str, str] = {}
    workers = 0
    for variant in variants:
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
                name = f"{variant} {strategy.removeprefix('threads-')}"
                series[name] = values
                colours[name] = style.variant_colour(variant, variants)
                if "shared" in strategy:
                    hatches[name] = "//"
    if not series:
        return None
    _bar_groups(ax, workloads, series, colours, theme, _fmt_bar, hatches)
    _ideal(ax, theme, y=float(workers))
    ax.set_ylabel(f"throughput at {workers} threads\n(vs per-thread version, 1 thread)")
    ax.set_xlabel("what the threads update (hatched: one shared object)")
    free_names = [name for name in series if is_free_threaded(name.split()[0])]
    shared = [v.value for n in free_names if n.endswith("shared") for v in series[n] if v]
    local = [v.value for n in free_names if n.endswith("local") for v in series[n] if v]
    if shared and local:
        variant = free_names[0].split()[0]
        return (f"{variant}, {workers} threads: one shared object {_span(shared)}, "
                f"per-thread then merged {_span(local)}")
    return f"Threads updating shared objects, {workers} threads"


def _span(values: list[float]) -> str:
    """``0.6x`` or ``0.6x to 1.9x``: a range only when the values differ."""
    low, high = f"{min(values):.1f}{TIMES}", f"{max(values):.1f}{TIMES}"
    return low if low == high else f"{low} to {high}"


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
    ok_colour, bad_colour = style.OKABE_ITO["green"], style.OKABE_ITO["vermillion"]
    for y, module in enumerate(interesting):
        for x, variant in enumerate(variants):
            works = status[module].get(variant)
            colour = style.ink(theme, "grid") if works is None else (
                ok_colour if works else bad_colour)
            ax.add_patch(plt.Rectangle((x - 0.45, y - 0.4), 0.9, 0.8, color=colour))
            mark = "-" if works is None else ("yes" if works else "no")
            ax.text(x, y, mark, ha="center", va="center", color="white", fontsize=12,
                    fontweight="bold")
    ax.set_xlim(-0.5, len(variants) - 0.5)
    ax.set_ylim(len(interesting) - 0.5, -0.5)
    ax.set_xticks(range(len(variants)), variants)
    ax.set_yticks(range(len(interesting)), interesting)
    ax.grid(False)
    ax.figure.set_size_inches(10, max(3.0, 0.42 * len(interesting) + 1.6))
    failing = {v: sum(1 for mod in status if status[mod].get(v) is False) for v in variants}
    return "Modules that fail in a sub-interpreter: " + ", ".join(
        f"{v} {n}" for v, n in failing.items())


def draw_versions(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Across versions: each strategy's speedup on the numeric workload, variant by variant."""
    curves = m.strategy_curves(data, "numeric")
    strategies = list(dict.fromkeys(s for _, s in curves))
    variants = sorted(dict.fromkeys(v for v, _ in curves), key=version_key)
    if not strategies or len(variants) < 2:
        return None
    series: dict[str, list[Value]] = {}
    for strategy in strategies:
        tops = [m.at_most_workers(curves.get((variant, strategy), {})) for variant in variants]
        series[_label(strategy)] = [t[1] if t else None for t in tops]
    colours = dict(zip(series, _strategy_colours(strategies).values(), strict=True))
    _bar_groups(ax, variants, series, colours, theme, _fmt_bar)
    ax.set_ylabel("throughput speedup at most workers")
    ax.set_xlabel("Python variant")
    return "Numeric work across versions: speedup of each strategy"


_startup = _per_strategy_drawer("time to start a worker (ms, log scale)", _startup_ms,
                                lambda v: f"{v:.3g} ms", True, "Starting a worker",
                                lambda data: ["start"])
_memory = _per_strategy_drawer("memory each further worker adds (MiB)", _memory_mib,
                               lambda v: fmt.size(v * 2**20), False, "Memory per worker",
                               _workloads)
_io = _per_strategy_drawer("requests per second (higher is better)", _io_rate,
                           lambda v: f"{v:.0f}/s", False, "Requests per second", _workloads)

def _throughput_drawer(free: bool) -> Drawer:
    """Warm pools: throughput against sequential per task duration (log-log), one line per
    strategy, on the focus free-threaded build (``free``) or the focus GIL build."""

    def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        variant = m.focus_pair(data)[1 if free else 0]
        curves = m.stream_speedups(data, variant or "")
        if not curves:
            return None
        # Both sub-interpreter ways in the sub-interpreters' green, told apart by the dash.
        colours = {**_strategy_colours(list(curves)),
                   **dict.fromkeys(("subinterpreters-pool", "subinterpreters-queue"),
                                   style.STRATEGY_COLOURS["subinterpreters"])}
        for strategy, curve in curves.items():
            _line(ax, curve, marker="o", color=colours[strategy], label=_label(strategy),
                  linestyle="--" if strategy == "subinterpreters-queue" else "-")
        ax.axhline(1, color=style.ink(theme, "muted"), linestyle="--", linewidth=1.8, zorder=1)
        ax.annotate("sequential", (0, 1), xycoords=("axes fraction", "data"), xytext=(4, 3),
                    textcoords="offset points", va="bottom", ha="left", fontsize=12,
                    color=style.ink(theme, "muted"))
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.seconds(v)))
        ax.yaxis.set_major_locator(LogLocator(base=2))  # 0.25x, 0.5x, 1x, 2x ...: readable
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}{TIMES}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("task duration on one core (log scale)")
        ax.set_ylabel("tasks per second against sequential")
        ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
        workers = max((p.workers for p in data.select(variant=variant, workload="stream")),
                      default=1)
        return f"Warm pools of {workers} workers on {variant}: tasks per second, per task size"

    return draw


def _shared_state_values(scale: float) -> Callable[[Any, str, str], dict[str, Value]]:
    def values(data: Any, variant: str, workload: str) -> dict[str, Value]:
        return {s: v[workload].scaled(scale) for s, v in m.shared_state(data, variant).items()
                if workload in v}
    return values


def _slanted(draw: Drawer) -> Drawer:
    """``draw`` with its bar-group names slanted: nine strategies do not fit side by side."""
    def slanted(ax: Axes, data: Any, theme: style.Theme) -> str | None:
        title = draw(ax, data, theme)
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right", rotation_mode="anchor")
        ax.figure.subplots_adjust(bottom=0.3)  # the slanted names stay above the footer
        return title
    return slanted


_shared_memory = _slanted(_per_strategy_drawer(
    "total PSS of all processes (MiB)", _shared_state_values(1 / 2**20),
    lambda v: fmt.size(v * 2**20), False, "One large graph, memory", lambda data: ["pss"]))
_shared_first = _slanted(_per_strategy_drawer(
    "time to the first answer (ms, log scale)", _shared_state_values(1e3),
    lambda v: f"{v:.3g} ms", True, "One large graph, first answer",
    lambda data: ["first-answer"]))

def _service_label(variant: str, strategy: str) -> str:
    return f"{_label(strategy)} ({variant})"


def _service_lines(ax: Axes, data: Any, curve_of: Callable[[str, str], dict[float, Estimate]],
                   scale: float = 1.0) -> bool:
    """One line per server model on the focus GIL build, plus threads on the free build."""
    series = m.service_series(data)
    colours = _strategy_colours([f"{v} {s}" for v, s in series])
    drawn = False
    for variant, strategy in series:
        curve = {x: e.scaled(scale) for x, e in curve_of(variant, strategy).items()}
        if curve:
            _line(ax, curve, marker="o", color=colours[f"{variant} {strategy}"],
                  linestyle="--" if m.is_free_threaded(variant) else "-",
                  label=_service_label(variant, strategy))
            drawn = True
    return drawn


def draw_service_throughput(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Requests per second against the Python work per request, one line per server model."""
    gil, _ = m.focus_pair(data)
    connections = m.service_connections(data, gil or "")
    if not _service_lines(ax, data, lambda v, s: m.service_curve(data, v, s, connections)):
        return None
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("Python CPU work per request (ms)")
    ax.set_ylabel("requests per second (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return f"Throughput per server model under wrk, {connections} connections"


#: The CPU per request the p99 chart shows: the middle of the demo's range, where the one-core
#: models are busy but not yet swamped.
P99_CPU_MS = 2.0


def draw_service_p99(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """p99 latency against the number of connections, one line per server model."""
    measured = {float(p.params["cpu_ms"]) for p in data.select(workload="latency-p99")}
    if not measured:
        return None
    cpu_ms = min(measured, key=lambda ms: abs(ms - P99_CPU_MS))
    if not _service_lines(ax, data, lambda v, s: m.service_by_connections(data, v, s, cpu_ms),
                          scale=1e3):
        return None
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("connections held open by wrk (log scale)")
    ax.set_ylabel("p99 latency (ms, log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    return f"p99 latency against load, {cpu_ms:g} ms of Python work per request"


CHARTS: tuple[Chart, ...] = (
    Chart("nogil-scaling", "nogil", "Throughput speedup against threads, 3.14 vs 3.14t",
          draw_nogil_scaling),
    Chart("cpu-numeric", "cpu", "Speedup per strategy, numeric workload", _cpu_drawer("numeric")),
    Chart("cpu-objects", "cpu", "Speedup per strategy, object-heavy workload",
          _cpu_drawer("objects")),
    Chart("versions", "cpu", "Speedup per strategy across Python versions", draw_versions),
    Chart("overhead", "overhead", "Single-thread cost of free-threaded builds", draw_overhead),
    Chart("startup", "startup", "Time to start one worker, per kind", _startup),
    Chart("memory", "memory", "Memory each further worker adds, per strategy", _memory),
    Chart("transfer", "transfer", "Round-trip time against payload size", draw_transfer),
    Chart("io", "io", "I/O-bound work per strategy", _io),
    Chart("contention", "contention", "Shared objects under many threads", draw_contention),
    Chart("compat", "compat", "Module availability per variant", draw_compat),
    Chart("suite", "pyperformance", "Single-thread cost on the pyperformance suite",
          draw_suite),
    Chart("throughput", "throughput", "Warm-pool throughput against task duration, "
          "free-threaded build", _throughput_drawer(free=True)),
    Chart("throughput-gil", "throughput", "Warm-pool throughput against task duration, "
          "GIL build", _throughput_drawer(free=False)),
    Chart("shared-state-memory", "shared_state", "Total memory per way of sharing one graph",
          _shared_memory),
    Chart("shared-state-first", "shared_state", "Time to the first answer per way of sharing "
          "one graph", _shared_first),
    Chart("service-throughput", "service", "Requests per second against Python work per "
          "request, per server model", draw_service_throughput),
    Chart("service-p99", "service", "p99 latency against connections, per server model",
          draw_service_p99),
)


def chart(name: str) -> Chart:
    """The chart called ``name``."""
    return next(c for c in CHARTS if c.name == name)


def runs_summary(data: Any) -> str:
    """``median of 3 runs`` (the number of data files aggregated), for a chart's footer."""
    count = len(data.files)
    return f"median of {count} run{'s' if count != 1 else ''}, bars: low/high"


def _render(chart_: Chart, data: Any, theme: style.Theme) -> plt.Figure | None:
    """One figure, or None when the points hold nothing for this chart."""
    with style.themed(theme):
        fig, ax = plt.subplots()
        title = chart_.draw(ax, data, theme)
        if title is None:
            plt.close(fig)
            return None
        ax.set_title(title, loc="left")
        # parse_math off: a "$" in a stored command or CPU name is text, not TeX.
        fig.text(0.99, -0.02, f"{data.machine.label} · {runs_summary(data)} · {data.command}",
                 ha="right", va="top", fontsize=11, color=style.ink(theme, "muted"),
                 parse_math=False)
    return fig


def _unplottable(chart_: Chart, data: Any, error: Exception) -> UserError:
    """A chart matplotlib cannot draw from valid records (a value near the float limit gives
    "Axis limits cannot be NaN or Inf"): one line naming the files, not a traceback."""
    files = ", ".join(str(p) for p in data.files)
    return UserError(f"{files}: chart {chart_.name} cannot be drawn from "
                     f"{'these files' if len(data.files) > 1 else 'this file'} "
                     f"({one_line(error, 160)}); correct the values or move the file out of "
                     "data/")


@contextmanager
def _reported(chart_: Chart, data: Any) -> Iterator[None]:
    """Turn matplotlib's refusal of a value, while drawing or saving, into ``_unplottable``."""
    try:
        yield
    except (ValueError, OverflowError, ArithmeticError) as error:
        plt.close("all")
        raise _unplottable(chart_, data, error) from error


def manifest(drawn: Sequence[Drawn], data_dir: Path) -> dict[str, dict[str, Any]]:
    """``{stem: {demo, files, sha256, seen}}`` for ``docs/generated/charts.json``: which data
    files, with which content, each chart was drawn from, and every file of its demo there was
    (used or left out), so that a file added later is noticed. Files are named as the site
    links them (``data/<demo>/<file>``), whatever ``data_dir`` is called."""
    out: dict[str, dict[str, Any]] = {}
    for each in drawn:
        sums = {evidence_path(p): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in each.data.files}
        seen = [evidence_path(p) for p in load.data_files(data_dir, each.chart.demo)]
        entry = {"demo": each.chart.demo, "files": list(sums), "sha256": sums, "seen": seen}
        out[each.stem] = entry
        if each.primary:
            out[each.chart.name] = entry
    return dict(sorted(out.items()))


def draw_all(data_dir: Path, out_dir: Path, only: Collection[str] = (),
             quick: bool = False) -> list[Drawn]:
    """Draw every chart that has data (or just those named in ``only``); return what was drawn.

    Files of those charts that no longer have data are removed, so no stale chart is shown.
    """
    drawn: list[Drawn] = []
    wanted: set[Path] = set()
    cache: dict[str, list[Any]] = {}
    selected = [c for c in CHARTS if not only or c.name in only]
    for chart_ in selected:
        if chart_.demo not in cache:
            cache[chart_.demo] = machine_results(data_dir, chart_.demo, quick)
        primary_done = False
        for data in cache[chart_.demo]:
            stem = f"{chart_.name}-{data.machine.key}"
            with _reported(chart_, data):
                figures = {theme: _render(chart_, data, theme) for theme in style.THEMES}
                if any(fig is None for fig in figures.values()):
                    for fig in figures.values():
                        if fig is not None:
                            plt.close(fig)
                    continue
                for theme, fig in figures.items():
                    targets = [out_dir / f"{stem}-{theme}.svg"]
                    if not primary_done:
                        targets.append(out_dir / f"{chart_.name}-{theme}.svg")
                    wanted.update(targets)
                    style.save(fig, theme, *targets)
            drawn.append(Drawn(chart_, data, stem, primary=not primary_done))
            primary_done = True
    if out_dir.is_dir():
        prefixes = tuple(f"{c.name}-" for c in selected)
        for stale in out_dir.glob("*.svg"):
            if stale.name.startswith(prefixes) and stale not in wanted:
                stale.unlink()
    return drawn

"""Draw every chart of the site and the slides from ``data/`` alone.

Each chart selects rows of one demo and is drawn once per machine that has data for it, in a
light and a dark version: ``docs/assets/charts/<name>-<machine key>-<theme>.svg``. The machine with
the most CPUs also gets the short name ``<name>-<theme>.svg``, which pages and slides use.
A chart whose demo has no committed data is skipped; the page says so (see
``inparallel.publish.mkdocs_hook``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from inparallel.publish import chart_style as style
from inparallel.records.reader import (
    MachineData,
    Row,
    by_machine,
    focus_variants,
    is_free_threaded,
    load,
    speedups,
    strategy_curves,
    version_key,
    work_units,
)

CHARTS_DIR = Path("docs/assets/charts")
TIMES = "\N{MULTIPLICATION SIGN}"  # spelled out: ruff flags the literal sign as ambiguous

#: Draws one chart onto ``ax`` and returns its title (the takeaway), or None if the machine's
#: rows hold nothing this chart can show.
Drawer = Callable[[Axes, MachineData, style.Theme], str | None]


@dataclass(frozen=True)
class Chart:
    """A chart: its file name, the demo whose rows it reads, and how to draw them."""

    name: str
    demo: str
    alt: str
    draw: Drawer


@dataclass(frozen=True)
class Drawn:
    """A chart drawn for one machine: what the pages need to show, caption and link it."""

    chart: Chart
    data: MachineData
    stem: str  # file name without ``-light.svg`` / ``-dark.svg``, relative to the charts folder
    primary: bool  # the machine with the most CPUs: also saved under the chart's short name


# --- small helpers shared by the drawers -------------------------------------------------------


def _fmt_x(value: float) -> str:
    """``1.93x`` with one decimal above 10 and two below, as a speaker reads it."""
    return f"{value:.1f}{TIMES}" if value >= 10 else f"{value:.2f}{TIMES}"


def _fmt_bar(value: float) -> str:
    """Bar labels stay short so neighbouring bars' labels do not collide."""
    return f"{value:.1f}{TIMES}"


def _fmt_seconds(seconds: float) -> str:
    """A duration in the unit that keeps it between 1 and 1000."""
    for unit, scale in (("s", 1.0), ("ms", 1e3), ("µs", 1e6)):
        if seconds * scale >= 1:
            return f"{seconds * scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def _fmt_bytes(size: float) -> str:
    """``64 MB``-style sizes (binary multiples, as the demos use)."""
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if size == int(size) else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def _label(strategy: str) -> str:
    """Short axis labels: ``processes-forkserver`` is too wide for a bar group."""
    return {
        "subinterpreters": "sub-interp.",
        "subinterpreters-pool": "interp. pool",
        "processes-fork": "fork",
        "processes-forkserver": "forkserver",
        "processes-spawn": "spawn",
    }.get(strategy, strategy)


def _primary_variant(variants: Sequence[str]) -> str:
    """The variant a headline number quotes: the newest GIL build, else the newest of all."""
    gil = [v for v in variants if not is_free_threaded(v)]
    return max(gil or variants, key=version_key)


def _bar_groups(
    ax: Axes,
    groups: list[str],
    series: dict[str, list[Row | float | None]],
    colours: dict[str, str],
    theme: style.Theme,
    value_label: Callable[[float], str],
    hatches: dict[str, str] | None = None,
) -> None:
    """Grouped bars; a missing or unavailable value is written as "n/a" so it is never hidden."""
    width = 0.8 / max(len(series), 1)
    # Value labels collide once bars get thin; past this many bars the axis has to do.
    labelled = len(series) * len(groups) <= 16
    for index, (name, values) in enumerate(series.items()):
        xs = [g + (index - (len(series) - 1) / 2) * width for g in range(len(groups))]
        colour = colours.get(name, style.OKABE_ITO["grey"])
        hatch = (hatches or {}).get(name)
        for x, value in zip(xs, values, strict=True):
            if isinstance(value, float | int) and not math.isnan(value):
                # A hatched bar keeps its series' colour; the hatch lines take the page's ink.
                ax.bar(x, value, width * 0.92, color=colour, label=name, hatch=hatch,
                       edgecolor=style.ink(theme) if hatch else colour, linewidth=0)
                if not labelled:
                    continue
                ax.annotate(value_label(value), (x, value), xytext=(0, 3),
                            textcoords="offset points", ha="center", va="bottom", fontsize=10,
                            color=style.ink(theme))
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


def _max_workers_row(rows: list[Row]) -> Row | None:
    usable = [r for r in rows if r.available]
    return max(usable, key=lambda r: r.workers) if usable else None


# --- the charts --------------------------------------------------------------------------------


def draw_nogil_scaling(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
    """Headline: throughput speedup against threads, GIL build against free-threaded build."""
    variants = sorted(data.variants, key=version_key)
    colours = _variant_colours(variants)
    top: dict[str, tuple[int, float]] = {}
    all_workers: set[int] = set()
    for variant in variants:
        curve = speedups(data.select(variant=variant, strategy="threads"))
        if not curve:
            continue
        all_workers.update(curve)
        build = "free-threaded" if is_free_threaded(variant) else "with GIL"
        ax.plot(list(curve), list(curve.values()), marker="o", color=colours[variant],
                label=f"{variant} ({build})", zorder=3)
        n = max(curve)
        top[variant] = (n, curve[n])
        ax.annotate(_fmt_x(curve[n]), (n, curve[n]), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=13, color=colours[variant], fontweight="bold")
    if not top:
        return None
    _ideal(ax, theme, xs=sorted(all_workers))
    ax.set_xticks(sorted(all_workers))
    ax.set_xlabel("threads (each does the same fixed work)")
    ax.set_ylabel(f"throughput speedup ({TIMES} one thread)")
    ax.set_ylim(0, max(max(all_workers), max(s for _, s in top.values())) * 1.1)
    ax.legend(loc="upper left")
    parts = [f"{v} {_fmt_x(s)}" for v, (_, s) in sorted(top.items(), key=lambda i: -i[1][1])]
    return f"CPU-bound threads at {max(all_workers)} workers: " + ", ".join(parts)


def _cpu_drawer(workload: str) -> Drawer:
    """Speedup of each strategy at the most workers, per variant, for one CPU workload."""

    def draw(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
        curves = strategy_curves(data, workload)
        strategies = list(dict.fromkeys(s for _, s in curves))
        variants = focus_variants(list(dict.fromkeys(v for v, _ in curves)))
        series: dict[str, list[float | None]] = {}
        best: tuple[float, str, str] = (0.0, "", "")
        workers = 0
        for variant in variants:
            values: list[float | None] = []
            for strategy in strategies:
                curve = curves.get((variant, strategy), {})
                n = max(curve, default=0)
                workers = max(workers, n)
                values.append(curve.get(n))
                if n and curve[n] > best[0]:
                    best = (curve[n], strategy, variant)
            series[variant] = values
        if not best[1]:
            return None
        _bar_groups(ax, [_label(s) for s in strategies], series, _variant_colours(variants),
                    theme, _fmt_bar)
        _ideal(ax, theme, y=float(workers))
        ax.set_ylabel(f"throughput speedup at {workers} workers")
        ax.set_xlabel("strategy (against sequential on the same build)")
        return (f"{workload.capitalize()} work on {workers} workers: best {_fmt_x(best[0])} "
                f"({_label(best[1])}, {best[2]})")

    return draw


def draw_overhead(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
    """Single-thread slowdown of each free-threaded build against the GIL build of its version."""
    workloads = list(dict.fromkeys(r.workload for r in data.rows))
    labels: dict[str, dict[str, float | None]] = {}
    for row in data.rows:
        if not is_free_threaded(row.variant):
            continue
        base_variant = row.variant.split()[0].split("+")[0].rstrip("t")
        base = [r for r in data.select(variant=base_variant, workload=row.workload) if r.ok]
        label = row.variant if row.strategy in ("sequential", "") else (
            f"{row.variant} {row.strategy}")
        ratio = (row.median / base[0].median - 1) * 100 if row.ok and base else None
        labels.setdefault(label, {})[row.workload] = ratio
    if not labels:
        return None
    ordered = sorted(labels, key=version_key)
    colours = {name: colour for name, colour in zip(ordered, style.CYCLE[1:], strict=False)}
    series = {name: [labels[name].get(w) for w in workloads] for name in ordered}
    _bar_groups(ax, workloads, series, colours, theme, lambda v: f"{v:+.0f} %")
    ax.axhline(0, color=style.ink(theme, "muted"), linewidth=1)
    ax.set_ylabel("single-thread time vs GIL build (%)")
    ax.set_xlabel("workload")
    plain = [n for n in ordered if " " not in n]
    newest = plain[-1] if plain else ordered[-1]
    values = [v for v in labels[newest].values() if v is not None]
    if not values:
        return "Single-thread cost of the free-threaded builds"
    return (f"{newest} costs {min(values):+.0f} % to {max(values):+.0f} % on one thread"
            if len(values) > 1 else f"{newest} costs {values[0]:+.0f} % on one thread")


def _per_strategy_drawer(unit_label: str, scale: Callable[[Row], float | None],
                         value_label: Callable[[float], str], log: bool, what: str,
                         only_workload: str | None = None) -> Drawer:
    """Bars per strategy of one value (start-up time, memory, I/O rate) on the focus variants.

    Each variant has its colour; several workloads (idle and busy workers, say) become
    separate series of that colour, told apart by hatching. ``only_workload`` keeps just one.
    """

    def draw(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
        workloads = ([only_workload] if only_workload
                     else list(dict.fromkeys(r.workload for r in data.rows)))
        strategies = list(dict.fromkeys(r.strategy for r in data.rows))
        variants = focus_variants(data.variants)
        series: dict[str, list[float | None]] = {}
        colours: dict[str, str] = {}
        hatches: dict[str, str] = {}
        for variant in variants:
            for index, workload in enumerate(workloads):
                values: list[float | None] = []
                for strategy in strategies:
                    row = _max_workers_row(data.select(variant=variant, workload=workload,
                                                       strategy=strategy))
                    values.append(scale(row) if row and row.ok and row.median else None)
                name = variant if len(workloads) == 1 else f"{variant} {workload}"
                series[name] = values
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
        ranked = sorted((v, n) for v, n in zip(primary, names, strict=True) if v is not None)
        if not ranked:
            return what
        (low, low_name), (high, high_name) = ranked[0], ranked[-1]
        where = next(iter(series))
        return (f"{what} ({where}): {low_name} {value_label(low)}, "
                f"{high_name} {value_label(high)}")

    return draw


def draw_transfer(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
    """Round-trip time against payload size on one variant: a line per way of sending data."""
    variant = _primary_variant(data.variants)
    lines: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for row in data.select(variant=variant):
        size = row.params.get("size_bytes")
        if row.ok and row.median and isinstance(size, int | float):
            lines.setdefault((row.strategy, row.workload), []).append((float(size), row.median))
    if not lines:
        return None
    workloads = list(dict.fromkeys(w for _, w in lines))
    colours = _strategy_colours(list(dict.fromkeys(s for s, _ in lines)))
    for (strategy, workload), points in lines.items():
        points.sort()
        label = strategy if len(workloads) == 1 else f"{strategy} ({workload})"
        # The kind of payload (bytes, a list...) is the line style; the way it travels, the colour.
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                color=colours[strategy], linestyle=["-", "--", ":", "-."][
                    workloads.index(workload) % 4], label=label)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt_bytes(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _fmt_seconds(v)))
    ax.set_xlabel("payload size")
    ax.set_ylabel("round-trip time (log scale)")
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    largest = max(p[0] for pts in lines.values() for p in pts)
    at_largest = sorted((p[1], s) for (s, _), pts in lines.items() for p in pts if p[0] == largest)
    fastest, slowest = at_largest[0], at_largest[-1]
    return (f"Moving {_fmt_bytes(largest)} on {variant}: {fastest[1]} "
            f"{_fmt_seconds(fastest[0])}, {slowest[1]} {_fmt_seconds(slowest[0])}")


def draw_contention(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
    """Speedup at the most threads per workload: one shared object against per-thread work.

    Only the newest GIL build and the newest free-threaded build are shown: the point is the
    contrast between the two, and more bars would not fit on a slide.
    """
    gil = [v for v in data.variants if not is_free_threaded(v)]
    free = [v for v in data.variants if is_free_threaded(v) and " " not in v]
    variants = [max(group, key=version_key) for group in (gil, free) if group]
    workloads = list(dict.fromkeys(r.workload for r in data.rows))
    strategies = list(dict.fromkeys(r.strategy for r in data.rows))
    series: dict[str, list[float | None]] = {}
    colours: dict[str, str] = {}
    hatches: dict[str, str] = {}
    workers = 0
    for variant in variants:
        for strategy in strategies:
            values: list[float | None] = []
            for workload in workloads:
                curve = speedups(data.select(variant=variant, workload=workload,
                                             strategy=strategy))
                n = max(curve, default=0)
                workers = max(workers, n)
                values.append(curve.get(n))
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
    ax.set_ylabel(f"speedup at {workers} threads")
    ax.set_xlabel("what the threads update (hatched: one shared object)")
    free_names = [name for name in series if is_free_threaded(name)]
    shared = [v for name in free_names if name.endswith("shared") for v in series[name] if v]
    local = [v for name in free_names if name.endswith("local") for v in series[name] if v]
    if shared and local:
        variant = free_names[0].split()[0]
        return (f"{variant}, {workers} threads: one shared object {_span(shared)}, "
                f"per-thread then merged {_span(local)}")
    return f"Threads updating shared objects, {workers} threads"


def _span(values: list[float]) -> str:
    """``0.6x`` or ``0.6x to 1.9x``: a range only when the values differ."""
    low, high = f"{min(values):.1f}{TIMES}", f"{max(values):.1f}{TIMES}"
    return low if low == high else f"{low} to {high}"


def draw_compat(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
    """Which stdlib modules import in an isolated sub-interpreter: variants by modules.

    Only modules that fail on some variant are shown; a module absent from a build is a dash.
    """
    variants = sorted(data.variants, key=version_key)
    status: dict[str, dict[str, bool | None]] = {}
    for row in data.select(workload="subinterpreter-import"):
        module = str(row.params.get("module") or row.workload)
        works = None if not row.available else bool(row.ok and row.median)
        status.setdefault(module, {})[row.variant] = works
    interesting = sorted(m for m, per in status.items() if False in per.values())[:24]
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
    failing = {v: sum(1 for m in status if status[m].get(v) is False) for v in variants}
    return "Modules that fail in a sub-interpreter: " + ", ".join(
        f"{v} {n}" for v, n in failing.items())


def draw_versions(ax: Axes, data: MachineData, theme: style.Theme) -> str | None:
    """Across versions: each strategy's speedup on the numeric workload, variant by variant."""
    curves = strategy_curves(data, "numeric")
    strategies = list(dict.fromkeys(s for _, s in curves))
    variants = sorted(dict.fromkeys(v for v, _ in curves), key=version_key)
    if not strategies or len(variants) < 2:
        return None
    series: dict[str, list[float | None]] = {}
    for strategy in strategies:
        tops = [curves.get((variant, strategy)) for variant in variants]
        series[_label(strategy)] = [c[max(c)] if c else None for c in tops]
    colours = dict(zip(series, _strategy_colours(strategies).values(), strict=True))
    _bar_groups(ax, variants, series, colours, theme, _fmt_bar)
    ax.set_ylabel("throughput speedup at most workers")
    ax.set_xlabel("Python variant")
    return "Numeric work across versions: speedup of each strategy"


_startup = _per_strategy_drawer("time to start a worker (ms, log scale)",
                                lambda r: (r.median or 0) * 1e3,
                                lambda v: f"{v:.3g} ms", True, "Starting a worker",
                                only_workload="start")
_memory = _per_strategy_drawer("memory added by the workers (MiB)",
                               lambda r: (r.median or 0) / 2**20, lambda v: f"{v:.0f} MiB",
                               False, "Memory")
_io = _per_strategy_drawer("requests per second (higher is better)",
                           lambda r: work_units(r) / r.median if r.median else None,
                           lambda v: f"{v:.0f}/s", False, "Requests per second")

CHARTS: tuple[Chart, ...] = (
    Chart("nogil-scaling", "nogil", "Throughput speedup against threads, 3.14 vs 3.14t",
          draw_nogil_scaling),
    Chart("cpu-numeric", "cpu", "Speedup per strategy, numeric workload", _cpu_drawer("numeric")),
    Chart("cpu-objects", "cpu", "Speedup per strategy, object-heavy workload",
          _cpu_drawer("objects")),
    Chart("versions", "cpu", "Speedup per strategy across Python versions", draw_versions),
    Chart("overhead", "overhead", "Single-thread cost of free-threaded builds", draw_overhead),
    Chart("startup", "startup", "Time to start one worker, per kind", _startup),
    Chart("memory", "memory", "Memory per strategy", _memory),
    Chart("transfer", "transfer", "Round-trip time against payload size", draw_transfer),
    Chart("io", "io", "I/O-bound work per strategy", _io),
    Chart("contention", "contention", "Shared objects under many threads", draw_contention),
    Chart("compat", "compat", "Module availability per variant", draw_compat),
)


def chart(name: str) -> Chart:
    """The chart called ``name``."""
    return next(c for c in CHARTS if c.name == name)


def _render(chart_: Chart, data: MachineData, theme: style.Theme) -> plt.Figure | None:
    """One figure, or None when the rows hold nothing for this chart."""
    with style.themed(theme):
        fig, ax = plt.subplots()
        title = chart_.draw(ax, data, theme)
        if title is None:
            plt.close(fig)
            return None
        ax.set_title(title, loc="left")
        fig.text(0.99, -0.02, f"{data.machine.label} · median of repeats · {data.command}",
                 ha="right", va="top", fontsize=11, color=style.ink(theme, "muted"))
    return fig


def draw_all(data_dir: Path, out_dir: Path, only: Collection[str] = (),
             quick: bool = False) -> list[Drawn]:
    """Draw every chart that has data (or just those named in ``only``); return what was drawn.

    Files of those charts that no longer have data are removed, so no stale chart is shown.
    """
    drawn: list[Drawn] = []
    wanted: set[Path] = set()
    cache: dict[str, list[MachineData]] = {}
    selected = [c for c in CHARTS if not only or c.name in only]
    for chart_ in selected:
        if chart_.demo not in cache:
            cache[chart_.demo] = by_machine(load(data_dir, chart_.demo, quick))
        primary_done = False
        for data in cache[chart_.demo]:
            stem = f"{chart_.name}-{data.machine.key}"
            figures = {theme: _render(chart_, data, theme) for theme in style.THEMES}
            if any(fig is None for fig in figures.values()):
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

"""Charts of how work scales: threads with and without the GIL, every strategy on CPU work,
across versions, and what free-threading costs one thread (its own demos and pyperformance).

Each drawer is registered in ``inparallel.publish.charts.CHARTS``; the deck's versions of
these charts are in ``inparallel.publish.charts_deck``.
"""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import Estimate, is_free_threaded, version_key
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import TIMES, Drawer, Value


def draw_nogil_scaling(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """Headline: throughput speedup against threads, GIL build against free-threaded build."""
    variants = sorted({p.variant for p in data.points if not p.env}, key=version_key)
    colours = palette.variant_colours(variants)
    top: dict[str, tuple[int, Estimate]] = {}
    all_workers: set[int] = set()
    for variant in variants:
        curve = m.thread_speedups(data, variant)
        if not curve:
            continue
        all_workers.update(curve)
        build = "free-threaded" if is_free_threaded(variant) else "with GIL"
        parts.line(ax, curve, marker="o", color=colours[variant], label=f"{variant} ({build})",
                   zorder=3)
        n, best = m.at_most_workers(curve) or (0, None)
        assert best is not None
        top[variant] = (n, best)
        ax.annotate(fmt.times(best.value), (n, best.value), xytext=(8, 0),
                    textcoords="offset points", va="center", fontsize=parts.text_size(),
                    color=colours[variant], fontweight="bold")
    if not top:
        return None
    parts.ideal(ax, theme, xs=sorted(all_workers))
    ax.set_xticks(sorted(all_workers))
    ax.set_xlabel("threads (each does the same fixed work)")
    ax.set_ylabel(f"throughput speedup ({TIMES} one thread)")
    ax.set_ylim(0, max(max(all_workers), max(s.high for _, s in top.values())) * 1.1)
    parts.legend(ax, theme)
    ranked = sorted(top.items(), key=lambda i: -i[1][1].value)
    parts_ = [f"{v} {fmt.times(s.value)}" for v, (_, s) in ranked]
    return f"CPU-bound threads at {max(all_workers)} workers: " + ", ".join(parts_)


def cpu_tops(data: Any, workload: str) -> tuple[list[str], dict[tuple[str, str], tuple[int,
                                                                                       Estimate]]]:
    """The strategies of one CPU workload, and each (variant, strategy)'s speedup at its most
    workers, on the focus variants."""
    curves = m.strategy_curves(data, workload)
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


def family_legend(ax: Axes, theme: style.Theme, strategies: list[str], variants: list[str]
                  ) -> None:
    """A legend of the strategy colours on the chart (one entry per colour, not per series)."""
    seen = dict.fromkeys(palette.family(s, v) for s in strategies for v in variants)
    parts.legend(ax, theme, [Patch(color=palette.FAMILY_COLOURS[f],
                                   label=palette.FAMILY_NAMES[f]) for f in seen])


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
        series[strategy] = [t[1] if t else None for t in tops]
    parts.bar_groups(ax, variants, series, lambda s, g: palette.colour(s, variants[g]), theme,
                     parts.fmt_bar, {s: h for s in strategies if (h := palette.hatch(s))})
    family_legend(ax, theme, strategies, variants)
    parts.make_room(ax)
    ax.set_ylabel("throughput speedup at most workers")
    ax.set_xlabel("Python variant")
    return "Numeric work across versions: speedup of each strategy"


def draw_overhead(ax: Axes, data: Any, theme: style.Theme) -> str | None:
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


def suite_labels(data: Any) -> tuple[dict[str, dict[str, Estimate]], dict[str, Estimate]]:
    """The pyperformance table and each plain free-threaded build's geometric mean."""
    table = m.suite_table(data)
    labels = sorted({lab for costs in table.values() for lab in costs if " " not in lab},
                    key=version_key)
    means = {lab: m.suite_cost(data, lab) for lab in labels}
    return table, {lab: mean for lab, mean in means.items() if mean is not None}


def draw_suite(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The pyperformance suite: each free-threaded build's single-thread time against its GIL
    build per benchmark, and the geometric mean on top (the ``PYTHON_GIL=1`` runs are in the
    finding, not here: six series on twenty rows would not read)."""
    table, means = suite_labels(data)
    labels = list(means)
    if not labels:
        return None
    rows = ["geometric mean", *sorted(table)]
    colours = palette.variant_colours(labels)
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
    parts.legend(ax, theme)
    newest = labels[-1]
    return f"pyperformance: {newest} costs {fmt.percent(means[newest].value)} (geometric mean)"


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


def draw_contention(ax: Axes, data: Any, theme: style.Theme) -> str | None:
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

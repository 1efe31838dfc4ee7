"""The headline chart of the nogil demo: throughput speedup against threads, GIL build against
free-threaded build, for the site and for the deck."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes

from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.metrics import Estimate, version_key
from inparallel.build.catalog import is_free_threaded
from inparallel.publish import chart_parts as parts
from inparallel.publish import chart_style as style
from inparallel.publish import palette
from inparallel.publish.chart_parts import TIMES, Chart


def draw(ax: Axes, data: Any, theme: style.Theme) -> str | None:
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


def _build(variant: str) -> str:
    return f"{variant} (no GIL)" if is_free_threaded(variant) else f"{variant} (GIL)"


def draw_deck(ax: Axes, data: Any, theme: style.Theme) -> str | None:
    """The headline, two lines: threads on the GIL build and on the free-threaded build."""
    labels = []
    workers: set[int] = set()
    for variant in parts.focus(data):
        curve = m.thread_speedups(data, variant)
        top = m.at_most_workers(curve)
        if not top:
            continue
        colour = palette.colour("threads", variant)
        parts.line(ax, curve, marker="o", color=colour, zorder=3)
        labels.append((curve, f"{_build(variant)} {fmt.times(top[1].value)}", colour))
        workers.update(curve)
    if not labels:
        return None
    parts.ideal(ax, theme, xs=sorted(workers))
    top_n = max(workers)
    ax.set_xticks(sorted(workers))
    ax.set_ylim(0, max(top_n, *(max(e.high for e in c.values()) for c, _, _ in labels)) * 1.1)
    ax.set_xlabel("threads, each with the same work")
    ax.set_ylabel(f"speedup ({TIMES} one thread)")
    ideal = {float(top_n): Estimate(float(top_n), float(top_n), float(top_n))}
    parts.spread_end_labels(ax, [*labels, (ideal, "ideal", style.ink(theme, "muted"))])
    return "threads"


CHARTS = (
    Chart("nogil-scaling", "nogil", "Throughput speedup against threads, 3.14 vs 3.14t",
          draw, draw_deck),
)

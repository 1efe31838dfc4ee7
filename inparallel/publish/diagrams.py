"""How each strategy works, as one picture: processes contain interpreters contain threads.

Drawn with matplotlib rather than Mermaid, because Material loads Mermaid from a CDN and the site
must work offline. Same themes and deterministic output as the charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from inparallel.publish import chart_style as style
from inparallel.publish import palette

RUNNING, WAITING = "running", "waiting"


@dataclass(frozen=True)
class Interp:
    """One interpreter: whether it has a GIL, and the state of each of its threads."""

    gil: bool
    threads: tuple[str, ...]
    tasks: int = 0  # asyncio tasks on the first thread's event loop


@dataclass(frozen=True)
class Diagram:
    """One strategy: its processes (each a tuple of interpreters), caption and data path."""

    name: str
    title: str
    processes: tuple[tuple[Interp, ...], ...]
    link: str = ""  # label on the arrows from the first worker box to the others
    family: str = "threads-gil"  # its strategy's colour (``palette.FAMILY_COLOURS``)

    @property
    def colour(self) -> str:
        """The strategy's colour, the one its bars and lines have on every chart."""
        return palette.FAMILY_COLOURS[self.family]


DIAGRAMS: tuple[Diagram, ...] = (
    Diagram("threads-gil", "Threads with the GIL: one thread runs Python at a time",
            ((Interp(True, (RUNNING, WAITING, WAITING, WAITING)),),)),
    Diagram("free-threading", "Free-threading: no GIL, every thread runs at once",
            ((Interp(False, (RUNNING, RUNNING, RUNNING, RUNNING)),),), family="threads-free"),
    Diagram("subinterpreters", "Sub-interpreters: one process, one GIL per interpreter",
            ((Interp(True, (RUNNING,)), Interp(True, (RUNNING,)), Interp(True, (RUNNING,)),
              Interp(True, (RUNNING,))),), link="copy / queue", family="subinterpreters"),
    Diagram("multiprocessing", "Multiprocessing: one interpreter and GIL per process",
            ((Interp(True, (RUNNING,)),), (Interp(True, (RUNNING,)),),
             (Interp(True, (RUNNING,)),), (Interp(True, (RUNNING,)),)), link="pickle / pipe",
            family="processes"),
    Diagram("asyncio", "asyncio: one thread, many tasks taking turns at each await",
            ((Interp(True, (RUNNING,), tasks=8),),), family="asyncio"),
)


def _box(ax: Axes, x: float, y: float, w: float, h: float, face: str, edge: str,
         label: str, theme: style.Theme, dashed: bool = False, size: float = 15) -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, linewidth=2,
                                linestyle="--" if dashed else "-"))
    ax.text(x + 0.15, y + h - 0.12, label, ha="left", va="top", fontsize=size,
            color=style.ink(theme), fontweight="bold")


def _draw_interp(ax: Axes, x: float, y: float, w: float, h: float, interp: Interp,
                 theme: style.Theme, diagram: Diagram) -> None:
    muted = style.ink(theme, "muted")
    # Narrow boxes (four interpreters in one process) need the short label to fit the badge.
    edge = diagram.colour if diagram.family == "subinterpreters" else muted
    narrow = w < 2.6  # one interpreter in each of four processes: label and badge must fit
    _box(ax, x, y, w, h, "none", edge, "interpreter" if w > 2.8 else "interp.", theme,
         size=13 if narrow else 15)
    badge = "GIL" if interp.gil else "no GIL"
    colour = muted if interp.gil else palette.FAMILY_COLOURS["threads-free"]
    ax.text(x + w - 0.15, y + h - 0.12, badge, ha="right", va="top", fontsize=12 if narrow else 14,
            color="white", fontweight="bold",
            bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "edgecolor": "none"})
    count = len(interp.threads)
    lane_w = (w - 0.3) / count
    for i, state in enumerate(interp.threads):
        lx = x + 0.15 + i * lane_w
        running = state == RUNNING
        # An event loop's lane stays open: its tasks are the dots in the strategy's colour.
        filled = running and not interp.tasks
        face = diagram.colour if filled else "none"
        ax.add_patch(FancyBboxPatch((lx + 0.05, y + 0.2), lane_w - 0.1, h - 0.85,
                                    boxstyle="round,pad=0,rounding_size=0.08", facecolor=face,
                                    edgecolor=diagram.colour if running else muted,
                                    linewidth=1.5, linestyle="-" if running else ":"))
        text = "thread\nruns" if running else "thread\nwaits"
        if interp.tasks:
            text = "event loop: one task runs, the others wait at an await"
        ax.text(lx + lane_w / 2, y + 0.2 + (h - 0.85) * (0.78 if interp.tasks else 0.5), text,
                ha="center", va="center", fontsize=13,
                color="white" if filled else (diagram.colour if running else muted))
        for t in range(interp.tasks):
            # Tasks as dots round the loop: one is running, the rest wait at an ``await``.
            cx = lx + 0.25 + (t + 0.5) * (lane_w - 0.4) / interp.tasks
            ax.add_patch(plt.Circle((cx, y + 0.8), 0.2,
                                    color=diagram.colour if t == 0 else "white",
                                    ec=diagram.colour, lw=1.5))


def draw(diagram: Diagram, theme: style.Theme) -> plt.Figure:
    """The figure of one strategy in one theme."""
    with style.themed(theme):
        fig, ax = plt.subplots(figsize=(10, 4.2))
        ax.set_axis_off()
        procs = diagram.processes
        gap = 0.35
        total_w = 12.0
        proc_w = (total_w - gap * (len(procs) - 1)) / len(procs)
        for p, interps in enumerate(procs):
            px = p * (proc_w + gap)
            edge = diagram.colour if diagram.family == "processes" else style.ink(theme, "muted")
            _box(ax, px, 0, proc_w, 4, "none", edge, "process", theme,
                 dashed=False)
            iw = (proc_w - 0.3 - 0.2 * (len(interps) - 1)) / len(interps)
            for i, interp in enumerate(interps):
                _draw_interp(ax, px + 0.15 + i * (iw + 0.2), 0.15, iw, 3.3, interp, theme,
                             diagram)
        if diagram.link:
            # Arrows from the first worker box to each of the others: data must travel.
            units = (
                [(p * (proc_w + gap), proc_w) for p in range(len(procs))] if len(procs) > 1
                else [(0.15 + i * ((proc_w - 0.3 - 0.2 * (len(procs[0]) - 1)) / len(procs[0])
                                   + 0.2), 0) for i in range(len(procs[0]))]
            )
            width = proc_w if len(procs) > 1 else (proc_w - 0.3 - 0.2 * (len(procs[0]) - 1)) / len(
                procs[0])
            for k in range(1, len(units)):
                start = units[0][0] + width / 2
                end = units[k][0] + width / 2
                ax.add_patch(FancyArrowPatch((start, -0.25), (end, -0.25),
                                             connectionstyle=f"arc3,rad={0.12 + 0.04 * k}",
                                             arrowstyle="-|>", mutation_scale=16,
                                             color=diagram.colour, linewidth=1.8))
            ax.text(total_w / 2, -1.55, diagram.link, ha="center", va="center", fontsize=15,
                    color=diagram.colour, fontweight="bold")
        ax.set_xlim(-0.1, total_w + 0.1)
        ax.set_ylim(-1.85 if diagram.link else -0.1, 4.1)
        ax.set_aspect("equal")
        ax.set_title(diagram.title, loc="left")
    return fig


def draw_all(out_dir: Path) -> list[Path]:
    """Draw every diagram in both themes; return the files."""
    written = []
    for diagram in DIAGRAMS:
        for theme in style.THEMES:
            path = out_dir / f"{diagram.name}-{theme}.svg"
            style.save(draw(diagram, theme), theme, path)
            written.append(path)
    return written

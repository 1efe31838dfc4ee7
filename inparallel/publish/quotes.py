"""The numbers quoted in the site's prose, each computed from ``data/`` and never typed by hand.

Every fact is one Markdown sentence (with the machine it was measured on and a link to its file)
or, where the demo has no committed data yet, a plain statement of that and the command to run.
``inparallel.publish.mkdocs_hook`` writes them to ``docs/generated/number-<key>.md`` for the
pages to include, and to ``docs/generated/numbers.json`` for the slides.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from inparallel.records.reader import (
    MachineData,
    Row,
    by_machine,
    is_free_threaded,
    load,
    speedups,
    strategy_curves,
    version_key,
)

SPEEDUP = "\N{MULTIPLICATION SIGN}"


def missing(demo: str) -> str:
    """The sentence shown instead of a number when a demo has no committed measurement."""
    return (f"No measurement of the `{demo}` demo is committed yet; "
            f"`invoke demo {demo}` produces one.")


def source(data: MachineData) -> str:
    """``(AMD EPYC, 2 CPUs; data: [file](data/...))``: where a number comes from."""
    links = ", ".join(f"[`{p.name}`](data/{p.parent.name}/{p.name})" for p in data.files)
    return f"({data.machine.label}; data: {links})"


def _x(value: float) -> str:
    return f"{value:.2f}{SPEEDUP}"


def _best_at_max(rows: list[Row], baseline: Row | None = None) -> tuple[int, float] | None:
    curve = speedups(rows, baseline)
    if not curve:
        return None
    n = max(curve)
    return n, curve[n]


def nogil(data: MachineData) -> str | None:
    """Headline: N threads on the free-threaded build against the GIL build."""
    parts = []
    for variant in sorted(data.variants, key=version_key):
        best = _best_at_max(data.select(variant=variant, strategy="threads"))
        if best:
            parts.append((variant, *best))
    if not parts:
        return None
    n = max(p[1] for p in parts)
    said = "; ".join(f"{v} reached **{_x(s)}**" for v, _, s in parts)
    return (f"With {n} threads, each doing the same fixed work, throughput against one thread: "
            f"{said} {source(data)}.")


def cpu(data: MachineData) -> str | None:
    """Each strategy's speedup on the numeric workload, on the two newest variants."""
    curves = strategy_curves(data, "numeric")
    newest = sorted(dict.fromkeys(v for v, _ in curves), key=version_key)[-2:]
    per_variant: dict[str, list[str]] = {}
    workers = 0
    for (variant, strategy), curve in curves.items():
        if variant in newest and curve:
            n = max(curve)
            workers = max(workers, n)
            per_variant.setdefault(variant, []).append(f"{strategy} {_x(curve[n])}")
    if not per_variant:
        return None
    said = "; ".join(f"on {v}: {', '.join(parts)}" for v, parts in per_variant.items())
    return (f"Numeric workload on {workers} workers, throughput against sequential {said} "
            f"{source(data)}.")


def overhead(data: MachineData) -> str | None:
    """Single-thread time of each free-threaded build against its GIL build, per workload."""
    per_variant: dict[str, list[str]] = {}
    for row in data.rows:
        if not is_free_threaded(row.variant) or not row.ok:
            continue
        base_name = row.variant.split()[0].rstrip("t")
        base = [r for r in data.select(variant=base_name, workload=row.workload) if r.ok]
        if base and base[0].median:
            change = (row.median / base[0].median - 1) * 100
            per_variant.setdefault(f"{row.variant} against {base_name}", []).append(
                f"{row.workload} {change:+.0f} %")
    if not per_variant:
        return None
    said = "; ".join(f"{name}: {', '.join(parts)}" for name, parts in per_variant.items())
    return f"Single-thread time, {said} {source(data)}."


def startup(data: MachineData) -> str | None:
    """Cost of starting one worker, per kind, on each variant measured."""
    said = []
    for variant in sorted(data.variants, key=version_key):
        # "start" is the cost of each further worker; "first" includes one-off imports.
        times = [f"{r.strategy} {r.median * 1e3:.3g} ms"
                 for r in data.select(variant=variant, workload="start")
                 if r.ok and r.median is not None]
        if times:
            said.append(f"on {variant}: " + ", ".join(times))
    if not said:
        return None
    return "Starting one worker and running a trivial task took " + "; ".join(said) + \
        f" {source(data)}."


def gil_after_import(data: MachineData) -> str | None:
    """Whether importing a C extension turned the GIL back on, per declaration, per build."""
    said = []
    for row in data.select(workload="gil-after-import"):
        if row.ok and row.median is not None:
            state = "turned the GIL back on" if row.median else "left the GIL off"
            said.append(f"on {row.variant}, an extension built with {row.strategy} {state}")
    if not said:
        return None
    return "Importing a tiny C extension: " + "; ".join(said) + f" {source(data)}."


FACTS: dict[str, tuple[str, Callable[[MachineData], str | None]]] = {
    "nogil": ("nogil", nogil),
    "cpu": ("cpu", cpu),
    "overhead": ("overhead", overhead),
    "startup": ("startup", startup),
    "gil-after-import": ("compat", gil_after_import),
}


def facts(data_dir: Path) -> dict[str, list[str]]:
    """Every fact, one sentence per machine (most CPUs first), or the 'not yet' sentence."""
    found: dict[str, list[str]] = {}
    for key, (demo, fact) in FACTS.items():
        sentences = [s for d in by_machine(load(data_dir, demo)) if (s := fact(d))]
        found[key] = sentences or [missing(demo)]
    return found

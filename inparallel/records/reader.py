"""Deprecated: the old flattened view of ``data/``, kept while callers move to the new API.

New code reads ``inparallel.records.load`` (typed, validated records) and aggregates with
``inparallel.analysis.stats.aggregate``. Files are read through ``load`` here too, so an invalid
file is refused with its one-line ``InvalidRecord`` on this path as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from inparallel.records import load as records_load
from inparallel.records.model import Record


@dataclass(frozen=True)
class Machine:
    """Where a run happened; ``key`` keeps a 2-core and a 16-core machine apart."""

    id: str
    cpu_model: str
    cpus: int

    @property
    def key(self) -> str:
        """``<machine id>-<N>cpu``, as in the data file names."""
        return f"{self.id}-{self.cpus}cpu"

    @property
    def label(self) -> str:
        """Human-readable, for captions: ``AMD EPYC 7B13, 2 CPUs``."""
        return f"{self.cpu_model}, {self.cpus} CPU{'s' if self.cpus != 1 else ''}"


@dataclass(frozen=True)
class Row:
    """One result row, flattened with the context a chart needs to label and link it."""

    demo: str
    variant: str
    workload: str
    strategy: str
    workers: int
    unit: str
    median: float | None
    available: bool
    reason: str | None
    error: str | None
    params: dict = field(hash=False, compare=False)
    file: Path = field(compare=False)

    @property
    def ok(self) -> bool:
        """A usable measurement: it ran, it did not fail, and it has a value."""
        return self.available and self.error is None and self.median is not None


@dataclass(frozen=True)
class Measurement:
    """One data file: the run's provenance and its flattened rows."""

    path: Path
    demo: str
    title: str
    command: str
    started_at: str
    machine: Machine
    rows: tuple[Row, ...]


def _measurement(record: Record) -> Measurement:
    """The old flattened view of a validated record."""
    machine = Machine(record.machine.id, record.machine.cpu_model, record.machine.usable_cpus)
    rows = tuple(
        Row(demo=record.demo, variant=run.label, workload=item.workload, strategy=item.strategy,
            workers=item.workers, unit=item.unit, median=item.median, available=item.available,
            reason=item.reason, error=item.error, params=dict(item.params), file=record.path)
        for run in record.runs for item in run.results
    )
    return Measurement(record.path, record.demo, record.title, record.command, record.started_at,
                       machine, rows)


def read(path: Path, quick: bool = False) -> Measurement | None:
    """One validated data file (``InvalidRecord`` if invalid); None for a quick run unless asked."""
    record = records_load.read(path)
    if record.quick and not quick:
        return None
    return _measurement(record)


def load(data_dir: Path, demo: str, quick: bool = False) -> list[Measurement]:
    """Every charted file of one demo, oldest first, validated: smoke runs only with ``quick``."""
    return [_measurement(r) for r in records_load.load_demo(data_dir, demo, quick=quick)]


@dataclass(frozen=True)
class MachineData:
    """A demo's rows on one machine: each variant's latest run, and the files they came from."""

    machine: Machine
    rows: tuple[Row, ...]
    files: tuple[Path, ...]
    command: str

    def select(self, **match: object) -> list[Row]:
        """Rows whose attributes equal every keyword given (``strategy="threads"``)."""
        return [r for r in self.rows if all(getattr(r, k) == v for k, v in match.items())]

    @property
    def variants(self) -> list[str]:
        """The variants present, in first-seen order."""
        return list(dict.fromkeys(r.variant for r in self.rows))


def is_free_threaded(variant: str) -> bool:
    """True for a free-threaded variant name such as ``3.14t`` (also ``3.14t PYTHON_GIL=1``)."""
    return variant.split()[0].endswith("t")


def version_key(variant: str) -> tuple[int, ...]:
    """Sort key that orders variants 3.12 < 3.13 < 3.13t < 3.14 ... by their numbers."""
    head = variant.split()[0]
    numbers = [int(part) for part in head.rstrip("t").split(".") if part.isdigit()]
    return (*numbers, int(head.endswith("t")), len(variant))


def focus_variants(variants: Iterable[str]) -> list[str]:
    """The newest GIL build and the newest free-threaded build: the pair most charts compare.

    Older versions have their own chart (``versions``); five variants' bars per group would
    not be readable on a slide. Runs under an extra environment are left to ``overhead``.
    """
    plain = [v for v in variants if " " not in v]
    gil = [v for v in plain if not is_free_threaded(v)]
    free = [v for v in plain if is_free_threaded(v)]
    return [max(group, key=version_key) for group in (gil, free) if group]


def by_machine(measurements: Iterable[Measurement]) -> list[MachineData]:
    """Group files by machine, keeping for each variant only its latest run on that machine.

    Machines come out with the most CPUs first: the biggest machine shows the fullest curve.
    """
    latest: dict[str, dict[str, Measurement]] = {}
    machines: dict[str, Machine] = {}
    for m in measurements:  # oldest first, so later files overwrite earlier ones
        machines[m.machine.key] = m.machine
        for variant in dict.fromkeys(r.variant for r in m.rows):
            latest.setdefault(m.machine.key, {})[variant] = m
    grouped = []
    for key, per_variant in latest.items():
        rows = tuple(
            r for variant, m in per_variant.items() for r in m.rows if r.variant == variant
        )
        files = tuple(dict.fromkeys(m.path for m in per_variant.values()))
        command = next(iter(per_variant.values())).command
        grouped.append(MachineData(machines[key], rows, files, command))
    grouped.sort(key=lambda d: (-d.machine.cpus, d.machine.key))
    return grouped


# Params that give a row's total work (the work is split among the workers) ...
_TOTAL_KEYS = ("total_work", "units", "ops", "requests", "tasks", "items")
# ... and params that give each worker's share (doubling the workers doubles the work).
_PER_WORKER_KEYS = ("work_per_thread", "work_per_worker")


def work_units(row: Row) -> float:
    """How much work a row did, in units that compare across worker counts of one demo.

    Demos say which kind of scaling they measure through their params: a fixed total (the
    contention and I/O demos) or a fixed amount per worker (the nogil demo). Without either,
    ``data/README.md``'s rule holds: every worker does the same fixed work.
    """
    for key in _TOTAL_KEYS:
        if isinstance(row.params.get(key), int | float):
            return float(row.params[key])
    for key in _PER_WORKER_KEYS:
        if isinstance(row.params.get(key), int | float):
            return float(row.params[key]) * row.workers
    return float(row.workers)


def speedups(rows: list[Row], baseline: Row | None = None) -> dict[int, float]:
    """Throughput speedup per worker count, against ``baseline`` or the 1-worker row.

    Throughput is work done per second (see ``work_units``), so the ideal speedup is the number
    of workers whichever way a demo splits its work.
    """
    usable = {r.workers: r for r in rows if r.ok}
    base = baseline if baseline is not None and baseline.ok else usable.get(1)
    if base is None or not base.median:
        return {}
    base_rate = work_units(base) / base.median
    return {
        n: (work_units(r) / r.median) / base_rate for n, r in sorted(usable.items()) if r.median
    }


def strategy_curves(data: MachineData, workload: str) -> dict[tuple[str, str], dict[int, float]]:
    """Speedup curves of one workload per ``(variant, strategy)``, sequential excluded.

    Each is measured against the sequential run on the same variant (its fewest-workers row),
    so a strategy is compared with plain Python on the same interpreter.
    """
    rows = data.select(workload=workload)
    curves: dict[tuple[str, str], dict[int, float]] = {}
    for variant in dict.fromkeys(r.variant for r in rows):
        mine = [r for r in rows if r.variant == variant]
        sequential = [r for r in mine if r.strategy == "sequential" and r.ok]
        baseline = min(sequential, key=lambda r: r.workers, default=None)
        for strategy in dict.fromkeys(r.strategy for r in mine):
            if strategy != "sequential":
                curves[(variant, strategy)] = speedups(
                    [r for r in mine if r.strategy == strategy], baseline)
    return curves

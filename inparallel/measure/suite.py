"""The demo suite: which demos exist, the options of a run, and the one path that runs them.

``invoke demo NAME`` and ``invoke bench`` both call ``run`` with a ``DemoOptions``, so the same
options always give the same stored ``settings`` and ``command``, and that command is exactly
what reproduces the file. ``invoke demo nogil`` is that path with a live table on top.

Stage runs (``--stage``: fixed work per worker, sized for a talk's slot) are rehearsals and
performances, not evidence: they are stored under ``build/stage-data/`` (``$INPARALLEL_STAGE_DATA``
moves it), never in ``data/``, so a run on stage cannot replace a chart's measurements.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from inparallel.build import catalog, ftscaling_tree, prerequisites
from inparallel.build.discovery import discover_all
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import collect, demo_rules, provenance
from inparallel.measure import packages as pypi_packages
from inparallel.measure.collect import Target
from inparallel.measure.runner import demo_script
from inparallel.paths import REPO
from inparallel.records import store
from inparallel.units import seconds

STAGE_DATA_ENV = "INPARALLEL_STAGE_DATA"
# The limits demos/harness.py enforces, checked here too: a typo (10000 workers) is caught
# before a demo tries to start that many processes, and before anything is built.
MAX_WORKERS = demo_rules.MAX_WORKERS
MAX_REPEATS = demo_rules.MAX_REPEATS


@dataclass(frozen=True)
class DemoSpec:
    """A demo as the harness runs it.

    ``variants`` None means every variant available here. ``extra_env`` adds runs of a
    variant under an extra environment (a free-threaded build with ``PYTHON_GIL=1``).
    ``point_per_process`` runs one process per worker count, so that the variants alternate
    point by point (drift on a shared machine hits both alike); ``build_missing`` lets
    ``invoke demo`` build its variants first (the README's first command relies on it).
    """

    name: str
    title: str
    variants: tuple[str, ...] | None = None
    extra_env: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    timeout_s: float = 900.0
    point_per_process: bool = False
    build_missing: bool = False
    live: bool = False
    packages: tuple[str, ...] = ()  # Debian packages the demo drives (installed before it runs)
    # Checks before any variant runs (the packages demo asks the package index); a failure
    # is a UserError, and nothing is stored.
    prepare: Callable[[], None] | None = None
    # False: `invoke bench` leaves it out (the packages demo needs the package index, and the
    # test suite's quick bench must not); `invoke demo NAME` runs it.
    in_bench: bool = True
    # True: one of issue 9's and 10's longer experiments, run by `invoke bench --experiments`
    # rather than by the plain bench, whose timing demos fit in 15 minutes on 2 cores.
    experiment: bool = False
    # Raised whenever the demo's workload sizes or timing method change, so that runs made
    # before are not aggregated with runs made after (stored in ``settings`` from 2 on).
    revision: int = 1


# The free-threaded builds again with their GIL switched back on, to separate the cost
# of the build from the cost of running without the GIL.
GIL_ON = tuple((name, (("PYTHON_GIL", "1"),)) for name in ("3.13t", "3.14t", "3.15t"))

REGISTRY: dict[str, DemoSpec] = {
    spec.name: spec
    for spec in (
        # Revision 2 of every demo timed by harness.compare: values corrected for the
        # machine's speed drift by a reference loop (demos/harness.py). Revision 3 of nogil:
        # speedups timed pair by pair (harness.compare's paired_with), a 12 s cap per point.
        # (The cpu demo paired with its sequential run took 375 s instead of 180 s of the
        # bench's 15 minutes: it stays unpaired.)
        DemoSpec("nogil", "CPU-bound threads: GIL build vs free-threaded build", ("3.14", "3.14t"),
                 point_per_process=True, build_missing=True, live=True, revision=3),
        # cpu, overhead, startup, memory
        # Revision 3 of cpu, startup and transfer: also shorter units, calibrated loops and
        # fewer sizes.
        DemoSpec("cpu", "CPU-bound scaling: every strategy, 1..N workers", timeout_s=400,
                 revision=3),
        # Revision 3 of overhead: half the work per value, so that the bench fits in 15 minutes.
        DemoSpec("overhead", "Free-threaded single-thread cost", extra_env=GIL_ON, timeout_s=200,
                 revision=3),
        # Startup and transfer: revision 4 runs on one CPU (demos/harness.py, on_one_cpu),
        # revision 5 also as a batch job (harness.as_batch_job).
        DemoSpec("startup", "Start-up cost of a worker, per strategy", timeout_s=200,
                 revision=5),
        DemoSpec("memory", "Memory of N idle and N busy workers (PSS)", timeout_s=300),
        # transfer, io, contention, compat
        DemoSpec("transfer", "Moving data to a worker and back, 1 KB to 64 MB", revision=5),
        DemoSpec("io", "I/O-bound requests to a local server: where the GIL does not matter"),
        # Every variant since revision 3 (half the operations, so that all seven fit);
        # revision 4: the threads start together at a barrier, each on a CPU of its own.
        DemoSpec("contention", "Free-threading pitfalls: one shared object vs per-thread work",
                 revision=4),
        DemoSpec("compat", "What works where: sub-interpreter imports, the GIL coming back"),
        DemoSpec("packages", "Will my libraries work? Popular compiled packages, per variant",
                 timeout_s=2400, prepare=pypi_packages.prepare, in_bench=False),
        # The experiments (issues 9 and 10), on every variant; interpreter pools and queues
        # are 3.14+, so earlier versions record those strategies as unavailable.
        # Revision 3: each pool's stream is timed pair by pair with the sequential one.
        # Revision 4: spin() comes from a .pyc (demos/precompiled.py), its constant immortal.
        DemoSpec("throughput", "Warm pools: tasks per second from 0.1 ms to 100 ms tasks",
                 timeout_s=900, experiment=True, revision=4),
        # Revision 2 of shared_state: six probes per strategy, round by round.
        DemoSpec("shared_state", "One large read-only graph: time and memory per strategy",
                 timeout_s=1200, experiment=True, revision=2),
        # Revision 2 of service: every server at once, six interleaved one-second values per
        # point (an interval for requests per second and latencies), CPU costs 0, 2 and 5 ms.
        DemoSpec("service", "I/O-bound services under load: every server model, driven by wrk",
                 timeout_s=900, packages=prerequisites.SERVICE_PACKAGES, experiment=True,
                 revision=2),
        DemoSpec("ftscaling", "CPython's own scaling benchmark (Tools/ftscalingbench), 1 and N "
                 "threads", ("3.13t", "3.14t", "3.15t"), timeout_s=900,
                 prepare=ftscaling_tree.prepare, in_bench=False),
        # Issue 21's reproducer of the extension-module surprise: run by name only.
        DemoSpec("surprise_ext_modules", "Extension modules per kind of sub-interpreter: "
                 "isolated, shared GIL, legacy", timeout_s=300, in_bench=False),
        DemoSpec("surprise_pool", "Warm thread pools: code compiled from source or loaded "
                 "from bytecode", timeout_s=300, in_bench=False),
        DemoSpec("surprise_subinterp_calls", "Sub-interpreter calls: one entry per call or one "
                 "for many", timeout_s=300, in_bench=False),
    )
}


def known_demos() -> list[str]:
    """The demos that have a script in demos/."""
    return [name for name in REGISTRY if demo_script(name).exists()]


def spec_for(name: str) -> DemoSpec:
    """The demo called ``name``; an unknown one is a usage error listing the known demos."""
    if name not in REGISTRY or not demo_script(name).exists():
        raise UserError(f"unknown demo {name!r}; known demos: {', '.join(known_demos())}", code=2)
    return REGISTRY[name]


@dataclass(frozen=True)
class DemoOptions:
    """The options that define a run of one demo; ``settings`` and ``command`` derive from them.

    ``workers`` and ``repeats`` None mean the demo's own defaults (1, 2, 4 ... all usable
    cores; its adaptive repeats), which the machine key of a record pins down.
    """

    name: str
    workers: tuple[int, ...] | None = None
    repeats: int | None = None
    quick: bool = False
    stage: bool = False
    time_cap: float | None = None  # seconds per point; None: the demo's own for its size

    @property
    def size(self) -> str:
        """The demo's workload size: ``full``, ``quick`` or ``stage`` (demos/harness.py)."""
        return "quick" if self.quick else "stage" if self.stage else "full"

    @property
    def settings(self) -> dict:
        """What a record stores as its ``settings``: identical for demo and bench."""
        revision = REGISTRY[self.name].revision if self.name in REGISTRY else 1
        return {"size": self.size, "workers": list(self.workers) if self.workers else None,
                "repeats": self.repeats, **({"revision": revision} if revision > 1 else {}),
                **({"time_cap": self.time_cap} if self.time_cap else {})}

    @property
    def command(self) -> str:
        """The exact command that reproduces a record made with these options."""
        parts = ["invoke demo", self.name]
        if self.workers:
            parts.append("--workers " + ",".join(map(str, self.workers)))
        if self.repeats:
            parts.append(f"--repeats {self.repeats}")
        if self.time_cap:
            parts.append(f"--time-cap {self.time_cap:g}")
        if self.size != "full":
            parts.append(f"--{self.size}")
        return " ".join(parts)

    def arg_sets(self, spec: DemoSpec, cores: int) -> list[list[str]]:
        """The demo script's arguments, one list per process (``--quick`` is collect's)."""
        common = (["--repeats", str(self.repeats)] if self.repeats else []) + (
            ["--time-cap", f"{self.time_cap:g}"] if self.time_cap else []) + (
            ["--stage"] if self.stage else [])
        if spec.point_per_process:
            return [["--workers", str(n), *common] for n in self.workers or default_workers(cores)]
        workers = ["--workers", ",".join(map(str, self.workers))] if self.workers else []
        return [[*workers, *common]]


def default_workers(cores: int) -> list[int]:
    """1, 2, 4 ... up to ``cores``, ``cores`` included: the demos' own rule
    (``demo_rules.worker_counts``)."""
    return demo_rules.worker_counts(cores)


def _parse_workers(text: str) -> tuple[int, ...] | None:
    names = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not names:
        return None
    bad = [part for part in names if not re.fullmatch(r"[0-9]+", part)
           or not 1 <= int(part) <= MAX_WORKERS]
    if bad:
        raise UserError(f"--workers {text!r}: {bad[0]!r} is not a worker count; give whole "
                        f"numbers from 1 to {MAX_WORKERS}, e.g. --workers 1,2,4", code=2)
    counts = tuple(int(part) for part in names)
    if len(set(counts)) != len(counts):
        raise UserError(f"--workers {text!r} repeats a count; give each once, e.g. "
                        "--workers 1,2,4", code=2)
    return counts


def _parse_repeats(text: str | int) -> int | None:
    text = str(text).strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= MAX_REPEATS:
        raise UserError(f"--repeats {text!r} is not a repeat count; give a whole number from 1 "
                        f"to {MAX_REPEATS}, e.g. --repeats 5 (or leave it out)", code=2)
    return int(text)


MAX_TIME_CAP_S = 3600  # the demos' own bound (demos/harness.py)


def _parse_time_cap(text: str | float) -> float | None:
    text = str(text).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0.001 <= seconds <= MAX_TIME_CAP_S:  # False for nan and inf too
        raise UserError(f"--time-cap {text!r} is not a time per point; give seconds from 0.001 "
                        f"to {MAX_TIME_CAP_S}, e.g. --time-cap 5 (or leave it out)", code=2)
    return seconds


def parse_options(name: str, workers: str = "", repeats: str | int = "", quick: bool = False,
                  stage: bool = False, time_cap: str | float = "") -> DemoOptions:
    """Check a demo's options before any work starts; a bad one is one line naming the fix."""
    spec_for(name)
    if quick and stage:
        raise UserError("--quick (a smoke test) and --stage (the talk's size) exclude each "
                        "other; choose one", code=2)
    return DemoOptions(name, _parse_workers(workers), _parse_repeats(repeats), quick, stage,
                       _parse_time_cap(time_cap))


def stage_data_dir() -> Path:
    """Where stage runs are stored: build/stage-data/, or ``$INPARALLEL_STAGE_DATA``."""
    override = os.environ.get(STAGE_DATA_ENV)
    return Path(override) if override else REPO / "build" / "stage-data"


def targets_for(spec: DemoSpec, available: list | None = None) -> list[Target]:
    """The runs of a demo: its variants that are available here, plus the extra-env runs."""
    located = {found.variant.name: found for found in (available or discover_all())}
    wanted = spec.variants or tuple(catalog.load())
    targets = [Target(located[name]) for name in wanted if located[name].status != "missing"]
    for name, env in spec.extra_env:
        if located[name].status != "missing":
            targets.append(Target(located[name], env))
    return targets


def _detail(params: dict) -> str:
    """The parameter that tells rows of one workload apart: a module, a payload size."""
    if "module" in params:
        return str(params["module"])[:9]
    if "size_bytes" in params:
        size = float(params["size_bytes"])
        for unit in ("B", "KB", "MB", "GB"):
            if size < 1024:
                return f"{size:.0f} {unit}"
            size /= 1024
    return ""


def format_row(label: str, row: dict) -> str:
    """One result as a line of at most 80 columns (a reason or error may run longer)."""
    head = (f"{label[:18]:<18} {row['workload'][:11]:<11} {_detail(row['params']):<9} "
            f"{row['strategy'][:20]:<20} x{row['workers']:<3}")
    if not row["available"]:
        return f"{head} [yellow]n/a[/]: {row['reason']}"
    if row["error"]:
        return f"{head} [red]error[/]: {row['error']}"
    check = {True: "[green]✓[/]", False: "[red]✗ wrong[/]", None: ""}[row["correct"]]
    value = (seconds(row["median"]) if row["unit"] == "s"
             else f"{row['median']:.4g} {row['unit']}")
    return f"{head} {value} {check}".rstrip()


def _print_row(label: str, row: dict) -> None:
    # soft_wrap: a long reason runs on rather than being folded inside a word or number.
    console.print(format_row(label, row), soft_wrap=True)


RowView = Callable[[DemoSpec, DemoOptions, list[Target]], AbstractContextManager]


def _rows_view(spec: DemoSpec, options: DemoOptions, targets: list[Target]):
    return nullcontext(_print_row)


def _targets(spec: DemoSpec, available: list | None) -> list[Target]:
    if available is None and spec.build_missing and spec.variants:
        return [Target(found) for found in collect.ensure(list(spec.variants))]
    targets = targets_for(spec, available)
    if not targets:
        wanted = ",".join(spec.variants) if spec.variants else "all"
        raise UserError(f"no variant for {spec.name} is available; run: invoke build {wanted}")
    return targets


def run(options: DemoOptions, available: list | None = None, live: RowView | None = None,
        after: Callable[[Path], None] | None = None) -> Path:
    """Run one demo under its variants, store the record, return its path.

    ``available`` (from ``bench``) skips the build step and the busy check, done once there.
    ``live`` is the view of a demo that has one (the nogil table and CPU bars, from
    ``inparallel.publish.live``), shown instead of plain rows, and ``after`` what runs on the
    stored file then (its verdict and chart): the task that runs the demo chooses both, so
    that measuring never reaches into presenting. The record is the same either way.
    """
    spec = spec_for(options.name)
    prerequisites.install_packages(spec.packages)
    if spec.prepare is not None:
        spec.prepare()
    targets = _targets(spec, available)
    if available is None:
        collect.warn_if_busy()
    console.print(f"[bold]{spec.title}[/]: " + ", ".join(t.label for t in targets))
    view: RowView = live if live is not None and spec.live else _rows_view
    arg_sets = options.arg_sets(spec, provenance.usable_cpus())
    with view(spec, options, targets) as on_row:
        record = collect.collect(
            spec.name, spec.title, targets, arg_sets, quick=options.quick,
            command=options.command, settings=options.settings, timeout_s=spec.timeout_s,
            on_row=on_row,
        )
    path = store.write(record, stage_data_dir() if options.stage else None)
    console.print(f"stored: {path}", soft_wrap=True)
    if live is not None and spec.live and after is not None:
        after(path)
    return path


def bench(quick: bool, names: list[str] | None = None, experiments: bool = False) -> list[Path]:
    """Every demo under every available variant, with an overall progress bar and ETA.

    Demos with ``in_bench`` False (the packages demo, which needs the package index) are left
    out unless named; ``experiments`` runs the experiment demos instead of the timing demos.

    Each demo runs through ``run`` with the options ``invoke demo NAME [--quick]`` has, so
    its file is the one that command would store.
    """
    collect.warn_if_busy()
    available = discover_all()
    missing = [found.variant.name for found in available if found.status == "missing"]
    if missing:
        console.print(f"[yellow]not available here (skipped):[/] {', '.join(missing)}")
    chosen = [n for n in known_demos()
              if REGISTRY[n].in_bench and REGISTRY[n].experiment == experiments]
    plan = [parse_options(name, quick=quick) for name in (names or chosen)]
    stored = []
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        overall = progress.add_task("bench", total=len(plan))
        for options in plan:
            progress.update(overall, description=f"bench: {options.name}")
            # No live view: rich allows one live display at a time, and the bar is one.
            stored.append(run(options, available))
            progress.advance(overall)
    # The standard suite is not a demo and takes far longer than all of them: its own task.
    others = "invoke suite; invoke demo packages" + (
        "" if experiments else "; invoke bench --experiments")
    console.print(f"Measured separately (each takes longer): {others}")
    return stored

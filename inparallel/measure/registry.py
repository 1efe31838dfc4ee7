"""The demo registry: every demo the harness runs, its spec (title, variants, timeout, revision)
in one entry, and the variants a spec runs on here.

``invoke demo NAME`` and ``invoke bench`` read it (``measure.demo_runs``); ``invoke suite``
(pyperformance, ``measure.pyperformance_suite``) borrows ``DemoSpec`` for its variants only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from inparallel.build import catalog, ftscaling_tree, prerequisites
from inparallel.errors import UserError
from inparallel.measure import packages as pypi_packages
from inparallel.measure.collect import Target
from inparallel.measure.runner import demo_script


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
        # Revision 2 of every demo timed by timer.compare: values corrected for the
        # machine's speed drift by a reference loop (demos/timer.py). Revision 3 of nogil:
        # speedups timed pair by pair (timer.compare's paired_with), a 12 s cap per point.
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
        # Startup and transfer: revision 4 runs on one CPU (demos/placement.py, on_one_cpu),
        # revision 5 also as a batch job (placement.as_batch_job).
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
        # Revision 3: each value waits until the machine is idle (the previous load's
        # requests in flight still ran into it; the first revision-2 run was refused).
        DemoSpec("service", "I/O-bound services under load: every server strategy, driven by wrk",
                 timeout_s=900, packages=prerequisites.SERVICE_PACKAGES, experiment=True,
                 revision=3),
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


def targets_for(spec: DemoSpec, available: list) -> list[Target]:
    """The runs of a demo: its variants among ``available`` (``discover_all``) that are not
    missing, plus the extra-env runs."""
    located = {found.variant.name: found for found in available}
    wanted = spec.variants or tuple(catalog.load())
    targets = [Target(located[name]) for name in wanted if located[name].status != "missing"]
    for name, env in spec.extra_env:
        if located[name].status != "missing":
            targets.append(Target(located[name], env))
    return targets

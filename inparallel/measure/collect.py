"""Running a demo under several variants and turning the output into one stored record."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inparallel.build import builder, catalog
from inparallel.build.discovery import Located, locate
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import interference, noise, provenance
from inparallel.measure.runner import run_demo
from inparallel.records import model

DEFAULT_TIMEOUT_S = 600.0

RowCallback = Callable[[str, dict], None]


@dataclass(frozen=True)
class Target:
    """One interpreter to run a demo under, with the environment that defines the run.

    ``env`` is for runs such as a free-threaded build with ``PYTHON_GIL=1``; its label
    (``3.14t PYTHON_GIL=1``) tells the live output apart from the plain run.
    """

    located: Located
    env: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return " ".join([self.located.variant.name, *(f"{k}={v}" for k, v in self.env)])


def utc_now() -> str:
    """An ISO-8601 UTC timestamp to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


_warned: list[str] = []  # the busy-machine warning is given once per command


def warn_once(found: dict | None) -> None:
    """One line when other work took more of the CPUs than the timings can tolerate."""
    if found and found["disturbed"] and not _warned:
        _warned.append(found["reason"])
        console.print(f"[yellow]warning:[/] {found['reason']}", soft_wrap=True)


def warn_if_busy(seconds: float = 0.5) -> None:
    """Before a run: watch the machine for ``seconds`` and warn if others keep it busy.

    Nothing of ours runs meanwhile, so whatever is busy besides this process is someone
    else (unlike the load average, which still counts the previous demo for a minute).
    """
    before, own = interference.machine_cpu(), interference.harness_cpu()
    started = time.monotonic()
    time.sleep(seconds)
    after = interference.machine_cpu()
    if before is None or after is None:
        return
    usage = interference.Usage(time.monotonic() - started, after.busy_s - before.busy_s,
                               interference.harness_cpu() - own, after.steal_s - before.steal_s)
    warn_once(interference.summarize([usage], provenance.usable_cpus(), min_other_s=0.05))


def ensure(names: list[str], build_missing: bool = True) -> list[Located]:
    """Locate each variant, building the missing ones (with progress) when allowed."""
    located = []
    for variant in catalog.resolve_all(names):
        found = locate(variant)
        if found.status == "missing" and build_missing:
            builder.build(variant)
            found = locate(variant)
        if found.status == "missing":
            raise UserError(f"{variant.name} is not available; run: invoke build {variant.name}")
        located.append(found)
    return located


def _interpreter_record(target: Located) -> dict:
    assert target.info is not None
    info = target.info.to_dict()
    keep = ("executable", "version", "implementation", "free_threaded_build",
            "configure_args", "compiler")
    return {"origin": target.origin, **{k: info[k] for k in keep}}


def new_run(target: Target) -> dict:
    """One variant's run of a record before anything ran: its variant, environment and
    interpreter, no results yet."""
    return {
        "variant": target.located.variant.name,
        "env": dict(target.env),
        "interpreter": _interpreter_record(target.located),
        "gil_enabled_at_end": None,
        "duration_s": 0.0,
        "error": None,
        "results": [],
    }


def new_record(demo: str, title: str, runs: list[dict], usages: list[interference.Usage], *,
               quick: bool, command: str, settings: dict, started: str, **more: Any) -> dict:
    """The record of finished ``runs``: provenance, the interference their ``usages`` saw
    (warned about once), and ``more`` top-level fields (a demo's ``noise``)."""
    machine = provenance.machine()
    disturbance = interference.summarize(usages, machine["usable_cpus"],
                                         method=interference.method_of(usages))
    warn_once(disturbance)
    return {
        "schema_version": model.SCHEMA_VERSION,
        "demo": demo,
        "title": title,
        "quick": quick,
        "command": command,
        "started_at": started,
        "finished_at": utc_now(),
        "machine": machine,
        "repository": provenance.repository(),
        "settings": settings,
        "interference": disturbance,
        **more,
        "runs": runs,
    }


def collect(
    demo: str,
    title: str,
    targets: list[Target],
    arg_sets: list[list[str]],
    *,
    quick: bool,
    command: str,
    settings: dict,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_row: RowCallback = lambda _label, _row: None,
) -> dict:
    """Run ``demo`` once per argument set per variant (interleaved) and build its record.

    Interleaving the variants for each argument set spreads slow drifts of a shared
    machine (thermal, neighbours) over all variants instead of biasing one. The CPU time
    that other processes used meanwhile is the record's ``interference``.
    """
    started = utc_now()
    runs = {t.label: new_run(t) for t in targets}
    usages = []
    for args in arg_sets:
        for target in targets:
            name = target.label
            assert target.located.executable is not None
            outcome = run_demo(
                target.located.executable, demo, args + (["--quick"] if quick else []),
                timeout_s, on_row=lambda row, name=name: on_row(name, row),
                env=dict(target.env),
            )
            if outcome.usage is not None:
                usages.append(outcome.usage)
            run = runs[name]
            run["results"] += outcome.rows
            run["duration_s"] = round(run["duration_s"] + outcome.duration_s, 2)
            if outcome.interpreter is not None:
                run["gil_enabled_at_end"] = outcome.interpreter["gil_enabled_at_end"]
            if outcome.error:
                message = f"{demo} under {name} ({' '.join(args)}): {outcome.error}"
                console.print(f"[red]error:[/] {message}")
                run["error"] = run["error"] or message
    return new_record(
        demo, title, list(runs.values()), usages, quick=quick, command=command,
        settings=settings, started=started,
        noise=noise.summarize(row for run in runs.values() for row in run["results"]))

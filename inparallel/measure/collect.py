"""Running a demo under several variants and turning the output into one stored record."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from inparallel.build import builder, catalog
from inparallel.build.discovery import Located, locate
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import provenance
from inparallel.measure.runner import run_demo
from inparallel.records import store

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


def warn_if_busy() -> None:
    """Say so when other work competes for the cores: the numbers would not be trustworthy."""
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load > 0.5 * cores:
        console.print(
            f"[yellow]warning:[/] the machine is busy (load average {load:.1f} on {cores} cores);"
            " other work will skew these timings: stop it or expect noise"
        )


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
    machine (thermal, neighbours) over all variants instead of biasing one.
    """
    started = utc_now()
    runs = {
        t.label: {
            "variant": t.located.variant.name,
            "env": dict(t.env),
            "interpreter": _interpreter_record(t.located),
            "gil_enabled_at_end": None,
            "duration_s": 0.0,
            "error": None,
            "results": [],
        }
        for t in targets
    }
    for args in arg_sets:
        for target in targets:
            name = target.label
            assert target.located.executable is not None
            outcome = run_demo(
                target.located.executable, demo, args + (["--quick"] if quick else []),
                timeout_s, on_row=lambda row, name=name: on_row(name, row),
                env=dict(target.env),
            )
            run = runs[name]
            run["results"] += outcome.rows
            run["duration_s"] = round(run["duration_s"] + outcome.duration_s, 2)
            if outcome.interpreter is not None:
                run["gil_enabled_at_end"] = outcome.interpreter["gil_enabled_at_end"]
            if outcome.error:
                message = f"{demo} under {name} ({' '.join(args)}): {outcome.error}"
                console.print(f"[red]error:[/] {message}")
                run["error"] = run["error"] or message
    return {
        "schema_version": store.SCHEMA_VERSION,
        "demo": demo,
        "title": title,
        "quick": quick,
        "command": command,
        "started_at": started,
        "finished_at": utc_now(),
        "machine": provenance.machine(),
        "repository": provenance.repository(),
        "settings": settings,
        "runs": list(runs.values()),
    }

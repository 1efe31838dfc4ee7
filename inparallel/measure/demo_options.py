"""The options of one demo run: checked before any work starts, and the one source of the
``settings`` and ``command`` a record stores.

``invoke demo NAME`` and ``invoke bench`` both build a ``DemoOptions`` (``parse``), so the same
options always give the same stored ``settings`` and ``command``, and that command is exactly
what reproduces the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from inparallel.errors import UserError
from inparallel.measure import demo_rules
from inparallel.measure.registry import REGISTRY, DemoSpec, spec_for


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
    time_cap: float | None = None  # seconds per point; None: the demo's own for its run size

    @property
    def run_size(self) -> str:
        """How big the whole run is: ``full``, ``quick`` (a smoke test) or ``stage`` (the
        talk's slot); stored as ``settings.size`` and passed on to demos/harness.py."""
        return "quick" if self.quick else "stage" if self.stage else "full"

    @property
    def settings(self) -> dict:
        """What a record stores as its ``settings``: identical for demo and bench."""
        revision = REGISTRY[self.name].revision if self.name in REGISTRY else 1
        return {"size": self.run_size, "workers": list(self.workers) if self.workers else None,
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
        if self.run_size != "full":
            parts.append(f"--{self.run_size}")
        return " ".join(parts)

    def arg_sets(self, spec: DemoSpec, cores: int) -> list[list[str]]:
        """The demo script's arguments, one list per process (``--quick`` is collect's)."""
        common = (["--repeats", str(self.repeats)] if self.repeats else []) + (
            ["--time-cap", f"{self.time_cap:g}"] if self.time_cap else []) + (
            ["--stage"] if self.stage else [])
        if spec.point_per_process:
            counts = self.workers or demo_rules.worker_counts(cores)
            return [["--workers", str(n), *common] for n in counts]
        workers = ["--workers", ",".join(map(str, self.workers))] if self.workers else []
        return [[*workers, *common]]


def _parse_workers(text: str) -> tuple[int, ...] | None:
    names = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not names:
        return None
    bad = [part for part in names if not re.fullmatch(r"[0-9]+", part)
           or not 1 <= int(part) <= demo_rules.MAX_WORKERS]
    if bad:
        raise UserError(f"--workers {text!r}: {bad[0]!r} is not a worker count; give whole "
                        f"numbers from 1 to {demo_rules.MAX_WORKERS}, e.g. --workers 1,2,4",
                        code=2)
    counts = tuple(int(part) for part in names)
    if len(set(counts)) != len(counts):
        raise UserError(f"--workers {text!r} repeats a count; give each once, e.g. "
                        "--workers 1,2,4", code=2)
    return counts


def _parse_repeats(text: str | int) -> int | None:
    text = str(text).strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text) or not 1 <= int(text) <= demo_rules.MAX_REPEATS:
        raise UserError(f"--repeats {text!r} is not a repeat count; give a whole number from 1 "
                        f"to {demo_rules.MAX_REPEATS}, e.g. --repeats 5 (or leave it out)", code=2)
    return int(text)


def _parse_time_cap(text: str | float) -> float | None:
    text = str(text).strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not demo_rules.MIN_TIME_CAP_S <= seconds <= demo_rules.MAX_TIME_CAP_S:  # nan, inf: False
        raise UserError(f"--time-cap {text!r} is not a time per point; give seconds from "
                        f"{demo_rules.MIN_TIME_CAP_S:g} to {demo_rules.MAX_TIME_CAP_S:g}, "
                        "e.g. --time-cap 5 (or leave it out)", code=2)
    return seconds


def parse(name: str, workers: str = "", repeats: str | int = "", quick: bool = False,
          stage: bool = False, time_cap: str | float = "") -> DemoOptions:
    """Check a demo's options before any work starts; a bad one is one line naming the fix.

    The limits are the demos' own (``demo_rules``, read from demos/limits.py and
    demos/placement.py): a typo (10000 workers) is caught before a demo tries to start that
    many processes, and before anything is built.
    """
    spec_for(name)
    if quick and stage:
        raise UserError("--quick (a smoke test) and --stage (the talk's size) exclude each "
                        "other; choose one", code=2)
    return DemoOptions(name, _parse_workers(workers), _parse_repeats(repeats), quick, stage,
                       _parse_time_cap(time_cap))

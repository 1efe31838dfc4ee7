"""The single-thread cost on the standard suite: a pinned subset of pyperformance, run with pyperf.

``invoke suite`` runs the benchmarks below under every free-threaded build, its GIL build and
the free-threaded build again with ``PYTHON_GIL=1`` (the pairs 3.13/3.13t, 3.14/3.14t,
3.15/3.15t that are available here), one ``pyperformance run`` per interpreter, and stores one
record in ``data/pyperformance/``: a row per benchmark holding every value pyperf took, and each
run's whole pyperf JSON document (``pyperf`` in the run) for ``pyperf compare_to`` and friends.

The benchmarks need nothing beyond the standard library (pyperformance installs pyperf and
psutil into a virtual environment per interpreter, under ``build/pyperformance/``), so they run
on every variant, free-threaded and release candidates included.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from inparallel import units
from inparallel.build.discovery import discover_all
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import collect, interference
from inparallel.measure.collect import Target
from inparallel.measure.registry import GIL_ON, DemoSpec, targets_for
from inparallel.paths import REPO
from inparallel.records import store
from inparallel.records.intervals import median_ci

DEMO = "pyperformance"
TITLE = "Single-thread cost on the pyperformance suite (pinned subset)"
STRATEGY = "pyperformance"

# The pinned subset: pyperformance benchmark name -> the kind of code it stands for. Every one
# needs only the standard library, so that it installs and runs on every variant.
BENCHMARKS: dict[str, str] = {
    "nbody": "numeric", "float": "numeric", "spectral_norm": "numeric", "pidigits": "numeric",
    "richards": "objects", "deltablue": "objects", "chaos": "objects", "go": "objects",
    "raytrace": "objects",
    "pprint": "strings",  # two results: pprint_safe_repr, pprint_pformat
    "regex_v8": "regex", "regex_effbot": "regex", "regex_dna": "regex",
    "json_dumps": "json", "json_loads": "json",
    "async_tree": "async",  # its result is named async_tree_none
    "coroutines": "async", "generators": "generators",
}
# The pairs the suite compares; a free-threaded build also runs with PYTHON_GIL=1.
VARIANTS = ("3.13", "3.13t", "3.14", "3.14t", "3.15", "3.15t")
MODES = {"fast": "--fast", "rigorous": "--rigorous"}
TIMEOUT_S = 3600.0  # one interpreter's whole run; a hang ends here instead of never
SPEC = DemoSpec(DEMO, TITLE, VARIANTS, extra_env=GIL_ON)


def venv_dir() -> Path:
    """Where pyperformance keeps its virtual environments (one per interpreter, reused)."""
    return REPO / "build" / "pyperformance"


@dataclass(frozen=True)
class SuiteOptions:
    """The options of a suite run; ``settings`` and ``command`` derive from them."""

    variants: tuple[str, ...] = VARIANTS
    benchmarks: tuple[str, ...] = tuple(BENCHMARKS)
    mode: str = "fast"

    @property
    def settings(self) -> dict:
        """What the record stores as its ``settings``: what defines a comparable run."""
        return {"benchmarks": list(self.benchmarks), "mode": self.mode,
                "pyperformance": _version("pyperformance")}

    @property
    def command(self) -> str:
        """The exact command that reproduces a record made with these options."""
        parts = ["invoke suite"]
        if self.variants != VARIANTS:
            parts.append("--variants " + ",".join(self.variants))
        if self.benchmarks != tuple(BENCHMARKS):
            parts.append("--benchmarks " + ",".join(self.benchmarks))
        if self.mode != "fast":
            parts.append(f"--mode {self.mode}")
        return " ".join(parts)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        raise UserError(f"{package} is not installed; install the project's dependencies: "
                        ".venv/bin/pip install -e .") from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part for part in re.split(r"[,\s]+", text.strip()) if part))


def parse_options(variants: str = "", benchmarks: str = "", mode: str = "fast") -> SuiteOptions:
    """Check the options before anything runs; a bad one is one line naming the fix."""
    chosen = _names(variants) or VARIANTS
    unknown = [name for name in chosen if name not in VARIANTS]
    if unknown:
        raise UserError(f"--variants: unknown variant {unknown[0]!r}; the suite compares "
                        f"{', '.join(VARIANTS)} (give some of them, e.g. --variants 3.14,3.14t)",
                        code=2)
    picked = _names(benchmarks) or tuple(BENCHMARKS)
    unknown = [name for name in picked if name not in BENCHMARKS]
    if unknown:
        raise UserError(f"--benchmarks: unknown benchmark {unknown[0]!r}; the pinned subset is "
                        f"{', '.join(BENCHMARKS)}", code=2)
    if mode not in MODES:
        raise UserError(f"--mode {mode!r}: give fast (the default) or rigorous", code=2)
    # Keep the catalog's order and the suite's order, so the same choice is the same command.
    return SuiteOptions(tuple(v for v in VARIANTS if v in chosen),
                        tuple(b for b in BENCHMARKS if b in picked), mode)


# --- pyperf JSON -> rows ---------------------------------------------------------------------


class BadPyperfOutput(UserError):
    """A pyperf JSON document that cannot be read as benchmark results."""


def benchmark_of(result: str) -> str | None:
    """The pinned benchmark a pyperf result name belongs to (``pprint_pformat`` -> ``pprint``)."""
    if result in BENCHMARKS:
        return result
    owners = [name for name in BENCHMARKS if result.startswith(name + "_")]
    return max(owners, key=len) if owners else None


def _row(name: str, values: list[float], loops: Any) -> dict:
    interval = median_ci(values) if len(values) >= 3 else None
    return {
        "workload": name, "strategy": STRATEGY, "workers": 1,
        "params": {"benchmark": benchmark_of(name) or name,
                   "kind": BENCHMARKS.get(benchmark_of(name) or "", "other"),
                   "loops": loops if isinstance(loops, int) else None},
        "unit": "s", "values": values,
        "median": statistics.median(values), "min": min(values), "max": max(values),
        "ci_low": interval[0] if interval else None, "ci_high": interval[1] if interval else None,
        # pyperf's own processes and values, not the harness's adaptive rule.
        "converged": None, "correct": None, "available": True, "reason": None, "error": None,
    }


def pyperf_rows(doc: Any, source: str = "pyperf output") -> list[dict]:
    """One row per benchmark of a pyperf JSON document: every value of every worker process,
    in the order taken (warm-ups and calibration runs left out), in seconds."""
    if not isinstance(doc, dict) or not isinstance(doc.get("benchmarks"), list):
        raise BadPyperfOutput(f"{source}: not a pyperf benchmark suite (no 'benchmarks' list); "
                              "give the JSON file that pyperf or pyperformance wrote with -o")
    common = doc.get("metadata") or {}
    rows = []
    for i, bench in enumerate(doc["benchmarks"]):
        meta = {**common, **(bench.get("metadata") or {})}
        name = meta.get("name")
        if not isinstance(name, str) or not name:
            raise BadPyperfOutput(f"{source}: benchmark {i} has no name")
        if meta.get("unit", "second") != "second":
            raise BadPyperfOutput(f"{source}: {name} is in {meta['unit']!r}, not seconds")
        values = [v for run in bench.get("runs", []) for v in run.get("values", [])]
        bad = [v for v in values if not isinstance(v, int | float) or not v >= 0
               or v == float("inf")]
        if bad or not values:
            raise BadPyperfOutput(f"{source}: {name} has "
                                  f"{'a bad value ' + repr(bad[0]) if bad else 'no values'}; "
                                  "run the benchmark again")
        rows.append(_row(name, [float(v) for v in values], meta.get("loops")))
    return rows


# --- running ---------------------------------------------------------------------------------


def pyperformance_command(python: Path, options: SuiteOptions, output: Path,
                          env: dict[str, str]) -> list[str]:
    """The ``pyperformance run`` command line for one interpreter."""
    command = [sys.executable, "-m", "pyperformance", "run", MODES[options.mode],
               "--python", str(python), "--benchmarks", ",".join(options.benchmarks),
               "--output", str(output)]
    if env:  # pyperf gives its worker processes a clean environment unless told otherwise
        command += ["--inherit-environ", ",".join(sorted(env))]
    return command


def _gil_enabled(python: Path, env: dict[str, str]) -> bool | None:
    """The interpreter's GIL state under ``env`` (what the benchmarks ran with)."""
    code = "import sys; print(int(getattr(sys, '_is_gil_enabled', lambda: True)()))"
    found = subprocess.run([str(python), "-c", code], capture_output=True, text=True,
                           env={**os.environ, **env}, timeout=60)
    return bool(int(found.stdout)) if found.returncode == 0 and found.stdout.strip() else None


def _own_cpu() -> float:
    """CPU seconds of this process and of every child it has waited for: pyperformance and
    its benchmark processes are all reaped, so their time is ours, not interference."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _run_one(target: Target, options: SuiteOptions, folder: Path) -> tuple[dict, Any]:
    """One interpreter's pyperformance run: its record run and its interference usage."""
    python = target.located.executable
    assert python is not None
    env = dict(target.env)
    output = folder / f"{target.label.replace(' ', '_').replace('=', '-')}.json"
    command = pyperformance_command(python, options, output, env)
    venv_dir().mkdir(parents=True, exist_ok=True)
    before, started = interference.machine_cpu(), time.monotonic()
    own_before = _own_cpu()
    try:
        process = subprocess.run(command, cwd=venv_dir(), env={**os.environ, **env},
                                 capture_output=True, text=True, timeout=TIMEOUT_S)
        code, tail = process.returncode, (process.stderr or process.stdout).strip()
    except subprocess.TimeoutExpired:
        code, tail = None, f"timed out after {TIMEOUT_S:.0f}s"
    wall = time.monotonic() - started
    after = interference.machine_cpu()
    usage = None
    if before and after:
        usage = interference.Usage(wall, after.busy_s - before.busy_s, _own_cpu() - own_before,
                                   after.steal_s - before.steal_s)
    run = {**collect.new_run(target), "gil_enabled_at_end": _gil_enabled(python, env),
           "duration_s": round(wall, 2)}
    if code != 0 or not output.exists():
        # pyperformance goes on past a failing benchmark: keep what the others measured.
        last = tail.splitlines()[-1] if tail else "no output"
        run["error"] = f"pyperformance under {target.label} failed: {last}"
    if output.exists():
        doc = json.loads(output.read_text())
        run["results"] = pyperf_rows(doc, str(output))
        run["pyperf"] = doc
    return run, usage


def run(options: SuiteOptions, available: list | None = None) -> Path:
    """Run the suite under each chosen variant (and PYTHON_GIL=1), store one record."""
    _version("pyperformance")
    spec = DemoSpec(DEMO, TITLE, options.variants,
                    extra_env=tuple(e for e in GIL_ON if e[0] in options.variants))
    targets = targets_for(spec, available or discover_all())
    if not targets:
        raise UserError("no variant for the suite is available; run: invoke build "
                        + ",".join(options.variants))
    collect.warn_if_busy()
    count = len(options.benchmarks)
    console.print(f"[bold]{TITLE}[/]: {count} benchmark{'s' if count != 1 else ''}, "
                  f"{options.mode}, " + ", ".join(t.label for t in targets))
    started = collect.utc_now()
    runs, usages = [], []
    with tempfile.TemporaryDirectory(prefix="pyperformance-") as folder:
        for target in targets:
            console.print(f"{target.label}: pyperformance run ...")
            one, usage = _run_one(target, options, Path(folder))
            runs.append(one)
            if usage is not None:
                usages.append(usage)
            console.print(f"{target.label}: {one['error'] or 'done'} "
                          f"({units.elapsed(one['duration_s'])})", soft_wrap=True)
    record = collect.new_record(DEMO, TITLE, runs, usages, quick=False, command=options.command,
                                settings=options.settings, started=started)
    path = store.write(record)
    console.print(f"stored: {path}", soft_wrap=True)
    return path


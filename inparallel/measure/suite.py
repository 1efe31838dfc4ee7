"""The demo suite: which demos exist, what each runs under, and `invoke bench` over all."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from inparallel.build import catalog
from inparallel.build.discovery import discover_all
from inparallel.console import console
from inparallel.errors import UserError
from inparallel.measure import collect
from inparallel.measure.collect import Target
from inparallel.measure.runner import demo_script
from inparallel.records import store


@dataclass(frozen=True)
class DemoSpec:
    """A demo as the harness runs it.

    ``variants`` None means every variant available here. ``extra_env`` adds runs of a
    variant under an extra environment (a free-threaded build with ``PYTHON_GIL=1``).
    """

    name: str
    title: str
    variants: tuple[str, ...] | None = None
    extra_env: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    timeout_s: float = 900.0


# The free-threaded builds again with their GIL switched back on, to separate the cost
# of the build from the cost of running without the GIL.
GIL_ON = tuple((name, (("PYTHON_GIL", "1"),)) for name in ("3.13t", "3.14t", "3.15t"))

REGISTRY: dict[str, DemoSpec] = {
    spec.name: spec
    for spec in (
        DemoSpec("nogil", "CPU-bound threads: GIL build vs free-threaded build", ("3.14", "3.14t")),
        # cpu, overhead, startup, memory
        DemoSpec("cpu", "CPU-bound scaling: every strategy, 1..N workers", timeout_s=400),
        DemoSpec("overhead", "Free-threaded single-thread cost", extra_env=GIL_ON, timeout_s=200),
        DemoSpec("startup", "Start-up cost of a worker, per strategy", timeout_s=200),
        DemoSpec("memory", "Memory of N idle and N busy workers (PSS)", timeout_s=300),
        # transfer, io, contention, compat
        DemoSpec("transfer", "Moving data to a worker and back, 1 KB to 64 MB"),
        DemoSpec("io", "I/O-bound requests to a local server: where the GIL does not matter"),
        DemoSpec("contention", "Free-threading pitfalls: one shared object vs per-thread work"),
        DemoSpec("compat", "What works where: sub-interpreter imports, the GIL coming back"),
    )
}


def spec_for(name: str) -> DemoSpec:
    """The demo called ``name``; an unknown one is a usage error listing the known demos."""
    if name not in REGISTRY or not demo_script(name).exists():
        known = ", ".join(n for n in REGISTRY if demo_script(n).exists())
        raise UserError(f"unknown demo {name!r}; known demos: {known}", code=2)
    return REGISTRY[name]


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
        return str(params["module"])
    if "size_bytes" in params:
        size = float(params["size_bytes"])
        for unit in ("B", "KB", "MB", "GB"):
            if size < 1024:
                return f"{size:.0f} {unit}"
            size /= 1024
    return ""


def _print_row(label: str, row: dict) -> None:
    if not row["available"]:
        outcome = f"[yellow]not available[/]: {row['reason']}"
    elif row["error"]:
        outcome = f"[red]error[/]: {row['error']}"
    else:
        check = {True: "[green]✓[/]", False: "[red]✗ wrong answer[/]", None: ""}[row["correct"]]
        outcome = f"median {row['median']:.4g} {row['unit']} {check}"
    console.print(
        f"  {label:<20} {row['workload']:<14} {_detail(row['params']):<12} "
        f"{row['strategy']:<22} x{row['workers']:<3} {outcome}"
    )


def run(name: str, args: list[str], quick: bool, command: str,
        available: list | None = None, on_row=_print_row) -> Path:
    """Run one demo under all of its available variants and store the record."""
    spec = spec_for(name)
    if available is None:  # a single demo; `bench` checks once, before its own load starts
        collect.warn_if_busy()
    targets = targets_for(spec, available)
    if not targets:
        raise UserError(f"no variant for {name} is available; run: invoke build --all")
    console.print(f"[bold]{spec.title}[/]: " + ", ".join(t.label for t in targets))
    record = collect.collect(
        name, spec.title, targets, [args], quick=quick, command=command,
        settings={"args": args}, timeout_s=spec.timeout_s, on_row=on_row,
    )
    path = store.write(record)
    console.print(f"stored: {path}", soft_wrap=True)
    return path


def bench(quick: bool, names: list[str] | None = None) -> list[Path]:
    """Every demo under every available variant, with an overall progress bar and ETA."""
    collect.warn_if_busy()
    available = discover_all()
    missing = [found.variant.name for found in available if found.status == "missing"]
    if missing:
        console.print(f"[yellow]not available here (skipped):[/] {', '.join(missing)}")
    specs = [spec_for(n) for n in (names or [n for n in REGISTRY if demo_script(n).exists()])]
    stored = []
    columns = (TextColumn("{task.description}"), BarColumn(),
               TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        overall = progress.add_task("bench", total=len(specs))
        for spec in specs:
            progress.update(overall, description=f"bench: {spec.name}")
            command = f"invoke demo {spec.name}" + (" --quick" if quick else "")
            stored.append(run(spec.name, [], quick, command, available))
            progress.advance(overall)
    return stored

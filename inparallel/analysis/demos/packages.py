"""The packages demo: popular packages with compiled code on free-threaded builds and in
sub-interpreters."""

from __future__ import annotations

from typing import Any

from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def package_verdicts(result: m.ResultLike, variant: str, workload: str) -> dict[str, bool]:
    """Package -> the yes/no of one of its checks on ``variant`` (a ``bool`` row, 1 is yes),
    run without an extra environment; packages whose check did not run are left out."""
    return {p.params["package"]: bool(p.median)
            for p in result.select(variant=variant, workload=workload)
            if p.ok and not p.env and "package" in p.params}


def package_speedups(result: m.ResultLike, variant: str) -> dict[str, tuple[int, m.Estimate]]:
    """Package -> (threads, throughput speedup of its representative call over one thread) at
    the most threads measured on ``variant``; only calls that gave the correct answers."""
    by_package: dict[str, list[Any]] = {}
    for point in result.select(variant=variant, workload="call", strategy="threads"):
        if not point.env and point.correct is not False:
            by_package.setdefault(point.params.get("package", ""), []).append(point)
    found = {}
    for package, points in by_package.items():
        top = m.at_most_workers(m.speedups(points))
        if top is not None and top[0] > 1:
            found[package] = top
    return found


def _unexplained(result: m.ResultLike, variant: str, workload: str, verdict: bool,
                 key: str) -> list[str]:
    """Packages whose ``workload`` check on ``variant`` said ``verdict`` without ``params[key]``
    (the warning or the error that should come with it)."""
    return sorted(p.params["package"] for p in result.select(variant=variant, workload=workload)
                  if p.ok and bool(p.median) is verdict and not p.params.get(key))


def packages_gil_stays_off(result: m.ResultLike) -> Verdict:
    """How many packages keep the GIL off after their import; each that does not, warned."""
    _, free = m.focus_pair(result)
    gil_after = package_verdicts(result, free, "gil-after-import") if free else {}
    if free is None or not gil_after:
        return Verdict.no_data("needs the packages demo on a free-threaded build")
    back = sorted(name for name, on in gil_after.items() if on)
    silent = _unexplained(result, free, "gil-after-import", True, "warning")
    numbers = {"free": free, "k": str(len(gil_after) - len(back)), "n": str(len(gil_after)),
               "back": (f"it came back, with a warning, for: {', '.join(back)}" if back
                        else "none turned it back on")}
    return Verdict.of(not silent, numbers,
                      "every package that turned the GIL back on warned "
                      f"(silent: {silent or 'none'})")


def packages_subinterpreters(result: m.ResultLike) -> Verdict:
    """How many packages import in an isolated sub-interpreter; each refusal has its error."""
    gil, _ = m.focus_pair(result)
    verdicts = package_verdicts(result, gil, "subinterpreter-import") if gil else {}
    if gil is None or not verdicts:
        return Verdict.no_data("needs the packages demo on a GIL build")
    refused = sorted(name for name, ok in verdicts.items() if not ok)
    unexplained = _unexplained(result, gil, "subinterpreter-import", False, "message")
    numbers = {"gil": gil, "k": str(len(verdicts) - len(refused)), "n": str(len(verdicts)),
               "refused": ", ".join(refused) or "none"}
    return Verdict.of(not unexplained, numbers,
                      f"every refusal recorded its ImportError (without: {unexplained or 'none'})")


def findings() -> tuple[Finding, ...]:
    """The packages demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "packages-gil-stays-off", "packages",
            "On {free}, {k} of {n} popular packages with compiled code kept the GIL off after "
            "their import; {back}.",
            packages_gil_stays_off),
        Finding(
            "packages-subinterpreters", "packages",
            "On {gil}, {k} of {n} popular packages with compiled code imported in an isolated "
            "sub-interpreter; refused: {refused}.",
            packages_subinterpreters),
    )

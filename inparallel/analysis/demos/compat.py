"""The compat demo: what a C extension's free-threading declaration does to the GIL."""

from __future__ import annotations

from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def extension_reenables_gil(result: m.ResultLike) -> Verdict:
    """An extension without the free-threading declaration turns the GIL on, with a warning."""
    _, free = m.focus_pair(result)
    undeclared = [p for p in result.select(variant=free, workload="gil-after-import",
                                           strategy="no-Py_mod_gil") if p.ok]
    declared = [p for p in result.select(variant=free, workload="gil-after-import",
                                         strategy="Py_MOD_GIL_NOT_USED") if p.ok]
    if not undeclared or not declared:
        return Verdict.no_data("needs the compat demo's extension imports on a free-threaded build")
    on_after = bool(undeclared[0].median)
    warned = bool(undeclared[0].params.get("warning"))
    stays_off = not declared[0].median
    return Verdict.of(on_after and warned and stays_off, {"free": free},
                      f"undeclared: GIL on after import {on_after}, warning {warned}; "
                      f"declared: GIL stays off {stays_off}")


def findings() -> tuple[Finding, ...]:
    """The compat demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "extension-reenables-gil", "compat",
            "On {free}, importing a C extension that does not declare free-threading support "
            "turned the GIL back on, with a warning; one that declares `Py_MOD_GIL_NOT_USED` left "
            "it off.",
            extension_reenables_gil),
    )

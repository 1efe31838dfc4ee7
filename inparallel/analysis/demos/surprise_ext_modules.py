"""A surprise the demos found (issue 21): standard-library extension modules that refuse
sub-interpreters, imported in each kind of sub-interpreter (demos/surprise_ext_modules.py).

The Surprises page (docs/surprises.md) explains the cause.
"""

from __future__ import annotations

from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict

#: The standard-library modules the compat demo found refused by isolated sub-interpreters.
EXT_MODULES = ("readline", "_curses", "_tkinter", "_tracemalloc", "faulthandler")
#: A module that declares Py_MOD_PER_INTERPRETER_GIL_SUPPORTED: it must import everywhere.
EXT_CONTROL = "zlib"
#: The sub-interpreter kinds the reproducer imports them in (its CONFIGS).
EXT_CONFIGS = ("isolated", "shared-gil", "legacy")


def _ext_imports(result: m.ResultLike, variant: str | None) -> dict[tuple[str, str], bool]:
    """(module, sub-interpreter kind) -> whether the import worked, for ``variant``."""
    return {(str(p.params.get("module")), p.strategy): bool(p.median)
            for p in result.select(variant=variant, workload="ext-import")
            if p.ok and not p.env}


def _names(modules: list[str]) -> str:
    return ", ".join(modules) or "none"


def surprise_ext_modules(result: m.ResultLike) -> Verdict:
    """Every module is refused by an isolated sub-interpreter and imports in a legacy one on the
    GIL build; the control imports everywhere. The sentence sorts the refusals by their cause."""
    gil, free = m.focus_pair(result)
    wanted = [(mod, kind) for mod in (*EXT_MODULES, EXT_CONTROL) for kind in EXT_CONFIGS]
    on_gil, on_free = _ext_imports(result, gil), _ext_imports(result, free)
    if not all(key in on_gil and key in on_free for key in wanted):
        return Verdict.no_data("needs the surprise_ext_modules demo on a GIL and a free-threaded "
                               "build (3.13 or later)")
    refused = [x for x in EXT_MODULES if not on_gil[x, "isolated"]]
    checked = [x for x in EXT_MODULES if not on_gil[x, "shared-gil"]]
    own_gil = [x for x in refused if x not in checked]
    legacy = [x for x in EXT_MODULES if on_gil[x, "legacy"]]
    control = all(on_gil[EXT_CONTROL, k] and on_free[EXT_CONTROL, k] for k in EXT_CONFIGS)
    numbers = {"gil": str(gil), "free": str(free), "n": str(len(EXT_MODULES)),
               "refused": _names(refused), "checked": _names(checked),
               "own_gil": _names(own_gil), "legacy": _names(legacy), "control": EXT_CONTROL,
               "free_legacy": _names([x for x in EXT_MODULES if not on_free[x, "legacy"]])}
    ok = len(refused) == len(legacy) == len(EXT_MODULES) and control
    return Verdict.of(ok, numbers,
                      f"refused by an isolated sub-interpreter on {gil}: {_names(refused)}; "
                      f"imported in a legacy one: {_names(legacy)}; {EXT_CONTROL} imported "
                      f"in every kind on both builds: {control}")


def findings() -> tuple[Finding, ...]:
    """The surprise_ext_modules demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "surprise-ext-modules", "surprise_ext_modules",
            "On {gil}, an isolated sub-interpreter (its own GIL, as `concurrent.interpreters` "
            "creates) refused {refused}. A sub-interpreter that checks extensions but shares the "
            "main interpreter's GIL refused {checked} as well; it imported {own_gil}. A legacy "
            "sub-interpreter (the main GIL, no check) imported {legacy}. On {free}, even the "
            "legacy kind refused {free_legacy}. The control, {control}, imported in every kind "
            "on both builds.",
            surprise_ext_modules),
    )

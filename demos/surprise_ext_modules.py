"""Which sub-interpreters refuse five standard-library extension modules, and why.

Each module is imported in a fresh sub-interpreter of three kinds (_interpreters.new_config):
- isolated: its own GIL, extensions checked: what concurrent.interpreters.create() makes;
- shared-gil: checked too, but sharing the main interpreter's GIL;
- legacy: the main GIL, unchecked (the free-threaded build checks even these: gh-117649).
A single-phase module, or one declaring Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED, is refused
by both checked kinds; one left at the default (Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED) only by
an interpreter with its own GIL. zlib (Py_MOD_PER_INTERPRETER_GIL_SUPPORTED) is the control.

    python3.14 demos/surprise_ext_modules.py
"""

import json
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import failures
import harness

# --8<-- [start:configs]
MODULES = ("readline", "_curses", "_tkinter", "_tracemalloc", "faulthandler", "zlib")
CONFIGS = {"isolated": ("isolated", {}), "shared-gil": ("isolated", {"gil": "shared"}),
           "legacy": ("legacy", {})}


def try_import(module, kind):
    """None if ``import module`` works in a new sub-interpreter of ``kind``, else the error."""
    import _interpreters  # 3.13+
    name, overrides = CONFIGS[kind]
    interp = _interpreters.create(_interpreters.new_config(name, **overrides))
    try:
        failed = _interpreters.exec(interp, f"import {module}")  # an error is returned
    finally:
        _interpreters.destroy(interp)
    return None if failed is None else f"{failed.type.__name__}: {failed.msg}"
# --8<-- [end:configs]


def in_new_process(module, kind):
    """try_import in a fresh process: a refused import may leave state in the main one."""
    done = subprocess.run(
        [sys.executable, "-c", "import json, surprise_ext_modules as s; "
         f"print(json.dumps(s.try_import({module!r}, {kind!r})))"],
        cwd=Path(__file__).parent, capture_output=True, text=True, timeout=60)
    if done.returncode:
        raise RuntimeError((done.stderr.strip().splitlines() or ["no output"])[-1])
    return json.loads(done.stdout.splitlines()[-1])


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], dict.fromkeys(("full", "stage", "quick"),
                                                                     MODULES), argv)
    out = harness.Output(args.json)
    for module in args.size:
        for kind in CONFIGS:
            params = {"module": module, "config": kind,
                      "builtin": module in sys.builtin_module_names}
            if sys.version_info < (3, 13):
                out.emit(harness.unavailable("ext-import", kind, 1, "no interpreter configs "
                                             "before 3.13 (_interpreters.new_config)", params,
                                             unit="bool"))
            elif find_spec(module) is None:
                out.emit(harness.unavailable("ext-import", kind, 1, "not in this build", params,
                                             unit="bool"))
            else:
                try:
                    error = in_new_process(module, kind)
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as crashed:
                    out.emit(harness.row("ext-import", kind, 1, [], unit="bool", params=params,
                                         error=failures.failure(crashed)))
                    continue
                out.emit(harness.row("ext-import", kind, 1, [0 if error else 1], unit="bool",
                                     params={**params, "message": error}))
    out.finish()


if __name__ == "__main__":
    main()

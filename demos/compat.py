"""What works where, measured: extension modules in sub-interpreters, and the GIL coming back.

1. Which standard-library extension modules import in an isolated sub-interpreter (its own
   GIL), on this version: the kind concurrent.interpreters.create() makes. A module that keeps
   global state in C (single-phase init), says it cannot share a process with other
   interpreters, or does not say it supports an interpreter with its own GIL (no
   Py_mod_multiple_interpreters slot: faulthandler) fails with ImportError there
   (demos/surprise_ext_modules.py sorts them by cause).
2. On a free-threaded build: importing a C extension that does not declare free-threading
   support (no Py_mod_gil slot) turns the GIL back on for the whole process, with only a
   RuntimeWarning; one that declares Py_MOD_GIL_NOT_USED keeps it off. Both are built
   from demos/ext/tinyext.c with this interpreter's headers, right now.

Every check runs in a fresh process: a failed import can leave an interpreter in a bad
state (3.12 once crashed on exit after _datetime), and the GIL, once back, stays on.

    python3.14t demos/compat.py
"""

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import failures
import harness
import placement

HERE = Path(__file__).resolve().parent
MODULES = (
    "_decimal", "_ssl", "_sqlite3", "readline", "_curses", "_tkinter", "_ctypes", "_json",
    "zlib", "array", "math", "_datetime", "_pickle", "select", "mmap", "pyexpat",
    "_elementtree", "unicodedata", "_socket", "_lzma", "_bz2", "_zstd", "_tracemalloc",
    "faulthandler",
)
# --quick checks a few that differ between versions, one of them new in 3.14 (_zstd).
QUICK = ("_decimal", "_datetime", "_ctypes", "readline", "zlib", "_zstd")
SIZES = {"full": MODULES, "stage": QUICK, "quick": QUICK}


# --- 1. Import a module in a fresh isolated sub-interpreter, with each version's API ---

def import_in_subinterpreter(name):
    """None if ``import name`` works in a new isolated sub-interpreter, else the error."""
    code = f"import {name}"
    if sys.version_info >= (3, 14):
        from concurrent import interpreters
        interp = interpreters.create()  # isolated: own GIL, multi-phase extensions only
        try:
            interp.exec(code)
        except interpreters.ExecutionFailed as failed:
            return f"{failed.excinfo.type.__name__}: {failed.excinfo.msg}"
        finally:
            interp.close()
    elif sys.version_info >= (3, 13):
        import _interpreters
        interp = _interpreters.create()  # the 'isolated' config
        try:
            failed = _interpreters.exec(interp, code)  # returns the error, does not raise
        finally:
            _interpreters.destroy(interp)
        if failed is not None:
            return f"{failed.type.__name__}: {failed.msg}"
    else:
        import _xxsubinterpreters
        interp = _xxsubinterpreters.create(isolated=True)
        try:
            _xxsubinterpreters.run_string(interp, code)
        except _xxsubinterpreters.RunFailedError as failed:
            return str(failed).replace("<class '", "").replace("'>", "")  # only text crosses
        finally:
            _xxsubinterpreters.destroy(interp)
    return None


def probe_module(name):
    """In the child process: can this interpreter import ``name`` at all, then isolated?"""
    try:
        __import__(name)
    except ImportError as error:
        return {"present": False, "error": f"{type(error).__name__}: {error}"}
    return {"present": True, "error": import_in_subinterpreter(name)}


# --- 2. A C extension with and without the free-threading declaration ---

def build_extension(name, declare_nogil, folder):
    """Compile demos/ext/tinyext.c as module ``name`` with this interpreter's headers."""
    compiler = shlex.split(sysconfig.get_config_var("CC") or "cc")
    if not shutil.which(compiler[0]):
        raise FileNotFoundError(f"no C compiler ({compiler[0]}) on PATH")
    paths = sysconfig.get_paths()
    target = Path(folder) / (name + sysconfig.get_config_var("EXT_SUFFIX"))
    subprocess.run(
        [*compiler, "-shared", "-fPIC", "-O1", f"-I{paths['include']}",
         f"-I{paths['platinclude']}", f"-DMODULE={name}",
         *(["-DDECLARE_NOGIL"] if declare_nogil else []),
         str(HERE / "ext" / "tinyext.c"), "-o", str(target)],
        check=True, capture_output=True, text=True)


def probe_gil(name, folder):
    """In the child process: the GIL before and after importing the extension ``name``."""
    sys.path.insert(0, folder)
    before = harness.gil_enabled()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = __import__(name)
    return {"before": before, "after": harness.gil_enabled(), "answer": module.answer(),
            "warnings": [str(w.message) for w in caught]}


def in_fresh_process(call):
    """Evaluate ``call`` (e.g. ``probe_module('zlib')``) in a new process of this Python."""
    return failures.answer_of(
        [sys.executable, "-c", f"import json, compat; print(json.dumps(compat.{call}))"],
        60, cwd=HERE)


def check_modules(out, modules):
    """One row per module: 1 if it imports in an isolated sub-interpreter, 0 if not."""
    # One process per module, as many at a time as there are cores; map() keeps the order.
    with ThreadPoolExecutor(placement.cores()) as pool:
        answers = pool.map(in_fresh_process, [f"probe_module({name!r})" for name in modules])
    for name, (answer, crashed) in zip(modules, answers, strict=True):
        params = {"module": name}
        if answer is None:
            out.emit(harness.row("subinterpreter-import", "subinterpreters", 1, [],
                                 unit="bool", params=params, error=crashed))
        elif not answer["present"]:
            out.emit(harness.unavailable("subinterpreter-import", "subinterpreters", 1,
                                         f"not in this build: {answer['error']}", params))
        else:
            params.update(message=answer["error"], crashed_after=crashed)
            out.emit(harness.row("subinterpreter-import", "subinterpreters", 1,
                                 [0 if answer["error"] else 1], unit="bool", params=params))


GIL_CASES = (("no-Py_mod_gil", "tinyext_gil_used", False),
             ("Py_MOD_GIL_NOT_USED", "tinyext_gil_not_used", True))


def check_gil(out):
    """One row per extension build: 1 if the GIL was on after importing it, 0 if not."""
    if not harness.free_threaded_build():
        for strategy, _, _ in GIL_CASES:
            out.emit(harness.unavailable("gil-after-import", strategy, 1,
                                         "not applicable: a GIL build always runs with the GIL"))
        return
    with tempfile.TemporaryDirectory(prefix="tinyext-") as folder:
        for strategy, name, declare in GIL_CASES:
            params = {"module": name, "declares_nogil": declare,
                      "PYTHON_GIL": os.environ.get("PYTHON_GIL")}
            try:
                build_extension(name, declare, folder)
            except (OSError, subprocess.CalledProcessError) as error:
                detail = getattr(error, "stderr", "") or str(error)
                out.emit(harness.unavailable("gil-after-import", strategy, 1,
                                             f"could not build the extension: {detail[-300:]}",
                                             params))
                continue
            answer, crashed = in_fresh_process(f"probe_gil({name!r}, {folder!r})")
            if answer is None:
                out.emit(harness.row("gil-after-import", strategy, 1, [], unit="bool",
                                     params=params, error=crashed))
                continue
            params.update(gil_before=answer["before"], gil_after=answer["after"],
                          warning=" | ".join(answer["warnings"]) or None)
            # The value is 1 when the GIL was on after the import; the check is only valid
            # if it was off before (PYTHON_GIL=1 would make the question moot).
            out.emit(harness.row("gil-after-import", strategy, 1, [int(answer["after"])],
                                 unit="bool", params=params,
                                 correct=answer["before"] is False and answer["answer"] == 42))


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv)
    out = harness.Output(args.json)
    check_modules(out, args.size)
    check_gil(out)
    out.finish()


if __name__ == "__main__":
    main()

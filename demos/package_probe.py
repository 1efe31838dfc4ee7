"""One check of one installed package, run by demos/packages.py inside a throwaway venv.

Each check runs in a fresh process of the venv's interpreter, so that one package's import
(which may switch the GIL back on, or crash) cannot colour the next check:

    venv/bin/python demos/package_probe.py import     '{"module": "numpy", ...}'
    venv/bin/python demos/package_probe.py subinterp  '{"module": "numpy", ...}'
    venv/bin/python demos/package_probe.py threads    '{"module": "numpy", ...}' 1,2

The package is described by one JSON object: ``module`` (what to import), ``setup``
(statements run after the import), ``call`` (an expression: the representative call) and
``expect`` (its correct answer, compared after a JSON round trip). Prints one JSON line.
"""

import json
import math
import sys
import threading
import time
import warnings

import failures
import harness
import timer
from compat import import_in_subinterpreter


def _namespace(spec):
    """Import the package's module and run its setup; the names the call can use."""
    names = {}
    # The module, setup and call come from the repository's own pinned list.
    exec(f"import {spec['module']}", names)
    if spec.get("setup"):
        exec(spec["setup"], names)
    return names


def answer_of(spec, names):
    """The representative call's answer, as JSON sees it (tuples become lists)."""
    return json.loads(json.dumps(eval(spec["call"], names)))


def check_import(spec):
    """Import in a fresh interpreter: did it work, the GIL before and after, any warnings."""
    before = harness.gil_enabled()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            names = _namespace(spec)
            answer = answer_of(spec, names)
            error = None
        except BaseException as failed:  # an ImportError, or a SystemError from C
            answer, error = None, failures.failure(failed)
    return {"error": error, "gil_before": before, "gil_after": harness.gil_enabled(),
            "warnings": [f"{w.category.__name__}: {w.message}" for w in caught],
            "answer": answer, "correct": error is None and answer == spec["expect"]}


def check_subinterpreter(spec):
    """Import in a new isolated sub-interpreter (its own GIL): None, or the exact error."""
    return {"error": import_in_subinterpreter(spec["module"])}


def calls_per_thread(spec, names, target_s):
    """How many calls make about ``target_s`` seconds of work in one thread (at least 1)."""
    answer_of(spec, names)  # the first call may fill caches: not a typical one
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < target_s / 10 and count < 100_000:
        answer_of(spec, names)
        count += 1
    each = (time.perf_counter() - start) / count
    # A power of two: the count is part of a row's params, which should match from run to run.
    return 2 ** max(0, round(math.log2(max(1.0, target_s / each))))


def run_threads(spec, names, workers, calls):
    """Every thread makes ``calls`` calls; True if every answer was the correct one."""
    results = [True] * workers
    barrier = threading.Barrier(workers)

    def work(index):
        barrier.wait()
        for _ in range(calls):
            if answer_of(spec, names) != spec["expect"]:
                results[index] = False

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return all(results)


def check_threads(spec, counts, args):
    """Rows: the call in 1, 2 ... N threads, a fixed number of calls per thread."""
    names = _namespace(spec)
    calls = calls_per_thread(spec, names, args.target_s)
    rows = []
    for workers in counts:
        timing = timer.timed(lambda w=workers: run_threads(spec, names, w, calls), args)
        rows.append(harness.measured_row(
            "call", "threads", workers, timing, correct=lambda ok: ok is True,
            params={"package": spec["package"], "work_per_thread": calls,
                    "gil_after": harness.gil_enabled()}))
    return {"rows": rows}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    mode, spec = argv[0], json.loads(argv[1])
    if mode == "import":
        result = check_import(spec)
    elif mode == "subinterp":
        result = check_subinterpreter(spec)
    elif mode == "threads":
        args = harness.parse_args(
            "threads", {"full": None, "quick": None, "stage": None},
            ["--time-cap", argv[3], "--repeats", argv[4]] if len(argv) > 4 else [])
        args.target_s = float(argv[5]) if len(argv) > 5 else 0.05
        result = check_threads(spec, [int(n) for n in argv[2].split(",")], args)
    else:
        raise SystemExit(f"package_probe.py: unknown check {mode!r} (import, subinterp, threads)")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

"""CPython's own scaling benchmark (Tools/ftscalingbench), each case on one and on N threads.

The script is the one the running interpreter's release ships, never a copy: the suite
extracts it from the pinned tarball (inparallel/build/ftscaling_tree.py) and names the folder
of the trees, one subfolder per release version, in $INPARALLEL_FTSCALINGBENCH (or --trees).
A release without it (3.13: it came in 3.14, gh-125986) runs the oldest release's script
there is; every row says which release's script it ran.

Each case runs on one thread and on a pool of N threads that each run it once (the script's
own bench_one_thread and bench_parallel), timed pair by pair: work per thread is fixed, so
N times the one-thread time over the pool's time is the speedup, as the script prints it.

    INPARALLEL_FTSCALINGBENCH=~/.cache/python-in-parallel/ftscalingbench \\
        python3.14t demos/ftscaling.py --workers 1,2
"""

import argparse
import builtins
import contextlib
import functools
import importlib.util
import os
import platform
import re
import sys
from pathlib import Path

import harness

SIZES = {"full": 100, "stage": 100, "quick": 1}  # the script's WORK_SCALE (its default: 100)
ENV = "INPARALLEL_FTSCALINGBENCH"
SCRIPT = "ftscalingbench.py"


def version_key(version):
    """``3.15.0rc2`` -> (3, 15, 0): the release a tree belongs to, for ordering."""
    return tuple(int(part) for part in re.match(r"(\d+)\.(\d+)\.(\d+)", version).groups())


def find_script(trees, version):
    """(path, release) of the script this interpreter runs: its own release's, else the
    oldest release's there is; None when no tree has it."""
    have = [d.name for d in Path(trees).iterdir() if (d / SCRIPT).is_file()
            and re.match(r"\d+\.\d+\.\d+", d.name)] if Path(trees).is_dir() else []
    if not have:
        return None
    release = version if version in have else min(have, key=version_key)
    return Path(trees) / release / SCRIPT, release


def load(path):
    """Import the script as it sees itself when run as a program: its module_function case
    finds itself in sys.modules, and 3.15's asks ``hasattr(__builtins__, "frozendict")``,
    which only the builtins module answers (an imported module's __builtins__ is a dict)."""
    spec = importlib.util.spec_from_file_location("ftscalingbench", path)
    module = importlib.util.module_from_spec(spec)
    module.__builtins__ = builtins
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def pool(bench, threads):
    """Start ``threads`` of the script's worker threads (its initialize_threads, without CPU
    affinity as with its --threads); return a function running one case on all of them."""
    bench.threads, bench.in_queues, bench.out_queues = [], [], []
    with contextlib.redirect_stdout(sys.stderr):  # its greeting would break our JSON lines
        bench.initialize_threads(argparse.Namespace(threads=threads))
    queues = bench.threads, bench.in_queues, bench.out_queues

    def run(case):
        # bench_parallel reads the module's queues: point them at this pool's.
        bench.threads, bench.in_queues, bench.out_queues = queues
        return bench.bench_parallel(case)

    return run


def main(argv=None):
    extra = [(("--trees",), {"default": os.environ.get(ENV),
                             "help": f"folder of the extracted trees (default ${ENV})"}),
             (("--cases",), {"default": "", "help": "comma-separated cases (default: all)"})]
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, extra=extra,
                              default_workers=sorted({1, harness.cores()}), time_cap=1.0)
    found = find_script(args.trees, platform.python_version()) if args.trees else None
    if found is None:
        sys.exit(f"no {SCRIPT} under --trees {args.trees!r} (run: invoke demo ftscaling)")
    path, release = found
    bench = load(path)
    bench.WORK_SCALE = args.size
    cases = [c for c in args.cases.split(",") if c] or list(bench.ALL_BENCHMARKS)
    unknown = [c for c in cases if c not in bench.ALL_BENCHMARKS]
    if unknown:
        sys.exit(f"unknown case(s) {', '.join(unknown)} in {release}'s {SCRIPT}")
    counts = sorted({1, *args.workers})
    # One thread runs a case in this thread, as the script's baseline does; N in its pool.
    runners = {n: pool(bench, n) if n > 1 else bench.bench_one_thread for n in counts}
    out = harness.Output(args.json)
    for name in cases:
        case = bench.ALL_BENCHMARKS[name]
        candidates = {n: functools.partial(runners[n], case) for n in counts}
        timings = harness.compare(candidates, args, paired_with=1)
        for workers in args.workers:
            out.emit(harness.measured_row(
                name, "threads", workers, timings[workers], lambda _answer: None,
                params={"work_per_thread": args.size, "script": release,
                        "version": platform.python_version()}))
    out.finish()


if __name__ == "__main__":
    main()

"""CPython's own scaling benchmark (Tools/ftscalingbench), each case on one and on N threads.

The script is the one the running interpreter's release ships, never a copy: the suite
extracts it from the pinned tarball (inparallel/build/ftscaling_tree.py) and names the folder
of the trees, one subfolder per release version, in $INPARALLEL_FTSCALINGBENCH (or --trees).
A release without it (3.13: it came in 3.14, gh-125986) runs the oldest release's script
there is; every row says which release's script it ran.

Each case runs on a pool of one thread and on a pool of N threads that each run it once (the
script's own initialize_threads and bench_parallel, every thread pinned to a CPU), the two
timed in turns: work per thread is fixed, so N times the one-thread time over the N-thread time
is the speedup, as the script computes it.

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
import placement
import timer

SIZES = {"full": 100, "stage": 100, "quick": 1}  # the script's WORK_SCALE (its default: 100)
ENV = "INPARALLEL_FTSCALINGBENCH"
SCRIPT = "ftscalingbench.py"
SHORTEST_S = 0.05  # a full run's shortest value: calls are batched up to it


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
    """Start ``threads`` of the script's worker threads (its initialize_threads), each pinned
    to a CPU of its own as its default does; return a function running one case on all of
    them. Its default takes one CPU per physical core from lscpu; here the usable CPUs in
    turn, so that N is every core whatever the machine (a thread left unpinned could share a
    CPU with its partner for a while: its values jumped between two levels here)."""
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else [None]
    bench.determine_num_threads_and_affinity = lambda: [
        usable[i % len(usable)] for i in range(threads)]
    bench.threads, bench.in_queues, bench.out_queues = [], [], []
    with contextlib.redirect_stdout(sys.stderr):  # its greeting would break our JSON lines
        bench.initialize_threads(argparse.Namespace(threads=-1))  # -1: its own pinning
    queues = bench.threads, bench.in_queues, bench.out_queues

    def run(case):
        # bench_parallel reads the module's queues: point them at this pool's.
        bench.threads, bench.in_queues, bench.out_queues = queues
        return bench.bench_parallel(case)

    return run


def main(argv=None):
    extra = [(("--trees",), {"default": os.environ.get(ENV),
                             "help": f"folder of the extracted trees (default ${ENV})"}),
             (("--cases",), {"default": "", "help": "comma-separated cases (default: all)"}),
             (("--scale",), {"type": harness.bounded(1, 100_000), "default": None,
                             "help": "the script's work scale (default: its own, 100)"})]
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, extra=extra,
                              default_workers=sorted({1, placement.cores()}), time_cap=1.5)
    if args.mode == "full":
        # Longer values average a case's intermittent contention into each value.
        args.shortest = max(args.shortest, SHORTEST_S)
    found = find_script(args.trees, platform.python_version()) if args.trees else None
    if found is None:
        sys.exit(f"no {SCRIPT} under --trees {args.trees!r} (run: invoke demo ftscaling)")
    path, release = found
    bench = load(path)
    bench.WORK_SCALE = args.size = args.scale or args.size
    cases = [c for c in args.cases.split(",") if c] or list(bench.ALL_BENCHMARKS)
    unknown = [c for c in cases if c not in bench.ALL_BENCHMARKS]
    if unknown:
        sys.exit(f"unknown case(s) {', '.join(unknown)} in {release}'s {SCRIPT}")
    counts = sorted({1, *args.workers})
    # One thread is a pool of one, not this thread as in the script's own print: on the main
    # thread (its heaps full of the harness's lists) create_closure came out more than twice
    # as fast on two threads as on one, which two threads cannot do.
    runners = {n: pool(bench, n) for n in counts}
    out = harness.Output(args.json)
    for name in cases:
        case = bench.ALL_BENCHMARKS[name]
        candidates = {n: functools.partial(runners[n], case) for n in counts}
        # Not paired: two values taken back to back give the same ratio only when a case's
        # cost is steady, and these cases contend now and then by design (3.13t's
        # load_tuple_const split its pairs into ratios near 1 and near 0.5 in every run here),
        # which the pairs' scatter would read as a noisy machine. Unpaired, as the cpu demo:
        # the pools alternate value by value, each value corrected for the machine's speed.
        timings = timer.compare(candidates, args)
        for workers in args.workers:
            out.emit(harness.measured_row(
                name, "threads", workers, timings[workers], lambda _answer: None,
                params={"work_per_thread": args.size, "script": release,
                        "version": platform.python_version()}))
    out.finish()


if __name__ == "__main__":
    main()

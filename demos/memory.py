"""Memory: what N idle and N busy workers add to the whole process tree (PSS, bytes).

Idle workers have started, imported the workloads module and sleep; busy workers run the
objects workload (strings and dicts). Each value comes from a fresh copy of this program
(``--probe``), so that no strategy inherits memory an earlier one left behind: it reads
its baseline, starts the workers and samples the process tree (itself and all of its
descendants, the forkserver and resource tracker included) every 20 ms until they are
done. The value is the peak minus the baseline; a full run takes three fresh processes
per point unless --repeats says otherwise.

The measure is PSS (proportional set size, /proc/PID/smaps_rollup): a page shared by k
processes counts 1/k to each, so forked workers are not charged again for the pages they
share with their parent, as RSS would. Where smaps_rollup is missing it is RSS (VmRSS);
each row's params say which. Linux only.

    python3.14 demos/memory.py --workers 1,2
"""

import argparse
import gc
import json
import os
import subprocess
import sys
import threading
import time
import warnings

import failures
import harness
import strategies
from workloads import idle, word_stats

STRATEGIES = [s for s in strategies.STRATEGIES if s != "sequential"]  # those with workers
SIZES = {"full": {"idle_s": 0.1, "busy_size": 10_000},
         "stage": {"idle_s": 0.05, "busy_size": 5_000},
         "quick": {"idle_s": 0.05, "busy_size": 1_000}}
FULL_REPEATS = 3  # memory barely varies run to run; 3 fresh processes per point are enough
METRIC = "PSS" if os.path.exists("/proc/self/smaps_rollup") else "RSS"


def process_memory(pid):
    """PSS (or RSS) of one process, in bytes; 0 if it has already gone."""
    path, key = ((f"/proc/{pid}/smaps_rollup", "Pss:") if METRIC == "PSS"
                 else (f"/proc/{pid}/status", "VmRSS:"))
    try:
        with open(path) as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except OSError:  # it ended between listing and reading
        pass
    return 0


def process_tree(root):
    """``root`` and all its descendants (forkserver workers are its grandchildren)."""
    parent_of = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                # "pid (name) state ppid ...": the name may hold spaces, so split after ")".
                parent_of[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree = [root]
    for pid in tree:  # grows while we walk it: breadth first
        tree += [child for child, parent in parent_of.items() if parent == pid]
    return tree


def tree_memory(root=None):
    """PSS (or RSS) of ``root`` (default: this process) and all its descendants, in bytes:
    the one reading of memory that the memory, shared_state and service demos share."""
    return sum(process_memory(pid) for pid in process_tree(root or os.getpid()))


def probe(strategy, state, workers, sizes):
    """In a fresh process: the peak memory that ``workers`` workers add, and their answers."""
    # fork() from a process with threads (our sampler) warns on 3.12+; the sampler only
    # reads /proc and holds no lock a child could need.
    warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*fork")
    fn, arg = (idle, sizes["idle_s"]) if state == "idle" else (word_stats, sizes["busy_size"])
    gc.collect()
    baseline = peak = tree_memory()
    outcome = {}

    def work():
        try:
            outcome["answers"] = strategies.run(strategy, workers, fn, arg)
        except Exception as error:
            outcome["error"] = failures.failure(error)

    worker = threading.Thread(target=work)
    worker.start()
    while worker.is_alive():
        peak = max(peak, tree_memory())
        time.sleep(0.02)
    worker.join()
    return {"added": peak - baseline, "baseline": baseline,
            "answers": repr(outcome.get("answers")), "error": outcome.get("error")}


def measure(strategy, state, workers, expected, args):
    """One row: the memory ``workers`` workers add, from ``args.repeats`` fresh processes."""
    params = {"metric": METRIC, "state": state, **args.size, **strategies.params(strategy)}
    reason = strategies.availability(strategy)
    if reason:
        return harness.unavailable(state, strategy, workers, reason, params, unit="bytes")
    command = [sys.executable, os.path.abspath(__file__), "--probe", strategy, state,
               str(workers), *([f"--{args.mode}"] if args.mode != "full" else [])]
    values, correct = [], True
    for _ in range(args.repeats):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no error output"])[-1]
            return harness.row(state, strategy, workers, [], unit="bytes", params=params,
                               error=f"probe exited with code {done.returncode}: {last}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result["error"]:
            return harness.row(state, strategy, workers, [], unit="bytes", params=params,
                               error=result["error"])
        values.append(result["added"])
        params["baseline_bytes"] = result["baseline"]
        correct = correct and result["answers"] == repr([expected] * workers)
    return harness.row(state, strategy, workers, values, unit="bytes", params=params,
                       correct=correct)


def main(argv=None):
    probe_option = (("--probe",), {"nargs": 3, "metavar": ("STRATEGY", "STATE", "WORKERS"),
                                   "help": argparse.SUPPRESS})
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, extra=[probe_option])
    if args.probe:
        strategy, state, workers = args.probe
        print(json.dumps(probe(strategy, state, int(workers), args.size)))
        return
    if not args.repeats_given:  # not timings: a fixed number of fresh processes per point
        args.repeats = FULL_REPEATS if args.mode == "full" else 1
    out = harness.Output(args.json)
    answers = {"idle": args.size["idle_s"], "busy": word_stats(args.size["busy_size"])}
    for state, expected in answers.items():
        for strategy in STRATEGIES:
            for workers in args.workers:
                out.emit(measure(strategy, state, workers, expected, args))
    out.finish()


if __name__ == "__main__":
    main()

"""Where a demo's workers run, and how many it starts: the CPUs this process may use, the
1, 2, 4 ... worker counts of a default run, and pinning to one CPU or a CPU each.

Standard library only, like the demos. The package reads ``cores`` and ``worker_counts``
from this file too (inparallel/measure/demo_rules.py), so it must import nothing from demos/.
"""

import os


def cores():
    """The CPUs this process may use (affinity), which is what the workers can get."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def on_one_cpu():
    """Run this process, and every thread and process it starts, on one CPU: the number of
    CPUs the demo then runs on (1, or all of them where affinity cannot be set).

    For the cost of one worker (its start, a round trip): otherwise the scheduler decides
    whether the worker runs beside its caller or on another CPU, and a thread's round trip
    on a 2-CPU virtual machine switches between about 11 us (one CPU) and 57 us (two) with
    it. Call it first thing: threads and child processes inherit the calling thread's mask.
    """
    if not hasattr(os, "sched_setaffinity"):
        return cores()
    on_own_cpu(-1)  # the last CPU this process may use
    return 1


def as_batch_job():
    """Have the scheduler treat this thread, and every thread and process it starts from now
    on, as a batch job (Linux SCHED_BATCH): a woken thread does not preempt the running one
    on waking; it waits until that one blocks or the scheduler's tick ends its turn (the
    kernel's check_preempt_wakeup_fair). Returns the policy then in force: "batch", or
    "default" where it cannot be set.

    For the cost of one worker beside its caller (with on_one_cpu): every round trip wakes the
    worker while the caller still runs. Whether the worker preempts it, and how long the
    caller's lock then spins (free-threaded builds spin, yielding the CPU, before a thread
    sleeps: Python/lock.c), made a thread's round trip on 3.14t here jump between about 14 and
    48 us from one batch of calls to the next; as a batch job it stays near 14 us.
    """
    try:
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or not allowed here
        return "default"
    return "batch"


def beside_its_caller():
    """For the cost of one worker: run this process, and every worker it starts from now on,
    on one CPU (on_one_cpu) as a batch job (as_batch_job). Call it first thing. Returns what
    the rows record of it: {"cpus": ..., "scheduler": ...}.
    """
    return {"cpus": on_one_cpu(), "scheduler": as_batch_job()}


def on_own_cpu(index):
    """Run the calling thread on the ``index``-th CPU this process may use (wrapping around
    when there are more threads than CPUs), so that N threads get N CPUs however the
    scheduler would have placed them. Does nothing where affinity cannot be set.
    """
    if not hasattr(os, "sched_setaffinity"):
        return
    allowed = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {allowed[index % len(allowed)]})  # 0: this thread only


def worker_counts(limit):
    """1, 2, 4, ... up to ``limit``, with ``limit`` itself last: 1, 2, 4, 6 for 6 cores."""
    counts, n = [], 1
    while n < limit:
        counts.append(n)
        n *= 2
    return [*counts, limit]

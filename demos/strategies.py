"""The ways to run ``fn(*args)`` on N workers, one small function each, side by side.

Every ``run_*`` function starts its workers, gives each one unit of work, collects the
answers in order and stops the workers again, so its time includes the start-up cost;
``started`` keeps the workers of one strategy running, for timings without it.
What each strategy costs:

- sequential: nothing to start; the N units run one after the other (the baseline).
- threads: a thread starts in well under a millisecond and shares everything, but on a
  GIL build only one thread runs Python code at a time. Free-threaded builds run them
  in parallel.
- sub-interpreters: each one has its own GIL (PEP 684), so they run in parallel on any
  3.12+ build. Starting one costs milliseconds (a fresh ``sys.modules``: the workload
  module is imported again), and arguments and answers are copied (pickled) between
  interpreters. The API differs per version; ``SUBINTERPRETER_API`` says which is used.
- processes: each has its own interpreter and memory, so they run in parallel anywhere.
  Start-up depends on the start method: ``fork`` copies this process (milliseconds),
  ``forkserver`` forks a clean server started once, ``spawn`` starts a new Python and
  imports everything again (tens of milliseconds). Arguments and answers are pickled.

Processes and sub-interpreters receive the function pickled, by module and name, and
import it: a workload must live in an importable module such as ``workloads``, not in
``__main__``.
"""

import multiprocessing
import pickle
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

import failures

STRATEGIES = ("sequential", "threads", "subinterpreters", "subinterpreters-pool",
              "processes-fork", "processes-forkserver", "processes-spawn")

SUBINTERPRETER_API = None  # which API this version offers, or None (see MISSING)
MISSING = None  # why sub-interpreters cannot run here
try:
    if sys.version_info >= (3, 14):
        from concurrent import interpreters
        from concurrent.futures import InterpreterPoolExecutor

        SUBINTERPRETER_API = "concurrent.interpreters (3.14+, public)"
    elif sys.version_info >= (3, 13):
        import _interpqueues
        import _interpreters

        SUBINTERPRETER_API = "_interpreters + _interpqueues (3.13, private)"
    else:
        # ruff files _xxinterpchannels under third-party; both are 3.12's private stdlib.
        import _xxinterpchannels  # noqa: I001
        import _xxsubinterpreters

        SUBINTERPRETER_API = "_xxsubinterpreters + _xxinterpchannels (3.12, private)"
except ImportError as error:  # a build without them
    MISSING = f"this build has no sub-interpreter module ({error})"


def run_sequential(workers, fn, *args):
    """The baseline: ``workers`` units of work, one after the other, in this thread."""
    return [fn(*args) for _ in range(workers)]


def run_threads(workers, fn, *args):
    """One thread per unit of work, all sharing this interpreter (and its GIL, if any)."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, *args) for _ in range(workers)]
        return [f.result() for f in futures]


# The site shows the lines between these markers on the subinterpreters page.
# --8<-- [start:subinterpreters]
def run_subinterpreters(workers, fn, *args):
    """One thread per sub-interpreter: each thread creates one, calls ``fn`` there, closes it.

    A call blocks its OS thread while the sub-interpreter runs, so the threads are what
    make them run at the same time; each sub-interpreter has its own GIL.
    """
    def in_a_new_interpreter():
        interp = create_interpreter()
        try:
            return interp.call(fn, *args)
        finally:
            interp.close()

    return run_threads(workers, in_a_new_interpreter)


def run_subinterpreters_pool(workers, fn, *args):
    """3.14+: ``InterpreterPoolExecutor``, a thread pool with one interpreter per thread."""
    with interpreter_pool(workers) as pool:
        futures = [pool.submit(fn, *args) for _ in range(workers)]
        return [f.result() for f in futures]


def interpreter_pool(workers):
    """An ``InterpreterPoolExecutor`` whose interpreters import from our sys.path."""
    # The initializer is pickled by reference too: exec is a builtin, so it always imports.
    return InterpreterPoolExecutor(max_workers=workers, initializer=exec,
                                   initargs=(_same_path(), {}))
# --8<-- [end:subinterpreters]


# The site shows the lines between these markers on the multiprocessing page.
# --8<-- [start:multiprocessing]
def run_processes(workers, fn, *args, method):
    """One process per unit of work, started with ``method``: fork, forkserver or spawn."""
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(fn, *args) for _ in range(workers)]
        return [f.result() for f in futures]
# --8<-- [end:multiprocessing]


def run(strategy, workers, fn, *args):
    """Run ``fn(*args)`` once per worker with ``strategy`` (a name in STRATEGIES)."""
    if strategy.startswith("processes-"):
        return run_processes(workers, fn, *args, method=strategy.removeprefix("processes-"))
    runner = {"sequential": run_sequential, "threads": run_threads,
              "subinterpreters": run_subinterpreters,
              "subinterpreters-pool": run_subinterpreters_pool}[strategy]
    return runner(workers, fn, *args)


@contextmanager
def started(strategy, workers):
    """``workers`` workers of ``strategy``, started now and kept until the block ends.

    Yields ``run(fn, *args)``: one unit of work per worker on the running workers, answers
    in order. A process pool forks here, so enter process pools before any sub-interpreter
    exists (a fork() then kills the child).
    """
    if strategy == "sequential":
        yield lambda fn, *args: run_sequential(workers, fn, *args)
    elif strategy == "subinterpreters":
        interps = []
        try:
            for _ in range(workers):  # one by one, so that a failure closes those made already
                interps.append(create_interpreter())
            with ThreadPoolExecutor(max_workers=workers) as threads:
                yield lambda fn, *args: list(threads.map(lambda i: i.call(fn, *args), interps))
        finally:
            for interp in interps:
                interp.close()
    else:
        if strategy == "threads":
            pool = ThreadPoolExecutor(max_workers=workers)
        elif strategy == "subinterpreters-pool":
            pool = interpreter_pool(workers)
        else:
            context = multiprocessing.get_context(strategy.removeprefix("processes-"))
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        with pool:
            # Pools start workers on demand; tasks that overlap make every one of them start.
            list(pool.map(time.sleep, [0.05] * workers))
            yield lambda fn, *args: [f.result() for f in
                                     [pool.submit(fn, *args) for _ in range(workers)]]


def start_each(stack, starters):
    """Enter ``starters[name]()`` on ``stack`` for every name, process pools first: a fork()
    while a sub-interpreter exists kills the child. Returns (name -> what each context
    yielded, name -> the error line of each that would not start); the others go on."""
    running, failed = {}, {}
    for name in sorted(starters, key=lambda s: not s.startswith("processes")):
        try:
            running[name] = stack.enter_context(starters[name]())
        except Exception as error:  # its workers would not even start
            failed[name] = f"could not start: {failures.failure(error)}"
    return running, failed


def availability(strategy):
    """Why ``strategy`` cannot run on this interpreter, or None when it can."""
    if strategy.startswith("subinterpreters") and MISSING:
        return MISSING
    if strategy == "subinterpreters-pool" and sys.version_info < (3, 14):
        return "InterpreterPoolExecutor is new in Python 3.14"
    if strategy.startswith("processes-"):
        method = strategy.removeprefix("processes-")
        if method not in multiprocessing.get_all_start_methods():
            return f"the {method!r} start method is not available on {sys.platform}"
    if strategy not in STRATEGIES:
        return f"unknown strategy {strategy!r}"
    return None


def params(strategy):
    """What a result row should record about how ``strategy`` ran here."""
    if strategy.startswith("subinterpreters"):
        return {"api": SUBINTERPRETER_API}
    if strategy.startswith("processes-"):
        return {"start_method": strategy.removeprefix("processes-"),
                "default_start_method": multiprocessing.get_start_method()}
    return {}


# --- One sub-interpreter with ``exec(code)``, ``call(fn, *args)`` and ``close()``, on
# every version: 3.14's Interpreter has them, and two small classes stand in before it ---

def create_interpreter():
    """A new isolated sub-interpreter (its own GIL) with our sys.path, ready to ``call``."""
    if sys.version_info >= (3, 14):
        interp = interpreters.create()
    elif sys.version_info >= (3, 13):
        interp = _Interpreter313()
    else:
        interp = _Interpreter312()
    try:
        interp.exec(_same_path())
    except BaseException:
        # Never leave one behind: a fork() while a sub-interpreter exists kills the child
        # (3.13, 3.14: segfault) or hangs it (3.12).
        interp.close()
        raise
    return interp


def _same_path():
    """Code that gives a sub-interpreter our sys.path.

    Sub-interpreters start with the sys.path the process started with (script folder,
    PYTHONPATH) but miss changes made since (a test's sys.path.insert, say).
    """
    return f"import sys; sys.path[:] = {sys.path!r}"


class _Interpreter312:
    """3.12: ``run_string`` runs source text; only None/int/str/bytes cross, via channels.

    So the call and its answer cross as pickled bytes, which is what 3.14 does for any
    object that is not shareable.
    """

    _CALL = ("import pickle, _xxinterpchannels\n"
             "fn, args = pickle.loads(request)\n"
             "_xxinterpchannels.send(channel, pickle.dumps(fn(*args)))\n")

    def __init__(self):
        self.id = _xxsubinterpreters.create()  # isolated by default: its own GIL
        self.channel = _xxinterpchannels.create()

    def exec(self, code, shared=None):
        try:
            _xxsubinterpreters.run_string(self.id, code, shared=shared)
        except _xxsubinterpreters.RunFailedError as failure:
            # Only the message crosses: "<class 'ZeroDivisionError'>: division by zero".
            raise RuntimeError(f"in a sub-interpreter: {failure}") from None

    def call(self, fn, *args):
        self.exec(self._CALL, {"channel": self.channel, "request": pickle.dumps((fn, args))})
        return pickle.loads(_xxinterpchannels.recv(self.channel))

    def close(self):
        _xxinterpchannels.destroy(self.channel)
        _xxsubinterpreters.destroy(self.id)


class _Interpreter313:
    """3.13: ``_interpreters.exec`` runs source text and returns an error snapshot, not a
    value, so the answer comes back through a queue, as pickled bytes like on 3.12."""

    _CALL = ("import pickle, _interpqueues\n"
             "fn, args = pickle.loads(request)\n"
             "_interpqueues.put(queue, pickle.dumps(fn(*args)), 0, 1)\n")

    def __init__(self):
        self.id = _interpreters.create()  # the 'isolated' config: gil='own'
        # (maxsize 0: unbounded, fmt 0: shareable objects only, unboundop 1: drop the item
        # if its interpreter goes away); put() takes the same fmt and unboundop.
        self.queue = _interpqueues.create(0, 0, 1)

    def exec(self, code, shared=None):
        # 3.13.0 takes shared=None; later 3.13 releases insist on a dict.
        failure = _interpreters.exec(self.id, code, shared or {})
        if failure is not None:
            raise RuntimeError(f"in a sub-interpreter: {failure.type.__name__}: {failure.msg}")

    def call(self, fn, *args):
        self.exec(self._CALL, {"queue": self.queue, "request": pickle.dumps((fn, args))})
        answer, _fmt, _unboundop = _interpqueues.get(self.queue)
        return pickle.loads(answer)

    def close(self):
        _interpqueues.destroy(self.queue)
        _interpreters.destroy(self.id)

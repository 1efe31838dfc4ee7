"""Pools started once, then fed a stream of tasks: one small class per strategy.

Each pool has ``launch()`` (what must run before a task can be taken: the queue workers'
threads), ``start()`` (launch, then one small task per worker, so that every worker is up),
``map(n, count)`` (run ``count`` tasks ``spin(n)``, answers in order) and ``close()``.

- sequential: the tasks one after the other in this thread, the baseline.
- threads: a ThreadPoolExecutor; parallel only on a free-threaded build.
- subinterpreters-pool: 3.14+ InterpreterPoolExecutor; each task goes to its interpreter
  through ``Interpreter.call`` (the function pickled, by reference).
- subinterpreters-queue: 3.14+ raw interpreters, each looping in its own thread on a
  ``concurrent.interpreters`` queue of (index, size) tuples, which cross without pickling.
  An empty queue's ``get()`` polls every 10 ms (its default), which a stream pays at most
  once per worker at its start and once at its end.
- processes-*: a ProcessPoolExecutor with the fork, forkserver or spawn start method;
  each task and answer is pickled through a pipe.
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import precompiled
import strategies

# From a .pyc even where none is ever written (PYTHONDONTWRITEBYTECODE): compiled from source,
# spin()'s constant stays mortal on the free-threaded 3.13 and 3.14, and the pool's threads
# would all update its reference count at every turn of the loop (docs/surprises.md).
spin = precompiled.load("workloads").spin

STRATEGIES = ("sequential", "threads", "subinterpreters-pool", "subinterpreters-queue",
              "processes-fork", "processes-forkserver", "processes-spawn")


def availability(strategy):
    """Why ``strategy`` cannot run here, or None."""
    if strategy not in STRATEGIES:
        return f"unknown strategy {strategy!r}"
    if strategy == "subinterpreters-queue" and sys.version_info < (3, 14):
        return ("raw interpreters fed by a queue use concurrent.interpreters, public from "
                "Python 3.14 (3.12 and 3.13 have private modules only)")
    if strategy == "subinterpreters-queue":
        return strategies.MISSING
    return strategies.availability(strategy)


def params(strategy):
    """What a row records about how ``strategy`` ran here."""
    if strategy == "subinterpreters-queue":
        return {"api": "concurrent.interpreters queues (3.14+)"}
    return strategies.params(strategy)


class Sequential:
    """No workers: the baseline."""

    def launch(self):
        pass

    def start(self):
        pass

    def map(self, n, count):
        return [spin(n) for _ in range(count)]

    def close(self):
        pass


class Executor:
    """Any concurrent.futures executor: one ``submit`` per task, answers in order."""

    def __init__(self, executor, workers):
        self.executor, self.workers = executor, workers

    def launch(self):
        pass  # executors start their workers on demand, at the first submits

    def start(self):
        # One small task per worker, all in flight at once, so that every worker is up.
        self.launch()
        self.map(1_000, self.workers)

    def map(self, n, count):
        futures = [self.executor.submit(spin, n) for _ in range(count)]
        return [future.result() for future in futures]

    def close(self):
        self.executor.shutdown()


def serve(tasks, results):
    """In a sub-interpreter: answer (index, n) tasks from ``tasks`` until a None arrives."""
    while (task := tasks.get()) is not None:
        index, n = task
        results.put((index, spin(n)))


class InterpreterQueue:
    """3.14+: one raw interpreter per worker thread, fed through a shared queue."""

    def __init__(self, workers):
        from concurrent import interpreters

        self.tasks, self.results = interpreters.create_queue(), interpreters.create_queue()
        self.interpreters, self.threads = [], []
        try:
            for _ in range(workers):
                self.interpreters.append(strategies.create_interpreter())
        except BaseException:
            self.close()
            raise
        self.workers = workers

    def launch(self):
        self.threads = [interp.call_in_thread(serve, self.tasks, self.results)
                        for interp in self.interpreters]

    def start(self):
        self.launch()
        self.map(1_000, self.workers)

    def map(self, n, count):
        for index in range(count):
            self.tasks.put((index, n))
        answers = [None] * count
        for _ in range(count):
            index, answer = self.results.get()
            answers[index] = answer
        return answers

    def close(self):
        for _ in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join()
        for interp in self.interpreters:
            interp.close()


def create(strategy, workers):
    """A pool for ``strategy`` with ``workers`` workers, not yet started."""
    if strategy == "sequential":
        return Sequential()
    if strategy == "threads":
        return Executor(ThreadPoolExecutor(max_workers=workers), workers)
    if strategy == "subinterpreters-pool":
        return Executor(strategies.interpreter_pool(workers), workers)
    if strategy == "subinterpreters-queue":
        return InterpreterQueue(workers)
    context = multiprocessing.get_context(strategy.removeprefix("processes-"))
    return Executor(ProcessPoolExecutor(max_workers=workers, mp_context=context), workers)

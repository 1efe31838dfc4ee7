"""Data transfer: the cost of moving data to a worker and back, from 1 KB to 64 MB.

One worker, kept alive across measurements so that only the transfer is timed, on the same
CPU as its caller and run as a batch job (``cpus`` 1 and ``scheduler`` "batch" in a row's
params; see placement.beside_its_caller). The worker reads
every byte (a checksum) and returns the data; what differs is how the data travels:

- threads share the object itself: nothing is copied;
- sub-interpreters copy "shareable" objects (bytes) in and out, share a memoryview's
  buffer without copying (3.13+), and pickle everything else (a list, here);
- processes pickle the data through a pipe both ways, or attach to a
  multiprocessing.shared_memory segment that the data is copied into once.

    python3.14 demos/transfer.py --quick
"""

import contextlib
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import shared_memory

import harness
import placement
import strategies
import timer
from payloads import checksum, checksum_shared_memory, echo, make_bytes, make_numbers

# 1 KB, 4 KB ... 64 MB (powers of 4). A list of numbers stops at 4 MB (half a million
# ints): beyond, pickling them both ways takes up to seconds per round trip, which would
# blow the time budget of a run while showing nothing the smaller sizes do not.
# 1 KiB to 64 MiB in steps of 16x: five sizes span the curve, and a full run spends its time
# on precise points rather than on more of them.
SIZES = {"full": [4**k * 1024 for k in range(0, 9, 2)],
         "stage": [4**k * 1024 for k in range(0, 9, 2)],
         "quick": [4**k * 1024 for k in range(5)]}
LARGEST_LIST = 4 * 1024 * 1024


# --- Threads and processes: the same submit, only the executor differs ---

def send_to_executor(pool, data):
    """A thread gets a reference to ``data``; a process gets a pickled copy, both ways."""
    return pool.submit(echo, data).result()


def send_through_shared_memory(pool, data):
    """Copy the data once into a shared segment; the process reads it there by name."""
    segment = shared_memory.SharedMemory(create=True, size=len(data))
    try:
        segment.buf[:len(data)] = data
        return pool.submit(checksum_shared_memory, segment.name, len(data)).result(), None
    finally:
        segment.close()
        segment.unlink()


# --- Sub-interpreters: each version's API to run code with names bound in its __main__ ---
# The code replies through a queue (a channel on 3.12) by calling reply(obj): only
# "shareable" objects may be put there (3.12: None, int, str, bytes; 3.13+ also tuples,
# floats and memoryviews), so the checksum and the data go as two messages.

ECHO = "reply(zlib.crc32(data)); reply(data); del data"
READ_IN_PLACE = "reply(zlib.crc32(view)); view.release(); del view"

if strategies.SUBINTERPRETER_API and sys.version_info >= (3, 14):
    from concurrent import interpreters

    class SubInterpreter:
        """3.14+: prepare_main() binds the names, a Queue object brings the answers back."""

        def __init__(self):
            self.interp = interpreters.create()
            self.queue = interpreters.create_queue()
            self.interp.prepare_main(queue=self.queue)
            self.interp.exec("import zlib\nreply = queue.put")

        def run(self, code, replies, **names):
            self.interp.prepare_main(**names)
            self.interp.exec(code)
            return [self.queue.get() for _ in range(replies)]

        def close(self):
            self.interp.close()

elif strategies.SUBINTERPRETER_API and sys.version_info >= (3, 13):
    import _interpqueues
    import _interpreters

    class SubInterpreter:
        """3.13: exec(code, shared) binds the names; a queue id brings the answers back."""

        def __init__(self):
            self.id = _interpreters.create()
            self.queue = _interpqueues.create(0, 0, 1)  # unbounded, shareable objects only
            # A memoryview can cross only into an interpreter that imported _interpreters.
            self._exec("import zlib, _interpqueues, _interpreters\n"
                       "def reply(obj): _interpqueues.put(queue, obj, 0, 1)", {"queue": self.queue})

        def _exec(self, code, names):
            failure = _interpreters.exec(self.id, code, names)  # an error comes back as a value
            if failure is not None:
                raise RuntimeError(f"in a sub-interpreter: {failure.type.__name__}: {failure.msg}")

        def run(self, code, replies, **names):
            self._exec(code, names)
            return [_interpqueues.get(self.queue)[0] for _ in range(replies)]

        def close(self):
            _interpqueues.destroy(self.queue)
            _interpreters.destroy(self.id)

elif strategies.SUBINTERPRETER_API:
    import _xxsubinterpreters

    import _xxinterpchannels

    class SubInterpreter:
        """3.12: run_string(code, shared=...) binds the names; a channel brings answers back."""

        def __init__(self):
            self.id = _xxsubinterpreters.create()
            self.channel = _xxinterpchannels.create()
            _xxsubinterpreters.run_string(
                self.id, "import zlib, _xxinterpchannels\n"
                         "def reply(obj): _xxinterpchannels.send(channel, obj)",
                shared={"channel": self.channel})

        def run(self, code, replies, **names):
            _xxsubinterpreters.run_string(self.id, code, shared=names)
            return [_xxinterpchannels.recv(self.channel) for _ in range(replies)]

        def close(self):
            _xxinterpchannels.destroy(self.channel)
            _xxsubinterpreters.destroy(self.id)


def send_shareable(interp, data):
    """bytes are shareable: copied into the interpreter, and copied again on the way back."""
    return tuple(interp.run(ECHO, 2, data=data))


def send_memoryview(interp, data):
    """A memoryview shares its buffer: the interpreter reads our memory, nothing is copied."""
    [crc] = interp.run(READ_IN_PLACE, 1, view=memoryview(data))
    return crc, None


def send_pickled(interp, data):
    """A list is not shareable: call() pickles it in and the answer out (3.12/3.13 by hand)."""
    return interp.call(echo, data)


# workload -> strategy -> (start a worker as a context manager, send data to it)
STRATEGIES = {
    "bytes": {
        "threads": (lambda: ThreadPoolExecutor(1), send_to_executor),
        "subinterpreters-shareable": (lambda: contextlib.closing(SubInterpreter()),
                                      send_shareable),
        "subinterpreters-memoryview": (lambda: contextlib.closing(SubInterpreter()),
                                       send_memoryview),
        "processes-pickle": (lambda: ProcessPoolExecutor(1), send_to_executor),
        "processes-shm": (lambda: ProcessPoolExecutor(1), send_through_shared_memory),
    },
    "list": {
        "threads": (lambda: ThreadPoolExecutor(1), send_to_executor),
        "subinterpreters-pickle": (
            lambda: contextlib.closing(strategies.create_interpreter()), send_pickled),
        "processes-pickle": (lambda: ProcessPoolExecutor(1), send_to_executor),
    },
}
MAKE = {"bytes": make_bytes, "list": make_numbers}


def unavailable_reason(strategy):
    """Why this interpreter cannot run ``strategy``, or None."""
    if strategy.startswith("subinterpreters") and strategies.MISSING:
        return strategies.MISSING
    if strategy == "subinterpreters-memoryview" and sys.version_info < (3, 13):
        return "3.12 cannot share a memoryview between interpreters (only None/int/str/bytes)"
    return None


def params(strategy, size, placed):
    """What a row records about how the data travelled, and where the worker ran."""
    found = {"size_bytes": size, **placed}
    if strategy.startswith("subinterpreters"):
        found["api"] = strategies.SUBINTERPRETER_API
    if strategy.startswith("processes"):
        found["start_method"] = multiprocessing.get_start_method()  # the version's default
    return found


def start_workers(stack, table):
    """Start one worker per runnable strategy, all kept alive: strategy -> worker or error."""
    running, failed = strategies.start_each(
        stack, {s: lambda s=s: warmed(table[s][0]()) for s in table
                if unavailable_reason(s) is None})
    return {**running, **failed}


@contextlib.contextmanager
def warmed(worker):
    """``worker`` entered; a process pool has forked its process (on its first task)."""
    with worker as entered:
        if isinstance(entered, ProcessPoolExecutor):
            entered.submit(checksum, b"").result()
        yield entered


def measure(workload, table, workers, size, args):
    """One row per strategy for ``size`` bytes; the strategies take their repeats in turns."""
    data = MAKE[workload](size)
    expected = checksum(data)

    def correct(answer):  # checked outside the timing
        crc, back = answer
        return crc == expected and (back is None or checksum(back) == expected)

    running = {s: w for s, w in workers.items() if not isinstance(w, str)}
    timings = timer.compare(
        {s: lambda s=s, w=w: table[s][1](w, data) for s, w in running.items()}, args)
    rows = []
    for strategy in table:
        reason, found = unavailable_reason(strategy), params(strategy, size, args.placement)
        if reason:
            rows.append(harness.unavailable(workload, strategy, 1, reason, found))
        elif strategy not in running:
            rows.append(harness.row(workload, strategy, 1, [], params=found,
                                    error=workers[strategy]))
        else:
            rows.append(harness.measured_row(workload, strategy, 1, timings[strategy], correct,
                                             found))
    return rows


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, time_cap=1.0)
    # The worker and its caller share one CPU, and the caller runs until it waits.
    args.placement = placement.beside_its_caller()
    out = harness.Output(args.json)
    for workload, table in STRATEGIES.items():
        sizes = [s for s in args.size if workload != "list" or s <= LARGEST_LIST]
        with contextlib.ExitStack() as stack:
            workers = start_workers(stack, table)
            for size in sizes:
                for result in measure(workload, table, workers, size, args):
                    out.emit(result)
    out.finish()


if __name__ == "__main__":
    main()

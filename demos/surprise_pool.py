"""Warm thread pools: one function, compiled from source or loaded from bytecode.

The same spin() as the throughput demo's, run by a pool of N threads (N tasks) against the
same N tasks one after the other. Only how its code object was made differs:

- compiled: by the builtin compile(), as an import does when there is no .pyc to read;
- from-bytecode: the same code through marshal, as an import from a .pyc does.

On the free-threaded 3.13 and 3.14 only code from bytecode gets immortal constants, and their
LOAD_CONST adds to the constant's reference count: every thread updates one shared count at
every turn of the loop (docs/surprises.md). Each row records whether the constant was immortal.

    python3.14t demos/surprise_pool.py
"""

import marshal
import sys
from concurrent.futures import ThreadPoolExecutor

import harness
import placement
import timer

SOURCE = """
def spin(n):
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total
"""
SIZES = {"full": 300_000, "stage": 100_000, "quick": 3_000}


def load(how):
    """spin(), its code compiled from SOURCE or, for "from-bytecode", through marshal too."""
    code = compile(SOURCE, "<spin>", "exec")
    if how == "from-bytecode":
        code = marshal.loads(marshal.dumps(code))
    namespace = {}
    exec(code, namespace)
    return namespace["spin"]


def immortal(spin):
    """Whether the loop's constant is immortal: its count reads as 2**30 or more, for ever."""
    return sys.getrefcount(next(c for c in spin.__code__.co_consts if c == 1_000_003)) >= 2**30


def measure(pool, workers, how, n, args, out):
    """One point: ``workers`` tasks spin(n) on the pool's threads, paired with sequential."""
    spin = load(how)
    want = [spin(n)] * workers
    timings = timer.compare(
        {"sequential": lambda: [spin(n) for _ in range(workers)],
         "threads": lambda: [f.result() for f in [pool.submit(spin, n) for _ in range(workers)]]},
        args, paired_with="sequential")
    params = {"size": n, "tasks": workers, "constant_immortal": immortal(spin)}
    for strategy, timing in timings.items():
        out.emit(harness.measured_row(how, strategy, 1 if strategy == "sequential" else workers,
                                      timing, lambda answers: answers == want, params))


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv,
                              default_workers=[placement.cores()], time_cap=3.0)
    out = harness.Output(args.json)
    for workers in args.workers:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for how in ("compiled", "from-bytecode"):
                measure(pool, workers, how, args.size, args, out)
    out.finish()


if __name__ == "__main__":
    main()

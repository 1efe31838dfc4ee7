"""Sub-interpreter calls: what entering an interpreter costs, once per call or once for many.

Each exec() into a sub-interpreter makes a new thread state for it there and deletes it on
the way out (3.13+: Python/crossinterp.c, _enter_session and _exit_session). Two ways to
make the same CALLS tiny calls in one sub-interpreter:

- per-call: CALLS exec("f()"), so CALLS thread states, each made and deleted;
- one-entry: one exec() whose loop makes the CALLS calls, so one thread state.

Both are timed on a fresh interpreter, then again after WEAR more entries into it, so that a
cost that grows with use shows. Each value is the time of one call.

    python3.14t demos/surprise_subinterp_calls.py
"""

import harness
import strategies
import timer

# Calls per timed value: few, so that a point spans few entries on a build whose cost per
# entry grows with them (the harness batches calls until a value lasts 20 ms anyway).
SIZES = {"full": 50, "stage": 20, "quick": 10}
WEAR = {"full": 10_000, "stage": 2_000, "quick": 20}  # entries between the two points


def measure(interp, calls, wear, args, out):
    """Time both ways at one point, ``per-call`` as the baseline of each pair."""
    timings = timer.compare(
        {"per-call": lambda: [interp.exec("f()") for _ in range(calls)],
         "one-entry": lambda: interp.exec(f"for _ in range({calls}): f()")},
        args, per=calls, paired_with="per-call")
    for strategy, timing in timings.items():
        out.emit(harness.measured_row("enter", strategy, 1, timing, lambda answer: None,
                                      {"calls": calls, "wear": wear,
                                       "api": strategies.SUBINTERPRETER_API}))


def main(argv=None):
    args = harness.parse_args(__doc__.splitlines()[0], SIZES, argv, default_workers=[1])
    out = harness.Output(args.json)
    calls, wear = args.size, WEAR[args.mode]
    if strategies.MISSING:
        for strategy in ("per-call", "one-entry"):
            out.emit(harness.unavailable("enter", strategy, 1, strategies.MISSING))
    else:
        interp = strategies.create_interpreter()
        try:
            interp.exec("def f():\n    pass")
            measure(interp, calls, 0, args, out)
            for _ in range(wear):
                interp.exec("f()")
            measure(interp, calls, wear, args, out)
        finally:
            interp.close()
    out.finish()


if __name__ == "__main__":
    main()

"""Adaptive timing: how every demo takes the values of one point.

Standard library only, like the demos; demos/harness.py makes a Timing a row.

Timing is adaptive: each point is repeated until the 95% confidence interval of its median
lies within +-2% of the median, or until its time cap is spent (``--time-cap``), or
``--repeats`` values are taken. The things a demo compares at one point (its strategies)
take their values in turns, round robin, so that a slow drift of a shared machine hits
them all alike instead of whichever happened to run last.

A virtual machine's speed drifts by several per cent over seconds (the host's clock and
neighbours), on every CPU at once. So before each value a fixed reference loop is timed (more
readings before a longer value), and each value is brought to the point's median speed:
value = raw * (median(every reading) / median(the readings within WINDOW_S of the value)) ** w.
One reading is too noisy to correct one value; their median over a fraction of a second
follows the drift. The weight w (``following``) is how far the values actually move with the
readings, from 0 to 1, as for a control variate: near 1 when the machine drifts, near 0 when
the readings move on their own and correcting would only add their noise. Rows keep the raw
values and the resulting factors beside the values.

A value lasts at least the mode's shortest time (calls are batched, ``loops``), and in a full
run the time cap never stops a point before it has FEWEST values.
"""

import bisect
import math
import statistics
import time

try:
    import resource  # Unix only: the page faults of each value
except ImportError:
    resource = None

import failures
from intervals import CONFIDENCE, median_ci

TARGET = 0.02  # the interval must lie within +-2% of the median
# Fewest values whose order-statistic interval reaches 95%: with n values, (min, max)
# covers the median with probability 1 - 2 / 2**n, 96.9% from n = 6 on (93.75% at 5).
MIN_REPEATS = 6
# In a full run the time cap never stops a point before it has this many values: with 6 to 8
# values the 95% interval is (min, max) and one outlier decides it; from 12 on it leaves out
# two each side. Stage and quick runs keep to their slot instead: 3 values at least.
FEWEST = 12
FEWEST_ON_STAGE = 3
MAX_REPEATS = 60  # a fast, noisy point stops here; 60 values give the interval (x22, x39)
MODES = {
    # mode: (largest number of values, share of the demo's full-run time cap per point,
    #        shortest value in seconds, fewest values before the time cap stops a point)
    "full": (MAX_REPEATS, 1.0, 0.02, FEWEST),
    "stage": (12, 0.25, 0.005, FEWEST_ON_STAGE),
    "quick": (3, 0.1, 0.0, FEWEST_ON_STAGE),
}
MAX_LOOPS = 1000  # calibration never makes one value longer than this many calls
REFERENCE_ROUNDS = 25_000  # the reference loop: about 1 ms of pure-Python arithmetic
PROBES = 2  # reference readings before each value
# More readings before a longer value, so that they take about this share of its time (up
# to MOST_PROBES): between long values readings are sparse, and a few are noisier than the
# drift they would correct.
PROBE_SHARE = 0.05
MOST_PROBES = 16
WINDOW_S = 0.2  # a value's speed: the median reading within this many seconds of its middle
MIN_READINGS = 10  # fewest reference readings whose 10th and 90th percentiles mean something


# --- Statistics: pure functions, tested on synthetic values ---

def within_target(values, target=TARGET, confidence=CONFIDENCE):
    """True when ``values`` give a real 95% interval of the median within +-``target`` of it."""
    if len(values) < MIN_REPEATS:
        return False
    low, high = median_ci(values, confidence)
    median = statistics.median(values)
    return median > 0 and median - low <= target * median and high - median <= target * median


def stop_reason(values, elapsed_s, max_repeats, time_cap_s, min_repeats=MIN_REPEATS,
                target=TARGET, fewest=FEWEST):
    """The adaptive-repeat rule: why to stop measuring a point now, or None to go on.

    ``values`` are the point's timings so far, ``elapsed_s`` the time spent taking them.
    Checked in this order, so that a point reaching its target on its last allowed value
    counts as converged: 'converged' (at least ``min_repeats`` values and
    ``within_target``), 'max-repeats' (``max_repeats`` values taken), 'time-cap'
    (``elapsed_s`` >= ``time_cap_s``, once there are ``fewest`` values: a point slower
    than its cap still gets an interval).
    """
    if len(values) >= min_repeats and within_target(values, target):
        return "converged"
    if len(values) >= max_repeats:
        return "max-repeats"
    if elapsed_s >= time_cap_s and len(values) >= fewest:
        return "time-cap"
    return None


# --- Measuring: one point, several candidates, round robin ---

class Timing:
    """What measuring one candidate gave: its last answer, every value, and how it ended."""

    def __init__(self):
        self.answer = None
        self.loops = 1  # calls per value, from calibrate()
        self.values = []  # corrected for the machine's speed when speeds are measured
        self.raw = []  # seconds as timed (one call's share)
        self.moments = []  # (middle, duration) of each timed call, for its speed
        self.rounds = []  # the round of each value: values of one round were taken together
        self.paired = None  # (baseline name, its Timing) when compared pair by pair
        self.speeds = []  # the reference loop's seconds around each value
        # This process's minor page faults during each value (one call's share, like the
        # values): first touches of fresh memory. Threads and sub-interpreters fault here; a
        # worker process's faults are its own. Empty where they cannot be counted.
        self.faults = []
        self.elapsed_s = 0.0
        self.stopped = None  # the stop_reason, once there is one
        self.error = None
        self.spread = None  # the machine's speed swing during the point (Speed.spread)

    @property
    def ratios(self):
        """Per round, the baseline's time over this one's (raw seconds, taken back to back):
        how many times as fast this candidate was. Empty unless compared pair by pair."""
        if self.paired is None or self.paired[1] is self:
            return []
        base = dict(zip(self.paired[1].rounds, self.paired[1].raw, strict=True))
        return [base[r] / value for r, value in zip(self.rounds, self.raw, strict=True)
                if r in base and value > 0]

    @property
    def converged(self):
        """True if the rule stopped on its target and the stored values still meet it (the
        last speed correction, with every candidate's readings, can move them); None when
        nothing was timed. A candidate compared pair by pair converges on its ratios."""
        if not self.values:
            return None
        measured = self.ratios if self.paired and self.paired[1] is not self else self.values
        return self.stopped == "converged" and within_target(measured)


def page_faults():
    """Minor page faults of this process so far, or None where they cannot be counted.

    A value that touches memory the allocator has just mapped pays a fault per page (and on a
    virtual machine, perhaps the host's too), which no reference loop sees: the counts beside
    the values say when the faults, not the machine, made a value long.
    """
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else None


def reference():
    """Seconds of a fixed piece of pure-Python work: a reading of the machine's speed now."""
    start = time.perf_counter()
    total = 0
    for i in range(REFERENCE_ROUNDS):
        total += i * i % 7
    return time.perf_counter() - start


class Speed:
    """The reference readings taken at one point, with their times: the machine's speed."""

    def __init__(self):
        self.times = []
        self.seconds = []

    def read(self, before=0.0):
        """Take readings now: PROBES, or more before a value expected to last ``before`` s."""
        last = self.seconds[-1] if self.seconds else None
        count = PROBES
        if last and before:
            count = min(MOST_PROBES, max(PROBES, round(PROBE_SHARE * before / last)))
        for _ in range(count):
            start = time.perf_counter()
            self.seconds.append(reference())
            self.times.append(start)

    def at(self, middle, duration):
        """The median reading within WINDOW_S of ``middle`` (wider for a longer value, so that
        the readings just before and after it count)."""
        half = max(WINDOW_S, 0.6 * duration)
        low = bisect.bisect_left(self.times, middle - half)
        high = bisect.bisect_right(self.times, middle + half)
        return statistics.median(self.seconds[low:high] or self.seconds)

    def baseline(self):
        """The point's median speed: every value is brought to it."""
        return statistics.median(self.seconds)

    def spread(self):
        """How much the machine's speed swung during the point: p90 / p10 - 1 of the readings
        (0.45 when the slowest tenth took 45% longer than the fastest), or None with fewer than
        MIN_READINGS. A quiet machine stays within a few per cent (inparallel/measure/noise.py
        classifies runs by it)."""
        if len(self.seconds) < MIN_READINGS:
            return None
        deciles = statistics.quantiles(self.seconds, n=10)
        return round(deciles[-1] / deciles[0] - 1, 4)


def corrected(raw, speeds, baseline, follow=1.0):
    """``raw`` values at the machine speed where the reference loop takes ``baseline`` s.

    ``follow`` is how much of the reference's change the values share (``following``): 1
    divides by the speed ratio, 0 leaves the values as timed.
    """
    return [value * (baseline / speed) ** follow
            for value, speed in zip(raw, speeds, strict=True)]


def following(pairs):
    """How far values follow the reference readings, from 0 to 1: a control variate's weight.

    ``pairs`` holds one (raw values, their speeds) per candidate. The weight is the pooled
    least-squares slope of log(value) on log(speed) within each candidate, kept in [0, 1].
    When the machine drifts, work and reference slow down together and it is near 1; when
    the readings move on their own (the work's aftermath shares their CPU, say), near 0, and
    correcting would only add their noise to the values.
    """
    sxy = sxx = 0.0
    for raw, speeds in pairs:
        if len(raw) < 3:
            continue
        xs, ys = [math.log(s) for s in speeds], [math.log(v) for v in raw]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        sxy += sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
        sxx += sum((x - mx) ** 2 for x in xs)
    return min(1.0, max(0.0, sxy / sxx)) if sxx > 0 else 0.0


def calibrate(seconds, shortest, most=MAX_LOOPS):
    """Calls per value so that one value lasts at least ``shortest`` seconds (pyperf's
    calibration of loops): a sub-millisecond call is timed in a batch, so that the timer's
    and the scheduler's jitter is averaged over the batch instead of deciding the value."""
    if shortest <= 0 or seconds >= shortest:
        return 1
    return min(most, math.ceil(shortest / max(seconds, 1e-9)))


def compare(candidates, args, warmup=1, per=1, paired_with=None):
    """Time each of ``candidates`` (name -> function of no arguments) at one point.

    Every candidate runs ``warmup`` times untimed (at least once when ``args.shortest`` asks
    for calibration); the last untimed call calibrates how many calls make one value
    (``calibrate``: a value lasts at least ``args.shortest`` seconds). Then the
    candidates still measuring take one timed value each per round, in alternating order
    (A B, then B A: neither always runs first, right after the other), until ``stop_reason``
    stops each one. A candidate that raises keeps its error and leaves the rotation; the
    others go on. Returns name -> Timing, in the order given. With ``per`` > 1 each call
    makes ``per`` of the operations timed; a value is the time of one call divided by
    ``per`` (and by the calibrated loops).

    ``paired_with`` names the baseline of a ratio (one thread, say): the others are then
    measured pair by pair against it. A noisy machine's speed swings by tens of per cent
    within seconds, so two medians taken apart can differ by more than the effect; the
    ratio of two values taken back to back cancels what they shared. Each candidate's
    ``ratios`` hold one ratio per round and its stop rule applies to them; the baseline
    keeps running as long as any candidate still needs a partner.
    """
    timings = {name: Timing() for name in candidates}
    shortest = getattr(args, "shortest", 0.0)
    speed = Speed() if getattr(args, "reference", False) else None
    base = timings.get(paired_with)
    if base is not None:
        for timing in timings.values():
            timing.paired = (paired_with, base)

    def call(name, warming_up=False):
        timing = timings[name]
        loops = 1 if warming_up else timing.loops
        faulted = None if warming_up else page_faults()  # a warm-up keeps no value
        start = time.perf_counter()
        try:
            for _ in range(loops):
                answer = candidates[name]()
        except Exception as error:  # a crashed worker is a result too; the demo goes on
            timing.error, timing.values, timing.stopped = failures.failure(error), [], "error"
            return None
        seconds = time.perf_counter() - start
        timing.answer = answer
        if not warming_up:  # a warm-up (starting a pool, say) does not eat into the time cap
            timing.elapsed_s += seconds
            timing.moments.append((start + seconds / 2, seconds))
            if faulted is not None:
                timing.faults.append((page_faults() - faulted) / loops / per)
        return seconds

    def recalibrated(timing, seconds):
        # A first value far shorter than calibration promised (the warm-up call was slowed
        # by imports, say) is a calibration round, not a value: pyperf's recalibration. Only
        # before the first kept value, so that no value is ever dropped for being fast.
        if timing.raw or seconds >= shortest / 2 or timing.loops >= MAX_LOOPS:
            return False
        timing.loops = calibrate(seconds / timing.loops, shortest, MAX_LOOPS)
        timing.elapsed_s -= seconds
        timing.moments.pop()
        if timing.faults:
            timing.faults.pop()
        return True

    def correct(baseline):
        measured = [t for t in timings.values() if t.raw and not t.error]
        for timing in measured:
            timing.speeds = [speed.at(*moment) for moment in timing.moments]
        follow = following([(t.raw, t.speeds) for t in measured])
        for timing in measured:
            timing.values = corrected(timing.raw, timing.speeds, baseline, follow)

    def stop(timing):
        measured = timing.ratios if base is not None and timing is not base else timing.values
        if base is not None and timing is not base and base.error:
            return "error"  # no partner left: it keeps what it has
        reason = stop_reason(measured, timing.elapsed_s, args.repeats, args.time_cap,
                             fewest=getattr(args, "fewest", FEWEST))
        if base is not None and timing is base and len(timings) > 1:
            # The baseline goes on exactly as long as a partner does.
            partners = [t for t in timings.values() if t is not base and not t.error]
            if any(t.stopped is None for t in partners):
                return None
            return reason if reason == "converged" else "partners-done"
        return reason

    untimed = max(warmup, 1 if shortest > 0 else 0)
    for name in candidates:
        for _ in range(untimed):
            if timings[name].error is None:
                seconds = call(name, warming_up=True)
                if seconds is not None:
                    timings[name].loops = calibrate(seconds, shortest)
    active = [name for name in candidates if timings[name].error is None]
    round_number = 0
    while active:
        for name in active if round_number % 2 == 0 else reversed(active):
            if speed:  # the last value of this candidate says how long the next will be
                speed.read(timings[name].moments[-1][1] if timings[name].moments else 0.0)
            seconds = call(name)
            timing = timings[name]
            if seconds is not None and recalibrated(timing, seconds):
                continue
            if seconds is not None:
                timing.raw.append(seconds / timing.loops / per)
                timing.rounds.append(round_number)
        round_number += 1
        if speed:  # the stop rule is relative to the median: any common baseline will do
            correct(1.0)
        for name in active:
            timing = timings[name]
            if timing.error:
                continue  # it keeps its error and no values
            if not speed:
                timing.values = timing.raw
        # The baseline decides last: it goes on while a paired candidate goes on.
        for name in sorted(active, key=lambda n: timings[n] is base):
            timing = timings[name]
            if not timing.error and timing.stopped is None:
                timing.stopped = stop(timing)
        active = [name for name in active if timings[name].stopped is None]
    if speed and speed.seconds:
        speed.read()  # the last values get readings after them too
        correct(speed.baseline())  # one baseline: the point's candidates stay comparable
        for timing in timings.values():
            timing.spread = speed.spread()
    return timings


def timed(fn, args, warmup=1):
    """Adaptive timing of one function alone (nothing to interleave it with): a Timing."""
    return compare({"only": fn}, args, warmup)["only"]

"""The interval of a median: the one rule for the demos and the package.

Standard library only and importing nothing from demos/, so that the package loads this very
file (inparallel/demo_code.py) instead of keeping a copy: a demo's stored interval and the
one the analysis computes over runs cannot disagree.
"""

import math

CONFIDENCE = 0.95
# Below this many values an interval of the median says nothing useful.
MIN_VALUES_FOR_INTERVAL = 3


def median_ci(values, confidence=CONFIDENCE):
    """A distribution-free ``confidence`` interval of the median of ``values``, or None.

    Method: the order-statistic (binomial, "sign test") interval. With the values sorted as
    x(1) <= ... <= x(n), each value falls below the true median with probability 1/2, so
    [x(j), x(n+1-j)] covers the median with probability 1 - 2 * P(B <= j - 1), B ~ Bin(n, 1/2),
    whatever the distribution of the timings (no normality assumed; timing noise is skewed).
    The narrowest such interval with at least ``confidence`` coverage is returned.

    With fewer than 3 values there is no interval (None). From 3 to 5 values even [min, max]
    covers less than 95% (93.75% at 5), so [min, max] is returned: the widest the data allow;
    adaptive repeats need 6 or more values for a true 95% interval.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    ordered = sorted(float(v) for v in values)
    n = len(ordered)
    if n < MIN_VALUES_FOR_INTERVAL:
        return None
    j = 1  # 1-based rank of the lower end
    tail = 1  # 2**n * P(B <= j - 1), kept as it grows: pooled runs hold hundreds of values
    while j + 1 <= (n + 1) // 2:
        grown = tail + math.comb(n, j)  # 2**n * P(B <= j)
        if 1 - 2 * grown / 2**n < confidence:
            break
        tail, j = grown, j + 1
    return ordered[j - 1], ordered[n - j]

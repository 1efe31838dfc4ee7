"""The typed form of a stored record (schema v2, ``inparallel/records/schema.json``).

Readers never see raw JSON: ``load.read`` validates a file and returns these frozen objects.
Mapping fields (``params``, ``env``, ``settings``) are plain dicts, compared but not hashed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2

# Rows in these units are timings: they carry a confidence interval and a convergence flag.
TIMING_UNITS = frozenset({"s"})
# Rates (the service demo's requests per second) are measured against the clock too: repeated,
# they carry an interval, and a noisy machine skews them like timings.
RATE_UNITS = frozenset({"req/s"})
MEASURED_UNITS = TIMING_UNITS | RATE_UNITS


def env_label(variant: str, env: Mapping[str, str]) -> str:
    """``3.14t PYTHON_GIL=1``: a variant and its run environment, as the live output shows it."""
    return " ".join([variant, *(f"{k}={v}" for k, v in sorted(env.items()))])


@dataclass(frozen=True)
class Machine:
    """Where a run happened; ``key`` keeps a 2-core and a 16-core machine of one model apart."""

    id: str
    hostname: str
    cpu_model: str
    cpu_count: int
    usable_cpus: int
    memory_bytes: int
    os: str
    kernel: str
    arch: str
    fingerprint: str | None = None  # tells machines of one CPU model apart; older: None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def key(self) -> str:
        """``<machine id>-<N>cpu-<fingerprint>``, N being the CPUs the run could use: two
        machines of one CPU model are two machines. Records from before fingerprints share
        ``<machine id>-<N>cpu``: which of them came from one machine cannot be told."""
        plain = f"{self.id}-{self.usable_cpus}cpu"
        return f"{plain}-{self.fingerprint}" if self.fingerprint else plain

    @property
    def label(self) -> str:
        """Human-readable, for captions: ``AMD EPYC 7B13, 2 CPUs``, and the first digits of
        the fingerprint where there is one (two VMs of one model read alike otherwise)."""
        plural = "s" if self.usable_cpus != 1 else ""
        label = f"{self.cpu_model}, {self.usable_cpus} CPU{plural}"
        return f"{label}, machine {self.fingerprint[:6]}" if self.fingerprint else label


@dataclass(frozen=True)
class Repository:
    """The commit the run was measured from, and whether the tree had local changes."""

    commit: str | None
    dirty: bool | None


@dataclass(frozen=True)
class Interference:
    """Load from outside the measurement during the run (other processes' CPU, steal time)."""

    wall_s: float
    other_cpu_s: float
    steal_s: float
    other_cpu_fraction: float
    disturbed: bool
    reason: str | None
    method: str | None = None  # "cgroup" (exact) or "proc" (fallback); older records: None


@dataclass(frozen=True)
class Noise:
    """The machine's own speed swing during the run (``inparallel.measure.noise``)."""

    spread: float | None
    kind: str  # "quiet", "noisy" or "unknown" (the record's "class")
    threshold: float
    points: int
    pair_scatter: float | None = None  # upper quartile of the points' pair scatters
    pair_threshold: float | None = None

    @property
    def reason(self) -> str:
        """Why a run is noisy, in a few words, with the numbers and thresholds."""
        said = []
        if self.spread is not None and self.spread > self.threshold:
            said.append(f"the machine's speed swung {self.spread:.0%} (p90/p10 of its "
                        f"reference readings; quiet is at most {self.threshold:.0%})")
        if (self.pair_scatter is not None and self.pair_threshold is not None
                and self.pair_scatter > self.pair_threshold):
            said.append(f"back-to-back pairs scattered {self.pair_scatter:.0%} (quiet is at "
                        f"most {self.pair_threshold:.0%})")
        return "; ".join(said) or "the machine's speed swung"


@dataclass(frozen=True)
class Interpreter:
    """What the interpreter reported about itself."""

    executable: str
    origin: str
    version: str
    implementation: str
    free_threaded_build: bool
    configure_args: str
    compiler: str


@dataclass(frozen=True)
class Row:
    """One measurement: one workload under one strategy with one worker count."""

    workload: str
    strategy: str
    workers: int
    params: Mapping[str, Any] = field(hash=False)
    unit: str
    values: tuple[float, ...]
    median: float | None
    min: float | None
    max: float | None
    ci_low: float | None
    ci_high: float | None
    converged: bool | None
    correct: bool | None
    available: bool
    reason: str | None
    error: str | None
    loops: int = 1  # calls timed together per value (each value is one call's share)
    noise_spread: float | None = None  # the machine's speed swing during the point
    # The baseline row this one was timed against pair by pair ({"workers": 1}), and the
    # baseline's time over this row's in each pair.
    paired_with: Mapping[str, Any] | None = field(default=None, hash=False)
    paired_ratios: tuple[float, ...] = ()
    # Per value, the measuring process's minor page faults during it (demos/timer.py).
    page_faults: tuple[float, ...] = ()

    @property
    def ok(self) -> bool:
        """A usable measurement: it ran, it did not fail, and it has a value."""
        return self.available and self.error is None and self.median is not None

    @property
    def is_timing(self) -> bool:
        """True for rows timed in seconds."""
        return self.unit in TIMING_UNITS

    @property
    def is_measured(self) -> bool:
        """True for rows measured against the clock (times, rates): the ones with an interval,
        whose values a noisy machine skews."""
        return self.unit in MEASURED_UNITS


@dataclass(frozen=True)
class Run:
    """One variant, under one environment, running every row of the demo."""

    variant: str
    env: Mapping[str, str] = field(hash=False)
    interpreter: Interpreter
    gil_enabled_at_end: bool | None
    duration_s: float
    error: str | None
    results: tuple[Row, ...]

    @property
    def label(self) -> str:
        """``3.14t PYTHON_GIL=1``, or just ``3.14t`` without an extra environment."""
        return env_label(self.variant, self.env)


@dataclass(frozen=True)
class Record:
    """One file of ``data/``: one run of one demo on one machine, under every variant it covered.

    ``migrated_from`` is the file's own schema version when it was older and migrated on load.
    """

    path: Path
    schema_version: int
    demo: str
    title: str
    quick: bool
    command: str
    started_at: str
    finished_at: str
    machine: Machine
    repository: Repository
    settings: Mapping[str, Any] = field(hash=False)
    interference: Interference | None
    runs: tuple[Run, ...]
    migrated_from: int | None = None
    noise: Noise | None = None  # None in records from before the speed swing was stored
    content: str = ""  # a hash of the file's measured content: one run under two names is one

    @property
    def disturbed(self) -> bool:
        """True when something outside the measurement loaded the machine during the run."""
        return self.interference is not None and self.interference.disturbed

    @property
    def noise_class(self) -> str:
        """``disturbed`` (other processes), else ``quiet``, ``noisy`` or ``unknown`` (the
        machine's own speed swing; unknown in older records and runs without readings)."""
        if self.disturbed:
            return "disturbed"
        return self.noise.kind if self.noise is not None else "unknown"

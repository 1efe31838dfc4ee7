"""The registry of every claim that rests on a measurement: each demo's findings, in one list.

A finding (``verdict.Finding``) lives with its demo's metrics in
``inparallel.analysis.demos.<demo>``; this module only lists them. Where each is used is read
from the pages and slides that include it (``inparallel.publish.claims.includes``, listed on
the Claims page), so it cannot go stale. Pages include ``docs/generated/finding-<name>.md``
(written by ``inparallel.publish.claims``), the deck
``<!-- include: docs/generated/finding-<name>.md -->``.
"""

from __future__ import annotations

from inparallel.analysis.demos import (
    compat,
    contention,
    cpu,
    ftscaling,
    io,
    memory,
    nogil,
    overhead,
    packages,
    pyperformance,
    service,
    shared_state,
    startup,
    surprise_ext_modules,
    surprise_pool,
    surprise_subinterp_calls,
    throughput,
    transfer,
)
from inparallel.analysis.verdict import Finding

#: The demos whose findings the registry lists, in the order the Claims page shows them.
DEMOS = (nogil, cpu, pyperformance, overhead, startup, memory, transfer, io, contention, compat,
         throughput, shared_state, service, packages, ftscaling, surprise_ext_modules,
         surprise_pool, surprise_subinterp_calls)

FINDINGS: tuple[Finding, ...] = tuple(each for demo in DEMOS for each in demo.findings())


def finding(name: str) -> Finding:
    """The finding called ``name``."""
    for each in FINDINGS:
        if each.name == name:
            return each
    raise KeyError(name)

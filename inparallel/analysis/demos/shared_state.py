"""The shared_state demo: queries against one large graph, shared by each strategy its own way."""

from __future__ import annotations

from inparallel import units
from inparallel.analysis import formatting as fmt
from inparallel.analysis import metrics as m
from inparallel.analysis.verdict import Finding, Verdict


def shared_state(result: m.ResultLike, variant: str) -> dict[str, dict[str, m.Estimate]]:
    """Per strategy on ``variant``: its ``first-answer`` and ``queries`` seconds and its
    ``pss`` and ``pss-growth`` bytes (a strategy that failed or gave a wrong answer is left out)."""
    found: dict[str, dict[str, m.Estimate]] = {}
    for point in result.select(variant=variant):
        if not point.env and getattr(point, "correct", None) is not False and (
                value := m.estimate(point)):
            found.setdefault(point.strategy, {})[point.workload] = value
    return found


def shared_state_threads(result: m.ResultLike) -> Verdict:
    """How free-threaded threads compare with the other strategies of sharing one large graph."""
    _, free = m.focus_pair(result)
    found = shared_state(result, free or "")
    others = {s: v for s, v in found.items() if s not in ("sequential", "threads")
              and "pss" in v and "first-answer" in v}
    threads = found.get("threads", {})
    if "pss" not in threads or "first-answer" not in threads or not others:
        return Verdict.no_data("needs the shared_state demo's threads and another strategy "
                               "on a free-threaded build")
    lightest = min(others, key=lambda s: others[s]["pss"].value)
    quickest = min(others, key=lambda s: others[s]["first-answer"].value)
    points = result.select(variant=free, strategy="threads", workload="pss")
    wrong = [p.strategy for p in result.select(variant=free) if p.correct is False]
    numbers = {
        "free": free or "", "n": str(max((p.workers for p in points), default=0)),
        "graph": units.size(float(points[0].params.get("graph_bytes", 0))) if points else "?",
        "threads_pss": units.size(threads["pss"].value),
        "threads_first": units.seconds(threads["first-answer"].value),
        "lightest": lightest, "lightest_pss": units.size(others[lightest]["pss"].value),
        "mem_x": fmt.times(others[lightest]["pss"].value / threads["pss"].value),
        "quickest": quickest,
        "quickest_first": units.seconds(others[quickest]["first-answer"].value),
        "first_x": fmt.times(others[quickest]["first-answer"].value
                             / threads["first-answer"].value),
    }
    return Verdict.of(not wrong, numbers,
                      f"every strategy's answers correct (wrong: {', '.join(wrong) or 'none'})")


def findings() -> tuple[Finding, ...]:
    """The shared_state demo's findings, for ``findings.FINDINGS``."""
    return (
        Finding(
            "shared-state-threads", "shared_state",
            "Answering queries against one graph of {graph} on {free} with {n} workers, threads "
            "held {threads_pss} in all (PSS) and gave a first answer after {threads_first}. The "
            "lightest other strategy, {lightest}, held {lightest_pss} ({mem_x} as much); the "
            "quickest other to a first answer, {quickest}, took {quickest_first} ({first_x} as "
            "long).",
            shared_state_threads),
    )

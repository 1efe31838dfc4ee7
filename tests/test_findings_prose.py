"""The findings behind the pages' comparative sentences (in ``analysis/demos/transfer.py``
and ``analysis/demos/service.py``) follow the data: each holds on made-up points shaped as its
sentence says, and fails when they are not.
"""

from __future__ import annotations

from record_samples import put, record, row, run

from inparallel.analysis import findings
from inparallel.analysis.demos import service, transfer
from inparallel.analysis.results import machine_results


def _same(value: float) -> list[float]:
    """Six equal values: a precise point (its interval is the value itself)."""
    return [value] * 6


def _result(tmp_path, demo: str, runs: list[dict]):
    put(tmp_path, record(demo, runs=runs, settings={}))
    [result] = machine_results(tmp_path, demo)
    return result


def _transfer(tmp_path, sub_large: float):
    rows = [row("bytes", strategy, values=_same(seconds), params={"size_bytes": payload})
            for strategy, payload, seconds in (("subinterpreters-shareable", 1024, 7e-4),
                                       ("processes-pickle", 1024, 1.3e-4),
                                       ("subinterpreters-shareable", 2**26, sub_large),
                                       ("processes-pickle", 2**26, 0.29))]
    return _result(tmp_path, "transfer", [run("3.14", rows)])


def test_bytes_to_a_sub_interpreter_cost_more_small_and_less_large(tmp_path) -> None:
    verdict = transfer.transfer_subinterpreter_bytes(_transfer(tmp_path, 0.08))
    assert verdict.status == "holds"
    assert (verdict.numbers["sub_small"], verdict.numbers["pickle_small"]) == ("700 µs", "130 µs")


def test_the_transfer_finding_fails_when_the_large_payload_is_dearer_too(tmp_path) -> None:
    assert transfer.transfer_subinterpreter_bytes(_transfer(tmp_path, 0.5)).status == "fails"


def _latency(strategy: str, cpu_ms: float, conns: int, p50: float, p99: float) -> list[dict]:
    return [row(workload, strategy, conns, values=_same(value), params={"cpu_ms": cpu_ms})
            for workload, value in (("latency-p50", p50), ("latency-p99", p99))]


def _service(tmp_path, asyncio_p99: float, asyncio_rate: float = 2000.0):
    rows = []
    for strategy, spread, rate in (("asyncio", asyncio_p99, asyncio_rate),
                                   ("threads", 9.0, 1500.0), ("processes-prefork", 3.0, 1800.0),
                                   ("subinterpreters", 4.0, 1900.0)):
        rows += (_latency(strategy, 2.0, 64, 0.1, 0.1 * spread)
                 + _latency(strategy, 0.0, 64, 0.01, 0.02))
        rows.append(row("throughput", strategy, 64, values=_same(rate), unit="req/s",
                        params={"cpu_ms": 0.0}))
    free = [row("throughput", "threads", 64, values=_same(1900.0), unit="req/s",
                params={"cpu_ms": 0.0})]
    return _result(tmp_path, "service", [run("3.14", rows), run("3.14t", free)])


def test_asyncio_keeps_its_p99_closest_to_its_median(tmp_path) -> None:
    verdict = service.service_tail_spread(_service(tmp_path, 1.2))
    assert verdict.status == "holds"
    assert (verdict.numbers["widest"], verdict.numbers["points"]) == ("threads", "1")


def test_the_tail_finding_fails_when_another_strategy_is_tighter(tmp_path) -> None:
    assert service.service_tail_spread(_service(tmp_path, 5.0)).status == "fails"


def test_with_no_work_asyncio_serves_the_most_or_the_finding_fails(tmp_path) -> None:
    assert service.service_no_work(_service(tmp_path, 1.2)).status == "holds"
    slower = _service(tmp_path / "slower", 1.2, asyncio_rate=1000.0)
    assert service.service_no_work(slower).status == "fails"


def test_they_are_registered_and_render_every_number(tmp_path) -> None:
    names = {f.name for f in findings.FINDINGS}
    mine = {"transfer-subinterpreter-bytes", "service-tail-spread", "service-no-work"}
    assert mine <= names
    verdict = service.service_no_work(_service(tmp_path, 1.2))
    assert "{" not in findings.finding("service-no-work").sentence(verdict)

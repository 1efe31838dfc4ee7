"""The bench's report card: how many of a stored run's measured points meet ±3%."""

from __future__ import annotations

from record_samples import put, record, row, run

from inparallel.analysis import precision

TIGHT = [1.0, 1.001, 0.999, 1.002, 0.998, 1.0, 1.0, 1.001, 0.999, 1.0, 1.0, 1.0]
LOOSE = [1.0, 1.3, 0.7, 1.2, 0.8, 1.0]


def stored(tmp_path, rows):
    return put(tmp_path, record(runs=[run("3.14t", rows=rows)]))


def test_a_run_counts_its_precise_points_and_says_its_noise_class(tmp_path):
    rows = [row(values=TIGHT), row(workers=2, values=LOOSE),
            row(workload="size", unit="bytes", values=[10.0])]  # a size needs no interval
    found = precision.of_files([stored(tmp_path, rows)])[0]
    assert (found.precise, found.measured) == (1, 2)
    assert found.share == 0.5
    assert found.line() == "nogil: 1 of 2 measured points within ±3% (50%), unknown run"


def test_a_paired_point_is_judged_on_its_ratios_not_its_times(tmp_path):
    steady = {"paired_with": {"workers": 1}, "paired_ratios": [1.9, 1.91, 1.89] * 4}
    scattered = {"paired_with": {"workers": 1}, "paired_ratios": [1.2, 2.6, 1.6, 2.2] * 3}
    rows = [row(workers=2, values=LOOSE * 2, **steady),
            row(workers=2, values=TIGHT, **scattered)]
    found = precision.of_files([stored(tmp_path, rows)])[0]
    assert (found.precise, found.measured) == (1, 2)


def test_a_rate_with_its_interval_counts_and_a_failed_row_does_not(tmp_path):
    rate = {**row(values=TIGHT), "unit": "req/s"}
    failed = row(workers=2, values=[], error="boom")
    found = precision.of_files([stored(tmp_path, [rate, failed])])[0]
    assert (found.precise, found.measured) == (1, 1)


def test_a_run_without_measured_points_says_so(tmp_path):
    found = precision.of_files([stored(tmp_path, [row(unit="bytes", values=[5.0])])])[0]
    assert found.share is None
    assert "no timed points" in found.line()

"""The bench's report card: how many of a stored run's measured points meet ±3%."""

from __future__ import annotations

import pytest
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
    assert found.line().startswith("nogil: 1 of 2 measured points within ±3% (50%), unknown run")


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


def test_a_single_shot_point_counts_as_imprecise_and_is_named(tmp_path):
    rows = [row(values=TIGHT), row(workload="first", values=[0.02])]  # a cold start: one value
    found = precision.of_files([stored(tmp_path, rows)])[0]
    assert (found.precise, found.measured, found.single_shot) == (1, 2, 1)
    assert "1 of the others single-shot (one value per run, no interval)" in found.line()


def test_an_imprecise_point_says_how_many_more_values_the_noise_would_ask(tmp_path):
    # LOOSE's six values give the interval (0.7, 1.3) around 1.0: ±30%, (30 / 3) ** 2 = 100
    # times the values; the single-shot row has no interval and no factor.
    rows = [row(values=TIGHT), row(workers=2, values=LOOSE), row(workload="first", values=[0.5])]
    found = precision.of_files([stored(tmp_path, rows)])[0]
    assert found.more_values == pytest.approx(100.0)
    assert "the others would need about 100x their values" in found.line()

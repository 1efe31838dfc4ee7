"""The interference accounting from synthetic /proc samples (measure/interference.py), the
busy-machine warning, and pyperf's system check (measure/provenance.py): no real load."""

from __future__ import annotations

import pytest

from inparallel.measure import collect, interference, provenance

# --- Interference from synthetic /proc samples ---

PROC_STAT = """cpu  1000 50 200 9000 100 10 40 30 500 0
cpu0 500 25 100 4500 50 5 20 15 250 0
intr 12345
"""


def test_proc_stat_busy_time_excludes_idle_and_iowait_and_counts_guest_once():
    sample = interference.parse_machine(PROC_STAT, ticks_per_s=100)
    assert sample.busy_s == pytest.approx((1000 + 50 + 200 + 10 + 40) / 100)
    assert sample.steal_s == pytest.approx(0.3)


def test_proc_stat_without_an_aggregate_line_is_refused():
    with pytest.raises(ValueError):
        interference.parse_machine("cpu0 1 2 3 4\n")


def test_a_process_line_is_read_after_the_last_parenthesis():
    line = ("4242 (python (x) y) S 1 4200 4100 0 -1 4194304 10 0 0 0 "
            "250 50 100 25 20 0 1 0 1000 0 0")
    process = interference.parse_process(line, ticks_per_s=100)
    assert process.session == 4100 and not process.zombie
    assert process.cpu_s == pytest.approx((250 + 50 + 100 + 25) / 100)
    assert interference.parse_process(line.replace(") S ", ") Z "), 100).zombie


def usage(wall, busy, own, steal=0.0):
    return interference.Usage(wall_s=wall, busy_s=busy, own_s=own, steal_s=steal)


def test_a_quiet_machine_is_not_disturbed():
    found = interference.summarize([usage(10, 20.2, 20.0), usage(10, 10.1, 10.0)], 2)
    assert found["other_cpu_s"] == pytest.approx(0.3)
    assert found["other_cpu_fraction"] == pytest.approx(0.3 / 40, abs=1e-4)
    assert found["disturbed"] is False and found["reason"] is None


def test_other_work_above_the_threshold_disturbs_the_record_and_says_how_much():
    found = interference.summarize([usage(10, 14.0, 10.0)], 2)  # others: 4 of 20 CPU-s
    assert found["disturbed"] is True
    assert found["other_cpu_fraction"] == pytest.approx(0.2)
    assert "20% of the 2 CPUs" in found["reason"]


def test_steal_counts_toward_the_threshold():
    assert interference.summarize([usage(10, 10.0, 10.0, steal=2.0)], 2)["disturbed"] is True


def test_a_few_ticks_over_a_short_run_are_rounding_not_load():
    found = interference.summarize([usage(1.0, 1.15, 1.0)], 2)  # 7.5%, but 0.15 CPU-s
    assert found["disturbed"] is False


def test_our_own_cpu_above_the_machine_total_is_rounding_never_negative_load():
    assert usage(1, 1.98, 2.0).other_s == 0.0


def test_no_measured_interval_means_no_interference_object():
    assert interference.summarize([], 2) is None


def test_the_busy_machine_warning_is_given_once(monkeypatch, capsys):
    monkeypatch.setattr(collect, "_warned", [])
    busy = interference.summarize([usage(10, 14.0, 10.0)], 2)
    collect.warn_once(interference.summarize([usage(10, 10.0, 10.0)], 2))
    collect.warn_once(busy)
    collect.warn_once(busy)
    out = capsys.readouterr().out
    assert out.count("warning:") == 1 and "20% of the 2 CPUs" in out


# --- pyperf's system check, parsed ---

SYSTEM_SHOW = """Show the system configuration

System state
============

CPU: use 2 logical CPUs: 0-1
ASLR: Full randomization

Advices
=======

Linux scheduler: Use isolcpus=<cpu list> kernel parameter to isolate CPUs

Warnings
========

Turbo Boost (MSR): Failed to read MSR 0x1a0

Run "python -m pyperf system tune" to tune the system configuration to run benchmarks
"""


def test_pyperf_system_show_is_kept_by_section():
    assert provenance.parse_system_show(SYSTEM_SHOW) == {
        "state": ["CPU: use 2 logical CPUs: 0-1", "ASLR: Full randomization"],
        "advice": ["Linux scheduler: Use isolcpus=<cpu list> kernel parameter to isolate CPUs"],
        "warnings": ["Turbo Boost (MSR): Failed to read MSR 0x1a0"],
    }

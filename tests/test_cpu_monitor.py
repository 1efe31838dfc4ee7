"""Per-core CPU use from /proc/stat: the parser, the delta and the bars, on synthetic samples."""

import io

from rich.console import Console

from inparallel.measure.cpu_monitor import CoreTimes, parse_proc_stat, render_bars, usage

# Columns: user nice system idle iowait irq softirq steal guest guest_nice.
BEFORE = """\
cpu  2000 0 200 5000 100 0 0 0 0 0
cpu0 1000 0 100 2500 50 0 0 0 0 0
cpu1 1000 0 100 2500 50 0 0 0 0 0
intr 12345 0 0
ctxt 99
"""
# Over the interval: cpu0 ran 90 user + 10 system ticks and idled 0 (fully busy, as under a
# free-threaded run); cpu1 ran 25 ticks and idled 70 + 5 iowait (a quarter busy).
AFTER = """\
cpu  2125 0 210 5075 105 0 0 0 0 0
cpu0 1090 0 110 2500 50 0 0 0 900 0
cpu1 1025 0 100 2570 55 0 0 0 0 0
intr 12400 0 0
"""


def test_parse_reads_each_core_and_skips_the_aggregate_line():
    cores = parse_proc_stat(BEFORE)
    assert sorted(cores) == [0, 1]
    # busy = user + nice + system + irq + softirq + steal; idle and iowait are not busy.
    assert cores[0] == CoreTimes(busy=1100, total=3650)


def test_guest_time_is_not_counted_twice():
    # guest (900 ticks on cpu0) is already part of user; counting it would exceed the interval.
    assert parse_proc_stat(AFTER)[0].total == 1090 + 110 + 2500 + 50


def test_usage_is_the_busy_share_of_each_core_over_the_interval():
    fractions = usage(parse_proc_stat(BEFORE), parse_proc_stat(AFTER))
    assert fractions == {0: 1.0, 1: 0.25}


def test_a_core_whose_counters_did_not_move_is_idle_and_an_offline_core_is_left_out():
    before = parse_proc_stat(BEFORE)
    after = {0: before[0]}
    assert usage(before, after) == {0: 0.0}


def test_odd_lines_are_skipped_not_fatal():
    assert parse_proc_stat("cpu0 a b c d\ncpu1 1 2 3 4\ncpuX 1 2 3 4\n") == {
        1: CoreTimes(busy=6, total=10)}


def _rendered(fractions: dict[int, float], width: int = 80) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, force_terminal=False).print(render_bars(fractions, width))
    return out.getvalue().splitlines()


def test_bars_show_each_core_and_the_total_busy_cores():
    lines = _rendered({0: 1.0, 1: 0.25})
    assert lines[0] == "CPU use per core: 1.2 of 2 cores busy"
    assert lines[1].startswith("cpu0 ") and lines[1].endswith(" 100%")
    assert lines[2].startswith("cpu1 ") and lines[2].endswith("  25%")
    full, quarter = lines[1].count("█"), lines[2].count("█")
    assert full == len(lines[1]) - len("cpu0 ") - len(" 100%")
    assert quarter == round(full / 4)


def test_bars_fit_80_columns_on_a_big_machine_without_wrapping():
    fractions = {core: (core % 5) / 4 for core in range(64)}
    lines = _rendered(fractions)
    assert all(len(line) <= 80 for line in lines)
    assert sum(line.count("%") for line in lines) == 64, "every core shown, none cut"
    assert len(lines) <= 1 + 13

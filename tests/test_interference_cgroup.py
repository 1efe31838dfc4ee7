"""The cgroup method of measuring a demo's own CPU: parsing, the choice of hierarchy, a real
group where this machine allows one, and the record's ``interference.method``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from record_samples import edited, put, record

from inparallel.measure import interference
from inparallel.measure.interference import CgroupPlace, CpuGroup
from inparallel.records import load
from inparallel.records.errors import InvalidRecord

# This machine's kind: v1 controllers each on their own hierarchy, and v2 beside them.
HYBRID_MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime shared:12 - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
HYBRID_CGROUP = """\
9:name=systemd:/
4:memory:/process_api/bf69
2:cpuacct:/
1:cpu:/
0::/
"""
# A current systemd desktop: v2 only, our own cgroup a session scope deep inside.
V2_MOUNTINFO = ("30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - "
                "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
                "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n")
V2_CGROUP = "0::/user.slice/user-1000.slice/session-2.scope\n"
# An older distribution: cpu and cpuacct bound together on one v1 hierarchy.
V1_MOUNTINFO = ("27 21 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup "
                "rw,cpu,cpuacct\n")
V1_CGROUP = "3:cpu,cpuacct:/user.slice\n1:name=systemd:/user.slice/session-1.scope\n"


def test_mountinfo_lists_cgroup_hierarchies_with_their_controllers():
    mounts = interference.parse_mountinfo(HYBRID_MOUNTINFO)
    assert [m.point for m in mounts] == [
        "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/memory",
        "/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"]
    assert mounts[1].version == 1 and mounts[1].controllers == {"rw", "cpuacct"}
    assert mounts[-1].version == 2 and mounts[-1].root == "/"


def test_mountinfo_paths_are_unescaped():
    line = r"50 31 0:40 /a\040b /mnt/my\040cgroups rw - cgroup2 none rw" + "\n"
    (mount,) = interference.parse_mountinfo(line)
    assert (mount.point, mount.root) == ("/mnt/my cgroups", "/a b")


def test_proc_self_cgroup_maps_each_controller_and_v2_to_a_path():
    found = interference.parse_proc_cgroup(V1_CGROUP + "0::/user.slice/x.scope\n")
    assert found == {"cpu": "/user.slice", "cpuacct": "/user.slice",
                     "name=systemd": "/user.slice/session-1.scope", "": "/user.slice/x.scope"}


@pytest.mark.parametrize(("mountinfo", "cgroup", "expected"), [
    (HYBRID_MOUNTINFO, HYBRID_CGROUP,
     [(1, "/sys/fs/cgroup/cpuacct"), (2, "/sys/fs/cgroup/unified")]),
    (V2_MOUNTINFO, V2_CGROUP,
     [(2, "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope"), (2, "/sys/fs/cgroup")]),
    (V1_MOUNTINFO, V1_CGROUP,
     [(1, "/sys/fs/cgroup/cpu,cpuacct/user.slice"), (1, "/sys/fs/cgroup/cpu,cpuacct")]),
    # A container whose mount shows only its own subtree (root /docker/abc).
    ("60 50 0:26 /docker/abc /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n", "0::/docker/abc/app\n",
     [(2, "/sys/fs/cgroup/app"), (2, "/sys/fs/cgroup")]),
    # ... and one whose cgroup is not inside what is mounted: only the top can be tried.
    ("60 50 0:26 /docker/abc /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n", "0::/elsewhere\n",
     [(2, "/sys/fs/cgroup")]),
    ("22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw\n", "0::/\n", []),
    ("", "", []),
], ids=["hybrid", "v2", "v1-cpu-cpuacct", "container", "outside", "none", "empty"])
def test_the_places_to_try_best_first(mountinfo, cgroup, expected):
    places = interference.cgroup_places(cgroup, mountinfo)
    assert [(p.version, str(p.parent)) for p in places] == expected


def test_usage_files():
    assert interference.parse_cpuacct_usage("2500000000\n") == pytest.approx(2.5)
    stat = "usage_usec 1234567\nuser_usec 1000000\nsystem_usec 234567\nnr_periods 0\n"
    assert interference.parse_cpu_stat(stat) == pytest.approx(1.234567)
    with pytest.raises(ValueError, match="usage_usec"):
        interference.parse_cpu_stat("user_usec 1\n")
    assert interference.parse_pids("12\n345\n") == [12, 345]
    assert interference.parse_pids("") == []


def test_no_place_or_no_cgroup_there_means_the_proc_fallback(tmp_path):
    assert CpuGroup.create([]) is None
    assert CpuGroup.create([CgroupPlace(2, tmp_path / "missing")]) is None
    # A plain directory accepts the mkdir but has no usage file: refused, and cleaned up.
    assert CpuGroup.create([CgroupPlace(1, tmp_path)]) is None
    assert list(tmp_path.iterdir()) == []


def test_a_failed_move_is_swallowed_and_noticed(tmp_path):
    group = CpuGroup(tmp_path / "not-a-cgroup", 2)
    group.path.mkdir()
    group.enter()  # no cgroup.procs to write: must not raise (it runs as a preexec_fn)
    assert not group.entered(os.getpid())
    assert group.remove() and not group.path.exists()


def test_summary_says_its_method_and_a_mix_is_proc():
    def usage(method: str) -> interference.Usage:
        return interference.Usage(wall_s=1, busy_s=1, own_s=1, steal_s=0, method=method)

    assert interference.summarize([usage("cgroup")], 2)["method"] == "proc"  # the default
    assert interference.summarize([usage("cgroup")], 2, method="cgroup")["method"] == "cgroup"
    assert interference.method_of([usage("cgroup"), usage("cgroup")]) == "cgroup"
    assert interference.method_of([usage("cgroup"), usage("proc")]) == "proc"
    assert interference.method_of([]) == "proc"


# The child forks a grandchild that burns CPU, and exits at once without waiting for it.
ORPHANING = """\
import os, time
if os.fork() == 0:
    while time.process_time() < 0.3:
        pass
    os._exit(0)
os._exit(0)
"""


def test_the_group_counts_a_grandchild_that_nobody_in_the_demo_waits_for():
    group = CpuGroup.create()
    if group is None:
        pytest.skip("no writable cgroup here (not root, or none delegated): /proc fallback")
    try:
        child = subprocess.Popen([sys.executable, "-c", ORPHANING], preexec_fn=group.enter)
        if not group.entered(child.pid):
            pytest.skip(f"the child could not be moved into {group.path}")
        _pid, _status, rusage = os.wait4(child.pid, 0)
        child.returncode = 0  # reaped above; keep Popen from waiting again
        waited_s = rusage.ru_utime + rusage.ru_stime
        group.settle(linger_s=5.0)
        assert group.pids() == []
        group_s = group.cpu_s()
    finally:
        removed = group.remove()
    assert waited_s < 0.2  # wait4 of the child misses the grandchild ...
    assert group_s is not None and group_s >= 0.2 + waited_s  # ... the group does not
    assert removed and not Path(group.path).exists()


def test_a_record_with_or_without_a_method_loads(tmp_path):
    with_method = edited(record(), ("interference", "method"), "cgroup")
    assert load.read(put(tmp_path, with_method)).interference.method == "cgroup"
    without = record(started="2026-11-25T14:05:12Z")
    assert "method" not in without["interference"]
    assert load.read(put(tmp_path, without)).interference.method is None


def test_an_unknown_method_is_refused(tmp_path):
    path = put(tmp_path, edited(record(), ("interference", "method"), "guess"))
    with pytest.raises(InvalidRecord, match="method"):
        load.read(path)

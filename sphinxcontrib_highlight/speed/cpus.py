"""How many CPUs this process may use: the fewest that its affinity and its cgroup's
quota allow.

``os.cpu_count()`` counts the machine's CPUs, not those a process may run on: a build
pinned to one CPU (``taskset``) or in a container given one CPU's time (``docker
--cpus 1``, a CI runner) sees every CPU of the host. There a child working beside the
build only takes time from it: measured at 2,000 entries on one CPU by affinity, a build
with children took 15 % longer than without. So children start only where this count
says a second CPU is free.
"""

from __future__ import annotations

import functools
import math
import os
from pathlib import Path, PurePosixPath

#: Where the kernel's files are read from; tests point the readers at a directory of fakes.
SYSTEM_ROOT = Path("/")


def usable_cpus() -> int:
    """The CPUs this process may use, at least one."""
    affinity, quota = cpus_by_affinity(), cpus_by_quota(SYSTEM_ROOT)
    return max(1, affinity if quota is None else min(affinity, quota))


def cpus_by_affinity() -> int:
    """The CPUs this process may run on (all of them where affinity is unknown)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@functools.cache
def cpus_by_quota(root: Path) -> int | None:
    """The whole CPUs the cgroup quota of this process grants (a quota of 1.5 CPUs gives
    one: a child would be throttled for the half the build uses), or None for no quota.

    Read from cgroup v2's ``cpu.max`` and v1's ``cpu.cfs_quota_us`` and
    ``cpu.cfs_period_us``, in the process's own cgroup and each one above it, the
    smallest quota winning. Read once per process: a quota does not change under a build.
    """
    quotas = [
        quota
        for hierarchy, folder in _cgroups(root)
        for directory in _up_to(root / "sys/fs/cgroup" / hierarchy, folder)
        if (quota := _quota_in(directory)) is not None
    ]
    if not quotas:
        return None
    return max(1, math.floor(min(quotas)))


def _cgroups(root: Path) -> list[tuple[str, PurePosixPath]]:
    """(hierarchy folder under /sys/fs/cgroup, cgroup path) for each hierarchy that can
    hold a CPU quota: v2's unified one (the mount itself) and v1's ``cpu`` controller."""
    try:
        lines = (root / "proc/self/cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        number, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        folder = PurePosixPath(path or "/")
        if number == "0" and not controllers:
            found.append(("", folder))
        elif "cpu" in controllers.split(","):
            found.append(("cpu", folder))
    return found


def _up_to(mount: Path, folder: PurePosixPath) -> list[Path]:
    """The cgroup's directory under its mount and each one above it, up to the mount.
    In a container the mount often shows the container's own cgroup at its top while the
    path names the host's: the directories that do not exist are simply not read."""
    return [mount / part.relative_to("/") for part in [folder, *folder.parents]]


def _quota_in(directory: Path) -> float | None:
    """The quota in CPUs that the cgroup at ``directory`` sets, if it sets one (v2 writes
    ``max`` for none, v1 ``-1``)."""
    try:
        if (directory / "cpu.max").is_file():
            quota, period = (directory / "cpu.max").read_text(encoding="utf-8").split()[:2]
        else:
            quota = (directory / "cpu.cfs_quota_us").read_text(encoding="utf-8")
            period = (directory / "cpu.cfs_period_us").read_text(encoding="utf-8")
        if quota.strip() == "max" or int(quota) <= 0:
            return None
        return int(quota) / int(period)
    except (OSError, ValueError, ZeroDivisionError):  # absent or unreadable: no quota known
        return None

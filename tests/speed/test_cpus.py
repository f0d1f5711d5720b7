"""CPUs are counted as the process may use them: by its affinity and its cgroup's quota,
not by the machine's count; on one usable CPU no child is forked."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sphinxcontrib_highlight.speed import background, cpus

ROOTS = Path(__file__).parents[1] / "roots"


def fake_system(root: Path, cgroup: str, files: dict[str, str]) -> Path:
    """A directory laid out like ``/``: ``proc/self/cgroup`` and cgroup files."""
    (root / "proc/self").mkdir(parents=True)
    (root / "proc/self/cgroup").write_text(cgroup, encoding="utf-8")
    for name, text in files.items():
        path = root / "sys/fs/cgroup" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("cgroup", "files", "expected"),
    [
        pytest.param("0::/\n", {"cpu.max": "max 100000\n"}, None, id="v2-no-quota"),
        pytest.param("0::/\n", {"cpu.max": "100000 100000\n"}, 1, id="v2-one-cpu"),
        pytest.param("0::/\n", {"cpu.max": "150000 100000\n"}, 1, id="v2-one-and-a-half"),
        pytest.param("0::/\n", {"cpu.max": "50000 100000\n"}, 1, id="v2-half-a-cpu"),
        pytest.param("0::/\n", {"cpu.max": "400000 100000\n"}, 4, id="v2-four-cpus"),
        pytest.param(
            "0::/ci/job\n",
            {"cpu.max": "max 100000\n", "ci/cpu.max": "200000 100000\n",
             "ci/job/cpu.max": "max 100000\n"},
            2, id="v2-quota-of-a-parent-cgroup",
        ),
        pytest.param(
            "0::/docker/0123abc\n", {"cpu.max": "100000 100000\n"}, 1,
            id="v2-container-sees-its-cgroup-at-the-top",
        ),
        pytest.param(
            "12:pids:/\n4:cpu,cpuacct:/\n1:name=systemd:/\n",
            {"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"},
            1, id="v1-one-cpu",
        ),
        pytest.param(
            "4:cpu,cpuacct:/\n",
            {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"},
            None, id="v1-no-quota",
        ),
        pytest.param(
            "4:cpuacct,cpu:/build\n",
            {"cpu/build/cpu.cfs_quota_us": "300000\n", "cpu/build/cpu.cfs_period_us": "100000\n"},
            3, id="v1-nested",
        ),
        pytest.param("0::/\n", {"cpu.max": "garbage\n"}, None, id="unreadable-quota"),
        pytest.param("0::/\n", {"cpu.max": "100000 0\n"}, None, id="zero-period"),
        pytest.param("0::/\n", {}, None, id="no-cgroup-files"),
    ],
)
def test_the_quota_is_read_from_the_cgroup_files(tmp_path, cgroup, files, expected):
    assert cpus.cpus_by_quota(fake_system(tmp_path, cgroup, files)) == expected


def test_no_proc_file_means_no_quota(tmp_path):
    assert cpus.cpus_by_quota(tmp_path) is None


def test_the_smaller_of_affinity_and_quota_counts(tmp_path, monkeypatch):
    root = fake_system(tmp_path, "0::/\n", {"cpu.max": "100000 100000\n"})
    monkeypatch.setattr(cpus, "SYSTEM_ROOT", root)
    monkeypatch.setattr(cpus, "cpus_by_affinity", lambda: 8)
    assert cpus.usable_cpus() == 1
    monkeypatch.setattr(cpus, "SYSTEM_ROOT", fake_system(tmp_path / "free", "0::/\n", {}))
    assert cpus.usable_cpus() == 8


def test_no_child_on_one_cpu(monkeypatch):
    # Other tests of this process (the browser's) may leave threads, which also rule
    # children out: here only the CPUs vary.
    monkeypatch.setattr(background.threading, "active_count", lambda: 1)
    monkeypatch.setattr(background.switch, "_enabled", True)
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 1)
    assert not background.available()
    monkeypatch.setattr(cpus, "usable_cpus", lambda: 2)
    assert background.available()


#: A build of the ``parallel`` root in a process narrowed to the CPUs given in argv[1],
#: every fork recorded; prints the forks made as JSON.
BUILD_ON_CPUS = textwrap.dedent(
    """
    import json, os, sys

    os.sched_setaffinity(0, set(json.loads(sys.argv[1])))
    forks = []
    real_fork = os.fork

    def recording_fork():
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    os.fork = recording_fork
    from sphinx.cmd.build import main

    status = main(["-q", "-b", "html", sys.argv[2], sys.argv[3]])
    print(json.dumps({"status": status, "forks": len(forks)}))
    """
)


def build_on(cpu_set: set[int], tmp_path: Path, name: str) -> dict[str, int]:
    srcdir = tmp_path / name
    shutil.copytree(ROOTS / "test-parallel", srcdir)
    done = subprocess.run(
        [sys.executable, "-c", BUILD_ON_CPUS, json.dumps(sorted(cpu_set)), str(srcdir),
         str(tmp_path / f"{name}-html")],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    result: dict[str, int] = json.loads(done.stdout.splitlines()[-1])
    assert result["status"] == 0, done.stderr
    return result


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
def test_a_build_narrowed_to_one_cpu_forks_nothing(tmp_path):
    """Pinned to one CPU (``taskset -c 0``), the build forks no child; where the machine
    has two, the same build given both does fork (so the recording can see one)."""
    allowed = sorted(os.sched_getaffinity(0))
    assert build_on({allowed[0]}, tmp_path, "one")["forks"] == 0
    if len(allowed) > 1:
        assert build_on(set(allowed[:2]), tmp_path, "two")["forks"] > 0

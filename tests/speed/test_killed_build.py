"""A build killed while it writes leaves nothing behind: its children die with it and the
pipe it printed into reaches its end (``sphinx-build … | tee log`` returns).

Each test runs a real ``python -m sphinx`` build through a pipe, waits until the build
has started writing and has forked a child, kills the build, then reads the pipe to its
end within a bound and looks in ``/proc`` for any process of the build still alive.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOTS = Path(__file__).parents[1] / "roots"

#: Pages of the generated project: enough that the children are still at work when the
#: build is killed (each page also waits a little as it is written, see ``CONF``).
PAGES = 120

#: How long the pipe may stay open once the build is dead, in seconds. A child that dies
#: with its parent closes it at once; one that outlives the build holds it for ever.
EOF_WITHIN = 20.0

#: How long to wait for the build to reach its writing phase with a child beside it.
START_WITHIN = 120.0

CONF = '''
import time

project = "killed"
extensions = ["sphinxcontrib_highlight"]

# The machine this runs on may have one CPU: say there are two, so that children start.
from sphinxcontrib_highlight.speed import background, cpus
cpus.usable_cpus = lambda: 2
{extra}


def _slowly(app, *args):
    time.sleep(0.05)  # the writing phase lasts long enough to be interrupted


def setup(app):
    app.connect("html-page-context", _slowly)
'''

#: Without prctl (as on macOS), a child watches for its parent's end itself.
WITHOUT_PRCTL = "background.die_with_parent_by_signal = lambda: False"


def make_project(tmp_path: Path, extra: str = "") -> Path:
    """A project of many pages citing the bundled entries, from the ``parallel`` root."""
    source = ROOTS / "test-parallel"
    project = tmp_path / "project"
    project.mkdir()
    pages = [(source / f"page{n:02d}.rst").read_text(encoding="utf-8") for n in range(1, 13)]
    names = []
    for number in range(PAGES):
        name = f"page{number:04d}"
        body = pages[number % len(pages)].split("\n", 2)[2]
        (project / f"{name}.rst").write_text(f"{name}\n{'=' * len(name)}\n{body}", "utf-8")
        names.append(name)
    shutil.copy(source / "bibliography.rst", project)
    toctree = "\n".join(f"   {name}" for name in [*names, "bibliography"])
    (project / "index.rst").write_text(f"Killed\n======\n\n.. toctree::\n\n{toctree}\n", "utf-8")
    (project / "conf.py").write_text(CONF.format(extra=extra), encoding="utf-8")
    return project


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (zombies included)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def identity(pid: int) -> tuple[str, int] | None:
    """The state and start time of a process, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[19])


def alive(pid: int, started: int) -> bool:
    """Whether the process ``pid`` that started at ``started`` still runs (a zombie does
    not: it holds no descriptor)."""
    now = identity(pid)
    return now is not None and now[1] == started and now[0] != "Z"


def wait_for_child_while_writing(build: subprocess.Popen[bytes], outdir: Path) -> dict[int, int]:
    """Wait until the build writes pages with a live child beside it; its children seen
    so far, with their start times."""
    seen: dict[int, int] = {}
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline and build.poll() is None:
        for pid in children_of(build.pid):
            found = identity(pid)
            if found is not None:
                seen.setdefault(pid, found[1])
        writing = any(outdir.glob("page*.html"))
        if writing and any(alive(pid, started) for pid, started in seen.items()):
            return seen
        time.sleep(0.01)
    pytest.fail("the build never wrote pages beside a child")


def read_to_end(stream, within: float) -> bool:
    """Read the pipe until its end; whether the end came within ``within`` seconds."""
    deadline = time.monotonic() + within
    descriptor = stream.fileno()
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([descriptor], [], [], left)
        if ready and not os.read(descriptor, 65536):
            return True
    return False


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/stat").exists() or not hasattr(os, "fork"),
    reason="needs fork and Linux's /proc",
)


@needs_proc
@pytest.mark.parametrize(
    ("signal_number", "extra"),
    [
        pytest.param(signal.SIGTERM, "", id="SIGTERM"),
        pytest.param(signal.SIGKILL, "", id="SIGKILL"),
        pytest.param(signal.SIGKILL, WITHOUT_PRCTL, id="SIGKILL-without-prctl"),
    ],
)
def test_a_killed_build_leaves_no_process_and_no_open_pipe(tmp_path, signal_number, extra):
    project = make_project(tmp_path, extra)
    outdir = tmp_path / "html"
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    build = subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-b", "html", str(project), str(outdir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment,
    )
    seen: dict[int, int] = {}
    try:
        seen = wait_for_child_while_writing(build, outdir)
        seen.update(
            (pid, found[1]) for pid in children_of(build.pid) if (found := identity(pid))
        )
        build.send_signal(signal_number)
        build.wait(timeout=EOF_WITHIN)
        assert build.stdout is not None
        assert read_to_end(build.stdout, EOF_WITHIN), "a child of the killed build holds its pipe"
        time.sleep(0.5)  # the pipe is closed as a child dies; let the kernel finish it
        survivors = [pid for pid, started in seen.items() if alive(pid, started)]
        assert survivors == [], f"processes of the killed build still run: {survivors}"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid, started in seen.items():  # never leave a stray child on the machine
            if alive(pid, started):
                os.kill(pid, signal.SIGKILL)
        if build.stdout is not None:
            build.stdout.close()


#: A process that forks one child through the speed layer (the child only sleeps: it
#: touches no pipe that could tell it of its parent's end), prints the child's id and
#: its open descriptors' targets, then sleeps until killed. argv[1]: "prctl" or "watch".
PARENT = textwrap.dedent(
    """
    import json, os, sys, time

    from sphinxcontrib_highlight.speed import background

    if sys.argv[1] == "watch":
        background.die_with_parent_by_signal = lambda: False
    build_output = os.readlink("/proc/self/fd/1")
    child = background.fork(time.sleep, 600)
    time.sleep(0.5)  # the child has set itself up
    targets = {
        name: os.readlink(f"/proc/{child.pid}/fd/{name}")
        for name in os.listdir(f"/proc/{child.pid}/fd")
    }
    print(json.dumps({"child": child.pid, "output": build_output, "fds": targets}), flush=True)
    time.sleep(600)
    """
)


def start_parent(how: str) -> tuple[subprocess.Popen[str], dict]:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert parent.stdout is not None
    return parent, json.loads(parent.stdout.readline())


@needs_proc
@pytest.mark.parametrize("how", ["prctl", "watch"])
def test_a_child_dies_when_its_parent_is_killed(how):
    """By the kernel's parent-death signal, or (where there is none) by its own watch."""
    parent, report = start_parent(how)
    child = report["child"]
    found = identity(child)
    assert found is not None
    try:
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + EOF_WITHIN
        while alive(child, found[1]) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child, found[1])
    finally:
        if alive(child, found[1]):
            os.kill(child, signal.SIGKILL)
        parent.stdout.close()


@needs_proc
def test_a_child_holds_none_of_the_builds_pipes():
    """Its stdout and stderr are the null device, and the pipe the parent prints into is
    not among its descriptors."""
    parent, report = start_parent("prctl")
    try:
        fds = report["fds"]
        assert report["output"].startswith("pipe:")
        assert fds["1"] == fds["2"] == os.devnull
        assert report["output"] not in fds.values()
    finally:
        found = identity(report["child"])
        parent.kill()
        parent.wait()
        parent.stdout.close()
        if found is not None and alive(report["child"], found[1]):
            os.kill(report["child"], signal.SIGKILL)


@needs_proc
def test_the_kernel_is_asked_for_the_death_signal():
    """On Linux the child's parent-death signal is SIGKILL (read back with prctl)."""
    script = textwrap.dedent(
        """
        import ctypes
        from sphinxcontrib_highlight.speed import background

        assert background.die_with_parent_by_signal()
        found = ctypes.c_int(0)
        ctypes.CDLL(None).prctl(2, ctypes.byref(found), 0, 0, 0)  # PR_GET_PDEATHSIG
        print(found.value)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert int(done.stdout) == signal.SIGKILL

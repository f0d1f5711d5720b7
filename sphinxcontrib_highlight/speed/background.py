"""Work a build needs later, started now in a forked child process.

Sphinx reads and writes documents in one process unless ``-j`` is given, so on a
machine with more than one CPU the others sit idle. Two things this extension does
need no answer until later and depend on nothing the pages hold: parsing a BibTeX file
that changed into its database (needed only once every document is read) and writing
a list's download files (needed only by the reader, after the build). A forked child
does each meanwhile.

The main process waits for a child only when it needs the child's result, and never
relies on it: a database the child did not write is parsed in the main process, and
download files are written there if the child failed. So the worst case is the time a
build took without children.

A child never outlives its build, nor holds what the build holds open. A build killed
by a CI runner (SIGTERM, SIGKILL) runs no exit handler, so the child is told by the
kernel (Linux's parent-death signal) or, where that does not exist, watches for the day
its parent changes. And a child lets go of every pipe and socket it inherited but does
not use, its standard output and error first: ``sphinx-build … | tee log`` ends when
the build ends, and a child blocked on a pipe sees its other end close.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.speed import cpus, switch

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Iterable
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

#: Linux's ``prctl`` option that sends a signal to a process when its parent ends.
PR_SET_PDEATHSIG = 1

#: Where no signal can be had, how often a child checks that its parent lives, in seconds.
PARENT_CHECK_INTERVAL = 0.2

#: How much lower than the build's the priority of a :class:`Worker`'s child is (the
#: ``nice`` increment): no one waits for its work until the build ends, so where the
#: build's own processes want every CPU (``-j 2`` on two CPUs) they go first, and the
#: child takes what they leave. At 2,000 entries, ``-j 2`` on two CPUs: 4.08 -> 3.83 s
#: and 4.28 -> 4.09 s (medians of seven alternating builds each; ``-j 1`` unchanged).
WORKER_NICENESS = 10

#: Each task's child and the process that started it (only that one may wait for it).
_running: dict[Hashable, tuple[int, BaseProcess]] = {}

#: Set in every child this layer forks: it works ahead of the build, which reports.
_working_ahead = False


def available() -> bool:
    """Whether a child can run beside this process: fork exists, a second CPU this
    process may use does (see :mod:`.cpus`), and this process runs no other thread (a
    forked copy of a thread holding a lock, in a program that embeds Sphinx, could wait
    for it forever)."""
    return (
        switch.enabled()
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and cpus.usable_cpus() > 1
    )


def fork(target: Callable[..., Any], *args: Any) -> BaseProcess:
    """Start ``target(*args)`` in a forked daemon child (OSError if none can start).

    The child keeps the pipe ends among ``args`` and lets go of every other pipe and
    socket, and dies with this process (see the module's docstring).
    """
    used = [arg.fileno() for arg in args if isinstance(arg, Connection)]
    child = multiprocessing.get_context("fork").Process(
        target=_in_child, args=(os.getpid(), used, target, *args), daemon=True,
        name="sphinxcontrib-highlight",
    )
    child.start()
    return child


def _in_child(parent: int, used: list[int], target: Callable[..., Any], *args: Any) -> None:
    """The child's first steps, before ``target(*args)``: tie its life to ``parent``'s,
    then let go of what it does not use."""
    global _working_ahead  # this process is the child now, for good
    _working_ahead = True
    if not die_with_parent_by_signal():
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the child could ask to follow it
        os._exit(1)
    release_descriptors(keep=used)
    target(*args)


def working_ahead() -> bool:
    """Whether this process is a child forked by this layer (to parse, resolve or write
    ahead of the build). Such a child leaves what must be reported to the build: its
    output goes nowhere (see :func:`release_descriptors`), and what it changes on disk
    the build would find changed without knowing why."""
    return _working_ahead


def die_with_parent_by_signal() -> bool:
    """Ask the kernel to kill this process when its parent ends (Linux); whether it can.

    SIGKILL, as the child has nothing to save: the build redoes whatever it did not
    finish, and a killed build redoes everything.
    """
    import ctypes  # here: only a child uses it, and a rebuild forks none (1.3 ms)

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        unused = ctypes.c_ulong(0)
        signalled = libc.prctl(
            PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL), unused, unused, unused
        )
        return bool(signalled == 0)
    except (OSError, AttributeError):  # no C library to load, or no prctl in it
        return False


def _exit_when_orphaned(parent: int) -> None:
    """Where the kernel cannot signal it: end this process once its parent has ended
    (it is then adopted by another, and ``getppid`` changes)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_INTERVAL)
    os._exit(1)


def release_descriptors(keep: Iterable[int]) -> None:
    """Point standard output and error, and every pipe and socket this process inherited
    but does not ``keep``, at the null device.

    Each descriptor is replaced rather than closed: an object of the copied build that
    owns one (a pipe end of another child) may close it later, and must then close the
    null device, not a file this process opened since under the same number. The
    children print nothing (their warnings go back to the build), so output lost here
    is none; stdin is multiprocessing's already. multiprocessing's own pipe that tells
    the parent this child ended goes too: the parent waits for its children with
    ``join()`` without a timeout (``waitpid``), never through ``Process.sentinel``.
    """
    kept = set(keep)
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for descriptor in _open_descriptors():
            if descriptor == null or descriptor in kept:
                continue
            if descriptor in (1, 2) or _is_pipe_or_socket(descriptor):
                os.dup2(null, descriptor)
    finally:
        os.close(null)


def _open_descriptors() -> list[int]:
    """This process's open file descriptors (Linux lists them in /proc, macOS in /dev/fd)."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            return [int(entry.name) for entry in Path(listing).iterdir()]
        except OSError:
            continue
    return list(range(min(os.sysconf("SC_OPEN_MAX"), 4096)))


def _is_pipe_or_socket(descriptor: int) -> bool:
    try:
        mode = os.fstat(descriptor).st_mode
    except OSError:  # not open (the listing's own descriptor, or a gap in the range)
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def pipe() -> tuple[Connection, Connection]:
    """A one-way pipe for a forked child: (receiving end, sending end)."""
    return multiprocessing.get_context("fork").Pipe(duplex=False)


def shared_counter(value: int) -> Synchronized[int]:
    """An integer this process and the children it forks next all see (shared memory)."""
    counter: Synchronized[int] = multiprocessing.get_context("fork").Value("i", value, lock=False)
    return counter


def start(tasks: list[Hashable], target: Callable[..., Any], *args: Any) -> BaseProcess | None:
    """Run ``target(*args)`` in a forked child that does ``tasks``; the child, or None if
    none could start (the tasks are then done where they are needed)."""
    try:
        child = fork(target, *args)
    except OSError:
        return None
    for task in tasks:
        _running[task] = (os.getpid(), child)
    return child


def started(task: Hashable) -> bool:
    """Whether a child started by this process is doing ``task`` (or did it, unawaited)."""
    found = _running.get(task)
    return found is not None and found[0] == os.getpid()


def busy() -> bool:
    """Whether a child this process started is still at work (its results not awaited)."""
    return any(
        pid == os.getpid() and child.is_alive() for pid, child in _running.values()
    )


def wait(task: Hashable) -> int | None:
    """Wait for the child doing ``task``, if this process started one; its exit code.

    A process forked from the starter (a Sphinx ``-j`` worker) cannot wait for its
    sibling and gets None, as does a task no child does: the caller does the work.
    """
    found = _running.pop(task, None)
    if found is None or found[0] != os.getpid():
        return None
    child = found[1]
    child.join()
    return child.exitcode


class Worker:
    """A forked child that calls ``handle(job)`` for each job submitted, in order.

    The first ``inline`` jobs are handled here: a build with a few jobs (one page
    rewritten) is done sooner than a child could start. The child starts with the next
    job, as a copy of this process at that moment, so ``handle`` may use everything the
    build holds then, and it yields the CPU to the build's processes. Jobs are kept here
    until :meth:`finish`: if the child cannot start or does not finish cleanly, this
    process handles them itself, so a job is never lost, only done later.
    """

    def __init__(self, handle: Callable[[Any], None], inline: int = 4) -> None:
        self._handle = handle
        self._inline = inline
        self._jobs: list[Any] = []
        self._child: BaseProcess | None = None
        self._sender: Connection | None = None
        self._broken = False
        self._starter = os.getpid()

    def submit(self, job: Any) -> None:
        """Hand ``job`` to the child (starting it with the first job), or handle it now."""
        if (self._inline > 0 or os.getpid() != self._starter or not available()
                or not switch.enabled("download_child")):
            self._inline -= 1
            self._handle(job)
            return
        self._jobs.append(job)
        if self._broken:
            return
        try:
            if self._sender is None:
                receiver, self._sender = pipe()
                self._child = fork(self._serve, receiver)
                receiver.close()
            self._sender.send(job)
        except OSError:  # no process or pipe to be had: finish() does the jobs here
            self._broken = True

    def _serve(self, receiver: Connection) -> None:
        """The child's loop, at a lower priority than the build (:data:`WORKER_NICENESS`):
        handle jobs until told to stop; exit 1 on any failure."""
        try:
            os.nice(WORKER_NICENESS)
            while (job := receiver.recv()) is not None:
                self._handle(job)
        except BaseException:  # noqa: BLE001 - the parent redoes the jobs and reports failures
            os._exit(1)

    def finish(self) -> None:
        """Wait for the child; handle here every job it did not finish cleanly."""
        jobs, child, sender, broken = self._jobs, self._child, self._sender, self._broken
        self._jobs, self._child, self._sender, self._broken = [], None, None, False
        if child is not None and sender is not None:
            try:
                if not broken:
                    sender.send(None)
                sender.close()
            except OSError:
                broken = True
            if broken:
                child.terminate()
            child.join()
            if not broken and child.exitcode == 0:
                return
        for job in jobs:
            self._handle(job)

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
build took without children. Children are daemons: if the build stops, they stop.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.speed import switch

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

#: Each task's child and the process that started it (only that one may wait for it).
_running: dict[Hashable, tuple[int, BaseProcess]] = {}


def available() -> bool:
    """Whether a child can run beside this process: fork exists, a second CPU does, and
    this process runs no other thread (a forked copy of a thread holding a lock, in a
    program that embeds Sphinx, could wait for it forever)."""
    return (
        switch.enabled()
        and "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
    )


def fork(target: Callable[..., Any], *args: Any) -> BaseProcess:
    """Start ``target(*args)`` in a forked daemon child (OSError if none can start)."""
    child = multiprocessing.get_context("fork").Process(
        target=target, args=args, daemon=True, name="sphinxcontrib-highlight"
    )
    child.start()
    return child


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
    build holds then. Jobs are kept here until :meth:`finish`: if the child cannot start
    or does not finish cleanly, this process handles them itself, so a job is never
    lost, only done later.
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
        if self._inline > 0 or os.getpid() != self._starter or not available():
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
        """The child's loop: handle jobs until told to stop; exit 1 on any failure."""
        try:
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

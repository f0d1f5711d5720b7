"""Format the entries of the pages Sphinx resolves next, in a forked child, with ``-j``.

With ``-j N`` on N CPUs no CPU is left for children that resolve whole pages (see
:func:`.prerender.children_for`): Sphinx's own process resolves every page for its
writers, one chunk of pages at a time, and that process is the build's critical path.
Yet a CPU idles while it resolves the first chunk (no writer has started) and whenever
a writer has finished its chunk before the next one is ready. Formatting entries is the
largest part of resolving a page, and its results are memoized by content
(:class:`.memo.ByContent`): a child that formats the pages' entries in the order Sphinx
resolves them, and sends each page's new memo results, lets the build find its entries
formatted and only make their nodes.

The child runs at the lowest priority, on what the build's processes leave: the first
chunk, and the gaps between chunks. The build takes what has arrived at each page and
never waits: an entry not formatted yet it formats itself, as without the child. The child skips pages the build has
reached and keeps at most :data:`MOST_AHEAD` entries ahead of it, so that what it sends
is still in the memo when the build needs it.
"""

from __future__ import annotations

import gc
import os
import pickle
import time
from collections import deque
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.speed import background, memo

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

#: How many entries the child formats ahead of the build at most: half of what a memo
#: keeps (:data:`.memo.CONTENTS`), the other half for what the build itself works on.
MOST_AHEAD = memo.CONTENTS // 2

#: How long the child sleeps when it is :data:`MOST_AHEAD` entries ahead, in seconds.
PAUSE = 0.005

#: How much lower than the build's the child's priority is (the ``nice`` increment): the
#: lowest, so that it takes only a CPU that the build's own processes leave idle, and
#: never slows Sphinx's writer. At 2,000 entries on two CPUs, ``-j 2``: 3.48 -> 3.34 s and
#: 3.37 -> 3.16 s (medians of 24 and 30 alternating builds); the child at the build's own
#: priority gained nothing (3.16 -> 3.20 s and 3.21 -> 3.22 s, 12 builds each), the
#: writer then waiting for it.
NICENESS = 19


class FormatAhead:
    """One build's formatting child: started on the pages the build will resolve, in
    that order, and told at each page where the build is."""

    def __init__(self, child: BaseProcess, receiver: Connection, at: Synchronized[int],
                 order: dict[str, int]) -> None:
        self._child = child
        self._receiver: Connection | None = receiver
        self._at = at
        self._order = order

    def page_started(self, docname: str) -> None:
        """The build starts resolving ``docname``: put what the child sent so far in the
        memos, and tell it to skip the pages up to this one."""
        index = self._order.get(docname)
        if index is not None:
            self._at.value = index
        try:
            while self._receiver is not None and self._receiver.poll(0):
                memo.fill(pickle.loads(self._receiver.recv_bytes()))  # our own child
        except (EOFError, OSError):
            self._close()

    def _close(self) -> None:
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None

    def finish(self) -> None:
        """Stop the child (it may be formatting pages no build will resolve)."""
        self._close()
        self._child.terminate()
        self._child.join()


def start(
    pages: list[str],
    format_entries: Callable[[str], None],
    entries_shown: Callable[[str], int],
) -> FormatAhead | None:
    """A child formatting the entries of ``pages`` (in the order the build resolves
    them) with ``format_entries``; None if none can start."""
    try:
        at = background.shared_counter(-1)
        receiver, sender = background.pipe()
    except OSError:
        return None
    indexed = list(enumerate(pages))
    try:
        child = background.fork(_format_pages, format_entries, entries_shown, indexed, at,
                                sender)
    except OSError:
        receiver.close()
        return None
    finally:
        sender.close()
    return FormatAhead(child, receiver, at, {name: index for index, name in indexed})


def _format_pages(
    format_entries: Callable[[str], None],
    entries_shown: Callable[[str], int],
    pages: list[tuple[int, str]],
    build_at: Synchronized[int],
    sender: Connection,
) -> None:
    """The child: each page's new memo results, one message a page, for the pages the
    build has not reached, at most :data:`MOST_AHEAD` entries ahead of it."""
    try:
        os.nice(NICENESS)
        gc.freeze()  # what the build holds is never garbage here (see .prerender)
        ahead: deque[tuple[int, int]] = deque()  # pages sent, with their entries
        for index, docname in pages:
            shown = max(1, entries_shown(docname))
            while index > build_at.value:
                while ahead and ahead[0][0] <= build_at.value:
                    ahead.popleft()
                if not ahead or sum(count for _, count in ahead) + shown <= MOST_AHEAD:
                    break
                time.sleep(PAUSE)
            if index <= build_at.value:
                continue
            with memo.recorded() as records:
                format_entries(docname)
            if records:
                sender.send_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
            ahead.append((index, shown))
    except BaseException:  # noqa: BLE001 - the build formats for itself, and says nothing
        os._exit(1)
    os._exit(0)

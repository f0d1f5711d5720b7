"""Format the entries of the pages Sphinx will write next, in a forked child.

Formatting an entry (its style's rich text), its COinS span and its links are the
largest part of what the extension does while Sphinx writes a page, and they depend only
on the entry, the style and the language. Sphinx writes pages in sorted order (in parallel builds too,
the main process prepares them in that order), so once a build has written a few pages,
a child formats the entries of every later page that shows a list, page by page, and
sends each page's results back as one pickled message. The build takes a page's results
if they have arrived, and formats for itself otherwise: it never waits for the child,
so the worst case is the time a build took without it. A build that writes one or two
pages never starts a child.
"""

from __future__ import annotations

import os
import pickle
import weakref
from typing import TYPE_CHECKING, Any

from . import background, metadata
from .formatting import render_entry
from .links import links_by_kind

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from sphinx.application import Sphinx
    from sphinx.builders import Builder

    from .domain import HighlightDomain
    from .styles.base import Rendered

#: Pages a build writes itself before a child formats the rest.
PAGES_BEFORE_CHILD = 3

#: A page that shows more entries (a list of a whole file) is formatted by the build
#: itself: its results would be one message as large as the file.
MOST_ENTRIES_A_PAGE = 1000

Item = tuple[str, tuple[str, ...], str]
"""What a result is for: ``rendered:`` and a style, ``coins`` or ``links``; the
bibliography's files; a lower-cased key."""


class Prerenderer:
    """One build's child and the results it sent, by page."""

    def __init__(self) -> None:
        self._pages_seen = 0
        self._child: BaseProcess | None = None
        self._receiver: Connection | None = None
        self._pages: dict[str, bytes] = {}
        self._page: tuple[str, dict[Item, Any]] | None = None

    def page_started(self, domain: HighlightDomain, docname: str, language: str) -> None:
        """Called as each page is prepared: the child starts after a few pages."""
        self._pages_seen += 1
        if self._child is None and self._pages_seen == PAGES_BEFORE_CHILD + 1:
            self._start(domain, docname, language)

    def _start(self, domain: HighlightDomain, docname: str, language: str) -> None:
        if not background.available():
            return
        later = sorted(name for name in domain.data["lists"] if name >= docname)
        if not later:
            return
        try:
            receiver, sender = background.pipe()
        except OSError:
            return
        try:
            child = background.fork(_format_pages, domain, later, language, sender)
        except OSError:
            receiver.close()
            return
        finally:
            sender.close()
        self._child, self._receiver = child, receiver

    def rendered(
        self, docname: str, style: str, bibfiles: tuple[str, ...], key: str
    ) -> Rendered | None:
        """The entry formatted in ``style`` for this page, if the child sent it already;
        None otherwise (the caller formats it)."""
        found: Rendered | None = self._results(docname).get(
            (f"rendered:{style}", bibfiles, key.lower())
        )
        return found

    def coins(self, docname: str, bibfiles: tuple[str, ...], key: str) -> str | None:
        """The entry's COinS for this page, if the child sent it already."""
        found: str | None = self._results(docname).get(("coins", bibfiles, key.lower()))
        return found

    def links(self, docname: str, bibfiles: tuple[str, ...], key: str) -> Any:
        """The entry's links by kind (:func:`.links.entry_links`), if the child sent them."""
        return self._results(docname).get(("links", bibfiles, key.lower()))

    def _results(self, docname: str) -> dict[Item, Any]:
        if self._receiver is None and not self._pages:
            return {}
        if self._page is None or self._page[0] != docname:
            self._receive()
            blob = self._pages.pop(docname, None)
            self._page = (docname, pickle.loads(blob) if blob is not None else {})  # ours
            self._pages = {name: data for name, data in self._pages.items() if name > docname}
        return self._page[1]

    def _receive(self) -> None:
        """Take every message that has arrived, without waiting for more."""
        receiver = self._receiver
        try:
            while receiver is not None and receiver.poll(0):
                docname, blob = pickle.loads(receiver.recv_bytes())  # our own child
                self._pages[docname] = blob
        except (EOFError, OSError):
            self._close_pipe()

    def _close_pipe(self) -> None:
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None

    def finish(self) -> None:
        """Stop the child (it may still be formatting pages no build will write)."""
        self._close_pipe()
        if self._child is not None:
            self._child.terminate()
            self._child.join()
            self._child = None


def _format_pages(
    domain: HighlightDomain, docnames: list[str], language: str, sender: Connection
) -> None:
    """The child: each page's results, in order, one message per page."""
    try:
        resolution = domain.resolution
        for docname in docnames:
            results: dict[Item, Any] = {}
            records = domain.data["lists"].get(docname, [])
            shown = sum(len(resolution.lists[record.list_id].keys) for record in records)
            for record in records if shown <= MOST_ENTRIES_A_PAGE else ():
                bibliography = domain.bibliography(record.bibfiles)
                for key in resolution.lists[record.list_id].keys:
                    entry = bibliography.get(key)
                    if entry is not None:
                        lowered = key.lower()
                        place = (record.bibfiles, lowered)
                        results[(f"rendered:{record.style}", *place)] = render_entry(
                            record.style, entry, language
                        )
                        results[("coins", *place)] = metadata.coins(entry)
                        results[("links", *place)] = links_by_kind(entry)
            blob = pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
            sender.send_bytes(pickle.dumps((docname, blob), protocol=pickle.HIGHEST_PROTOCOL))
    except BaseException:  # noqa: BLE001 - the build formats for itself, and says nothing
        os._exit(1)
    os._exit(0)


_prerenderers: weakref.WeakKeyDictionary[Builder, Prerenderer] = weakref.WeakKeyDictionary()


def prerenderer_for(builder: Builder) -> Prerenderer:
    """The running build's prerenderer, made on first use."""
    prerenderer = _prerenderers.get(builder)
    if prerenderer is None:
        prerenderer = _prerenderers[builder] = Prerenderer()
    return prerenderer


def finish_prerendering(app: Sphinx, exception: BaseException | None) -> None:
    """Sphinx event ``build-finished``: stop the build's child."""
    prerenderer = _prerenderers.pop(app.builder, None)
    if prerenderer is not None:
        prerenderer.finish()

"""Resolve the citations of the pages Sphinx will write next, in a forked child.

Resolving a page's citations (formatting its entries, their COinS, links and tooltips,
making the nodes, converting and writing its download files) is most of what this
extension does while Sphinx writes a page, and it depends only on what the build knows
once every document is read. Sphinx resolves pages in sorted order (in parallel builds
too: the main process prepares them), so children, started as Sphinx starts writing
(before it prepares its writer and copies the theme's files), resolve the pages that
cite or list in that order, each on its own copy of the page's doctree, and send back,
one message per page, the nodes that replace each placeholder, the warnings the build
would have logged and the download jobs it would have requested (their files written
already: handing them to the build's download writer instead made the build wait on a
full pipe, and that writer compete with the build for a CPU).

The build takes a page's result if it has arrived and was made from the same
placeholders (another extension's post-transform might have changed them first): it puts
the nodes in place, logs the warnings and requests the files, in the order it would have
itself. Otherwise it resolves the page itself. A build that writes its pages itself
never waits for the child, so the worst case is the time a build took without it; with
``-j`` it waits, see :meth:`Prerenderer.take`. A build that rewrites a page or two
starts no child.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import weakref
from typing import TYPE_CHECKING, Any, NamedTuple

from sphinx.builders import Builder

from sphinxcontrib_highlight.speed import background, cpus, format_ahead, switch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess
    from multiprocessing.sharedctypes import Synchronized

    from docutils import nodes
    from sphinx.application import Sphinx

#: A child starts as the build starts writing if the build is known to write at least
#: this many pages with citations. For one page it gains nothing: forking, the shared
#: counter and sending the page back cost the build what resolving the page does.
PAGES_FOR_CHILD = 3

#: Otherwise (Sphinx writes pages it did not read, as with ``-a``), pages a build
#: resolves itself before a child resolves every later page with citations.
PAGES_BEFORE_CHILD = 3

#: A page that shows more entries (a list of a whole file) is resolved by the build
#: itself: its result would be one message as large as the file.
MOST_ENTRIES_A_PAGE = 1000

#: How long a build that waits for the child (with ``-j``) waits for one page, in seconds.
LONGEST_WAIT = 2.0

Signature = list[tuple[str, dict[str, Any]]]
"""What a page's placeholders are: each one's node name and attributes, in order."""


class Resolved(NamedTuple):
    """What resolving a page made, as a child sends it."""

    signature: Signature
    replacements: list[list[nodes.Node]]
    """The nodes that replace each placeholder, in the order of the signature."""
    warnings: list[Any]
    """The warnings resolving kept instead of logging them, for the build to log."""
    downloads: list[Any]
    """The download files resolving asked for, for the build to request."""
    attributes: dict[str, Any]
    """The attributes resolving set on the page's document (its meta tags)."""


class PageResolver(NamedTuple):
    """What a child needs to resolve pages: the pages with citations, those of them the
    build is known to write, how many entries each one lists, and a function that
    resolves one (its placeholders' signature, the nodes that replace them and the
    attributes it sets on its document)."""

    docnames: Callable[[], Iterable[str]]
    written: Callable[[], Iterable[str]]
    entries_shown: Callable[[str], int]
    resolve: Callable[[str], tuple[Signature, list[list[nodes.Node]], dict[str, Any]]]
    keep_side_effects: Callable[[], tuple[list[Any], list[Any]]]
    """Called once in a child: from then on keep the warnings and download requests that
    resolving makes in the two lists returned, instead of logging or writing them."""
    format_entries: Callable[[str], None]
    """Format the entries a page shows, as resolving it would, into the memos only (for
    :mod:`.format_ahead`): no warning, no node, no file."""


def writes_page_by_page(builder: Builder) -> bool:
    """Whether the builder writes each document on its own, in sorted order (with
    Sphinx's own ``write_documents``), as the child expects. LaTeX, Texinfo, man and
    single-page HTML assemble documents and resolve only the assembled ones: a child
    would resolve pages none of them takes."""
    return type(builder).write_documents is Builder.write_documents


def signature(placeholders: list[nodes.Element]) -> Signature:
    return [(node.tagname, node.attributes) for node in placeholders]


class Prerenderer:
    """One build's children and the pages they resolved, by docname."""

    def __init__(self) -> None:
        self._pages_seen = 0
        self._children: list[BaseProcess] = []
        self._receivers: list[Connection | None] = []
        """Each child's receiving end, by share (None once closed)."""
        self._pages: dict[str, bytes] = {}
        self._taken: str | None = None
        self._at: Synchronized[int] | None = None
        """Where the build is, as an index into the children's pages (shared with them)."""
        self._order: dict[str, int] = {}
        self._waits = False
        self._formatter: format_ahead.FormatAhead | None = None

    def write_started(self, builder: Builder, resolver: PageResolver) -> None:
        """Sphinx event ``write-started``: if the build is known to write enough pages
        with citations (a full build), the children start on all of them, the first
        included, while Sphinx prepares its writer and copies the theme's files."""
        if writes_page_by_page(builder):
            written = sorted(resolver.written())
            if len(written) >= PAGES_FOR_CHILD:
                self._start(builder, written, resolver)

    def page_started(self, builder: Builder, docname: str, resolver: PageResolver) -> None:
        """Called as each page with citations is resolved: a build that writes pages it
        did not read (as with ``-a``) starts the children after a few pages; one that
        rewrites a page or two starts none."""
        self._pages_seen += 1
        if self._children or self._formatter or not writes_page_by_page(builder):
            return
        if self._pages_seen == PAGES_BEFORE_CHILD + 1:
            later = sorted(name for name in resolver.docnames() if name > docname)
            self._start(builder, later, resolver)

    def _start(self, builder: Builder, later: list[str], resolver: PageResolver) -> None:
        if not background.available() or not later:
            return
        shares = children_for(builder)
        if shares == 0:
            if builder.parallel_ok and switch.enabled("format_ahead") and switch.enabled("memo"):
                self._formatter = format_ahead.start(
                    later, resolver.format_entries, resolver.entries_shown
                )
            return
        if not switch.enabled("prerender"):
            return
        try:
            self._at = background.shared_counter(-1)
        except OSError:
            return
        indexed = list(enumerate(later))
        self._receivers = [
            self._fork(builder, resolver, indexed[share::shares]) for share in range(shares)
        ]
        if any(receiver is not None for receiver in self._receivers):
            self._order = {name: index for index, name in indexed}
            self._waits = builder.parallel_ok

    def _fork(
        self, builder: Builder, resolver: PageResolver, pages: list[tuple[int, str]]
    ) -> Connection | None:
        """Start a child for these pages; its receiving end, or None if it cannot start
        (the build then resolves those pages itself)."""
        try:
            receiver, sender = background.pipe()
        except OSError:
            return None
        try:
            child = background.fork(_resolve_pages, builder, resolver, pages, self._at, sender)
        except OSError:
            receiver.close()
            return None
        finally:
            sender.close()
        self._children.append(child)
        return receiver

    def take(self, docname: str, placeholders: list[nodes.Element]) -> Resolved | None:
        """The page's result, if a child sent it and made it from these placeholders;
        None otherwise (the caller resolves the page).

        A build that writes pages itself never waits for a child: it is behind the
        child anyway, and resolving a page here takes no longer than waiting. With
        ``-j``, Sphinx's workers write the pages and this process only prepares them,
        faster than a child resolves them: there the build waits for the page's child
        (up to :data:`LONGEST_WAIT` a page), which takes that work off it. Either way the
        children learn which page the build has reached and skip those it passed.
        """
        if self._formatter is not None:
            self._formatter.page_started(docname)
        index = self._order.get(docname)
        if self._waits and index is not None:
            self._receive_until(docname, index % len(self._receivers))
        if self._at is not None and index is not None:
            self._at.value = index
        self._receive()
        blob = self._pages.pop(docname, None)
        self._pages = {name: data for name, data in self._pages.items() if name > docname}
        if blob is None:
            return None
        resolved: Resolved = pickle.loads(blob)  # our own child
        if resolved.signature != signature(placeholders):
            return None
        self._taken = docname
        return resolved

    def taken(self, docname: str) -> bool:
        """Whether the page's result came from a child (its reader tools came with it)."""
        return self._taken == docname

    def _receive(self) -> None:
        """Take every message that has arrived, without waiting for more."""
        for share in range(len(self._receivers)):
            try:
                while (receiver := self._receivers[share]) is not None and receiver.poll(0):
                    self._receive_one(receiver)
            except (EOFError, OSError):
                self._close(share)

    def _receive_until(self, docname: str, share: int) -> None:
        """Take the messages of the child whose share ``docname`` is in, until it has
        sent that page's (it sends one for every page it does not skip), or the wait is
        too long."""
        try:
            while (receiver := self._receivers[share]) is not None and docname not in self._pages:
                if not receiver.poll(LONGEST_WAIT) or self._receive_one(receiver) >= docname:
                    return
        except (EOFError, OSError):
            self._close(share)

    def _receive_one(self, receiver: Connection) -> str:
        docname, blob = pickle.loads(receiver.recv_bytes())  # our own child
        if blob is not None:
            self._pages[docname] = blob
        return str(docname)

    def _close(self, share: int) -> None:
        receiver = self._receivers[share]
        if receiver is not None:
            receiver.close()
            self._receivers[share] = None

    def finish(self) -> None:
        """Stop the children (they may still be resolving pages no build will write)."""
        for share in range(len(self._receivers)):
            self._close(share)
        for child in self._children:
            child.terminate()
            child.join()
        self._children = []
        if self._formatter is not None:
            self._formatter.finish()
            self._formatter = None


def children_for(builder: Builder) -> int:
    """How many children resolve pages: one beside a build that writes its pages itself
    (:func:`.background.available` saw a second CPU for it).

    With ``-j N``, Sphinx writes in N - 1 worker processes at a time while its own
    process prepares every page for them; children take the resolving off that process,
    but only on the CPUs that Sphinx's N processes and the download child leave free,
    and no more than N. Where none is free such children only compete with the writers:
    at 2,000 entries on two CPUs, ``-j 2`` took 5.66 s with no child, 5.6 s with one and
    5.9 s with two (benchmarks/README.md); there a child that only formats entries, at
    the lowest priority, takes the CPU the build leaves idle (:mod:`.format_ahead`).
    The user's ``-j`` always stands: Sphinx's own writers are never turned off for a
    child.
    """
    if not builder.parallel_ok:
        return 1
    app = getattr(builder, "_app", None) or builder.app
    jobs = int(app.parallel)
    return max(0, min(jobs, cpus.usable_cpus() - 1 - jobs))


class _LoggedElsewhere(logging.Handler):
    """Notes that Sphinx's own code logged a warning: such a page is left to the build,
    which logs it itself, since only the extension's warnings are kept and sent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _resolve_pages(
    builder: Builder,
    resolver: PageResolver,
    docnames: list[tuple[int, str]],
    build_at: Synchronized[int],
    sender: Connection,
) -> None:
    """A child: for its share of the pages (each with its index among all of them), each
    page's :class:`Resolved`, in order, one message per page (None for a page left to the
    build), and none for a page the build has reached already."""
    try:
        _prerenderers.clear()  # this process resolves pages; it takes none
        # What the build holds is never garbage here: leave it out of the collector's
        # scans, and collect each page's garbage (its doctree) once the page is sent,
        # so that this process stays the size of the build it copies. What survives a
        # page (the style, the caches of entries) is frozen too: a full collection per
        # page that scanned it all again was a sixth of this process's time.
        gc.freeze()
        warnings, jobs = resolver.keep_side_effects()
        elsewhere = _LoggedElsewhere()
        sphinx_logger = logging.getLogger("sphinx")
        sphinx_logger.handlers = [elsewhere]  # the build prints; this copy of it must not
        for index, docname in docnames:
            if build_at.value >= index:
                continue
            blob = _page_blob(resolver, docname, elsewhere, warnings, jobs)
            sender.send_bytes(pickle.dumps((docname, blob), protocol=pickle.HIGHEST_PROTOCOL))
            warnings.clear()
            jobs.clear()
            gc.collect()
            gc.freeze()
    except BaseException:  # noqa: BLE001 - the build resolves for itself, and says nothing
        os._exit(1)
    os._exit(0)


def _page_blob(
    resolver: PageResolver,
    docname: str,
    elsewhere: _LoggedElsewhere,
    warnings: list[Any],
    jobs: list[Any],
) -> bytes | None:
    """The page's :class:`Resolved`, pickled; None for a page left to the build.

    A function of its own so that the page's nodes die with its frame, before the child
    collects and freezes what survives the page: frozen, a doctree's cycles (each node
    points to its parent) were never collected, and the child grew by 0.3 MB a page
    (46 MiB over the 200 pages of the 20,000-entry benchmark, the build's peak memory).
    """
    if resolver.entries_shown(docname) > MOST_ENTRIES_A_PAGE:
        return None
    elsewhere.seen = False
    page_signature, replacements, attributes = resolver.resolve(docname)
    if elsewhere.seen:
        return None
    resolved = Resolved(
        page_signature, [_detached(nodes) for nodes in replacements],
        list(warnings), list(jobs), attributes,
    )
    return pickle.dumps(resolved, protocol=pickle.HIGHEST_PROTOCOL)


def _detached(roots: list[nodes.Node]) -> list[nodes.Node]:
    """The nodes cut from this child's document, so that pickling them takes nothing else."""
    for root in roots:
        root.parent = None
        for node in root.findall():
            node.__dict__.pop("_document", None)  # docutils >= 0.22
            node.__dict__.pop("document", None)  # earlier docutils
    return roots


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

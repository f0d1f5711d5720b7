"""The ``highlight`` domain: per-document records and the project-wide resolution.

Directives and roles add records while a document is read; parallel readers' records are
merged by docname; records of a document are dropped when it is read again. After every
document is read (``env-get-updated``) the domain resolves numbers and links across the
project and returns the documents whose output changed, so Sphinx rewrites them even if
their sources did not change, and no page keeps a stale number, tooltip or text.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any, ClassVar

from sphinx.domains import Domain

from sphinxcontrib_highlight import speed
from sphinxcontrib_highlight.bibliography.doi_fetch import doi_key
from sphinxcontrib_highlight.speed import Packed, collector_paused, unpacked
from sphinxcontrib_highlight.sphinxext.dois import held_dois, prepare_dois
from sphinxcontrib_highlight.sphinxext.resolve import Resolution, refingerprint, resolve
from sphinxcontrib_highlight.sphinxext.sources import BibSource
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.styles.terms import current_locale
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Set as AbstractSet

    from docutils.nodes import Element, reference
    from sphinx.addnodes import pending_xref
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_highlight.bibliography.database import Bibliography
    from sphinxcontrib_highlight.sphinxext.records import BlockRecord, CiteRecord, ListRecord


_KINDS = ("lists", "cites", "blocks")


class HighlightDomain(Domain):
    """Records of citation blocks, reference lists and citations, and their resolution."""

    name = "highlight"
    label = "Highlight citations"
    data_version = 6
    initial_data: ClassVar[dict[str, Any]] = {  # Sphinx deep-copies it for each build
        "lists": {},
        "cites": {},
        "blocks": {},
        "dois": {},
        "resolution": None,
        "resolved_from": None,
    }

    def __init__(self, env: BuildEnvironment) -> None:
        super().__init__(env)
        self._loaded: dict[tuple[str, ...], Bibliography] = {}
        self._cleared: dict[str, dict[str, Any]] = {}
        """The records of each document read again in this build, as they were before."""
        self.written: set[str] = set()
        """The documents this build reads or finds changed, so will write (Sphinx may
        write others too, for its own reasons: ``-a``, a changed toctree)."""

    # --- records, kept by document -----------------------------------------------------

    def by_document(self, kind: str) -> dict[str, list[Any]]:
        """The records of a kind (``lists``, ``cites``, ``blocks``) by document."""
        records = self.data[kind]
        if isinstance(records, Packed):
            records = self.data[kind] = records.value
        return records  # type: ignore[no-any-return]

    def add_list(self, record: ListRecord) -> None:
        self.by_document("lists").setdefault(record.docname, []).append(record)

    def add_cite(self, record: CiteRecord) -> None:
        self.by_document("cites").setdefault(record.docname, []).append(record)
        dois = [key for key in record.keys if doi_key(key) is not None]
        if dois:
            self.data["dois"].setdefault(record.docname, []).extend(
                (key, record.cite_id, record.lineno) for key in dois
            )

    def cited_dois(self) -> Iterable[tuple[str, str, int]]:
        """(key, docname, line) of each key cited that is a DOI. Kept apart from the
        citation records, which stay packed in a build that reads no page
        (:meth:`pack`): finding the DOIs to fetch must not unpack them."""
        return (
            (key, docname, lineno)
            for docname, dois in self.data["dois"].items()
            for key, _, lineno in dois
        )

    def move_cites(self, docname: str, lines: dict[str, int]) -> None:
        """Set the line of the document's citations named by id (see :mod:`.reading`)."""
        cites = self.by_document("cites").get(docname, [])
        cites[:] = [
            cite._replace(lineno=lines.get(cite.cite_id, cite.lineno)) for cite in cites
        ]
        dois = self.data["dois"].get(docname, [])
        dois[:] = [(key, cite_id, lines.get(cite_id, lineno)) for key, cite_id, lineno in dois]

    def reserve_item_ids(self, docname: str, taken: tuple[str, ...]) -> None:
        """Note the ids the document gives other things, which its lists' items avoid."""
        lists = self.by_document("lists").get(docname, [])
        lists[:] = [record._replace(reserved_ids=taken) for record in lists]

    def add_block(self, record: BlockRecord) -> None:
        self.by_document("blocks").setdefault(record.docname, []).append(record)

    def clear_doc(self, docname: str) -> None:
        self._cleared.setdefault(
            docname, {kind: self.by_document(kind).get(docname) for kind in _KINDS}
        )
        for kind in _KINDS:
            self.by_document(kind).pop(docname, None)
        self.data["dois"].pop(docname, None)

    def merge_domaindata(self, docnames: AbstractSet[str], otherdata: dict[str, Any]) -> None:
        # Only the raw records of the documents a worker read; resolution is recomputed.
        for kind in _KINDS:
            theirs = unpacked(otherdata[kind])
            for docname in docnames & theirs.keys():
                self.by_document(kind)[docname] = theirs[docname]
        for docname in docnames & otherdata["dois"].keys():
            self.data["dois"][docname] = otherdata["dois"][docname]

    def pack(self) -> None:
        """Keep the citation records and the resolution as bytes in the pickled
        environment (see :class:`.Packed`); they are unpacked when next used."""
        for name in ("cites", "resolution"):  # a value still packed is left as it is
            if self.data[name] is not None and not isinstance(self.data[name], Packed):
                self.data[name] = Packed(self.data[name])

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> reference | None:
        return None  # citations resolve in the post-transform, not through xrefs

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: Element,
    ) -> list[tuple[str, reference]]:
        return []

    # --- resolution ------------------------------------------------------------------

    @property
    def resolution(self) -> Resolution:
        """The current resolution, computed now if no build computed it yet."""
        if self.data["resolution"] is None:
            self.refresh()
        resolution: Resolution = unpacked(self.data["resolution"])
        return resolution

    def records(self, kind: str) -> Iterable[Any]:
        return (record for records in self.by_document(kind).values() for record in records)

    def documents_with_citations(self) -> set[str]:
        """The documents that show a citation block, a list or an in-text citation."""
        return {docname for kind in _KINDS for docname in self.by_document(kind)}

    def written_with_citations(self) -> set[str]:
        """The documents with citations that this build is known to write."""
        if not self.written:  # a build that reads nothing needs no records
            return set()
        return self.documents_with_citations() & self.written

    def entries_shown(self, docname: str) -> int:
        """How many entries the document's reference lists show."""
        lists = self.resolution.lists
        return sum(
            len(lists[record.list_id].keys) for record in self.by_document("lists").get(docname, ())
        )

    def bibfile_sets(self) -> list[tuple[str, ...]]:
        """The sets of files that lists and citation blocks read, each once."""
        return list(dict.fromkeys(
            record.bibfiles for kind in ("lists", "blocks") for record in self.records(kind)
        ))

    def bibliography(self, bibfiles: tuple[str, ...]) -> Bibliography:
        """The bibliography of a record's files (the configured ones are its default).

        Loaded once a build: resolution and the post-transforms ask for it once per record
        and entry shown, and checking the files each time (a stat, paths, a lookup) cost a
        noticeable share of a build that changed nothing. :meth:`refresh` starts each build
        afresh, so a file edited between two builds in one process is read again.
        """
        loaded = self._loaded.get(bibfiles)
        if loaded is None:
            loaded = self._loaded[bibfiles] = self._source(bibfiles).load()
        return loaded

    def article_key(self, bibfiles: tuple[str, ...]) -> str | None:
        return self._source(bibfiles).article_key(self.bibliography(bibfiles))

    def _source(self, bibfiles: tuple[str, ...]) -> BibSource:
        configured = BibSource.configured(self.env.config)
        return BibSource(bibfiles, configured.encoding, configured.article, configured.doi_cache)

    def refresh(self) -> list[str]:
        """Resolve the whole project; return the documents whose output changed.

        Nothing is resolved when nothing resolution reads has changed since the last
        build: the records of every document read again, the reading order and the
        content of every BibTeX file. A build that rewrites one page whose citations
        did not change (the most common build) skips the project-wide work. When only
        the content of entries changed (every file has the same keys in the same order),
        the numbers stay and only the fingerprints are computed again.
        """
        if speed.busy():
            self._while_a_file_is_parsed()
        self._loaded.clear()
        file_sets = self.report_bibfile_problems()
        order = toctree_order(self.env)
        bibliographies = [self.bibliography(bibfiles) for bibfiles in file_sets]
        numbering = (  # what numbers, anchors and links depend on
            self.env.config.highlight_article,
            tuple(order),
            tuple(bibliography.key_state for bibliography in bibliographies),
            held_dois(self, bibliographies),
        )
        contents = tuple(bibliography.state for bibliography in bibliographies)
        unchanged_records = all(
            records.get(kind) == self.by_document(kind).get(docname)
            for docname, records in self._cleared.items()
            for kind in _KINDS
        )
        self._cleared.clear()
        stored = self.data["resolution"]
        resolved_from = self.data["resolved_from"]
        same_numbering = (
            stored is not None and unchanged_records
            and resolved_from is not None and resolved_from[0] == numbering
        )
        if same_numbering and resolved_from[1] == contents:
            return []  # the stored resolution stands, still packed
        previous: Resolution | None = unpacked(stored)
        self.data["resolved_from"] = (numbering, contents)
        lists, cites, blocks = (self.records(kind) for kind in _KINDS)
        if same_numbering and previous is not None and not previous.entry_dependent:
            # Only entries' content changed: refresh the fingerprints, keep the numbers.
            resolution = refingerprint(
                previous, lists, cites, blocks, order, self.bibliography,
                _changed_keys(file_sets, bibliographies, resolved_from[1]),
            )
        else:
            configured = BibSource.configured(self.env.config).paths
            resolution = resolve(
                lists, cites, blocks, order, self.bibliography, self.article_key,
                (self.env.config.highlight_reference_style, configured), current_locale(),
            )
        self.data["resolution"] = resolution
        old = previous.fingerprints if previous else {}
        return sorted(
            docname
            for docname in resolution.fingerprints.keys() | old.keys()
            if resolution.fingerprints.get(docname) != old.get(docname)
            and docname in self.env.all_docs
        )

    def _while_a_file_is_parsed(self) -> None:
        """Use the time the build would wait for a child that parses or patches a .bib
        file (which changed, most likely): unpack what resolving needs, and, if the child
        is still at work, let the garbage collector make now the full pass that
        unpacking and resolving would bring on later. Done after the wait, the two added
        0.05 s to a rebuild after an edit at 20,000 entries."""
        self.by_document("cites")
        unpacked(self.data["resolution"])
        if speed.busy():
            gc.collect()

    def report_bibfile_problems(self) -> list[tuple[str, ...]]:
        """Warn about each problem of the BibTeX files the project uses, once a build.

        Files are checked as the records read them together, so a key defined in two
        files is reported too; a problem shared by several sets is reported once.
        Returns those sets of files, the configured one first.
        """
        configured = BibSource.configured(self.env.config)
        file_sets = dict.fromkeys([configured.paths, *self.bibfile_sets()])
        reported: set[tuple[str | None, str]] = set()
        for bibfiles in file_sets:
            for problem in self.bibliography(bibfiles).problems:
                if (problem.location, problem.message) not in reported:
                    reported.add((problem.location, problem.message))
                    warn(problem.message, problem.subtype, problem.location)
        article = self.env.config.highlight_article
        if article and article not in self.bibliography(configured.paths):
            warn(
                f"highlight_article {article!r} is not in {configured.describe()}",
                Warn.UNKNOWN_KEY,
                None,
            )
        return list(file_sets)


def _changed_keys(
    file_sets: list[tuple[str, ...]],
    bibliographies: list[Bibliography],
    earlier_states: tuple[tuple[tuple[str, str], ...], ...],
) -> dict[tuple[str, ...], frozenset[str]] | None:
    """Per set of files, the keys whose entries changed since the files' earlier states
    (:attr:`.Bibliography.state` when last resolved); None if any set cannot say."""
    earlier = dict(pair for state in earlier_states for pair in state)
    changed = {}
    for bibfiles, bibliography in zip(file_sets, bibliographies, strict=True):
        keys = bibliography.changed_keys(earlier)
        if keys is None:
            return None
        changed[bibfiles] = keys
    return changed


def toctree_order(env: BuildEnvironment) -> list[str]:
    """Documents in reading order: the toctree from the root, then the rest by name."""
    order: list[str] = []
    seen: set[str] = set()
    stack = [env.config.root_doc]
    while stack:
        docname = stack.pop()
        if docname in seen or docname not in env.all_docs:
            continue
        seen.add(docname)
        order.append(docname)
        stack.extend(reversed(env.toctree_includes.get(docname, [])))
    order.extend(sorted(set(env.all_docs) - seen))
    return order


def on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Sphinx event: note the documents this build reads, and so writes."""
    domain: HighlightDomain = env.domains["highlight"]  # type: ignore[assignment]
    domain.written.update(docnames)


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Sphinx event: resolve after reading; rewrite the documents whose output changed."""
    domain: HighlightDomain = env.domains["highlight"]  # type: ignore[assignment]
    prepare_dois(env, domain)  # before resolving: what is fetched now is numbered now
    with collector_paused():
        changed = domain.refresh()
    domain.written.update(changed)
    domain.pack()  # Sphinx pickles the environment next
    return changed

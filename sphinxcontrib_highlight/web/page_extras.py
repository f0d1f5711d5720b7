"""The reader's side of an HTML page: reference managers, downloads and a copy button.

An HTML-only post-transform (run for builders whose format is ``html``, after
:class:`~.transforms.ResolveHighlight` made the standard nodes) adds to each page that
shows a citation block or a reference list:

* a COinS span per item, the page's article first, so that Zotero offers the article and
  all its references (see :mod:`.reference_managers` for why the order matters);
* "Download citation" and "Download references" links to ``.bib``, ``.ris`` and CSL-JSON
  files written into the output at build time (and the ``CITATION.cff`` itself for a
  citation block read from one), and a copy link that the shipped script
  turns into a button (without JavaScript it stays a link to the citation as plain text);
* the article's Highwire ``citation_*`` tags, kept on the doctree and written into
  ``<head>`` by an ``html-page-context`` handler.

Post-transforms run in Sphinx's main process even in parallel builds (``-j``), so the
downloads are requested there; :mod:`.downloads` names and writes them. Embedded HTML
builders (epub, HTML help) get the metadata but no downloads: an e-book has no place
for them.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from functools import cached_property
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.osutil import relative_uri

from sphinxcontrib_highlight.export import formats as convert
from sphinxcontrib_highlight.export.links import doi_url
from sphinxcontrib_highlight.speed import collector_paused, prerenderer_for
from sphinxcontrib_highlight.sphinxext.nodes import find_all, unindexed_html
from sphinxcontrib_highlight.sphinxext.transforms import (
    PageExtra,
    add_page_extra,
    running_builder,
)
from sphinxcontrib_highlight.styles.terms import term
from sphinxcontrib_highlight.web import downloads, reference_managers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pybtex.database import Entry
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config

    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain

#: The doctree attribute holding the page's ``citation_*`` tags as (name, content) pairs.
META_ATTRIBUTE = "highlight_meta"

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

class ReaderTools(SphinxPostTransform):
    """Add COinS spans, downloads, the copy link and the article's meta tags to a page."""

    formats = ("html",)
    default_priority = 6  # right after ResolveHighlight (5) made the citation nodes

    def run(self, **kwargs: Any) -> None:
        with collector_paused():  # see .collector: many objects, little garbage
            self.render()

    def render(self) -> None:
        if prerenderer_for(self.builder).taken(self.env.docname):
            return  # the page came from a child, with its reader tools (see .prerender)
        shown = _containers(self.document)
        if not shown:
            return
        blocks = [node for node in shown if "highlight-citation" in node["classes"]]
        lists = [node for node in shown if "highlight-references" in node["classes"]]
        spans: dict[tuple[str, tuple[str, ...]], nodes.raw] = {}
        for block in blocks:
            entry = self.entry_of(block)
            if entry is None:
                continue
            span = self.coins_span(entry, block, spans)
            if span is not None:
                block.insert(0, span)
            block += self.citation_tools(block, entry)
        for container in lists:
            entries: list[Entry] = []
            sources: list[downloads.Source] = []
            for item in find_all(container, nodes.list_item):
                entry = self.entry_of(item)
                if entry is None:
                    continue
                entries.append(entry)
                sources.append((tuple(item.get("bibfiles", ())), item["key"]))
                span = self.coins_span(entry, item, spans)
                if span is not None:
                    item.insert(0, span)
            if sources:
                container += self.references_tools(container, entries, sources)
        self.put_article_first(blocks, shown[0], spans)
        article = self.entry_of(blocks[0]) if blocks else None
        if article is not None:
            self.document[META_ATTRIBUTE] = self.meta_tags(article, lists)

    # --- entries and COinS -------------------------------------------------------------

    @cached_property
    def domain(self) -> HighlightDomain:
        return self.env.domains["highlight"]  # type: ignore[return-value]

    @cached_property
    def builder(self) -> Builder:
        return running_builder(self.env)

    def entry_of(self, node: nodes.Element) -> Entry | None:
        """The entry a citation block or list item shows, from its key and files."""
        if "key" not in node.attributes:
            return None
        return self.domain.bibliography(tuple(node.get("bibfiles", ()))).get(node["key"])

    def coins_span(
        self,
        entry: Entry,
        owner: nodes.Element,
        spans: dict[tuple[str, tuple[str, ...]], nodes.raw],
    ) -> nodes.raw | None:
        """A COinS span for ``entry``, or None if the page has one already."""
        identity: tuple[str, tuple[str, ...]] = (
            entry.key.lower(), tuple(owner.get("bibfiles", ()))
        )
        if identity in spans:
            return None
        span = unindexed_html(coins_html(entry))
        spans[identity] = span
        return span

    def put_article_first(
        self,
        blocks: list[nodes.Element],
        first: nodes.Element,
        spans: dict[tuple[str, tuple[str, ...]], nodes.raw],
    ) -> None:
        """Move the article's span to the top of the page's first citation element
        (``first``, a citation block or a reference list).

        It sits in the first citation block, which usually comes first; if a reference list
        comes before it, the span moves there, since Zotero takes the first span for the
        page's own item.
        """
        article = self.entry_of(blocks[0]) if blocks else None
        if article is None:
            return
        article_span = spans[(article.key.lower(), tuple(blocks[0].get("bibfiles", ())))]
        parent = article_span.parent
        if parent is not first and parent is not None:
            parent.remove(article_span)
            first.insert(0, article_span)

    def meta_tags(self, article: Entry, lists: list[nodes.Element]) -> list[tuple[str, str]]:
        """The article's tags, then one ``citation_reference`` per distinct reference."""
        tags = reference_managers.highwire_tags(article)
        seen = {article.key.lower()}
        for container in lists:
            for item in find_all(container, nodes.list_item):
                entry = self.entry_of(item)
                if entry is not None and entry.key.lower() not in seen:
                    seen.add(entry.key.lower())
                    tags.append(("citation_reference", reference_managers.citation_reference(entry)))
        return tags

    # --- downloads and copy ------------------------------------------------------------

    def sets_expected(self) -> int:
        """How many sets of download files the build is known to request: one for each
        citation block and reference list of the pages it is known to write."""
        written = self.domain.written
        return sum(
            len(records)
            for kind in ("blocks", "lists")
            for docname, records in self.domain.by_document(kind).items()
            if docname in written
        )

    @property
    def downloads_wanted(self) -> bool:
        """Only for web pages: embedded builders (epub, HTML help) have nowhere to put files."""
        return not getattr(self.builder, "embedded", False)

    def citation_tools(self, block: nodes.Element, entry: Entry) -> list[nodes.Node]:
        """Download links for the entry, and the copy link for its citation."""
        if not self.downloads_wanted:
            return []
        citation = str(block.get("plain_text", ""))
        url = doi_url(entry)
        copied_text = f"{citation} {url}" if url else citation
        stem = _file_stem(entry.key)
        # A style given as the path of a .csl file is named by its file's stem: the
        # path differs from one checkout (or build machine) to the next.
        style_name = str(block.get("style", ""))
        style = _file_stem(Path(style_name).stem if style_name.endswith(".csl") else style_name)
        source: downloads.Source = (tuple(block.get("bibfiles", ())), block["key"])
        extra = {f"{stem}-{style}.txt": copied_text + "\n"}
        cff = _cff_text(source[0])
        if cff is not None:  # the software's own file, as readers' tools import it
            extra[CFF_NAME] = cff
        files = self.write_downloads([entry], [source], stem, extra)
        links = self.download_links(term("Download citation"), files)
        if cff is not None:
            links += (
                f' <a class="highlight-download highlight-download-cff"'
                f' href="{escape(files["cff"], quote=True)}" download="{CFF_NAME}"'
                f' type="application/yaml">CFF</a>'
            )
        copy = (
            f'<a class="highlight-copy" href="{escape(files["txt"], quote=True)}"'
            f' data-highlight-copy="{escape(copied_text, quote=True)}"'
            f' data-highlight-label="{escape(term("Copy citation"), quote=True)}"'
            f' data-highlight-copied="{escape(term("Copied"), quote=True)}"'
            f' data-highlight-failed="{escape(term("Copy failed: select the text"), quote=True)}"'
            f">{escape(term('Citation as plain text'))}</a>"
        )
        return [self.tools_node(links + " " + copy)]

    def references_tools(
        self, container: nodes.Element, entries: list[Entry], sources: list[downloads.Source]
    ) -> list[nodes.Node]:
        """Download links for the whole list."""
        if not self.downloads_wanted:
            return []
        article = self.domain.article_key(tuple(container.get("bibfiles", ())))
        stem = f"{_file_stem(article)}-references" if article else "references"
        files = self.write_downloads(entries, sources, stem, {})
        return [self.tools_node(self.download_links(term("Download references"), files))]

    def tools_node(self, html: str) -> nodes.raw:
        return unindexed_html(f'<div class="highlight-tools">{html}</div>\n')

    def download_links(self, label: str, files: dict[str, str]) -> str:
        """``Download …: BibTeX RIS CSL-JSON``, each a link with the file's name and type
        (the last part of its URL, with :mod:`posixpath`: a :class:`~pathlib.Path` for each
        link was 2.6 ms of the main process's CPU over 100 pages)."""
        links = [
            f'<a class="highlight-download highlight-download-{kind}"'
            f' href="{escape(files[kind], quote=True)}"'
            f' download="{escape(posixpath.basename(files[kind]), quote=True)}"'
            f' type="{media_type}">{escape(text)}</a>'
            for kind, text, media_type in (
                (kind, fmt.label, fmt.media_type) for kind, fmt in convert.FORMATS.items()
            )
        ]
        return f'<span class="highlight-tools-label">{escape(label)}:</span> ' + " ".join(links)

    def write_downloads(
        self,
        entries: Sequence[Entry],
        sources: Sequence[downloads.Source],
        stem: str,
        extra: dict[str, str],
    ) -> dict[str, str]:
        """Have the entries (read from ``sources``) written in every format, and ``extra``
        files; return their URLs.

        The URLs are relative to the page being written; the key of each is the format
        (``bib``, ``ris``, ``csl``) or, for an extra file, its suffix without the dot.
        """
        folder = downloads.folder_for(entries, stem, extra)
        job = downloads.DownloadJob(folder, stem, tuple(sources), tuple(extra.items()))
        writer = downloads.writer_for(self.builder, self.domain.bibliography, self.sets_expected)
        writer.request(job)
        downloads.record_links(self.builder, self.env.docname, job)
        base = self.builder.get_target_uri(self.env.docname)
        urls = {
            kind: relative_uri(base, f"{folder}/{stem}{suffix}")
            for kind, suffix in ((kind, fmt.suffix) for kind, fmt in convert.FORMATS.items())
        }
        urls.update(
            {name.rsplit(".", 1)[-1]: relative_uri(base, f"{folder}/{name}") for name in extra}
        )
        return urls


#: The name of the CITATION.cff download: the name tools look for.
CFF_NAME = "CITATION.cff"


def _cff_text(bibfiles: tuple[str, ...]) -> str | None:
    """The text of the CITATION.cff a citation block reads, if it reads one (None when
    it reads other files, or the file cannot be read: its problems are reported already)."""
    if len(bibfiles) != 1 or not bibfiles[0].lower().endswith(".cff"):
        return None
    try:
        return Path(bibfiles[0]).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


#: The classes of the containers this transform adds to: citation blocks, reference lists.
_SHOWN_CLASSES = frozenset(("highlight-citation", "highlight-references"))


def _containers(document: nodes.document) -> list[nodes.Element]:
    """The page's citation blocks and reference lists, in document order, from one walk
    of the page (:func:`.find_all`; it was one walk for each kind)."""
    return [
        node for node in find_all(document, nodes.container)
        if not _SHOWN_CLASSES.isdisjoint(node["classes"])
    ]


def _file_stem(name: str) -> str:
    """A file name for a key or style: unsafe characters replaced, a digest if any were."""
    safe = _UNSAFE_NAME.sub("-", name).strip(".-") or "entry"
    if safe != name:
        safe += "-" + hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return safe


def add_meta_tags(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Sphinx event ``html-page-context``: write the page's ``citation_*`` tags into ``<head>``."""
    tags: Sequence[tuple[str, str]] = doctree.get(META_ATTRIBUTE, ()) if doctree else ()
    if not tags:
        return
    markup = "".join(
        f'<meta name="{escape(name, quote=True)}" content="{escape(content, quote=True)}" />\n'
        for name, content in tags
    )
    context["metatags"] = context.get("metatags", "") + markup


def _finish_page(document: nodes.document) -> None:
    ReaderTools(document).apply()


def _replay_requests(builder: Builder, bibliography_of: Any, jobs: list[Any]) -> None:
    writer = downloads.writer_for(builder, bibliography_of)
    for job in jobs:
        writer.request(job)
        downloads.record_links(builder, builder.env.docname, job)


def coins_html(entry: Entry) -> str:
    """The entry's COinS span as HTML (its title is :func:`.reference_managers.coins`,
    memoized by content)."""
    title = escape(reference_managers.coins(entry), quote=True)
    return f'<span class="Z3988" title="{title}"></span>'


HTML_EXTRAS = PageExtra(_finish_page, downloads.keep_requests, _replay_requests)

STATIC_DIR = Path(__file__).parent / "static"
CSS_FILE = "sphinxcontrib-highlight.css"
JS_FILE = "sphinxcontrib-highlight.js"


def register(app: Sphinx) -> None:
    """Add the HTML-only post-transform, the ``<head>`` handler and the static files."""
    app.add_post_transform(ReaderTools)
    add_page_extra(HTML_EXTRAS)
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", add_html_assets)
    app.connect("html-page-context", add_meta_tags)
    app.connect("build-finished", downloads.finish_downloads)
    app.connect("write-started", downloads.start_recording)
    app.connect("doctree-resolved", downloads.record_page)
    # After the children that write files and resolve pages have finished (priority 500).
    app.connect("build-finished", downloads.remove_unlinked, priority=800)


def add_static_path(app: Sphinx, config: Config) -> None:
    """Put the package's static files on ``html_static_path`` as the configuration is read.

    Here, not once the builder is known: the environment compares the configuration it
    pickled with the one read afresh, and a path added later made every build report
    "the configuration has changed". Only HTML builders read this value.
    """
    if str(STATIC_DIR) not in map(str, config.html_static_path):
        config.html_static_path.append(str(STATIC_DIR))


def add_html_assets(app: Sphinx) -> None:
    """Link the stylesheet and the copy button's script from HTML pages only."""
    if app.builder.format != "html":
        return
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")

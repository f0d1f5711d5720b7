"""Replace the placeholders with standard docutils nodes, once the project is resolved.

This post-transform runs at priority 5, before Sphinx's reference resolver (10), for
every builder. It produces only standard nodes (container, rubric, paragraph,
enumerated_list, reference, superscript), so html, latex, text, man, texinfo and epub
all render the result, and a list stays where its directive stands. How a list is laid
out (numbers, the style's labels, none) is :mod:`.list_layout`'s.

A build that writes many pages has a child resolve the later ones with this same code,
on its own copy of each page (:func:`resolve_page`, :mod:`.prerender`); the transform
then puts the child's nodes in place instead of making them.
"""

from __future__ import annotations

from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinxcontrib_highlight.export.links import Link, doi_url, entry_links, links_by_kind
from sphinxcontrib_highlight.speed import (
    RECENT,
    PageResolver,
    Resolved,
    Signature,
    collector_paused,
    per_content,
    prerenderer_for,
    signature,
)
from sphinxcontrib_highlight.sphinxext.cite_syntax import CitedKey
from sphinxcontrib_highlight.sphinxext.csl_cites import NAMES_FOR_NUMERIC, citation_kind
from sphinxcontrib_highlight.sphinxext.dois import doi_placeholder
from sphinxcontrib_highlight.sphinxext.formatting import (
    plain,
    render_entry,
    rendered_plain,
    rendering_problems,
    to_nodes,
    token_nodes,
)
from sphinxcontrib_highlight.sphinxext.list_layout import ListLayout
from sphinxcontrib_highlight.sphinxext.nodes import (
    PLACEHOLDERS,
    citation_block_placeholder,
    cite_placeholder,
    find_all,
    new_element,
    reference_list_placeholder,
    unindexed_html,
    unwrapped_paragraph,
)
from sphinxcontrib_highlight.sphinxext.notes import NOT_A_NOTE_CLASS, NOTE_CLASS, settle_notes
from sphinxcontrib_highlight.sphinxext.records import ListMode
from sphinxcontrib_highlight.sphinxext.sources import BibSource
from sphinxcontrib_highlight.sphinxext.warnings_ import keep_warnings, log_kept, warn
from sphinxcontrib_highlight.styles import find_style, list_form_of
from sphinxcontrib_highlight.styles.base import content_key
from sphinxcontrib_highlight.styles.csl.numbers import is_plural
from sphinxcontrib_highlight.styles.csl_style import CslStyle
from sphinxcontrib_highlight.styles.terms import current_locale, term
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pybtex.database import Entry
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_highlight.bibliography.database import Bibliography
    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain
    from sphinxcontrib_highlight.sphinxext.records import ListRecord, Target
    from sphinxcontrib_highlight.styles.base import Rendered
    from sphinxcontrib_highlight.styles.csl_citations import CitationText, Tokens


class PageExtra(NamedTuple):
    """What a layer above adds to resolved pages (the HTML pages' extras: COinS, download
    files), so that a page a child resolves ahead gets it too, and the build replays it."""

    finish_page: Callable[[nodes.document], None]
    """Add the extras to a page just resolved (on a child's copy of the page)."""
    keep_requests: Callable[[], list[Any]]
    """In a child: keep the files the extras ask for in the list returned."""
    replay_requests: Callable[[Builder, Callable[..., Any], list[Any]], None]
    """In the build: ask again for the files a child's page asked for."""


#: The extras of the layers above, added by their ``register``.
PAGE_EXTRAS: list[PageExtra] = []


def add_page_extra(extra: PageExtra) -> None:
    """Have every resolved page get ``extra`` (once, however many apps register it)."""
    if extra not in PAGE_EXTRAS:
        PAGE_EXTRAS.append(extra)


class ResolveHighlight(SphinxPostTransform):
    """Render citation blocks, reference lists and in-text citations."""

    default_priority = 5

    @cached_property
    def domain(self) -> HighlightDomain:
        return self.env.domains["highlight"]  # type: ignore[return-value]

    def run(self, **kwargs: Any) -> None:
        with collector_paused():  # see .collector: many objects, little garbage
            self.render()

    def render(self) -> None:
        placeholders, had_notes = page_contents(self.document)
        if not placeholders:
            return
        ahead = prerenderer_for(self.builder)
        ahead.page_started(self.builder, self.env.docname, page_resolver(self.env))
        resolved = ahead.take(self.env.docname, placeholders)
        if resolved is None:
            replacements = self.replace(placeholders)
        else:
            replacements = resolved.replacements
            self.adopt(placeholders, resolved)
        # A note footnote is one read with the page or one resolving made (a late note:
        # beside its reference, in the replacements); with neither, nothing to settle.
        if had_notes or any(
            isinstance(node, nodes.footnote) for new in replacements for node in new
        ):
            settle_notes(self.document)

    def replace(self, placeholders: list[nodes.Element]) -> list[list[nodes.Node]]:
        """Replace each placeholder with its nodes; return them, in the same order."""
        replacements: list[list[nodes.Node]] = []
        for placeholder in placeholders:
            if isinstance(placeholder, citation_block_placeholder):
                new = self.citation_block(placeholder)
            elif isinstance(placeholder, reference_list_placeholder):
                new = self.reference_list(placeholder)
            else:
                new = self.in_text(placeholder)
            placeholder.replace_self(new)
            replacements.append(new)
        return replacements

    def adopt(self, placeholders: list[nodes.Element], resolved: Resolved) -> None:
        """Put in place what a child made of the page (see :mod:`.prerender`): its nodes,
        its warnings and download requests, as if this process had made them."""
        for placeholder, new in zip(placeholders, resolved.replacements, strict=True):
            placeholder.replace_self(new)
        log_kept(resolved.warnings)
        for extra in PAGE_EXTRAS:
            extra.replay_requests(self.builder, self.domain.bibliography, resolved.downloads)
        self.document.attributes.update(resolved.attributes)

    # --- helpers ---------------------------------------------------------------------

    @cached_property
    def builder(self) -> Builder:
        return running_builder(self.env)

    @cached_property
    def words(self) -> str:
        return words_language(self.config)

    @property
    def for_html(self) -> bool:
        return self.builder.format == "html"

    def formatted(
        self,
        style: str,
        entry: Entry,
        bibliography: Bibliography,
        used_at: tuple[str, int],
    ) -> Rendered:
        """The entry in ``style``, warning (once) about what had to be worked around.

        The warnings point at the entry in its .bib file, where the fix belongs, and come
        once however many lists show the entry.
        """
        rendered = render_entry(style, entry, self.words, bibliography.get)
        warn_about_entry(rendering_problems(style, entry, rendered), bibliography, entry, used_at)
        return rendered

    def text_paragraph(self, rendered: Rendered, css_class: str, key: str) -> nodes.Element:
        """The formatted text; for the text builder a paragraph that is never wrapped;
        for LaTeX one in a group set with ``\\frenchspacing``.

        LaTeX puts a wider, sentence-ending space after a period that follows a lower-case
        letter, and a little more after a colon or a comma: in "et al. Specialized",
        "Neurosci. Bull." or "Physiol Rev 2021, 101: 259" the spaces came out uneven. A
        reference is not prose, and journals set it with even spaces, as the HTML shows.

        An entry with nothing a style can print (a broken entry) shows its key, so the
        list keeps its numbering and the reader sees which entry to fix.
        """
        paragraph = unwrapped_paragraph if self.builder.format == "text" else nodes.paragraph
        children = to_nodes(rendered.text) if len(rendered.text) else [nodes.Text(f"[{key}]")]
        if self.builder.format == "latex":
            children = _evenly_spaced_in_latex(children)
        return new_element(paragraph, children, classes=[css_class])

    def link(self, link_text: str, url: str, classes: list[str]) -> nodes.reference:
        return nodes.reference(link_text, link_text, refuri=url, classes=classes)

    def refnode(self, target: Target, child: nodes.Node, title: str) -> nodes.reference:
        """A link to a list item, as Sphinx's ``make_refnode`` makes it, with the other
        page's URI asked of the builder once a page (:meth:`uri_of`)."""
        if target.docname == self.env.docname and target.item_id:
            where = {"refid": target.item_id}
        else:
            uri = self.uri_of(target.docname)
            where = {"refuri": f"{uri}#{target.item_id}" if target.item_id else uri}
        if title:
            where["reftitle"] = title
        return new_element(nodes.reference, [child], internal=True, **where)

    # --- citation block ----------------------------------------------------------------

    def citation_block(self, placeholder: nodes.Element) -> list[nodes.Node]:
        record = self.domain_record("blocks", placeholder["docname"], placeholder["block_id"])
        location = (record.docname, record.lineno)
        key = self.domain.resolution.blocks.get((record.docname, record.block_id))
        bibliography = self.domain.bibliography(record.bibfiles)
        entry = bibliography.get(key) if key else None
        if entry is None:
            wanted = record.key or self.env.config.highlight_article
            problem = (f"key {wanted!r} is not in the bibliography" if wanted
                       else "the bibliography has no entry to show")
            warn(f"highlight-citation: {problem}", Warn.UNKNOWN_KEY, location)
            return []
        rendered = self.formatted(record.style, entry, bibliography, location)
        container = nodes.container(
            classes=["highlight-citation"], ids=[record.block_id], key=entry.key,
            bibfiles=record.bibfiles, style=record.style,
        )
        container += nodes.rubric(record.heading, record.heading,
                                  classes=["highlight-citation-heading"])
        container += self.text_paragraph(rendered, "highlight-citation-text", entry.key)
        printed = plain(rendered.text)
        url = doi_url(entry)
        if url and url not in printed:  # a style may print the DOI itself
            container += nodes.paragraph(
                "", "", self.link(url, url, ["highlight-doi"]), classes=["highlight-citation-doi"]
            )
        container["plain_text"] = printed
        return [container]

    def domain_record(self, kind: str, docname: str, record_id: str) -> Any:
        id_field = {"blocks": "block_id", "lists": "list_id"}[kind]
        return next(
            record
            for record in self.domain.by_document(kind).get(docname, [])
            if getattr(record, id_field) == record_id
        )

    # --- reference list ----------------------------------------------------------------

    def reference_list(self, placeholder: nodes.Element) -> list[nodes.Node]:
        record: ListRecord = self.domain_record(
            "lists", placeholder["docname"], placeholder["list_id"]
        )
        location = (record.docname, record.lineno)
        bibliography = self.domain.bibliography(record.bibfiles)
        for key in record.keys:
            if key not in bibliography:
                warn(f"highlight-references: key {key!r} is not in the bibliography",
                     Warn.UNKNOWN_KEY, location)
        shown = self.domain.resolution.lists[record.list_id]
        if not shown.keys:
            # Nothing to list (a :cited: list on a page that cites nothing): no empty list,
            # which LaTeX would reject ("missing \item").
            return []
        layout = ListLayout(
            list_form_of(find_style(record.style)), record.start, self.builder.format
        )
        enumeration = layout.list_node()
        link_kinds = tuple(self.env.config.highlight_reference_links)
        bibliography.read_ahead(shown.keys[:_READ_AHEAD])
        whole_list = self.whole_list(record, shown.keys, bibliography, location)
        for index, (key, item_id, backrefs) in enumerate(
            zip(shown.keys, shown.item_ids, shown.backrefs, strict=True)
        ):
            if index and not index % _READ_AHEAD:
                bibliography.read_ahead(shown.keys[index : index + _READ_AHEAD])
            entry = bibliography.get(key)
            if entry is None:  # the file changed under a stale resolution; never crash
                continue
            rendered = (
                whole_list[key] if whole_list is not None
                else self.formatted(record.style, entry, bibliography, location)
            )
            text = self.text_paragraph(rendered, "highlight-reference-text", key)
            ids = [item_id]
            if self.builder.format in ("latex", "texinfo"):
                # LaTeX labels targets, not list items, and Texinfo anchors only targets:
                # citations link to this target.
                text.insert(0, nodes.target("", "", ids=ids))
                ids = []
            children: list[nodes.Node] = [text]
            if self.for_html:
                # One raw node, not a paragraph of references: see links_html.
                anchors, problems = html_links_of(entry, link_kinds)
                self.warn_about_links(problems, entry, bibliography, location)
                html = self.links_html(anchors, backrefs)
                if html:
                    children.append(unindexed_html(html))
            else:
                links, problems = entry_links(entry, link_kinds)
                self.warn_about_links(problems, entry, bibliography, location)
                printed = rendered_plain(record.style, entry, self.words)
                children += self.links_paragraph(links, printed)
            # bibfiles: the HTML-only reader post-transform finds the entry from the node.
            item = layout.item_node(children, ids=ids, key=key, bibfiles=record.bibfiles)
            layout.mark(item, record.start + len(enumeration))
            enumeration += item
        serial = record.list_id.rsplit("#", 1)[-1]
        container = nodes.container(
            classes=["highlight-references"], ids=[f"highlight-references-{serial}"],
            bibfiles=record.bibfiles,
        )
        container += enumeration
        return [container]

    def whole_list(
        self,
        record: ListRecord,
        keys: tuple[str, ...],
        bibliography: Bibliography,
        used_at: tuple[str, int],
    ) -> dict[str, Rendered] | None:
        """A non-numeric CSL style's list, rendered in one pass with the year suffixes
        the project's citations use, so that repeated authors are substituted as the
        style asks; None for a list rendered entry by entry."""
        suffixes = self.domain.resolution.year_suffixes.get(record.list_id)
        style = find_style(record.style) if suffixes is not None else None
        if suffixes is None or not isinstance(style, CslStyle):
            return None
        entries = [entry for entry in map(bibliography.get, keys) if entry is not None]
        by_key = dict(zip(keys, suffixes, strict=True))
        rendered = style.render_list(
            entries, bibliography.get,
            year_suffixes={entry.key: by_key[entry.key] for entry in entries
                           if by_key.get(entry.key)},
        )
        for entry, result in zip(entries, rendered, strict=True):
            warn_about_entry(
                rendering_problems(record.style, entry, result), bibliography, entry, used_at
            )
        return {entry.key: result for entry, result in zip(entries, rendered, strict=True)}

    def warn_about_links(
        self,
        problems: list[str],
        entry: Entry,
        bibliography: Bibliography,
        used_at: tuple[str, int],
    ) -> None:
        """Warn (once) about the fields of an entry that could not become links."""
        if problems:
            warn_about_entry([(Warn.LINK, problem) for problem in problems],
                             bibliography, entry, used_at)

    def links_paragraph(self, links: list[Link], printed: str) -> list[nodes.Element]:
        """The links for PDF, text and man pages, where a reader sees a link's text, not
        its target: the DOI and PubMed links show their URLs, and the Scholar lookup, a
        long query URL that means nothing on paper, is left out, as is a URL the entry's
        text (``printed``) already shows."""
        links = [link for link in links if link.kind != "scholar" and link.url not in printed]
        if not links:
            return []
        # Unwrapped in text output too: a URL broken over two lines is no URL.
        kind = unwrapped_paragraph if self.builder.format == "text" else nodes.paragraph
        paragraph = kind(classes=["highlight-reference-links"])
        for index, link in enumerate(links):
            if index:
                paragraph += nodes.Text(" ")
            paragraph += self.link(link.url, link.url, [f"highlight-link-{link.kind}"])
        return [paragraph]

    def links_html(self, anchors: list[str], backrefs: tuple[tuple[str, str], ...]) -> str:
        """The links line of a web page: labelled links (``anchors``, see
        :func:`html_links_of`), then a ``↩`` back to each citation of the item,
        lettered if several.

        Written as the HTML that Sphinx's writer makes of a paragraph of references
        (the same classes, attributes and escaping), as one raw node: a line of nodes
        per item made the writer and the search indexer a tenth of a full build.
        """
        anchors = list(anchors)
        if backrefs:
            title = term("back to the citation")
            here = self.env.docname
            for index, (docname, cite_id) in enumerate(backrefs):
                label = "↩" if len(backrefs) == 1 else f"↩{chr(ord('a') + index % 26)}"
                href = f"#{cite_id}" if docname == here else f"{self.uri_of(docname)}#{cite_id}"
                anchors.append(_anchor(
                    f"<span>{_encode(label)}</span>", href,
                    "highlight-backref reference internal", title, label_is_html=True,
                ))
        if not anchors:
            return ""
        return f'<p class="highlight-reference-links">{" ".join(anchors)}</p>\n'

    def uri_of(self, docname: str) -> str:
        """The URI of another page from this one, asked of the builder once a page:
        every item of a list cited from one other page links back to it."""
        uris = self._uris
        uri = uris.get(docname)
        if uri is None:
            uri = uris[docname] = self.builder.get_relative_uri(self.env.docname, docname)
        return uri

    @cached_property
    def _uris(self) -> dict[str, str]:
        return {}

    # --- in-text citations -------------------------------------------------------------

    def in_text(self, placeholder: nodes.Element) -> list[nodes.Node]:
        """A citation: a CSL style's text if resolution gave it one, else numbers (with
        the names before them for a textual citation)."""
        ident = (placeholder["docname"], placeholder["cite_id"])
        part = placeholder.get("part")
        if part is not None and not self.in_notes(placeholder):
            return self.not_a_note(placeholder)
        resolution = self.domain.resolution
        text = resolution.texts.get(ident)
        if text is not None:
            if part is None and self.in_notes(placeholder):
                return self.late_note(placeholder, text)
            return [self.csl_citation(placeholder, text)]
        keys, details = placeholder["keys"], _details(placeholder)
        targets = resolution.targets(*ident)
        authors = resolution.authors.get(ident)
        if placeholder.get("part") == "inline":  # the names of a textual note citation
            authors = authors or tuple(() for _ in keys)
            return [self.names_only(targets, authors)]
        if placeholder.get("mode") != "t" or authors is None:
            wrapper = self.citation_numbers(keys, targets, details, placeholder)
            wrapper["ids"] = placeholder["ids"]
            return [wrapper]
        parts: list[nodes.Node] = []
        for index, (key, target) in enumerate(zip(keys, targets, strict=True)):
            if index:
                parts.append(nodes.Text(_textual_joint(index, len(keys))))
            names = token_nodes(authors[index], self.cite_link((target,)))
            if names:  # a key without an entry has no names to print
                parts.extend([*names, nodes.Text(" ")])
            numbers = self.citation_numbers(
                (key,), (target,), details[index : index + 1] if details else (), placeholder
            )
            numbers["classes"] = []  # one citation, one highlight-cite
            parts.append(numbers)
        return [nodes.inline("", "", *parts, ids=placeholder["ids"],
                             classes=["highlight-cite", "highlight-cite-textual"])]

    def in_notes(self, placeholder: nodes.Element) -> bool:
        """Whether the citation follows a note style: that of the list its first listed
        key is in, else the project's (as :mod:`.csl_cites` decides)."""
        targets = self.domain.resolution.targets(placeholder["docname"], placeholder["cite_id"])
        style = next((target.style for target in targets if target is not None),
                     self.env.config.highlight_reference_style)
        return citation_kind(style) == "note"

    def not_a_note(self, placeholder: nodes.Element) -> list[nodes.Node]:
        """A citation read as a note (the project's default style is a note style) whose
        list's style is not one: nothing for the names of a textual citation, and for
        the note the whole citation, marked for :func:`.settle_notes` to put where the
        footnote's mark is, dropping the footnote."""
        if placeholder["part"] == "inline":
            return []
        whole = placeholder.deepcopy()
        del whole["part"]
        return [nodes.inline("", "", *self.in_text(whole), classes=[NOT_A_NOTE_CLASS])]

    def late_note(self, placeholder: nodes.Element, text: CitationText) -> list[nodes.Node]:
        """A note style's citation read as an in-text one (the project's default style
        is not a note style, its list's is): a footnote reference (after the names, for
        a textual citation) and its footnote, which :func:`.settle_notes` moves after
        the paragraphs and numbers with the page's footnotes."""
        cite_id, docname = placeholder["cite_id"], placeholder["docname"]
        textual = placeholder.get("mode") == "t"
        # The citation's id stays on the first node (docutils moves it there): the names
        # of a textual citation, whose mark then takes an id of its own.
        mark_id = f"{cite_id}-mark" if textual else cite_id
        note = placeholder.deepcopy()
        note["ids"], note["part"] = [], "note"
        footnote = nodes.footnote(
            "", nodes.paragraph("", "", self.csl_citation(note, text)), auto=1,
            classes=[NOTE_CLASS], ids=[f"{cite_id}-note"], backrefs=[mark_id], docname=docname,
        )
        reference = nodes.footnote_reference(
            "", "", auto=1, ids=[mark_id], refid=f"{cite_id}-note", docname=docname,
        )
        if not textual:
            return [reference, footnote]
        names = placeholder.deepcopy()
        names["part"] = "inline"
        return [self.csl_citation(names, text), reference, footnote]

    def names_only(
        self, targets: tuple[Target | None, ...], authors: tuple[Tokens, ...]
    ) -> nodes.Element:
        """The names of a textual citation whose note holds the rest."""
        parts: list[nodes.Node] = []
        for index, (names, target) in enumerate(zip(authors, targets, strict=True)):
            if index:
                parts.append(nodes.Text(_textual_joint(index, len(targets))))
            parts.extend(token_nodes(names, self.cite_link((target,))))
        return nodes.inline("", "", *parts, classes=["highlight-cite", "highlight-cite-textual"])

    def csl_citation(self, placeholder: nodes.Element, text: CitationText) -> nodes.Element:
        """A citation as its CSL style prints it, each cite linked to its list item; in
        a note's footnote (``part`` ``note``) the note's text, in the text the rest."""
        part = placeholder.get("part")
        tokens = text.note if part == "note" else text.inline
        if part is None and not tokens:
            tokens = text.note  # a note style's citation not in a note: printed in place
        keys = placeholder["keys"]
        targets = self.domain.resolution.targets(placeholder["docname"], placeholder["cite_id"])
        in_notes = bool(text.note)
        if part != "inline":  # warned once per citation, not for its names too
            for key, target in zip(keys, targets, strict=True):
                if target is None:
                    self.unresolved(key, placeholder, listed_needed=not in_notes)
        children = token_nodes(tokens, self.cite_link(targets))
        # A key no file holds is not in the style's text: pandoc's "(key?)" (a DOI's
        # link) stands for it, after the keys the style printed, or for the whole citation.
        configured = self.domain.bibliography(BibSource.configured(self.env.config).paths)
        missing = keys if not children else [
            key for key, target in zip(keys, targets, strict=True)
            if target is None and key not in configured
        ]
        if missing and part != "inline":
            if children:
                children.append(nodes.Text(" "))
            children.append(nodes.Text("("))
            for index, key in enumerate(missing):
                if index:
                    children.append(nodes.Text("; "))
                children.append(doi_placeholder(key) or nodes.Text(f"{key}?"))
            children.append(nodes.Text(")"))
        classes = ["highlight-note-text"] if part == "note" else ["highlight-cite"]
        if placeholder.get("mode") == "t" and part != "note":
            classes.append("highlight-cite-textual")
        return new_element(nodes.inline, children, ids=placeholder["ids"], classes=classes)

    def cite_link(
        self, targets: tuple[Target | None, ...]
    ) -> Callable[[int, list[nodes.Node]], list[nodes.Node]]:
        """What a cite's link becomes: a reference to its key's list item (with the
        entry as tooltip), or its bare text for a key in no list."""

        def link(index: int, children: list[nodes.Node]) -> list[nodes.Node]:
            target = targets[index] if 0 <= index < len(targets) else None
            if target is None:
                return children
            title = self.tooltip(target)
            return [self.refnode(target, new_element(nodes.inline, children), title)]

        return link

    def tooltip(self, target: Target) -> str:
        """The entry a citation points at, as plain text, as its list prints it: with
        the year suffix the project gave it (``2022a``)."""
        bibliography = self.domain.bibliography(target.bibfiles)
        entry = bibliography.get(target.key)
        if entry is None:
            return ""
        suffixes = self.domain.resolution.year_suffixes.get(target.list_id, ())
        index = target.number - self.domain.resolution.list_records[target.list_id].start
        suffix = suffixes[index] if 0 <= index < len(suffixes) else 0
        style = find_style(target.style) if suffix else None
        if not isinstance(style, CslStyle):
            return rendered_plain(target.style, entry, self.words)
        (rendered,) = style.render_list([entry], bibliography.get,
                                        year_suffixes={entry.key: suffix})
        return plain(rendered.text)

    def citation_numbers(
        self,
        keys: tuple[str, ...],
        targets: tuple[Target | None, ...],
        details: tuple[CitedKey, ...],
        location: nodes.Node,
    ) -> nodes.Element:
        """The numbers of the keys in the extension's own form: ``[1]``, ``[2–4]``, and
        the pre- and post-texts a key has (``[see 1, p. 5]``)."""
        parts: list[nodes.Node] = []
        for index, group in enumerate(_groups(keys, targets, details)):
            if index:
                parts.append(nodes.Text(", "))
            parts.extend(self.number_group(group, location, details))
        cite_format = self.env.config.highlight_cite_format
        if cite_format == "superscript":
            return new_element(nodes.superscript, parts, classes=["highlight-cite"])
        opening, closing = ("(", ")") if cite_format == "parentheses" else ("[", "]")
        return new_element(nodes.inline, [nodes.Text(opening), *parts, nodes.Text(closing)],
                           classes=["highlight-cite"])

    def number_group(
        self,
        group: list[tuple[str, Target | None]],
        location: nodes.Node,
        details: tuple[CitedKey, ...] = (),
    ) -> list[nodes.Node]:
        written = {cited.key: cited for cited in details}
        parts: list[nodes.Node] = []
        for index, (key, target) in enumerate(group):
            if index:  # a group of two is a range: first and last
                parts.append(nodes.Text("–"))
            cited = written.get(key)
            if cited is not None and cited.prefix:
                parts.append(nodes.Text(f"{cited.prefix} "))
            if target is None:
                placeholder = self.unresolved(key, location)
                parts.append(placeholder or nodes.Text("?"))
            else:
                entry = self.domain.bibliography(target.bibfiles).get(target.key)
                title = (
                    rendered_plain(target.style, entry, self.words) if entry is not None
                    else ""
                )
                number = str(target.number)
                parts.append(self.refnode(target, nodes.Text(number), title))
            if cited is not None:
                parts.append(nodes.Text(_post_text(cited)))
        return parts

    def unresolved(
        self, key: str, location: nodes.Node, *, listed_needed: bool = True
    ) -> nodes.Node | None:
        """Warn about a key that points nowhere (about a key in no list only where a
        citation needs a list: not in a note style's footnote, which holds the whole
        reference); a DOI that has no metadata (warned about when it was looked up, see
        :mod:`.dois`) shows as a link instead of ``?``."""
        left_out_by = self.article_left_out(key)
        if left_out_by is not None:
            if listed_needed:
                warn(f":hcite: key {key!r} is the article, which the reference list of "
                     f"{left_out_by} leaves out", Warn.UNLISTED_KEY, location)
            return None
        configured = BibSource.configured(self.env.config).paths
        if key in self.domain.bibliography(configured):
            if listed_needed:
                warn(f":hcite: key {key!r} is in no reference list of the project",
                     Warn.UNLISTED_KEY, location)
            return None
        placeholder = doi_placeholder(key)
        if placeholder is None:
            warn(f":hcite: key {key!r} is not in the bibliography", Warn.UNKNOWN_KEY, location)
        return placeholder


    def article_left_out(self, key: str) -> str | None:
        """The files (as a warning names them) of a list that shows all its entries but
        the article, when ``key`` is that article; None when no list leaves it out."""
        for record in self.domain.records("lists"):
            article = self.domain.article_key(record.bibfiles) if record.mode is ListMode.ALL \
                else None
            if article is not None and article.lower() == key.lower():
                return ", ".join(Path(path).name for path in record.bibfiles)
        return None


#: How many of a list's entries are read from the files at once: fewer than the files
#: keep read (:data:`.RECENT`), so none is read twice.
_READ_AHEAD = RECENT // 2


def _evenly_spaced_in_latex(children: Sequence[nodes.Node]) -> list[nodes.Node]:
    """``children`` in a LaTeX group set with ``\\frenchspacing`` (see
    :meth:`ResolveHighlight.text_paragraph`)."""
    return [
        nodes.raw("", "{\\frenchspacing ", format="latex"),
        *children,
        nodes.raw("", "}", format="latex"),
    ]


#: How docutils' HTML writers escape text and attribute values (``@`` included, to thwart
#: address harvesters), so that the links line reads exactly as a paragraph would.
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", '"': "&quot;", ">": "&gt;", "@": "&#64;"}
)


def _encode(text: str) -> str:
    return text.translate(_HTML_ESCAPES)


def _anchor(
    label: str, href: str, classes: str, title: str | None = None, *, label_is_html: bool = False
) -> str:
    """``<a>`` as Sphinx's HTML writer makes it of a reference node: attributes sorted."""
    title_attribute = f' title="{_encode(title)}"' if title else ""
    text = label if label_is_html else _encode(label)
    return f'<a class="{classes}" href="{_encode(href)}"{title_attribute}>{text}</a>'


def html_links_of(entry: Entry, kinds: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """:func:`.entry_links` as the links line of a web page writes them: each link of
    ``kinds`` the entry has, as its ``<a>``, and why a field could not become one."""
    by_kind = {kind: (anchor, problems) for kind, anchor, problems in html_links(entry)}
    found = [by_kind[kind] for kind in kinds if kind in by_kind]
    return (
        [anchor for anchor, _ in found if anchor is not None],
        [problem for _, problems in found for problem in problems],
    )


@per_content(content_key)
def html_links(entry: Entry) -> tuple[tuple[str, str | None, tuple[str, ...]], ...]:
    """Every kind of link of an entry (:func:`.links_by_kind`) as its ``<a>`` on a web
    page (None for a kind the entry has no link of), with why a field could not become
    one: made once per content, and kept as text, so that a page showing an entry
    another page showed finds them as they are."""
    return tuple(
        (kind, None if link is None else
         _anchor(link.label, link.url, f"highlight-link-{kind} reference external"), problems)
        for kind, (link, problems) in links_by_kind(entry).items()
    )


def running_builder(env: BuildEnvironment) -> Builder:
    """The running builder (Sphinx 9 deprecates ``env.app``; its own code uses ``_app``)."""
    app = getattr(env, "_app", None) or env.app
    return app.builder


def words_language(config: Config) -> str:
    """The language styles print their words in, which keys the formatted entries:
    ``highlight_locale`` if set, else the project's ``language``."""
    return str(config.highlight_locale or config.language)


def page_placeholders(document: nodes.document) -> list[nodes.Element]:
    """The page's placeholders in the order they are resolved: citation blocks, lists,
    in-text citations (a citation's tooltip and numbers come from its list)."""
    return page_contents(document)[0]


def page_contents(document: nodes.document) -> tuple[list[nodes.Element], bool]:
    """The page's placeholders (see :func:`page_placeholders`), and whether it holds a
    note style's footnote, which :func:`.settle_notes` may have to move.

    One walk over the page, each node met in document order, for what three searches
    and a fourth for the footnotes found: on a page whose entries were formatted ahead,
    the searches were about 3 % of resolving it.
    """
    found: dict[type[nodes.Node], list[nodes.Element]] = {kind: [] for kind in PLACEHOLDERS}
    had_notes = False
    wanted: tuple[type[nodes.Element], ...] = (*PLACEHOLDERS, nodes.footnote)
    for node in find_all(document, wanted):
        if isinstance(node, nodes.footnote):
            had_notes = had_notes or NOTE_CLASS in node["classes"]
        else:
            found[type(node)].append(node)
    return [
        *found[citation_block_placeholder],
        *found[reference_list_placeholder],
        *found[cite_placeholder],
    ], had_notes


def page_resolver(env: BuildEnvironment) -> PageResolver:
    """What a child needs to resolve this build's pages (see :mod:`.prerender`)."""
    domain: HighlightDomain = env.domains["highlight"]  # type: ignore[assignment]
    return PageResolver(
        domain.documents_with_citations, domain.written_with_citations,
        domain.entries_shown, partial(resolve_page, env), keep_side_effects,
        partial(format_page_entries, env),
    )


def keep_side_effects() -> tuple[list[Any], list[Any]]:
    """In a child that resolves pages ahead: keep the warnings and the download requests
    that resolving makes, for the build to replay when it takes the page."""
    requests: list[Any] = []
    for extra in PAGE_EXTRAS:
        requests = extra.keep_requests()
    return keep_warnings(), requests


def resolve_ahead(app: Sphinx, builder: Builder) -> None:
    """Sphinx event ``write-started``: let children resolve the pages to write."""
    prerenderer_for(builder).write_started(builder, page_resolver(builder.env))


def resolve_page(
    env: BuildEnvironment, docname: str
) -> tuple[Signature, list[list[nodes.Node]], dict[str, Any]]:
    """Resolve a page on a doctree of its own, as the build would: for a child that
    resolves pages ahead (see :mod:`.prerender`). Returns its placeholders' signature,
    the nodes that replaced them and the attributes set on its document."""
    document = env.get_doctree(docname)
    env.prepare_settings(docname)
    placeholders = page_placeholders(document)
    page_signature = signature(placeholders)
    before = dict(document.attributes)
    replacements = ResolveHighlight(document).replace(placeholders)
    for extra in PAGE_EXTRAS:
        extra.finish_page(document)
    attributes = {
        name: value for name, value in document.attributes.items()
        if name not in before or before[name] != value
    }
    return page_signature, replacements, attributes


def format_page_entries(env: BuildEnvironment, docname: str) -> None:
    """Format the entries a page's citation blocks and lists show, in their styles, as
    resolving the page does, for the memos only: for a child that formats ahead of the
    build (see :mod:`.format_ahead`). A list that a CSL style renders in one pass, with
    the year suffixes of the project's citations, is left to the build.

    Only the formatting: the child runs on what CPU the build leaves idle (about 0.45 s
    of it in a ``-j 2`` build of the 2,000-entry benchmark), and what it sends the build
    unpickles. An entry's text takes ~0.4 ms to make and is worth sending; its links,
    COinS and download identity (10-60 µs each) cost the build about as much to take in
    as to make, and making them ahead cost the child a fifth of its time, so it
    formatted fewer pages: with them, the build formatted 950-1,010 entries itself and
    its post-transforms took 1.50 s; without, 300-410 entries and 1.25 s (two builds
    each).
    """
    domain: HighlightDomain = env.domains["highlight"]  # type: ignore[assignment]
    resolution = domain.resolution
    words = words_language(env.config)
    shown: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
        (record.style, record.bibfiles, resolution.lists[record.list_id].keys)
        for record in domain.by_document("lists").get(docname, [])
        if record.list_id not in resolution.year_suffixes
    ]
    for block in domain.by_document("blocks").get(docname, []):
        key = resolution.blocks.get((block.docname, block.block_id))
        if key:
            shown.append((block.style, block.bibfiles, (key,)))
    for style, bibfiles, keys in shown:
        bibliography = domain.bibliography(bibfiles)
        bibliography.read_ahead(keys[:_READ_AHEAD])
        for index, key in enumerate(keys):
            if index and not index % _READ_AHEAD:
                bibliography.read_ahead(keys[index : index + _READ_AHEAD])
            entry = bibliography.get(key)
            if entry is not None:
                render_entry(style, entry, words, bibliography.get)
                rendered_plain(style, entry, words)


def entry_location(
    bibliography: Bibliography, entry: Entry, used_at: tuple[str, int]
) -> str | tuple[str, int]:
    """Where a warning about an entry points: its line in the .bib file, where the fix
    belongs, or the directive that uses it when the entry's source is unknown."""
    source = bibliography.source(entry.key)
    return f"{source[0]}:{source[1]}" if source else used_at


def warn_about_entry(
    problems: Sequence[tuple[Warn, str]],
    bibliography: Bibliography,
    entry: Entry,
    used_at: tuple[str, int],
) -> None:
    """Warn (once each) about what had to be worked around in an entry, at its line in
    the .bib file (:func:`entry_location`). The line is looked up only when there is
    something to say: most entries have nothing, and looking it up (twice) for each
    entry shown was about 5 % of resolving a page whose entries were formatted ahead."""
    if not problems:
        return
    location = entry_location(bibliography, entry, used_at)
    for subtype, message in problems:
        warn(message, subtype, location, once=True)


def _details(placeholder: nodes.Element) -> tuple[CitedKey, ...]:
    """The pre- and post-texts of a citation's keys, as the role recorded them."""
    written: tuple[tuple[str, ...], ...] = placeholder.get("details", ())
    return tuple(CitedKey(*cited) for cited in written)


def _post_text(cited: CitedKey) -> str:
    """A key's post-text as a numeric citation prints it: ``, p. 5``, the label as the
    CSL locale of the project's language abbreviates it (``S. 5`` in German)."""
    if not cited.locator:
        return cited.suffix
    plural = is_plural(cited.locator)  # as the CSL engine decides: ``5-`` is one page
    style = find_style(NAMES_FOR_NUMERIC)
    label = cited.label
    if isinstance(style, CslStyle):
        locale = style.csl.locale(current_locale() or "en-US")
        label = locale.term_text(cited.label, "short", plural) or cited.label
    return f", {label} {cited.locator}{cited.suffix}"


def _textual_joint(index: int, count: int) -> str:
    """What comes before the ``index``-th key of a textual citation: a comma, and
    "and" before the last (with a serial comma for three or more)."""
    if index < count - 1:
        return ", "
    return ", and " if count > 2 else " and "


def _groups(
    keys: tuple[str, ...],
    targets: tuple[Target | None, ...],
    details: tuple[CitedKey, ...] = (),
) -> list[list[tuple[str, Target | None]]]:
    """Split the citation into runs to print: ``1–3`` for three or more in a row.

    Targets in one list are sorted by number; a run of three or more consecutive numbers
    becomes a two-item group (first and last) printed with an en dash. A key with a pre-
    or post-text is never part of a run: its texts would be lost.
    """
    if any(cited[1:] != ("",) * 4 for cited in details):
        return [[pair] for pair in zip(keys, targets, strict=False)]
    pairs = list(zip(keys, targets, strict=False))
    resolved = [pair for pair in pairs if pair[1] is not None]
    same_list = len({pair[1].list_id for pair in resolved if pair[1]}) <= 1
    if same_list:
        resolved.sort(key=lambda pair: pair[1].number if pair[1] else 0)
    groups: list[list[tuple[str, Target | None]]] = []
    run: list[tuple[str, Target | None]] = []
    for pair in resolved:
        if run and same_list and pair[1] and run[-1][1] and pair[1].number == run[-1][1].number + 1:
            run.append(pair)
            continue
        groups.extend(_close(run))
        run = [pair]
    groups.extend(_close(run))
    groups.extend([pair] for pair in pairs if pair[1] is None)
    return groups


def _close(run: list[tuple[str, Target | None]]) -> list[list[tuple[str, Target | None]]]:
    if len(run) >= 3:
        return [[run[0], run[-1]]]
    return [[pair] for pair in run]

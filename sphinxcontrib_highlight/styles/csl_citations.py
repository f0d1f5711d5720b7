"""In-text citations of a whole project by a CSL style's ``<citation>`` layout.

One :class:`~.csl.Processor` run takes every citation of the project that uses the
style, in reading order, so that what CSL decides across citations is decided once for
the whole project: positions (``ibid``, a note style's short form), added names and given
names, year suffixes (``2022a``), cite grouping and collapsing. Items that a reference
list of the style shows but no page cites take part too, as citeproc-js lets uncited
items take part: their year suffixes and the list's order come out of the same run.

The texts come back as the CSL engine's serialised tokens (``("open", tag)``,
``("text", characters)``, ``("close", tag)``), small and picklable, for the Sphinx side to
keep with the environment and turn into docutils nodes. A cite's own text is wrapped in
a link whose address is ``#item-N``, N the index of its item, so the Sphinx side can link
each cite of a grouped or collapsed citation to its own list item.

**Textual citations** (``Kohno et al. (2022a)``): CSL has no textual form. As pandoc's
citeproc and citeproc-js's ``author-only``/``suppress-author`` pair do, a textual cite is
the names the citation would print first (disambiguated as in the citation), a space,
then the citation of the same cite with its names suppressed (``(2022a, p. 5)``).
Several keys are joined with commas and the locale's "and" before the last:
``Kohno et al. (2022a) and Smith (2020)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography.csl_markup import escape
from sphinxcontrib_highlight.styles.csl import Cite, Cluster, Processor
from sphinxcontrib_highlight.styles.csl.citations import render_cluster
from sphinxcontrib_highlight.styles.csl.formatted import (
    Node,
    Span,
    Text,
    parse_markup,
    serialised_tokens,
)
from sphinxcontrib_highlight.styles.csl.render import POSITION_SUBSEQUENT, render

if TYPE_CHECKING:
    from sphinxcontrib_highlight.styles.csl import Style

Tokens = tuple[tuple[str, str], ...]

#: How a cite's link address starts; the rest is the index of its item.
LINK_PREFIX = "#item-"


@dataclass(frozen=True)
class Citation:
    """One in-text citation, as the page wrote it."""

    items: tuple[int, ...]
    """Indexes of the cited items in the run's list of items."""
    affixes: tuple[tuple[str, str, str, str], ...]
    """Per item: prefix, suffix, locator and locator label (empty strings for none)."""
    textual: bool = False
    starts_page: bool = False
    """The first citation of its page: a note style never says "Ibid." there."""


@dataclass(frozen=True)
class CitationText:
    """What a citation prints: in the text, and in a footnote (note styles)."""

    inline: Tokens
    note: Tokens = ()


@dataclass(frozen=True)
class Run:
    """The outcome of one style's run over the project."""

    texts: tuple[CitationText, ...]
    """Per citation, in the order given."""
    order: tuple[int, ...]
    """The items in the order of the style's bibliography (its ``<sort>``)."""
    year_suffixes: dict[int, int]
    """Per item with one, its year suffix (1 is ``a``), for the reference lists."""


class _LinkingProcessor(Processor):
    """A processor whose cites come wrapped in a link to their item (see the module)."""

    def render_cite(
        self,
        cite: Cite,
        state: Any = None,
        suppress_names: bool = False,
        for_comparison: bool = False,
    ) -> Node | None:
        node = super().render_cite(cite, state, suppress_names, for_comparison)
        if node is None or for_comparison:
            return node
        return Span([node], link=f"{LINK_PREFIX}{cite.id}")

    def render_author(self, cite: Cite) -> Node | None:
        """The names the cite's citation prints first (None if it prints none)."""
        ctx = self.context_for(cite.id, "citation", cite)
        assert self.style.citation is not None
        for child in self.style.citation.layout.children:
            render(child, ctx)
            if ctx.names_record is not None:
                return Span([ctx.names_record.node], link=f"{LINK_PREFIX}{cite.id}")
        return None

    def render_title(self, cite: Cite) -> Node | None:
        """The item's title, for a textual note citation whose
        style prints no names and puts nothing in their place (CMOS 18 starts an
        anonymous book's note with its title): the text then names the work, not just
        the note's mark. None for an item without a title."""
        item = self.items.get(cite.id, {})
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            return None
        return Span([parse_markup(title)], link=f"{LINK_PREFIX}{cite.id}")


def run_citations(
    style: Style,
    items: list[dict[str, Any]],
    citations: list[Citation],
    locale: str | None,
) -> Run:
    """Every citation's text and the items' bibliography order and year suffixes.

    ``items`` are CSL-JSON items; their ids are replaced by their indexes. An item no
    citation names still takes part (see the module)."""
    numbered = [{**item, "id": str(index)} for index, item in enumerate(items)]
    processor = _LinkingProcessor(style, numbered, locale=locale)
    note_style = style.style_class == "note"
    clusters = [
        Cluster([_cite(index, affixes) for index, affixes in
                 zip(citation.items, citation.affixes, strict=True)],
                note_number=number if note_style else 0)
        for number, citation in enumerate(citations, 1)
    ]
    _no_ibid_across_pages(clusters, citations)
    cited = {index for citation in citations for index in citation.items}
    uncited = [str(index) for index in range(len(items)) if index not in cited]
    rendered = processor.process_citations(clusters, uncited)
    marks = processor.quote_marks
    texts = []
    for citation, cluster, node in zip(citations, clusters, rendered, strict=True):
        whole = tuple(serialised_tokens(node, marks))
        if not citation.textual:
            texts.append(CitationText((), whole) if note_style else CitationText(whole))
            continue
        inline = _textual(processor, cluster, note_style, marks)
        texts.append(CitationText(inline, whole if note_style else ()))
    suffixes = {
        int(item_id): state.year_suffix
        for item_id, state in processor.disambiguation.items()
        if state.year_suffix
    }
    order = tuple(int(item_id) for item_id in processor.bibliography_order)
    return Run(tuple(texts), order, suffixes)


def _cite(index: int, affixes: tuple[str, str, str, str]) -> Cite:
    """The cite of item ``index``; its pre- and post-text escaped, as they are plain
    text (the engine reads ``<i>`` in affixes as citeproc-js does, a numeric citation
    prints them as written: escaping makes both print what the author wrote)."""
    prefix, suffix, locator, label = affixes
    return Cite(
        str(index),
        locator=locator or None,
        label=label or None,
        prefix=f"{escape(prefix)} " if prefix else None,
        suffix=escape(suffix) or None,
    )


def _no_ibid_across_pages(clusters: list[Cluster], citations: list[Citation]) -> None:
    """The first cite of a page that repeats the last cite of the page before is a
    subsequent cite, not "Ibid.": a reader of the page cannot see what it repeats."""
    previous: Cluster | None = None
    for cluster, citation in zip(clusters, citations, strict=True):
        if (
            citation.starts_page and previous is not None and len(previous.cites) == 1
            and cluster.cites and cluster.cites[0].id == previous.cites[0].id
        ):
            cluster.cites[0].fixed_position = POSITION_SUBSEQUENT
        previous = cluster


def _textual(processor: _LinkingProcessor, cluster: Cluster, note_style: bool, marks: Any) -> Tokens:
    """``Names (rest)`` per cite, joined by commas and "and" (see the module); for a
    note style only the names, the footnote holding the rest."""
    pieces: list[Node] = []
    for cite in cluster.cites:
        author = processor.render_author(cite)
        if note_style:
            piece = author or processor.render_title(cite)
        else:
            rest = render_cluster(processor, Cluster([replace(cite, suppress_author=True)]))
            piece = Span([n for n in (author, Text(" ") if author else None, rest) if n])
        if piece is not None:
            pieces.append(piece)
    conjunction = processor.locale.term_text("and") or "and"
    joined: list[Node] = []
    for index, piece in enumerate(pieces):
        if index:
            last = index == len(pieces) - 1
            comma = "," if len(pieces) > 2 else ""
            joined.append(Text(f"{comma} {conjunction} " if last else ", "))
        joined.append(piece)
    return tuple(serialised_tokens(Span(joined), marks))


def author_tokens(style: Style, item: dict[str, Any], locale: str | None) -> Tokens:
    """The names a style's citation prints first for one item (a numeric style's
    textual citation: ``Kohno et al. [1]``); none if it prints none."""
    processor = _LinkingProcessor(style, [{**item, "id": "0"}], locale=locale)
    processor.register(["0"])
    return tuple(serialised_tokens(processor.render_author(Cite("0")), processor.quote_marks))

"""The public API: a style and items in, bibliography entries and citations out.

``Processor`` registers items, numbers and sorts them, runs disambiguation over every
cite of the document, and renders citations and bibliography entries as rich-text trees
(``formatted``). Serialising those trees is the caller's choice (``formatted.to_html``,
``formatted.to_text``, or a docutils converter on the Sphinx side).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import disambiguate
from .citations import Cluster, assign_positions, render_cluster
from .formatted import Node, QuoteMarks, Span, Text, affixed, is_empty, join, plain, trim_end
from .numbers import letters
from .render import Cite, Disambiguation, RenderContext, render
from .sort import sort_by_keys
from .variables import normalise_item

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from .names import RenderedNames
    from .style import Style

#: What citeproc-js prints for an item the style renders as nothing.
NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"


@dataclass
class BibEntry:
    """One bibliography entry: the item's id and its rich-text tree."""

    id: str
    content: Node


class Processor:
    """Renders one style over one set of items."""

    def __init__(
        self,
        style: Style,
        items: Iterable[dict[str, Any]],
        *,
        locale: str | None = None,
        abbreviations: dict[str, dict[str, str]] | None = None,
    ):
        self.style = style
        self.locale = style.locale(locale or style.default_locale or "en-US")
        self.items: dict[str, dict[str, Any]] = {}
        for raw in items:
            item = normalise_item(raw)
            self.items[item["id"]] = item
        #: Short forms by variable and full value: {"container-title": {"Journal of X": "J. X"}}.
        self.abbreviations = abbreviations or {}
        #: The items in use, first-cited first; until citations are processed (or
        #: ``register`` is called), the bibliography lists every item.
        self.registered: list[str] = []
        self.citation_numbers: dict[str, int] = {}
        #: What disambiguation decided, by item (computed over the whole document).
        self.disambiguation: dict[str, Disambiguation] = {}
        self.renders_year_suffix = style.renders_year_suffix
        self.renders_citation_number = style.renders_citation_number
        self.disambiguate_tests = style.disambiguate_tests
        #: The registered items in bibliography order (sorted when the style sorts).
        self.bibliography_order: list[str] = []
        #: The names each cite printed (by the cite's id, the cite kept beside them),
        #: which grouping cites by author needs again.
        self._printed_names: dict[int, tuple[Cite, str]] = {}

    @property
    def quote_marks(self) -> QuoteMarks:
        """The locale's quote marks, which the serialisers need."""
        return self.locale.quote_marks()

    # ------------------------------------------------------------- registration

    def register(self, ids: list[str]) -> None:
        """The items the document uses, in first-cited order: numbers and sorting."""
        seen = list(dict.fromkeys(item_id for item_id in ids if item_id in self.items))
        self.registered = seen
        self.citation_numbers = {item_id: n + 1 for n, item_id in enumerate(seen)}
        bibliography = self.style.bibliography
        # One item is in order already: its sort keys (rendered macros) are not needed.
        if bibliography is not None and bibliography.sort and len(seen) > 1:
            ordered = sort_by_keys(
                seen, bibliography.sort, lambda i: self.context_for(i, "bibliography")
            )
            # Sorting by the citation number itself (directly or through a macro) keeps
            # the first-cited numbering; any other order renumbers the entries.
            first = bibliography.sort[0]
            macro = self.style.macros.get(first.macro or "")
            by_number = first.variable == "citation-number" or (
                macro is not None and macro.count_attribute("variable", "citation-number") > 0
            )
            if not by_number:
                self.citation_numbers = {item_id: n + 1 for n, item_id in enumerate(ordered)}
            self.bibliography_order = ordered
        else:
            self.bibliography_order = list(seen)

    def context_for(
        self, item_id: str, mode: str, cite: Cite | None = None, state: Disambiguation | None = None
    ) -> RenderContext:
        context = self.style.citation if mode == "citation" else self.style.bibliography
        assert context is not None
        ctx = RenderContext(
            self.style,
            self.locale,
            context,
            self.items[item_id],
            cite,
            state if state is not None else self.disambiguation.get(item_id),
            self.citation_numbers.get(item_id),
            abbreviations=self.abbreviations,
        )
        ctx.style_renders_year_suffix = self.renders_year_suffix
        return ctx

    # ---------------------------------------------------------------- citations

    def render_cite(
        self,
        cite: Cite,
        state: Disambiguation | None = None,
        suppress_names: bool = False,
        for_comparison: bool = False,
    ) -> Node | None:
        """One cite's layout content, without the cite's own prefix and suffix.

        ``for_comparison`` renders the form disambiguation compares, which leaves out
        the accessed date as citeproc-js does."""
        if cite.id not in self.items:
            return None
        ctx = self.context_for(cite.id, "citation", cite, state)
        if for_comparison:
            ctx.suppressed.add("accessed")
        if suppress_names or cite.suppress_author:
            ctx.suppress_first_names = True
        assert self.style.citation is not None
        node = join(render(child, ctx) for child in self.style.citation.layout.children)
        if state is None and not (for_comparison or suppress_names or cite.suppress_author):
            names = ctx.names_record
            self._printed_names[id(cite)] = (cite, plain(names.node) if names else "")
        return node

    def sort_cites(self, cites: list[Cite]) -> list[Cite]:
        """A citation's cites in the order of the style's citation sort keys."""
        context = self.style.citation
        if context is None or not context.sort:
            return list(cites)
        return sort_by_keys(cites, context.sort, lambda c: self.context_for(c.id, "citation", c))

    def author_key(self, cite: Cite) -> str:
        """The names a cite prints first: cites printing the same ones are grouped.

        Those of a cite the citation printed already are kept from that rendering."""
        printed = self._printed_names.get(id(cite))
        if printed is not None and printed[0] is cite:
            return printed[1]
        ctx = self.context_for(cite.id, "citation", cite)
        assert self.style.citation is not None
        for child in self.style.citation.layout.children:
            render(child, ctx)
            if ctx.names_record is not None:
                return plain(ctx.names_record.node)
        return ""

    def year_key(self, cite: Cite) -> str:
        """The cite's year as collapsing compares it ("2000" in 2000a and 2000b)."""
        issued = self.items[cite.id].get("issued")
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        return str(parts[0][0]) if parts and parts[0] else str(issued)

    def year_suffix_letter(self, item_id: str) -> str | None:
        """The item's year-suffix letters, if disambiguation gave it one."""
        state = self.disambiguation.get(item_id)
        return letters(state.year_suffix) if state and state.year_suffix else None

    def process_citations(
        self, clusters: list[Cluster], uncited: Iterable[str] = ()
    ) -> list[Node | None]:
        """Every cluster of a document, positions and disambiguation computed over all.

        ``uncited`` items (a bibliography's ``nocite``) are registered after the cited
        ones and take part in disambiguation (year suffixes), as in citeproc-js, without
        a citation of their own to render."""
        order: list[str] = [cite.id for cluster in clusters for cite in cluster.cites]
        self.register([*order, *uncited])
        near = (
            int(self.style.citation.option("near-note-distance", "5") or 5)
            if self.style.citation
            else 5
        )
        assign_positions(clusters, near)
        cited = {*order}
        self._printed_names.clear()
        self.disambiguation = disambiguate.run(
            self,
            [c for cluster in clusters for c in cluster.cites]
            + [Cite(item_id) for item_id in self.registered if item_id not in cited],
        )
        return [render_cluster(self, cluster) for cluster in clusters]

    # ------------------------------------------------------------- bibliography

    def bibliography(self) -> list[BibEntry]:
        """The entries of every registered item (all items, or those the processed
        citations cite), sorted, numbered and with repeated authors substituted."""
        return list(self.bibliography_entries())

    def bibliography_entries(self) -> Iterator[BibEntry]:
        """The entries of :meth:`bibliography` one at a time, each final when given.

        A caller that converts each entry as it comes never holds every entry's tree
        at once: for a long list, those trees (about 190 objects an entry) kept Python's
        garbage collector scanning them, 40 % of the time."""
        context = self.style.bibliography
        if context is None:
            return
        if not self.registered:
            self.register(list(self.items))
        if not self.disambiguation:
            self.disambiguation = disambiguate.run(self, [Cite(i) for i in self.registered])
        previous_names = None
        substitute = context.option("subsequent-author-substitute")
        rule = context.option("subsequent-author-substitute-rule", "complete-all")
        for item_id in self.bibliography_order:
            ctx = self.context_for(item_id, "bibliography")
            content = self._render_entry(ctx)
            if content is None:
                continue
            if substitute is not None:
                current = ctx.names_record
                snapshot = _snapshot(current)  # before substitution empties it
                if current is not None and previous_names is not None:
                    _substitute_author(current, previous_names, substitute, rule or "complete-all")
                previous_names = snapshot
            yield BibEntry(item_id, content)

    def _render_entry(self, ctx: RenderContext) -> Node | None:
        context = self.style.bibliography
        assert context is not None
        layout = context.layout
        parts = [render(child, ctx) for child in layout.children]
        if context.option("second-field-align") in ("flush", "margin"):
            kept = [p for p in parts if not is_empty(p)]
            if not kept:
                return None
            first = affixed(kept[0], layout.prefix, "")
            rest = affixed(join(kept[1:]), "", layout.suffix)
            if rest is not None:
                trim_end(rest)  # citeproc-js trims the right-hand block only
            node: Node = Span(
                [
                    n
                    for n in (
                        Span([first], display="left-margin") if first else None,
                        Span([rest], display="right-inline") if rest else None,
                    )
                    if n is not None
                ]
            )
            return node
        kept = [p for p in parts if p is not None and not is_empty(p)]
        body = join(kept)
        if body is None:
            return None
        suffix = layout.suffix
        last = kept[-1]
        if suffix and isinstance(last, Span) and last.display:
            # citeproc-js ends the last display block with the layout suffix.
            last.children.append(Text(suffix))
            suffix = ""
        if layout.formatting:
            body = Span([body], formatting=dict(layout.formatting))
        return affixed(body, layout.prefix, suffix)


def _snapshot(record: RenderedNames | None) -> tuple[list[str], str] | None:
    if record is None:
        return None
    return list(record.name_texts), plain(record.node)


def _substitute_author(
    current: RenderedNames, previous: tuple[list[str], str] | None, text: str, rule: str
) -> None:
    """Replace names repeated from the previous entry, by CSL's substitute rules."""
    if previous is None:
        return
    previous_names, previous_whole = previous
    names = current.name_texts
    if rule == "complete-all":
        if names == previous_names and plain(current.node) == previous_whole:
            current.node.children = [Text(text)] if text else []
    elif rule == "complete-each":
        if names == previous_names:
            for holder in current.name_nodes:
                holder.children = [Text(text)]
    elif rule == "partial-each":
        for index, holder in enumerate(current.name_nodes):
            if index < len(previous_names) and names[index] == previous_names[index]:
                holder.children = [Text(text)]
            else:
                break
    elif rule == "partial-first" and names and previous_names and names[0] == previous_names[0]:
        current.name_nodes[0].children = [Text(text)]

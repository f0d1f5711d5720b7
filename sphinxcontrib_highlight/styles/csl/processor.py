"""The public API: a style and items in, bibliography entries and citations out.

``Processor`` registers items, numbers and sorts them, runs disambiguation over every
cite of the document, and renders citations and bibliography entries as rich-text trees
(``formatted``). Serialising those trees is the caller's choice (``formatted.to_html``,
``formatted.to_text``, or a docutils converter on the Sphinx side).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from . import disambiguate
from .citations import Cluster, assign_positions, render_cluster
from .formatted import Node, QuoteMarks, Span, Text, affixed, join, plain
from .locale import Locale
from .numbers import letters
from .render import Cite, Disambiguation, RenderContext, render
from .sort import sort_by_keys
from .style import Style
from .variables import normalise_item


#: What citeproc-js prints for an item the style renders as nothing.
NO_PRINTED_FORM = "[CSL STYLE ERROR: reference with no printed form.]"


@dataclass
class BibEntry:
    """One bibliography entry: the item's id and its rich-text tree."""

    id: str
    content: Node


def _uses_variable(style: Style, name: str) -> bool:
    def walk(element) -> bool:
        if element.get("variable") and name in element.get("variable", "").split():
            return True
        return any(walk(c) for c in element.children)

    layouts = [c.layout for c in (style.citation, style.bibliography) if c is not None]
    return any(walk(e) for e in [*layouts, *style.macros.values()])


class Processor:
    """Renders one style over one set of items."""

    def __init__(self, style: Style, items: Iterable[dict[str, Any]], *, locale: str | None = None, abbreviations: dict | None = None):
        self.style = style
        self.locale = Locale.for_style(locale or style.default_locale or "en-US", style.locales)
        self.items: dict[str, dict[str, Any]] = {}
        for raw in items:
            item = normalise_item(raw)
            self.items[item["id"]] = item
        self.abbreviations = abbreviations or {}
        self.registered: list[str] = list(self.items)
        self.citation_numbers: dict[str, int] = {}
        self.disambiguation: dict[str, Disambiguation] = {}
        self.renders_year_suffix = _uses_variable(style, "year-suffix")
        self._bibliography_order: list[str] = []
        self.register(self.registered)

    @property
    def quote_marks(self) -> QuoteMarks:
        return self.locale.quote_marks()

    # ------------------------------------------------------------- registration

    def register(self, ids: list[str]) -> None:
        """The items the document uses, in first-cited order: numbers and sorting."""
        seen: list[str] = []
        for item_id in ids:
            if item_id in self.items and item_id not in seen:
                seen.append(item_id)
        self.registered = seen
        self.citation_numbers = {item_id: n + 1 for n, item_id in enumerate(seen)}
        bibliography = self.style.bibliography
        if bibliography is not None and bibliography.sort:
            ordered = sort_by_keys(seen, bibliography.sort, lambda i: self.context_for(i, "bibliography"))
            first = bibliography.sort[0]
            if not (first.variable == "citation-number"):
                self.citation_numbers = {item_id: n + 1 for n, item_id in enumerate(ordered)}
            self._bibliography_order = ordered
        else:
            self._bibliography_order = list(seen)

    def context_for(self, item_id: str, mode: str, cite: Cite | None = None, state: Disambiguation | None = None) -> RenderContext:
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
        )
        ctx.style_renders_year_suffix = self.renders_year_suffix
        return ctx

    # ---------------------------------------------------------------- citations

    def render_cite(self, cite: Cite, state: Disambiguation | None = None, suppress_names: bool = False) -> Node | None:
        """One cite's layout content, without the cite's own prefix and suffix."""
        if cite.id not in self.items:
            return None
        ctx = self.context_for(cite.id, "citation", cite, state)
        if suppress_names or cite.suppress_author:
            ctx.suppress_first_names = True  # type: ignore[attr-defined]
        assert self.style.citation is not None
        return join(render(child, ctx) for child in self.style.citation.layout.children)

    def sort_cites(self, cites: list[Cite]) -> list[Cite]:
        context = self.style.citation
        if context is None or not context.sort:
            return list(cites)
        return sort_by_keys(cites, context.sort, lambda c: self.context_for(c.id, "citation", c))

    def author_key(self, cite: Cite) -> str:
        ctx = self.context_for(cite.id, "citation", cite)
        assert self.style.citation is not None
        for child in self.style.citation.layout.children:
            render(child, ctx)
            if ctx.names_record is not None:
                return plain(ctx.names_record.node)
        return ""

    def year_key(self, cite: Cite) -> str:
        issued = self.items[cite.id].get("issued")
        parts = issued.get("date-parts") if isinstance(issued, dict) else None
        return str(parts[0][0]) if parts and parts[0] else str(issued)

    def year_suffix_letter(self, item_id: str) -> str | None:
        state = self.disambiguation.get(item_id)
        return letters(state.year_suffix) if state and state.year_suffix else None

    def process_citations(self, clusters: list[Cluster]) -> list[Node | None]:
        """Every cluster of a document, positions and disambiguation computed over all."""
        order: list[str] = [cite.id for cluster in clusters for cite in cluster.cites]
        self.register(order)
        near = int(self.style.citation.option("near-note-distance", "5") or 5) if self.style.citation else 5
        assign_positions(clusters, near)
        self.disambiguation = disambiguate.run(self, [c for cluster in clusters for c in cluster.cites])
        return [render_cluster(self, cluster) for cluster in clusters]

    # ------------------------------------------------------------- bibliography

    def bibliography(self) -> list[BibEntry]:
        context = self.style.bibliography
        if context is None:
            return []
        if not self.disambiguation:
            self.disambiguation = disambiguate.run(self, [Cite(i) for i in self.registered])
        entries: list[BibEntry] = []
        previous_names = None
        substitute = context.option("subsequent-author-substitute")
        rule = context.option("subsequent-author-substitute-rule", "complete-all")
        for item_id in self._bibliography_order:
            ctx = self.context_for(item_id, "bibliography")
            content = self._render_entry(ctx) or Text(NO_PRINTED_FORM)
            if substitute is not None:
                current = ctx.names_record
                if current is not None and previous_names is not None:
                    _substitute_author(current, previous_names, substitute, rule or "complete-all")
                previous_names = _snapshot(ctx.names_record)
            entries.append(BibEntry(item_id, content))
        return entries

    def _render_entry(self, ctx: RenderContext) -> Node | None:
        context = self.style.bibliography
        assert context is not None
        layout = context.layout
        parts = [render(child, ctx) for child in layout.children]
        if context.option("second-field-align") in ("flush", "margin"):
            kept = [p for p in parts if p is not None and plain(p) != ""]
            if not kept:
                return None
            first = affixed(kept[0], layout.prefix, "")
            rest = affixed(join(kept[1:]), "", layout.suffix)
            node: Node = Span([n for n in (Span([first], display="left-margin") if first else None,
                                           Span([rest], display="right-inline") if rest else None) if n is not None])
            return node
        body = join(parts)
        if body is None:
            return None
        if layout.formatting:
            body = Span([body], formatting=dict(layout.formatting))
        return affixed(body, layout.prefix, layout.suffix)


def _snapshot(record) -> tuple[list[str], str] | None:
    if record is None:
        return None
    return list(record.name_texts), plain(record.node)


def _substitute_author(current, previous: tuple[list[str], str] | None, text: str, rule: str) -> None:
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
    elif rule == "partial-first":
        if names and previous_names and names[0] == previous_names[0]:
            current.name_nodes[0].children = [Text(text)]

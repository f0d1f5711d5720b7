"""Citation clusters: positions across the document, sorting, collapsing, joining.

``assign_positions`` walks the document's clusters in order and decides each cite's
position (first, subsequent, ibid, ibid-with-locator), near-note and first note
number. ``render_cluster`` renders one cluster's cites, collapses citation-number
ranges and same-author years when the style asks, and wraps the layout's affixes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .formatted import Node, Span, Text, affixed, join, parse_markup, plain
from .render import POSITION_FIRST, POSITION_IBID, POSITION_IBID_WITH_LOCATOR, POSITION_SUBSEQUENT, Cite

if TYPE_CHECKING:
    from .processor import Processor


@dataclass
class Cluster:
    """One citation: its cites and the note it sits in (0 for in-text)."""

    cites: list[Cite]
    note_number: int = 0
    id: str | None = None
    properties: dict = field(default_factory=dict)


def assign_positions(clusters: list[Cluster], near_note_distance: int) -> None:
    last_note_of: dict[str, int] = {}
    first_note_of: dict[str, int] = {}
    previous_cluster: Cluster | None = None
    for cluster in clusters:
        for index, cite in enumerate(cluster.cites):
            cite.note_number = cluster.note_number
            if cite.id not in first_note_of:
                cite.position = POSITION_FIRST
                first_note_of[cite.id] = cluster.note_number
                cite.first_reference_note_number = cluster.note_number
                cite.near_note = False
                last_note_of[cite.id] = cluster.note_number
                continue
            cite.first_reference_note_number = first_note_of[cite.id]
            cite.near_note = cluster.note_number - last_note_of[cite.id] <= near_note_distance
            last_note_of[cite.id] = cluster.note_number
            if index > 0:
                preceding: Cite | None = cluster.cites[index - 1]
            elif previous_cluster is not None and len(previous_cluster.cites) == 1:
                preceding = previous_cluster.cites[0]
            else:
                preceding = None
            if preceding is not None and preceding.id == cite.id:
                if preceding.locator == cite.locator:
                    cite.position = POSITION_IBID
                elif cite.locator is not None:
                    cite.position = POSITION_IBID_WITH_LOCATOR
                else:
                    cite.position = POSITION_SUBSEQUENT
            else:
                cite.position = POSITION_SUBSEQUENT
        if cluster.cites:
            previous_cluster = cluster


def _affix(text: str | None) -> Node | None:
    return parse_markup(text) if text else None


def render_cluster(processor: Processor, cluster: Cluster) -> Node | None:
    """A cluster's output: sorted, collapsed, delimited, inside the layout's affixes."""
    context = processor.style.citation
    assert context is not None
    layout = context.layout
    cites = processor.sort_cites(cluster.cites)
    rendered: list[tuple[Cite, Node | None]] = [(cite, processor.render_cite(cite)) for cite in cites]
    delimiter = layout.delimiter
    collapse = context.option("collapse")
    if collapse == "citation-number":
        body = _collapse_numbers(processor, rendered, delimiter, context.option("after-collapse-delimiter", delimiter) or delimiter)
    elif collapse in ("year", "year-suffix", "year-suffix-ranged"):
        body = _collapse_years(processor, rendered, delimiter, collapse, context)
    else:
        body = join((_with_affixes(c, n) for c, n in rendered), delimiter)
    if body is None:
        return None
    if layout.formatting:
        body = Span([body], formatting=dict(layout.formatting))
    return affixed(body, layout.prefix, layout.suffix)


def _with_affixes(cite: Cite, node: Node | None) -> Node | None:
    if node is None:
        return None
    parts = [_affix(cite.prefix), node, _affix(cite.suffix)]
    return Span([p for p in parts if p is not None])


def _collapse_numbers(processor: Processor, rendered: list[tuple[Cite, Node | None]], delimiter: str, after: str) -> Node | None:
    """Runs of three or more consecutive citation numbers become "first–last"."""
    numbered = []
    for cite, node in rendered:
        number = processor.citation_numbers.get(cite.id)
        plain_text = plain(node).strip()
        simple = cite.locator is None and not cite.prefix and not cite.suffix and plain_text == str(number)
        numbered.append((cite, node, number, simple))
    groups: list[list[tuple]] = []
    for entry in numbered:
        if groups and entry[3] and groups[-1][-1][3] and entry[2] == groups[-1][-1][2] + 1:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    out: list[Node] = []
    for index, group in enumerate(groups):
        if out:
            previous = groups[index - 1]
            out.append(Text(after if len(previous) >= 3 else delimiter))
        if len(group) >= 3:
            first_node, last_node = group[0][1], group[-1][1]
            out.append(Span([n for n in (first_node, Text("\u2013"), last_node) if n is not None]))
        else:
            pieces = [_with_affixes(c, n) for c, n, _, _ in group]
            joined = join(pieces, delimiter)
            if joined is not None:
                out.append(joined)
    return Span(out) if out else None


def _collapse_years(processor: Processor, rendered: list[tuple[Cite, Node | None]], delimiter: str, collapse: str, context) -> Node | None:
    """Cites by the same authors print the names once: "Smith 2000, 2001a, b"."""
    group_delimiter = context.option("cite-group-delimiter", ", ") or ", "
    after = context.option("after-collapse-delimiter", delimiter) or delimiter
    authors: list[str] = [processor.author_key(cite) for cite, _ in rendered]
    order: list[list[int]] = []
    by_author: dict[str, list[int]] = {}
    for index, key in enumerate(authors):
        if key and key in by_author and not processor.style.citation.sort:  # type: ignore[union-attr]
            by_author[key].append(index)
        elif key and key in by_author and order and order[-1] is by_author[key]:
            by_author[key].append(index)
        else:
            by_author[key] = [index]
            order.append(by_author[key])
    out: list[Node] = []
    previous_collapsed = False
    for group in order:
        if out:
            out.append(Text(after if previous_collapsed else delimiter))
        first_cite, first_node = rendered[group[0]]
        if len(group) == 1 or not authors[group[0]]:
            node = _with_affixes(first_cite, first_node)
            if node is not None:
                out.append(node)
            previous_collapsed = False
            continue
        pieces: list[Node] = []
        previous_year: str | None = None
        suffix_run: list[tuple[Cite, Node | None, str]] = []
        for position, index in enumerate(group):
            cite, node = rendered[index]
            if position == 0:
                pieces.append(_with_affixes(cite, node) or Text(""))
                previous_year = processor.year_key(cite)
                continue
            year = processor.year_key(cite)
            suffix = processor.year_suffix_letter(cite.id)
            if (
                collapse in ("year-suffix", "year-suffix-ranged")
                and year == previous_year
                and suffix
                and cite.locator is None
                and not cite.prefix
                and not cite.suffix
            ):
                pieces.append(Text(",") if False else Text(""))
                pieces[-1] = Text(context.option("year-suffix-delimiter", delimiter) or delimiter)
                pieces.append(Text(suffix))
                continue
            short = processor.render_cite(cite, suppress_names=True)
            pieces.append(Text(group_delimiter))
            pieces.append(_with_affixes(cite, short) or Text(""))
            previous_year = year
        if collapse == "year-suffix-ranged":
            pieces = _range_suffixes(pieces)
        out.append(Span(pieces))
        previous_collapsed = True
    return Span(out) if out else None


def _range_suffixes(pieces: list[Node]) -> list[Node]:
    """Runs of three or more consecutive year-suffix letters become "a–c"."""
    return pieces

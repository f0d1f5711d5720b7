"""Citation clusters: positions across the document, sorting, collapsing, joining.

``assign_positions`` walks the document's clusters in order and decides each cite's
position (first, subsequent, ibid, ibid-with-locator), near-note and first note
number. ``render_cluster`` renders one cluster's cites, collapses citation-number
ranges and same-author years when the style asks, and wraps the layout's affixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .formatted import Node, Span, Text, affixed, first_leaf, join, parse_markup
from .render import (
    POSITION_FIRST,
    POSITION_IBID,
    POSITION_IBID_WITH_LOCATOR,
    POSITION_SUBSEQUENT,
    Cite,
)

if TYPE_CHECKING:
    from .processor import Processor
    from .style import Context


@dataclass
class Cluster:
    """One citation: its cites and the note it sits in (0 for in-text)."""

    cites: list[Cite]
    note_number: int = 0
    id: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)


def _preceding(
    cluster: Cluster, index: int, previous: Cluster | None, cites_in_note: dict[int, int]
) -> Cite | None:
    """The cite an ibid would refer to: the one before in the same citation, or the
    previous citation when it (and the whole note it sits in) holds a single cite."""
    if index > 0:
        return cluster.cites[index - 1]
    if previous is None or len(previous.cites) != 1:
        return None
    note = previous.note_number
    if note and note != cluster.note_number and cites_in_note.get(note, 0) != 1:
        return None
    return previous.cites[0]


def _pinpoint(cite: Cite) -> tuple[str, str] | None:
    """The place a cite points at: its locator with its label (page by default)."""
    return None if cite.locator is None else (cite.locator, cite.label or "page")


def assign_positions(clusters: list[Cluster], near_note_distance: int) -> None:
    """Positions of every cite, walking the document in order.

    Citations in the main text (note 0) and in notes keep separate ibid chains, as
    citeproc-js does for note styles with in-text citations. A position the caller
    fixed on a cite is kept."""
    last_note_of: dict[str, int] = {}
    first_note_of: dict[str, int] = {}
    previous_by_level: dict[bool, Cluster] = {}
    cites_in_note: dict[int, int] = {}
    for cluster in clusters:
        in_note = cluster.note_number != 0
        previous_cluster = previous_by_level.get(in_note)
        for index, cite in enumerate(cluster.cites):
            cite.note_number = cluster.note_number
            if cite.id not in first_note_of:
                first_note_of[cite.id] = cluster.note_number
                cite.position, cite.first_reference_note_number, cite.near_note = (
                    POSITION_FIRST,
                    None,
                    False,
                )
            else:
                cite.first_reference_note_number = first_note_of[cite.id]
                cite.near_note = cluster.note_number - last_note_of[cite.id] <= near_note_distance
                preceding = _preceding(cluster, index, previous_cluster, cites_in_note)
                cite.position = _later_position(cite, preceding)
            last_note_of[cite.id] = cluster.note_number
            if cite.fixed_position is not None:
                cite.position = cite.fixed_position
        if cluster.cites:
            previous_by_level[in_note] = cluster
            cites_in_note[cluster.note_number] = cites_in_note.get(cluster.note_number, 0) + len(
                cluster.cites
            )


def _later_position(cite: Cite, preceding: Cite | None) -> int:
    """Ibid when the cite repeats the one before, with a locator when it adds or
    changes one; subsequent otherwise."""
    if preceding is None or preceding.id != cite.id:
        return POSITION_SUBSEQUENT
    if _pinpoint(preceding) == _pinpoint(cite):
        return POSITION_IBID
    return POSITION_IBID_WITH_LOCATOR if cite.locator is not None else POSITION_SUBSEQUENT


def _capitalise_opening_term(node: Node | None) -> None:
    leaf = first_leaf(node)
    if leaf is not None and leaf.from_term and leaf.text[:1].islower():
        leaf.text = leaf.text[0].upper() + leaf.text[1:]


def _printed(processor: Processor, cite: Cite) -> Node | None:
    from .processor import NO_PRINTED_FORM

    node = processor.render_cite(cite)
    if node is None and cite.id in processor.items and not cite.suppress_author:
        return Text(NO_PRINTED_FORM)
    return node


def _affix(text: str | None) -> Node | None:
    return parse_markup(text) if text else None


def render_cluster(processor: Processor, cluster: Cluster) -> Node | None:
    """A cluster's output: sorted, collapsed, delimited, inside the layout's affixes."""
    context = processor.style.citation
    assert context is not None
    layout = context.layout
    cites = processor.sort_cites(cluster.cites)
    rendered: list[tuple[Cite, Node | None]] = [(cite, _printed(processor, cite)) for cite in cites]
    if processor.style.style_class == "note":
        for index, (cite, node) in enumerate(rendered):
            # A prefix ends a sentence when it ends in . ! ? and is more than one
            # word ("Nocapsafter." may be an abbreviation).
            prefix = (cite.prefix or "").strip()
            opens_sentence = (index == 0 and not prefix) or (
                " " in prefix and bool(re.search(r"[.!?][\"'\u201d\u2019]?$", prefix))
            )
            if opens_sentence:
                _capitalise_opening_term(node)
    delimiter = layout.delimiter
    collapse = context.option("collapse")
    if collapse == "citation-number":
        body = _collapse_numbers(
            processor,
            rendered,
            delimiter,
            context.option("after-collapse-delimiter", delimiter) or delimiter,
        )
    elif collapse in ("year", "year-suffix", "year-suffix-ranged"):
        body = _collapse_years(processor, rendered, delimiter, collapse, context)
    elif context.option("cite-group-delimiter"):
        body = _group_cites(
            processor, rendered, delimiter, context.option("cite-group-delimiter") or ", "
        )
    else:
        body = _join_cites(rendered, delimiter)
    body = affixed(body, layout.prefix, layout.suffix)
    if body is not None and layout.formatting:
        body = Span([body], formatting=dict(layout.formatting))
    return body


def _join_cites(rendered: list[tuple[Cite, Node | None]], delimiter: str) -> Node | None:
    """Cites joined by the layout delimiter, except before a prefix that opens with
    its own punctuation (". He said ..."); after a suffix that ends with punctuation
    only the delimiter's spacing is kept ("one source, Jones")."""
    out: list[Node] = []
    previous: Cite | None = None
    for cite, node in rendered:
        piece = _with_affixes(cite, node)
        if piece is None:
            continue
        if out and not (cite.prefix and cite.prefix[0] in ".,;:"):
            ends_in_punctuation = previous is not None and (previous.suffix or "").rstrip()[
                -1:
            ] in (".", ",", ";", ":", "!", "?")
            out.append(Text(delimiter.lstrip(".,;:") if ends_in_punctuation else delimiter))
        out.append(piece)
        previous = cite
    return Span(out) if out else None


def _with_affixes(cite: Cite, node: Node | None) -> Node | None:
    if node is None:
        return None
    parts = [_affix(cite.prefix), node, _affix(cite.suffix)]
    return Span([p for p in parts if p is not None])


def _collapse_numbers(
    processor: Processor, rendered: list[tuple[Cite, Node | None]], delimiter: str, after: str
) -> Node | None:
    """Runs of three or more consecutive citation numbers become "first–last"."""
    numbered = []
    for cite, node in rendered:
        number = processor.citation_numbers.get(cite.id)
        simple = cite.locator is None and not cite.prefix and not cite.suffix and node is not None
        numbered.append((cite, node, number, simple))
    groups: list[list[tuple[Cite, Node | None, int | None, bool]]] = []
    for entry in numbered:
        if (
            groups
            and entry[3]
            and groups[-1][-1][3]
            and entry[2] is not None
            and entry[2] == (groups[-1][-1][2] or 0) + 1
        ):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    out: list[Node] = []
    for index, group in enumerate(groups):
        if len(group) >= 3:
            if out:
                out.append(Text(delimiter))
            out.append(
                Span([n for n in (group[0][1], Text("\u2013"), group[-1][1]) if n is not None])
            )
            continue
        for cite, node, _, _ in group:
            piece = _with_affixes(cite, node)
            if piece is None:
                continue
            if out:
                previous_ranged = index > 0 and len(groups[index - 1]) >= 3 and cite is group[0][0]
                out.append(Text(after if previous_ranged else delimiter))
            out.append(piece)
    return Span(out) if out else None


def _author_groups(
    processor: Processor, rendered: list[tuple[Cite, Node | None]]
) -> list[list[int]]:
    """Indexes of cites printing the same names (no names counts as the same): in a
    sorted citation gathered at the first one's place, otherwise only neighbours."""
    if len(rendered) == 1:
        return [[0]]  # one cite is its own group: its names need not be rendered again
    authors = [processor.author_key(cite) for cite, _ in rendered]
    sorted_cites = bool(processor.style.citation and processor.style.citation.sort)
    order: list[list[int]] = []
    by_author: dict[str, list[int]] = {}
    for index, key in enumerate(authors):
        if key in by_author and (sorted_cites or order[-1] is by_author[key]):
            by_author[key].append(index)
        else:
            by_author[key] = [index]
            order.append(by_author[key])
    return order


def _group_cites(
    processor: Processor,
    rendered: list[tuple[Cite, Node | None]],
    delimiter: str,
    group_delimiter: str,
) -> Node | None:
    """Cite grouping without collapsing: same-author cites side by side, names kept."""
    groups = _author_groups(processor, rendered)
    return join(
        (join((_with_affixes(*rendered[i]) for i in group), group_delimiter) for group in groups),
        delimiter,
    )


def _collapse_years(
    processor: Processor,
    rendered: list[tuple[Cite, Node | None]],
    delimiter: str,
    collapse: str,
    context: Context,
) -> Node | None:
    """Cites by the same authors print the names once: "Smith 2000, 2001a, b"."""
    # citeproc-js: cites gathered by sorting take ", ", neighbours the layout delimiter.
    group_delimiter = context.option("cite-group-delimiter") or (
        ", " if context.sort else delimiter
    )
    after = context.option("after-collapse-delimiter") or delimiter
    suffix_delimiter = (
        context.option("year-suffix-delimiter")
        or context.option("cite-group-delimiter")
        or delimiter
    )
    groups = _author_groups(processor, rendered)
    out: list[Node] = []
    for group in groups:
        if out:
            out.append(Text(after))
        first_cite, first_node = rendered[group[0]]
        pieces: list[Node] = []
        first_piece = _with_affixes(first_cite, first_node)
        if first_piece is not None:
            pieces.append(first_piece)
        previous_cite = first_cite
        previous_year = processor.year_key(first_cite)
        letters_run: list[
            tuple[int, int | None]
        ] = []  # (letter ordinal, index of its delimiter piece)
        first_letter = processor.year_suffix_letter(first_cite.id)
        if first_letter and len(first_letter) == 1:
            letters_run.append((ord(first_letter), None))
        runs: list[list[tuple[int, int | None]]] = []
        for index in group[1:]:
            cite, _ = rendered[index]
            year = processor.year_key(cite)
            suffix = processor.year_suffix_letter(cite.id)
            plain_cite = cite.locator is None and not cite.prefix and not cite.suffix
            if (
                collapse in ("year-suffix", "year-suffix-ranged")
                and year == previous_year
                and suffix
                and plain_cite
                and previous_cite.locator is None
            ):
                pieces.append(Text(suffix_delimiter))
                letters_run.append((ord(suffix[0]) if len(suffix) == 1 else -99, len(pieces) - 1))
                pieces.append(Text(suffix))
                previous_cite = cite
                continue
            short = processor.render_cite(cite, suppress_names=True)
            piece = _with_affixes(cite, short)
            if piece is None:
                continue
            runs.append(letters_run)
            suffix_here = processor.year_suffix_letter(cite.id)
            letters_run = (
                [(ord(suffix_here), None)] if suffix_here and len(suffix_here) == 1 else []
            )
            pieces.append(Text(after if previous_cite.locator is not None else group_delimiter))
            pieces.append(piece)
            previous_cite = cite
            previous_year = year
        runs.append(letters_run)
        if collapse == "year-suffix-ranged":
            pieces = _range_suffixes(pieces, runs)
        out.append(Span(pieces))
    return Span(out) if out else None


def _range_suffixes(pieces: list[Node], runs: list[list[tuple[int, int | None]]]) -> list[Node]:
    """Runs of three or more consecutive year-suffix letters become "a–c"."""
    drop: set[int] = set()
    for run in runs:
        start = 0
        while start < len(run):
            end = start
            while end + 1 < len(run) and run[end + 1][0] == run[end][0] + 1:
                end += 1
            if end - start >= 2:
                for _, delimiter_index in run[start + 1 : end]:
                    if delimiter_index is not None:
                        drop.update({delimiter_index, delimiter_index + 1})
                last_delimiter = run[end][1]
                if last_delimiter is not None:
                    pieces[last_delimiter] = Text("\u2013")
            start = end + 1
    return [p for i, p in enumerate(pieces) if i not in drop]

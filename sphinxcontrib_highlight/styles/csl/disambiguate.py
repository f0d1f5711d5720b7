"""Disambiguation of in-text cites: add names, add given names, year suffixes, and the
``disambiguate`` condition, in CSL's order.

Two items are ambiguous when their first-position cites render the same text. Each
method is tried only on the items still ambiguous after the previous ones; a method
that separates nothing is undone, so cites do not grow for no gain.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from .formatted import plain
from .render import Cite, Disambiguation

if TYPE_CHECKING:
    from .processor import Processor


def _render_key(processor: Processor, item_id: str, state: Disambiguation) -> str:
    node = processor.render_cite(Cite(item_id), state)
    return plain(node)


def _names_of(processor: Processor, item_id: str, state: Disambiguation) -> list[tuple[str, list[str]]]:
    ctx = processor.context_for(item_id, "citation", Cite(item_id), state)
    from .render import render

    assert processor.style.citation is not None
    for child in processor.style.citation.layout.children:
        render(child, ctx)
    return ctx.rendered_names


def _ambiguous_groups(processor: Processor, ids: list[str], states: dict[str, Disambiguation]) -> list[list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item_id in ids:
        groups[_render_key(processor, item_id, states[item_id])].append(item_id)
    return [g for g in groups.values() if len(g) > 1]


def _name_count(processor: Processor, item_id: str) -> int:
    item = processor.items[item_id]
    counts = [len(v) for k, v in item.items() if isinstance(v, list) and v and isinstance(v[0], dict)]
    return max(counts, default=0)


def run(processor: Processor, cites: list[Cite]) -> dict[str, Disambiguation]:
    context = processor.style.citation
    ids: list[str] = []
    for cite in cites:
        if cite.id in processor.items and cite.id not in ids:
            ids.append(cite.id)
    states = {item_id: Disambiguation() for item_id in processor.items}
    if context is None:
        return states
    add_names = context.option("disambiguate-add-names") == "true"
    add_givenname = context.option("disambiguate-add-givenname") == "true"
    add_year_suffix = context.option("disambiguate-add-year-suffix") == "true"
    rule = context.option("givenname-disambiguation-rule", "by-cite")

    if add_givenname and rule != "by-cite":
        _global_givenames(processor, ids, states, rule or "all-names")

    for group in _ambiguous_groups(processor, ids, states):
        remaining = group
        if add_names:
            remaining = _add_names(processor, remaining, states)
        if add_givenname and len(remaining) > 1 and rule == "by-cite":
            remaining = _add_givenname_by_cite(processor, remaining, states)
    if add_year_suffix:
        groups = _ambiguous_groups(processor, ids, states)
        order = processor._bibliography_order or ids
        for group in groups:
            members = sorted(group, key=lambda i: order.index(i) if i in order else len(order))
            for number, item_id in enumerate(members, start=1):
                states[item_id].year_suffix = number
    for group in _ambiguous_groups(processor, ids, states):
        for item_id in group:
            states[item_id].disambiguate = True
    return states


def _add_names(processor: Processor, group: list[str], states: dict[str, Disambiguation]) -> list[str]:
    """Show more names until the group's renderings differ (or no name is left)."""
    most = max(_name_count(processor, i) for i in group)
    original = {i: states[i].et_al_use_first for i in group}
    before = {i: _render_key(processor, i, states[i]) for i in group}
    unresolved = list(group)
    for shown in range(1, most + 1):
        for item_id in unresolved:
            states[item_id].et_al_use_first = shown
        keys = {i: _render_key(processor, i, states[i]) for i in unresolved}
        counts: dict[str, int] = defaultdict(int)
        for key in keys.values():
            counts[key] += 1
        unresolved = [i for i in unresolved if counts[keys[i]] > 1]
        if not unresolved:
            break
    if len(unresolved) == len(group):
        for item_id in group:
            states[item_id].et_al_use_first = original[item_id]
        return group
    del before
    return unresolved


def _add_givenname_by_cite(processor: Processor, group: list[str], states: dict[str, Disambiguation]) -> list[str]:
    """Expand given names, name by name, only where that separates the cites."""
    for level in (1, 2):
        for index in range(max(_name_count(processor, i) for i in group)):
            keys_before = {i: _render_key(processor, i, states[i]) for i in group}
            saved = {i: dict(states[i].name_levels) for i in group}
            for item_id in group:
                states[item_id].name_levels[index] = level
            keys = {i: _render_key(processor, i, states[i]) for i in group}
            if len(set(keys.values())) == len(set(keys_before.values())):
                for item_id in group:
                    states[item_id].name_levels = saved[item_id]
            counts: dict[str, int] = defaultdict(int)
            for key in keys.values():
                counts[key] += 1
            if all(counts[keys[i]] == 1 for i in group):
                return []
    counts = defaultdict(int)
    keys = {i: _render_key(processor, i, states[i]) for i in group}
    for key in keys.values():
        counts[key] += 1
    return [i for i in group if counts[keys[i]] > 1]


def _global_givenames(processor: Processor, ids: list[str], states: dict[str, Disambiguation], rule: str) -> None:
    """Rules other than by-cite: any two people sharing a family name are told apart."""
    people: dict[str, set[str]] = defaultdict(set)
    for item_id in ids:
        for variable, value in processor.items[item_id].items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                for name in value:
                    family = name.get("family") or name.get("literal") or ""
                    people[family].add(name.get("given", ""))
    with_initials = rule.endswith("with-initials")
    primary_only = rule.startswith("primary")
    for item_id in ids:
        item = processor.items[item_id]
        state = states[item_id]
        for variable, value in item.items():
            if not (isinstance(value, list) and value and isinstance(value[0], dict)):
                continue
            for index, name in enumerate(value):
                if primary_only and index > 0:
                    break
                family = name.get("family") or ""
                givens = people.get(family, set())
                if len(givens) <= 1:
                    continue
                initials = {(g or "")[:1] for g in givens}
                level = 1 if with_initials or len(initials) == len(givens) else 2
                state.name_levels[index] = max(state.name_levels.get(index, 0), level)

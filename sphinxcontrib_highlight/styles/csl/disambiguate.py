"""Disambiguation of in-text cites: add names, add given names, year suffixes, and the
``disambiguate`` condition, in CSL's order.

Two items are ambiguous when their first-position cites render the same text. Each
method is tried only on the items still ambiguous after the previous ones; a method
that separates nothing is undone, so cites do not grow for no gain.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from .formatted import plain
from .render import Cite, Disambiguation

if TYPE_CHECKING:
    from .processor import Processor


class _Forms:
    """The forms cites are compared in during one run of disambiguation, each rendered
    once per item, position and decisions so far: a method that changes a few items'
    decisions does not render every other item again."""

    def __init__(self, processor: Processor) -> None:
        self.processor = processor
        self._rendered: dict[tuple[Any, ...], str] = {}

    def of(self, item_id: str, state: Disambiguation, position: int = 0) -> str:
        slot = (
            item_id, position, state.et_al_use_first, state.givenname_level,
            tuple(sorted(state.name_levels.items())), state.year_suffix, state.disambiguate,
        )
        form = self._rendered.get(slot)
        if form is None:
            cite = Cite(item_id, position=position)
            form = plain(self.processor.render_cite(cite, state, for_comparison=True))
            self._rendered[slot] = form
        return form


def _ambiguous_groups(
    forms: _Forms, ids: list[str], states: dict[str, Disambiguation], position: int = 0
) -> list[list[str]]:
    if len(ids) < 2:
        return []  # one item alone is never ambiguous: nothing to render
    groups: dict[str, list[str]] = defaultdict(list)
    for item_id in ids:
        groups[forms.of(item_id, states[item_id], position)].append(item_id)
    return [g for g in groups.values() if len(g) > 1]


def _merged(first: list[list[str]], second: list[list[str]]) -> list[list[str]]:
    """Groups sharing an item joined into one (ambiguous in either form)."""
    merged: list[set[str]] = []
    for group in first + second:
        joined = set(group)
        for existing in [m for m in merged if m & joined]:
            joined |= existing
            merged.remove(existing)
        merged.append(joined)
    return [sorted(m) for m in merged]


def _name_count(processor: Processor, item_id: str) -> int:
    item = processor.items[item_id]
    counts = [
        len(v) for k, v in item.items() if isinstance(v, list) and v and isinstance(v[0], dict)
    ]
    return max(counts, default=0)


def run(processor: Processor, cites: list[Cite]) -> dict[str, Disambiguation]:
    context = processor.style.citation
    ids = list(dict.fromkeys(cite.id for cite in cites if cite.id in processor.items))
    states = {item_id: Disambiguation() for item_id in processor.items}
    if context is None:
        return states
    add_names = context.option("disambiguate-add-names") == "true"
    add_givenname = context.option("disambiguate-add-givenname") == "true"
    add_year_suffix = context.option("disambiguate-add-year-suffix") == "true"
    rule = context.option("givenname-disambiguation-rule", "by-cite")

    if add_givenname and rule != "by-cite":
        _global_givenames(processor, ids, states, rule or "all-names")

    by_cite_givenname = add_givenname and rule == "by-cite"
    forms = _Forms(processor)
    # Only the methods that add names or given names work on the first groups; a style
    # using neither does not render every cite for them.
    for group in _ambiguous_groups(forms, ids, states) if add_names or by_cite_givenname else []:
        remaining = group
        if add_names:
            remaining = _add_names(forms, remaining, states, by_cite_givenname)
        if by_cite_givenname and len(remaining) > 1:
            remaining = _add_givenname_by_cite(forms, remaining, states)
    if add_year_suffix:
        groups = _ambiguous_groups(forms, ids, states)
        if context.option("et-al-subsequent-min"):
            # citeproc-js gives suffixes to cites that only read alike in the
            # shortened form later cites take.
            groups = _merged(groups, _ambiguous_groups(forms, ids, states, position=1))
        order = processor.bibliography_order or ids
        for group in groups:
            members = sorted(group, key=lambda i: order.index(i) if i in order else len(order))
            for number, item_id in enumerate(members, start=1):
                states[item_id].year_suffix = number
    for level in range(1, processor.disambiguate_tests + 1):
        for group in _ambiguous_groups(forms, ids, states):
            for item_id in group:
                states[item_id].disambiguate = level
    _subsequent_forms(processor, cites, states)
    return states


def _subsequent_forms(
    processor: Processor, cites: list[Cite], states: dict[str, Disambiguation]
) -> None:
    """Cites printed in a later position ("Doe, supra") that read alike take the
    ``disambiguate`` condition too, as citeproc-js decides on the printed form."""
    if not processor.disambiguate_tests or not any(c.position >= 1 for c in cites):
        return
    groups: dict[str, list[str]] = defaultdict(list)
    for item_id in dict.fromkeys(c.id for c in cites if c.id in processor.items):
        cite = Cite(item_id, position=1, near_note=False)
        groups[plain(processor.render_cite(cite, states[item_id], for_comparison=True))].append(
            item_id
        )
    later = {c.id for c in cites if c.position >= 1}
    for group in groups.values():
        if len(group) > 1:
            # Compared with every cited item, flagged only where printed that way.
            for item_id in later.intersection(group):
                states[item_id].disambiguate = max(states[item_id].disambiguate, 1)


def _class_sizes(
    forms: _Forms, group: list[str], states: dict[str, Disambiguation]
) -> dict[str, int]:
    """For each item, how many items of the group render as it does."""
    keys = {i: forms.of(i, states[i]) for i in group}
    counts: dict[str, int] = defaultdict(int)
    for key in keys.values():
        counts[key] += 1
    return {i: counts[keys[i]] for i in group}


def _add_names(
    forms: _Forms, group: list[str], states: dict[str, Disambiguation], with_givennames: bool
) -> list[str]:
    """Show more names until the cites differ, expanding given names at each step when
    the by-cite rule allows; an item nothing separates keeps the fewest names that
    already made it as distinct as it gets."""
    most = max(_name_count(forms.processor, i) for i in group)
    if most == 0:
        return group
    original = {i: states[i].et_al_use_first for i in group}
    history: dict[str, list[int]] = {i: [] for i in group}
    unresolved = list(group)
    for shown in range(1, most + 1):
        for item_id in unresolved:
            states[item_id].et_al_use_first = shown
        if with_givennames:
            _expand_givennames(forms, group, unresolved, states, shown)
        sizes = _class_sizes(forms, group, states)
        for item_id in group:
            history[item_id].append(sizes[item_id])
        unresolved = [i for i in unresolved if sizes[i] > 1]
        if not unresolved:
            break
    for item_id in unresolved:
        steps = history[item_id]
        if steps[-1] == steps[0]:
            states[item_id].et_al_use_first = original[item_id]
        else:
            states[item_id].et_al_use_first = 1 + steps.index(steps[-1])
    return unresolved


def _expand_givennames(
    forms: _Forms,
    group: list[str],
    targets: list[str],
    states: dict[str, Disambiguation],
    shown: int,
) -> None:
    """Given-name steps on the first ``shown`` names of the targets, kept only when
    they separate more cites of the group."""
    for index in range(shown):
        for level in (1, 2):
            before = sum(_class_sizes(forms, group, states).values())
            saved = {i: dict(states[i].name_levels) for i in targets}
            for item_id in targets:
                states[item_id].name_levels[index] = max(
                    level, states[item_id].name_levels.get(index, 0)
                )
            if sum(_class_sizes(forms, group, states).values()) >= before:
                for item_id in targets:
                    states[item_id].name_levels = saved[item_id]


def _add_givenname_by_cite(
    forms: _Forms, group: list[str], states: dict[str, Disambiguation]
) -> list[str]:
    """Expand given names, name by name and step by step, keeping only steps that
    separate more cites."""
    for index in range(max(_name_count(forms.processor, i) for i in group)):
        for level in (1, 2):
            sizes = _class_sizes(forms, group, states)
            unresolved = [i for i in group if sizes[i] > 1]
            if not unresolved:
                return []
            saved = {i: dict(states[i].name_levels) for i in unresolved}
            for item_id in unresolved:
                states[item_id].name_levels[index] = max(
                    level, states[item_id].name_levels.get(index, 0)
                )
            after = _class_sizes(forms, group, states)
            if sum(after.values()) >= sum(sizes.values()):
                for item_id in unresolved:
                    states[item_id].name_levels = saved[item_id]
    sizes = _class_sizes(forms, group, states)
    return [i for i in group if sizes[i] > 1]


def _family_key(name: dict[str, Any]) -> str:
    from .names import normalise_name

    parsed = normalise_name(name)
    return " ".join(
        p
        for p in (
            parsed.get("non-dropping-particle"),
            parsed.get("family") or parsed.get("literal"),
        )
        if p
    )


def _given_key(name: dict[str, Any]) -> str:
    """A given name as citeproc-js tells people apart: periods as spaces."""
    return " ".join((name.get("given") or "").replace(".", " ").split())


def _initials_key(given_key: str) -> str:
    """The initials a given name shows ("Steven J" and "S. J." both "S J")."""
    return " ".join(
        "-".join(part[:1] for part in word.split("-")) for word in given_key.split()
    )


#: The name variables a cite shows, in the order styles substitute them.
CITED_NAME_VARIABLES = ("author", "composer", "director", "editor", "translator")


def _cited_names(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The names an item's cites show: its first name variable that has any. The
    given-name levels apply to those positions only, not to an editor list that the
    cite never prints (a "V. S. Sunderam et al." editor gave initials to authors)."""
    for variable in CITED_NAME_VARIABLES:
        value = item.get(variable)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value
    return []


def _sort_key_name_variables(processor: Processor) -> frozenset[str]:
    """The name variables the bibliography's sort keys print outside a substitution
    (see :attr:`Style.sort_key_name_variables`, worked out once per style)."""
    return processor.style.sort_key_name_variables


def _global_givenames(
    processor: Processor, ids: list[str], states: dict[str, Disambiguation], rule: str
) -> None:
    """Rules other than by-cite: people sharing a family name are told apart as
    citeproc-js's name register does. Where their initials differ ("S. J." and "S."
    do) everyone of that family shows initials; one whose initials another shares
    shows the given name in full, unless the rule stops at initials."""
    with_initials = rule.endswith("with-initials")
    primary_only = rule.startswith("primary")
    people: dict[str, set[str]] = defaultdict(set)
    sorted_variables = _sort_key_name_variables(processor)
    for item_id in ids:
        item = processor.items[item_id]
        lists = [_cited_names(item)] + [
            value for variable in sorted_variables
            if isinstance(value := item.get(variable), list) and value
            and isinstance(value[0], dict)
        ]
        for names in lists:
            for name in names[:1] if primary_only else names:
                given = _given_key(name)
                if given:
                    people[_family_key(name)].add(given)
    # Per family, how many of its given names show each initials: counted once, not
    # again for every name of the family (a common family name has hundreds).
    initials_by_family = {
        family: Counter(_initials_key(given) for given in givens)
        for family, givens in people.items()
    }
    for item_id in ids:
        state = states[item_id]
        for index, name in enumerate(_cited_names(processor.items[item_id])):
            if primary_only and index > 0:
                break
            initials = _initials_key(_given_key(name))
            if not initials:
                continue
            counted = initials_by_family.get(_family_key(name), Counter())
            level = 1 if len(counted) > 1 else 0
            sharing = counted[initials]
            if sharing > 1 and not with_initials:
                level = 2
            if level:
                state.name_levels[index] = max(state.name_levels.get(index, 0), level)

"""``<if>``/``<else-if>`` tests: type, variable, is-numeric, is-uncertain-date,
locator, position, disambiguate, with match any/all/none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import numbers

if TYPE_CHECKING:
    from .render import RenderContext
    from .style import Element


def _position(value: str, ctx: RenderContext) -> bool:
    from .render import POSITION_IBID, POSITION_IBID_WITH_LOCATOR, POSITION_SUBSEQUENT

    cite = ctx.cite
    if ctx.mode != "citation" or cite is None:
        return False
    position = cite.position
    if value == "first":
        return position == 0
    if value == "subsequent":
        return position >= POSITION_SUBSEQUENT
    if value == "ibid":
        return position >= POSITION_IBID
    if value == "ibid-with-locator":
        return position == POSITION_IBID_WITH_LOCATOR
    if value == "near-note":
        return position >= POSITION_SUBSEQUENT and cite.near_note
    return False


def _has_variable(name: str, ctx: RenderContext) -> bool:
    return ctx.value(name, testing=True) not in (None, "", [])


def _is_numeric(name: str, ctx: RenderContext) -> bool:
    value = ctx.value(name, testing=True)
    if value is None:
        return False
    return numbers.tests_numeric(str(value))


def _is_uncertain(name: str, ctx: RenderContext) -> bool:
    value = ctx.value(name, testing=True)
    return isinstance(value, dict) and bool(value.get("circa"))


def test(branch: Element, ctx: RenderContext) -> bool:
    """Whether an ``<if>`` or ``<else-if>`` branch is taken."""
    results: list[bool] = []
    for attribute, values, raw in branch.conditions:
        if attribute == "type":
            results += [ctx.item.get("type") == v for v in values]
        elif attribute == "variable":
            results += [_has_variable(v, ctx) for v in values]
        elif attribute == "is-numeric":
            results += [_is_numeric(v, ctx) for v in values]
        elif attribute == "is-uncertain-date":
            results += [_is_uncertain(v, ctx) for v in values]
        elif attribute == "locator":
            label = (ctx.cite.label or "page") if ctx.cite and ctx.cite.locator else None
            results += [label == v for v in values]
        elif attribute == "position":
            results += [_position(v, ctx) for v in values]
        elif attribute == "disambiguate":
            ctx.disambiguate_tests += 1
            switched_on = ctx.disambiguate_tests <= ctx.disambiguation.disambiguate
            results.append(switched_on == (raw == "true"))
    if not results:
        return False
    match = branch.match
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)

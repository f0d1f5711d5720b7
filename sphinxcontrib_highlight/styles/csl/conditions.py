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


def _result(attribute: str, value: str, ctx: RenderContext) -> bool | None:
    """One value of one test (None: an attribute that tests nothing)."""
    if attribute == "type":
        return ctx.item.get("type") == value
    if attribute == "variable":
        return _has_variable(value, ctx)
    if attribute == "is-numeric":
        return _is_numeric(value, ctx)
    if attribute == "is-uncertain-date":
        return _is_uncertain(value, ctx)
    if attribute == "locator":
        label = (ctx.cite.label or "page") if ctx.cite and ctx.cite.locator else None
        return label == value
    if attribute == "position":
        return _position(value, ctx)
    return None


def test(branch: Element, ctx: RenderContext) -> bool:
    """Whether an ``<if>`` or ``<else-if>`` branch is taken.

    The tests stop at the first value that decides the match (these tests only read),
    except in a branch with a ``disambiguate`` test: that one counts the tests met
    (``ctx.disambiguate_tests``), so every test of the branch is run."""
    if branch.tests_disambiguate:
        return _test_all(branch, ctx)
    match = branch.match
    decided_by = match in ("any", "none")  # a true value decides; for "all" a false one
    tested = False
    for attribute, values, _raw in branch.conditions:
        for value in values:
            result = _result(attribute, value, ctx)
            if result is None:
                continue
            tested = True
            if result == decided_by:
                return match == "any"
    if not tested:
        return False
    return match != "any"


def _test_all(branch: Element, ctx: RenderContext) -> bool:
    results: list[bool] = []
    for attribute, values, raw in branch.conditions:
        if attribute == "disambiguate":
            ctx.disambiguate_tests += 1
            switched_on = ctx.disambiguate_tests <= ctx.disambiguation.disambiguate
            results.append(switched_on == (raw == "true"))
            continue
        for value in values:
            result = _result(attribute, value, ctx)
            if result is not None:
                results.append(result)
    if not results:
        return False
    match = branch.match
    if match == "any":
        return any(results)
    if match == "none":
        return not any(results)
    return all(results)

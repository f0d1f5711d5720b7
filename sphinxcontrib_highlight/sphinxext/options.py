"""Directive options that warn instead of failing.

docutils reports an unknown option or a bad value as an error with no warning type, which
users cannot suppress, and drops the directive. Here every option converter catches its
own errors and unknown options are collected, so the directive can report each problem as
a ``highlight.directive`` warning at its own line and still render what it can.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Converter = Callable[[str | None], Any]


@dataclass(frozen=True)
class Invalid:
    """An option value its converter refused, with the reason."""

    raw: str | None
    reason: str


@dataclass(frozen=True)
class Unknown:
    """An option the directive does not have."""

    raw: str | None


def lenient(converter: Converter) -> Converter:
    """Wrap ``converter`` so that a bad value becomes :class:`Invalid` instead of an error."""

    def convert(raw: str | None) -> Any:
        try:
            return converter(raw)
        except (ValueError, TypeError) as error:
            return Invalid(raw, str(error) or "invalid value")

    return convert


class OptionSpec(dict[str, Converter]):
    """An option spec that accepts any name, marking unknown ones as :class:`Unknown`."""

    def __missing__(self, name: str) -> Converter:
        return Unknown


def text(raw: str | None) -> str:
    """Any non-empty text."""
    if not raw or not raw.strip():
        raise ValueError("a value is required")
    return raw.strip()


def key_list(raw: str | None) -> tuple[str, ...]:
    """Keys separated by commas, spaces or new lines."""
    keys = tuple(key for key in (raw or "").replace(",", " ").split() if key)
    if not keys:
        raise ValueError("at least one key is required")
    return keys


def positive_int(raw: str | None) -> int:
    """A whole number from 1."""
    try:
        value = int((raw or "").strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a whole number") from None
    if value < 1:
        raise ValueError(f"{value} is less than 1")
    return value


def cited_scope(raw: str | None) -> str:
    """No value (this page) or ``project``."""
    value = (raw or "").strip().lower()
    if value in ("", "page"):
        return "page"
    if value == "project":
        return "project"
    raise ValueError(f"{raw!r} is neither empty (this page) nor 'project'")


def cff_path(raw: str | None) -> str:
    """The path of a ``.cff`` file (``CITATION.cff``), or nothing: the configured one."""
    if not raw or not raw.strip():
        return ""
    path = raw.strip()
    if not path.lower().endswith(".cff"):
        raise ValueError("expected the path of a .cff file, such as CITATION.cff")
    return path

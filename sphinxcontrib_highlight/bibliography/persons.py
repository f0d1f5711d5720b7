"""What BibTeX's name lists hold beyond names."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pybtex.database import Person


def is_others(person: Person) -> bool:
    """Whether this is BibTeX's ``and others``, which stands for more authors."""
    return not person.first_names and [n.lower() for n in person.last_names] == ["others"]

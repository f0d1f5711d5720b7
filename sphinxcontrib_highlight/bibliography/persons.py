"""What BibTeX's name lists hold beyond names, and a name's parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pybtex.database import Person


def is_others(person: Person) -> bool:
    """Whether this is BibTeX's ``and others``, which stands for more authors."""
    return not person.first_names and [n.lower() for n in person.last_names] == ["others"]


def name_parts(person: Person) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """A name's five parts as pybtex splits it: first, middle, "von", last, "Jr"."""
    return (
        person.first_names, person.middle_names, person.prelast_names,
        person.last_names, person.lineage_names,
    )

"""The parts of a BibTeX name as plain text, for the files and metadata readers take.

pybtex parses a BibTeX name into its parts (von, last, first, middle, Jr); these helpers
decode each part from LaTeX. Printed names are the CSL engine's work (its ``names``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography.latex import latex_text, plain_text
from sphinxcontrib_highlight.bibliography.persons import is_others

if TYPE_CHECKING:
    from pybtex.database import Person


@lru_cache(maxsize=8192)
def decode(latex: str) -> str:
    """Plain text of a LaTeX fragment: accents decoded, braces dropped, never re-cased."""
    return plain_text(latex_text(latex))


def surname(person: Person) -> str:
    """The von part and the last name: ``de Koninck``, ``Ureña Guzmán``."""
    return decode(" ".join(person.prelast_names + person.last_names))


def lineage(person: Person) -> str:
    """``Jr``, ``III`` and the like, without a trailing period."""
    return decode(" ".join(person.lineage_names)).rstrip(".")


def full(person: Person) -> str:
    """``Given Surname`` as written: for metadata, not for printed lists."""
    given = decode(" ".join(person.first_names + person.middle_names))
    parts = [given, surname(person), lineage(person)]
    return " ".join(part for part in parts if part)


__all__ = ["decode", "full", "is_others", "lineage", "surname"]

"""Author names in the forms journals print them.

pybtex parses a BibTeX name into its parts (von, last, first, middle, Jr); these helpers
decode each part from LaTeX and build the printed forms: ``Finnerup NB`` (Vancouver),
``Finnerup, N.B.`` (Springer Nature) and ``Finnerup, N. B.`` (APA). A name in braces, such
as ``{World Health Organization}``, is a corporate author and keeps its full text.
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


def initial_groups(person: Person) -> list[str]:
    """One group of initials per given name; a hyphenated name gives several.

    ``Nanna Brix`` gives ``["N", "B"]``; ``Zhen-Zhong`` gives ``["ZZ"]``; ``Y. Q.``
    gives ``["Y", "Q"]``.
    """
    groups = []
    for given in person.first_names + person.middle_names:
        parts = [part for part in decode(given).split("-") if part]
        letters = "".join(_first_letter(part) for part in parts)
        if letters:
            groups.append(letters)
    return groups


def _first_letter(word: str) -> str:
    for char in word:
        if char.isalpha():
            return char
    return ""


def vancouver(person: Person) -> str:
    """``Surname Initials`` with no periods: ``Jensen TS``, ``de Koninck Y``."""
    initials = "".join(initial_groups(person))
    parts = [surname(person), initials, lineage(person)]
    return " ".join(part for part in parts if part)


def springer(person: Person) -> str:
    """``Surname, I.I.``: ``Yang, J.``, ``Mogil, J.S.``, ``Xu, ZZ.``."""
    initials = "".join(f"{group}." for group in initial_groups(person))
    name = f"{surname(person)}, {initials}" if initials else surname(person)
    suffix = lineage(person)
    return f"{name} {suffix}." if suffix else name


def apa(person: Person) -> str:
    """``Surname, I. I.``: ``Mogil, J. S.``; a hyphenated given name keeps its hyphen."""
    groups = []
    for given in person.first_names + person.middle_names:
        parts = [part for part in decode(given).split("-") if part]
        letters = "-".join(f"{_first_letter(part)}." for part in parts if _first_letter(part))
        if letters:
            groups.append(letters)
    name = f"{surname(person)}, {' '.join(groups)}" if groups else surname(person)
    suffix = lineage(person)
    return f"{name}, {suffix}." if suffix else name


def apa_editor(person: Person) -> str:
    """``I. I. Surname``: how APA names editors inside a reference."""
    initials = apa(person).partition(", ")[2] if person.first_names or person.middle_names else ""
    name = surname(person)
    return f"{initials} {name}" if initials else name


def full(person: Person) -> str:
    """``Given Surname`` as written: for metadata, not for printed lists."""
    given = decode(" ".join(person.first_names + person.middle_names))
    parts = [given, surname(person), lineage(person)]
    return " ".join(part for part in parts if part)


__all__ = [
    "apa",
    "apa_editor",
    "decode",
    "full",
    "initial_groups",
    "is_others",
    "lineage",
    "plain_text",
    "springer",
    "surname",
    "vancouver",
]

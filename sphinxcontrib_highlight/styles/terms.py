"""The words styles print (``et al.``, *Cite this article*) in the document's language.

Styles run outside Sphinx too (pybtex, sphinxcontrib-bibtex, the command line), so they
read the package's gettext catalogs with Python's own :mod:`gettext` rather than through
Sphinx. The Sphinx side calls :func:`use_language` with the project's ``language`` as
the configuration is read; a forked child inherits the choice. Anywhere else the words
are English.
"""

from __future__ import annotations

import gettext
from pathlib import Path

MESSAGE_CATALOG = "sphinxcontrib-highlight"
LOCALE_DIR = Path(__file__).parent.parent / "locale"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language: str | None = None
_locale: str | None = None


def use_language(language: str | None, locale: str | None = None) -> None:
    """Print the words of ``language`` (a Sphinx language code such as ``de`` or
    ``zh_CN``) from now on; English where the catalogs have no such language. CSL styles
    print theirs in ``locale`` (a CSL locale such as ``de-AT``) if given, else in
    ``language``."""
    global _catalog, _language, _locale  # one language per process, as Sphinx has one per build
    _language = language
    _locale = locale
    languages = [language] if language else []
    _catalog = gettext.translation(MESSAGE_CATALOG, LOCALE_DIR, languages, fallback=True)


def term(message: str) -> str:
    """A user-facing word in the language chosen with :func:`use_language`."""
    return _catalog.gettext(message)


def words() -> tuple[str | None, str | None]:
    """What :func:`use_language` was given, which decides every word a style prints."""
    return _language, _locale


def current_locale() -> str | None:
    """The CSL locale for styles: the one :func:`use_language` was given, else its
    language as a CSL tag (``zh_CN`` is ``zh-CN``); None if neither was."""
    tag = _locale or _language
    return tag.replace("_", "-") if tag else None

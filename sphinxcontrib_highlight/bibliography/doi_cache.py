"""The DOI cache: fetched metadata in a JSON file that a project commits.

A project that cites by DOI fetches each DOI once; the file keeps the answers so that
every later build, CI included, runs offline and gives the same output. It is written
for version control: keys sorted at every level, two-space indentation, UTF-8 with the
characters as they are, one newline at the end, so that adding a DOI adds its lines and
changes nothing else. It is written atomically (a temporary file beside it, then a
rename), so a build stopped mid-write leaves the old file whole.

The file::

    {
      "format": 1,
      "items": {
        "10.1038/nrn.2018.2": {"DOI": "10.1038/nrn.2018.2", "title": "...", ...}
      }
    }

``items`` holds one CSL-JSON item per DOI, by :func:`.doi_key` (lower-cased), trimmed to
the CSL variables (:func:`trimmed`): what a registration agency adds besides
(``indexed``, ``deposited``, reference lists) changes from one fetch to the next and
would only make diffs. A file that cannot be read or is not of this form is a
:class:`CacheProblem` whose message says how to recover, never a traceback.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography.csl_files import DATE_VARIABLES, NAME_VARIABLES

if TYPE_CHECKING:
    from collections.abc import Mapping

#: The layout of the file; a file of another format is reported, not guessed at.
FORMAT = 1

#: The CSL 1.0.2 variables an item may keep (names, dates, numbers and text), and the
#: two dates Crossref adds that checking a year needs (:mod:`.doi_verify`).
_KEPT = NAME_VARIABLES | DATE_VARIABLES | frozenset({
    # Crossref's dates
    "published-print", "published-online",
    # numbers
    "chapter-number", "citation-number", "collection-number", "edition", "issue",
    "number", "number-of-pages", "number-of-volumes", "page", "page-first", "part-number",
    "printing-number", "section", "supplement-number", "version", "volume",
    "article-number",  # Crossref's, for an article cited by number (read by from_csl)
    # text and identifiers
    "type", "language", "archive", "archive_collection", "archive-place",
    "authority", "call-number", "collection-title", "container-title",
    "container-title-short", "dimensions", "division", "DOI", "event-place",
    "event-title", "genre", "ISBN", "ISSN", "jurisdiction", "medium", "note",
    "original-publisher", "original-publisher-place", "original-title", "part-title",
    "PMCID", "PMID", "publisher", "publisher-place", "references", "reviewed-genre",
    "reviewed-title", "scale", "source", "status", "title", "title-short", "URL",
    "volume-title", "year-suffix",
    # Crossref's names for two of them, mapped by trimmed()
    "short-container-title", "subtitle",
})


class CacheProblem(Exception):  # noqa: N818 -- reported as a problem, as BibProblem is
    """The cache file exists but cannot be used; the message names it and says why."""


def trimmed(item: Mapping[str, Any]) -> dict[str, Any]:
    """The CSL variables of a fetched item, with Crossref's own names for two of them
    (``short-container-title``, ``subtitle``) as CSL names them."""
    kept = {name: value for name, value in item.items() if name in _KEPT}
    short = kept.pop("short-container-title", None)
    if short and "container-title-short" not in kept:
        kept["container-title-short"] = short
    return kept


def read_cache(path: Path) -> dict[str, dict[str, Any]]:
    """The items of the cache file by DOI key; empty if there is no file yet.

    :class:`CacheProblem` for a file that is not a cache of this format.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # no file there: writing will say why
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise CacheProblem(f"the DOI cache {path} cannot be read: {error}") from None
    try:
        data = json.loads(text)
    except ValueError as error:
        raise CacheProblem(
            f"the DOI cache {path} is not valid JSON ({error}); fix it, or delete it to "
            "fetch every DOI again"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CacheProblem(
            f"the DOI cache {path} is not a DOI cache of format {FORMAT}; "
            "delete it to fetch every DOI again"
        )
    items = data.get("items")
    if not isinstance(items, dict) or not all(
        isinstance(key, str) and isinstance(item, dict) for key, item in items.items()
    ):
        raise CacheProblem(
            f"the DOI cache {path} has no 'items' object of CSL-JSON items by DOI; "
            "delete it to fetch every DOI again"
        )
    return {key.lower(): item for key, item in items.items()}


def cache_text(items: Mapping[str, Mapping[str, Any]]) -> str:
    """The file's text: sorted, indented, one item per DOI, as :func:`write_cache` writes."""
    data = {"format": FORMAT, "items": dict(items)}
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_cache(path: Path, items: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the items atomically: a reader sees the old file or the new one, never half.

    :class:`CacheProblem` if the directory cannot be written.
    """
    text = cache_text(items)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            # mkstemp makes the file private; a committed file is as readable as any.
            Path(temporary).chmod(path.stat().st_mode & 0o777 if path.exists() else 0o644)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise CacheProblem(f"the DOI cache {path} cannot be written: {error}") from None

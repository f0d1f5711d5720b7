"""DOIs looked up through the cache, and fetched where the cache lacks them.

One routine for the build and the command line: read the cache, fetch each DOI it lacks
(if fetching is allowed), write the cache once if anything was fetched, and say for each
DOI that has no metadata why. Nothing here logs; callers locate and report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sphinxcontrib_highlight.bibliography import doi_entries
from sphinxcontrib_highlight.bibliography.doi_cache import (
    CacheProblem,
    read_cache,
    trimmed,
    write_cache,
)
from sphinxcontrib_highlight.bibliography.doi_fetch import FetchError, doi_key, fetch_csl

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path


@dataclass
class Lookup:
    """What looking DOIs up found."""

    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Every item known: the cache's and those fetched now, by DOI key."""
    failures: dict[str, str] = field(default_factory=dict)
    """Why a DOI asked for has no item, by DOI key."""
    fetched: list[str] = field(default_factory=list)
    """The DOI keys fetched now."""
    problem: str | None = None
    """Why the cache file could not be written, if it could not. (A file that cannot be
    read is a problem of the bibliography's supplement, :mod:`.doi_entries`, which every
    build reports.)"""


def look_up(dois: Iterable[str], cache: Path, resolver: str, *, fetch: bool) -> Lookup:
    """Items for ``dois`` (any form :func:`.doi_key` reads) from ``cache``, fetching from
    ``resolver`` those it lacks when ``fetch`` is set, and writing them to it.

    A cache that cannot be read is not overwritten: what is fetched serves this run
    only, so the author's file is never replaced by a smaller one.
    """
    lookup = Lookup()
    damaged = False
    try:
        lookup.items = read_cache(cache)
    except CacheProblem:
        damaged = True
    wanted = dict.fromkeys(key for key in map(doi_key, dois) if key is not None)
    for key in wanted:
        if key in lookup.items:
            continue
        if not fetch:
            lookup.failures[key] = f"not in the DOI cache {cache.name}, and fetching is off"
            continue
        try:
            lookup.items[key] = trimmed(fetch_csl(key, resolver))
        except FetchError as error:
            lookup.failures[key] = str(error)
        else:
            lookup.fetched.append(key)
    if lookup.fetched and not damaged:
        try:
            write_cache(cache, lookup.items)
        except CacheProblem as problem:
            lookup.problem = str(problem)
        doi_entries.forget(cache)
    return lookup

"""DOIs looked up through the cache, and fetched where the cache lacks them.

One routine for the build and the command line: read the cache, fetch each DOI it lacks
(if fetching is allowed), write the cache once if anything was fetched, and say for each
DOI that has no metadata why. Nothing here logs; callers locate and report.

The DOIs a cache lacks are fetched :data:`FETCHERS` at a time, in threads: fetching is
waiting for the resolver, so a build that cites ten new DOIs waits about as long as for
the slowest few, not for all ten in turn. The pool is small, to be polite to doi.org and
the registration agencies behind it. Each DOI is asked for once; the answers are kept
in sorted order whatever order they arrive in, and the cache is written once, at the end.
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

#: How many DOIs are fetched at once.
FETCHERS = 4


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


def look_up(
    dois: Iterable[str], cache: Path, resolver: str, *, fetch: bool,
    timeout: float | None = None,
) -> Lookup:
    """Items for ``dois`` (any form :func:`.doi_key` reads) from ``cache``, fetching from
    ``resolver`` those it lacks when ``fetch`` is set (each attempt waiting at most
    ``timeout`` seconds, :data:`.doi_fetch.TIMEOUT` if None), and writing them to it.

    A cache that cannot be read is not overwritten: what is fetched serves this run
    only, so the author's file is never replaced by a smaller one.
    """
    lookup = Lookup()
    damaged = False
    try:
        lookup.items = read_cache(cache)
    except CacheProblem:
        damaged = True
    missing = sorted(
        {key for key in map(doi_key, dois) if key is not None} - lookup.items.keys()
    )
    if not fetch:
        for key in missing:
            lookup.failures[key] = f"not in the DOI cache {cache.name}, and fetching is off"
        return lookup
    for key, answer in zip(missing, _fetch_all(missing, resolver, timeout), strict=True):
        if isinstance(answer, FetchError):
            lookup.failures[key] = str(answer)
        else:
            lookup.items[key] = trimmed(answer)
            lookup.fetched.append(key)
    if lookup.fetched and not damaged:
        try:
            write_cache(cache, lookup.items)
        except CacheProblem as problem:
            lookup.problem = str(problem)
        doi_entries.forget(cache)
    return lookup


def _fetch_all(
    dois: list[str], resolver: str, timeout: float | None
) -> list[dict[str, Any] | FetchError]:
    """Each DOI's item, or why it has none, in the order of ``dois``."""
    if len(dois) <= 1:  # no thread for the common case of one new DOI
        return [_fetch_one(doi, resolver, timeout) for doi in dois]
    from concurrent.futures import ThreadPoolExecutor  # only when DOIs are fetched

    with ThreadPoolExecutor(max_workers=min(FETCHERS, len(dois)),
                            thread_name_prefix="highlight-doi") as pool:
        return list(pool.map(lambda doi: _fetch_one(doi, resolver, timeout), dois))


def _fetch_one(doi: str, resolver: str, timeout: float | None) -> dict[str, Any] | FetchError:
    try:
        return fetch_csl(doi, resolver, timeout)
    except FetchError as error:
        return error

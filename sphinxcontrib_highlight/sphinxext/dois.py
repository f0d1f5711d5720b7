"""DOIs in a build: those cited alone fetched into the cache, entries checked by theirs.

This runs once a build, in the main process, after every document is read and before the
domain resolves (``env-get-updated``): parallel readers only record keys, so each DOI is
fetched at most once a build however many processes read, and a build whose DOIs are
all in the cache uses no network at all. A DOI that cannot be fetched is a warning at
each place that cites it, and the citation shows the DOI as a link
(:func:`doi_placeholder`); the build goes on.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes

from sphinxcontrib_highlight.bibliography.doi_fetch import (
    DEFAULT_RESOLVER,
    bare_doi,
    doi_key,
    doi_url,
)
from sphinxcontrib_highlight.bibliography.doi_lookup import look_up
from sphinxcontrib_highlight.bibliography.doi_verify import entries_with_dois, held_twice, verify
from sphinxcontrib_highlight.sphinxext.sources import BibSource
from sphinxcontrib_highlight.sphinxext.warnings_ import Location, warn
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

    from sphinxcontrib_highlight.bibliography.database import Bibliography
    from sphinxcontrib_highlight.sphinxext.domain import HighlightDomain


def prepare_dois(env: BuildEnvironment, domain: HighlightDomain) -> None:
    """Fetch the DOIs cited alone that the cache lacks (as ``highlight_doi_fetch``
    allows) and, with ``highlight_verify_dois``, those of the entries; warn, located,
    about each that has no metadata and each entry that differs from its DOI's."""
    config = env.config
    file_sets = list(dict.fromkeys(
        [BibSource.configured(config).paths, *domain.bibfile_sets()]
    ))
    named = _named_dois(domain)
    bibliographies = [domain.bibliography(bibfiles) for bibfiles in file_sets] if named else []
    for problem in held_twice((key for key, _ in named), bibliographies):
        warn(problem.message, problem.subtype, problem.location)
    cited = _cited_alone(named, bibliographies)
    verified = [domain.bibliography(bibfiles) for bibfiles in file_sets] \
        if config.highlight_verify_dois else []
    wanted = [*cited, *(doi for bibliography in verified
                        for _, doi in entries_with_dois(bibliography))]
    if not wanted:
        return
    cache = Path(config.highlight_doi_cache)
    lookup = look_up(
        wanted, cache, config.highlight_doi_resolver,
        fetch=config.highlight_doi_fetch != "never", timeout=config.highlight_doi_timeout,
    )
    if lookup.problem:
        warn(lookup.problem, Warn.DOI, str(cache), once=True)
    for doi, places in cited.items():
        why = lookup.failures.get(doi)
        for place in places if why else ():
            warn(f"DOI {doi} cannot be shown: {why}; the citation links to the DOI",
                 Warn.DOI, place)
    reported: set[tuple[str | None, str]] = set()
    for bibliography in verified:
        for problem in verify(bibliography, lookup):
            if (problem.location, problem.message) not in reported:
                reported.add((problem.location, problem.message))
                warn(problem.message, problem.subtype, problem.location)


def held_dois(
    domain: HighlightDomain, bibliographies: list[Bibliography]
) -> tuple[tuple[str | None, ...], ...]:
    """Per bibliography, the key each DOI the pages name is found under: an entry that
    holds it, the DOI cache's, or none. Numbering depends on it besides the files' keys:
    a ``doi`` added to an entry moves the DOI's citations to that entry."""
    dois = sorted({doi_key(key) or key for key, _ in _named_dois(domain)})
    return tuple(
        tuple(bibliography.key_as_written(doi) for doi in dois) for bibliography in bibliographies
    ) if dois else ()


def _named_dois(domain: HighlightDomain) -> list[tuple[str, Location]]:
    """The keys that are DOIs in citations, lists and blocks, each with its place."""
    # Sphinx prints a (docname, line) location as the document's file and line.
    named = [(key, (docname, lineno)) for key, docname, lineno in domain.cited_dois()]
    for record in domain.records("lists"):
        named.extend((key, (record.docname, record.lineno)) for key in record.keys)
    named.extend(
        (block.key, (block.docname, block.lineno))
        for block in domain.records("blocks") if block.key
    )
    return [(key, place) for key, place in named if doi_key(key) is not None]


def _cited_alone(
    named: list[tuple[str, Location]], bibliographies: list[Bibliography]
) -> dict[str, list[Location]]:
    """The DOIs named that no file or cached item holds, each with the places that
    name it."""
    places: dict[str, list[Location]] = defaultdict(list)
    for key, place in named:
        if not any(key in bibliography for bibliography in bibliographies):
            places[doi_key(key) or key].append(place)
    return places


def doi_placeholder(key: str) -> nodes.Node | None:
    """What a citation of a DOI that has no metadata shows: the DOI, linked to
    ``https://doi.org/`` (readers' resolver, whatever the build fetches from); None if
    ``key`` is not a DOI."""
    doi = bare_doi(key)
    if doi is None:
        return None
    return nodes.reference(doi, doi, refuri=doi_url(DEFAULT_RESOLVER, doi),
                           classes=["highlight-doi-unresolved"])

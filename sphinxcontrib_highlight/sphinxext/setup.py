"""Register the Sphinx side of the extension: what every builder needs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography import database
from sphinxcontrib_highlight.sphinxext import config, nodes
from sphinxcontrib_highlight.sphinxext.directives import (
    CitationDirective,
    ReferencesDirective,
)
from sphinxcontrib_highlight.sphinxext.domain import (
    HighlightDomain,
    on_env_before_read_docs,
    on_env_get_updated,
)
from sphinxcontrib_highlight.sphinxext.reading import on_doctree_read
from sphinxcontrib_highlight.sphinxext.roles import (
    CiteDomain,
    CiteRole,
    PlaceNotes,
    add_cite_aliases,
)
from sphinxcontrib_highlight.sphinxext.sources import BibSource
from sphinxcontrib_highlight.sphinxext.transforms import ResolveHighlight, resolve_ahead
from sphinxcontrib_highlight.sphinxext.warnings_ import forget_once_warnings, warn
from sphinxcontrib_highlight.styles.terms import use_language

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

    from sphinxcontrib_highlight.bibliography.database import BibProblem

def register(app: Sphinx) -> None:
    """Add the config values, nodes, directives, role, domain and transform."""
    config.register(app)
    nodes.register(app)
    app.add_domain(HighlightDomain)
    app.add_directive("highlight-citation", CitationDirective)
    app.add_directive("highlight-references", ReferencesDirective)
    app.add_role("hcite", CiteRole())
    app.add_domain(CiteDomain)
    app.add_transform(PlaceNotes)
    app.connect("config-inited", add_cite_aliases)
    app.connect("doctree-read", on_doctree_read)
    app.add_post_transform(ResolveHighlight)
    app.connect("env-before-read-docs", on_env_before_read_docs)
    app.connect("env-get-updated", on_env_get_updated)
    app.connect("write-started", resolve_ahead)
    app.connect("config-inited", use_bib_cache)
    app.connect("builder-inited", parse_listed_files_ahead)
    app.connect("config-inited", use_document_language)
    app.connect("config-inited", forget_once_warnings)


def use_bib_cache(app: Sphinx, config: Config) -> None:
    """Keep parsed BibTeX files beside the doctrees, so an unchanged file is never re-parsed;
    start parsing the configured files that changed, in a child process.

    The doctree directory belongs to this output and goes with ``make clean``; the cache
    is keyed by content, so it is right for any build that shares the directory. This
    runs as soon as the configuration is read (after :func:`.config.validate`), so the
    parse overlaps Sphinx loading its environment and reading the documents.
    """
    database.set_cache_dir(Path(app.doctreedir) / "highlight-bibcache", report_cache_problem)
    source = BibSource.configured(config)
    database.parse_ahead(map(Path, source.paths), source.encoding)


def report_cache_problem(problem: BibProblem) -> None:
    """Warn that a damaged cache of a BibTeX file was discarded, located at the file."""
    warn(problem.message, problem.subtype, problem.location, once=True)


def parse_listed_files_ahead(app: Sphinx) -> None:
    """Start parsing the files that directives' ``:bibfile:`` named in the last build."""
    domain: HighlightDomain = app.env.domains["highlight"]  # type: ignore[assignment]
    paths = dict.fromkeys(path for bibfiles in domain.bibfile_sets() for path in bibfiles)
    database.parse_ahead(map(Path, paths), app.config.highlight_bibfile_encoding)


def use_document_language(app: Sphinx, config: Config) -> None:
    """Styles print their words (``et al.``) in the project's ``language``, or in the
    CSL locale ``highlight_locale`` names."""
    use_language(config.language, config.highlight_locale)

"""Register every part of the extension with Sphinx."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import bibdata, config, nodes, prerender, reader
from .bibsource import BibSource
from .directives import CitationDirective, ReferencesDirective
from .domain import HighlightDomain, on_env_before_read_docs, on_env_get_updated
from .roles import CiteRole
from .styles.base import MESSAGE_CATALOG
from .transforms import ResolveHighlight, resolve_ahead

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

STATIC_DIR = Path(__file__).parent / "static"
LOCALE_DIR = Path(__file__).parent / "locale"
CSS_FILE = "sphinxcontrib-highlight.css"
JS_FILE = "sphinxcontrib-highlight.js"


def setup_extension(app: Sphinx) -> None:
    """Add the config values, nodes, directives, role, domain, transform and assets."""
    config.register(app)
    nodes.register(app)
    app.add_domain(HighlightDomain)
    app.add_directive("highlight-citation", CitationDirective)
    app.add_directive("highlight-references", ReferencesDirective)
    app.add_role("hcite", CiteRole())
    app.add_post_transform(ResolveHighlight)
    reader.register(app)
    app.connect("env-before-read-docs", on_env_before_read_docs)
    app.connect("env-get-updated", on_env_get_updated)
    app.connect("write-started", resolve_ahead)
    app.connect("build-finished", prerender.finish_prerendering)
    app.connect("builder-inited", prerender.write_beside_the_child)
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", add_html_assets)
    app.connect("config-inited", use_bib_cache)
    app.connect("builder-inited", parse_listed_files_ahead)
    app.add_message_catalog(MESSAGE_CATALOG, str(LOCALE_DIR))


def use_bib_cache(app: Sphinx, config: Config) -> None:
    """Keep parsed BibTeX files beside the doctrees, so an unchanged file is never re-parsed;
    start parsing the configured files that changed, in a child process.

    The doctree directory belongs to this output and goes with ``make clean``; the cache
    is keyed by content, so it is right for any build that shares the directory. This
    runs as soon as the configuration is read (after :func:`.config.validate`), so the
    parse overlaps Sphinx loading its environment and reading the documents.
    """
    bibdata.set_cache_dir(Path(app.doctreedir) / "highlight-bibcache")
    source = BibSource.configured(config)
    bibdata.parse_ahead(map(Path, source.paths), source.encoding)


def parse_listed_files_ahead(app: Sphinx) -> None:
    """Start parsing the files that directives' ``:bibfile:`` named in the last build."""
    domain: HighlightDomain = app.env.domains["highlight"]  # type: ignore[assignment]
    paths = dict.fromkeys(path for bibfiles in domain.bibfile_sets() for path in bibfiles)
    bibdata.parse_ahead(map(Path, paths), app.config.highlight_bibfile_encoding)


def add_static_path(app: Sphinx, config: Config) -> None:
    """Put the package's static files on ``html_static_path`` as the configuration is read.

    Here, not once the builder is known: the environment compares the configuration it
    pickled with the one read afresh, and a path added later made every build report
    "the configuration has changed". Only HTML builders read this value.
    """
    if str(STATIC_DIR) not in map(str, config.html_static_path):
        config.html_static_path.append(str(STATIC_DIR))


def add_html_assets(app: Sphinx) -> None:
    """Link the stylesheet and the copy button's script from HTML pages only."""
    if app.builder.format != "html":
        return
    app.add_css_file(CSS_FILE)
    app.add_js_file(JS_FILE, loading_method="defer")

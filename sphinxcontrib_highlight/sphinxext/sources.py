"""Which BibTeX files a directive or role reads, and how their paths resolve.

The configured files (``highlight_bibfiles``, relative to the configuration directory,
or the bundled highlight when empty) serve every directive without a ``:bibfile:``. A
``:bibfile:`` resolves as Sphinx resolves other file paths: relative to the document, or
to the source directory when it starts with ``/``. A file outside the project is read only
when named by an absolute path, and a warning says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sphinxcontrib_highlight.bibliography.database import (
    BUNDLED_BIBFILE,
    Bibliography,
    load_bibliography,
)
from sphinxcontrib_highlight.bibliography.doi_entries import doi_file
from sphinxcontrib_highlight.sphinxext.warnings_ import warn
from sphinxcontrib_highlight.warning_types import Warn

if TYPE_CHECKING:
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment


@dataclass(frozen=True)
class BibSource:
    """A set of BibTeX files read as one bibliography."""

    paths: tuple[str, ...]
    encoding: str
    article: str | None = None
    """The configured article key, or None for the first entry of the first file."""
    doi_cache: str | None = None
    """The DOI cache, consulted after the files: DOIs cited alone are found there."""

    @classmethod
    def configured(cls, config: Config) -> BibSource:
        """The files of ``highlight_bibfiles``, or the bundled highlight."""
        # validate() made highlight_bibfiles absolute, relative to the conf.py directory.
        paths = tuple(config.highlight_bibfiles) or (str(BUNDLED_BIBFILE),)
        return cls(
            paths, config.highlight_bibfile_encoding, config.highlight_article,
            config.highlight_doi_cache,
        )

    @classmethod
    def for_directive(
        cls, env: BuildEnvironment, bibfile: str | None, location: str
    ) -> BibSource:
        """The directive's ``:bibfile:`` if it has one, else the configured files."""
        configured = cls.configured(env.config)
        if not bibfile:
            return configured
        path = resolve_bibfile(env, bibfile, location)
        return cls(
            (path,) if path else (), configured.encoding, configured.article,
            configured.doi_cache,
        )

    def load(self) -> Bibliography:
        """The parsed files (cached while they do not change), and the DOI cache after
        them if there is one (a project that cites no DOI has none, and its
        bibliographies are its files alone)."""
        cache = Path(self.doi_cache) if self.doi_cache else None
        supplement = doi_file(cache) if cache is not None and cache.exists() else None
        return load_bibliography([Path(path) for path in self.paths], self.encoding, supplement)

    def article_key(self, bibliography: Bibliography) -> str | None:
        """The article's key: the configured one if present, else the first entry's."""
        if self.article and self.article in bibliography:
            entry = bibliography.get(self.article)
            return entry.key if entry is not None else None
        return bibliography.first_key()

    def describe(self) -> str:
        """How a warning names these files."""
        if self.paths == (str(BUNDLED_BIBFILE),):
            return "the bundled highlight's BibTeX file"
        if not self.paths:
            return "no BibTeX file"
        return ", ".join(Path(path).name for path in self.paths)


def resolve_bibfile(env: BuildEnvironment, name: str, location: str) -> str | None:
    """The absolute path of a ``:bibfile:`` option; None if it escapes the project."""
    srcdir = Path(env.srcdir).resolve()
    _, in_project = env.relfn2path(name, env.docname)
    candidate = Path(in_project).resolve()
    explicit = Path(name)
    # Sphinx reads "/x.bib" as relative to the source directory; an absolute path that is
    # not there but exists on disk is an explicit request for a file outside the project.
    if explicit.is_absolute() and not candidate.exists() and explicit.exists():
        warn(
            f"reading {name!r} from outside the project, as its absolute path asks",
            Warn.BIBFILE,
            location,
        )
        return str(explicit.resolve())
    if candidate.is_relative_to(srcdir):
        return str(candidate)
    warn(
        f":bibfile: {name!r} points outside the project; give an absolute path to read it",
        Warn.BIBFILE,
        location,
    )
    return None

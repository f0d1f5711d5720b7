"""sphinxcontrib-highlight: an article's citation block and reference list, from BibTeX.

Add ``"sphinxcontrib_highlight"`` to ``extensions`` in ``conf.py``; see the documentation
for the directives, the role and the configuration values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

#: Bump when the layout of the data kept in Sphinx's environment changes.
ENV_VERSION = 5


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the extension with Sphinx."""
    # Each layer registers its own part; the imports wait until Sphinx loads the
    # extension, so that importing the package (for its styles or the command line)
    # stays cheap.
    from sphinxcontrib_highlight import speed
    from sphinxcontrib_highlight.sphinxext import setup as sphinx_side
    from sphinxcontrib_highlight.web import page_extras

    sphinx_side.register(app)
    page_extras.register(app)
    speed.register(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

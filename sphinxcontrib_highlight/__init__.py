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
ENV_VERSION = 4


def setup(app: Sphinx) -> ExtensionMetadata:
    """Register the extension with Sphinx."""
    from .extension import setup_extension

    setup_extension(app)
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

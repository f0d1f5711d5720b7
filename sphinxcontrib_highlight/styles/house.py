"""The styles this package declares to pybtex by name, each a CSL style.

``neurosci-bull`` and ``springer-nature`` are the package's own CSL styles, written to
print the bundled highlight as its journal did; ``apa`` and ``vancouver`` are the CSL
project's styles (APA 7th edition, and ``vancouver``, which the CSL repository renamed
``nlm-citation-sequence``, the NLM/ICMJE form). Declared in pybtex's
``pybtex.style.formatting`` entry-point group, they work in pybtex and
sphinxcontrib-bibtex too (``bibtex_default_style = "neurosci-bull"``).
"""

from __future__ import annotations

from sphinxcontrib_highlight.styles.csl_style import CslStyle


class NeurosciBullStyle(CslStyle):
    """Neuroscience Bulletin's numbered reference list."""

    csl_id = "neurosci-bull"


class SpringerNatureStyle(CslStyle):
    """Springer Nature's "Cite this article" line and reference forms."""

    csl_id = "springer-nature"


class APAStyle(CslStyle):
    """The APA Publication Manual, 7th edition (the CSL project's ``apa``)."""

    csl_id = "apa"


class VancouverStyle(CslStyle):
    """NLM/ICMJE references (the CSL project's ``nlm-citation-sequence``)."""

    csl_id = "vancouver"

"""Citation blocks on different pages each show their own entry."""

from __future__ import annotations

import pytest
from conftest import soup, warnings
from seed import CITATION


@pytest.mark.sphinx("html", testroot="two-blocks", freshenv=True)
def test_first_block_of_each_page_keeps_its_entry(app):
    # Both blocks are their page's first, so their per-page serial numbers are equal;
    # the resolution once mixed them up and showed one entry on both pages.
    app.build()
    assert warnings(app) == ""
    assert soup(app).select_one(".highlight-citation-text").get_text() == CITATION
    other = soup(app, "other").select_one(".highlight-citation-text").get_text()
    assert other.startswith("Mogil, J.S. Qualitative sex differences in pain processing")

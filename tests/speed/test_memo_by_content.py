"""An entry's formatted text, tooltip, COinS and links are memoized by content, so that an
entry cited again after its object was let go (the bibliography keeps only its
:data:`~.memo.RECENT` latest entries) is not formatted again.

The roots here cite entries on a first page and again on a last, with more than
``RECENT`` other entries cited between: on the last page they are new objects. Built with
the memo on and off, every byte is the same; an entry edited between two builds in one
process is formatted anew.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import edit, every_file

from sphinxcontrib_highlight.bibliography import database as bibdata
from sphinxcontrib_highlight.export import links
from sphinxcontrib_highlight.speed import memo, switch
from sphinxcontrib_highlight.sphinxext import formatting, transforms
from sphinxcontrib_highlight.web import reference_managers

#: Entries cited between the first page and the last: more than the caches keep.
BETWEEN = memo.RECENT + 40

#: Cited on the first page and again on the last: plain entries, an entry that takes
#: fields from its crossref, and a set (which looks its members up, so is never
#: memoized by content).
REPEATED = ("target", "child", "twice", "both")

_BIB = """\
@article{{target,
  author = {{Target, Tess and Other, Otto}},
  title = {{Target title}},
  journal = {{Journal of Tests}},
  year = {{2020}}, volume = {{1}}, pages = {{1--10}},
  doi = {{10.1234/target}},
}}
@proceedings{{proc,
  title = {{Proceedings of Tests}},
  editor = {{Editor, Eve}},
  publisher = {{Test Press}},
  year = {{2019}},
}}
@inproceedings{{child,
  author = {{Child, Carl}},
  title = {{A paper in the proceedings}},
  crossref = {{proc}},
  pages = {{5--6}},
}}
@Article{{twice,
  author = {{von Twice, Jr, Tom}},
  title = {{The {{\\"U}}ber paper}},
  journal = {{Journal of Tests}},
  year = {{2021}}, pmid = {{12345}},
}}
@set{{both,
  entryset = {{target,twice}},
}}
{others}
"""

_OTHER = """\
@article{{other{number:03d},
  author = {{Author{number:03d}, Ann}},
  title = {{Paper number {number}}},
  journal = {{Journal {number}}},
  year = {{{year}}}, volume = {{{number}}}, pages = {{{number}--{end}}},
}}
"""


def _page(title: str, keys: list[str]) -> str:
    cites = "\n\n".join(f"See :hcite:`{key}`." for key in keys)
    return (f"{title}\n{'=' * len(title)}\n\n{cites}\n\nReferences\n----------\n\n"
            ".. highlight-references::\n   :cited:\n")


def _root(path: Path) -> Path:
    """A project: the repeated entries on ``a_first`` and ``c_last``, ``BETWEEN`` others
    on ``b_between``."""
    path.mkdir()
    others = "".join(
        _OTHER.format(number=number, year=1950 + number % 70, end=number + 9)
        for number in range(BETWEEN)
    )
    (path / "refs.bib").write_text(_BIB.format(others=others), encoding="utf-8")
    (path / "conf.py").write_text(
        'project = "memo"\nextensions = ["sphinxcontrib_highlight"]\n'
        'highlight_bibfiles = ["refs.bib"]\n', encoding="utf-8",
    )
    (path / "index.rst").write_text(
        "Memo\n====\n\n.. toctree::\n\n   a_first\n   b_between\n   c_last\n", encoding="utf-8"
    )
    between = [f"other{number:03d}" for number in range(BETWEEN)]
    (path / "a_first.rst").write_text(_page("First", [*REPEATED, *between[:5]]), encoding="utf-8")
    (path / "b_between.rst").write_text(_page("Between", between), encoding="utf-8")
    (path / "c_last.rst").write_text(_page("Last", [*between[-5:], *REPEATED]), encoding="utf-8")
    return path


@pytest.fixture
def fresh_memos(monkeypatch):
    """The memos by content emptied (earlier tests may have formatted equal entries), and
    no file parsed or bibliography kept from earlier builds."""
    monkeypatch.setattr(switch, "_enabled", True)
    for memoized in (formatting._rendered_by_content, formatting._plain_by_content,
                     reference_managers.coins, links.links_by_kind, transforms.html_links):
        kept = memoized._results
        monkeypatch.setattr(memoized, "_results", memo.ByContent(kept._packed) if isinstance(
            kept, memo.ByContent) else memo.Recent(memo.CONTENTS))

    def fresh() -> None:
        monkeypatch.setattr(bibdata, "_cache", {})
        monkeypatch.setattr(bibdata, "_bibliographies", {})

    return fresh


@pytest.fixture
def formatted(monkeypatch) -> Counter[str]:
    """How many times each entry is formatted (by key)."""
    made: Counter[str] = Counter()
    real = formatting._render

    def counting(style_name, entry, lookup):  # type: ignore[no-untyped-def]
        made[entry.key] += 1
        return real(style_name, entry, lookup)

    monkeypatch.setattr(formatting, "_render", counting)
    return made


@pytest.mark.parametrize("builder", ["html", "text"])
def test_entries_cited_far_apart_give_the_same_bytes_with_the_memo_on_and_off(
    make_app, tmp_path, monkeypatch, fresh_memos, formatted, builder
):
    # Everything in this process, where the formatting can be counted.
    monkeypatch.setattr(switch, "_off", frozenset({"parse_child", "download_child", "prerender"}))
    outputs, counts = {}, {}
    for speedups in (True, False):
        fresh_memos()
        formatted.clear()
        app = make_app(builder, srcdir=_root(tmp_path / f"{builder}-{speedups}"),
                       freshenv=True, confoverrides={"highlight_speedups": speedups})
        app.build()
        outputs[speedups] = every_file(Path(app.outdir))
        counts[speedups] = dict(formatted)
    assert outputs[True].keys() == outputs[False].keys()
    assert [name for name in outputs[True] if outputs[True][name] != outputs[False][name]] == []
    # Without the memo each repeated entry is formatted on both pages; with it, the
    # entries found by content are formatted once, the set on each page.
    assert {key: counts[False][key] for key in REPEATED} == dict.fromkeys(REPEATED, 2)
    assert {key: counts[True][key] for key in REPEATED} == {
        "target": 1, "child": 1, "twice": 1, "both": 2,
    }


def test_the_memo_with_every_child_gives_the_same_bytes(make_app, tmp_path, fresh_memos):
    """With the resolving and download children (which inherit the memo), the same bytes
    as a build without the speed layer."""
    outputs = {}
    for speedups in (True, False):
        fresh_memos()
        app = make_app("html", srcdir=_root(tmp_path / f"children-{speedups}"),
                       freshenv=True, confoverrides={"highlight_speedups": speedups})
        app.build()
        outputs[speedups] = every_file(Path(app.outdir))
    assert [name for name in outputs[True] if outputs[True][name] != outputs[False][name]] == []


def _last_page(outdir: Path) -> BeautifulSoup:
    return BeautifulSoup((outdir / "c_last.html").read_text(encoding="utf-8"), "html.parser")


def test_an_entry_edited_between_two_builds_in_one_process_is_formatted_anew(
    make_app, tmp_path, monkeypatch, fresh_memos, formatted
):
    """Same key, new content: the second build of the same application formats it again
    (its text, tooltip, COinS and links), and writes what a fresh build without the memo
    writes."""
    monkeypatch.setattr(switch, "_off", frozenset({"parse_child", "download_child", "prerender"}))
    fresh_memos()
    srcdir = _root(tmp_path / "edited")
    app = make_app("html", srcdir=srcdir, freshenv=True)
    app.build()
    assert "Target title" in _last_page(Path(app.outdir)).get_text()
    formatted.clear()
    edit(srcdir / "refs.bib", "title = {Target title}", "title = {Edited title}")
    app.build()
    assert formatted["target"] >= 1
    page = _last_page(Path(app.outdir))
    # The entry's own item and the set's, which prints it too.
    items = [item.get_text() for item in page.select("li") if "Target T" in item.get_text()]
    assert len(items) == 2
    assert all("Edited title" in text and "Target title" not in text for text in items)
    coins = [span["title"] for span in page.select("span.Z3988") if "Target" in span["title"]]
    assert coins and all("Edited" in title for title in coins)
    assert not any("Target+title" in link["href"] or "Target%20title" in link["href"]
                   for link in page.select("a.highlight-link-scholar"))
    cites = [cite for cite in page.select("a[title]") if "Target T" in cite["title"]]
    assert cites and all("Edited title" in cite["title"] for cite in cites)
    fresh_memos()
    fresh_srcdir = _root(tmp_path / "fresh")
    edit(fresh_srcdir / "refs.bib", "title = {Target title}", "title = {Edited title}")
    fresh = make_app("html", srcdir=fresh_srcdir, freshenv=True,
                     confoverrides={"highlight_speedups": False})
    fresh.build()
    for name in ("a_first.html", "b_between.html", "c_last.html"):
        assert (Path(app.outdir) / name).read_bytes() == (Path(fresh.outdir) / name).read_bytes()

"""A real PDF: the bundled highlight through the latex builder, latexmk and xelatex.

The PDF's text (``pdftotext -layout``) must hold the citation block and the 14 references
exactly as published. The only differences allowed are what typesetting adds, never
what it could change: line breaks and indentation where the seed has a space, a line
break after a hyphen or an en dash, and a hyphen plus line break that LaTeX inserts
between two letters when it hyphenates a word. Every character of the seed must be
there, in order.

xelatex (Sphinx's ``latex_engine = "xelatex"``) typesets ``β``, ``’`` and accented names
with the FreeFont fonts that Sphinx configures; pdflatex would need extra Greek fonts.

The other styles (apa, vancouver, springer-nature) are compiled too, on one entry of each
type (tests/data/varied.bib) in a project of several pages, each with its own list and
in-text citations: every entry and number must be there, in order.

The TeX packages come from Debian (``scripts/dev`` installs them). Without them the
test is skipped on a developer's machine and fails in CI, where they must be present.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from seed import CITATION, CITATION_DOI, REFERENCE_DOIS, REFERENCES

from sphinxcontrib_highlight.bibliography.database import parse_text
from sphinxcontrib_highlight.bibliography.latex import plain_text
from sphinxcontrib_highlight.styles import find_style, list_form_of

TOOLS = ("latexmk", "xelatex", "pdftotext")

pytestmark = pytest.mark.pdf

#: Ligatures a PDF may keep as one glyph; pdftotext then prints the ligature character.
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl"}


def typeset_pattern(expected: str) -> str:
    """A regex matching ``expected`` as pdftotext prints it after LaTeX set it in lines."""
    parts = []
    for index, char in enumerate(expected):
        if char == " ":
            parts.append(r"\s+")
            continue
        parts.append(re.escape(char))
        following = expected[index + 1 : index + 2]
        if char in "-–/" and following and following != " ":
            parts.append(r"(?:\n\s*)?")  # a line may break after a hyphen, dash or slash
        elif char.isalpha() and following.isalpha():
            parts.append(r"(?:-\n\s*)?")  # hyphenation: a hyphen and a line break
    return "".join(parts)


def test_pattern_allows_only_line_breaks():
    pattern = re.compile(typeset_pattern("Opportunities for 1274-1282.e6, 259–301."))
    assert pattern.fullmatch("Oppor-\n    tunities\n  for 1274-\n1282.e6, 259–\n 301.")
    assert not pattern.fullmatch("Opportunities for 12741282.e6, 259–301.")  # a lost hyphen
    assert not pattern.fullmatch("Opportunities for 1274-1282.e6, 259-301.")  # not an en dash
    assert not pattern.fullmatch("Opportunities  or 1274-1282.e6, 259–301.")  # a lost letter
    assert not pattern.fullmatch("Opportunities for 1274-1282.e6, 259–301")  # no period


def pdf_of(srcdir: Path, name: str) -> str:
    """Build a project as a user would: sphinx-build (``-W``), latexmk, then pdftotext;
    every cross-reference must reach its label."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"not installed: {', '.join(missing)} (bash scripts/dev test installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    outdir = srcdir / "_build" / "latex"
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "latex", "-W", "-q",
         "-D", "latex_engine=xelatex", str(srcdir), str(outdir)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert build.returncode == 0, build.stderr
    latexmk = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=outdir, capture_output=True, text=True, errors="replace", timeout=600, check=False,
    )
    assert latexmk.returncode == 0, latexmk.stdout[-4000:]
    # A citation whose label LaTeX cannot find still prints its number; only the log says.
    log = (outdir / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    assert re.findall(r"LaTeX Warning: (?:Hyper r|R)eference `[^']*", log) == []
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(outdir / f"{name}.pdf"), "-"],
        capture_output=True, check=True, timeout=120,
    ).stdout.decode("utf-8")
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    return text


@pytest.fixture(scope="module")
def bundled_srcdir(rootdir, tmp_path_factory) -> Path:
    """A copy of the bundled root, built to PDF by :func:`pdf_text`."""
    srcdir = tmp_path_factory.mktemp("pdf") / "bundled"
    shutil.copytree(rootdir / "test-bundled", srcdir)
    return srcdir


@pytest.fixture(scope="module")
def pdf_text(bundled_srcdir) -> str:
    """The bundled root's PDF, as text."""
    return pdf_of(bundled_srcdir, "bundled")


@pytest.fixture(scope="module")
def pdf_path(pdf_text, bundled_srcdir) -> Path:
    """The bundled root's PDF (built by :func:`pdf_text`)."""
    return bundled_srcdir / "_build" / "latex" / "bundled.pdf"


def test_citation_block_as_published(pdf_text):
    match = re.search(
        r"Cite this article\s+" + typeset_pattern(CITATION) + r"\s+" + re.escape(CITATION_DOI),
        pdf_text,
    )
    assert match, pdf_text[:3000]


def test_fourteen_references_as_published_in_order(pdf_text):
    position = pdf_text.index("REFERENCES")
    for number, (reference, doi) in enumerate(zip(REFERENCES, REFERENCE_DOIS, strict=True), 1):
        pattern = rf"(?m)^\s*{number}\.\s+{typeset_pattern(reference)}"
        if doi:
            pattern += rf"\s+{re.escape(f'https://doi.org/{doi}')}"
        match = re.compile(pattern).search(pdf_text, position)
        assert match, f"reference {number} not found as published after offset {position}"
        position = match.end()
    assert not re.search(r"(?m)^\s*15\.\s", pdf_text[position:])


@pytest.mark.parametrize(
    "needle", ["Ureña Guzmán A", "O’Connor C", "amyloid β plaques", "259–301", "1274-1282.e6"]
)
def test_special_characters_survive(pdf_text, needle):
    assert re.search(typeset_pattern(needle), pdf_text)


VARIED_BIB = Path(__file__).parents[1] / "data" / "varied.bib"

NUMBERED_CITATIONS = "Three in a row [1–3], a gap [1, 5] and the last [8]."
#: The chapters of test-pdf-styles, in order: the heading LaTeX sets, the style, and its
#: paragraph of citations (APA's are the style's own, author-date).
STYLE_CHAPTERS = [
    ("IN THE APA STYLE", "apa",
     ("Three in a row (García, 2018; Lee & Park, 2019; Meltzer et al., 2002), a gap "
     "(Meltzer et al., 2002; World Health Organization, 2020) and the last (Zhao et al., "
     "2023).")),
    ("IN THE VANCOUVER STYLE", "vancouver", NUMBERED_CITATIONS),
    ("IN THE SPRINGER-NATURE STYLE", "springer-nature", NUMBERED_CITATIONS),
]


@pytest.fixture(scope="module")
def styles_pdf_text(rootdir, tmp_path_factory) -> str:
    """test-pdf-styles with tests/data/varied.bib, as PDF text: three pages, each listing
    the file in one style."""
    srcdir = tmp_path_factory.mktemp("pdf") / "pdf-styles"
    shutil.copytree(rootdir / "test-pdf-styles", srcdir)
    shutil.copy(VARIED_BIB, srcdir / "varied.bib")
    return pdf_of(srcdir, "pdf-styles")


def listed_in(style: str) -> list[str]:
    """The entries a list of the whole file shows, as plain text, in the style's order
    (file order, or an author-date style's sort): all but the first, which is the
    article the citation block shows."""
    entries = list(parse_text(VARIED_BIB.read_text(encoding="utf-8"), "varied.bib").entries.values())
    listed = find_style(style).bibliography(entries[1:])
    return [plain_text(rendered.text) for _, rendered in listed]


def test_every_style_lists_every_entry_in_order_on_its_page(styles_pdf_text):
    position = 0
    for heading, style, paragraph in STYLE_CHAPTERS:
        position = styles_pdf_text.index(heading, position)
        citations = re.compile(typeset_pattern(paragraph)).search(styles_pdf_text, position)
        assert citations, style
        position = citations.end()
        expected = listed_in(style)
        assert len(expected) == 8
        label = list_form_of(find_style(style)).label  # apa: no numbers
        for number, reference in enumerate(expected, 1):
            number_pattern = rf"{re.escape(label.text(number))}\s+" if label else ""
            match = re.compile(
                rf"(?m)^\s*{number_pattern}{typeset_pattern(reference)}"
            ).search(styles_pdf_text, position)
            assert match, f"{style}: reference {number} not found in order: {reference}"
            position = match.end()
        following = styles_pdf_text.find("CHAPTER", position)
        rest = styles_pdf_text[position : following if following >= 0 else None]
        assert not re.search(r"(?m)^\s*9\.\s", rest), style


def test_first_page_cites_a_list_of_a_later_page(styles_pdf_text):
    """The citation block first, then a citation in the style of the list two pages on
    (the first list that shows the entry: APA's)."""
    block = styles_pdf_text.index("Cite this article")
    assert styles_pdf_text.index("Principles of Neural Science", block) < styles_pdf_text.index(
        "A thesis (Smith, 2017), listed on the next page."
    ) < styles_pdf_text.index(STYLE_CHAPTERS[0][0])


def test_spaces_after_abbreviations_are_word_spaces(pdf_path):
    """LaTeX set a sentence space after "et al." and "Neurosci." (a period after a
    lower-case letter): within each line of the references every space must be as wide
    as the others, whatever punctuation precedes it."""
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True,
        check=True, timeout=120,
    ).stdout
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
        layout,
    )
    lines: dict[str, list[tuple[float, float, str]]] = {}
    for x_min, y_min, x_max, word in words:
        lines.setdefault(y_min, []).append((float(x_min), float(x_max), word))
    checked = 0
    for line in lines.values():
        line.sort()
        if not any(word == "al." for _, _, word in line):
            continue
        # The list's number ("3.") stands apart from its text, in a box of its own.
        starts_with_number = re.fullmatch(r"\d+\.", line[0][2]) is not None
        gaps = [
            (line[i][2], line[i + 1][0] - line[i][1])
            for i in range(int(starts_with_number), len(line) - 1)
        ]
        usual = statistics.median(gap for _, gap in gaps)
        wide = [(word, round(gap, 2)) for word, gap in gaps if gap > usual * 1.05 + 0.05]
        assert wide == [], f"spaces of {usual:.2f} pt, wider after: {wide}"
        checked += 1
    assert checked >= 5  # the citation block and the references with "et al."

"""The style gallery's PDF side: each style's section typeset by Sphinx's LaTeX builder.

For each style the gallery shows, a small project with the same directives is built with
``sphinx-build -M latexpdf`` (xelatex, as :doc:`/howto/pdf` recommends), and the first
page of the PDF is turned into a PNG with poppler's ``pdftoppm``. Both land in
``_generated/gallery/`` in the source directory, named by a digest of everything they
depend on (the extension's version and styles, the entries, the directives), so a docs
build redoes them only when one of those changed. Without latexmk, xelatex or pdftoppm
the gallery says so and shows the HTML alone.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import sphinxcontrib_highlight

TOOLS = ("latexmk", "xelatex", "pdftoppm")
GENERATED = Path("_generated") / "gallery"
FORMAT = 2  # part of each file's digest: bumped when the way they are made changes

_CONF = """\
extensions = ["sphinxcontrib_highlight"]
project = {title!r}
latex_engine = "xelatex"
latex_theme = "howto"
latex_elements = {{"maketitle": "", "tableofcontents": "", "papersize": "a4paper"}}
latex_documents = [("index", "gallery.tex", project, "", "howto")]
"""


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def preview(srcdir: Path, style: str, body: str, bibfile: Path) -> tuple[str, str]:
    """Build ``body`` (reStructuredText) in ``style`` as a PDF; return the source-relative
    paths of the PDF and of its first page as PNG."""
    package = Path(sphinxcontrib_highlight.__file__).parent
    digest = hashlib.sha256(body.encode())
    digest.update(bibfile.read_bytes())
    digest.update(f"{sphinxcontrib_highlight.__version__}/{FORMAT}".encode())
    for source in sorted((package / "styles").glob("*.py")):
        digest.update(source.read_bytes())
    stem = f"{style}-{digest.hexdigest()[:12]}"
    target = srcdir / GENERATED
    pdf, png = target / f"{stem}.pdf", target / f"{stem}.png"
    if not (pdf.is_file() and png.is_file()):
        target.mkdir(parents=True, exist_ok=True)
        for old in target.glob(f"{style}-*"):
            old.unlink()
        _build(style, body, bibfile, pdf, png)
    return f"/{GENERATED}/{pdf.name}", f"/{GENERATED}/{png.name}"


def _build(style: str, body: str, bibfile: Path, pdf: Path, png: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="gallery-pdf-") as temporary:
        project = Path(temporary)
        source = project / "source"
        source.mkdir()
        title = f"Style gallery: {style}"
        (source / "conf.py").write_text(_CONF.format(title=title), encoding="utf-8")
        (source / "index.rst").write_text(
            f"{title}\n{'=' * len(title)}\n\n{body}\n", encoding="utf-8"
        )
        shutil.copy(bibfile, source / bibfile.name)
        subprocess.run(
            [sys.executable, "-m", "sphinx", "-M", "latexpdf", str(source),
             str(project / "out"), "-q"],
            check=True, capture_output=True,
        )
        shutil.copy(project / "out" / "latex" / "gallery.pdf", pdf)
        subprocess.run(
            # The first A4 page at 110 dpi, its margins and page number cropped.
            ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-x", "100", "-y", "80",
             "-W", "710", "-H", "1130", "-singlefile", str(pdf), str(png.with_suffix(""))],
            check=True, capture_output=True,
        )

"""The rendered page in a real browser: Debian's headless Chromium, driven by Playwright.

Each theme's site is built once and served from 127.0.0.1. The tests take screenshots
(alabaster, furo, PyData; light and dark; 360 px wide) into pytest's temporary directory,
press the copy button from the keyboard and read the clipboard, download every file
through its link and parse it, follow citations to their items, and check what remains
without JavaScript. They never download a browser: Chromium is ``/usr/bin/chromium``,
which ``bash scripts/dev test`` installs from Debian's packages.
"""

from __future__ import annotations

import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import rispy
from jsonschema import Draft7Validator
from playwright import sync_api as playwright_api
from pybtex.database import parse_string
from seed import CITATION, CITATION_DOI
from sphinx.testing.util import SphinxTestApp

if TYPE_CHECKING:
    from collections.abc import Iterator


pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
THEMES = ["alabaster", "furo", "pydata_sphinx_theme"]
WIDTH = 360
SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "csl-data.json").read_text("utf-8"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `bash scripts/dev test` installs Debian's chromium")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def sites(tmp_path_factory, rootdir) -> Iterator[dict[str, str]]:
    """The test-reader project built in each theme, each served on its own port."""
    servers = {}
    for theme in THEMES:
        srcdir = tmp_path_factory.mktemp(f"site-{theme}") / "src"
        shutil.copytree(rootdir / "test-reader", srcdir)
        app = SphinxTestApp("html", srcdir=srcdir, confoverrides={"html_theme": theme})
        try:
            app.build()
        finally:
            app.cleanup()
        handler = functools.partial(_QuietHandler, directory=str(app.outdir))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[theme] = server
    yield {theme: f"http://127.0.0.1:{server.server_address[1]}" for theme, server in
           servers.items()}
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(browser, sites):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    yield context.new_page()
    context.close()


def _luminance(rgb: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: list[float], second: list[float]) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# Text colour and the colour actually behind it (the first opaque background up the tree,
# with translucent ones composited onto it), as [r, g, b] lists.
_COLOURS = """el => {
  const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const layers = [];
  for (let node = el; node; node = node.parentElement) {
    const [r, g, b, a = 1] = parse(getComputedStyle(node).backgroundColor);
    if (a > 0) layers.push([r, g, b, a]);
    if (a >= 1) break;
  }
  let bg = [255, 255, 255];
  for (const [r, g, b, a] of layers.reverse()) {
    bg = [r * a + bg[0] * (1 - a), g * a + bg[1] * (1 - a), b * a + bg[2] * (1 - a)];
  }
  return {text: parse(getComputedStyle(el).color), background: bg};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("theme", THEMES)
def test_page_renders_in_every_theme(browser, sites, tmp_path, theme, scheme):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{sites[theme]}/index.html")
    block = page.locator(".highlight-citation")
    assert block.is_visible()
    assert page.locator(".highlight-citation-text").inner_text() == CITATION
    assert page.locator("button.highlight-copy").is_visible()  # the script ran
    # Nothing of ours is wider than the screen or overflows its box.
    for selector in (".highlight-citation", ".highlight-references", "div.highlight-tools",
                     ".highlight-reference-links", ".highlight-doi"):
        for element in page.locator(selector).all():
            box = element.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 0.5, (selector, box)
    overflowing = page.evaluate("""() => [...document.querySelectorAll(
        '.highlight-citation, .highlight-citation *, .highlight-references, .highlight-references *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'
                     && e.clientWidth > 0).map(e => e.className)""")
    assert overflowing == []
    # Readable in both schemes: the citation text and the buttons against what is behind them.
    for selector in (".highlight-citation-text", "a.highlight-doi", "a.highlight-download-bibtex",
                     "button.highlight-copy", ".highlight-reference-links a"):
        colours = page.locator(selector).first.evaluate(_COLOURS)
        assert _contrast(colours["text"], colours["background"]) >= 4.5, (selector, colours)
    # The citation block is a plain block in every theme (themes restyle div.highlight-*).
    assert block.evaluate("e => getComputedStyle(e).display") == "block"
    block.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"{theme}-{scheme}-citation.png"))
    page.locator(".highlight-references div.highlight-tools").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"{theme}-{scheme}-references.png"))
    page.screenshot(path=str(tmp_path / f"{theme}-{scheme}-full.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("theme", ["alabaster", "furo"])
def test_copy_button_by_keyboard_puts_the_citation_on_the_clipboard(browser, sites, theme):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=sites[theme])
    page = context.new_page()
    page.goto(f"{sites[theme]}/index.html")
    # Reach the button with Tab alone, as a keyboard user would.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('highlight-copy')"):
            break
    else:
        pytest.fail("the copy button cannot be reached with Tab")
    for key in ("Enter", "Space"):
        page.evaluate("navigator.clipboard.writeText('')")
        page.keyboard.press(key)
        page.locator(".highlight-copy-status").filter(has_text="Copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == f"{CITATION} {CITATION_DOI}"
        page.evaluate("document.querySelector('.highlight-copy-status').textContent = ''")
    context.close()


def test_download_links_return_files_that_parse(page, sites):
    page.goto(f"{sites['furo']}/index.html")
    links = page.locator("a.highlight-download")
    assert links.count() == 6  # citation and references, three formats each
    for index in range(links.count()):
        link = links.nth(index)
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == link.get_attribute("download")
        text = Path(download.path()).read_text(encoding="utf-8")
        kind = link.get_attribute("class").split("highlight-download-")[-1]
        if kind == "bibtex":
            keys = list(parse_string(text, "bibtex").entries)
        elif kind == "ris":
            keys = [record["id"] for record in rispy.loads(text)]
        else:
            items = json.loads(text)
            Draft7Validator(SCHEMA).validate(items)
            keys = [item["id"] for item in items]
        in_citation = link.evaluate("e => !!e.closest('.highlight-citation')")
        if in_citation:
            assert keys == ["yang2023specialized"]
        else:
            assert len(keys) == 14 and keys[0] == "finnerup2021neuropathic"


def test_citations_land_on_their_items(page, sites):
    page.goto(f"{sites['pydata_sphinx_theme']}/index.html")
    page.locator(".highlight-cite a").first.click()
    page.wait_for_function("location.hash === '#ref-kohno2022spinal'")
    assert page.evaluate("document.querySelector(':target').id") == "ref-kohno2022spinal"
    assert page.locator("#ref-kohno2022spinal").is_visible()
    assert page.evaluate("""() => { const r = document.querySelector(':target')
        .getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }""")
    # And back from the item to the citation.
    page.locator("#ref-kohno2022spinal a.highlight-backref").click()
    page.wait_for_function("document.querySelector(':target')?.classList.contains('highlight-cite')")
    page.goto(f"{sites['alabaster']}/index.html#ref-niehaus2021spinal")
    assert page.evaluate("""() => { const r = document.getElementById('ref-niehaus2021spinal')
        .getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }""")
    assert page.locator("#ref-niehaus2021spinal").inner_text().startswith("Niehaus JK")


def test_without_javascript_a_plain_link_remains(browser, sites):
    context = browser.new_context(viewport={"width": WIDTH, "height": 800},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{sites['alabaster']}/index.html")
    link = page.locator("a.highlight-copy")
    assert link.is_visible()
    assert page.locator("button.highlight-copy").count() == 0
    response = page.request.get(f"{sites['alabaster']}/{link.get_attribute('href')}")
    assert response.ok
    assert response.text() == f"{CITATION} {CITATION_DOI}\n"
    context.close()

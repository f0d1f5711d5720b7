"""Loading the extension imports only what every build uses: the modules that only some
projects need (PyYAML for CSL-YAML and CITATION.cff, ctypes for the children, the
thread pool that fetches DOIs) wait until a build asks for them."""

from __future__ import annotations

import subprocess
import sys

#: Imported on first use, never by loading the extension.
LATER = ("yaml", "ctypes", "concurrent.futures")


def test_loading_the_extension_leaves_the_rarely_used_modules_out():
    script = (
        "import sys\n"
        "from sphinxcontrib_highlight import speed\n"
        "from sphinxcontrib_highlight.sphinxext import setup\n"
        "from sphinxcontrib_highlight.web import page_extras\n"
        f"print(sorted(name for name in {LATER!r} if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"

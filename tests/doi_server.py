"""A DOI resolver on the loopback interface, so DOI tests never reach the internet.

It answers content negotiation for CSL-JSON as doi.org does, for the DOIs of
:data:`ITEMS`; 404 for any other DOI; one DOI (:data:`SLOW`) only after the client has
given up; one (:data:`BAD_JSON`) with a body that is not JSON. It counts the requests
for each DOI, so tests can see what a build fetched, and the most it was answering at
once (:attr:`Resolver.most_at_once`); told to (:attr:`Resolver.together`), it holds each
answer until that many requests are waiting, so a client that fetches one DOI after
another is seen to.

The items hold only metadata verified for the bundled highlight's references
(``/work/shared/data/README.md``, the same as ``sphinxcontrib_highlight/data/highlight.bib``):
DOIs, titles as printed, authors, journals, volumes, issues, pages and years. Months and
days are left out: they were not verified.
"""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

CSL_JSON = "application/vnd.citationstyles.csl+json"


def _item(doi: str, title: str, authors: list[tuple[str, str]], journal: str,
          volume: str, issue: str, page: str, year: int) -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": "article-journal",
        "title": title,
        "author": [{"family": family, "given": given} for family, given in authors],
        "container-title": journal,
        "volume": volume,
        "issue": issue,
        "page": page,
        "issued": {"date-parts": [[year]]},
        # What registration agencies add besides the CSL variables: the cache drops it.
        "indexed": {"date-parts": [[year]]},
    }


ITEMS = {
    "10.1038/nrn.2018.2": _item(
        "10.1038/nrn.2018.2",
        "Microglia in neuropathic pain: Cellular and molecular mechanisms and "
        "therapeutic potential",
        [("Inoue", "Kazuhide"), ("Tsuda", "Makoto")],
        "Nature Reviews Neuroscience", "19", "3", "138-152", 2018,
    ),
    "10.1038/s41583-020-0310-6": _item(
        "10.1038/s41583-020-0310-6",
        "Qualitative sex differences in pain processing: Emerging evidence of a biased "
        "literature",
        [("Mogil", "Jeffrey S.")],
        "Nature Reviews Neuroscience", "21", "7", "353-365", 2020,
    ),
    "10.1152/physrev.00045.2019": _item(
        "10.1152/physrev.00045.2019",
        "Neuropathic pain: From mechanisms to treatment",
        [("Finnerup", "Nanna Brix"), ("Kuner", "Rohini"), ("Jensen", "Troels Staehelin")],
        "Physiological Reviews", "101", "1", "259-301", 2021,
    ),
}
#: A DOI whose answer comes only after the client's timeout.
SLOW = "10.1038/nn.4189"
#: A DOI answered with a body that is not JSON.
BAD_JSON = "10.1016/j.neuron.2018.11.009"
#: A DOI the resolver does not know (it answers 404).
UNKNOWN = "10.1038/s41586-018-0119-x"


class Resolver:
    """The running server: its base URL, the requests by DOI, and a way to stop it."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.accepts: list[str] = []
        self.release = threading.Event()
        self.together = 0
        """Hold each answer until this many requests wait (at most :attr:`hold`
        seconds); 0: answer at once."""
        self.hold = 3.0
        self.at_once = 0
        self.most_at_once = 0
        self._gate = threading.Condition()
        resolver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                doi = urllib.parse.unquote(self.path.lstrip("/")).lower()
                resolver.requests[doi] += 1
                resolver.accepts.append(self.headers.get("Accept", ""))
                with resolver.arrived():
                    self._respond(doi)

            def _respond(self, doi: str) -> None:
                if doi == SLOW:
                    resolver.release.wait(10)
                    self._answer(200, json.dumps(ITEMS["10.1038/nrn.2018.2"]).encode())
                elif doi == BAD_JSON:
                    self._answer(200, b"<html>not JSON</html>")
                elif doi in ITEMS and self.headers.get("Accept") == CSL_JSON:
                    self._answer(200, json.dumps(ITEMS[doi]).encode())
                else:
                    self._answer(404, b"Not found")

            def _answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", CSL_JSON)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (the slow DOI)
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @contextlib.contextmanager
    def arrived(self) -> Iterator[None]:
        """Count a request being answered, holding it as :attr:`together` says."""
        with self._gate:
            self.at_once += 1
            self.most_at_once = max(self.most_at_once, self.at_once)
            self._gate.notify_all()
            self._gate.wait_for(lambda: self.at_once >= self.together, timeout=self.hold)
        try:
            yield
        finally:
            with self._gate:
                self.at_once -= 1

    def stop(self) -> None:
        """Stop answering; the port is closed, so a request fails at once."""
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

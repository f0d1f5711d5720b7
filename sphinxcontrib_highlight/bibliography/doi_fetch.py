"""A DOI's metadata from its resolver, by content negotiation, as one CSL-JSON item.

``https://doi.org/<DOI>`` answers a request that accepts
``application/vnd.citationstyles.csl+json`` with the item its registration agency
(Crossref, DataCite, mEDRA...) holds, in CSL-JSON: the same form :mod:`.to_csl` gives
BibTeX entries. Nothing here caches or logs: :mod:`.doi_cache` keeps what was fetched, and
callers decide how a failure is reported. A failure is a :class:`FetchError` whose message
says what happened in words an author can act on; it never escapes as another exception.

Network use is bounded: each attempt waits at most :data:`TIMEOUT` seconds (or the
``timeout`` a caller gives: ``highlight_doi_timeout``), and only a failure that may pass
(a timeout, a refused connection, HTTP 429 or 5xx) is tried again, :data:`ATTEMPTS`
times in all, :data:`PAUSE` seconds apart. A DOI the resolver does not know (404) or an answer that is
not a CSL-JSON object is final at once.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

#: Where DOIs resolve unless ``highlight_doi_resolver`` says otherwise.
DEFAULT_RESOLVER = "https://doi.org"
#: The media type of CSL-JSON, which doi.org's content negotiation answers.
CSL_JSON = "application/vnd.citationstyles.csl+json"
#: Seconds one attempt may wait for the resolver, unless the caller says otherwise.
TIMEOUT = 10.0
#: Attempts for a failure that may pass (timeout, connection, HTTP 429 and 5xx): fixed,
#: so that a build offline or facing a resolver that is down waits a bounded time.
ATTEMPTS = 2
#: Seconds between attempts.
PAUSE = 0.5

#: A DOI: the directory indicator ``10.``, a registrant code, ``/``, a suffix.
_DOI = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+")
#: What authors put before a DOI: a resolver's URL or the ``doi:`` scheme.
_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class FetchError(Exception):
    """A DOI whose metadata could not be fetched; the message says why."""


def bare_doi(text: str) -> str | None:
    """``text`` as a DOI without a prefix (``doi:``, ``https://doi.org/``), as written;
    None if it is not a DOI. The DOI system ignores case (ASCII letters), so callers
    compare the :func:`doi_key` of two DOIs, not their text."""
    candidate = _PREFIX.sub("", text.strip())
    if candidate != text.strip():
        candidate = urllib.parse.unquote(candidate)
    return candidate if _DOI.fullmatch(candidate) else None


def doi_key(text: str) -> str | None:
    """The form a DOI is cached and looked up under: bare and lower-cased."""
    doi = bare_doi(text)
    return doi.lower() if doi is not None else None


def doi_url(resolver: str, doi: str) -> str:
    """The resolver's URL for a DOI, with the characters a URL path cannot hold escaped."""
    return f"{resolver.rstrip('/')}/{urllib.parse.quote(doi, safe='/')}"


def fetch_csl(
    doi: str, resolver: str = DEFAULT_RESOLVER, timeout: float | None = None
) -> dict[str, Any]:
    """The CSL-JSON item the resolver gives for ``doi``, each attempt waiting at most
    ``timeout`` seconds (:data:`TIMEOUT` if None); :class:`FetchError` if none."""
    seconds = TIMEOUT if timeout is None else timeout
    url = doi_url(resolver, doi)
    request = urllib.request.Request(url, headers={
        "Accept": CSL_JSON,
        "User-Agent": "sphinxcontrib-highlight (Sphinx extension; DOI metadata)",
    })
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _item(_get(request, seconds), url)
        except _MayPass as failure:
            if attempt == ATTEMPTS:
                raise FetchError(f"{failure} ({ATTEMPTS} attempts)") from None
            time.sleep(PAUSE)
    raise AssertionError("unreachable: the last attempt returns or raises")


class _MayPass(Exception):  # noqa: N818 -- a signal to try again, not an error
    """A failure that trying again may cure."""


def _get(request: urllib.request.Request, timeout: float) -> bytes:
    """The body of the answer; :class:`_MayPass` or :class:`FetchError` if there is none."""
    url = request.full_url
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise FetchError(f"{url} answered 404: the resolver knows no such DOI") from None
        if error.code == 429 or error.code >= 500:
            raise _MayPass(f"{url} answered HTTP {error.code}") from None
        raise FetchError(f"{url} answered HTTP {error.code}") from None
    except TimeoutError:
        raise _MayPass(f"{url} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _MayPass(f"{url} did not answer within {timeout:g} s") from None
        raise _MayPass(f"{url} could not be reached: {error.reason}") from None
    except (OSError, http.client.HTTPException) as error:  # a connection cut short
        raise _MayPass(f"{url} could not be read: {error!r}") from None
    except ValueError as error:  # a resolver URL urllib cannot use
        raise FetchError(f"{url} is not a URL to fetch: {error}") from None


def _item(body: bytes, url: str) -> dict[str, Any]:
    """The answer as one CSL-JSON item (an object, or a list holding one)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise FetchError(f"{url} did not answer with JSON") from None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, dict) or not isinstance(value.get("type", ""), str):
        raise FetchError(f"{url} did not answer with a CSL-JSON item")
    return value

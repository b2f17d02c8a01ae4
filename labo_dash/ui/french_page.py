"""The page Streamlit serves, in French: ``<html lang="fr">``, and its front end's own English (screen-reader
labels, tooltips, placeholders, the table's column menu) translated in the browser.

Streamlit 1.67 has no locale option (none in its configuration, none in ``st.set_page_config``): its
``index.html`` says ``lang="en"`` and its front end writes English labels. :class:`FrenchPageMiddleware`
rewrites that page on its way out: ``lang="fr"``, and the dictionary ``streamlit_fr.json`` with the script
``french_page.js`` that applies it (both beside this module) inlined at the end of ``<head>``. What CSS
alone can hide or replace stays in ``french.css``.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HERE = Path(__file__).parent
DICTIONARY = HERE / "streamlit_fr.json"
SCRIPT = HERE / "french_page.js"
# How Streamlit's index.html opens; a page without it (the phone ballot's) passes unchanged.
ENGLISH_ROOT = b'<html lang="en">'


def dictionary() -> dict[str, str]:
    """Return Streamlit's English interface strings and their French, {English: French}; a ``{}`` in
    both stands for a part kept as it is (« Help for {} » -> « Aide : {} »)."""
    return json.loads(DICTIONARY.read_text(encoding="utf-8"))


@functools.cache
def head_scripts() -> bytes:
    """Return the ``<script>`` elements added to the page: the dictionary (JSON), then the script (read
    once per process)."""
    data = json.dumps(dictionary(), ensure_ascii=False).replace("</", "<\\/")
    return (f'<script id="labo-streamlit-fr" type="application/json">{data}</script>\n'
            f"<script>\n{SCRIPT.read_text(encoding='utf-8')}</script>\n").encode()


def french_page(html: bytes) -> bytes:
    """Return Streamlit's ``index.html`` in French (``lang="fr"``, :func:`head_scripts` before
    ``</head>``); any other HTML unchanged."""
    if ENGLISH_ROOT not in html:
        return html
    html = html.replace(ENGLISH_ROOT, b'<html lang="fr">', 1)
    return html.replace(b"</head>", head_scripts() + b"</head>", 1)


class FrenchPageMiddleware:
    """Serve every HTML page through :func:`french_page` (Streamlit answers each page's address, /actions
    or /admin, with its index.html; gzipped or not, sent back plain).

    The rewritten page drops its ETag and Last-Modified (those of Streamlit's file): a browser never gets a
    « 304 Not Modified » that would keep an older dictionary.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        head_scripts()  # a broken dictionary fails at start-up, not on the first visit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        body: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if Headers(scope=message).get("content-type", "").startswith("text/html"):
                    start = message  # held until the whole body is read
                    return
            elif start is not None and message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                headers = MutableHeaders(scope=start)
                html = b"".join(body)
                if headers.get("content-encoding") == "gzip":
                    html = gzip.decompress(html)
                    del headers["content-encoding"]
                html = french_page(html)
                for name in ("etag", "last-modified"):
                    if name in headers:
                        del headers[name]
                headers["content-length"] = str(len(html))
                await send(start)
                message = {"type": "http.response.body", "body": html, "more_body": False}
            await send(message)

        await self.app(scope, receive, rewrite)

"""Streamlit's page served in French (labo_dash/ui/french_page.py); the browser side is checked by
tests/test_browser_french.py."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import streamlit
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from labo_dash.ui import french_page

STREAMLIT_INDEX = Path(streamlit.__file__).parent / "static" / "index.html"


def test_streamlit_s_page_becomes_french_with_the_dictionary_and_script():
    html = french_page.french_page(STREAMLIT_INDEX.read_bytes())
    assert b'<html lang="fr">' in html and b'lang="en"' not in html
    head = html.split(b"</head>")[0]
    opening = b'<script id="labo-streamlit-fr" type="application/json">'
    dictionary = head.split(opening)[1].split(b"</script>")[0]
    assert json.loads(dictionary)["Sort ascending"] == "Trier par ordre croissant"
    assert b"new MutationObserver" in head


def test_other_html_passes_unchanged():
    ballot = b"<!doctype html><html lang='fr'><head></head><body>Bulletin</body></html>"
    assert french_page.french_page(ballot) == ballot


def test_every_kept_part_is_kept_in_french():
    for english, french in french_page.dictionary().items():
        for part in ("{}", "{#}"):
            assert english.count(part) == french.count(part), english  # each part kept, in order
        assert english != french, f"« {english} » needs no entry"


def _client() -> TestClient:
    index = STREAMLIT_INDEX.read_bytes()

    def page(request):
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(gzip.compress(index), media_type="text/html",
                            headers={"content-encoding": "gzip", "etag": '"streamlit"'})
        return HTMLResponse(index, headers={"etag": '"streamlit"'})

    def health(request):
        return Response("ok", media_type="text/plain")

    app = Starlette(routes=[Route("/actions", page), Route("/_stcore/health", health)],
                    middleware=[Middleware(french_page.FrenchPageMiddleware)])
    return TestClient(app)


def test_the_middleware_serves_the_page_in_french_gzipped_or_not():
    client = _client()
    for encoding in ["gzip", "identity"]:
        response = client.get("/actions", headers={"accept-encoding": encoding})
        assert response.status_code == 200
        assert '<html lang="fr">' in response.text
        assert "content-encoding" not in response.headers
        assert "etag" not in response.headers  # no 304 keeping an older dictionary
        assert int(response.headers["content-length"]) == len(response.content)
    assert client.get("/_stcore/health").text == "ok"

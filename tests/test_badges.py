"""Badges: A4 PDF pages, each badge's link to ``BASE_URL/vote?code=CODE``, the configurable base URL."""

from __future__ import annotations

import re
import zlib

from labo_dash import badges, db, participants

PEOPLE = [
    {"name": f"Personne {i}", "structure": "Coopérative Oxalis", "kind": "ptce", "code": f"ABCD{i:04d}"}
    for i in range(11)
]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def texts(pdf: bytes) -> bytes:
    """Return the PDF's uncompressed content streams (fpdf2 deflates them)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.S)
    out = []
    for stream in streams:
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            out.append(stream)
    return b"\n".join(out)


def test_base_url_from_environment(monkeypatch):
    monkeypatch.delenv("LABO_BASE_URL", raising=False)
    assert badges.vote_link("ABCD2345") == "http://localhost:8501/vote?code=ABCD2345"
    monkeypatch.setenv("LABO_BASE_URL", "https://vote.labo-ess.org/")
    assert badges.vote_link("ABCD2345") == "https://vote.labo-ess.org/vote?code=ABCD2345"
    assert badges.vote_link() == "https://vote.labo-ess.org/vote"


def test_pdf_is_a4_with_eight_badges_a_page_and_a_link_each(monkeypatch):
    monkeypatch.setenv("LABO_BASE_URL", "https://vote.exemple.org")
    pdf = badges.badges_pdf(PEOPLE, "Accompagner pour coopérer")
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 2
    assert re.search(rb"/MediaBox \[0 0 595\.28 841\.89\]", pdf)  # A4 in points
    links = set(re.findall(rb"/URI \((https://vote\.exemple\.org/vote\?code=[A-Z0-9]+)\)", pdf))
    assert links == {f"https://vote.exemple.org/vote?code={p['code']}".encode() for p in PEOPLE}
    assert len(re.findall(rb"/I\d+ Do", texts(pdf))) == 11  # one QR image drawn per badge


def test_qr_code_encodes_the_link():
    png = badges.qr_png(badges.vote_link("ABCD2345", "http://x"))
    assert png.startswith(b"\x89PNG")
    svg = badges.qr_svg("http://x/vote")
    assert svg.lstrip().startswith("<svg") and "path" in svg


def test_demo_participants_fill_ten_pages(con):
    people = participants.list_participants(con).to_dict("records")
    pdf = badges.badges_pdf(people, "Séminaire")
    assert page_count(pdf) == 10 and len(people) == 80
    assert db.query(con, "SELECT count(*) AS n FROM participants WHERE code IS NULL")[0]["n"] == 0


def test_empty_list_still_gives_a_page():
    assert page_count(badges.badges_pdf([], "Séminaire")) == 1

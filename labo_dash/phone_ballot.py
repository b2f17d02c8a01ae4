"""The light phone ballot: plain HTML routes of the same app, for 200 phones on venue Wi-Fi.

A Streamlit page costs a websocket, a 2 MB front end and ~100 ms of server CPU per interaction; this
ballot is one small HTML page and one POST, backed by the same :mod:`labo_dash.voting` module and the
same personal codes. Routes (mounted by ``serve.py`` through ``st.App``):

- ``GET /bulletin?code=CODE`` the ballot (or the code form, or the walk-in registration form);
- ``POST /bulletin`` saves a ballot in one transaction, then redirects (303) to the ballot with a
  confirmation, so a reload never sends it twice (and a resent identical ballot writes nothing anyway);
- ``POST /inscription`` registers a walk-in when organisers allow it (every route sits at the root, so
  the pages' relative links work from ``/vote``, ``/bulletin`` and ``/inscription`` alike);
- :class:`PhoneBallotMiddleware` answers ``GET /vote?code=CODE`` (the badges' link) with the same page,
  unless ``complet=1`` asks for the full Streamlit page.

CSRF: the personal code is the credential and travels in the form, never in a cookie, so another site
cannot vote for a participant without knowing their code; on top of that a POST whose ``Origin`` (or,
failing it, ``Referer``) names another host is refused, and pages may not be framed.
"""

from __future__ import annotations

import re
import secrets
from html import escape
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from labo_dash import db, participants, phone_html, rounds, settings, voting
from labo_dash.access import ANONYMOUS, PARTICIPANT, Actor
from labo_dash.errors import LaboError, ValidationError

TITLE = "Voter · séminaire du Labo de l'ESS"
WALK_IN = Actor(ANONYMOUS, "inscription sur place (bulletin léger)")


def _respond(body: str, status: int = 200) -> HTMLResponse:
    nonce = secrets.token_urlsafe(12)
    response = HTMLResponse(phone_html.page(TITLE, body, nonce), status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    )
    return response


def _same_origin(request: Request) -> bool:
    """Tell whether a POST comes from a page of this site (no Origin/Referer: a plain form, accepted)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return not source
    return urlsplit(source).netloc == request.headers.get("host", "")


def _refused() -> HTMLResponse:
    return _respond(phone_html.notice("err", "Requête refusée : ce formulaire vient d'un autre site."), 403)


def _participant_actor(person: dict[str, Any]) -> Actor:
    return Actor(PARTICIPANT, f"{person['name']} (participant·e n° {person['id']})")


def _ballot_page(code: str, message: str = "", kind: str = "ok",
                 sent: dict[int, tuple[int, bool]] | None = None) -> tuple[str, int]:
    """Return the body of the page for ``code`` and its status (runs in a worker thread)."""
    con = db.connect()
    person = participants.participant_by_code(con, code) if code else None
    if person is None:
        body = phone_html.code_form(voting.UNKNOWN_CODE if code else None)
        if settings.get_setting(con, participants.SELF_REGISTRATION):
            body += phone_html.signup_form({}, {})
        else:
            body += "<p class='sub'>Pas de badge ? Demandez votre code personnel à l'accueil.</p>"
        return "<h1>🗳️ Voter</h1>" + body, 200 if not code else 404
    head = f"<h1>🗳️ Voter</h1><p>Bonjour <b>{escape(person['name'])}</b> !</p>"
    head += phone_html.notice(kind, message) if message else ""
    rnd = rounds.open_round(con, person["seminar_id"])
    link = phone_html.full_version_link(person["code"])
    if rnd is None:
        refresh = f"<a class='btn' href='bulletin?{urlencode({'code': person['code']})}'>Actualiser</a>"
        waiting = phone_html.notice("note", rounds.waiting_message(con, person["seminar_id"]))
        return head + waiting + refresh + link, 200
    left = rounds.remaining_seconds(rnd)
    if left is not None:
        head += phone_html.countdown(left, rounds.remaining_text(left), person["code"])
    items = rounds.round_items(con, rnd["id"])
    saved = voting.current_ballot(con, rnd["id"], person["id"])
    if saved is not None and not message:
        head += phone_html.notice("ok", "Votre vote est enregistré. Vous pouvez le modifier jusqu'à la "
                                  "clôture : seul le dernier compte.")
    values = sent if sent is not None else (saved or {})
    form = phone_html.ballot_form(rnd, items, person["code"], values, voting.instructions(rnd))
    return head + form + link, 200


def _choices(form: FormData, rnd: dict[str, Any], item_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """Read a posted ballot; raise ValidationError on values that are not numbers."""
    try:
        checked = {int(v) for v in form.getlist("v")}
        contribute = {int(v) for v in form.getlist("c")}
        choices = {}
        for item in item_ids:
            raw = form.get(f"v{item}")
            value = int(raw) if raw not in (None, "") else (1 if item in checked else None)
            if value is None:
                value = rnd["grade_scale"] if rnd["method"] == "majority_judgment" else 0
            choices[item] = (value, item in contribute)
        return choices
    except ValueError as exc:
        raise ValidationError("Ce bulletin est mal formé : rechargez la page.") from exc


def _submit(code: str, round_id: int, form: FormData) -> tuple[str, int] | str:
    """Save a posted ballot; return the redirect target, or the page to show again with the error."""
    con = db.connect()
    person = participants.participant_by_code(con, code)
    if person is None:
        return "<h1>🗳️ Voter</h1>" + phone_html.code_form(voting.UNKNOWN_CODE), 404
    choices = None
    try:
        rules = voting.ballot_rules(con, round_id)
        choices = _choices(form, rules, rules["item_ids"])
        receipt = voting.submit_ballot(con, _participant_actor(person), round_id, person["code"], choices)
    except LaboError as exc:  # shown above the ballot, which keeps what was chosen
        body, _ = _ballot_page(person["code"], str(exc), "err", choices)
        return body, 422
    return "bulletin?" + urlencode({"code": person["code"], "ok": "1" if receipt.changed else "0"})


async def ballot(request: Request) -> Response:
    """GET: the ballot page. POST: save the ballot and redirect to it."""
    if request.method == "POST":
        if not _same_origin(request):
            return _refused()
        form = await request.form()
        code = str(form.get("code") or "")
        round_id = str(form.get("round") or "")
        if not re.fullmatch(r"[0-9]{1,9}", round_id):
            return _respond(phone_html.notice("err", "Bulletin incomplet : rechargez la page."), 400)
        result = await run_in_threadpool(_submit, code, int(round_id), form)
        if isinstance(result, str):
            return RedirectResponse(result, status_code=303)
        return _respond(*result)
    params = request.query_params
    ok = params.get("ok")
    message = {"1": "Merci ! Votre vote est enregistré. Vous pouvez le modifier jusqu'à la clôture.",
               "0": "Votre vote était déjà enregistré à l'identique : rien n'a changé."}.get(ok or "", "")
    if params.get("nouveau") == "1":
        code = voting.normalise_code(params.get("code", ""))
        message = (f"Vous êtes inscrit·e. Votre code personnel : {code[:4]} {code[4:]}. Notez-le : il vous "
                   "permet de revenir voter (il est aussi dans l'adresse de cette page).")
    code = voting.normalise_code(params.get("code", ""))
    body, status = await run_in_threadpool(_ballot_page, code, message)
    return _respond(body, status)


def _signup(values: dict[str, str]) -> tuple[str, int] | str:
    con = db.connect()
    try:
        created = participants.self_register(con, WALK_IN, values)
    except ValidationError as exc:
        body = "<h1>🗳️ Voter</h1>" + phone_html.code_form() + phone_html.signup_form(
            values, {**exc.fields, "form": str(exc)})
        return body, 422
    return "bulletin?" + urlencode({"code": created["code"], "nouveau": "1"})


async def signup(request: Request) -> Response:
    """POST: register a walk-in, then show their ballot with their new code."""
    if not _same_origin(request):
        return _refused()
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ("name", "structure", "kind", "territory")}
    result = await run_in_threadpool(_signup, values)
    if isinstance(result, str):
        return RedirectResponse(result, status_code=303)
    return _respond(*result)


def routes() -> list[Route]:
    """Return the Starlette routes of the light ballot."""
    return [
        Route("/bulletin", ballot, methods=["GET", "POST"]),
        Route("/inscription", signup, methods=["POST"]),
    ]


class PhoneBallotMiddleware:
    """Serve ``GET /vote?code=CODE`` (the badges' link) with the light ballot, unless ``complet=1``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].rstrip("/") == "/vote":
            request = Request(scope, receive)
            if request.query_params.get("code") and request.query_params.get("complet") != "1":
                await (await ballot(request))(scope, receive, send)
                return
        await self.app(scope, receive, send)

"""The light phone ballot: plain HTML routes of the same app, for 200 phones on venue Wi-Fi.

A Streamlit page costs a websocket, a 2 MB front end and ~100 ms of server CPU per interaction; this
ballot is one small HTML page and one POST, backed by the same :mod:`labo_dash.voting` module and the
same personal codes. Routes (mounted by ``serve.py`` through ``st.App``):

- ``GET /bulletin?code=CODE`` the ballot (or the code form, or the walk-in registration form); opening
  it, or the posts page, with one's code checks the participant in (present, :func:`participants.check_in`:
  one UPDATE the first time, nothing after);
- ``POST /bulletin`` saves a ballot in one transaction, then redirects (303) to the ballot with a
  confirmation, so a reload never sends it twice (and a resent identical ballot writes nothing anyway);
- ``POST /inscription`` registers a walk-in when organisers allow it (every route sits at the root, so
  the pages' relative links work from ``/vote``, ``/bulletin``, ``/contribuer`` and ``/inscription``);
- ``GET /contribuer?code=CODE`` the participant's posts page: a frein, levier or constat for a morning
  workshop and, once défis are retained, a solution (:mod:`labo_dash.contributions`); ``POST /contribuer``
  queues one post for moderation in one transaction, then redirects (303) to the page with a thank-you,
  or shows the form again with what was typed and a French message per refused field;
- :class:`PhoneBallotMiddleware` answers ``GET /vote?code=CODE`` (the badges' link) with the same page,
  unless ``complet=1`` asks for the full Streamlit page.

CSRF: the personal code is the credential and travels in the form, never in a cookie, so another site
cannot vote for a participant without knowing their code; on top of that a POST whose ``Origin`` (or,
failing it, ``Referer``) names another host is refused, and pages may not be framed.
"""

from __future__ import annotations

import functools
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from labo_dash import (
    contributions,
    db,
    diagnosis,
    french,
    participants,
    results,
    rounds,
    seminar,
    settings,
    voting,
)
from labo_dash.access import ANONYMOUS, PARTICIPANT, Actor
from labo_dash.errors import DatabaseLocked, DatabaseUnreachable, LaboError, ValidationError
from labo_dash.phone import render
from labo_dash.rounds import VotingMethod

TITLE = "Voter · séminaire du Labo de l'ESS"
Endpoint = Callable[[Request], Awaitable[Response]]
POST_TITLE = "Proposer · séminaire du Labo de l'ESS"
WALK_IN = Actor(ANONYMOUS, "inscription sur place (bulletin léger)")


def _respond(body: str, status: int = 200, title: str = TITLE) -> HTMLResponse:
    nonce = secrets.token_urlsafe(12)
    response = HTMLResponse(render.page(title, body, nonce), status_code=status)
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


async def _form(request: Request) -> FormData | Response:
    """Return a POST's form, or the French refusal to send: another site's form (403), or a form Starlette
    cannot read, e.g. a field over its 1 MB limit (413)."""
    if not _same_origin(request):
        return _refused()
    try:
        return await request.form()
    except (MultiPartException, HTTPException):  # HTTPException(400) when mounted in an app
        return _too_large()


def _too_large() -> HTMLResponse:
    text = ("Texte bien trop long (ou formulaire illisible) : rien n'a été enregistré. Revenez en arrière "
            "et raccourcissez-le (quelques centaines de caractères suffisent).")
    return _respond(render.notice("err", text), 413)


def _refused() -> HTMLResponse:
    return _respond(render.notice("err", "Requête refusée : ce formulaire vient d'un autre site."), 403)


def _participant_actor(person: participants.Participant) -> Actor:
    return Actor(PARTICIPANT, f"{person.name} (participant·e n° {person.id})")


def _ballot_page(code: str, message: str = "", kind: str = "ok",
                 sent: dict[int, tuple[int, bool]] | None = None) -> tuple[str, int]:
    """Return the body of the page for ``code`` and its status (runs in a worker thread)."""
    con = db.connect()
    person = participants.participant_by_code(con, code) if code else None
    if person is None:
        body = render.code_form(voting.UNKNOWN_CODE if code else None)
        if settings.get_setting(con, participants.SELF_REGISTRATION):
            body += render.signup_form({}, {})
        else:
            body += render.NO_BADGE
        return render.HEADINGS["bulletin"] + body, 200 if not code else 404
    participants.check_in(con, person)  # opening one's own page: present (no write once checked in today)
    head = render.voter_greeting(person.name)
    head += render.notice(kind, message) if message else ""
    rnd = rounds.open_round(con, person.seminar_id)
    link = render.full_version_link(person.code)
    if rnd is None:
        refresh = render.refresh_button(person.code)
        waiting = render.notice("note", rounds.waiting_message(con, person.seminar_id))
        body = render.waiting_refresh(person.code) + head + waiting + _public_results(con, person)
        return body + refresh + render.contribute_link(person.code) + link, 200
    left = rounds.remaining_seconds(rnd)
    if left is not None:
        head += render.countdown(left, rounds.remaining_text(left), person.code)
    items = rounds.round_items(con, rnd.id)
    saved = voting.current_ballot(con, rnd.id, person.id)
    if saved is not None and not message:
        head += render.notice("ok", "Votre vote est enregistré. Vous pouvez le modifier jusqu'à la "
                                  "clôture : seul le dernier compte.")
    values = sent if sent is not None else (saved or {})
    form = render.ballot_form(rnd, items, person.code, values, voting.instructions(rnd))
    return head + form + render.contribute_link(person.code) + link, 200


def _public_results(con: Any, person: participants.Participant) -> str:
    """Return the last closed round's ranking for the phone once its results are public, else ""."""
    last = rounds.projected_round(con, person.seminar_id)
    if last is None or last.status != "closed" or not rounds.results_visible(last):
        return ""
    table = results.round_results(con, last.id)
    rows = [(french.rank(int(r.rank), bool(r.tied), short=True), str(r.title), str(r.score))
            for r in table.itertuples()]
    return render.results_card(last.title, results.turnout(con, last.id).sentence(), rows)


def _choices(form: FormData, rules: voting.BallotRules) -> dict[int, tuple[int, bool]]:
    """Read a posted ballot; raise ValidationError on values that are not numbers."""
    try:
        checked = {int(str(v)) for v in form.getlist("v")}  # str: a file sent instead reads as not a number
        contribute = {int(str(v)) for v in form.getlist("c")}
        choices = {}
        for item in rules.item_ids:
            raw = form.get(f"v{item}")
            value = int(str(raw)) if raw not in (None, "") else (1 if item in checked else None)
            if value is None:
                value = rules.grade_scale if rules.method == VotingMethod.MAJORITY_JUDGMENT else 0
            choices[item] = (value, item in contribute)
        return choices
    except ValueError as exc:
        raise ValidationError("Ce bulletin est mal formé : rechargez la page.") from exc


def _submit(code: str, round_id: int, form: FormData) -> tuple[str, int] | str:
    """Save a posted ballot; return the redirect target, or the page to show again with the error."""
    con = db.connect()
    person = participants.participant_by_code(con, code)
    if person is None:
        return render.HEADINGS["bulletin"] + render.code_form(voting.UNKNOWN_CODE), 404
    choices = None
    try:
        rules = voting.ballot_rules(con, round_id)
        choices = _choices(form, rules)
        receipt = voting.submit_ballot(con, _participant_actor(person), round_id, person.code, choices)
    except LaboError as exc:  # shown above the ballot, which keeps what was chosen
        body, _ = _ballot_page(person.code, str(exc), "err", choices)
        return body, 422
    return "bulletin?" + urlencode({"code": person.code, "ok": "1" if receipt.changed else "0"})


async def ballot(request: Request) -> Response:
    """GET: the ballot page. POST: save the ballot and redirect to it."""
    if request.method == "POST":
        form = await _form(request)
        if isinstance(form, Response):
            return form
        code = str(form.get("code") or "")
        round_id = str(form.get("round") or "")
        if not re.fullmatch(r"[0-9]{1,9}", round_id):
            return _respond(render.notice("err", "Bulletin incomplet : rechargez la page."), 400)
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
        message = _new_code_message(code, "voter")
    code = voting.normalise_code(params.get("code", ""))
    body, status = await run_in_threadpool(_ballot_page, code, message)
    return _respond(body, status)


def _new_code_message(code: str, then: str) -> str:
    return (f"Vous êtes inscrit·e. Votre code personnel : {code[:4]} {code[4:]}. Notez-le : il vous "
            f"permet de revenir {then} (il est aussi dans l'adresse de cette page).")


def _signup(values: dict[str, str], target: str) -> tuple[str, int] | str:
    con = db.connect()
    try:
        created = participants.self_register(con, WALK_IN, values)
    except ValidationError as exc:
        body = render.HEADINGS[target] + render.code_form(target=target) + render.signup_form(
            values, {**exc.fields, "form": str(exc)}, target)
        return body, 422
    return f"{target}?" + urlencode({"code": created.code, "nouveau": "1"})


async def signup(request: Request) -> Response:
    """POST: register a walk-in, then show their ballot with their new code."""
    form = await _form(request)
    if isinstance(form, Response):
        return form
    values = {k: str(form.get(k) or "") for k in ("name", "structure", "kind", "territory")}
    target = "contribuer" if form.get("suite") == "contribuer" else "bulletin"
    result = await run_in_threadpool(_signup, values, target)
    if isinstance(result, str):
        return RedirectResponse(result, status_code=303)
    return _respond(*result, title=TITLE if target == "bulletin" else POST_TITLE)


# --- participants' posts ---------------------------------------------------------------------------------

def _id(text: Any) -> int | None:
    """Return a posted id, or None (refused by the domain's rules with a French message)."""
    text = str(text or "")
    return int(text) if re.fullmatch(r"[0-9]{1,9}", text) else None


def _posted(form: FormData) -> dict[str, Any]:
    """Return what a post form sent, as typed (strings), to validate or to show again."""
    return {
        "post": "solution" if form.get("post") == "solution" else "finding",
        "workshop": str(form.get("workshop") or ""), "kind": str(form.get("kind") or ""),
        "text": str(form.get("text") or ""), "objectives": [str(v) for v in form.getlist("objective")],
        "challenge": str(form.get("challenge") or ""), "title": str(form.get("title") or ""),
        "description": str(form.get("description") or ""),
    }


def _contribution_page(code: str, message: str = "", kind: str = "ok", sent: dict[str, Any] | None = None,
                       errors: dict[str, str] | None = None) -> tuple[str, int]:
    """Return the body of the posts page for ``code`` and its status (runs in a worker thread).

    ``sent``/``errors``: a refused post, shown again in its form with a message per field.
    """
    con = db.connect()
    person = participants.participant_by_code(con, code) if code else None
    if person is None:
        body = render.code_form(voting.UNKNOWN_CODE if code else None, "contribuer")
        if settings.get_setting(con, participants.SELF_REGISTRATION):
            body += render.signup_form({}, {}, "contribuer")
        else:
            body += render.NO_BADGE
        return render.HEADINGS["contribuer"] + body, 200 if not code else 404
    participants.check_in(con, person)
    seminar_id = person.seminar_id
    posts = contributions.participant_contributions(con, person.id)
    latest = next((p for p in posts if p.kind != contributions.SOLUTION), None)
    # The workshop stays chosen (like the scribes' form); the kind never: a kind chosen ahead (a levier
    # after a frein) turned the next post into the wrong kind unnoticed, so each post chooses its own.
    finding_values: dict[str, Any] = {"workshop": str(latest.workshop_id)} if latest else {}
    solution_values: dict[str, Any] = {}
    finding_errors: dict[str, str] = {}
    solution_errors: dict[str, str] = {}
    if sent is not None and sent["post"] == "solution":
        solution_values, solution_errors = sent, errors or {}
    elif sent is not None:
        finding_values, finding_errors = sent, errors or {}
    head = render.posts_greeting(person.name) + (render.notice(kind, message) if message else "")
    finding = render.finding_form(
        person.code, seminar.workshops(con, seminar_id, diagnosis.SESSION),
        seminar.objectives(con, seminar_id), finding_values, finding_errors)
    retained = contributions.retained_challenges(con, seminar_id)
    solution = (render.solution_form(person.code, retained, solution_values, solution_errors)
                if retained else "")
    forms = solution + finding if retained else finding  # the afternoon's form first once défis are retained
    return (head + forms + render.my_posts(posts)
            + render.ballot_link(person.code)), 200


def _post(code: str, sent: dict[str, Any]) -> tuple[str, int] | str:
    """Queue a posted finding or solution; return the redirect target, or the page again with the errors."""
    con = db.connect()
    person = participants.participant_by_code(con, code)
    if person is None:
        body = render.HEADINGS["contribuer"] + render.code_form(voting.UNKNOWN_CODE, "contribuer")
        return body, 404
    try:
        if sent["post"] == "solution":
            contributions.post_solution(
                con, _participant_actor(person), person.code, challenge_id=_id(sent["challenge"]),
                title=sent["title"], description=sent["description"])
        else:
            contributions.post_finding(
                con, _participant_actor(person), person.code, workshop_id=_id(sent["workshop"]),
                kind=sent["kind"], text=sent["text"],
                objective_ids=[-1 if (i := _id(v)) is None else i for v in sent["objectives"]])
    except ValidationError as exc:  # the form is shown again with what was typed
        body, _ = _contribution_page(person.code, str(exc), "err", sent, exc.fields)
        return body, 422
    except LaboError as exc:
        body, _ = _contribution_page(person.code, str(exc), "err", sent, {})
        return body, 422
    return "contribuer?" + urlencode({"code": person.code, "ok": "1"})


async def contribute(request: Request) -> Response:
    """GET: the posts page. POST: queue one post for moderation, then redirect to the page."""
    if request.method == "POST":
        form = await _form(request)
        if isinstance(form, Response):
            return form
        code = voting.normalise_code(str(form.get("code") or ""))
        result = await run_in_threadpool(_post, code, _posted(form))
        if isinstance(result, str):
            return RedirectResponse(result, status_code=303)
        return _respond(*result, title=POST_TITLE)
    params = request.query_params
    code = voting.normalise_code(params.get("code", ""))
    message = ""
    if params.get("ok") == "1":
        message = ("Merci ! Votre proposition est envoyée. Les organisateur·ice·s la relisent avant de "
                   "l'afficher. Vous pouvez en envoyer une autre.")
    elif params.get("nouveau") == "1":
        message = _new_code_message(code, "proposer et voter")
    body, status = await run_in_threadpool(_contribution_page, code, message)
    return _respond(body, status, POST_TITLE)


def _database_needed(endpoint: Endpoint) -> Endpoint:
    """Answer a French 503 page when the database cannot be reached or is held by another program."""

    @functools.wraps(endpoint)
    async def run(request: Request) -> Response:
        try:
            return await endpoint(request)
        except (DatabaseUnreachable, DatabaseLocked) as exc:
            text = f"{exc} Réessayez dans un instant ; si cela dure, prévenez l'équipe d'organisation."
            return _respond(render.notice("err", text), 503)

    return run


def routes() -> list[Route]:
    """Return the Starlette routes of the light ballot."""
    return [
        Route("/bulletin", _database_needed(ballot), methods=["GET", "POST"]),
        Route("/inscription", _database_needed(signup), methods=["POST"]),
        Route("/contribuer", _database_needed(contribute), methods=["GET", "POST"]),
    ]


class PhoneBallotMiddleware:
    """Serve ``GET /vote?code=CODE`` (the badges' link) with the light ballot, unless ``complet=1``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].rstrip("/") == "/vote":
            request = Request(scope, receive)
            if request.query_params.get("code") and request.query_params.get("complet") != "1":
                await (await _database_needed(ballot)(request))(scope, receive, send)
                return
        await self.app(scope, receive, send)

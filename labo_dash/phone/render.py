"""HTML of the light phone ballot (see :mod:`labo_dash.phone.ballot`): French, phone first, no framework.

Plain server-rendered forms: every choice is a native input inside a large label (the whole card is the
touch target), and the page works without JavaScript. A few lines of inline script (``static/phone.js``)
only count the dots left while choosing and tick a timed vote's countdown (without it, the time left is
the one written by the server and a meta refresh reloads the page when the vote ends).

The HTML comes from the Jinja2 templates ``templates/page.html`` and ``templates/fragments.html`` (one
macro per fragment), autoescaped: user text is always escaped. Each function returns a fragment as a
plain string; :func:`page` wraps the fragments of a page (and only them) into the whole document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from labo_dash import french, templating
from labo_dash.contributions import KINDS, STATUSES, Contribution, RetainedChallenge
from labo_dash.diagnosis import MAX_TEXT
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS
from labo_dash.majority import GRADE_SCALES, NO_OPINION
from labo_dash.rounds import Round, RoundItem, VotingMethod
from labo_dash.seminar import Objective, Workshop
from labo_dash.solutions import TITLE_MAX

_TEMPLATES = templating.environment("labo_dash.phone")
_FRAGMENTS = _TEMPLATES.get_template("fragments.html").module
STYLE = templating.static("labo_dash.phone", "phone.css")
# Counts the dots left; ticks the countdown written by the server (same wording as rounds.remaining_text).
SCRIPT = templating.static("labo_dash.phone", "phone.js")

KIND_ICONS = {"frein": "🧱", "levier": "🚀", "constat": "🔎", "solution": "💡"}
HEADINGS = {"bulletin": "<h1>🗳️ Voter</h1>", "contribuer": "<h1>✍️ Proposer</h1>"}  # by light page
NO_BADGE = "<p class='sub'>Pas de badge ? Demandez votre code personnel à l'accueil.</p>"

# The text between two tags, outside a text area (what a person typed is sent back as typed).
_TEXT = re.compile(r"(<textarea[^>]*>.*?</textarea>)|>([^<]+)<", re.DOTALL)


def _fragment(name: str, *args: Any, **kwargs: Any) -> str:
    """Return the macro ``name`` of fragments.html rendered with ``args``, as a plain string."""
    return str(getattr(_FRAGMENTS, name)(*args, **kwargs))


def _typeset(body: str) -> str:
    """Put French no-break spaces (french.spaces) into the text of ``body``, not into its markup."""
    return _TEXT.sub(lambda m: m.group(1) or f">{french.spaces(m.group(2))}<", body)


def page(title: str, body: str, nonce: str) -> str:
    """Return a whole HTML page (its text with French no-break spaces: « », before : ; ! ? % €).

    ``body``: fragments returned by this module's functions only (already escaped HTML).
    """
    return _TEMPLATES.get_template("page.html").render(
        title=title, nonce=nonce, css=STYLE, script=SCRIPT, body=Markup(_typeset(body))
    )


def notice(kind: str, text: str) -> str:
    """Return a message box (kind: note, ok, err) with escaped text."""
    return _fragment("notice", kind, text)


def results_card(title: str, turnout: str, rows: Sequence[tuple[str, str, str]]) -> str:
    """Return a closed round's public results: its title, turnout and ranking (rank, item, score).

    ``rows`` are (rank as :func:`labo_dash.french.rank` writes it, item title, score text), best first;
    tied items share their rank (« 1. 1. 1. 4. »), so a tie reads as a tie here as on the projection.
    """
    return _fragment("results_card", title, turnout, rows)


def _address(page_name: str, code: str) -> str:
    """Return the relative address of a light page for ``code`` (``bulletin?code=...``)."""
    return f"{page_name}?{urlencode({'code': code})}"


def waiting_refresh(code: str, seconds: int = 20) -> str:
    """Return a reload of the waiting page every ``seconds`` (no JavaScript): a new round or revealed
    results show up by themselves."""
    return _fragment("refresh", int(seconds), _address("bulletin", code))


def refresh_button(code: str) -> str:
    """Return the waiting page's « Actualiser » button."""
    return _fragment("refresh_button", _address("bulletin", code))


def countdown(seconds: int, text: str, code: str) -> str:
    """Return a timed vote's line (``text``, e.g. « Il reste 1 min 20 s ») and a reload at its end.

    The meta refresh (works without JavaScript) reloads the participant's ballot page one second after
    the end, which then says that the vote is closed. The line sticks to the top of the screen while the
    ballot scrolls under it (CSS ``position: sticky``: in the flow, so it covers no item at rest).
    """
    return _fragment("countdown", int(seconds), text, _address("bulletin", code))


def code_form(error: str | None = None, target: str = "bulletin") -> str:
    """Return the personal code form (a GET: the code goes into the address, which can be kept).

    ``target``: the light page it leads to, ``bulletin`` (the ballot) or ``contribuer`` (the posts).
    """
    button = "Accéder au vote" if target == "bulletin" else "Proposer"
    return _fragment("code_form", error, target, button)


def signup_form(values: Mapping[str, str], errors: Mapping[str, str], target: str = "bulletin") -> str:
    """Return the walk-in registration form, keeping what was typed; ``target`` as :func:`code_form`."""
    return _fragment("signup_form", values, errors, target, PARTICIPANT_KINDS)


def voter_greeting(name: str) -> str:
    """Return the heading of the ballot page, greeting the participant by their (escaped) name."""
    return _fragment("voter_greeting", name)


def ballot_form(
    rnd: Round,
    items: Sequence[RoundItem],
    code: str,
    values: Mapping[int, tuple[int, bool]],
    instructions: str,
) -> str:
    """Return the ballot form, filled with ``values`` (the current ballot, or what was just sent)."""
    judged = rnd.method == VotingMethod.MAJORITY_JUDGMENT
    grades = [*GRADE_SCALES[rnd.grade_scale], NO_OPINION] if judged else []
    cards = []
    for item in items:
        value, contribute = values.get(item.id, (None, False))
        cards.append({"item": item, "value": value, "contribute": contribute, "grades": grades})
    return _fragment("ballot_form", rnd, cards, code, instructions)


def full_version_link(code: str) -> str:
    """Return the link to the same ballot in the full Streamlit app."""
    return _fragment("full_version_link", "vote?" + urlencode({"code": code, "complet": "1"}))


# --- participants' posts (see labo_dash.contributions) ------------------------------------------------

def posts_greeting(name: str) -> str:
    """Return the heading of the posts page, greeting the participant by their (escaped) name."""
    return _fragment("posts_greeting", name)


def contribute_link(code: str) -> str:
    """Return the link from the ballot to the participant's posts page."""
    return _fragment("links", _address("contribuer", code),
                     "✍️ Proposer un frein, un levier, un constat ou une solution")


def ballot_link(code: str) -> str:
    """Return the link from the posts page back to the ballot."""
    return _fragment("links", _address("bulletin", code), "🗳️ Aller au vote")


def finding_form(
    code: str,
    workshops: Sequence[Workshop],
    objectives: Sequence[Objective],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
) -> str:
    """Return the form posting a frein, levier or constat, filled with ``values`` (what was typed).

    ``values``: workshop, kind (strings), text, objectives (list of strings); ``errors``: the French
    message of each refused field (workshop, kind, text, objectives), shown above it.
    """
    return _fragment("finding_form", code, workshops, objectives, values, errors, FINDING_KINDS, KIND_ICONS,
                     MAX_TEXT)


def solution_form(
    code: str, challenges: Sequence[RetainedChallenge], values: Mapping[str, Any], errors: Mapping[str, str]
) -> str:
    """Return the form posting a solution for a retained défi, filled with ``values`` (what was typed).

    ``values``: challenge (string), title, description; ``errors`` keyed challenge_id, title, description.
    """
    return _fragment("solution_form", code, challenges, values, errors, TITLE_MAX)


def my_posts(posts: Sequence[Contribution]) -> str:
    """Return the participant's latest posts with their moderation status (empty when there is none)."""
    return _fragment("my_posts", posts, KINDS, STATUSES, KIND_ICONS)

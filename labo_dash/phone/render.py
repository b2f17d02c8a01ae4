"""HTML of the light phone ballot (see :mod:`labo_dash.phone.ballot`): French, phone first, no framework.

Plain server-rendered forms: every choice is a native input inside a large label (the whole card is the
touch target), and the page works without JavaScript. A few lines of inline script only count the dots
left while choosing and tick a timed vote's countdown (without it, the time left is the one written by the
server and a meta refresh reloads the page when the vote ends). User text is always escaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

from labo_dash import french
from labo_dash.contributions import KINDS, STATUSES
from labo_dash.diagnosis import MAX_TEXT
from labo_dash.french import FINDING_KINDS, PARTICIPANT_KINDS
from labo_dash.majority import GRADE_SCALES, NO_OPINION
from labo_dash.solutions import TITLE_MAX

STYLE = """
*{box-sizing:border-box}body{margin:0;font:17px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:#111;background:#f4f6f8}main{max-width:640px;margin:0 auto;padding:16px 14px 120px}
h1{font-size:1.5rem;margin:.2em 0 .4em}h2{font-size:1.2rem;margin:1.2em 0 .4em}p{margin:.5em 0}
.note{background:#e8f1fb;border-left:5px solid #0072B2;padding:10px 12px;border-radius:6px}
.ok{background:#e6f4ea;border-left:5px solid #1e7b34;padding:10px 12px;border-radius:6px}
.err{background:#fdecea;border-left:5px solid #b00020;padding:10px 12px;border-radius:6px;color:#7a0012}
.card{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:12px;margin:10px 0}
.card h3{font-size:1.05rem;margin:0 0 .5em}.sub{color:#555;font-size:.92rem}
.results{list-style:none;padding:0;margin:0}.results li{margin:.6em 0}
.rank{display:inline-block;min-width:2.2em;font-weight:700}
label.pick{display:flex;gap:12px;align-items:flex-start;min-height:48px;padding:10px;cursor:pointer;
border-radius:8px}label.pick:hover{background:#f0f4f8}input[type=checkbox],input[type=radio]{width:26px;
height:26px;flex:none;margin:0;accent-color:#0072B2}.grades{display:flex;flex-wrap:wrap;gap:8px}
.grades label{display:flex;align-items:center;gap:8px;min-height:48px;padding:8px 12px;border:1px solid
#aab4bf;border-radius:24px;cursor:pointer;background:#fff}.grades label:has(input:checked){background:#0072B2;
color:#fff;border-color:#0072B2}.grades input{width:20px;height:20px}
.bar{position:fixed;left:0;right:0;bottom:0;background:#fff;border-top:1px solid #d0d7de;padding:10px 14px}
.bar div{max-width:640px;margin:0 auto}button,.btn{display:block;width:100%;min-height:52px;font-size:1.1rem;
font-weight:700;border:0;border-radius:10px;background:#0072B2;color:#fff;cursor:pointer;text-align:center;
text-decoration:none;line-height:52px}input[type=text],select{width:100%;min-height:48px;font-size:1.05rem;
padding:8px;border:1px solid #aab4bf;border-radius:8px;margin:4px 0 10px}#left{font-weight:700}
a{color:#005a8e}textarea{width:100%;min-height:120px;font:inherit;padding:8px;border:1px solid #aab4bf;
border-radius:8px;margin:4px 0 2px}fieldset{border:0;margin:0 0 10px;padding:0}legend{font-weight:700;
padding:0;margin-bottom:4px}span.err{display:block;margin:4px 0;padding:6px 10px}
form.card button{margin-top:8px}.links a{display:block;min-height:48px;line-height:48px}
#countdown{position:sticky;top:0;z-index:2;margin:0 -14px 10px;border-radius:0;background:#e8f1fb;
font-weight:700;box-shadow:0 2px 6px rgba(0,0,0,.18)}
"""
COUNTER = """
(function(){var f=document.getElementById('ballot');if(!f)return;
var k=+f.dataset.dots,o=document.getElementById('left');
function n(){var t=0;f.querySelectorAll('input[data-dot]:checked').forEach(function(i){
t+=i.type==='checkbox'?1:+i.value});
var r=k-t;o.textContent=r>=0?'Gommettes restantes : '+r:'Trop de gommettes : retirez-en '+(-r);
o.style.color=r>=0?'#111':'#b00020'}f.addEventListener('change',n);n()})();
"""
# Ticks the countdown written by the server (same wording as labo_dash.rounds.remaining_text).
TICKER = """
(function(){var c=document.getElementById('countdown');if(!c)return;
var end=Date.now()+1000*(+c.dataset.left);function t(){var s=Math.max(0,Math.ceil((end-Date.now())/1000)),
m=Math.floor(s/60),r=s%60;c.textContent='⏱️ Il reste '+(m?m+' min'+(r?' '+r+' s':''):r+' s')+' pour voter.';
if(s>0)setTimeout(t,1000)}setTimeout(t,1000)})();
"""


# The text between two tags, outside a text area (what a person typed is sent back as typed).
_TEXT = re.compile(r"(<textarea[^>]*>.*?</textarea>)|>([^<]+)<", re.DOTALL)


def _typeset(body: str) -> str:
    """Put French no-break spaces (french.spaces) into the text of ``body``, not into its markup."""
    return _TEXT.sub(lambda m: m.group(1) or f">{french.spaces(m.group(2))}<", body)


def page(title: str, body: str, nonce: str) -> str:
    """Return a whole HTML page (its text with French no-break spaces: « », before : ; ! ? % €)."""
    return (
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title><style nonce='{nonce}'>{STYLE}</style></head>"
        f"<body><main>{_typeset(body)}</main><script nonce='{nonce}'>{COUNTER}{TICKER}</script></body></html>"
    )


def notice(kind: str, text: str) -> str:
    """Return a message box (kind: note, ok, err) with escaped text."""
    role = " role='alert'" if kind == "err" else ""
    return f"<p class='{kind}'{role}>{escape(text)}</p>"


def results_card(title: str, turnout: str, rows: Sequence[tuple[str, str, str]]) -> str:
    """Return a closed round's public results: its title, turnout and ranking (rank, item, score).

    ``rows`` are (rank as :func:`labo_dash.french.rank` writes it, item title, score text), best first;
    tied items share their rank (« 1. 1. 1. 4. »), so a tie reads as a tie here as on the projection.
    """
    items = "".join(
        f"<li><span class='rank'>{escape(rank)}</span> <b>{escape(item)}</b>"
        f"<br><span class='sub'>{escape(score)}</span></li>"
        for rank, item, score in rows
    )
    return (f"<section class='card' aria-label='Résultats'><h2>Résultats : {escape(title)}</h2>"
            f"<p class='sub'>{escape(turnout)}</p><ul class='results'>{items}</ul></section>")


def waiting_refresh(code: str, seconds: int = 20) -> str:
    """Return a reload of the waiting page every ``seconds`` (no JavaScript): a new round or revealed
    results show up by themselves."""
    link = escape("bulletin?" + urlencode({"code": code}), quote=True)
    return f"<meta http-equiv='refresh' content='{int(seconds)};url={link}'>"


def countdown(seconds: int, text: str, code: str) -> str:
    """Return a timed vote's line (``text``, e.g. « Il reste 1 min 20 s ») and a reload at its end.

    The meta refresh (works without JavaScript) reloads the participant's ballot page one second after
    the end, which then says that the vote is closed. The line sticks to the top of the screen while the
    ballot scrolls under it (CSS ``position: sticky``: in the flow, so it covers no item at rest).
    """
    link = escape("bulletin?" + urlencode({"code": code}), quote=True)
    return (f"<meta http-equiv='refresh' content='{int(seconds) + 1};url={link}'>"
            f"<p class='note' id='countdown' data-left='{int(seconds)}' aria-live='off'>⏱️ {escape(text)} "
            "pour voter.</p>")


def code_form(error: str | None = None, target: str = "bulletin") -> str:
    """Return the personal code form (a GET: the code goes into the address, which can be kept).

    ``target``: the light page it leads to, ``bulletin`` (the ballot) or ``contribuer`` (the posts).
    """
    button = "Accéder au vote" if target == "bulletin" else "Proposer"
    return (
        (notice("err", error) if error else "")
        + f"<form method='get' action='{escape(target, quote=True)}' class='card'><label for='code'>"
        "<b>Votre code personnel</b><br><span class='sub'>Les 8 caractères inscrits sur votre badge.</span>"
        "</label><input type='text' id='code' name='code' autocomplete='off' autocapitalize='characters' "
        f"maxlength='12' placeholder='Ex. : ABCD 2345' required><button type='submit'>{button}</button>"
        "</form>"
    )


def signup_form(values: Mapping[str, str], errors: Mapping[str, str], target: str = "bulletin") -> str:
    """Return the walk-in registration form, keeping what was typed; ``target`` as :func:`code_form`."""
    def field(name: str, label: str) -> str:
        error = f"<span class='err'>{escape(errors[name])}</span>" if name in errors else ""
        # no maxlength: a browser would cut a pasted text silently; the server refuses it and keeps it
        return (f"<label for='s-{name}'>{label}</label>{error}<input type='text' id='s-{name}' name='{name}' "
                f"value='{escape(values.get(name, ''), quote=True)}'>")
    kinds = "".join(
        f"<option value='{code}'{' selected' if values.get('kind') == code else ''}>{escape(label)}</option>"
        for code, label in PARTICIPANT_KINDS.items()
    )
    kind_error = f"<span class='err'>{escape(errors['kind'])}</span>" if "kind" in errors else ""
    return (
        "<h2>Pas de badge ? Inscrivez-vous</h2>"
        + (notice("err", errors["form"]) if "form" in errors else "")
        + "<form method='post' action='inscription' class='card'>"
        + f"<input type='hidden' name='suite' value='{escape(target, quote=True)}'>"
        + field("name", "Prénom et nom")
        + field("structure", "Structure")
        + f"<label for='s-kind'>Vous êtes</label>{kind_error}<select id='s-kind' name='kind'>"
        + f"<option value=''>Choisissez</option>{kinds}</select>"
        + field("territory", "Territoire")
        + "<button type='submit'>M'inscrire et recevoir mon code</button></form>"
    )


def _item_inputs(rnd: Mapping[str, Any], item: Mapping[str, Any], value: int | None) -> str:
    iid = int(item["id"])
    title = escape(item["title"])
    if rnd["method"] == "majority_judgment":
        labels = [*GRADE_SCALES[rnd["grade_scale"]], NO_OPINION]
        chosen = rnd["grade_scale"] if value is None else value
        options = "".join(
            f"<label><input type='radio' name='v{iid}' value='{g}'{' checked' if g == chosen else ''}>"
            f"{escape(label)}</label>"
            for g, label in enumerate(labels)
        )
        return f"<h3>{title}</h3><div class='grades' role='radiogroup' aria-label='{title}'>{options}</div>"
    if rnd["method"] == "dots" and rnd["max_per_item"] > 1:
        options = "".join(
            f"<label><input type='radio' name='v{iid}' value='{n}' data-dot"
            f"{' checked' if n == (value or 0) else ''}>"
            f"{'Aucune' if n == 0 else '●' * n}</label>"
            for n in range(rnd["max_per_item"] + 1)
        )
        return f"<h3>{title}</h3><div class='grades' role='radiogroup' aria-label='{title}'>{options}</div>"
    dot = " data-dot" if rnd["method"] == "dots" else ""
    return (f"<label class='pick'><input type='checkbox' name='v' value='{iid}'{dot}"
            f"{' checked' if value else ''}><span><b>{title}</b></span></label>")


def ballot_form(
    rnd: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    code: str,
    values: Mapping[int, tuple[int, bool]],
    instructions: str,
) -> str:
    """Return the ballot form, filled with ``values`` (the current ballot, or what was just sent)."""
    cards = []
    for item in items:
        value, contribute = values.get(int(item["id"]), (None, False))
        body = _item_inputs(rnd, item, value)
        if item.get("description"):
            body += f"<p class='sub'>{escape(item['description'])}</p>"
        if item.get("challenge"):
            body += f"<p class='sub'>Défi : {escape(item['challenge'])}</p>"
        if rnd["target"] == "solutions":
            body += (f"<label class='pick'><input type='checkbox' name='c' value='{int(item['id'])}'"
                     f"{' checked' if contribute else ''}>"
                     "<span>🙋 Je veux contribuer à sa mise en œuvre</span></label>")
        cards.append(f"<div class='card'>{body}</div>")
    dots = f" data-dots='{int(rnd['dots_per_voter'])}'" if rnd["method"] == "dots" else ""
    counter = "<p id='left' aria-live='polite'></p>" if rnd["method"] == "dots" else ""
    return (
        f"<h2>{escape(rnd['title'])}</h2><p>{escape(instructions)}</p>"
        f"<form method='post' action='bulletin' id='ballot'{dots}>"
        f"<input type='hidden' name='code' value='{escape(code, quote=True)}'>"
        f"<input type='hidden' name='round' value='{int(rnd['id'])}'>"
        + "".join(cards)
        + f"<div class='bar'><div>{counter}<button type='submit'>Enregistrer mon vote</button></div></div>"
        + "</form>"
    )


def full_version_link(code: str) -> str:
    """Return the link to the same ballot in the full Streamlit app."""
    return (f"<p class='sub'><a href='vote?{escape(urlencode({'code': code, 'complet': '1'}), quote=True)}'>"
            "Ouvrir la version complète de l'application</a></p>")


# --- participants' posts (see labo_dash.contributions) ------------------------------------------------

KIND_ICONS = {"frein": "🧱", "levier": "🚀", "constat": "🔎", "solution": "💡"}
HEADINGS = {"bulletin": "<h1>🗳️ Voter</h1>", "contribuer": "<h1>✍️ Proposer</h1>"}  # by light page
NO_BADGE = "<p class='sub'>Pas de badge ? Demandez votre code personnel à l'accueil.</p>"


def posts_greeting(name: str) -> str:
    """Return the heading of the posts page, greeting the participant by their (escaped) name."""
    return (f"{HEADINGS['contribuer']}<p>Bonjour <b>{escape(name)}</b> ! Vos propositions sont relues par "
            "les organisateur·ice·s avant d'apparaître sur le mur.</p>")


def _field_error(errors: Mapping[str, str], *names: str) -> str:
    return "".join(f"<span class='err' role='alert'>{escape(errors[n])}</span>" for n in names if n in errors)


def _hidden(code: str, post: str) -> str:
    return (f"<input type='hidden' name='code' value='{escape(code, quote=True)}'>"
            f"<input type='hidden' name='post' value='{post}'>")


def contribute_link(code: str) -> str:
    """Return the link from the ballot to the participant's posts page."""
    return (f"<p class='links'><a href='contribuer?{escape(urlencode({'code': code}), quote=True)}'>"
            "✍️ Proposer un frein, un levier, un constat ou une solution</a></p>")


def ballot_link(code: str) -> str:
    """Return the link from the posts page back to the ballot."""
    return (f"<p class='links'><a href='bulletin?{escape(urlencode({'code': code}), quote=True)}'>"
            "🗳️ Aller au vote</a></p>")


def _choice(kind: str, name: str, value: Any, checked: bool, label: str, css: str = "pick") -> str:
    """Return one radio or check box inside its large label; ``label`` is HTML (already escaped)."""
    mark = " checked" if checked else ""
    value = escape(str(value), quote=True)
    return (f"<label class='{css}'><input type='{kind}' name='{name}' value='{value}'{mark}>"
            f"<span>{label}</span></label>")


def _text(name: str, label: str, hint: str, value: Any, errors: Mapping[str, str], *, area: bool) -> str:
    """Return a labelled text input or text area keeping ``value``, with its error above it."""
    head = (f"<label for='c-{name}'><b>{label}</b> <span class='sub'>({hint})</span></label>"
            + _field_error(errors, name))
    text = escape(str(value or ""), quote=True)
    if area:
        return head + f"<textarea id='c-{name}' name='{name}' rows='4'>{text}</textarea>"
    return head + f"<input type='text' id='c-{name}' name='{name}' value='{text}'>"


def finding_form(
    code: str,
    workshops: Sequence[Mapping[str, Any]],
    objectives: Sequence[Mapping[str, Any]],
    values: Mapping[str, Any],
    errors: Mapping[str, str],
) -> str:
    """Return the form posting a frein, levier or constat, filled with ``values`` (what was typed).

    ``values``: workshop, kind (strings), text, objectives (list of strings); ``errors``: the French
    message of each refused field (workshop, kind, text, objectives), shown above it.
    """
    chosen = {str(v) for v in values.get("objectives") or ()}
    rooms = "".join(_choice("radio", "workshop", w["id"], str(values.get("workshop")) == str(w["id"]),
                            escape(w["title"])) for w in workshops)
    kind_inputs = "".join(_choice("radio", "kind", k, values.get("kind") == k,
                                  f"{KIND_ICONS.get(k, '')} {escape(label)}", css="")
                          for k, label in FINDING_KINDS.items())
    boxes = "".join(
        _choice("checkbox", "objective", o["id"], str(o["id"]) in chosen,
                f"<b>{int(o['number'])} · {escape(o['short_label'])}</b><br>"
                f"<span class='sub'>{escape(o['title'])}</span>")
        for o in objectives
    )
    return (
        "<h2>Un frein, un levier ou un constat</h2>"
        "<form method='post' action='contribuer' class='card' id='constat'>" + _hidden(code, "finding")
        + "<fieldset><legend>Votre atelier du matin</legend>" + _field_error(errors, "workshop") + rooms
        + "</fieldset><fieldset><legend>Type</legend>" + _field_error(errors, "kind")
        + f"<div class='grades' role='radiogroup' aria-label='Type'>{kind_inputs}</div></fieldset>"
        + _text("text", "Ce qui a été dit", f"{MAX_TEXT} caractères au plus", values.get("text"), errors,
                area=True)
        + "<fieldset><legend>Objectifs concernés (un ou plusieurs)</legend>"
        + _field_error(errors, "objectives") + boxes
        + "</fieldset><button type='submit'>Envoyer ma proposition</button></form>"
    )


def solution_form(
    code: str, challenges: Sequence[Mapping[str, Any]], values: Mapping[str, Any], errors: Mapping[str, str]
) -> str:
    """Return the form posting a solution for a retained défi, filled with ``values`` (what was typed).

    ``values``: challenge (string), title, description; ``errors`` keyed challenge_id, title, description.
    """
    options = "".join(_choice("radio", "challenge", c["id"], str(values.get("challenge")) == str(c["id"]),
                              escape(c["title"])) for c in challenges)
    return (
        "<h2>Une solution pour un défi retenu</h2>"
        "<form method='post' action='contribuer' class='card' id='solution'>" + _hidden(code, "solution")
        + "<fieldset><legend>Le défi</legend>" + _field_error(errors, "challenge_id") + options
        + "</fieldset>"
        + _text("title", "Votre solution", f"un intitulé, {TITLE_MAX} caractères au plus",
                values.get("title"), errors, area=False)
        + _text("description", "Précisions", "facultatif", values.get("description"), errors, area=True)
        + "<button type='submit'>Envoyer ma solution</button></form>"
    )


def my_posts(posts: Sequence[Mapping[str, Any]]) -> str:
    """Return the participant's latest posts with their moderation status (empty when there is none)."""
    cards = "".join(
        f"<div class='card'><p class='sub'>{KIND_ICONS.get(p['kind'], '')} "
        f"{escape(KINDS[p['kind']])} · {escape(STATUSES[p['status']])}"
        f"</p><p>{escape(p['text'])}</p></div>"
        for p in posts
    )
    return f"<h2>Vos propositions</h2>{cards}" if posts else ""

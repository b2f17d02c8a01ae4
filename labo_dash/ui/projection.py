"""The live projection (/resultats): large type, no sidebar, high contrast, refreshed every 2 s.

The live part is a fragment (``run_every=2``): only it reruns, and its figures come from the cache of
:mod:`labo_dash.ui.results`, recomputed only when a ballot arrives or the round changes state.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import streamlit as st

from labo_dash import badges, charts, db, french, results, rounds, voting
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.majority import GRADE_SCALES
from labo_dash.ui.common import connection
from labo_dash.ui.results import bundle, result_chart

REFRESH_SECONDS = 2
_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1.2rem 2rem 1rem 2rem; max-width: 100%; }
[data-testid="stApp"] { background: #ffffff; color: #000000; }
h1 { font-size: 2.6rem !important; font-weight: 800 !important; padding-top: 0 !important; }
.projo-state { font-size: 1.3rem; font-weight: 700; color: #ffffff; background: #0072B2;
               border-radius: .4rem; padding: .15rem .7rem; margin-right: .6rem; vertical-align: middle; }
.projo-state.closed { background: #333333; }
.projo-turnout { font-size: 2.6rem; font-weight: 800; line-height: 1.05; color: #003F73; }
.projo-turnout small { display: block; font-size: 1.4rem; font-weight: 600; color: #000000; }
.projo-big { font-size: 2rem; font-weight: 700; line-height: 1.3; }
.projo-qr { display: block; width: 100%; height: auto; image-rendering: pixelated; margin: 0 0 .6rem 0;
            max-height: 45vh; object-fit: contain; object-position: left; }  /* whole on a 720 px screen */
/* The 2 s refresh must not grey the room's screen while phones vote (Streamlit fades stale elements). */
[data-stale="true"] { opacity: 1 !important; transition: none !important; }
.projo-link { font-size: 1.25rem; font-weight: 700; word-break: break-all; }
.projo-countdown { font-size: 2.2rem; font-weight: 800; color: #A63D00; margin: 0; }
.projo-closed { font-size: 2.6rem; font-weight: 800; color: #ffffff; background: #333333;
                border-radius: .5rem; padding: .6rem 1rem; text-align: center; }
.projo-rule { font-size: 1.9rem; font-weight: 800; color: #003F73; margin: 0 0 .2rem 0; }
.projo-howto { font-size: 1.25rem; margin: 0 0 .8rem 0; }
.projo-grades { display: flex; flex-wrap: wrap; gap: .4rem; margin: 0 0 .8rem 0; padding: 0;
                list-style: none; }
.projo-grades li { font-size: 1.3rem; font-weight: 700; border: 2px solid #003F73; border-radius: .4rem;
                   padding: .1rem .6rem; }
.projo-items { font-size: 1.45rem; line-height: 1.25; margin: 0; padding-left: 2.4rem; }
.projo-items li { margin: 0 0 .5rem 0; }
.projo-items .what { font-weight: 700; }
.projo-items .desc { display: block; font-size: 1.05rem; color: #333333; }
@media (max-height: 800px) and (min-width: 641px) {  /* a 1280×720 projector: smaller type */
  h1 { font-size: 2rem !important; }
  .projo-turnout, .projo-closed { font-size: 2rem; }
  .projo-items { font-size: 1.2rem; }
  .projo-rule { font-size: 1.5rem; }
}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: .6rem 1rem 1rem 1rem; }
  h1 { font-size: 1.7rem !important; }
  .projo-big, .projo-rule { font-size: 1.3rem; }
  .projo-turnout, .projo-closed, .projo-countdown { font-size: 1.7rem; }
  .projo-turnout small { font-size: 1.1rem; }
  .projo-items { font-size: 1.1rem; padding-left: 1.6rem; }
  .projo-items .desc, .projo-howto, .projo-grades li { font-size: .95rem; }
}
</style>
"""


def hide_chrome() -> None:
    """Hide the sidebar and the toolbar and set projector-friendly type."""
    st.html(_STYLE)


@st.cache_data(show_spinner=False)
def _qr_data_uri(link: str) -> str:
    return "data:image/png;base64," + base64.b64encode(badges.qr_png(link, scale=10)).decode("ascii")


def join_panel(max_width: int = 260) -> None:
    """The QR code (the column's width, ``max_width`` px at most) and the short address to join the vote."""
    link = badges.join_link()
    st.html(f"<img class='projo-qr' data-testid='projo-qr' style='max-width: {int(max_width)}px' "
            f"src='{_qr_data_uri(link)}' alt='QR code vers {html.escape(link)}'>"
            f"<div class='projo-big'>Scannez pour voter</div>"
            f"<div class='projo-link'>{html.escape(link)}</div>")


def closed_panel() -> None:
    """What replaces the QR code once the round is closed: nobody can vote any more."""
    st.html("<div class='projo-closed' data-testid='projo-closed'>Vote clos</div>"
            "<p class='projo-howto'>Merci de votre participation\u202f!</p>")


def rule_headline(rnd: dict[str, Any]) -> str:
    """Return the round's rule in a few words for the room: « 3 gommettes, au plus 1 par défi »."""
    noun = "défi" if rnd["target"] == "challenges" else "solution"
    if rnd["method"] == "dots":
        dots = french.plural(rnd["dots_per_voter"], "gommette", "gommettes")
        return f"{dots}, au plus {rnd['max_per_item']} par {noun}"
    if rnd["method"] == "approval":
        return f"Approuvez chaque {noun} que vous soutenez"
    return f"Une mention pour chaque {noun}"


def agenda(rnd: dict[str, Any], items: list[dict[str, Any]]) -> None:
    """What is being voted on, before the first ballot: the rule, the grades, the numbered items.

    ``items`` are :func:`labo_dash.rounds.round_items` rows (title, description, challenge of a solution).
    """
    grades = ""
    if rnd["method"] == "majority_judgment":
        grades = "<ul class='projo-grades'>" + "".join(
            f"<li>{html.escape(g)}</li>" for g in (*GRADE_SCALES[rnd["grade_scale"]], "Pas d'avis")
        ) + "</ul>"
    rows = []
    for item in items:
        desc = item["description"] or ""
        if item.get("challenge"):
            desc = f"Défi : {item['challenge']}" + (f" — {desc}" if desc else "")
        rows.append(f"<li><span class='what'>{html.escape(item['title'])}</span>"
                    + (f"<span class='desc'>{html.escape(desc)}</span>" if desc else "") + "</li>")
    st.html(f"<div data-testid='projo-agenda'><p class='projo-rule'>{html.escape(rule_headline(rnd))}</p>"
            f"{grades}<p class='projo-howto'>{html.escape(voting.instructions(rnd))}</p>"
            f"<ol class='projo-items'>{''.join(rows)}</ol></div>")


def _state_line(rnd: dict[str, Any]) -> None:
    state = {"open": "Vote ouvert", "closed": "Vote clos", "draft": "Vote pas encore ouvert"}[rnd["status"]]
    closed = "" if rnd["status"] == "open" else " closed"
    what = "les défis" if rnd["target"] == "challenges" else "les solutions"
    st.html(
        f"<p class='projo-big'><span class='projo-state{closed}'>{html.escape(state)}</span> "
        f"{html.escape(rounds.METHODS[rnd['method']])} sur {what}</p>"
    )


def _countdown_line(rnd: dict[str, Any]) -> None:
    """The time left on a timed vote (server-rendered; the fragment's refresh updates it)."""
    left = rounds.remaining_seconds(rnd)
    if left is not None:
        st.html(f"<p class='projo-countdown' data-testid='projo-countdown'>⏱️ "
                f"{html.escape(rounds.remaining_text(left))} pour voter</p>")


def _reveal(actor: Actor, round_id: int) -> None:
    """Button callback (runs before the fragment redraws): reveal, or keep the French refusal to show."""
    try:
        rounds.set_visibility(connection(), actor, round_id, "hidden", revealed=True)
    except LaboError as exc:
        st.session_state["projo-reveal-error"] = str(exc)


def _reveal_button(rnd: dict[str, Any], actor: Actor) -> None:
    if error := st.session_state.pop("projo-reveal-error", None):
        st.error(error, icon="⚠️")
    if actor.can("rounds.write") and rnd["status"] == "closed":
        st.button("Révéler les résultats", type="primary", icon="🎉", key=f"reveal-{rnd['id']}",
                  on_click=_reveal, args=(actor, rnd["id"]))


@st.cache_data(max_entries=16, show_spinner=False)
def _chart_specs(db_key: str, round_id: int, version: tuple) -> dict[str, dict]:
    """Return the Vega-Lite specs of the projection's charts, built once per results version.

    A refresh without a new ballot then costs no chart building at all: building and validating three
    Altair charts every 2 s took about half a core and slowed the phones' ballots down (bench_load.py).
    """
    data = bundle(round_id)
    rnd, turnout = data["round"], data["turnout"]
    specs = {"turnout": charts.turnout_chart(turnout.voters, turnout.registered, large=True)}
    if rounds.results_visible(rnd) and turnout.voters:
        specs["result"] = result_chart(data, large=True)
        specs["spread"] = charts.objective_spread_strip(data["spread"])
    built = {name: chart.to_dict(validate=False) for name, chart in specs.items()}  # tested in test_charts
    for spec in built.values():  # drawn in SVG: sharp at any projector size, labels readable as text
        spec["usermeta"] = {"embedOptions": {"renderer": "svg"}}
    return built


@st.fragment(run_every=REFRESH_SECONDS)
def live_projection(round_id: int, pinned: bool, actor: Actor) -> None:
    """Draw the round's live results; switch to a newly opened round unless the round is pinned."""
    con = connection()
    if not pinned:
        current = rounds.projected_round(con)
        if current is not None and current["id"] != round_id:
            st.rerun(scope="app")
    live = rounds.get_round(con, round_id)  # read fresh: closes a round past its countdown first
    data = bundle(round_id)
    rnd, turnout = data["round"], data["turnout"]
    specs = _chart_specs(str(db.default_path()), round_id, results.version(con, round_id))
    _state_line(rnd)
    _countdown_line(live)
    before_first = rnd["status"] != "closed" and not turnout.voters
    left, right = st.columns([3, 2] if before_first else [3, 1], gap="large")
    with right:
        share = "" if turnout.share is None else (
            f"<small>{html.escape(french.percent(turnout.share))} de participation</small>"
        )
        st.html(f"<div class='projo-turnout' data-testid='projo-turnout'>{html.escape(turnout.sentence())}"
                f"{share}</div>")
        st.vega_lite_chart(specs["turnout"], width="stretch")
        if rnd["status"] == "closed":
            closed_panel()
        else:
            join_panel(460 if before_first else 260)
    with left:
        if before_first:
            agenda(rnd, rounds.round_items(con, round_id))
        elif not rounds.results_visible(rnd):
            st.html("<div class='projo-big'>🔒 Les résultats sont masqués jusqu'à leur révélation, après la "
                    "clôture du vote.</div>")
            _reveal_button(rnd, actor)
        elif not turnout.voters:
            st.html("<div class='projo-big'>Aucun vote n'a été enregistré dans ce tour.</div>")
        else:
            st.vega_lite_chart(specs["result"], width="stretch")
    if rounds.results_visible(rnd) and turnout.voters:
        st.html("<div class='projo-big'>Le soutien exprimé, réparti sur les cinq objectifs</div>")
        st.vega_lite_chart(specs["spread"], width="stretch")

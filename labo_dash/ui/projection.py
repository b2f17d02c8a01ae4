"""The live projection (/resultats): large type, no sidebar, high contrast, refreshed every 2 s.

The live part is a fragment (``run_every=2``): only it reruns, and its figures come from the cache of
:mod:`labo_dash.ui.results`, recomputed only when a ballot arrives or the round changes state.
"""

from __future__ import annotations

import base64
import html

import streamlit as st

from labo_dash import charts, db, french, rounds, voting
from labo_dash.access import Actor, Permission
from labo_dash.errors import LaboError
from labo_dash.majority import GRADE_SCALES
from labo_dash.reporting import badges
from labo_dash.rounds import RoundStatus, Visibility, VotingMethod
from labo_dash.ui.cache import by_version
from labo_dash.ui.common import connection
from labo_dash.ui.results import RESULTS_TOPICS, bundle, result_chart, titles_version

REFRESH_SECONDS = 2
# The ranking is drawn once per kind of screen and CSS shows the one that fits (Streamlit cannot tell the
# server the viewport's size): a phone's (rows as tall as its wrapped labels, the page scrolls), and
# projected screens' (a page the room cannot scroll): the chart's height is the viewport's height less
# what the page shows above and below it (title, state line, paddings, the demo mode's caption).
# The first chart in the page is the one most screens show (a laptop's, a windowed projector's).
SCREENS = {"short": 720 - 200, "tall": 1080 - 240, "phone": None}  # chart height (px) per screen
_STYLE = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 1rem 2rem .5rem 2rem; max-width: 100%; }
[data-testid="stApp"] { background: #ffffff; color: #000000; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: .6rem; }  /* every pixel counts at 720 */
h1 { font-size: clamp(1.7rem, 4.4vh, 2.8rem) !important; font-weight: 800 !important;
     padding: 0 !important; line-height: 1.2 !important; }
/* Streamlit pulls what follows a title up by 1rem: a title on two lines then hid under the state line. */
[data-testid="stHeading"] [data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
.projo-state { font-size: .8em; font-weight: 700; color: #ffffff; background: #0072B2;
               border-radius: .4rem; padding: .1rem .6rem; margin-right: .6rem; vertical-align: middle; }
.projo-state.closed { background: #333333; }
.projo-headline { font-size: clamp(1.3rem, 3.4vh, 2.2rem); font-weight: 700; line-height: 1.3; margin: 0; }
.projo-turnout { font-size: clamp(1.6rem, 4.2vh, 2.8rem); font-weight: 800; line-height: 1.05;
                 color: #003F73; }
.projo-turnout small { display: block; font-size: clamp(1.05rem, 2.4vh, 1.6rem); font-weight: 600;
                       color: #000000; }
.projo-big { font-size: clamp(1.3rem, 3vh, 2.1rem); font-weight: 700; line-height: 1.3; }
.projo-qr { display: block; width: 100%; height: auto; image-rendering: pixelated; margin: 0 0 .4rem 0;
            max-height: 40vh; object-fit: contain; object-position: left; }
.projo-qr.small { max-height: 20vh; }  /* beside the live results: room for the objectives' strip */
/* The 2 s refresh must not grey the room's screen while phones vote (Streamlit fades stale elements). */
[data-stale="true"] { opacity: 1 !important; transition: none !important; }
.projo-link { font-size: clamp(1.05rem, 2.4vh, 1.6rem); font-weight: 700; word-break: break-all; }
.projo-countdown { font-weight: 800; color: #A63D00; }  /* wraps: a phone is 390 px wide */
.projo-closed { font-size: clamp(1.6rem, 4.2vh, 2.8rem); font-weight: 800; color: #ffffff;
                background: #333333; border-radius: .5rem; padding: .4rem 1rem; text-align: center; }
.projo-thanks { font-size: clamp(1rem, 2.2vh, 1.5rem); margin: .3rem 0 0 0; }
.projo-spread { font-size: clamp(1rem, 2.2vh, 1.5rem); font-weight: 700; margin: 0; }
.projo-rule { font-size: clamp(1.3rem, 3.4vh, 2.3rem); font-weight: 800; color: #003F73;
              margin: 0 0 .2rem 0; }
.projo-howto { font-size: clamp(1rem, 2.4vh, 1.6rem); margin: 0 0 .6rem 0; }
.projo-grades { display: flex; flex-wrap: wrap; gap: .4rem; margin: 0 0 .6rem 0; padding: 0;
                list-style: none; }
.projo-grades li { font-size: clamp(1rem, 2.4vh, 1.6rem); font-weight: 700; border: 2px solid #003F73;
                   border-radius: .4rem; padding: .05rem .6rem; }
.projo-items { font-size: clamp(1.1rem, 2.7vh, 1.8rem); line-height: 1.25; margin: 0; padding-left: 2.4rem; }
.projo-items li { margin: 0 0 .4rem 0; break-inside: avoid; }
.projo-items .what { font-weight: 700; }
.projo-items .desc { display: block; font-size: .75em; color: #333333; }
.projo-items.many { columns: 2; column-gap: 2.6rem; font-size: clamp(1rem, 2.3vh, 1.6rem); }
.projo-items.many li { margin-bottom: .3rem; }
.projo-items.many .desc { display: none; }  /* many items on a screen nobody scrolls: the titles only */
.projo-more { font-size: clamp(1rem, 2.4vh, 1.6rem); font-weight: 700; margin: .2rem 0 0 0; }
/* One ranking per kind of screen (see SCREENS): a phone's, a short projected screen's, a tall one's. */
.st-key-projo-result-phone, .st-key-projo-result-tall { display: none !important; }
@media (min-width: 641px) and (min-height: 1000px) {
  .st-key-projo-result-short { display: none !important; }
  .st-key-projo-result-tall { display: block !important; }
}
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: .6rem 1rem 1rem 1rem; }
  h1 { font-size: 1.7rem !important; }
  .projo-big, .projo-rule, .projo-headline { font-size: 1.3rem; }
  .projo-headline { overflow-wrap: anywhere; }
  .projo-countdown { display: block; margin-top: .3rem; }  /* its own line(s) under the state */
  .projo-turnout, .projo-closed { font-size: 1.7rem; }
  .projo-turnout small { font-size: 1.1rem; }
  .projo-items, .projo-items.many { font-size: 1.1rem; padding-left: 1.6rem; columns: 1; }
  .projo-items.many .desc { display: block; }  /* a phone scrolls: the descriptions too */
  .projo-items .desc, .projo-howto, .projo-grades li { font-size: .95rem; }
  .st-key-projo-result-short, .st-key-projo-result-tall { display: none !important; }
  .st-key-projo-result-phone { display: block !important; }
}
</style>
"""
MANY_ITEMS = 8  # more items than this before the first ballot: two columns, titles only (but on a phone)
AGENDA_MAX = 20  # at most this many items listed before the first ballot (the others counted)


def hide_chrome() -> None:
    """Hide the sidebar and the toolbar and set projector-friendly type."""
    st.html(_STYLE)


@st.cache_data(show_spinner=False)
def _qr_data_uri(link: str) -> str:
    return "data:image/png;base64," + base64.b64encode(badges.qr_png(link, scale=10)).decode("ascii")


def join_panel(small: bool = False) -> None:
    """The QR code (the column's width, at most 40 % of the screen's height, 20 % when ``small``) and the
    short address to join the vote."""
    link = badges.join_link()
    st.html(f"<img class='projo-qr{' small' if small else ''}' data-testid='projo-qr' "
            f"src='{_qr_data_uri(link)}' alt='QR code vers {html.escape(link)}'>"
            f"<div class='projo-big'>Scannez pour voter</div>"
            f"<div class='projo-link'>{html.escape(link)}</div>")


def closed_panel() -> None:
    """What replaces the QR code once the round is closed: nobody can vote any more."""
    st.html("<div class='projo-closed' data-testid='projo-closed'>Vote clos</div>"
            "<p class='projo-thanks'>Merci de votre participation\u202f!</p>")


def rule_headline(rnd: rounds.Round) -> str:
    """Return the round's rule in a few words for the room: « 3 gommettes, au plus 1 par défi »."""
    noun = "défi" if rnd.target == "challenges" else "solution"
    if rnd.method == VotingMethod.DOTS:
        dots = french.plural(rnd.dots_per_voter, "gommette", "gommettes")
        return f"{dots}, au plus {rnd.max_per_item} par {noun}"
    if rnd.method == VotingMethod.APPROVAL:
        return f"Approuvez chaque {noun} que vous soutenez"
    return f"Une mention pour chaque {noun}"


def agenda(rnd: rounds.Round, items: list[rounds.RoundItem]) -> None:
    """What is being voted on, before the first ballot: the rule, the grades, the numbered items.

    ``items`` are :func:`labo_dash.rounds.round_items` rows (title, description, challenge of a solution).
    More than MANY_ITEMS: two columns, the descriptions only on a phone (a projected page must fit its
    screen); more than AGENDA_MAX: the first ones, and how many others are on the phones' ballot.
    """
    grades = ""
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        grades = "<ul class='projo-grades'>" + "".join(
            f"<li>{html.escape(g)}</li>" for g in (*GRADE_SCALES[rnd.grade_scale], "Pas d'avis")
        ) + "</ul>"
    rows = []
    for item in items[:AGENDA_MAX]:
        desc = item.description or ""
        if item.challenge:
            desc = f"Défi : {item.challenge}" + (f" — {desc}" if desc else "")
        desc = f"<span class='desc'>{html.escape(desc)}</span>" if desc else ""
        rows.append(f"<li><span class='what'>{html.escape(item.title)}</span>{desc}</li>")
    many = " many" if len(items) > MANY_ITEMS else ""
    more = ""
    if len(items) > AGENDA_MAX:
        others = len(items) - AGENDA_MAX
        more = (f"<p class='projo-more' data-testid='projo-more'>… et {french.number(others)} "
                f"autre{'s' if others > 1 else ''} : la liste complète est sur votre téléphone.</p>")
    st.html(f"<div data-testid='projo-agenda'><p class='projo-rule'>{html.escape(rule_headline(rnd))}</p>"
            f"{grades}<p class='projo-howto'>{html.escape(voting.instructions(rnd))}</p>"
            f"<ol class='projo-items{many}'>{''.join(rows)}</ol>{more}</div>")


def _state_line(rnd: rounds.Round, live: rounds.Round) -> None:
    """The round's state and method, and the time left on a timed vote (from ``live``, the round read
    fresh; server-rendered, the fragment's refresh updates it)."""
    states = {
        RoundStatus.OPEN: "Vote ouvert",
        RoundStatus.CLOSED: "Vote clos",
        RoundStatus.DRAFT: "Vote pas encore ouvert",
    }
    state = states[rnd.status]
    closed = "" if rnd.status == RoundStatus.OPEN else " closed"
    what = "les défis" if rnd.target == "challenges" else "les solutions"
    left = rounds.remaining_seconds(live)
    count = (f" · {rounds.present_votes(connection(), rnd.id).sentence()}"  # closes when all voted
             if live.close_when_all_voted else "")
    countdown = "" if left is None else (
        f" · <span class='projo-countdown' data-testid='projo-countdown'>⏱️ "
        f"{html.escape(rounds.remaining_text(left))} pour voter{html.escape(count)}</span>"
    )
    st.html(
        f"<p class='projo-headline'><span class='projo-state{closed}'>{html.escape(state)}</span> "
        f"{html.escape(rounds.METHODS[rnd.method])} sur {what}{countdown}</p>"
    )


def _reveal(actor: Actor, round_id: int) -> None:
    """Button callback (runs before the fragment redraws): reveal, or keep the French refusal to show."""
    try:
        rounds.set_visibility(connection(), actor, round_id, Visibility.HIDDEN, revealed=True)
    except LaboError as exc:
        st.session_state["projo-reveal-error"] = str(exc)


def _reveal_button(rnd: rounds.Round, actor: Actor) -> None:
    if error := st.session_state.pop("projo-reveal-error", None):
        st.error(error, icon="⚠️")
    if actor.can(Permission.ROUNDS_WRITE) and rnd.status == RoundStatus.CLOSED:
        st.button("Révéler les résultats", type="primary", icon="🎉", key=f"reveal-{rnd.id}",
                  on_click=_reveal, args=(actor, rnd.id))


@by_version(*RESULTS_TOPICS, max_entries=16)
def _chart_specs(con: db.Connection, round_id: int, titles: tuple[int, ...]) -> dict[str, dict]:
    """Return the Vega-Lite specs of the projection's charts, built once per results version.

    A refresh without a new ballot then costs no chart building at all: building and validating three
    Altair charts every 2 s took about half a core and slowed the phones' ballots down (bench_load.py).
    The ranking is built once per kind of screen (``result-short``, ``result-tall``, ``result-phone``).
    """
    data = bundle(round_id)
    rnd, turnout = data["round"], data["turnout"]
    specs = {"turnout": charts.turnout_chart(turnout.voters, turnout.registered, large=True)}
    if rounds.results_visible(rnd) and turnout.voters:
        for screen, height in SCREENS.items():
            specs[f"result-{screen}"] = result_chart(data, large=True, height=height)
        specs["spread"] = charts.objective_spread_strip(data["spread"], height=56)
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
        if current is not None and current.id != round_id:
            st.rerun(scope="app")
    live = rounds.get_round(con, round_id)  # read fresh: closes a round past its countdown first
    data = bundle(round_id)
    rnd, turnout = data["round"], data["turnout"]
    specs = _chart_specs(con, round_id, titles_version(con, round_id))
    _state_line(rnd, live)
    before_first = rnd.status != RoundStatus.CLOSED and not turnout.voters
    shown = rounds.results_visible(rnd) and turnout.voters > 0
    left, right = st.columns([3, 2] if before_first else [3, 1], gap="large")
    with right:
        share = "" if turnout.share is None else (
            f"<small>{html.escape(french.percent(turnout.share))} de participation</small>"
        )
        st.html(f"<div class='projo-turnout' data-testid='projo-turnout'>{html.escape(turnout.sentence())}"
                f"{share}</div>")
        # beside the QR code and the results: the sentence only
        if not (shown and rnd.status == RoundStatus.OPEN):
            st.vega_lite_chart(specs["turnout"], width="stretch")
        if rnd.status == RoundStatus.CLOSED:
            closed_panel()
        else:
            join_panel(small=shown)
        if shown:  # beside the ranking, so that the ranking has the screen's whole height
            st.html("<p class='projo-spread'>Soutien par objectif</p>")
            st.vega_lite_chart(specs["spread"], width="stretch")
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
            for screen in SCREENS:
                with st.container(key=f"projo-result-{screen}"):
                    st.vega_lite_chart(specs[f"result-{screen}"], width="stretch")

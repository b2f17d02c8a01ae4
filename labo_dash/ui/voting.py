"""The participant's side of /vote: personal code, walk-in registration and the ballot form.

Every choice sits inside an ``st.form``: choosing costs no server round trip, only the submit does. The
widgets keep their values in session state (keys carry the round and participant), so a refused ballot
keeps what was chosen.
"""

from __future__ import annotations

import streamlit as st

from labo_dash import db, participants, rounds, voting
from labo_dash.access import ANONYMOUS, PARTICIPANT, Actor
from labo_dash.errors import LaboError, ValidationError
from labo_dash.french import PARTICIPANT_KINDS
from labo_dash.majority import GRADE_SCALES, NO_OPINION
from labo_dash.rounds import RoundStatus, VotingMethod
from labo_dash.settings import get_setting
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import field_error

WALK_IN = Actor(ANONYMOUS, "inscription sur place")
NEW_CODE_KEY = "vote_new_code"
COUNTDOWN_REFRESH = 1  # seconds between two redraws of a timed vote's countdown


def participant_actor(person: participants.Participant) -> Actor:
    """Return the actor of a participant identified by their personal code (recorded in the audit log)."""
    return Actor(PARTICIPANT, f"{person.name} (participant·e n° {person.id})")


def code_form() -> None:
    """Ask for the personal code; a valid-looking code goes into the link (``?code=``) and the page reruns."""
    with st.form("vote_code"):
        typed = st.text_input(
            "Votre code personnel", max_chars=12, placeholder="Ex. : ABCD 2345", key="vote_code_typed",
            help="Les 8 caractères inscrits sur votre badge, sous le QR code.",
        )
        submitted = st.form_submit_button("Accéder au vote", type="primary", icon="🗳️", width="stretch")
    if submitted:
        code = voting.normalise_code(typed)
        if len(code) != participants.CODE_LENGTH:
            st.error(f"Un code compte {participants.CODE_LENGTH} caractères (lettres et chiffres) : "
                     "vérifiez votre badge.", icon="✋")
            return
        st.query_params["code"] = code
        st.rerun()


def self_registration_form(con: db.Connection) -> None:
    """Let a walk-in register when organisers allow it; the new code goes into the link at once."""
    if not get_setting(con, participants.SELF_REGISTRATION):
        st.caption("Pas de badge ? Demandez votre code personnel à l'accueil du séminaire.")
        return
    st.subheader("Pas de badge ? Inscrivez-vous")
    errors: dict[str, str] = st.session_state.get("vote_signup_errors", {})
    with st.form("vote_signup"):
        st.text_input("Prénom et nom", key="vote_signup_name")
        field_error(errors, "name")
        st.text_input("Structure", key="vote_signup_structure")
        st.selectbox("Vous êtes", list(PARTICIPANT_KINDS), index=None,
                     format_func=PARTICIPANT_KINDS.__getitem__,
                     placeholder="Choisissez", key="vote_signup_kind")
        field_error(errors, "kind")
        st.text_input("Territoire", key="vote_signup_territory",
                      placeholder="Ex. : Bretagne")
        field_error(errors, "form")
        submitted = st.form_submit_button("M'inscrire et recevoir mon code", icon="🎫", width="stretch")
    if not submitted:
        return
    state = st.session_state
    values = {"name": state.vote_signup_name, "structure": state.vote_signup_structure,
              "kind": state.vote_signup_kind or "", "territory": state.vote_signup_territory}
    try:
        created = participants.self_register(con, WALK_IN, values)
    except ValidationError as exc:
        state["vote_signup_errors"] = {**exc.fields, "form": str(exc)}
        st.rerun()
    state["vote_signup_errors"] = {}
    state[NEW_CODE_KEY] = created.code
    st.query_params["code"] = created.code
    st.rerun()


def show_new_code() -> None:
    """Right after a self-registration: show the new code, to note down."""
    code = st.session_state.pop(NEW_CODE_KEY, None)
    if code:
        st.success(
            f"Vous êtes inscrit·e. Votre code personnel : **{code[:4]} {code[4:]}**. Notez-le : il vous "
            "permet de revenir voter (il est aussi dans l'adresse de cette page, que vous pouvez garder "
            "en favori).",
            icon="🎫",
        )


def _init_state(prefix: str, rnd: rounds.Round, items: list[rounds.RoundItem], saved: dict | None) -> None:
    """Fill the widgets' state once, from the participant's current ballot (or empty)."""
    state = st.session_state
    if state.get(f"{prefix}-loaded"):
        return
    saved = saved or {}
    for item in items:
        value, contribute = saved.get(item.id, (None, False))
        if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
            state[f"{prefix}-v-{item.id}"] = rnd.grade_scale if value is None else value
        elif rnd.method == VotingMethod.DOTS and rnd.max_per_item > 1:
            state[f"{prefix}-v-{item.id}"] = value or 0
        else:
            state[f"{prefix}-v-{item.id}"] = bool(value)
        state[f"{prefix}-c-{item.id}"] = bool(contribute)
    state[f"{prefix}-loaded"] = True


def _item_widgets(prefix: str, rnd: rounds.Round, item: rounds.RoundItem) -> None:
    key = f"{prefix}-v-{item.id}"
    title = md_escape(item.title)  # widget labels render markdown
    if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
        grades = GRADE_SCALES[rnd.grade_scale]
        labels = [*grades, NO_OPINION]
        st.pills(title, list(range(len(labels))), format_func=labels.__getitem__, key=key,
                 help=item.description or None)
    elif rnd.method == VotingMethod.DOTS and rnd.max_per_item > 1:
        st.segmented_control(title, list(range(rnd.max_per_item + 1)), key=key,
                             format_func=lambda n: "Aucune" if n == 0 else "●" * n,
                             help=item.description or None)
    else:  # the whole title is the touch target
        st.checkbox(title, key=key, help=item.description or None)
    if item.challenge:
        st.caption(f"Défi : {md_escape(item.challenge)}")
    if rnd.target == "solutions":
        st.checkbox("🙋 Je veux contribuer à sa mise en œuvre", key=f"{prefix}-c-{item.id}")


def _choices(prefix: str, rnd: rounds.Round, items: list[rounds.RoundItem]) -> dict[int, tuple[int, bool]]:
    state = st.session_state
    choices = {}
    for item in items:
        raw = state.get(f"{prefix}-v-{item.id}")
        if rnd.method == VotingMethod.MAJORITY_JUDGMENT:
            value = rnd.grade_scale if raw is None else int(raw)
        else:
            value = int(raw or 0)
        choices[item.id] = (value, bool(state.get(f"{prefix}-c-{item.id}")))
    return choices


def _dots_left(rnd: rounds.Round, ballot: dict[int, tuple[int, bool]]) -> str:
    """Return `` : 2 gommettes placées, il vous en reste 1`` for a dot-voting ballot, else ""."""
    if rnd.method != VotingMethod.DOTS:
        return ""
    used = sum(value for value, _ in ballot.values())
    left = rnd.dots_per_voter - used
    if not left:
        return f" : vous avez placé vos {used} gommettes" if used > 1 else " : vous avez placé votre gommette"
    placed = f"{used} gommette placée" if used == 1 else f"{used} gommettes placées"
    return f" : {placed}, il vous en reste {left}"


@st.fragment(run_every=COUNTDOWN_REFRESH)
def _countdown(con: db.Connection, round_id: int) -> None:
    """A timed vote's time left, redrawn every second (the ballot form around it keeps its choices).

    Once the round is no longer open (its countdown ended, or organisers closed it), the whole page reruns:
    the ballot gives way to the close message, nobody keeps editing a ballot that would be refused."""
    rnd = rounds.get_round(con, round_id)  # closes the round first when its countdown has ended
    if rnd.status != RoundStatus.OPEN:
        st.rerun()  # from a fragment: the whole page
    left = rounds.remaining_seconds(rnd)
    if left is not None:
        st.warning(f"{rounds.remaining_text(left)} pour voter.", icon="⏱️")


def ballot_form(con: db.Connection, rnd: rounds.Round, person: participants.Participant) -> None:
    """Show the open round's ballot for ``person`` and record it on submit (one transaction)."""
    items = rounds.round_items(con, rnd.id)
    saved = voting.current_ballot(con, rnd.id, person.id)
    prefix = f"ballot-{rnd.id}-{person.id}"
    _init_state(prefix, rnd, items, saved)
    st.subheader(md_escape(rnd.title))
    if rnd.closes_at is not None:
        _countdown(con, rnd.id)
    st.markdown(voting.instructions(rnd))
    if saved is not None:
        st.info(f"Votre vote est enregistré{_dots_left(rnd, saved)}. Vous pouvez le modifier jusqu'à la "
                "clôture : seul le dernier compte.", icon="✅")
    with st.form(prefix):
        for item in items:
            with st.container(border=True):
                _item_widgets(prefix, rnd, item)
        submitted = st.form_submit_button("Enregistrer mon vote", type="primary", icon="🗳️",
                                          width="stretch")
    if not submitted:
        return
    try:
        receipt = voting.submit_ballot(con, participant_actor(person), rnd.id, person.code,
                                       _choices(prefix, rnd, items))
    except LaboError as exc:
        st.error(str(exc), icon="⚠️")
        return
    left = _dots_left(rnd, voting.current_ballot(con, rnd.id, person.id) or {})
    if receipt.changed:
        st.success(f"Merci ! Votre vote est enregistré{left}. Vous pouvez le modifier jusqu'à la clôture.",
                   icon="✅")
        st.toast("Vote enregistré", icon="✅")
    else:
        st.info("Votre vote était déjà enregistré à l'identique : rien n'a changé.", icon="👌")

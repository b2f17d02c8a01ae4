"""/admin › « Tours de vote »: the buttons acting on one round, and the message each leaves for the next run.

A button runs its domain write in a callback (:func:`act`); its French outcome is kept in the session and
shown at the top of the tab on the next run (:func:`show_messages`). The lifecycle buttons
(labo_dash.rounds.lifecycle: reference round, rehearsal, archive, delete) say why they are disabled, and ask
for a confirmation when the step moves support to another round (signature.support_move_warning).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import streamlit as st

from labo_dash import db, rounds, signature
from labo_dash.access import Actor
from labo_dash.errors import LaboError
from labo_dash.ui.common import md_escape

_MESSAGES = "_rounds_admin_messages"
OPEN_FIRST = "Ce tour est ouvert : clôturez-le d'abord."


def flash(kind: str, message: str) -> None:
    """Keep a message (``kind`` "success" or "error") for :func:`show_messages` on the next run."""
    st.session_state.setdefault(_MESSAGES, []).append((kind, message))


def show_messages() -> None:
    """Show, once, the messages kept by :func:`flash`."""
    for kind, message in st.session_state.pop(_MESSAGES, []):
        (st.success if kind == "success" else st.error)(message, icon="✅" if kind == "success" else "⚠️")


def act(action: Callable[..., object], *args: Any, done: str) -> None:
    """Button callback: run a domain write; keep its French outcome (``done``, or the error) for the next
    run."""
    try:
        action(*args)
    except LaboError as exc:
        flash("error", str(exc))
    else:
        flash("success", done)


class _Toggle(NamedTuple):
    """One side of a lifecycle toggle (rehearsal, archive): the button that sets it to the other side."""

    label: str
    key: str
    icon: str
    done: str
    help: str | None = None
    why_not: str | None = None  # the reason the button is disabled


def lifecycle_buttons(con: db.Connection, actor: Actor, rnd: rounds.RoundSummary) -> None:
    """Reference round, rehearsal, archive and delete, in one row."""
    row = st.container(horizontal=True)
    rid, title, archived = rnd.id, md_escape(rnd.title), rnd.archived_at is not None
    if rnd.target == "challenges" and not rnd.rehearsal and not archived:
        _reference_button(row, con, actor, rnd)
    # The automatic support round about to stop counting: say where support goes, and confirm first.
    warning = (None if archived or rnd.rehearsal or rnd.reference
               else signature.support_move_warning(con, rid))
    reference_first = rounds.REFERENCE_FIRST if rnd.reference else None
    toggles = (
        (rounds.set_rehearsal, bool(rnd.rehearsal),
         _Toggle("Ce n'est plus un tour d'essai", "real", "✅",
                 f"« {title} » compte de nouveau (soutien, rapports, exports)."),
         _Toggle("Marquer comme tour d'essai", "rehearsal", "🧪",
                 f"« {title} » est un tour d'essai : il ne compte plus nulle part.",
                 "Un tour d'essai ne sert jamais au soutien, aux rapports ni aux exports.", reference_first)),
        (rounds.set_archived, archived,
         _Toggle("Désarchiver", "unarchive", "📤", f"« {title} » est de nouveau affiché."),
         _Toggle("Archiver", "archive", "🗄️", f"« {title} » est archivé : il n'apparaît plus qu'ici.",
                 "Masqué partout, conservé dans la base et le journal.",
                 OPEN_FIRST if rnd.status == "open" else reference_first)),
    )
    for action, on, undo, do in toggles:
        button = undo if on else do
        _confirmed_button(row, button, rid, None if on else warning, (action, con, actor, rid, not on))
    _delete_button(row, con, actor, rnd, warning)


def _reference_button(
    row: Any, con: db.Connection, actor: Actor, rnd: rounds.RoundSummary
) -> None:
    """Choose the round as the reference for support, or go back to the automatic choice."""
    rid = rnd.id
    if rnd.reference:
        row.button("Revenir au choix automatique", key=f"unref-{rid}", icon="↩️",
                   help="Le soutien viendra du tour sur les défis qui a réuni le plus de votant·e·s.",
                   on_click=act, args=(rounds.set_reference_round, con, actor, None),
                   kwargs={"done": "Le soutien aux défis vient de nouveau du choix automatique."})
    else:
        row.button("Choisir comme tour de référence", key=f"ref-{rid}", icon="⭐",
                   help="Le soutien aux défis (accueil, suivi, partenaires, rapport) viendra de ce tour.",
                   on_click=act, args=(rounds.set_reference_round, con, actor, rid),
                   kwargs={"done": f"« {md_escape(rnd.title)} » est le tour de référence pour le soutien "
                           "aux défis."})


def _delete_button(
    row: Any, con: db.Connection, actor: Actor, rnd: rounds.RoundSummary, warning: str | None
) -> None:
    """Delete, confirmed in a popover; disabled with its reason once a ballot exists."""
    rid, title = rnd.id, md_escape(rnd.title)
    why_not = ("Ce tour a reçu des bulletins : archivez-le plutôt (tout est conservé)." if rnd.voters else
               OPEN_FIRST if rnd.status == "open" else
               rounds.REFERENCE_FIRST if rnd.reference else None)
    if why_not:
        row.button("Supprimer", key=f"delete-off-{rid}", icon="🗑️", disabled=True, help=why_not)
        return
    with row.popover("Supprimer", icon="🗑️"):
        st.markdown(f"Supprimer définitivement le tour « {title} » ? Il n'a reçu aucun "
                    "bulletin ; le journal garde la trace de la suppression.")
        if warning:
            st.warning(md_escape(warning), icon="⭐")
        st.button("Supprimer ce tour", key=f"delete-{rid}", type="primary",
                  on_click=act, args=(rounds.delete_round, con, actor, rid),
                  kwargs={"done": f"Tour « {title} » supprimé."})


def _confirmed_button(
    row: Any, button: _Toggle, round_id: int, warning: str | None, action: tuple[Any, ...]
) -> None:
    """One lifecycle button of round ``round_id``: disabled with its reason (``why_not``), asking for
    confirmation in a popover when it moves support (``warning``, signature.support_move_warning), else a
    plain button; ``action`` is the callback's domain write and its arguments."""
    key = f"{button.key}-{round_id}"
    done = {"done": button.done}
    if button.why_not:
        row.button(button.label, key=key, icon=button.icon, disabled=True, help=button.why_not)
    elif warning:
        with row.popover(button.label, icon=button.icon, help=button.help):
            st.warning(md_escape(warning), icon="⭐")
            st.button(f"Confirmer : {button.label[0].lower()}{button.label[1:]}", key=key, type="primary",
                      on_click=act, args=action, kwargs=done)
    else:
        row.button(button.label, key=key, icon=button.icon, help=button.help, on_click=act, args=action,
                   kwargs=done)

"""Form feedback shared by the follow-up pages: messages that survive a rerun, errors next to fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from labo_dash.errors import ImportRejected, LaboError, ValidationError
from labo_dash.ui.common import md_escape

_FLASH = "_flash_messages"


def flash(message: str, kind: str = "success") -> None:
    """Keep a message to show at the next run (after ``st.rerun()``)."""
    st.session_state.setdefault(_FLASH, []).append((kind, message))


def show_flash() -> None:
    """Show (once) the messages kept by :func:`flash` (user text in them is shown as text).

    The messages go in one container that is drawn even when empty: the elements below keep their
    place in the page, so that tabs further down keep the tab the user had open.
    """
    box = st.container()
    for kind, message in st.session_state.pop(_FLASH, []):
        if kind == "success":
            box.success(md_escape(message), icon="✅")
        else:
            box.warning(md_escape(message), icon="⚠️")


def show_errors(error: LaboError, slots: Mapping[str, Any] | None = None) -> None:
    """Show a refusal, the one way of every form that checks on submit and of every file import.

    The summary of ``error`` (any LaboError; « Fichier refusé : … » for an ImportRejected), then each
    field's message (``ValidationError.fields``) in that field's slot (an ``st.empty`` under the field,
    from ``slots``) or under the summary, then a refused file's bad rows as a table (Ligne, Problème).
    """
    refused = isinstance(error, ImportRejected)
    st.error(md_escape(f"Fichier refusé : {error}" if refused else str(error)), icon="⚠️")
    fields = error.fields if isinstance(error, ValidationError) else {}
    for field, message in fields.items():
        slot = (slots or {}).get(field)
        (st if slot is None else slot).error(md_escape(message))
    if isinstance(error, ImportRejected) and error.rows:
        rows = pd.DataFrame(error.rows, columns=["Ligne", "Problème"])
        st.dataframe(rows, hide_index=True, width="stretch")


def field_error(errors: Mapping[str, str], field: str, icon: str = "✋") -> None:
    """Show the message kept for ``field`` in ``errors`` (if any) where it is called, under its widget.

    The one way of the forms whose submit callback keeps the errors in the session state for the next
    run (``ValidationError.fields``, plus ``"form"`` for the summary); the text is the domain's, shown as is.
    """
    if field in errors:
        st.error(errors[field], icon=icon)


def saved(message: str, *forms: str) -> NoReturn:
    """End a successful save: keep ``message`` for the next run (:func:`flash`), empty the forms named
    ``forms`` (:func:`next_version`) and rerun the page."""
    flash(message)
    for form in forms:
        next_version(form)
    st.rerun()


def field_errors(error: LaboError, unplaced: str = "form") -> dict[str, str]:
    """Return the messages of a refused write by form slot, kept in the session until the next run: a
    ValidationError's own messages by field (its summary in ``unplaced`` when it names no field), any
    other refusal (permission, a record gone meanwhile) in ``form``."""
    if isinstance(error, ValidationError):
        return error.fields or {unplaced: str(error)}
    return {"form": str(error)}


def next_version(name: str) -> None:
    """Bump the version a form's widget keys carry, so that the form shows empty fields at the next run."""
    st.session_state[name] = st.session_state.get(name, 0) + 1


def version(name: str) -> int:
    """Return the current version of a form's widget keys."""
    return st.session_state.get(name, 0)

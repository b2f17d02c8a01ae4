"""Form feedback shared by the follow-up pages: messages that survive a rerun, errors next to fields."""

from __future__ import annotations

from typing import Any

import streamlit as st

from labo_dash.errors import LaboError, ValidationError
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


def show_errors(error: ValidationError, slots: dict[str, Any]) -> None:
    """Show the summary of ``error`` and each field's message in that field's slot (an ``st.empty``)."""
    st.error(md_escape(str(error)), icon="⚠️")
    for field, message in error.fields.items():
        slot = slots.get(field)
        if slot is not None:
            slot.error(md_escape(message))
        else:
            st.error(md_escape(message))


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

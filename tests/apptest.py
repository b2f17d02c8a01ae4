"""AppTest helper: run the whole app on one page, as a visitor following a link would."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def open_page(script: str, query: dict[str, str] | None = None) -> AppTest:
    """Run the app on page ``script`` (``pages/vote.py``) with ``query``; fail on an exception.

    The database is the one of ``LABO_DB`` (the ``app_db`` fixture points it at a private demo copy).
    """
    at = AppTest.from_file("../app.py", default_timeout=60)
    at.query_params.update(query or {})
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def form_key(at: AppTest, start: str) -> str:
    """Return the key of the one form shown whose key starts with ``start`` (« update_2_ »), read from its
    submit button (``FormSubmitter:<key>-<label>``): the card's forms carry a data mark in their keys."""
    keys = {b.key.removeprefix("FormSubmitter:").rsplit("-", 1)[0] for b in at.button
            if b.key and b.key.startswith(f"FormSubmitter:{start}")}
    assert len(keys) == 1, keys
    return keys.pop()

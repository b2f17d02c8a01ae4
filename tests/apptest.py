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

"""The fast set (`make test-fast`, ``-m "not browser"``) never starts a Streamlit server or Chromium."""

from __future__ import annotations

import pytest

from tests.conftest import Server


def test_a_server_started_without_its_fixture_is_refused(fresh_db):
    # This test is not marked browser: a server started by hand would slip into the fast set.
    with pytest.raises(RuntimeError, match="start_server"):
        Server(fresh_db)


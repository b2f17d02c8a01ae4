"""Voter: the participant's ballot, reached with a personal code (``/vote?code=CODE``), phone first."""

import streamlit as st

from labo_dash import participants, rounds, voting
from labo_dash.ui.barometer import barometer_form
from labo_dash.ui.common import connection, md_escape, page_header
from labo_dash.ui.voting import (
    ballot_form,
    code_form,
    participant_actor,
    self_registration_form,
    show_new_code,
)

con = connection()
page_header("🗳️ Voter", "Positionnez-vous sur les défis et les solutions du séminaire.")

code = st.query_params.get("code", "")
person = participants.participant_by_code(con, code) if code else None
if person is None:
    if code:
        st.error(voting.UNKNOWN_CODE, icon="🔑")
    code_form()
    self_registration_form(con)
    st.stop()

show_new_code()
st.markdown(f"Bonjour **{md_escape(person.name)}** !")
rnd = rounds.open_round(con, person.seminar_id)
if rnd is None:
    st.info(md_escape(rounds.waiting_message(con, person.seminar_id)), icon="⏳")
    st.button("Actualiser", icon="🔄")
else:
    ballot_form(con, rnd, person)

with st.expander("🌡️ Baromètre des territoires (facultatif)"):
    barometer_form(
        con, participant_actor(person), participant_id=person.id, key=f"barometer-{person.id}"
    )

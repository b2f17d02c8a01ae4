"""/admin, tab « Participant·e·s et badges »: register, import, walk-in setting, badges PDF, the list with
who is present (checked in; saved in one write, participants.set_presence)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from labo_dash import clock, db, french, network, participants, seminar, settings
from labo_dash.access import Actor
from labo_dash.errors import ImportRejected, LaboError, ValidationError
from labo_dash.french import PARTICIPANT_KINDS, number, participant_kind
from labo_dash.reporting import badges
from labo_dash.ui.common import md_escape
from labo_dash.ui.feedback import field_error, show_errors

FIELDS = {"name": "Prénom et nom", "structure": "Structure", "kind": "Type de participant",
          "territory": "Territoire", "email": "Adresse électronique (facultative)"}


def participants_tab(con: db.Connection, actor: Actor) -> None:
    """Draw the whole tab."""
    people = participants.list_participants(con)
    walk_ins = int(people["self_registered"].sum()) if len(people) else 0
    cols = st.columns(3)
    cols[0].metric("Inscrit·e·s", number(len(people)))
    cols[1].metric("Dont inscrit·e·s sur place", number(walk_ins))
    cols[2].metric("Types de participant", number(people["kind"].nunique() if len(people) else 0))
    left, right = st.columns(2, gap="large")
    with left:
        _register_form(con, actor)
        _walk_in_setting(con, actor)
    with right:
        _import_section(con, actor)
        _badges_section(con, people)
    st.subheader("Liste des inscrit·e·s")
    if people.empty:
        st.info("Personne n'est encore inscrit : ajoutez des personnes ci-dessus ou importez un fichier.")
        return
    _presence_list(con, actor, people)


_PRESENCE_MESSAGE = "_presence_message"


def _save_presence(con: db.Connection, actor: Actor, present_ids: list[int]) -> None:
    """Save who is present in one write; keep a French message for the next run."""
    try:
        changed = participants.set_presence(con, actor, present_ids)
    except LaboError as exc:
        st.session_state[_PRESENCE_MESSAGE] = ("error", str(exc))
        return
    done = (f"Présences enregistrées ({number(changed)} changement{'s' if changed > 1 else ''}) : "
            if changed else "Aucun changement : ")
    st.session_state[_PRESENCE_MESSAGE] = ("success", done + participants.presence(con).sentence() + ".")


def _presence_list(con: db.Connection, actor: Actor, people: pd.DataFrame) -> None:
    """The list of registered people, with a « Présent·e » check box each, saved in one write."""
    kind, message = st.session_state.pop(_PRESENCE_MESSAGE, (None, ""))
    if kind:
        (st.success if kind == "success" else st.error)(message, icon="✅" if kind == "success" else "⚠️")
    count = participants.presence(con)
    st.markdown(f"**{count.sentence()}**")
    st.caption("Une personne est présente aujourd'hui dès qu'elle ouvre sa page de vote ou de contribution "
               "avec son code, s'inscrit sur place ou vote (une arrivée d'un autre jour, à une répétition, "
               "ne compte pas) ; cochez ici celles qui votent autrement. « Clore quand tout le monde a "
               "voté » attend les présent·e·s seulement.")
    zone = clock.zone(con)
    arrived = [None if pd.isna(t) else french.datetime(clock.local(t, zone)) for t in people["checked_in_at"]]
    table = pd.DataFrame({
        "Présent·e": people["present"], "Arrivée": arrived, "Nom": people["name"],
        "Structure": people["structure"], "Type": [participant_kind(k) for k in people["kind"]],
        "Territoire": people["territory"], "Code": people["code"],
        "Inscription sur place": people["self_registered"],
    })
    table.index = people["id"]
    with st.form("presence", border=False):
        edited = st.data_editor(
            table, hide_index=True, width="stretch",
            disabled=[c for c in table.columns if c != "Présent·e"],
            column_config={
                "Présent·e": st.column_config.CheckboxColumn(
                    "Présent·e", help="Présent·e aujourd'hui : cochez les personnes présentes, "
                                      "puis enregistrez."),
                "Arrivée": st.column_config.TextColumn(
                    "Arrivée", help="Dernière arrivée enregistrée (heure locale du séminaire) ; une arrivée "
                                    "d'un autre jour ne compte pas comme présence aujourd'hui."),
            },
        )
        row = st.container(horizontal=True)
        with row:
            save = st.form_submit_button("Enregistrer les présences", type="primary", icon="💾")
            everyone = st.form_submit_button("Tout marquer présent", icon="🙋")
    with st.popover("Tout marquer absent", icon="🚪", disabled=not count.present,
                    help="Personne n'est présent·e aujourd'hui." if not count.present else None):
        st.markdown(f"Marquer absent·e·s les {number(count.present)} présent·e·s d'aujourd'hui ? « Clore "
                    "quand tout le monde a voté » attendra les personnes qui reviennent ouvrir leur page ou "
                    "que vous cochez.")
        nobody = st.button("Oui, tout marquer absent", key="presence-none", type="primary")
    if save or everyone or nobody:
        present = (people["id"] if everyone else [] if nobody
                   else edited.index[edited["Présent·e"].fillna(False).astype(bool)])
        _save_presence(con, actor, [int(i) for i in present])
        st.rerun()


def _register(con: db.Connection, actor: Actor) -> None:
    """Submit callback (runs before the widgets): register, then empty the form for the next person."""
    state = st.session_state
    values = {field: state.get(f"register_{field}") or "" for field in FIELDS}
    try:
        created = participants.register_participant(con, actor, values)
    except ValidationError as exc:
        state["register_errors"] = {**exc.fields, "form": str(exc)}
        return
    except LaboError as exc:
        state["register_errors"] = {"form": str(exc)}
        return
    state["register_errors"] = {}
    for field in FIELDS:
        state[f"register_{field}"] = None if field == "kind" else ""
    state["register_done"] = created


def _register_form(con: db.Connection, actor: Actor) -> None:
    st.subheader("Inscrire une personne")
    state = st.session_state
    errors: dict[str, str] = state.get("register_errors", {})
    if created := state.pop("register_done", None):
        st.success(f"{md_escape(created.name)} est inscrit·e. Code personnel : **{created.code}**.",
                   icon="✅")
    with st.form("register"):
        for field, label in FIELDS.items():
            if field == "kind":
                st.selectbox(label, list(PARTICIPANT_KINDS), index=None,
                             format_func=PARTICIPANT_KINDS.__getitem__,
                             placeholder="Choisissez", key="register_kind")
            else:
                st.text_input(label, key=f"register_{field}")
            field_error(errors, field)
        field_error(errors, "form", icon="⚠️")
        st.form_submit_button("Inscrire", type="primary", icon="➕", on_click=_register, args=(con, actor))


def _walk_in_setting(con: db.Connection, actor: Actor) -> None:
    setting = settings.SETTINGS[participants.SELF_REGISTRATION]
    with st.form("walk-in"):
        wanted = st.toggle(setting.label, value=settings.switch_on(con, setting.name), help=setting.help)
        if st.form_submit_button("Enregistrer"):
            try:
                settings.set_setting(con, actor, setting.name, wanted)
                st.success("Réglage enregistré.", icon="✅")
            except LaboError as exc:
                st.error(str(exc), icon="⚠️")


def _import_section(con: db.Connection, actor: Actor) -> None:
    st.subheader("Importer une liste")
    st.caption("Fichier CSV (Excel, séparateur « ; ») ou .xlsx avec les colonnes : nom, structure, type de "
               "participant, territoire, et si vous voulez email. Un code personnel est créé pour chacun·e.")
    st.download_button("Modèle de fichier (CSV)", participants.import_template(), "modele-participants.csv",
                       mime="text/csv", icon="📄")
    upload = st.file_uploader("Fichier des participant·e·s", type=["csv", "xlsx", "txt"],
                              key="participants_file")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        preview = participants.read_participants(con, data, upload.name)
    except ImportRejected as exc:
        show_errors(exc)
        return
    rows = preview.rows
    people = french.plural(len(rows), "personne", "personnes")
    st.markdown(f"**Aperçu : {people} à inscrire depuis « {md_escape(upload.name)} »** "
                f"(lu : {md_escape(preview.source)}).")
    st.dataframe(
        pd.DataFrame([{"Ligne": r["line"], "Nom": r["name"], "Structure": r["structure"],
                       "Type": participant_kind(r["kind"]), "Territoire": r["territory"]} for r in rows]),
        hide_index=True, width="stretch",
    )
    if st.button(f"Inscrire ces {len(rows)} personnes", type="primary", icon="📥"):
        try:
            created = participants.import_participants(con, actor, data, upload.name)
        except LaboError as exc:
            st.error(str(exc), icon="⚠️")
            return
        st.success(f"{len(created)} personnes inscrites, chacune avec son code personnel.", icon="✅")


def phone_address_notice() -> None:
    """Warn, in French, when the badges' and the projection's QR codes point to this machine only."""
    url = badges.base_url()
    if not network.is_loopback_url(url):
        return
    fix = ("Lancez l'application sur une machine reliée au réseau du lieu (l'adresse est alors détectée au "
           "démarrage) ou indiquez l'adresse publique dans la variable LABO_BASE_URL." if network.detected()
           else "Cette adresse vient de la variable LABO_BASE_URL : indiquez-y l'adresse que les téléphones "
                "joignent (celle de la machine sur le réseau du lieu, ou une adresse publique).")
    st.warning(f"Les QR codes (badges, projection) pointent vers {url}, une adresse locale qu'aucun "
               f"téléphone ne peut joindre. {fix}", icon="📵")


def _badges_section(con: db.Connection, people: pd.DataFrame) -> None:
    st.subheader("Badges à imprimer")
    example = badges.vote_link("CODE")
    st.caption(f"Une page A4 pour 8 badges, avec le nom, la structure, le code personnel et un QR code vers "
               f"{example}. {network.address_origin()}")
    if people.empty:
        return
    title = seminar.get_seminar(con).title
    st.download_button(
        f"Télécharger les {len(people)} badges (PDF)",
        lambda: badges.badges_pdf(people.to_dict("records"), title),
        "badges-participants.pdf", mime="application/pdf", icon="🖨️", type="primary",
    )

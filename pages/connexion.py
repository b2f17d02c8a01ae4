"""Connexion: sign in with a role passcode or an OpenID Connect account, see one's access, sign out."""

import streamlit as st

from labo_dash.access import ANONYMOUS
from labo_dash.ui import auth
from labo_dash.ui.common import current_actor, md_escape, page_header
from labo_dash.ui.navigation import landing_script, open_pages

actor = current_actor()
if auth.just_signed_in():
    st.switch_page(landing_script(actor))

page_header("Connexion", "Organisation, comité de pilotage et partenaires se connectent ici.")
config = auth.auth_config()

if config.demo_mode:
    st.markdown(
        "Aucun code d'accès ni fournisseur d'identité n'est configuré : l'application tourne en **mode "
        "démo local**, toutes les pages et toutes les modifications sont ouvertes. Pour la mettre en "
        "service, définissez les codes d'accès des rôles (variables `LABO_ORGANISATEUR_PASSCODE_HASH`, "
        "`LABO_PILOTAGE_PASSCODE_HASH`, `LABO_PARTENAIRE_PASSCODE_HASH`, créées avec "
        "`python -m labo_dash passcode-hash`) ou une section `[auth]` dans `.streamlit/secrets.toml` : "
        "le README explique les deux."
    )
    st.stop()

for variable in config.invalid:
    st.warning(
        f"La variable {variable} ne contient pas une empreinte de code valide : ce rôle ne peut pas se "
        "connecter. Créez l'empreinte avec « python -m labo_dash passcode-hash ».",
        icon="⚠️",
    )

if actor.role != ANONYMOUS:
    st.success(f"Vous êtes connecté·e : **{md_escape(actor.name)}** · {auth.role_label(actor)}.", icon="✅")
    st.markdown("**Pages ouvertes avec ce rôle :**")
    for spec in open_pages(actor):
        if spec.url_path != "connexion":
            st.page_link(spec.script, label=spec.title, icon=spec.icon)
    if st.button("Se déconnecter", icon="🚪"):
        auth.sign_out()
        st.rerun()
    st.stop()

identity = auth.oidc_identity_without_role(config)
if identity:
    st.warning(
        f"Le compte « {md_escape(identity)} » est bien identifié mais n'a aucun rôle dans ce tableau de "
        "bord. Demandez aux organisateur·ice·s de l'ajouter.",
        icon="🙅",
    )
if config.passcodes:
    st.subheader("Avec un code d'accès")
    auth.passcode_form(config)
if config.oidc_providers:
    st.subheader("Avec votre compte")
    auth.oidc_buttons(config)
st.caption(
    "Participant·e au séminaire ? Vous n'avez pas besoin de vous connecter : ouvrez le lien personnel "
    "de votre badge (il contient votre code de vote)."
)

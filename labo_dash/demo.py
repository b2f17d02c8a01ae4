"""Deterministic French demo data: the seminar day of 24 March 2026 and eight months of follow-up.

:func:`build_demo` fills a freshly migrated database (seminar 1 of migration 0002) with participants,
the morning diagnosis (findings, défis), a dot-voting round on the défis, the afternoon solutions, a
majority-judgment round on them, follow-up actions with monthly progress updates from April to November
2026 and the monthly steering reviews. Everything comes from ``random.Random(seed)`` and fixed dates, so
the same seed always writes the same rows.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import duckdb

from labo_dash import access, db, voting
from labo_dash.errors import LaboError

SEMINAR_ID = 1
DAY = dt.date(2026, 3, 24)
PARIS = ZoneInfo("Europe/Paris")  # the demo's times are the seminar's local times
VENUE = "Maison de l'ESS, Paris"
SEMINAR_CREATED = dt.datetime(2026, 1, 12, 8, 30)  # UTC: 9h30 in Paris
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
REPORT_MONTHS = tuple(range(4, 12))  # monthly check-ins, April to November 2026
COORDINATOR = "Hélène Marchand (Le Labo de l'ESS)"
EVIDENCE_URL = "https://docs.exemple.org/labo-ess/suivi/action-{number:02d}-{day:%Y-%m}.pdf"

# --- Participants -------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Amandine", "Karim", "Sophie", "Mamadou", "Claire", "Julien", "Aïcha", "Thomas", "Gwenaëlle", "Nicolas",
    "Fatoumata", "Pierre-Yves", "Inès", "Hugo", "Nadia", "Laurent", "Maëlle", "Yannick", "Léa", "Samir",
    "Hélène", "Baptiste", "Yasmina", "Olivier", "Camille", "Romain", "Thi Lan", "Mathieu", "Estelle",
    "Kévin", "Sandrine", "Malik", "Chloé", "Jean-Baptiste", "Fanny", "Rachid", "Elsa", "Antoine", "Awa",
    "Guillaume", "Marion", "Sébastien", "Leïla", "François", "Anaïs", "Dominique", "Céline", "Youssef",
    "Pauline", "Alexandre", "Morgane", "Bastien", "Sarah", "Loïc", "Jeanne", "Mehdi", "Isabelle",
    "Vincent", "Salomé", "Xavier", "Noémie", "Frédéric", "Zoé", "Arnaud", "Mélanie", "Hamid", "Agathe",
    "Cédric", "Soizic", "Ibrahima", "Margaux", "Gaël", "Nathalie", "Tristan", "Lucie", "Benoît",
    "Ophélie", "Damien", "Myriam", "Quentin",
)
LAST_NAMES = (
    "Martin", "Benali", "Le Goff", "Traoré", "Dubois", "Nguyen", "Lefèvre", "Diallo", "Garnier", "Haddad",
    "Kervella", "Moreau", "Da Silva", "Rousseau", "Fontaine", "Bertrand", "Tanguy", "Mercier", "Ramirez",
    "Girard", "Chevalier", "Kowalski", "Lambert", "Bonnet", "Faure", "Boyer", "Renaud", "Aubert",
    "Perrin", "Morel", "Ferrand", "Marchand", "Cissé", "Roux", "Blanc", "Guérin", "Muller", "Henry",
    "Rey", "Lacombe", "Sabatier", "Le Bihan", "Vasseur", "Descamps", "Caron", "Petit", "Colin",
    "Gauthier", "Barbier", "Belkacem", "Meyer", "Leroy", "Robin", "Schmitt", "Carpentier", "Riou",
    "Le Moal", "Hoarau", "Payet", "Koné", "Bouvier", "Delorme", "Fabre", "Pichon", "Charpentier",
    "Giraud", "Marty", "Lopez", "Fernandes", "Ouédraogo", "Chauvin", "Brunet", "Besson", "Joly",
    "Lemaire", "Poulain", "Dupuy", "Huet", "Vidal", "Benard",
)

# (structure, kind, territory, number of participants): 80 seats in all, 12 territories.
STRUCTURES = (
    ("Coopérer pour entreprendre", "accompagnateur", "National", 2),
    ("Ronalpia", "accompagnateur", "Auvergne-Rhône-Alpes", 2),
    ("Alter'Incub Occitanie", "accompagnateur", "Occitanie", 2),
    ("DLA d'Ille-et-Vilaine", "accompagnateur", "Bretagne", 2),
    ("DLA du Nord", "accompagnateur", "Hauts-de-France", 2),
    ("Coopaname", "accompagnateur", "Île-de-France", 2),
    ("Ellyx", "accompagnateur", "Nouvelle-Aquitaine", 2),
    ("La Fabrique à initiatives de Gironde", "accompagnateur", "Nouvelle-Aquitaine", 1),
    ("Les Écossolies", "accompagnateur", "Pays de la Loire", 2),
    ("Cap Coopérer Normandie", "accompagnateur", "Normandie", 2),
    ("Collectif Accompagner en Bourgogne", "accompagnateur", "Bourgogne-Franche-Comté", 1),
    ("Scop Trajectoires", "accompagnateur", "Grand Est", 2),
    ("PTCE Pays de Figeac", "ptce", "Occitanie", 3),
    ("Pôle Sud Archer", "ptce", "Auvergne-Rhône-Alpes", 2),
    ("PTCE Tetris", "ptce", "Provence-Alpes-Côte d'Azur", 2),
    ("PTCE Le Phares", "ptce", "Île-de-France", 2),
    ("PTCE Vivre les Monts d'Arrée", "ptce", "Bretagne", 2),
    ("PTCE Vallée de la Bruche", "ptce", "Grand Est", 1),
    ("PTCE Coop'Bocage", "ptce", "Normandie", 1),
    ("PTCE Sud Vendée Coopérations", "ptce", "Pays de la Loire", 2),
    ("Région Occitanie", "collectivite", "Occitanie", 2),
    ("Département du Lot", "collectivite", "Occitanie", 1),
    ("Grand-Figeac", "collectivite", "Occitanie", 1),
    ("Rennes Métropole", "collectivite", "Bretagne", 2),
    ("Métropole Européenne de Lille", "collectivite", "Hauts-de-France", 2),
    ("Région Pays de la Loire", "collectivite", "Pays de la Loire", 1),
    ("Ville de Grenoble", "collectivite", "Auvergne-Rhône-Alpes", 1),
    ("Département de la Gironde", "collectivite", "Nouvelle-Aquitaine", 1),
    ("Eurométropole de Strasbourg", "collectivite", "Grand Est", 1),
    ("Région Bourgogne-Franche-Comté", "collectivite", "Bourgogne-Franche-Comté", 1),
    ("Que Vol'Terre", "financeur", "National", 2),
    ("France Active Bretagne", "financeur", "Bretagne", 2),
    ("France Active Occitanie", "financeur", "Occitanie", 1),
    ("Banque des Territoires – Hauts-de-France", "financeur", "Hauts-de-France", 2),
    ("Fondation Macif", "financeur", "National", 1),
    ("Crédit Coopératif", "financeur", "National", 1),
    ("Fondation de France – Grand Ouest", "financeur", "Pays de la Loire", 1),
    ("France Active Provence-Alpes-Côte d'Azur", "financeur", "Provence-Alpes-Côte d'Azur", 1),
    ("Réseau des CRESS", "reseau", "National", 2),
    ("CRESS Bretagne", "reseau", "Bretagne", 1),
    ("CRESS Occitanie", "reseau", "Occitanie", 1),
    ("CRESS Hauts-de-France", "reseau", "Hauts-de-France", 1),
    ("CRESS Auvergne-Rhône-Alpes", "reseau", "Auvergne-Rhône-Alpes", 1),
    ("RTES", "reseau", "National", 2),
    ("Avise", "reseau", "National", 1),
    ("France Tiers-Lieux", "reseau", "National", 1),
    ("CRESS Normandie", "reseau", "Normandie", 1),
    ("Université de Lille – Clersé", "chercheur", "Hauts-de-France", 1),
    ("Université Grenoble Alpes – Pacte", "chercheur", "Auvergne-Rhône-Alpes", 1),
    ("Université Toulouse Jean-Jaurès – LISST", "chercheur", "Occitanie", 1),
    ("Cnam – Lise", "chercheur", "Île-de-France", 1),
    ("Le Labo de l'ESS", "autre", "National", 2),
    ("Consultant·e indépendant·e", "autre", "Bourgogne-Franche-Comté", 1),
    ("Université Rennes 2 – master ESS", "autre", "Bretagne", 1),
)

# --- Morning diagnosis --------------------------------------------------------------------------------

# (key, morning workshop number, kind, table, participant kind, objective numbers, text)
FINDINGS = (
    ("a01", 1, "frein", "Table 1", "accompagnateur", (1, 2),
     "La coopération reste perçue comme chronophage : les structures n'ont pas le temps de se rencontrer "
     "en dehors des urgences."),
    ("a02", 1, "frein", "Table 1", "ptce", (1, 3),
     "Les logiques de concurrence entretenues par les appels à projets freinent la confiance entre "
     "structures."),
    ("a03", 1, "constat", "Table 2", "collectivite", (1,),
     "Beaucoup d'élu·e·s et de technicien·ne·s connaissent mal ce qu'est un PTCE ou une dynamique "
     "collective."),
    ("a04", 1, "levier", "Table 2", "reseau", (1,),
     "S'appuyer sur des réussites locales racontées par leurs acteurs pour donner envie de coopérer."),
    ("a05", 1, "frein", "Table 3", "accompagnateur", (5,),
     "L'offre d'accompagnement est éclatée entre de nombreux dispositifs (DLA, incubateurs, CRESS, réseaux) "
     "peu lisibles pour les porteurs."),
    ("a06", 1, "levier", "Table 3", "collectivite", (2, 5),
     "Un lieu ou un·e référent·e identifié·e sur chaque territoire pour orienter les porteurs de "
     "coopérations."),
    ("a07", 1, "constat", "Table 1", "ptce", (2, 3),
     "Les dynamiques qui durent ont presque toujours une fonction d'animation dédiée et financée."),
    ("a08", 1, "frein", "Table 4", "financeur", (3,),
     "Les temps de l'accompagnement et les calendriers des financeurs ne coïncident pas."),
    ("a09", 1, "levier", "Table 4", "collectivite", (1, 2),
     "Former les collectivités aux coopérations entre acteurs publics et acteurs de l'ESS."),
    ("a10", 1, "constat", "Table 2", "ptce", (2,),
     "Les territoires ruraux manquent d'ingénierie d'animation, contrairement aux métropoles."),
    ("a11", 1, "frein", "Table 3", "accompagnateur", (1, 4),
     "La gouvernance partagée fait peur : qui décide, qui porte la responsabilité juridique ?"),
    ("a12", 1, "levier", "Table 1", "reseau", (5,),
     "Des outils communs (charte, convention de coopération, tableau de bord partagé) pour sécuriser "
     "les partenaires."),
    ("a13", 1, "constat", "Table 4", "accompagnateur", (5,),
     "Les accompagnateur·ice·s se connaissent peu d'un réseau à l'autre."),
    ("a14", 1, "levier", "Table 2", "chercheur", (4, 5),
     "Capitaliser et diffuser les méthodes d'accompagnement qui ont fait leurs preuves."),
    ("b01", 2, "constat", "Table 1", "financeur", (3,),
     "L'accompagnement des coopérations est rarement financé en tant que tel : il est noyé dans les "
     "projets."),
    ("b02", 2, "frein", "Table 1", "ptce", (3,),
     "Les appels à projets durent un an alors qu'une coopération met trois à cinq ans à se structurer."),
    ("b03", 2, "frein", "Table 2", "accompagnateur", (3,),
     "Les financeurs demandent des indicateurs de résultats difficiles à produire pour une démarche "
     "de coopération."),
    ("b04", 2, "levier", "Table 2", "collectivite", (3, 5),
     "Mutualiser les financements de collectivités et de fondations dans un fonds territorial de "
     "coopération."),
    ("b05", 2, "levier", "Table 3", "reseau", (2, 3),
     "Reconnaître l'animation territoriale comme une mission d'intérêt général finançable en "
     "fonctionnement."),
    ("b06", 2, "constat", "Table 3", "financeur", (3,),
     "Les fondations territoriales et les fonds de dotation s'intéressent de plus en plus aux coopérations."),
    ("b07", 2, "frein", "Table 4", "ptce", (3,),
     "Les petites structures n'ont pas la trésorerie pour attendre le versement des subventions."),
    ("b08", 2, "levier", "Table 1", "collectivite", (2, 3),
     "Intégrer un volet « coopération » dans les contrats de territoire et les conventions Région-EPCI."),
    ("b09", 2, "constat", "Table 2", "accompagnateur", (3, 5),
     "Les financeurs ne se parlent pas : chaque porteur refait son dossier pour chacun d'eux."),
    ("b10", 2, "levier", "Table 4", "ptce", (3,),
     "Développer des modèles hybrides : prestations, cotisations des membres, mécénat de compétences."),
    ("b11", 2, "frein", "Table 3", "accompagnateur", (3, 4),
     "Le coût réel de l'accompagnement (temps de coordination, ingénierie) est sous-estimé dans les "
     "budgets."),
    ("b12", 2, "levier", "Table 1", "financeur", (3, 5),
     "Des comités de financeurs qui instruisent ensemble les projets de coopération."),
    ("b13", 2, "constat", "Table 4", "chercheur", (1, 3),
     "L'évaluation de l'utilité sociale devient un argument auprès des financeurs quand elle est "
     "co-construite."),
    ("c01", 3, "constat", "Table 1", "accompagnateur", (4,),
     "Le métier d'animateur·ice de coopération territoriale n'est pas reconnu : ni fiche métier, ni "
     "diplôme."),
    ("c02", 3, "frein", "Table 1", "ptce", (2, 4),
     "Les animateur·ice·s sont souvent isolé·e·s et s'épuisent ; le turn-over sur ces postes est fort."),
    ("c03", 3, "levier", "Table 2", "reseau", (4,),
     "Créer des formations-actions entre pairs, à partir de situations réelles des territoires."),
    ("c04", 3, "constat", "Table 2", "chercheur", (4,),
     "Les compétences clés sont relationnelles : facilitation, médiation, gestion des conflits, "
     "posture de tiers."),
    ("c05", 3, "levier", "Table 3", "accompagnateur", (4, 5),
     "Des communautés de pratique régionales pour échanger entre accompagnateur·ice·s."),
    ("c06", 3, "frein", "Table 3", "accompagnateur", (1, 4),
     "Les formations existantes visent l'entrepreneuriat individuel, pas l'accompagnement de collectifs."),
    ("c07", 3, "levier", "Table 4", "chercheur", (1, 4),
     "Intégrer un module sur les coopérations territoriales dans les masters ESS et développement local."),
    ("c08", 3, "constat", "Table 4", "collectivite", (2, 4),
     "Les agents des collectivités jouent déjà un rôle d'animation sans en avoir les moyens ni la "
     "légitimité."),
    ("c09", 3, "frein", "Table 1", "ptce", (3, 4),
     "Les postes d'animation sont précaires (contrats courts, temps partiels) faute de financement pérenne."),
    ("c10", 3, "levier", "Table 2", "reseau", (4, 5),
     "Construire un référentiel de compétences partagé entre réseaux pour mieux recruter et former."),
    ("c11", 3, "constat", "Table 3", "collectivite", (1, 2),
     "Les binômes élu·e et technicien·ne formés ensemble font avancer plus vite les projets de coopération."),
    ("c12", 3, "levier", "Table 4", "accompagnateur", (4, 5),
     "Favoriser les immersions et les échanges de postes entre structures d'accompagnement."),
    ("c13", 3, "frein", "Table 2", "financeur", (3, 4),
     "La montée en compétences est rarement budgétée par les employeurs de l'ESS."),
)

# (morning workshop number, title, description, finding keys, {objective number: weight}, dots received
# in the morning round). The dots are the exact result of the round: a clear ranking with one tie (5th/6th).
CHALLENGES = (
    (2, "Financer durablement l'animation des coopérations",
     "Passer de financements par projets, sur un an, à un financement pluriannuel de la fonction "
     "d'animation et d'accompagnement.",
     ("b01", "b02", "b05", "b07", "b11"), {3: 0.6, 2: 0.4}, 41),
    (1, "Rendre lisible l'offre d'accompagnement dans chaque territoire",
     "Orienter les porteurs de coopérations vers le bon interlocuteur grâce à un point d'entrée identifié "
     "et à une cartographie partagée des acteurs.",
     ("a05", "a06", "a13"), {5: 0.5, 2: 0.3, 1: 0.2}, 36),
    (3, "Reconnaître et professionnaliser le métier d'animateur·ice de coopération",
     "Donner un cadre (fiche métier, formation, rémunération) aux personnes qui animent les dynamiques "
     "collectives, pour sortir de la précarité et du turn-over.",
     ("c01", "c02", "c09", "c10", "c13"), {4: 0.6, 3: 0.2, 2: 0.2}, 30),
    (1, "Développer une culture commune de la coopération chez les élu·e·s et les acteurs",
     "Faire connaître ce que sont les coopérations territoriales et ce qu'elles apportent, par l'exemple "
     "et par la formation conjointe des élu·e·s et des technicien·ne·s.",
     ("a01", "a03", "a04", "a09", "c11"), {1: 0.6, 2: 0.4}, 27),
    (2, "Coordonner les financeurs autour des projets de coopération",
     "Faire travailler ensemble financeurs publics et privés : instruction commune, dossier unique, "
     "calendriers alignés.",
     ("b04", "b06", "b08", "b09", "b12"), {3: 0.5, 5: 0.5}, 22),
    (3, "Outiller la montée en compétences par les pairs",
     "Apprendre entre accompagnateur·ice·s à partir des situations vécues : communautés de pratique, "
     "immersions, capitalisation des méthodes.",
     ("c03", "c05", "c06", "c12", "a14"), {4: 0.6, 5: 0.4}, 22),
    (1, "Sécuriser la gouvernance partagée des coopérations",
     "Proposer des repères juridiques et des outils de gouvernance pour que chaque partenaire sache qui "
     "décide et qui porte quoi.",
     ("a02", "a11", "a12"), {1: 0.5, 5: 0.3, 4: 0.2}, 12),
    (2, "Mesurer et valoriser l'utilité sociale des coopérations",
     "Co-construire avec les financeurs des indicateurs d'utilité sociale adaptés aux démarches "
     "de coopération.",
     ("b03", "b13"), {3: 0.5, 1: 0.5}, 7),
    (3, "Former les agents des collectivités à l'animation territoriale",
     "Reconnaître et outiller le rôle d'animation que jouent déjà de nombreux agents territoriaux.",
     ("c07", "c08", "a10"), {2: 0.6, 4: 0.4}, 3),
    (1, "Renforcer l'ingénierie d'animation dans les territoires ruraux",
     "Mutualiser des postes d'animation entre communautés de communes rurales.",
     ("a07", "a10"), {2: 1.0}, 1),
)
SELECTED_COUNT = 5  # the organisers keep the top 5, and every défi tied with the 5th
MORNING_VOTERS = 68
TWO_DOT_VOTERS = 3  # voters who used only two of their three dots (68 * 3 - 3 = sum of the dots above)
MORNING_CHANGED = 4

# Extra appeal of a défi (by number) for a kind of participant, on top of the overall support.
AFFINITY = {
    ("financeur", 1): 2.0, ("financeur", 5): 2.0, ("financeur", 8): 2.0,
    ("ptce", 1): 1.5, ("ptce", 10): 2.0, ("ptce", 3): 1.3,
    ("collectivite", 2): 1.5, ("collectivite", 4): 1.5, ("collectivite", 9): 2.0,
    ("accompagnateur", 3): 1.5, ("accompagnateur", 6): 1.5, ("accompagnateur", 7): 1.3,
    ("reseau", 2): 1.5, ("reseau", 6): 1.3, ("chercheur", 8): 2.0, ("chercheur", 3): 1.5,
}

# --- Afternoon ----------------------------------------------------------------------------------------

# (afternoon workshop number, title, question, défi numbers it works on)
AFTERNOON_WORKSHOPS = (
    (1, "Atelier 1 : financer l'animation et coordonner les financeurs",
     "Quelles solutions pour financer durablement l'accompagnement des coopérations et faire travailler "
     "les financeurs ensemble ?", (1, 5)),
    (2, "Atelier 2 : rendre lisible l'accompagnement et partager une culture de la coopération",
     "Comment orienter les porteurs dans chaque territoire et faire connaître les coopérations ?", (2, 4)),
    (3, "Atelier 3 : reconnaître le métier et apprendre entre pairs",
     "Comment professionnaliser l'animation des coopérations et organiser l'apprentissage entre pairs ?",
     (3, 6)),
)

# (défi number, title, description, mean grade in the closing round: 0 = Excellent .. 4 = Insuffisant)
SOLUTIONS = (
    (1, "Un fonds territorial pluriannuel pour l'animation des coopérations",
     "Abondé par la Région, les intercommunalités et des fondations, il finance trois ans d'animation "
     "par dynamique collective.", 0.9),
    (1, "Des conventions pluriannuelles d'objectifs pour les PTCE",
     "Négocier avec les collectivités des conventions de trois ans sur la fonction d'animation, avec des "
     "objectifs co-construits.", 1.6),
    (1, "Un modèle économique hybride de l'animation",
     "Outiller les dynamiques pour combiner cotisations, prestations et mécénat de compétences.", 2.2),
    (5, "Un comité régional des financeurs de la coopération",
     "Instruction conjointe des demandes, calendrier commun et suivi partagé des projets.", 1.3),
    (5, "Un dossier unique de demande de financement",
     "Un formulaire et des pièces communes aux financeurs publics et privés.", 1.9),
    (2, "Un point d'entrée « Coopérer ici » dans chaque territoire",
     "Un·e référent·e identifié·e dans chaque intercommunalité pour orienter les porteurs de coopérations.",
     1.2),
    (2, "Une cartographie ouverte des acteurs de l'accompagnement",
     "Une carte en ligne des dispositifs et des personnes ressources, mise à jour par les réseaux.", 1.5),
    (2, "Des rencontres régionales annuelles des accompagnateur·ice·s",
     "Une journée par an et par région pour se connaître et s'orienter mutuellement les porteurs.", 2.4),
    (4, "Un parcours de sensibilisation des élu·e·s à la coopération",
     "Visites apprenantes de PTCE, témoignages et formation des binômes élu·e et technicien·ne.", 1.7),
    (4, "Une collection de récits de coopérations",
     "Podcasts et fiches courtes racontant des coopérations réussies, et leurs difficultés.", 2.3),
    (3, "Une fiche métier et un référentiel de compétences",
     "Décrire le métier d'animateur·ice de coopération territoriale et les compétences qu'il mobilise.", 1.1),
    (3, "Une formation certifiante d'animateur·ice de coopération",
     "Un bloc de compétences reconnu, construit avec les universités et les réseaux d'accompagnement.", 1.8),
    (3, "Un plaidoyer pour des postes d'animation pérennes",
     "Argumenter auprès des financeurs pour des postes à temps plein et sur plusieurs années.", 2.0),
    (6, "Des communautés de pratique régionales",
     "Des rencontres régulières entre accompagnateur·ice·s pour analyser des situations réelles.", 1.0),
    (6, "Un programme d'immersions croisées entre structures",
     "Des binômes d'accompagnateur·ice·s qui passent quelques jours dans la structure de l'autre.", 2.6),
)
CLOSING_VOTERS_FROM_MORNING = 55
CLOSING_NEW_VOTERS = 5
CLOSING_CHANGED = 2
NO_OPINION = 4  # "Pas d'avis" is stored as the lowest grade (Insuffisant)

# --- Follow-up ----------------------------------------------------------------------------------------


class ActionSeed(NamedTuple):
    """One follow-up action and the shape of its progress over the months."""

    solution: int  # solution number (1-based, in SOLUTIONS)
    title: str
    description: str
    pilot_structure: str
    pilot_person: str
    contributors: str | None
    funders: str | None
    budget_planned: int
    budget_secured: int
    start: dt.date
    due: dt.date
    next_step: str
    weight: float | None
    trajectory: str  # done, mismatch, steady, late, stalled, pause, abandon, delayed, unmeasured, never
    event_month: int | None  # month of the key event (done, paused, stalled, abandoned, started)


D = dt.date  # short alias for the many dates of ACTIONS and REVIEWS
ACTIONS = (
    ActionSeed(1, "Étude de préfiguration du fonds territorial de coopération en Occitanie",
               "Recenser les besoins d'animation des dynamiques collectives et les financeurs prêts "
               "à s'engager.",
               "Région Occitanie", "Sandrine Lacombe",
               "CRESS Occitanie, France Active Occitanie, PTCE Pays de Figeac",
               "Que Vol'Terre, Région Occitanie", 25000, 25000, D(2026, 4, 6), D(2026, 7, 31),
               "Présenter l'étude au comité des financeurs", 2.0, "done", 7),
    ActionSeed(1, "Tour de table des fondations pour abonder le fonds",
               "Rencontrer les fondations et fonds de dotation intéressés par les coopérations "
               "territoriales.",
               "Le Labo de l'ESS", "Hélène Marchand",
               "Fondation Macif, Fondation de France, Crédit Coopératif",
               "Que Vol'Terre", 8000, 8000, D(2026, 5, 4), D(2026, 10, 31),
               "Relancer les deux fondations qui n'ont pas encore répondu", None, "late", None),
    ActionSeed(1, "Premier appel à manifestation d'intérêt du fonds",
               "Sélectionner les premières dynamiques collectives dont l'animation sera financée sur "
               "trois ans.",
               "Région Occitanie", "Sandrine Lacombe", "Banque des Territoires, Département du Lot",
               "Région Occitanie, Banque des Territoires", 150000, 60000, D(2026, 6, 15), D(2027, 3, 31),
               "Faire valider le règlement de l'appel en commission permanente", 2.0, "steady", None),
    ActionSeed(2, "Modèle de convention pluriannuelle PTCE – collectivité",
               "Rédiger un modèle de convention de trois ans centré sur la fonction d'animation.",
               "RTES", "Yannick Le Bihan", "Avise, Le Labo de l'ESS", "Que Vol'Terre",
               6000, 6000, D(2026, 4, 13), D(2026, 6, 30), "Diffuser le modèle aux PTCE", None, "done", 6),
    ActionSeed(2, "Trois conventions pilotes (Figeac, Romans-sur-Isère, Grasse)",
               "Accompagner la négociation de trois conventions pluriannuelles entre PTCE et collectivités.",
               "Le Labo de l'ESS", "Hélène Marchand", "PTCE Pays de Figeac, Pôle Sud Archer, PTCE Tetris",
               None, 0, 0, D(2026, 6, 1), D(2026, 10, 15),
               "Obtenir l'inscription des conventions à l'ordre du jour des conseils communautaires", None,
               "stalled", 7),
    ActionSeed(3, "Guide des modèles économiques hybrides de l'animation",
               "Documenter une dizaine de montages (cotisations, prestations, mécénat) et leurs limites.",
               "France Active Bretagne", "Gwenaëlle Riou", "Coopérer pour entreprendre, CRESS Bretagne",
               "Banque des Territoires", 12000, 12000, D(2026, 5, 11), D(2026, 12, 15),
               "Relecture du guide par trois PTCE", None, "steady", None),
    ActionSeed(4, "Installer le comité des financeurs de la coopération en Hauts-de-France",
               "Réunir Région, Métropole, Banque des Territoires et fondations autour d'une "
               "instruction commune.",
               "Banque des Territoires – Hauts-de-France", "Olivier Descamps",
               "Région Hauts-de-France, Métropole Européenne de Lille, Fondation Macif, France Active",
               "Banque des Territoires", 5000, 5000, D(2026, 4, 20), D(2026, 9, 30),
               "Première instruction commune de dossiers", None, "done", 9),
    ActionSeed(4, "Calendrier commun des appels à projets des financeurs",
               "Publier un calendrier partagé des appels à projets pour les porteurs de coopérations.",
               "CRESS Hauts-de-France", "Nadia Belkacem", "Banque des Territoires, Région Hauts-de-France",
               "Région Hauts-de-France", 3000, 3000, D(2026, 5, 4), D(2026, 8, 31),
               "Diffuser le calendrier aux réseaux", None, "mismatch", 8),
    ActionSeed(4, "Étendre le comité des financeurs à la Bretagne",
               "Reproduire la démarche des Hauts-de-France avec les financeurs bretons.",
               "France Active Bretagne", "Gwenaëlle Riou", "CRESS Bretagne, Rennes Métropole", None,
               4000, 0, D(2026, 6, 1), D(2027, 1, 31), "Attendre les arbitrages budgétaires 2027", None,
               "pause", 9),
    ActionSeed(5, "Dossier unique de demande de financement",
               "Concevoir un formulaire et une liste de pièces communes à quatre financeurs volontaires.",
               "Avise", "Thomas Giraud",
               "Banque des Territoires, Fondation Macif, Région Occitanie, Région Hauts-de-France",
               "Que Vol'Terre", 15000, 10000, D(2026, 5, 18), D(2026, 10, 30),
               "Obtenir la validation juridique des financeurs publics", None, "late", None),
    ActionSeed(6, "Recenser les référent·e·s coopération des intercommunalités volontaires",
               "Identifier dans chaque intercommunalité volontaire une personne ressource pour les porteurs.",
               "RTES", "Yannick Le Bihan", "CRESS régionales", None, 0, 0, D(2026, 4, 6), D(2026, 6, 30),
               "Transmettre la liste à l'équipe de la cartographie", None, "done", 6),
    ActionSeed(6, "Expérimenter le point d'entrée « Coopérer ici » dans trois territoires",
               "Ouvrir un point d'entrée à Rennes Métropole, au Grand-Figeac et à la Métropole "
               "Européenne de Lille.",
               "Rennes Métropole", "Claire Le Moal", "Grand-Figeac, Métropole Européenne de Lille",
               "Banque des Territoires, Que Vol'Terre", 45000, 30000, D(2026, 6, 1), D(2027, 6, 30),
               "Bilan intermédiaire des premières orientations", 2.0, "steady", None),
    ActionSeed(6, "Former les référent·e·s à l'orientation des porteurs",
               "Deux journées de formation pour les référent·e·s des territoires expérimentateurs.",
               "CRESS Bretagne", "Maëlle Tanguy", "DLA d'Ille-et-Vilaine, Coopérer pour entreprendre", None,
               8000, 0, D(2026, 6, 15), D(2026, 12, 15), "Trouver un financement pour les deux journées",
               None, "never", None),
    ActionSeed(7, "Cartographie ouverte des acteurs de l'accompagnement (version bêta)",
               "Une carte en ligne des dispositifs d'accompagnement, alimentée par les réseaux régionaux.",
               "Réseau des CRESS", "Julien Ferrand", "Avise, France Tiers-Lieux, CRESS régionales",
               "Que Vol'Terre", 20000, 20000, D(2026, 4, 13), D(2026, 9, 30),
               "Compléter les fiches des régions manquantes", None, "late", None),
    ActionSeed(7, "Application mobile de la cartographie",
               "Une application pour consulter la cartographie sur le terrain.",
               "Réseau des CRESS", "Julien Ferrand", "France Tiers-Lieux", None, 15000, 0,
               D(2026, 6, 1), D(2026, 12, 31), "Aucune : budget réaffecté à la version web", None,
               "abandon", 9),
    ActionSeed(8, "Premières rencontres régionales des accompagnateur·ice·s en Auvergne-Rhône-Alpes",
               "Une journée d'interconnaissance et d'échanges de pratiques entre structures "
               "d'accompagnement.",
               "Ronalpia", "Camille Rey", "CRESS Auvergne-Rhône-Alpes, Pôle Sud Archer",
               "Région Auvergne-Rhône-Alpes", 18000, 12000, D(2026, 5, 4), D(2026, 11, 13),
               "Diffuser les actes de la journée", None, "done", 10),
    ActionSeed(9, "Cycle de visites apprenantes de PTCE pour les élu·e·s",
               "Quatre visites de PTCE pour des binômes élu·e et technicien·ne.",
               "RTES", "Yannick Le Bihan", "PTCE Pays de Figeac, PTCE Le Phares, Pôle Sud Archer",
               "Que Vol'Terre, Banque des Territoires", 22000, 22000, D(2026, 4, 20), D(2026, 12, 18),
               "Organiser la dernière visite à Grasse", None, "steady", None),
    ActionSeed(9, "Module de formation « Coopérer avec l'ESS » pour les élu·e·s",
               "Un module d'une journée proposé aux nouveaux élu·e·s des intercommunalités.",
               "Région Pays de la Loire", "Estelle Guérin", "Les Écossolies, RTES", "Région Pays de la Loire",
               10000, 5000, D(2026, 6, 1), D(2027, 1, 31), "Trouver deux intervenant·e·s", None,
               "stalled", 7),
    ActionSeed(10, "Série de podcasts « Coopérer ici »",
               "Huit épisodes donnant la parole aux acteurs de coopérations territoriales.",
               "Le Labo de l'ESS", "Inès Moreau", "Université de Lille – Clersé, PTCE volontaires",
               "Fondation Macif", 14000, 14000, D(2026, 4, 27), D(2026, 12, 31),
               "Enregistrer les épisodes 6 à 8", None, "steady", None),
    ActionSeed(10, "Dix fiches récits de coopérations",
               "Des fiches courtes sur des coopérations réussies et les difficultés rencontrées.",
               "Avise", "Thomas Giraud", "CRESS régionales", "Que Vol'Terre", 6000, 6000,
               D(2026, 5, 4), D(2026, 9, 30), "Mettre les fiches en ligne", None, "done", 9),
    ActionSeed(11, "Fiche métier « animateur·ice de coopération territoriale »",
               "Décrire les missions, les activités et les conditions d'exercice du métier.",
               "Université de Lille – Clersé", "Laurent Vasseur",
               "Réseau des CRESS, Coopérer pour entreprendre",
               "Que Vol'Terre", 10000, 10000, D(2026, 4, 13), D(2026, 7, 31),
               "Faire relire la fiche par les réseaux employeurs", None, "late", None),
    ActionSeed(11, "Référentiel de compétences partagé entre réseaux",
               "Un référentiel commun pour recruter, former et évaluer les animateur·ice·s.",
               "Coopérer pour entreprendre", "Sophie Aubert", "Avise, Réseau des CRESS, Cnam – Lise",
               "Que Vol'Terre", 12000, 6000, D(2026, 5, 4), D(2027, 3, 31),
               "Réunir le groupe de travail inter-réseaux", None, "stalled", 7),
    ActionSeed(12, "Ingénierie de la formation certifiante",
               "Construire un bloc de compétences avec les universités et les réseaux d'accompagnement.",
               "Cnam – Lise", "Pierre-Yves Kervella",
               "Université de Lille – Clersé, Coopérer pour entreprendre",
               "Région Hauts-de-France, Uniformation", 40000, 25000, D(2026, 5, 4), D(2027, 6, 30),
               "Valider les modalités d'évaluation", 2.0, "steady", None),
    ActionSeed(12, "Dossier d'enregistrement auprès de France Compétences",
               "Préparer et déposer le dossier de reconnaissance du bloc de compétences.",
               "Cnam – Lise", "Pierre-Yves Kervella", "Université de Lille – Clersé", None, 5000, 0,
               D(2026, 6, 15), D(2027, 9, 30), "Attendre la fin de l'ingénierie de formation", None,
               "unmeasured", None),
    ActionSeed(12, "Première promotion pilote de quinze animateur·ice·s",
               "Former une première promotion issue des territoires expérimentateurs.",
               "Cnam – Lise", "Pierre-Yves Kervella", "Réseau des CRESS", None, 60000, 0,
               D(2026, 6, 30), D(2027, 12, 31), "Rechercher les financements de la promotion", None,
               "never", None),
    ActionSeed(13, "Note de plaidoyer pour des postes d'animation pérennes",
               "Une note argumentée à destination des financeurs publics et privés.",
               "Le Labo de l'ESS", "Hélène Marchand", "Réseau des CRESS, RTES", None, 3000, 3000,
               D(2026, 5, 18), D(2026, 9, 15), "Faire valider la note par le comité de pilotage", None,
               "late", None),
    ActionSeed(14, "Lancer la communauté de pratique en Occitanie",
               "Six rencontres par an entre accompagnateur·ice·s de la région.",
               "CRESS Occitanie", "Mathieu Sabatier", "Alter'Incub Occitanie, PTCE Pays de Figeac",
               "Région Occitanie", 9000, 9000, D(2026, 4, 6), D(2026, 10, 31),
               "Passer le relais à un groupe d'animation tournant", None, "done", 10),
    ActionSeed(14, "Lancer la communauté de pratique en Bretagne",
               "Reproduire en Bretagne le format de la communauté de pratique occitane.",
               "CRESS Bretagne", "Maëlle Tanguy", "DLA d'Ille-et-Vilaine, PTCE Vivre les Monts d'Arrée",
               "France Active Bretagne", 9000, 4500, D(2026, 6, 1), D(2026, 12, 31),
               "Tenir la troisième rencontre", None, "delayed", 8),
    ActionSeed(14, "Plateforme d'échanges en ligne entre communautés de pratique",
               "Un espace en ligne pour partager ressources et comptes rendus entre régions.",
               "France Tiers-Lieux", "Romain Petit", "CRESS Occitanie, CRESS Bretagne", None, 7000, 0,
               D(2026, 6, 15), D(2027, 2, 28), "Reprendre après le choix de l'outil", None, "pause", 10),
    ActionSeed(15, "Programme pilote d'immersions croisées (dix binômes)",
               "Dix binômes d'accompagnateur·ice·s passent trois jours dans la structure de l'autre.",
               "Coopaname", "Aminata Koné", "Coopérer pour entreprendre, Les Écossolies, Ellyx",
               "Fondation Macif", 16000, 8000, D(2026, 5, 11), D(2026, 10, 30),
               "Organiser les deux dernières immersions", None, "late", None),
)

# Progress reached in November by the actions still running, by trajectory.
FINAL_PROGRESS = {"steady": (60, 70, 80), "late": (55, 65, 75), "delayed": (40, 45, 50)}

COMMENTS = {
    "a_lancer": (
        "Pas encore démarrée : en attente de la confirmation du budget.",
        "Démarrage repoussé, l'équipe pilote est mobilisée sur d'autres chantiers.",
        "Pas encore engagée ; premier rendez-vous prévu le mois prochain.",
    ),
    "start": (
        "Lancement : réunion de cadrage avec les partenaires.",
        "Premier comité technique tenu, calendrier validé.",
        "Démarrage effectif, chargé·e de mission identifié·e.",
    ),
    "progress": (
        "Avancée conforme au calendrier.",
        "Entretiens avec les partenaires en cours.",
        "Premier livrable intermédiaire partagé avec le comité.",
        "Atelier de travail tenu avec une quinzaine de participant·e·s.",
        "Rédaction en cours, relecture prévue avec les réseaux.",
        "Bonne dynamique : deux nouveaux partenaires associés.",
    ),
    "late": (
        "Échéance dépassée : les relectures prennent plus de temps que prévu.",
        "En retard sur le calendrier initial ; nouvelle échéance à proposer au comité.",
        "Avancée ralentie par la disponibilité des partenaires, échéance dépassée.",
    ),
    "stalled": (
        "Pas d'avancée ce mois-ci : en attente d'un retour des partenaires.",
        "Point mensuel : toujours bloqué, le cofinancement n'est pas confirmé.",
        "Situation inchangée ; sujet remonté au comité de pilotage.",
    ),
    "pause": ("Mise en pause : arbitrage budgétaire reporté à 2027.",),
    "pause_check": (
        "Toujours en pause, pas de changement.",
        "Point mensuel : reprise envisagée début 2027.",
    ),
    "done": (
        "Action terminée, livrable diffusé aux partenaires.",
        "Terminée : bilan présenté en comité de pilotage.",
        "Réalisée ; compte rendu et supports disponibles en ligne.",
    ),
    "mismatch": ("Déclarée terminée par le pilote ; la diffusion aux réseaux reste à faire.",),
    "abandon": ("Abandonnée sur décision du comité de pilotage : la version web suffit, budget réaffecté.",),
}

# (month, notes, decisions: (action number or None, text, owner, due date or None))
REVIEWS = (
    (4, "Premier comité de pilotage après le séminaire : validation de la feuille de route, des pilotes "
        "et du calendrier des actions.",
     ((None, "Valider la feuille de route des actions issues du séminaire.", "Le Labo de l'ESS", None),
      (1, "Lancer l'étude de préfiguration du fonds territorial en Occitanie.", "Région Occitanie",
       D(2026, 7, 31)))),
    (5, "La plupart des actions ont démarré. Plusieurs n'ont pas encore de budget sécurisé.",
     ((13, "Rechercher un cofinancement pour la formation des référent·e·s.", "CRESS Bretagne",
       D(2026, 6, 30)),
      (None, "Demander à chaque pilote un point d'avancement mensuel avant le 20.", "Le Labo de l'ESS",
       None))),
    (6, "Premiers livrables : modèle de convention et recensement des référent·e·s terminés.",
     ((4, "Diffuser le modèle de convention à l'ensemble des PTCE.", "RTES", D(2026, 7, 15)),
      (11, "Transmettre la liste des référent·e·s à l'équipe de la cartographie.", "RTES",
       D(2026, 7, 1)),
      (None, "Préparer une note d'étape pour Que Vol'Terre.", "Le Labo de l'ESS", D(2026, 7, 10)))),
    (7, "Le module de formation des élu·e·s et les conventions pilotes marquent le pas. "
        "La fiche métier prend du retard.",
     ((18, "Identifier deux intervenant·e·s pour le module élu·e·s.", "RTES", D(2026, 9, 15)),
      (21, "Organiser une relecture accélérée de la fiche métier.", "Université de Lille – Clersé",
       D(2026, 9, 30)))),
    (8, "Comité resserré (période estivale). L'étude de préfiguration du fonds a été remise.",
     ((1, "Présenter l'étude de préfiguration au comité des financeurs de septembre.", "Région Occitanie",
       D(2026, 9, 30)),)),
    (9, "Arbitrages : abandon de l'application mobile de la cartographie, mise en pause de l'extension du "
        "comité des financeurs à la Bretagne.",
     ((15, "Abandonner l'application mobile et réaffecter son budget à la version web.",
       "Réseau des CRESS", None),
      (9, "Mettre en pause l'extension bretonne jusqu'aux arbitrages budgétaires 2027.",
       "France Active Bretagne", D(2027, 1, 31)),
      (14, "Fixer une nouvelle échéance pour la cartographie.", "Réseau des CRESS", D(2026, 12, 15)))),
    (10, "Rencontres régionales tenues en Auvergne-Rhône-Alpes. Retards sur le dossier unique et la note "
         "de plaidoyer.",
     ((10, "Relancer les financeurs publics sur la validation du dossier unique.", "Avise",
       D(2026, 11, 15)),
      (26, "Présenter la note de plaidoyer au prochain comité.", "Le Labo de l'ESS", D(2026, 11, 25)))),
    (11, "Bilan à huit mois : plusieurs actions terminées, d'autres en retard ou à l'arrêt. Préparation "
         "du bilan annuel pour les partenaires.",
     ((None, "Préparer le bilan annuel pour Que Vol'Terre et les partenaires.", "Le Labo de l'ESS",
       D(2026, 12, 15)),
      (8, "Clarifier le statut du calendrier commun, déclaré terminé à 90 %.", "CRESS Hauts-de-France",
       D(2026, 12, 10)),
      (None, "Relancer les pilotes des actions jamais renseignées.", "Le Labo de l'ESS",
       D(2026, 12, 5)))),
)

# Territory barometer: how participants see their territory on each objective (1 = far behind,
# 5 = well advanced), as relative weights of the scores 1..5 per objective number; some answer
# "je ne sais pas" (NULL).
BAROMETER_RESPONDENTS = 56
BAROMETER_WEIGHTS = {
    1: (1, 3, 4, 3, 1),  # acculturation: middling
    2: (2, 4, 3, 2, 1),  # territorial facilitation: uneven
    3: (5, 5, 2, 1, 0.5),  # financing: the weak point
    4: (2, 4, 4, 2, 0.5),  # skills: lagging
    5: (2, 3, 3, 3, 1),  # ecosystems: spread
}
DONT_KNOW_SHARE = 0.08

# --- Building -----------------------------------------------------------------------------------------


def build_demo(con: duckdb.DuckDBPyConnection, seed: int = 42) -> dict[str, int]:
    """Write the whole demo into an empty, migrated database in one transaction; return rows per table."""
    rng = random.Random(seed)
    counts: dict[str, int] = {}
    with db.transaction(con, *db.Topic) as cur:
        [(participants,)] = cur.execute("SELECT count(*) FROM participants").fetchall()
        [(findings,)] = cur.execute("SELECT count(*) FROM findings").fetchall()
        if participants or findings:
            raise LaboError(
                "La base contient déjà des participant·e·s ou des constats : les données de démonstration "
                "ne peuvent être chargées que dans une base vide."
            )
        cur.execute(
            "UPDATE seminars SET held_on = ?, venue = ?, created_at = ? WHERE id = ?",
            [DAY, VENUE, SEMINAR_CREATED, SEMINAR_ID],
        )
        people = _write_participants(cur, rng, counts)
        challenge_ids = _write_diagnosis(cur, rng, counts)
        morning_voters = _write_morning_round(cur, rng, counts, people, challenge_ids)
        solution_ids = _write_solutions(cur, rng, counts, challenge_ids)
        _write_closing_round(cur, rng, counts, people, morning_voters, solution_ids)
        _write_presence(cur)
        action_ids = _write_actions(cur, counts, solution_ids)
        _write_progress(cur, rng, counts, action_ids)
        _write_withdrawal(cur, counts, action_ids)
        _write_reviews(cur, counts, action_ids)
        _write_barometer(cur, rng, counts)
    return counts


def _write_barometer(cur: duckdb.DuckDBPyConnection, rng: random.Random, counts: dict[str, int]) -> None:
    """Insert the barometer answers of a sample of participants, given at the 11h workshops."""
    people = cur.execute(
        "SELECT id, kind, territory FROM participants WHERE seminar_id = ? ORDER BY id", [SEMINAR_ID]
    ).fetchall()
    objectives = cur.execute(
        "SELECT number, id FROM objectives WHERE seminar_id = ? ORDER BY number", [SEMINAR_ID]
    ).fetchall()
    rows = []
    for pid, kind, territory in sorted(rng.sample(people, BAROMETER_RESPONDENTS)):
        answered = _at(DAY, 11, 0) + dt.timedelta(seconds=rng.randint(0, 50 * 60))
        for number, objective_id in objectives:
            score = None
            if rng.random() >= DONT_KNOW_SHARE:
                score = rng.choices(range(1, 6), weights=BAROMETER_WEIGHTS[number])[0]
            rows.append((SEMINAR_ID, pid, kind, territory, objective_id, score, answered))
    counts["barometer_ratings"] = _insert(
        cur,
        "INSERT INTO barometer_ratings (seminar_id, participant_id, participant_kind, territory, "
        "objective_id, score, created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        rows,
    )


def _allocate(cur: duckdb.DuckDBPyConnection, sequence: str, n: int) -> list[int]:
    """Draw ``n`` ids from a sequence, so that later inserts by the app keep using fresh ids."""
    return sorted(row[0] for row in cur.execute("SELECT nextval(?) FROM range(?)", [sequence, n]).fetchall())


def _insert(cur: duckdb.DuckDBPyConnection, sql: str, rows: list[tuple[Any, ...]]) -> int:
    """Run one ``INSERT ... SELECT unnest(?), ...`` statement, passing the rows column by column."""
    if rows:
        cur.execute(sql, [list(column) for column in zip(*rows, strict=True)])
    return len(rows)


def _at(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    """Return the stored instant (naive UTC) of ``day`` at the given local time of the seminar (Paris)."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=PARIS)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _ascii(text: str) -> str:
    """Return ``text`` lower-cased, without accents, spaces or apostrophes (for e-mail addresses)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch == "-")


def _write_participants(
    cur: duckdb.DuckDBPyConnection, rng: random.Random, counts: dict[str, int]
) -> list[tuple[int, str]]:
    """Insert the participants in registration order; return (id, kind) of each."""
    seats = [(structure, kind, territory) for structure, kind, territory, n in STRUCTURES for _ in range(n)]
    firsts, lasts = list(FIRST_NAMES), list(LAST_NAMES)
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    registrations = []
    for (structure, kind, territory), first, last in zip(seats, firsts, lasts, strict=True):
        on_the_day = rng.random() < 0.1
        if on_the_day:
            created = _at(DAY, 9, 0) + dt.timedelta(seconds=rng.randint(0, 45 * 60))
        else:
            day = dt.date(2026, 2, 16) + dt.timedelta(days=rng.randint(0, 32))
            created = _at(day, 8, 0) + dt.timedelta(minutes=rng.randint(0, 12 * 60))
        email = f"{_ascii(first)}.{_ascii(last)}@exemple.org" if rng.random() < 0.85 else None
        registrations.append((created, f"{first} {last}", structure, kind, territory, email, on_the_day))
    registrations.sort()
    ids = _allocate(cur, "seq_participants", len(registrations))
    codes: list[str] = []
    while len(codes) < len(registrations):
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in codes:
            codes.append(code)
    rows = [
        (pid, SEMINAR_ID, name, structure, kind, territory, email, code, on_the_day, created)
        for pid, code, (created, name, structure, kind, territory, email, on_the_day)
        in zip(ids, codes, registrations, strict=True)
    ]
    counts["participants"] = _insert(
        cur,
        "INSERT INTO participants (id, seminar_id, name, structure, kind, territory, email, code, "
        "self_registered, created_at) SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        rows,
    )
    return [(row[0], row[4]) for row in rows]


def _write_presence(cur: duckdb.DuckDBPyConnection) -> None:
    """Check in who was in the room: the walk-ins when they registered, the others at their first ballot."""
    cur.execute(
        "UPDATE participants p SET checked_in_at = CASE WHEN p.self_registered THEN p.created_at ELSE "
        "(SELECT min(b.submitted_at) FROM ballots b WHERE b.participant_id = p.id) END "
        "WHERE p.seminar_id = ? AND (p.self_registered OR EXISTS "
        "(SELECT 1 FROM ballots b WHERE b.participant_id = p.id))",
        [SEMINAR_ID],
    )


def _write_diagnosis(cur: duckdb.DuckDBPyConnection, rng: random.Random, counts: dict[str, int]) -> list[int]:
    """Insert the findings and défis of the morning workshops; return the défi ids in CHALLENGES order."""
    objective = dict(
        cur.execute("SELECT number, id FROM objectives WHERE seminar_id = ?", [SEMINAR_ID]).fetchall()
    )
    workshop = dict(
        cur.execute(
            "SELECT number, id FROM workshops WHERE seminar_id = ? AND session = 'matin'", [SEMINAR_ID]
        ).fetchall()
    )
    finding_ids = _allocate(cur, "seq_findings", len(FINDINGS))
    finding_id = {seed[0]: fid for seed, fid in zip(FINDINGS, finding_ids, strict=True)}
    rows: list[tuple[Any, ...]] = []
    links: list[tuple[int, int]] = []
    for position, (fid, (_, number, kind, group, who, objectives, text)) in enumerate(
        zip(finding_ids, FINDINGS, strict=True)
    ):
        created = _at(DAY, 11, 5) + dt.timedelta(seconds=position * 75 + rng.randint(0, 60))
        rows.append((fid, SEMINAR_ID, workshop[number], kind, text, group, who, created))
        links += [(fid, objective[n]) for n in objectives]
    counts["findings"] = _insert(
        cur,
        "INSERT INTO findings (id, seminar_id, workshop_id, kind, text, group_label, participant_kind, "
        "created_at) SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?)",
        rows,
    )
    counts["finding_objectives"] = _insert(
        cur, "INSERT INTO finding_objectives (finding_id, objective_id) SELECT unnest(?), unnest(?)", links
    )

    challenge_ids = _allocate(cur, "seq_challenges", len(CHALLENGES))
    cutoff = sorted((seed[5] for seed in CHALLENGES), reverse=True)[SELECTED_COUNT - 1]
    rows, weights, provenance = [], [], []
    for position, (cid, (number, title, description, keys, shares, dots)) in enumerate(
        zip(challenge_ids, CHALLENGES, strict=True)
    ):
        created = _at(DAY, 11, 48) + dt.timedelta(seconds=position * 50 + rng.randint(0, 40))
        rows.append((cid, SEMINAR_ID, workshop[number], title, description, dots >= cutoff, created))
        weights += [(cid, objective[n], share) for n, share in sorted(shares.items())]
        provenance += [(cid, finding_id[key]) for key in keys]
    counts["challenges"] = _insert(
        cur,
        "INSERT INTO challenges (id, seminar_id, workshop_id, title, description, selected, created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        rows,
    )
    counts["challenge_objectives"] = _insert(
        cur,
        "INSERT INTO challenge_objectives (challenge_id, objective_id, weight) "
        "SELECT unnest(?), unnest(?), unnest(?)",
        weights,
    )
    counts["challenge_findings"] = _insert(
        cur,
        "INSERT INTO challenge_findings (challenge_id, finding_id) SELECT unnest(?), unnest(?)",
        provenance,
    )
    return challenge_ids


def _dot_choices(
    rng: random.Random, kinds: list[str], dots: list[int], targets: list[int]
) -> list[list[int]]:
    """Spread the dots over the voters so that item i gets exactly ``targets[i]`` dots, one at most each.

    Each voter picks items at random, weighted by what the item still needs and the voter's affinity;
    an item that needs one dot from every remaining voter is forced, which keeps the draw feasible.
    """
    remaining = list(targets)
    choices = []
    for position, (kind, k) in enumerate(zip(kinds, dots, strict=True)):
        left = len(kinds) - position
        picks = [i for i, need in enumerate(remaining) if need == left]
        while len(picks) < k:
            candidates = [i for i, need in enumerate(remaining) if need > 0 and i not in picks]
            odds = [remaining[i] * AFFINITY.get((kind, i + 1), 1.0) for i in candidates]
            picks.append(rng.choices(candidates, odds)[0])
        for i in picks:
            remaining[i] -= 1
        choices.append(sorted(picks))
    assert not any(remaining), "the dot targets do not match the number of voters"
    return choices


def _write_round(
    cur: duckdb.DuckDBPyConnection,
    counts: dict[str, int],
    round_row: tuple[Any, ...],
    item_ids: list[int],
    ballots: list[tuple[dt.datetime, int, dict[int, tuple[int, bool]]]],
) -> None:
    """Insert a round (id first in ``round_row``), its items and its ballots (time, participant, entries)."""
    round_id = round_row[0]
    _insert(
        cur,
        "INSERT INTO rounds (id, seminar_id, title, target, method, dots_per_voter, max_per_item, "
        "grade_scale, status, results_visibility, revealed, opened_at, closed_at, created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        [round_row],
    )
    counts["rounds"] = counts.get("rounds", 0) + 1
    items = [(round_id, item_id, position) for position, item_id in enumerate(item_ids, start=1)]
    counts["round_items"] = counts.get("round_items", 0) + _insert(
        cur,
        "INSERT INTO round_items (round_id, item_id, position) SELECT unnest(?), unnest(?), unnest(?)",
        items,
    )
    ballots = sorted(ballots, key=lambda ballot: (ballot[0], ballot[1]))
    ids = _allocate(cur, "seq_ballots", len(ballots))
    rows, entries = [], []
    for ballot_id, (submitted, participant_id, choice) in zip(ids, ballots, strict=True):
        rows.append((ballot_id, round_id, participant_id, voting.ballot_fingerprint(choice), submitted))
        entries += [
            (ballot_id, item, value, contribute) for item, (value, contribute) in sorted(choice.items())
        ]
    counts["ballots"] = counts.get("ballots", 0) + _insert(
        cur,
        "INSERT INTO ballots (id, round_id, participant_id, fingerprint, submitted_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        rows,
    )
    counts["ballot_entries"] = counts.get("ballot_entries", 0) + _insert(
        cur,
        "INSERT INTO ballot_entries (ballot_id, item_id, value, contribute) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?)",
        entries,
    )


def _ballot_times(rng: random.Random, n: int, start: dt.datetime, minutes: int) -> list[dt.datetime]:
    """Return ``n`` sorted submission times within ``minutes`` after ``start``."""
    return sorted(start + dt.timedelta(seconds=rng.randint(0, minutes * 60)) for _ in range(n))


def _write_morning_round(
    cur: duckdb.DuckDBPyConnection,
    rng: random.Random,
    counts: dict[str, int],
    people: list[tuple[int, str]],
    challenge_ids: list[int],
) -> list[int]:
    """Insert the closed dot-voting round on the défis (12h plenary); return the voters' ids."""
    voters = rng.sample(people, MORNING_VOTERS)
    dots = [3] * MORNING_VOTERS
    for position in rng.sample(range(MORNING_VOTERS), TWO_DOT_VOTERS):
        dots[position] = 2
    targets = [seed[5] for seed in CHALLENGES]
    choices = _dot_choices(rng, [kind for _, kind in voters], dots, targets)
    times = _ballot_times(rng, MORNING_VOTERS, _at(DAY, 12, 6), 21)
    ballots = []
    for when, (pid, _), picks in zip(times, voters, choices, strict=True):
        ballots.append((when, pid, {challenge_ids[i]: (1, False) for i in picks}))
    late_voters = [i for i, when in enumerate(times) if when >= _at(DAY, 12, 12)]
    for position in rng.sample(late_voters, MORNING_CHANGED):
        when, pid, final = ballots[position]
        first = final
        while first == final:
            first = {challenge_ids[i]: (1, False) for i in rng.sample(range(len(challenge_ids)), 3)}
        ballots.append((when - dt.timedelta(seconds=rng.randint(120, 360)), pid, first))
    round_id = _allocate(cur, "seq_rounds", 1)[0]
    round_row = (
        round_id, SEMINAR_ID, "Positionnement sur les défis (plénière de 12h)", "challenges", "dots", 3, 1, 5,
        "closed", "live", True, _at(DAY, 12, 5), _at(DAY, 12, 28), _at(DAY, 11, 58),
    )
    _write_round(cur, counts, round_row, challenge_ids, ballots)
    return [pid for pid, _ in voters]


def _write_solutions(
    cur: duckdb.DuckDBPyConnection, rng: random.Random, counts: dict[str, int], challenge_ids: list[int]
) -> list[int]:
    """Insert the afternoon workshops and their solutions; return the solution ids in SOLUTIONS order."""
    workshop_ids = _allocate(cur, "seq_workshops", len(AFTERNOON_WORKSHOPS))
    counts["workshops"] = _insert(
        cur,
        "INSERT INTO workshops (id, seminar_id, session, number, title, question) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        [
            (wid, SEMINAR_ID, "apres-midi", number, title, question)
            for wid, (number, title, question, _) in zip(workshop_ids, AFTERNOON_WORKSHOPS, strict=True)
        ],
    )
    workshop_of = {
        challenge: wid
        for wid, (*_, challenges) in zip(workshop_ids, AFTERNOON_WORKSHOPS, strict=True)
        for challenge in challenges
    }
    solution_ids = _allocate(cur, "seq_solutions", len(SOLUTIONS))
    rows = []
    for position, (sid, seed) in enumerate(zip(solution_ids, SOLUTIONS, strict=True)):
        challenge, title, description, _ = seed
        created = _at(DAY, 13, 50) + dt.timedelta(seconds=position * 420 + rng.randint(0, 300))
        challenge_id = challenge_ids[challenge - 1]
        rows.append((sid, SEMINAR_ID, challenge_id, workshop_of[challenge], title, description, created))
    counts["solutions"] = _insert(
        cur,
        "INSERT INTO solutions (id, seminar_id, challenge_id, workshop_id, title, description, created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        rows,
    )
    return solution_ids


def _grades(rng: random.Random, kind: str, solution_ids: list[int]) -> dict[int, tuple[int, bool]]:
    """Return one majority-judgment ballot: a grade for every solution, and the wish to contribute."""
    choice = {}
    for sid, (*_, mean) in zip(solution_ids, SOLUTIONS, strict=True):
        grade = NO_OPINION if rng.random() < 0.07 else min(max(round(rng.gauss(mean, 0.9)), 0), 4)
        eager = 0.3 if kind in ("accompagnateur", "ptce", "reseau") else 0.15
        contribute = (grade <= 1 and rng.random() < eager) or (grade == 2 and rng.random() < 0.05)
        choice[sid] = (grade, contribute)
    return choice


def _write_closing_round(
    cur: duckdb.DuckDBPyConnection,
    rng: random.Random,
    counts: dict[str, int],
    people: list[tuple[int, str]],
    morning_voters: list[int],
    solution_ids: list[int],
) -> None:
    """Insert the closed majority-judgment round on the solutions (closing session, 15h35-16h20)."""
    kind_of = dict(people)
    voted = set(morning_voters)
    absent = [pid for pid, _ in people if pid not in voted]
    voters = rng.sample(morning_voters, CLOSING_VOTERS_FROM_MORNING) + rng.sample(absent, CLOSING_NEW_VOTERS)
    rng.shuffle(voters)
    times = _ballot_times(rng, len(voters), _at(DAY, 15, 37), 41)
    ballots = [
        (when, pid, _grades(rng, kind_of[pid], solution_ids)) for when, pid in zip(times, voters, strict=True)
    ]
    late_voters = [i for i, when in enumerate(times) if when >= _at(DAY, 15, 50)]
    for position in rng.sample(late_voters, CLOSING_CHANGED):
        when, pid, final = ballots[position]
        first = dict(final)
        for sid in rng.sample(solution_ids, 3):
            grade, contribute = first[sid]
            first[sid] = (min(grade + 1, 4), contribute)
        ballots.append((when - dt.timedelta(seconds=rng.randint(90, 300)), pid, first))
    round_id = _allocate(cur, "seq_rounds", 1)[0]
    round_row = (
        round_id, SEMINAR_ID, "Positionnement de clôture sur les solutions", "solutions", "majority_judgment",
        3, 1, 5, "closed", "hidden", True, _at(DAY, 15, 35), _at(DAY, 16, 20), _at(DAY, 15, 25),
    )
    _write_round(cur, counts, round_row, solution_ids, ballots)


def _write_actions(
    cur: duckdb.DuckDBPyConnection, counts: dict[str, int], solution_ids: list[int]
) -> list[int]:
    """Insert the follow-up actions (created at the first working meeting after the seminar)."""
    action_ids = _allocate(cur, "seq_actions", len(ACTIONS))
    rows = [
        (
            aid, solution_ids[a.solution - 1], a.title, a.description, a.pilot_structure, a.pilot_person,
            a.contributors, a.funders, a.budget_planned, a.budget_secured, a.start, a.due, a.next_step,
            a.weight, _at(dt.date(2026, 4, 2), 10, 0) + dt.timedelta(minutes=3 * position),
        )
        for position, (aid, a) in enumerate(zip(action_ids, ACTIONS, strict=True))
    ]
    counts["actions"] = _insert(
        cur,
        "INSERT INTO actions (id, solution_id, title, description, pilot_structure, pilot_person, "
        "contributors, funders, budget_planned, budget_secured, start_date, due_date, next_step, weight, "
        "created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        rows,
    )
    return action_ids


def _ramp(rng: random.Random, low: int, high: int, months: list[int]) -> list[tuple[int, int]]:
    """Return (month, %) rising from about ``low`` to about ``high``: multiples of 5, never decreasing."""
    steps, value = [], 5
    for i, month in enumerate(months):
        target = low + (high - low) * i / max(len(months) - 1, 1)
        value = min(max(5 * round((target + rng.uniform(-4, 4)) / 5), value), 95)
        steps.append((month, value))
    return steps


def _trajectory(rng: random.Random, action: ActionSeed) -> list[tuple[int, str, int | None, str]]:
    """Return the monthly updates of an action as (month, status, %, comment kind)."""
    first = action.start.month if action.start.day <= 15 else action.start.month + 1
    last, event, kind = REPORT_MONTHS[-1], action.event_month, action.trajectory
    if kind == "never":
        return []
    if kind == "unmeasured":
        return [(first, "a_lancer", None, "a_lancer"), (9, "a_lancer", None, "a_lancer")]
    if kind in ("steady", "late", "delayed"):
        begin = first
        if kind == "delayed":
            assert event is not None, "the delayed trajectory needs an event month"
            begin = event
        waiting: list[tuple[int, str, int | None, str]] = [
            (m, "a_lancer", 0, "a_lancer") for m in range(first, begin)
        ]
        high = rng.choice(FINAL_PROGRESS[kind])
        ramp = _ramp(rng, 10, high, list(range(begin, last + 1)))
        # A month without change may go unreported, except the first and last check-ins.
        ramp = [s for i, s in enumerate(ramp) if i in (0, len(ramp) - 1) or rng.random() > 0.2]
        return waiting + _en_cours(ramp)
    assert event is not None, f"the {kind} trajectory needs an event month"
    if kind in ("done", "mismatch"):
        steps = _en_cours(_ramp(rng, 15, 80, list(range(first, event))))
        return [*steps, (event, "terminee", 100 if kind == "done" else 90, kind)]
    if kind == "stalled":
        steps = _en_cours(_ramp(rng, 10, rng.choice((30, 35, 40)), list(range(first, event + 1))))
        plateau = steps[-1][2]
        return steps + [(m, "en_cours", plateau, "stalled") for m in range(event + 1, last + 1)]
    if kind == "pause":
        steps = _en_cours(_ramp(rng, 10, rng.choice((40, 50)), list(range(first, event))))
        level = steps[-1][2]
        return (
            steps
            + [(event, "en_pause", level, "pause")]
            + [(m, "en_pause", level, "pause_check") for m in range(event + 1, last + 1)]
        )
    if kind == "abandon":
        steps = _en_cours(_ramp(rng, 5, 15, list(range(first, event))))
        return [*steps, (event, "abandonnee", steps[-1][2], "abandon")]
    raise ValueError(f"unknown trajectory {kind!r}")


def _en_cours(steps: list[tuple[int, int]]) -> list[tuple[int, str, int | None, str]]:
    """Turn (month, %) steps into 'en cours' updates, the first one commented as the start."""
    return [
        (month, "en_cours", value, "progress" if i else "start") for i, (month, value) in enumerate(steps)
    ]


def _report_day(rng: random.Random, month: int) -> dt.date:
    """Return the day of a monthly check-in: around the 20th, on a weekday."""
    day = dt.date(2026, month, rng.randint(18, 22))
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def _write_progress(
    cur: duckdb.DuckDBPyConnection, rng: random.Random, counts: dict[str, int], action_ids: list[int]
) -> None:
    """Insert the monthly progress updates of every action, April to November 2026."""
    rows = []
    for number, (aid, action) in enumerate(zip(action_ids, ACTIONS, strict=True), start=1):
        for month, status, progress, comment_kind in _trajectory(rng, action):
            day = _report_day(rng, month)
            if comment_kind == "progress" and day > action.due:
                comment_kind = "late"
            reporter = COORDINATOR if rng.random() < 0.2 else action.pilot_person
            with_evidence = comment_kind in ("done", "mismatch") or (
                comment_kind == "progress" and rng.random() < 0.25
            )
            url = EVIDENCE_URL.format(number=number, day=day) if with_evidence else None
            comment = rng.choice(COMMENTS[comment_kind])
            rows.append((aid, day, status, progress, comment, url, reporter, _at(day, 18, 0)))
    rows.sort(key=lambda row: (row[1], row[0]))
    ids = _allocate(cur, "seq_updates", len(rows))
    counts["progress_updates"] = _insert(
        cur,
        "INSERT INTO progress_updates (id, action_id, reported_on, status, progress, comment, evidence_url, "
        "reported_by, recorded_at) SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?), unnest(?), unnest(?)",
        [(uid, *row) for uid, row in zip(ids, rows, strict=True)],
    )


# One wrong point, withdrawn (domain brief §5), so that the correction is visible in the demo: a % typed on
# the wrong action (the action's number in ACTIONS, the wrong %), withdrawn three days later by the
# coordinator. It uses no random draw: the rest of the demo is the same with or without it.
WRONG_POINT = (3, 90)
WITHDRAWAL_REASON = (
    "Avancement saisi sur la mauvaise action (il concernait l'étude de préfiguration) : le point précédent "
    "du même jour reste le bon."
)


def _write_withdrawal(cur: duckdb.DuckDBPyConnection, counts: dict[str, int], action_ids: list[int]) -> None:
    """Insert the wrong point (same day as the action's last point before November) and its withdrawal."""
    number, wrong = WRONG_POINT
    aid = action_ids[number - 1]
    [(day, reporter)] = cur.execute(
        "SELECT reported_on, reported_by FROM progress_points WHERE action_id = ? AND reported_on < ? "
        "ORDER BY reported_on DESC, seq DESC LIMIT 1",
        [aid, dt.date(2026, 11, 1)],
    ).fetchall()
    (uid,) = _allocate(cur, "seq_updates", 1)
    cur.execute(
        "INSERT INTO progress_updates (id, action_id, reported_on, status, progress, comment, reported_by, "
        "recorded_at) VALUES (?, ?, ?, 'en_cours', ?, ?, ?, ?)",
        [uid, aid, day, wrong, "Étude rendue, présentation au comité des financeurs prévue.", reporter,
         _at(day, 18, 0)],
    )
    counts["progress_updates"] += 1
    withdrawn_on = day + dt.timedelta(days=3)
    counts["progress_withdrawals"] = _insert(
        cur,
        "INSERT INTO progress_withdrawals (update_id, reason, withdrawn_by, role, withdrawn_on, "
        "withdrawn_at) SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        [(uid, WITHDRAWAL_REASON, COORDINATOR, access.STEERING, withdrawn_on, _at(withdrawn_on, 8, 30))],
    )


def _review_day(month: int) -> dt.date:
    """Return the day of a monthly steering review: the 25th, moved to the nearest weekday."""
    day = dt.date(2026, month, 25)
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def _write_reviews(cur: duckdb.DuckDBPyConnection, counts: dict[str, int], action_ids: list[int]) -> None:
    """Insert the monthly steering reviews and their decisions."""
    review_ids = _allocate(cur, "seq_reviews", len(REVIEWS))
    reviews, decisions = [], []
    for rid, (month, notes, decided) in zip(review_ids, REVIEWS, strict=True):
        held = _review_day(month)
        reviews.append((rid, SEMINAR_ID, dt.date(2026, month, 1), held, notes, _at(held, 17, 0)))
        for position, (action, text, owner, due) in enumerate(decided):
            action_id = None if action is None else action_ids[action - 1]
            decisions.append((rid, action_id, text, owner, due, _at(held, 17, 5 + 5 * position)))
    counts["reviews"] = _insert(
        cur,
        "INSERT INTO reviews (id, seminar_id, month, held_on, notes, created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        reviews,
    )
    decision_ids = _allocate(cur, "seq_decisions", len(decisions))
    counts["decisions"] = _insert(
        cur,
        "INSERT INTO decisions (id, review_id, action_id, text, owner, due_date, created_at) "
        "SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?)",
        [(did, *row) for did, row in zip(decision_ids, decisions, strict=True)],
    )

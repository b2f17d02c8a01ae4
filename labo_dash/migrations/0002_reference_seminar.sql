-- 0002_reference_seminar: the seminar of the study-action, from shared/seed (verbatim French titles).

INSERT INTO seminars (slug, title, subtitle, organiser, funder, study, description)
VALUES (
    'accompagner-cooperer',
    'Accompagner pour coopérer et coopérer pour accompagner',
    'Vers une transformation écologique et sociale de nos territoires !',
    'Le Labo de l''ESS',
    'Que Vol''Terre',
    'Accompagner et financer les coopérations dans les territoires au service de la transition écologique et sociale',
    'Premier séminaire de travail de l''étude-action menée depuis septembre 2022 par le Labo de l''ESS à l''initiative du fonds de dotation Que Vol''Terre. Il a pour objectifs d''établir un diagnostic partagé sur les démarches d''accompagnement des dynamiques collectives dans les territoires, d''identifier et de prioriser collectivement les principaux défis auxquels doit répondre l''accompagnement des coopérations dans les territoires, et de définir comment agir ensemble pour répondre à ces défis.'
);

INSERT INTO objectives (seminar_id, number, title, short_label) VALUES
    (1, 1, 'Développer l''acculturation à la coopération dans les territoires', 'Acculturation'),
    (1, 2, 'Développer l''animation territoriale au service de la transition dans chaque territoire', 'Animation territoriale'),
    (1, 3, 'Financer l''accompagnement des coopérations', 'Financement'),
    (1, 4, 'Soutenir la montée en compétences des accompagnateur·ice·s des dynamiques collectives', 'Compétences'),
    (1, 5, 'Développer des écosystèmes coopératifs d''accompagnement aux dynamiques collectives', 'Écosystèmes');

INSERT INTO workshops (seminar_id, session, number, title, question) VALUES
    (1, 'matin', 1, 'Atelier 1 : freins et leviers',
     'Quels sont les freins rencontrés par les démarches d''accompagnement des coopérations dans les territoires et quels leviers pour les dépasser ?'),
    (1, 'matin', 2, 'Atelier 2 : financement',
     'Comment financer l''accompagnement des coopérations dans les territoires ?'),
    (1, 'matin', 3, 'Atelier 3 : compétences et métiers',
     'Quels sont les compétences et métiers nécessaires pour animer les coopérations dans les territoires ?');

INSERT INTO programme_slots (seminar_id, position, starts_at, ends_at, title, details) VALUES
    (1, 1, TIME '09:00', TIME '09:45', 'Accueil des participant·e·s', NULL),
    (1, 2, TIME '09:45', TIME '10:00', 'Présentation du séminaire', NULL),
    (1, 3, TIME '10:00', TIME '10:30', 'Construction et définition d''un cadre commun pour la journée', NULL),
    (1, 4, TIME '10:30', TIME '11:00', 'Présentation de la diversité des coopérations et des démarches d''accompagnement associées', NULL),
    (1, 5, TIME '11:00', TIME '12:00', 'Ateliers participatifs – Diagnostic partagé de l''accompagnement des coopérations dans les territoires ; formulation de défis à relever',
     'Atelier 1 : freins et leviers · Atelier 2 : financement · Atelier 3 : compétences et métiers'),
    (1, 6, TIME '12:00', TIME '12:30', 'Synthèse en plénière des ateliers ; positionnement des participant·e·s sur les défis qui en sont issus', NULL),
    (1, 7, TIME '12:30', TIME '13:30', 'Déjeuner sur place', NULL),
    (1, 8, TIME '13:30', TIME '15:30', 'Ateliers participatifs – Émergence de solutions associées aux défis présentés le matin', NULL),
    (1, 9, TIME '15:30', TIME '16:30', 'Restitution et conclusion',
     'Synthèse collective des ateliers · Positionnement de chacun·e sur ce qui est ressorti des ateliers de la journée et échanges sur la suite de la démarche · Mots de conclusion par le Labo de l''ESS');

-- 0001_initial: the schema of the whole mission (seminar, diagnosis, votes, follow-up, audit).
-- Identifiers come from sequences; weights are fractions (0..1); progress is a percentage (0..100).

CREATE SEQUENCE seq_seminars START 1;
CREATE TABLE seminars (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_seminars'),
    slug VARCHAR NOT NULL UNIQUE,
    title VARCHAR NOT NULL,
    subtitle VARCHAR,
    organiser VARCHAR NOT NULL,
    funder VARCHAR,
    study VARCHAR,
    description VARCHAR,
    held_on DATE,
    venue VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE seq_objectives START 1;
CREATE TABLE objectives (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_objectives'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 9),
    title VARCHAR NOT NULL,
    short_label VARCHAR NOT NULL,
    UNIQUE (seminar_id, number)
);

CREATE SEQUENCE seq_programme START 1;
CREATE TABLE programme_slots (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_programme'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    position INTEGER NOT NULL,
    starts_at TIME NOT NULL,
    ends_at TIME NOT NULL,
    title VARCHAR NOT NULL,
    details VARCHAR,
    UNIQUE (seminar_id, position)
);

CREATE SEQUENCE seq_workshops START 1;
CREATE TABLE workshops (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_workshops'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    session VARCHAR NOT NULL CHECK (session IN ('matin', 'apres-midi')),
    number INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    question VARCHAR,
    UNIQUE (seminar_id, session, number)
);

CREATE SEQUENCE seq_participants START 1;
CREATE TABLE participants (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_participants'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    name VARCHAR NOT NULL,
    structure VARCHAR,
    kind VARCHAR NOT NULL,
    territory VARCHAR,
    email VARCHAR,
    code VARCHAR UNIQUE,
    self_registered BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE seq_findings START 1;
CREATE TABLE findings (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_findings'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    workshop_id INTEGER NOT NULL REFERENCES workshops(id),
    kind VARCHAR NOT NULL CHECK (kind IN ('frein', 'levier', 'constat')),
    text VARCHAR NOT NULL,
    group_label VARCHAR,
    participant_kind VARCHAR,
    merged_into INTEGER,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE finding_objectives (
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    objective_id INTEGER NOT NULL REFERENCES objectives(id),
    PRIMARY KEY (finding_id, objective_id)
);

CREATE SEQUENCE seq_barometer START 1;
CREATE TABLE barometer_ratings (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_barometer'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    participant_id INTEGER REFERENCES participants(id),
    participant_kind VARCHAR,
    territory VARCHAR,
    objective_id INTEGER NOT NULL REFERENCES objectives(id),
    score INTEGER CHECK (score IS NULL OR score BETWEEN 1 AND 5),  -- NULL = "je ne sais pas"
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE seq_challenges START 1;
CREATE TABLE challenges (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_challenges'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    workshop_id INTEGER REFERENCES workshops(id),
    title VARCHAR NOT NULL,
    description VARCHAR,
    selected BOOLEAN NOT NULL DEFAULT false,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE challenge_objectives (
    challenge_id INTEGER NOT NULL REFERENCES challenges(id),
    objective_id INTEGER NOT NULL REFERENCES objectives(id),
    weight DOUBLE NOT NULL CHECK (weight >= 0 AND weight <= 1),
    PRIMARY KEY (challenge_id, objective_id)
);

CREATE TABLE challenge_findings (
    challenge_id INTEGER NOT NULL REFERENCES challenges(id),
    finding_id INTEGER NOT NULL REFERENCES findings(id),
    PRIMARY KEY (challenge_id, finding_id)
);

CREATE SEQUENCE seq_solutions START 1;
CREATE TABLE solutions (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_solutions'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    challenge_id INTEGER NOT NULL REFERENCES challenges(id),
    workshop_id INTEGER REFERENCES workshops(id),
    title VARCHAR NOT NULL,
    description VARCHAR,
    deleted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- A voting round: on challenges or on solutions; rules are locked once a ballot exists.
CREATE SEQUENCE seq_rounds START 1;
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_rounds'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    title VARCHAR NOT NULL,
    target VARCHAR NOT NULL CHECK (target IN ('challenges', 'solutions')),
    method VARCHAR NOT NULL CHECK (method IN ('dots', 'majority_judgment', 'approval')),
    dots_per_voter INTEGER NOT NULL DEFAULT 3,
    max_per_item INTEGER NOT NULL DEFAULT 1,
    grade_scale INTEGER NOT NULL DEFAULT 5 CHECK (grade_scale IN (5, 7)),
    status VARCHAR NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    results_visibility VARCHAR NOT NULL DEFAULT 'live' CHECK (results_visibility IN ('live', 'hidden')),
    revealed BOOLEAN NOT NULL DEFAULT false,
    opened_at TIMESTAMP,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Items of a round: challenge ids or solution ids, depending on rounds.target.
CREATE TABLE round_items (
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    item_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (round_id, item_id)
);

-- Ballots are append-only: a participant's current ballot is their latest one in the round.
CREATE SEQUENCE seq_ballots START 1;
CREATE TABLE ballots (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_ballots'),
    round_id INTEGER NOT NULL REFERENCES rounds(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    fingerprint VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- value: dots given (dots), grade index 0 = best (majority_judgment), 1 = approved (approval).
CREATE TABLE ballot_entries (
    ballot_id INTEGER NOT NULL REFERENCES ballots(id),
    item_id INTEGER NOT NULL,
    value INTEGER NOT NULL,
    contribute BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (ballot_id, item_id)
);

CREATE SEQUENCE seq_actions START 1;
CREATE TABLE actions (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_actions'),
    solution_id INTEGER NOT NULL REFERENCES solutions(id),
    title VARCHAR NOT NULL,
    description VARCHAR,
    pilot_structure VARCHAR,
    pilot_person VARCHAR,
    contributors VARCHAR,
    funders VARCHAR,
    budget_planned DECIMAL(12, 2),
    budget_secured DECIMAL(12, 2),
    start_date DATE,
    due_date DATE,
    next_step VARCHAR,
    weight DOUBLE CHECK (weight IS NULL OR weight > 0),
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Progress history: one row per change, never updated. progress NULL = not measured.
CREATE SEQUENCE seq_updates START 1;
CREATE TABLE progress_updates (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_updates'),
    action_id INTEGER NOT NULL REFERENCES actions(id),
    reported_on DATE NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('a_lancer', 'en_cours', 'en_pause', 'terminee', 'abandonnee')),
    progress INTEGER CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
    comment VARCHAR,
    evidence_url VARCHAR,
    reported_by VARCHAR,
    recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Steering group: one review per month, with its decisions.
CREATE SEQUENCE seq_reviews START 1;
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_reviews'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    month DATE NOT NULL,
    held_on DATE,
    notes VARCHAR,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    UNIQUE (seminar_id, month)
);

CREATE SEQUENCE seq_decisions START 1;
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_decisions'),
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    action_id INTEGER REFERENCES actions(id),
    text VARCHAR NOT NULL,
    owner VARCHAR,
    due_date DATE,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE seq_audit START 1;
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('seq_audit'),
    logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id INTEGER,
    operation VARCHAR NOT NULL,
    before JSON,
    after JSON
);

-- 0009_contributions: participants' posts from their phones (findings in the morning, solutions for a
-- retained défi in the afternoon), waiting in a moderation queue until organisers accept or reject them.
-- A post is never deleted: a rejected one stays, an accepted one points at the finding or solution it
-- became. objective_ids holds the objectives a finding post is tagged with (empty for a solution).
CREATE SEQUENCE seq_contributions START 1;
CREATE TABLE contributions (
    id INTEGER PRIMARY KEY DEFAULT nextval('seq_contributions'),
    seminar_id INTEGER NOT NULL REFERENCES seminars(id),
    participant_id INTEGER NOT NULL REFERENCES participants(id),
    kind VARCHAR NOT NULL CHECK (kind IN ('frein', 'levier', 'constat', 'solution')),
    workshop_id INTEGER REFERENCES workshops(id),
    challenge_id INTEGER REFERENCES challenges(id),
    objective_ids INTEGER[] NOT NULL DEFAULT CAST([] AS INTEGER[]),
    text VARCHAR NOT NULL,
    description VARCHAR,
    status VARCHAR NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    moderated_by VARCHAR,
    moderated_at TIMESTAMP,
    finding_id INTEGER REFERENCES findings(id),
    solution_id INTEGER REFERENCES solutions(id),
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    CHECK ((kind = 'solution') = (challenge_id IS NOT NULL)),
    CHECK ((kind = 'solution') OR (workshop_id IS NOT NULL))
);

-- 0008_progress_withdrawals: a wrong progress point is never erased; it is withdrawn by a later, dated and
-- audited record with a reason (domain brief §5). progress_updates stays append-only.
CREATE TABLE progress_withdrawals (
    update_id INTEGER PRIMARY KEY REFERENCES progress_updates(id),  -- a point is withdrawn once at most
    reason VARCHAR NOT NULL CHECK (length(trim(reason)) > 0),
    withdrawn_by VARCHAR NOT NULL,                 -- the person's name (never published)
    role VARCHAR NOT NULL,                         -- their role (access.py), as in the audit log
    withdrawn_on DATE NOT NULL,                    -- the seminar's local date of the withdrawal
    withdrawn_at TIMESTAMP NOT NULL,               -- the instant it was recorded, in UTC
    replaced_by INTEGER REFERENCES progress_updates(id)  -- the corrected point, when it was replaced
);

-- THE reader of the progress history: every point that is not withdrawn. Every state, roll-up, review,
-- report, signature figure and export reads this view, never progress_updates (tests/test_corrections.py
-- lists the few places allowed to read the table itself: the timeline and the withdrawal code).
CREATE VIEW progress_points AS
SELECT u.*
FROM progress_updates u
WHERE NOT EXISTS (SELECT 1 FROM progress_withdrawals w WHERE w.update_id = u.id);

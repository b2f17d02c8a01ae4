-- 0013_data_versions: one version counter per topic of data, bumped by every write transaction that touches
-- the topic (labo_dash.db.transaction), inside that transaction. Page caches are keyed by the versions of the
-- topics they read (labo_dash.ui.cache.by_version), so a ballot does not invalidate the action tracker, and
-- the versions hold for every process that opens the file. One row per labo_dash.db.Topic member, seeded
-- with the instant (microseconds since 1970, UTC), as every bump is (a restored file never reuses a version).
CREATE TABLE data_versions (
    topic VARCHAR PRIMARY KEY,
    version BIGINT NOT NULL
);

INSERT INTO data_versions (topic, version) VALUES
    ('votes', epoch_us(current_timestamp)),
    ('follow_up', epoch_us(current_timestamp)),
    ('diagnosis', epoch_us(current_timestamp)),
    ('people', epoch_us(current_timestamp)),
    ('settings', epoch_us(current_timestamp));

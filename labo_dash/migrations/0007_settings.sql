-- 0007_settings: organisers' settings (name -> JSON value), e.g. whether the live projection is public.
CREATE TABLE settings (
    name VARCHAR PRIMARY KEY,
    value JSON NOT NULL,
    updated_by VARCHAR,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);

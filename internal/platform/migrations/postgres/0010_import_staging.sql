-- +goose Up
-- A roster import writes its checked rows here in short transactions (so SQLite's
-- one writer is free between chunks) and moves them into workers in one final
-- transaction. Rows of an import that died are swept after a day.
CREATE TABLE import_staging (
    token TEXT NOT NULL,
    seq BIGINT NOT NULL,
    city_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    phone_index TEXT,
    phone_sealed TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    id_index TEXT,
    id_sealed TEXT NOT NULL,
    id_masked TEXT NOT NULL,
    gender TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    landline TEXT NOT NULL,
    employer_name TEXT NOT NULL,
    post TEXT NOT NULL,
    education TEXT NOT NULL,
    member_status TEXT NOT NULL,
    joined_on TEXT NOT NULL,
    model_level TEXT NOT NULL,
    craftsman TEXT NOT NULL,
    group_code TEXT NOT NULL,
    consent_by TEXT NOT NULL,
    consent_at TIMESTAMPTZ,
    consent_version TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (token, seq)
);
CREATE INDEX import_staging_created ON import_staging (created_at);

-- +goose Down
DROP TABLE import_staging;

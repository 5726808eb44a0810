-- +goose Up
-- A roster import writes its checked rows here in short transactions (so SQLite's
-- one writer is free between chunks) and moves them into workers in one final
-- transaction. Rows of an import that died are swept after a day.
CREATE TABLE import_staging (
    token TEXT NOT NULL,
    seq INTEGER NOT NULL,
    city_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
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
    consent_at TIMESTAMP,
    consent_version TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (token, seq)
);
CREATE INDEX import_staging_created ON import_staging (created_at);

-- +goose Down
DROP TABLE import_staging;

-- +goose Up
-- Roster imports started from the console (package people): progress is kept in
-- memory while the import runs; the row here holds the outcome and the refused
-- rows (JSON, capped) for the error report. Only the account that started a job
-- sees it.
CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL DEFAULT 0,
    filename TEXT NOT NULL DEFAULT '',
    mode TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'running',
    done_rows INTEGER NOT NULL DEFAULT 0,
    total_bytes INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX import_jobs_account ON import_jobs (account_id, id);

-- +goose Down
DROP TABLE import_jobs;

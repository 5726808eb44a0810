-- +goose Up
-- Public notice (公示), objections (异议), payment batches (发放) and the hardship
-- archive (建档) of package relief.
-- An approved application is on notice until notice_until (a 'YYYY-MM-DD' day in
-- Asia/Shanghai); an open objection halts its payment until staff record a finding.
ALTER TABLE relief_applications ADD COLUMN notice_until TEXT NOT NULL DEFAULT '';
CREATE INDEX relief_applications_notice ON relief_applications (notice_until, status);

CREATE TABLE relief_objections (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES relief_applications (id),
    org_path TEXT NOT NULL,
    raised_by_kind TEXT NOT NULL,
    raised_by_id INTEGER NOT NULL,
    raised_by_name TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    finding TEXT NOT NULL DEFAULT '',
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP
);
CREATE INDEX relief_objections_app ON relief_objections (application_id, status);
CREATE INDEX relief_objections_path ON relief_objections (org_path, status);

-- A level's payment batch: its committed grants whose notice passed, exported to
-- the bank and marked paid with the bank's reference. A grant sits in one batch.
CREATE TABLE relief_batches (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    programme_id INTEGER NOT NULL REFERENCES relief_programmes (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    org_path TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    grants INTEGER NOT NULL DEFAULT 0,
    total BIGINT NOT NULL DEFAULT 0,
    bank_ref TEXT NOT NULL DEFAULT '',
    created_by_name TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    paid_at TIMESTAMP
);
CREATE INDEX relief_batches_path ON relief_batches (org_path, created_at);

-- The hardship archive (困难职工档案): one file per household (the worker's), with
-- its category and causes, reviewed on a schedule, closed when the household
-- exits (解困脱困) and re-opened if it falls back (返困); its events are the history.
CREATE TABLE relief_archive (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    org_path TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    causes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    opened_at TIMESTAMP NOT NULL,
    next_review_on TEXT NOT NULL DEFAULT '',
    exited_at TIMESTAMP,
    exit_reason TEXT NOT NULL DEFAULT '',
    reopened INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX relief_archive_worker ON relief_archive (worker_id);
CREATE INDEX relief_archive_path ON relief_archive (org_path, status, next_review_on);

CREATE TABLE relief_archive_events (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    archive_id INTEGER NOT NULL REFERENCES relief_archive (id),
    action TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX relief_archive_events_file ON relief_archive_events (archive_id, id);
CREATE INDEX relief_archive_events_at ON relief_archive_events (city_id, action, at);

-- Recorded monthly per-capita income of an archived household, for the exit rule.
CREATE TABLE relief_archive_incomes (
    archive_id INTEGER NOT NULL REFERENCES relief_archive (id),
    month TEXT NOT NULL,
    per_capita BIGINT NOT NULL,
    PRIMARY KEY (archive_id, month)
);

-- +goose Down
DROP TABLE relief_archive_incomes;
DROP TABLE relief_archive_events;
DROP TABLE relief_archive;
DROP TABLE relief_batches;
DROP TABLE relief_objections;
DROP INDEX relief_applications_notice;
ALTER TABLE relief_applications DROP COLUMN notice_until;

-- +goose Up
-- Public notice (公示), objections (异议) and payment batches (发放) of package relief.
-- An approved application is on notice until notice_until (a 'YYYY-MM-DD' day in
-- Asia/Shanghai); an open objection halts its payment until staff record a finding.
ALTER TABLE relief_applications ADD COLUMN notice_until TEXT NOT NULL DEFAULT '';
CREATE INDEX relief_applications_notice ON relief_applications (status, notice_until);

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

-- +goose Down
DROP TABLE relief_batches;
DROP TABLE relief_objections;
DROP INDEX relief_applications_notice;
ALTER TABLE relief_applications DROP COLUMN notice_until;

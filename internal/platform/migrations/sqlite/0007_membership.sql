-- +goose Up
-- Joining a union (入会) and moving between unions (转会), package membership.
-- open_flag is 1 while a row awaits a decision and NULL afterwards: the unique
-- index on (worker_id, open_flag) allows one open row per worker and any number
-- of decided ones (NULLs are distinct on both engines), with no partial index.
CREATE TABLE membership_applications (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    status TEXT NOT NULL DEFAULT 'pending',
    open_flag INTEGER DEFAULT 1,
    reason TEXT NOT NULL DEFAULT '',
    submitted_at TIMESTAMP NOT NULL,
    decided_by INTEGER,
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX membership_applications_open ON membership_applications (worker_id, open_flag);
CREATE INDEX membership_applications_org ON membership_applications (org_id, status);

CREATE TABLE member_transfers (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    from_org_id INTEGER NOT NULL REFERENCES orgs (id),
    to_org_id INTEGER NOT NULL REFERENCES orgs (id),
    requested_kind TEXT NOT NULL,
    requested_id INTEGER NOT NULL DEFAULT 0,
    requested_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    open_flag INTEGER DEFAULT 1,
    reason TEXT NOT NULL DEFAULT '',
    requested_at TIMESTAMP NOT NULL,
    decided_by INTEGER,
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX member_transfers_open ON member_transfers (worker_id, open_flag);
CREATE INDEX member_transfers_to ON member_transfers (to_org_id, status);
CREATE INDEX member_transfers_from ON member_transfers (from_org_id, status);

-- +goose Down
DROP TABLE member_transfers;
DROP TABLE membership_applications;

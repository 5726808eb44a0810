-- +goose Up
-- Possible duplicate workers (package people): two records with the same name
-- and birth date, found by a scan, reviewed by staff who merge or dismiss them.
-- a_id < b_id so a pair is stored once; no foreign keys, because a merge deletes
-- one of the two workers and the decided pair stays as history.
CREATE TABLE worker_duplicates (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    a_id INTEGER NOT NULL,
    b_id INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT 'same_name_birth',
    status TEXT NOT NULL DEFAULT 'open',
    found_at TIMESTAMP NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP,
    note TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (a_id < b_id)
);
CREATE UNIQUE INDEX worker_duplicates_pair ON worker_duplicates (a_id, b_id);
CREATE INDEX worker_duplicates_b ON worker_duplicates (b_id);
CREATE INDEX worker_duplicates_status ON worker_duplicates (status, id);

-- +goose Down
DROP TABLE worker_duplicates;

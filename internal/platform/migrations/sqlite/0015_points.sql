-- +goose Up
-- The points ledger (package points), the one every programme uses. Entries are
-- appended and never changed; a correction is a new entry. source is unique per
-- city, so the same award posted twice counts once. points_balances keeps each
-- worker's balance (never negative) and lifetime earnings, updated in the same
-- transaction as the entry. A refund (refund = 1: points given back, e.g. a
-- cancelled redemption) raises the balance but is not earned.
CREATE TABLE points_entries (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    refund INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX points_entries_source ON points_entries (city_id, source);
CREATE INDEX points_entries_worker ON points_entries (worker_id, id);
CREATE INDEX points_entries_org_time ON points_entries (org_id, created_at);

CREATE TABLE points_balances (
    worker_id INTEGER PRIMARY KEY REFERENCES workers (id),
    city_id INTEGER NOT NULL DEFAULT 0,
    balance INTEGER NOT NULL DEFAULT 0 CHECK (balance >= 0),
    earned INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE points_balances;
DROP TABLE points_entries;

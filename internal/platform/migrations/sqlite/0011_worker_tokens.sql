-- +goose Up
-- A worker's bearer token: what the worker does on the portal, from a
-- mini-program or another client. Only the token's SHA-256 is kept.
CREATE TABLE worker_tokens (
    id INTEGER PRIMARY KEY,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    client TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE UNIQUE INDEX worker_tokens_hash ON worker_tokens (token_hash);
CREATE INDEX worker_tokens_worker ON worker_tokens (worker_id);

-- +goose Down
DROP TABLE worker_tokens;

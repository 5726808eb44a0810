-- +goose Up
-- The multi-level review chain (package review). An item is one thing under review
-- (entity type + id); its steps are the levels that decide, grassroots → district
-- (or industry) → city, trimmed by the programme. review_events is the history.
CREATE TABLE review_items (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    entity_type TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    org_path TEXT NOT NULL,
    submitter_kind TEXT NOT NULL,
    submitter_id INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    current_seq INTEGER NOT NULL DEFAULT 0,
    due_days INTEGER NOT NULL DEFAULT 5,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX review_items_entity ON review_items (entity_type, entity_id);

CREATE TABLE review_steps (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    item_id INTEGER NOT NULL REFERENCES review_items (id),
    seq INTEGER NOT NULL,
    level TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    org_name TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'waiting',
    opened_at TIMESTAMP,
    due_on TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    decided_by INTEGER,
    decided_by_name TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX review_steps_item ON review_steps (item_id, seq);
CREATE INDEX review_steps_inbox ON review_steps (org_id, status, due_on);

CREATE TABLE review_events (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    item_id INTEGER NOT NULL REFERENCES review_items (id),
    seq INTEGER NOT NULL DEFAULT 0,
    level TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    org_name TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX review_events_item ON review_events (item_id, id);

-- +goose Down
DROP TABLE review_events;
DROP TABLE review_steps;
DROP TABLE review_items;

-- +goose Up
-- Learning events (package learning): 五月风讲堂 lectures, 主题班会 themed
-- meetings, quiz contests and ceremonies, with optional sign-up and check-in by
-- a rotating QR code or by staff ticking the roster. One check-in per worker
-- and event (UNIQUE); points for it go through the ledger.
CREATE TABLE learning_events (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    host_worker_id INTEGER REFERENCES workers (id),
    host_name TEXT NOT NULL DEFAULT '',
    venue_kind TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    capacity INTEGER NOT NULL DEFAULT 0,
    signed_up INTEGER NOT NULL DEFAULT 0,
    audience_org_id INTEGER NOT NULL REFERENCES orgs (id),
    signup INTEGER NOT NULL DEFAULT 0,
    points INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX learning_events_org ON learning_events (org_id, starts_at);
CREATE INDEX learning_events_audience ON learning_events (audience_org_id, starts_at);
CREATE INDEX learning_events_city_time ON learning_events (city_id, starts_at);

CREATE TABLE learning_signups (
    event_id INTEGER NOT NULL REFERENCES learning_events (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    city_id INTEGER NOT NULL DEFAULT 0,
    signed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (event_id, worker_id)
);
CREATE INDEX learning_signups_worker ON learning_signups (worker_id);

CREATE TABLE learning_checkins (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    event_id INTEGER NOT NULL REFERENCES learning_events (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    ticked_by TEXT NOT NULL DEFAULT '',
    checked_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX learning_checkins_once ON learning_checkins (event_id, worker_id);
CREATE INDEX learning_checkins_worker ON learning_checkins (worker_id, checked_at);

-- The points mall (积分兑换): rewards with stock, a per-person limit and a
-- window. Stock and the per-person count (learning_reward_takes) only move by
-- guarded updates, so neither overshoots however many redeem at once.
CREATE TABLE learning_rewards (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    cost INTEGER NOT NULL,
    stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    per_person INTEGER NOT NULL DEFAULT 0,
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX learning_rewards_org ON learning_rewards (org_id, closes_at);

CREATE TABLE learning_reward_takes (
    reward_id INTEGER NOT NULL REFERENCES learning_rewards (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    taken INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (reward_id, worker_id)
);

CREATE TABLE learning_orders (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    reward_id INTEGER NOT NULL REFERENCES learning_rewards (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL,
    cost INTEGER NOT NULL,
    pickup_code TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'placed',
    placed_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    handled_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX learning_orders_code ON learning_orders (city_id, pickup_code);
CREATE INDEX learning_orders_reward ON learning_orders (reward_id, status);
CREATE INDEX learning_orders_worker ON learning_orders (worker_id, id);

-- +goose Down
DROP TABLE learning_orders;
DROP TABLE learning_reward_takes;
DROP TABLE learning_rewards;
DROP TABLE learning_checkins;
DROP TABLE learning_signups;
DROP TABLE learning_events;

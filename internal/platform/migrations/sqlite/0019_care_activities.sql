-- +goose Up
-- Bookable activities (集体婚礼, 疗休养, 年夜饭, 委托班, 交友联谊), package care.
-- The seed is kept secret until the draw; seed_hash (SHA-256, hex) is shown
-- from the moment sign-up opens. Rule lists (groups, model_levels) are comma
-- lists of codes; weights is "hardship=3,model=2,frontline=2".
CREATE TABLE care_activities (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    opens_at TIMESTAMP NOT NULL,
    closes_at TIMESTAMP NOT NULL,
    confirm_days INTEGER NOT NULL DEFAULT 3,
    members_only INTEGER NOT NULL DEFAULT 1,
    min_age INTEGER NOT NULL DEFAULT 0,
    max_age INTEGER NOT NULL DEFAULT 0,
    groups_allowed TEXT NOT NULL DEFAULT '',
    model_levels TEXT NOT NULL DEFAULT '',
    child_min_age INTEGER NOT NULL DEFAULT 0,
    child_max_age INTEGER NOT NULL DEFAULT 0,
    weights TEXT NOT NULL DEFAULT '',
    seed TEXT NOT NULL,
    seed_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    draws INTEGER NOT NULL DEFAULT 0,
    drawn_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_activities_city ON care_activities (city_id, closes_at);
CREATE INDEX care_activities_org ON care_activities (org_id);

-- A session or site with its quota; placed counts places offered or
-- confirmed, moved only by guarded updates (placed < quota), never above quota.
CREATE TABLE care_sessions (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    activity_id INTEGER NOT NULL REFERENCES care_activities (id),
    name TEXT NOT NULL,
    quota INTEGER NOT NULL,
    placed INTEGER NOT NULL DEFAULT 0,
    CHECK (placed >= 0 AND placed <= quota)
);
CREATE INDEX care_sessions_activity ON care_sessions (activity_id);

-- One sign-up per worker and activity. rank is the draw order within the
-- session (NULL before the draw); status: pending, offered, confirmed,
-- waitlist, cancelled, expired, ineligible.
CREATE TABLE care_signups (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    activity_id INTEGER NOT NULL REFERENCES care_activities (id),
    session_id INTEGER NOT NULL REFERENCES care_sessions (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    weight INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT 'pending',
    draw_rank INTEGER,
    partner_name TEXT NOT NULL DEFAULT '',
    married_on TEXT NOT NULL DEFAULT '',
    child_id INTEGER,
    reason TEXT NOT NULL DEFAULT '',
    signed_at TIMESTAMP NOT NULL,
    offered_at TIMESTAMP,
    confirm_by TIMESTAMP,
    decided_at TIMESTAMP
);
CREATE UNIQUE INDEX care_signups_once ON care_signups (activity_id, worker_id);
CREATE INDEX care_signups_session ON care_signups (session_id, status, draw_rank);
CREATE INDEX care_signups_worker ON care_signups (worker_id);

-- Every draw of an activity, with the seed it used and, for a re-draw, why.
CREATE TABLE care_draws (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    activity_id INTEGER NOT NULL REFERENCES care_activities (id),
    seq INTEGER NOT NULL,
    seed TEXT NOT NULL,
    seed_hash TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    entrants INTEGER NOT NULL DEFAULT 0,
    drawn_at TIMESTAMP NOT NULL,
    drawn_by INTEGER,
    drawn_by_name TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX care_draws_seq ON care_draws (activity_id, seq);

-- +goose Down
DROP TABLE care_draws;
DROP TABLE care_signups;
DROP TABLE care_sessions;
DROP TABLE care_activities;

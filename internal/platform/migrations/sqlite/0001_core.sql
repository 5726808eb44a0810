-- +goose Up
CREATE TABLE employers (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    credit_code TEXT,
    headcount INTEGER NOT NULL DEFAULT 0,
    address TEXT NOT NULL DEFAULT '',
    lng REAL,
    lat REAL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX employers_credit_code ON employers (credit_code);

CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    parent_id INTEGER REFERENCES orgs (id),
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    area_code TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL,
    depth INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    employer_id INTEGER REFERENCES employers (id),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX orgs_path ON orgs (path);
CREATE INDEX orgs_parent ON orgs (parent_id);
CREATE INDEX orgs_level_path ON orgs (level, path);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    password_changed_at TIMESTAMP NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_enrolled INTEGER NOT NULL DEFAULT 0,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);
CREATE INDEX accounts_org ON accounts (org_id);

CREATE TABLE workers (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    phone_index TEXT,
    phone_sealed TEXT NOT NULL DEFAULT '',
    phone_masked TEXT NOT NULL DEFAULT '',
    locale TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX workers_phone_index ON workers (phone_index);
CREATE INDEX workers_org ON workers (org_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    account_id INTEGER REFERENCES accounts (id),
    worker_id INTEGER REFERENCES workers (id),
    stage TEXT NOT NULL,
    csrf TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    account_id INTEGER,
    ip TEXT NOT NULL DEFAULT '',
    ok INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_at ON login_attempts (at);

CREATE TABLE sms_codes (
    id INTEGER PRIMARY KEY,
    phone_index TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX sms_codes_phone ON sms_codes (phone_index, created_at);

CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE audit_heads (
    chain INTEGER PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    chain INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id INTEGER NOT NULL DEFAULT 0,
    actor_name TEXT NOT NULL DEFAULT '',
    org_id INTEGER NOT NULL DEFAULT 0,
    org_path TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL DEFAULT '',
    entity_id TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain, seq);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_org_path ON audit_log (org_path);
CREATE INDEX audit_log_action ON audit_log (action, at);

INSERT INTO audit_heads (chain, seq, hash) VALUES
    (0, 0, ''), (1, 0, ''), (2, 0, ''), (3, 0, ''), (4, 0, ''), (5, 0, ''), (6, 0, ''), (7, 0, ''),
    (8, 0, ''), (9, 0, ''), (10, 0, ''), (11, 0, ''), (12, 0, ''), (13, 0, ''), (14, 0, ''), (15, 0, '');

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_heads;
DROP TABLE api_tokens;
DROP TABLE rate_limits;
DROP TABLE sms_codes;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE workers;
DROP TABLE accounts;
DROP TABLE orgs;
DROP TABLE employers;

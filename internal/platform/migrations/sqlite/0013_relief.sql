-- +goose Up
-- The Warmth Programme (package relief). Money is integer fen. A programme year
-- holds the caps and the chain's shape; each level has its own fund whose
-- committed never exceeds total (a guarded update in the approving transaction).
CREATE TABLE relief_programmes (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    cap_application BIGINT NOT NULL,
    cap_household BIGINT NOT NULL,
    causes TEXT NOT NULL DEFAULT '',
    stop_at TEXT NOT NULL DEFAULT 'city',
    due_days INTEGER NOT NULL DEFAULT 5,
    notice_days INTEGER NOT NULL DEFAULT 5,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX relief_programmes_year ON relief_programmes (city_id, year);

CREATE TABLE relief_funds (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    programme_id INTEGER NOT NULL REFERENCES relief_programmes (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    org_path TEXT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    committed BIGINT NOT NULL DEFAULT 0,
    paid BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX relief_funds_org ON relief_funds (programme_id, org_id);

CREATE TABLE relief_joined_unions (
    programme_id INTEGER NOT NULL REFERENCES relief_programmes (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    city_id INTEGER NOT NULL,
    org_path TEXT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    PRIMARY KEY (programme_id, org_id)
);

CREATE TABLE relief_dibao (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    district_id INTEGER NOT NULL REFERENCES orgs (id),
    year INTEGER NOT NULL,
    monthly BIGINT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX relief_dibao_year ON relief_dibao (district_id, year);

-- One request for aid for one household. idem_key is the submitter's key for the
-- submission (NULL when none was sent): a retry finds the first application.
CREATE TABLE relief_applications (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    programme_id INTEGER NOT NULL REFERENCES relief_programmes (id),
    year INTEGER NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    org_path TEXT NOT NULL,
    district_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    step_level TEXT NOT NULL DEFAULT '',
    causes TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    household_size INTEGER NOT NULL DEFAULT 1,
    member_ids TEXT NOT NULL DEFAULT '',
    income BIGINT NOT NULL DEFAULT 0,
    unavoidable BIGINT NOT NULL DEFAULT 0,
    medical_costs BIGINT NOT NULL DEFAULT 0,
    losses BIGINT NOT NULL DEFAULT 0,
    tuition BIGINT NOT NULL DEFAULT 0,
    insurance_paid BIGINT NOT NULL DEFAULT 0,
    requested BIGINT NOT NULL DEFAULT 0,
    granted BIGINT NOT NULL DEFAULT 0,
    statement TEXT NOT NULL DEFAULT '',
    consent_at TIMESTAMP NOT NULL,
    consent_by TEXT NOT NULL DEFAULT '',
    submitted_by_kind TEXT NOT NULL,
    submitted_by_id INTEGER NOT NULL DEFAULT 0,
    submitted_by_name TEXT NOT NULL DEFAULT '',
    idem_key TEXT,
    submitted_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    due_on TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX relief_applications_idem ON relief_applications (idem_key);
-- A subtree's list filters and sorts inside this index (it covers every
-- filter and sort column), so a district's count and page read no table rows.
CREATE INDEX relief_applications_path ON relief_applications (org_path, status, step_level, category, causes,
    due_on, requested, submitted_at, year, granted);
CREATE INDEX relief_applications_worker ON relief_applications (worker_id, status);
-- The review list: a city-wide list reads by city (newest first, or by status,
-- or overdue by due date); a district's or union's list reads its path range.
CREATE INDEX relief_applications_status ON relief_applications (city_id, status, submitted_at);
CREATE INDEX relief_applications_city ON relief_applications (city_id, submitted_at);
CREATE INDEX relief_applications_due ON relief_applications (city_id, status, due_on);
-- The city's year report counts applications by status from this index alone.
CREATE INDEX relief_applications_year ON relief_applications (city_id, year, status, granted);

-- A level's part of an application's aid, committed against that level's fund.
CREATE TABLE relief_grants (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES relief_applications (id),
    fund_id INTEGER NOT NULL REFERENCES relief_funds (id),
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    level TEXT NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    app_path TEXT NOT NULL DEFAULT '',
    year INTEGER NOT NULL,
    cause TEXT NOT NULL DEFAULT '',
    amount BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'committed',
    batch_id INTEGER,
    bank_ref TEXT NOT NULL DEFAULT '',
    paid_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX relief_grants_level ON relief_grants (application_id, org_id);
CREATE INDEX relief_grants_worker ON relief_grants (worker_id, year);
CREATE INDEX relief_grants_fund ON relief_grants (fund_id, status);
-- The year report reads grants of a subtree (app_path is the applicant's union's
-- path) from this index alone.
CREATE INDEX relief_grants_report ON relief_grants (year, app_path, status, level, cause, amount, worker_id);

CREATE TABLE relief_attachments (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES relief_applications (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    stored_name TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX relief_attachments_app ON relief_attachments (application_id);

-- +goose Down
DROP TABLE relief_attachments;
DROP TABLE relief_grants;
DROP TABLE relief_applications;
DROP TABLE relief_dibao;
DROP TABLE relief_joined_unions;
DROP TABLE relief_funds;
DROP TABLE relief_programmes;

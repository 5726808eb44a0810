-- +goose Up
-- The worker registry (package people). Id numbers and phones are sealed
-- (AES-GCM) with an HMAC blind index for lookup and uniqueness, and kept masked
-- for lists. Dates of birth and joining are 'YYYY-MM-DD' text; '' means unknown.
CREATE TABLE new_employment_groups (
    code TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);
INSERT INTO new_employment_groups (code, name_zh, name_en, sort_order) VALUES
    ('courier', '快递员', 'Courier', 1),
    ('food_delivery', '外卖送餐员', 'Food-delivery rider', 2),
    ('ride_hailing', '网约车司机', 'Ride-hailing driver', 3),
    ('truck_driver', '货车司机', 'Truck driver', 4),
    ('domestic', '家政服务员', 'Domestic worker', 5),
    ('carer', '护工', 'Carer', 6),
    ('security_guard', '保安员', 'Security guard', 7),
    ('estate_agent', '房产中介', 'Estate agent', 8);

ALTER TABLE workers ADD COLUMN id_index TEXT;
ALTER TABLE workers ADD COLUMN id_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN id_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN gender TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN landline TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN employer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN post TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN education TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN member_status TEXT NOT NULL DEFAULT 'non_member';
ALTER TABLE workers ADD COLUMN joined_on TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN model_level TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN craftsman TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN group_code TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN consent_by TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN consent_at TIMESTAMP;
ALTER TABLE workers ADD COLUMN consent_version TEXT NOT NULL DEFAULT '';
-- One person, one record in the city.
CREATE UNIQUE INDEX workers_id_index ON workers (id_index);
-- Subtree counts: orgs in a path range joined here, index-only.
DROP INDEX workers_org;
CREATE INDEX workers_org_member ON workers (org_id, member_status);
CREATE INDEX workers_name ON workers (name, id);

CREATE TABLE household_members (
    id INTEGER PRIMARY KEY,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    relation TEXT NOT NULL,
    name TEXT NOT NULL,
    id_index TEXT,
    id_sealed TEXT NOT NULL DEFAULT '',
    id_masked TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL DEFAULT '',
    student INTEGER NOT NULL DEFAULT 0,
    ill INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
    unemployed INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX household_members_worker ON household_members (worker_id);
CREATE INDEX household_members_id_index ON household_members (id_index);

-- Workers and members per org, kept by triggers so that every writer (the
-- registry, SMS sign-in, imports) keeps it right; a subtree's figures are the sum
-- over the subtree's orgs, a few thousand rows at most, however many workers.
CREATE TABLE org_worker_counts (
    org_id INTEGER PRIMARY KEY,
    workers INTEGER NOT NULL DEFAULT 0,
    members INTEGER NOT NULL DEFAULT 0
);
INSERT INTO org_worker_counts (org_id, workers, members)
    SELECT org_id, COUNT(*), SUM(CASE WHEN member_status = 'member' THEN 1 ELSE 0 END) FROM workers GROUP BY org_id;
-- +goose StatementBegin
CREATE TRIGGER workers_count_insert AFTER INSERT ON workers BEGIN
    INSERT OR IGNORE INTO org_worker_counts (org_id) VALUES (NEW.org_id);
    UPDATE org_worker_counts SET workers = workers + 1,
        members = members + (CASE WHEN NEW.member_status = 'member' THEN 1 ELSE 0 END)
        WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workers_count_delete AFTER DELETE ON workers BEGIN
    UPDATE org_worker_counts SET workers = workers - 1,
        members = members - (CASE WHEN OLD.member_status = 'member' THEN 1 ELSE 0 END)
        WHERE org_id = OLD.org_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER workers_count_update AFTER UPDATE OF org_id, member_status ON workers BEGIN
    UPDATE org_worker_counts SET workers = workers - 1,
        members = members - (CASE WHEN OLD.member_status = 'member' THEN 1 ELSE 0 END)
        WHERE org_id = OLD.org_id;
    INSERT OR IGNORE INTO org_worker_counts (org_id) VALUES (NEW.org_id);
    UPDATE org_worker_counts SET workers = workers + 1,
        members = members + (CASE WHEN NEW.member_status = 'member' THEN 1 ELSE 0 END)
        WHERE org_id = NEW.org_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER workers_count_update;
DROP TRIGGER workers_count_delete;
DROP TRIGGER workers_count_insert;
DROP TABLE org_worker_counts;
DROP TABLE household_members;
DROP INDEX workers_name;
DROP INDEX workers_org_member;
CREATE INDEX workers_org ON workers (org_id);
DROP INDEX workers_id_index;
ALTER TABLE workers DROP COLUMN consent_version;
ALTER TABLE workers DROP COLUMN consent_at;
ALTER TABLE workers DROP COLUMN consent_by;
ALTER TABLE workers DROP COLUMN group_code;
ALTER TABLE workers DROP COLUMN craftsman;
ALTER TABLE workers DROP COLUMN model_level;
ALTER TABLE workers DROP COLUMN joined_on;
ALTER TABLE workers DROP COLUMN member_status;
ALTER TABLE workers DROP COLUMN education;
ALTER TABLE workers DROP COLUMN post;
ALTER TABLE workers DROP COLUMN employer_name;
ALTER TABLE workers DROP COLUMN landline;
ALTER TABLE workers DROP COLUMN birth_date;
ALTER TABLE workers DROP COLUMN gender;
ALTER TABLE workers DROP COLUMN id_masked;
ALTER TABLE workers DROP COLUMN id_sealed;
ALTER TABLE workers DROP COLUMN id_index;
DROP TABLE new_employment_groups;

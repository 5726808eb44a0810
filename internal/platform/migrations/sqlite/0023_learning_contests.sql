-- +goose Up
-- Quiz contests (主题竞赛): a fixed set of questions, copied at creation, open
-- over a window to the organiser's subtree; one entry per worker, ranked by
-- score, then time taken.
CREATE TABLE learning_contests (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_limit_s INTEGER NOT NULL,
    total INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX learning_contests_org ON learning_contests (org_id, ends_at);

CREATE TABLE learning_contest_items (
    contest_id INTEGER NOT NULL REFERENCES learning_contests (id),
    position INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES learning_questions (id),
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (contest_id, position)
);

CREATE TABLE learning_contest_entries (
    id INTEGER PRIMARY KEY,
    contest_id INTEGER NOT NULL REFERENCES learning_contests (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    score INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX learning_contest_entries_once ON learning_contest_entries (contest_id, worker_id);
CREATE INDEX learning_contest_entries_rank ON learning_contest_entries (contest_id, score, duration_ms);

-- +goose Down
DROP TABLE learning_contest_entries;
DROP TABLE learning_contest_items;
DROP TABLE learning_contests;

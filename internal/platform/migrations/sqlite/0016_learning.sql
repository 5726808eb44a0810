-- +goose Up
-- Union learning (package learning): the question bank (题库) and the daily quiz
-- (每日答题). A question belongs to the union that wrote it; editing bumps its
-- version. An attempt snapshots every question it drew (text, options, answer,
-- explanation), so editing a question later never changes a past answer.
-- One attempt per worker and day (Asia/Shanghai date, 'YYYY-MM-DD').
CREATE TABLE learning_questions (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    difficulty INTEGER NOT NULL DEFAULT 1,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX learning_questions_org ON learning_questions (org_id, active);
CREATE INDEX learning_questions_city ON learning_questions (city_id, id);

CREATE TABLE learning_attempts (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    org_id INTEGER NOT NULL,
    quiz_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    started_at TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    total INTEGER NOT NULL DEFAULT 0,
    correct INTEGER NOT NULL DEFAULT 0,
    points INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX learning_attempts_day ON learning_attempts (worker_id, quiz_date);
CREATE INDEX learning_attempts_org_date ON learning_attempts (org_id, quiz_date);

CREATE TABLE learning_attempt_items (
    attempt_id INTEGER NOT NULL REFERENCES learning_attempts (id),
    position INTEGER NOT NULL,
    question_id INTEGER NOT NULL REFERENCES learning_questions (id),
    question_version INTEGER NOT NULL,
    kind TEXT NOT NULL,
    stem TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    given TEXT NOT NULL DEFAULT '',
    correct INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (attempt_id, position)
);
CREATE INDEX learning_attempt_items_question ON learning_attempt_items (question_id);

-- +goose Down
DROP TABLE learning_attempt_items;
DROP TABLE learning_attempts;
DROP TABLE learning_questions;

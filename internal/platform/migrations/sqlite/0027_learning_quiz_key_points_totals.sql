-- +goose Up
-- The idempotency key of the submission that closed a daily quiz, kept in the
-- submission's own transaction: a retry with the same key gets the graded quiz
-- back, another submission is refused (the quiz is answered once a day).
ALTER TABLE learning_attempts ADD COLUMN submit_key TEXT NOT NULL DEFAULT '';

-- Points earned per worker and period ('w2026-11-23' the week starting that
-- Monday, 'm2026-11', 'y2026', 'all'; Asia/Shanghai), so a leaderboard page
-- reads the top of an index instead of summing a year of entries. city,
-- district (second org of the path) and org are those of the worker's latest
-- award. A trigger queues each earned entry in points_pending (inside the
-- awarding statement: no extra statement for the awarding transaction to parse);
-- a leaderboard read first folds the queue into the totals, a batch at a time,
-- each entry exactly once.
CREATE TABLE points_totals (
    period TEXT NOT NULL,
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    city_id INTEGER NOT NULL,
    district_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    points INTEGER NOT NULL,
    PRIMARY KEY (period, worker_id)
);
CREATE INDEX points_totals_city ON points_totals (period, city_id, points DESC, worker_id);
CREATE INDEX points_totals_district ON points_totals (period, district_id, points DESC, worker_id);
CREATE INDEX points_totals_org ON points_totals (period, org_id, points DESC, worker_id);

CREATE TABLE points_pending (
    entry_id INTEGER PRIMARY KEY
);

-- +goose StatementBegin
CREATE TRIGGER points_entries_queue AFTER INSERT ON points_entries
WHEN NEW.amount > 0 AND NEW.refund = 0 BEGIN
    INSERT INTO points_pending (entry_id) VALUES (NEW.id);
END;
-- +goose StatementEnd

-- Points earned per union and period, and how many workers earned them (active).
CREATE TABLE points_org_totals (
    period TEXT NOT NULL,
    org_id INTEGER NOT NULL,
    points INTEGER NOT NULL,
    active INTEGER NOT NULL,
    PRIMARY KEY (period, org_id)
);

-- Lifetime totals of the entries already posted (period totals start now).
INSERT INTO points_totals (period, worker_id, city_id, district_id, org_id, points)
    SELECT 'all', e.worker_id, MAX(e.city_id), 0, MAX(e.org_id), SUM(e.amount) FROM points_entries e
    WHERE e.amount > 0 AND e.refund = 0 GROUP BY e.worker_id;
UPDATE points_totals SET district_id = COALESCE((SELECT d.id FROM orgs o JOIN orgs d ON d.parent_id = o.city_id
    AND o.path LIKE d.path || '%' WHERE o.id = points_totals.org_id), 0);
INSERT INTO points_org_totals (period, org_id, points, active)
    SELECT 'all', org_id, SUM(amount), COUNT(DISTINCT worker_id) FROM points_entries
    WHERE amount > 0 AND refund = 0 GROUP BY org_id;

-- +goose Down
DROP TRIGGER points_entries_queue;
DROP TABLE points_pending;
DROP TABLE points_org_totals;
DROP TABLE points_totals;
ALTER TABLE learning_attempts DROP COLUMN submit_key;

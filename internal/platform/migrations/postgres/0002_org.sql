-- +goose Up
-- orgs.headcount copies a grassroots union's employer headcount (employers stays the
-- record of it; org.Store writes both in one transaction) so that subtree figures
-- are one index-only range scan instead of a join per union.
ALTER TABLE orgs ADD COLUMN headcount BIGINT NOT NULL DEFAULT 0;
UPDATE orgs SET headcount = COALESCE((SELECT e.headcount FROM employers e WHERE e.id = orgs.employer_id), 0)
    WHERE employer_id IS NOT NULL;
DROP INDEX orgs_level_path;
CREATE INDEX orgs_level_path ON orgs (level, path, status, headcount);

-- +goose Down
DROP INDEX orgs_level_path;
CREATE INDEX orgs_level_path ON orgs (level, path);
ALTER TABLE orgs DROP COLUMN headcount;

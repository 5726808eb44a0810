-- +goose Up
-- Indexes the dashboard's figures read by: check-ins by the worker's union and
-- time, relief applications by programme year and union path.
CREATE INDEX learning_checkins_org ON learning_checkins (org_id, checked_at);
CREATE INDEX relief_applications_year_path ON relief_applications (year, org_path);

-- +goose Down
DROP INDEX relief_applications_year_path;
DROP INDEX learning_checkins_org;

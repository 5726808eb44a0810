-- +goose Up
-- Covering indexes for the dashboard's cells (one query per record table for a
-- whole city and year, grouped by union): each holds every column the figures
-- read, so the refresh reads no table rows (EXPLAIN QUERY PLAN: "USING
-- COVERING INDEX"). The two indexes 0022 added are widened in place.
CREATE INDEX relief_grants_app_figures ON relief_grants (application_id, year, status, level, cause, amount, worker_id, created_at);
DROP INDEX relief_applications_year_path;
CREATE INDEX relief_applications_year_figures ON relief_applications (year, org_path, status, submitted_at, id);
DROP INDEX learning_checkins_org;
CREATE INDEX learning_checkins_org ON learning_checkins (org_id, checked_at, worker_id);
CREATE INDEX learning_attempts_org_figures ON learning_attempts (org_id, quiz_date, status, worker_id);
CREATE INDEX care_visits_station_figures ON care_visits (station_id, day, worker_id);

-- +goose Down
DROP INDEX care_visits_station_figures;
DROP INDEX learning_attempts_org_figures;
DROP INDEX learning_checkins_org;
CREATE INDEX learning_checkins_org ON learning_checkins (org_id, checked_at);
DROP INDEX relief_applications_year_figures;
CREATE INDEX relief_applications_year_path ON relief_applications (year, org_path);
DROP INDEX relief_grants_app_figures;

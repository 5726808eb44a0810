-- +goose Up
-- The dashboard's frozen years. Closing a year (dashboard_years) writes each
-- registered figure's value for every org of the tree down to grassroots unions
-- into dashboard_snapshots, so later roster edits do not rewrite a published
-- year; the current year and years not closed are computed live.
CREATE TABLE dashboard_years (
    city_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    closed_at TIMESTAMPTZ NOT NULL,
    closed_by_name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (city_id, year)
);

CREATE TABLE dashboard_snapshots (
    city_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    figure TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES orgs (id),
    value BIGINT NOT NULL,
    PRIMARY KEY (city_id, year, figure, org_id)
);

-- +goose Down
DROP TABLE dashboard_snapshots;
DROP TABLE dashboard_years;

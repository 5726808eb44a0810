-- +goose Up
-- Shared worker homes (共享职工之家 / 驿站), package care. Coordinates are GCJ-02
-- (as Chinese map apps give them) in integer micro-degrees, so both engines
-- compare them exactly and the (city_id, lat_e6) index serves box scans.
-- hours holds seven "HH:MM-HH:MM[,HH:MM-HH:MM]" fields, Monday first, '|'
-- between them; facilities, services and groups_served are comma lists of codes.
CREATE TABLE care_stations (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    org_id INTEGER NOT NULL REFERENCES orgs (id),
    name TEXT NOT NULL,
    host TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    lat_e6 INTEGER NOT NULL,
    lng_e6 INTEGER NOT NULL,
    hours TEXT NOT NULL DEFAULT '',
    facilities TEXT NOT NULL DEFAULT '',
    services TEXT NOT NULL DEFAULT '',
    groups_served TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_stations_city_lat ON care_stations (city_id, lat_e6);
CREATE INDEX care_stations_org ON care_stations (org_id);

-- Temporary closures, whole days in Asia/Shanghai ('YYYY-MM-DD', inclusive);
-- a closure taken back keeps its row with removed_at set.
CREATE TABLE care_station_closures (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    station_id INTEGER NOT NULL REFERENCES care_stations (id),
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP
);
CREATE INDEX care_station_closures_station ON care_station_closures (station_id, to_day);

-- One row per city, bumped by every change to its stations in the same
-- transaction: an instance keeps its in-memory circle index while gen matches.
CREATE TABLE care_station_gen (
    city_id INTEGER PRIMARY KEY,
    gen INTEGER NOT NULL DEFAULT 0
);

-- A worker's check-in at a station: one per station, worker and day; the
-- group and Shanghai hour are copied at check-in for the visit figures.
CREATE TABLE care_visits (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL DEFAULT 0,
    station_id INTEGER NOT NULL REFERENCES care_stations (id),
    worker_id INTEGER NOT NULL REFERENCES workers (id),
    group_code TEXT NOT NULL DEFAULT '',
    day TEXT NOT NULL,
    hour INTEGER NOT NULL,
    visited_at TIMESTAMP NOT NULL,
    rating INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    rated_at TIMESTAMP,
    reply TEXT NOT NULL DEFAULT '',
    replied_by INTEGER,
    replied_by_name TEXT NOT NULL DEFAULT '',
    replied_at TIMESTAMP
);
CREATE UNIQUE INDEX care_visits_once ON care_visits (station_id, worker_id, day);
CREATE INDEX care_visits_worker ON care_visits (worker_id, visited_at);
CREATE INDEX care_visits_station_day ON care_visits (station_id, day);

-- +goose Down
DROP TABLE care_visits;
DROP TABLE care_station_gen;
DROP TABLE care_station_closures;
DROP TABLE care_stations;

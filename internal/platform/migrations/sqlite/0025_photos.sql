-- +goose Up
-- Photos of any record (a station, an event…): owner_kind names the owning
-- package's record type, owner_id its id. The owning package decides who may
-- see and change them; the file itself lives under the data directory.
CREATE TABLE photos (
    id INTEGER PRIMARY KEY,
    city_id BIGINT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    stored_name TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX photos_owner ON photos (owner_kind, owner_id, id);

-- +goose Down
DROP TABLE photos;

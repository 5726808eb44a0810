-- +goose Up
-- The history timeline on every detail page reads an entity's audit rows.
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, at);

-- +goose Down
DROP INDEX audit_log_entity;

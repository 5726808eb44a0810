-- +goose Up
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_worker ON sessions (worker_id);
CREATE INDEX api_tokens_account ON api_tokens (account_id);
CREATE INDEX login_attempts_account ON login_attempts (account_id, at);
CREATE INDEX login_attempts_subject ON login_attempts (subject, at);

-- +goose Down
DROP INDEX login_attempts_subject;
DROP INDEX login_attempts_account;
DROP INDEX api_tokens_account;
DROP INDEX sessions_worker;
DROP INDEX sessions_account;

-- +goose Up
-- The payee of an application's aid (收款人): name and bank as typed, the account
-- number sealed with the keyring (rotation covers it: platform.SealedColumns) and
-- kept masked (6222 **** **** 1234) for lists and pages. The bank's payment file
-- opens it for holders of people.reveal, audited.
ALTER TABLE relief_applications ADD COLUMN payee_name TEXT NOT NULL DEFAULT '';
ALTER TABLE relief_applications ADD COLUMN payee_bank TEXT NOT NULL DEFAULT '';
ALTER TABLE relief_applications ADD COLUMN payee_account_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE relief_applications ADD COLUMN payee_account_masked TEXT NOT NULL DEFAULT '';

-- What a resubmission changed (amounts, statement, payee), for the history.
CREATE TABLE relief_amendments (
    id INTEGER PRIMARY KEY,
    city_id INTEGER NOT NULL,
    application_id INTEGER NOT NULL REFERENCES relief_applications (id),
    field TEXT NOT NULL,
    before_value TEXT NOT NULL DEFAULT '',
    after_value TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);
CREATE INDEX relief_amendments_app ON relief_amendments (application_id, id);

-- What a household was granted in a year (fen, grants not revoked), kept by the
-- approving transaction with a guarded update (granted + amount <= the cap) and
-- by revocation: one statement both locks the household's row and checks its
-- yearly cap, instead of a lock and a sum over its grants.
ALTER TABLE relief_household_years ADD COLUMN granted BIGINT NOT NULL DEFAULT 0;
UPDATE relief_household_years SET granted = (SELECT COALESCE(SUM(g.amount), 0) FROM relief_grants g
    WHERE g.worker_id = relief_household_years.worker_id AND g.year = relief_household_years.year AND g.status <> 'revoked');
INSERT INTO relief_household_years (worker_id, year, granted)
    SELECT g.worker_id, g.year, SUM(g.amount) FROM relief_grants g WHERE g.status <> 'revoked'
    AND NOT EXISTS (SELECT 1 FROM relief_household_years h WHERE h.worker_id = g.worker_id AND h.year = g.year)
    GROUP BY g.worker_id, g.year;

-- +goose Down
ALTER TABLE relief_household_years DROP COLUMN granted;
DROP TABLE relief_amendments;
ALTER TABLE relief_applications DROP COLUMN payee_account_masked;
ALTER TABLE relief_applications DROP COLUMN payee_account_sealed;
ALTER TABLE relief_applications DROP COLUMN payee_bank;
ALTER TABLE relief_applications DROP COLUMN payee_name;

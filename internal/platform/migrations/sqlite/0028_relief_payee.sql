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

-- +goose Down
DROP TABLE relief_amendments;
ALTER TABLE relief_applications DROP COLUMN payee_account_masked;
ALTER TABLE relief_applications DROP COLUMN payee_account_sealed;
ALTER TABLE relief_applications DROP COLUMN payee_bank;
ALTER TABLE relief_applications DROP COLUMN payee_name;

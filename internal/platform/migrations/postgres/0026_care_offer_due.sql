-- +goose Up
-- Offers past their confirmation deadline, found across all activities by the
-- periodic sweep that expires them and promotes the waitlist.
CREATE INDEX care_signups_offer_due ON care_signups (status, confirm_by);

-- +goose Down
DROP INDEX care_signups_offer_due;

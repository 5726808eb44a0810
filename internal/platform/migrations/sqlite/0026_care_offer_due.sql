-- +goose Up
-- Offers past their confirmation deadline, found across all activities by the
-- periodic sweep that expires them and promotes the waitlist. Partial: only
-- offered sign-ups are in it, so a draw's writing of every waiting place does
-- not have to maintain it.
CREATE INDEX care_signups_offer_due ON care_signups (confirm_by) WHERE status = 'offered';

-- +goose Down
DROP INDEX care_signups_offer_due;

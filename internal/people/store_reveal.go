package people

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zhijia/internal/auth"
	"zhijia/internal/platform"
)

// maxDay bounds birth dates when parsing a search: any valid number is searched.
var maxDay = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Revealable fields.
const (
	FieldIDNumber = "id_number"
	FieldPhone    = "phone"
)

// RevealWorker returns one clear value of a worker ("id_number" or "phone") to an
// actor holding people.reveal, and writes the audit row in the same transaction:
// no audit, no value.
func (s *Store) RevealWorker(ctx context.Context, id int64, field string) (string, error) {
	col := map[string]string{FieldIDNumber: "id_sealed", FieldPhone: "phone_sealed"}[field]
	if col == "" {
		return "", platform.Invalid().Field("field", "people.err.reveal_field")
	}
	if !auth.Can(platform.ActorFrom(ctx), auth.PermPeopleReveal) {
		return "", platform.Errorf(platform.CodeForbidden, "people.err.reveal_forbidden")
	}
	var clear string
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now()
		w, err := loadScoped(ctx, tx, id)
		if err != nil {
			return err
		}
		var sealed string
		if err := tx.QueryRow(ctx, `SELECT `+col+` FROM workers WHERE id = ?`, id).Scan(&sealed); err != nil {
			return fmt.Errorf("people: reveal %d: %w", id, err)
		}
		if sealed == "" {
			return platform.Errorf(platform.CodeNotFound, "people.err.reveal_empty")
		}
		if clear, err = s.keys.Open(sealed); err != nil {
			return fmt.Errorf("people: open %s of %d: %w", field, id, err)
		}
		return record(ctx, tx, now, "people.reveal", w,
			fmt.Sprintf("查看职工 %s（编号 %s）的%s", MaskName(w.Name), strconv.FormatInt(w.ID, 10), label("people.field."+field)))
	})
	if err != nil {
		return "", err
	}
	return clear, nil
}

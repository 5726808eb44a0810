package platform

import (
	"context"
	"fmt"
)

// SealedColumn is a column whose values the keyring sealed.
type SealedColumn struct{ Table, Column string }

// SealedColumns lists every column of sealed values kept beyond one import, so
// a key rotation re-encrypts them all; a test fails when a migration adds a
// `*_sealed` column that is missing here. (import_staging is left out: its
// rows live for one import, and the old key stays in the file.)
func SealedColumns() []SealedColumn {
	return []SealedColumn{
		{"workers", "id_sealed"}, {"workers", "phone_sealed"},
		{"household_members", "id_sealed"},
		{"accounts", "totp_secret"},
		{"relief_applications", "payee_account_sealed"},
	}
}

// Reencrypted is what one pass of re-encryption did.
type Reencrypted struct {
	Done    int64 // values now sealed with the current key
	Skipped int64 // values changed by someone else meanwhile: the next pass takes them
}

// CountStale counts the values not sealed with the current key.
func CountStale(ctx context.Context, db *DB, keys *Keyring) (int64, error) {
	var total int64
	for _, c := range SealedColumns() {
		var n int64
		q := fmt.Sprintf(`SELECT COUNT(*) FROM %s WHERE %s <> '' AND %s NOT LIKE ?`, c.Table, c.Column, c.Column)
		if err := db.QueryRow(ctx, q, keys.KeyID()+":%").Scan(&n); err != nil {
			return 0, fmt.Errorf("platform: count stale %s.%s: %w", c.Table, c.Column, err)
		}
		total += n
	}
	return total, nil
}

// Reencrypt seals every value not under the current key again, batch rows per
// transaction, so a running system's writers wait for one short batch at most.
// A row changed between the read and the write is left (the update is guarded
// by the old value) and counted as skipped. progress, if set, hears the count
// done after each batch.
func Reencrypt(ctx context.Context, db *DB, keys *Keyring, batch int, progress func(done int64)) (Reencrypted, error) {
	var out Reencrypted
	cur := keys.KeyID()
	for _, c := range SealedColumns() {
		sel := fmt.Sprintf(`SELECT id, %s FROM %s WHERE id > ? AND %s <> '' AND %s NOT LIKE ? ORDER BY id LIMIT ?`,
			c.Column, c.Table, c.Column, c.Column)
		upd := fmt.Sprintf(`UPDATE %s SET %s = ? WHERE id = ? AND %s = ?`, c.Table, c.Column, c.Column)
		var after int64
		for {
			rows, err := staleBatch(ctx, db, sel, after, cur, batch)
			if err != nil {
				return out, fmt.Errorf("platform: re-encrypt %s.%s: %w", c.Table, c.Column, err)
			}
			if len(rows) == 0 {
				break
			}
			after = rows[len(rows)-1].id
			err = db.InTx(ctx, func(tx *Tx) error {
				for _, r := range rows {
					plain, err := keys.Open(r.sealed)
					if err != nil {
						return fmt.Errorf("row %d: %w", r.id, err)
					}
					res, err := tx.Exec(ctx, upd, keys.Seal(plain), r.id, r.sealed)
					if err != nil {
						return err
					}
					if n, _ := res.RowsAffected(); n == 1 {
						out.Done++
					} else {
						out.Skipped++
					}
				}
				return nil
			})
			if err != nil {
				return out, fmt.Errorf("platform: re-encrypt %s.%s: %w", c.Table, c.Column, err)
			}
			if progress != nil {
				progress(out.Done)
			}
		}
	}
	return out, nil
}

type sealedRow struct {
	id     int64
	sealed string
}

func staleBatch(ctx context.Context, db *DB, q string, after int64, cur string, batch int) ([]sealedRow, error) {
	rows, err := db.Query(ctx, q, after, cur+":%", batch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sealedRow
	for rows.Next() {
		var r sealedRow
		if err := rows.Scan(&r.id, &r.sealed); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

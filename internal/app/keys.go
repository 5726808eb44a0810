package app

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// KeyReport is what a rotation or a re-encryption did.
type KeyReport struct {
	KeyID       string // the key values are sealed with now
	Reencrypted int64
	Left        int64 // values still under an older key (0 when done)
}

// RotateKeys adds a new key to the key file and re-encrypts every sealed value
// under it, while the system runs. settle is how long to wait after adding the
// key, so running servers (which look at the key file every second) seal new
// values with it too; the re-encryption then runs passes until nothing is left.
func (a *App) RotateKeys(ctx context.Context, batch int, settle time.Duration, progress func(done, total int64)) (*KeyReport, error) {
	old := a.Keys.KeyID()
	id, err := a.Keys.AddKey()
	if err != nil {
		return nil, err
	}
	if err := a.auditKeys(ctx, "keys.rotate", fmt.Sprintf("更换个人信息加密密钥：%s → %s", old, id)); err != nil {
		return nil, err
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(settle):
	}
	return a.ReencryptKeys(ctx, batch, progress)
}

// ReencryptKeys seals every value still under an older key with the current
// one: the rest of a rotation that was stopped, or a check that none is left.
func (a *App) ReencryptKeys(ctx context.Context, batch int, progress func(done, total int64)) (*KeyReport, error) {
	if batch <= 0 {
		batch = 1000
	}
	total, err := platform.CountStale(ctx, a.DB, a.Keys)
	if err != nil {
		return nil, err
	}
	rep := &KeyReport{KeyID: a.Keys.KeyID()}
	// A value written by an instance still sealing with the old key during a
	// pass is caught by the next; a few passes settle it.
	for pass := 0; pass < 5; pass++ {
		done := rep.Reencrypted
		r, err := platform.Reencrypt(ctx, a.DB, a.Keys, batch, func(n int64) {
			if progress != nil {
				progress(done+n, total)
			}
		})
		rep.Reencrypted += r.Done
		if err != nil {
			return rep, err
		}
		if rep.Left, err = platform.CountStale(ctx, a.DB, a.Keys); err != nil {
			return rep, err
		}
		if rep.Left == 0 {
			break
		}
	}
	if rep.Reencrypted > 0 {
		err = a.auditKeys(ctx, "keys.reencrypt", fmt.Sprintf("以密钥 %s 重新加密个人信息 %d 项，剩余 %d 项", rep.KeyID, rep.Reencrypted, rep.Left))
	}
	return rep, err
}

func (a *App) auditKeys(ctx context.Context, action, summary string) error {
	ctx = platform.WithActor(ctx, platform.System("zhijia keys"))
	return a.DB.InTx(ctx, func(tx *platform.Tx) error {
		return audit.Record(ctx, tx, a.Clock.Now(), audit.Entry{Action: action, EntityType: "key", EntityID: a.Keys.KeyID(),
			OrgPath: "/", Summary: summary})
	})
}

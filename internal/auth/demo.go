package auth

import (
	"context"
	"fmt"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// DemoAccount is a staff account of the demo city, ready to use: its password is
// set and its second factor enrolled, so a newcomer is never stopped at the door.
type DemoAccount struct {
	Username string
	Password string
	Name     string
	Role     Role
	OrgID    int64
	OrgName  string
}

// SeedDemoAccounts creates the demo accounts that do not exist yet. It refuses to
// run outside demo mode, so a production database never gets known passwords.
func (s *Store) SeedDemoAccounts(ctx context.Context, accounts []DemoAccount) (created int, err error) {
	if !s.cfg.Demo {
		return 0, platform.Errorf(platform.CodeForbidden, "auth.err.demo_only")
	}
	type prepared struct {
		DemoAccount
		hash, secret string
	}
	var todo []prepared
	for _, a := range accounts {
		var n int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM accounts WHERE username = ?`, a.Username).Scan(&n); err != nil {
			return 0, fmt.Errorf("auth: demo accounts: %w", err)
		}
		if n > 0 {
			continue
		}
		hash, err := HashPassword(a.Password)
		if err != nil {
			return 0, err
		}
		secret, err := NewTOTPSecret()
		if err != nil {
			return 0, err
		}
		todo = append(todo, prepared{a, hash, s.keys.Seal(secret)})
	}
	if len(todo) == 0 {
		return 0, nil
	}
	ctx = platform.WithActor(ctx, platform.System("demo"))
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.now()
		for _, a := range todo {
			if _, err := tx.Exec(ctx, `INSERT INTO accounts (org_id, username, name, role, password_hash,
				password_changed_at, must_change_password, totp_secret, totp_enrolled, locale, status, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, 0, ?, 1, '', 'active', ?, ?)`,
				a.OrgID, a.Username, a.Name, string(a.Role), a.hash, now, a.secret, now, now); err != nil {
				return fmt.Errorf("auth: demo account %s: %w", a.Username, err)
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "account.seed_demo", EntityType: "account",
			Summary: fmt.Sprintf("演示账号 %d 个", len(todo))})
	})
	if err != nil {
		return 0, err
	}
	return len(todo), nil
}

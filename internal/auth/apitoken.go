package auth

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// API tokens let another system call /api/v1 as a staff account, with that
// account's role and subtree. The plain token is shown once; only its SHA-256 is kept.
const (
	apiTokenPrefix  = "zjt_"
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
)

// APIToken is a token as the account page lists it; never the token itself.
type APIToken struct {
	ID         int64
	AccountID  int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: live
	LastUsedAt time.Time // zero: never used
}

// Live reports whether the token still authenticates at now (account aside).
func (t *APIToken) Live(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// tokenAccount loads the account a token call is about and checks the actor may
// act on it: the account itself, or holders of perm whose subtree covers it.
func tokenAccount(ctx context.Context, q rowQuerier, actor *platform.Actor, accountID int64, perm Perm) (*Account, error) {
	if actor == nil {
		return nil, platform.Errorf(platform.CodeUnauthorized, "auth.err.sign_in")
	}
	self := actor.Kind == KindStaff && actor.AccountID == accountID
	if !self && !Can(actor, perm) {
		return nil, platform.NotFound
	}
	scope := *actor
	if self {
		scope.OrgPath = "/"
	}
	return loadAccount(ctx, q, &scope, accountID)
}

// CreateAPIToken issues a token for an account (one's own, or as a security
// administrator). ttl 0 means DefaultTokenTTL. The plain token is returned once.
func (s *Store) CreateAPIToken(ctx context.Context, accountID int64, name string, ttl time.Duration) (string, error) {
	actor := platform.ActorFrom(ctx)
	name = strings.TrimSpace(name)
	v := platform.Invalid()
	if name == "" {
		v.Field("name", "auth.err.token_name_required")
	} else if utf8.RuneCountInString(name) > 50 {
		v.Field("name", "auth.err.name_long")
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Hour || ttl > MaxTokenTTL {
		v.Field("ttl", "auth.err.token_ttl")
	}
	if err := v.OrNil(); err != nil {
		return "", err
	}
	b, err := newSecret(32)
	if err != nil {
		return "", err
	}
	plain := apiTokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		acc, err := tokenAccount(ctx, tx, actor, accountID, PermAccountEdit)
		if err != nil {
			return err
		}
		if acc.Status != StatusActive {
			return platform.Errorf(platform.CodeConflict, "auth.err.account_disabled")
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO api_tokens (account_id, name, token_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, accountID, name, hashToken(plain), now, now.Add(ttl)).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "auth.token_create", EntityType: "api_token",
			EntityID: fmt.Sprint(id), OrgID: acc.OrgID, OrgPath: acc.OrgPath,
			Summary: fmt.Sprintf("%s：创建接口令牌「%s」，有效期至 %s", acc.Username, name, now.Add(ttl).In(platform.Shanghai).Format("2006-01-02"))})
	})
	if err != nil {
		return "", wrap("create api token", err)
	}
	return plain, nil
}

func errTokenInvalid() error {
	return platform.Errorf(platform.CodeUnauthorized, "auth.err.token_invalid")
}

// AuthenticateToken turns a bearer token into the actor of its account (Kind
// "api"), or of its worker for a worker token (Kind "worker"). Unknown, revoked and expired tokens, and those of disabled accounts, are
// unauthorized.
func (s *Store) AuthenticateToken(ctx context.Context, plain string) (*platform.Actor, error) {
	if strings.HasPrefix(plain, workerTokenPrefix) {
		return s.authenticateWorkerToken(ctx, plain)
	}
	if !strings.HasPrefix(plain, apiTokenPrefix) {
		return nil, errTokenInvalid()
	}
	now := s.now()
	a := &platform.Actor{Kind: KindAPI}
	var id int64
	var lastUsed sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT t.id, t.last_used_at, ac.id, ac.name, ac.role, ac.org_id, o.name, o.path, ac.locale
		FROM api_tokens t JOIN accounts ac ON ac.id = t.account_id JOIN orgs o ON o.id = ac.org_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)
			AND ac.status = 'active'`, hashToken(plain), now).Scan(&id, &lastUsed,
		&a.AccountID, &a.Name, &a.Role, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Locale)
	if err := s.tokenFound(ctx, err, "api_tokens", id, lastUsed, now); err != nil {
		return nil, err
	}
	return a, nil
}

// tokenFound turns a token lookup's error into the answer, and on success notes
// the token's use (at most once a minute).
func (s *Store) tokenFound(ctx context.Context, err error, table string, id int64, lastUsed sql.NullTime, now time.Time) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errTokenInvalid()
	}
	if err != nil {
		return fmt.Errorf("auth: authenticate token: %w", err)
	}
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > touchAfter {
		if _, err := s.db.Exec(ctx, `UPDATE `+table+` SET last_used_at = ? WHERE id = ?`, now, id); err != nil {
			return fmt.Errorf("auth: touch token: %w", err)
		}
	}
	return nil
}

// RevokeAPIToken stops a token working at once: its owner's or, as a security
// administrator, one in the subtree. Revoking twice is not an error.
func (s *Store) RevokeAPIToken(ctx context.Context, id int64) error {
	actor := platform.ActorFrom(ctx)
	now := s.now()
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		var accountID int64
		var name string
		err := tx.QueryRow(ctx, `SELECT account_id, name FROM api_tokens WHERE id = ?`, id).Scan(&accountID, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return platform.NotFound
		} else if err != nil {
			return err
		}
		acc, err := tokenAccount(ctx, tx, actor, accountID, PermAccountEdit)
		if err != nil {
			return err
		}
		r, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, now, id)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "auth.token_revoke", EntityType: "api_token",
			EntityID: fmt.Sprint(id), OrgID: acc.OrgID, OrgPath: acc.OrgPath,
			Summary: fmt.Sprintf("%s：吊销接口令牌「%s」", acc.Username, name)})
	})
	return wrap("revoke api token", err)
}

// ListAPITokens lists an account's tokens, newest first: for the account itself,
// or for holders of account.view whose subtree covers it.
func (s *Store) ListAPITokens(ctx context.Context, accountID int64) ([]APIToken, error) {
	if _, err := tokenAccount(ctx, s.db, platform.ActorFrom(ctx), accountID, PermAccountView); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, account_id, name, created_at, expires_at, revoked_at, last_used_at
		FROM api_tokens WHERE account_id = ? ORDER BY id DESC`, accountID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var exp, rev, used sql.NullTime
		if err := rows.Scan(&t.ID, &t.AccountID, &t.Name, &t.CreatedAt, &exp, &rev, &used); err != nil {
			return nil, fmt.Errorf("auth: list tokens: %w", err)
		}
		t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = t.CreatedAt.UTC(), exp.Time.UTC(), rev.Time.UTC(), used.Time.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

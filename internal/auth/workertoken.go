package auth

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Worker tokens let a worker's own client (a WeChat mini-program, an app) do
// through /api/v1/my/ what the worker does on the portal. A token is issued for
// a texted sign-in code, as a portal session is; only its SHA-256 is kept.
const (
	workerTokenPrefix = "zjw_"
	WorkerTokenTTL    = 30 * 24 * time.Hour
)

// WorkerToken is a token just issued: the plain value is shown only here.
type WorkerToken struct {
	Token     string
	WorkerID  int64
	ExpiresAt time.Time
}

// IssueWorkerToken signs a worker in with the code texted to their phone, as the
// portal does, and returns a bearer token for client (a short name the worker
// will recognise, e.g. "微信小程序").
func (s *Store) IssueWorkerToken(ctx context.Context, phone, code, client, ip string) (*WorkerToken, error) {
	client = strings.TrimSpace(client)
	if client == "" {
		client = "API"
	}
	if utf8.RuneCountInString(client) > 50 {
		return nil, platform.Invalid().Field("client", "auth.err.name_long")
	}
	b, err := newSecret(32)
	if err != nil {
		return nil, err
	}
	out := &WorkerToken{Token: workerTokenPrefix + base64.RawURLEncoding.EncodeToString(b)}
	err = s.smsSignIn(ctx, phone, code, ip, func(tx *platform.Tx, workerID int64, now time.Time) error {
		out.WorkerID, out.ExpiresAt = workerID, now.Add(WorkerTokenTTL)
		_, err := tx.Exec(ctx, `INSERT INTO worker_tokens (worker_id, client, token_hash, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, workerID, client, hashToken(out.Token), now, out.ExpiresAt)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// authenticateWorkerToken turns a worker token into the worker's actor.
func (s *Store) authenticateWorkerToken(ctx context.Context, plain string) (*platform.Actor, error) {
	now := s.now()
	a := &platform.Actor{Kind: KindWorker}
	var id int64
	var lastUsed sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT t.id, t.last_used_at, w.id, w.name, w.org_id, o.name, o.path, w.locale
		FROM worker_tokens t JOIN workers w ON w.id = t.worker_id JOIN orgs o ON o.id = w.org_id
		WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?`, hashToken(plain), now).
		Scan(&id, &lastUsed, &a.WorkerID, &a.Name, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Locale)
	if err := s.tokenFound(ctx, err, "worker_tokens", id, lastUsed, now); err != nil {
		return nil, err
	}
	return a, nil
}

// RevokeWorkerToken ends a worker token (the client signs out). Revoking an
// unknown or already revoked token is not an error.
func (s *Store) RevokeWorkerToken(ctx context.Context, plain string) error {
	_, err := s.db.Exec(ctx, `UPDATE worker_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL`,
		s.now(), hashToken(plain))
	if err != nil {
		return fmt.Errorf("auth: revoke worker token: %w", err)
	}
	return nil
}

package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// touchAfter is how stale last_seen_at may get before a request writes it, so most
// requests only read.
const touchAfter = 60 * time.Second

// LoginResult is where a sign-in step left the browser: the new cookie token
// (each step rotates the session, so a fixated token is useless), the stage still
// to do, and a notice to show on the next page.
type LoginResult struct {
	Token     string    // cookie value; replaces any earlier token; shown only here
	Stage     string    // platform.StageFull or the step still to do
	CSRF      string    // the new session's CSRF token
	ExpiresAt time.Time // absolute end of the session, for the cookie
	Notice    string    // catalogue key, e.g. "auth.msg.password_expired"; may be empty
}

// newSecret returns n random bytes.
func newSecret(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("auth: random: %w", err)
	}
	return b, nil
}

// newToken returns a cookie token and the id stored for it (its SHA-256), so a
// leaked sessions table does not hand out live cookies.
func newToken() (token, id string, err error) {
	b, err := newSecret(32)
	if err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is the stored id of a token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newCSRF() (string, error) {
	b, err := newSecret(32)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// sessionOwner says whose session it is: a staff account or a worker.
type sessionOwner struct {
	kind      string
	accountID int64
	workerID  int64
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// createSession starts a session inside a sign-in transaction.
func (s *Store) createSession(ctx context.Context, tx *platform.Tx, o sessionOwner, stage, ip, ua string, now time.Time) (*LoginResult, error) {
	token, id, err := newToken()
	if err != nil {
		return nil, err
	}
	csrf, err := newCSRF()
	if err != nil {
		return nil, err
	}
	exp := now.Add(SessionLifetime)
	_, err = tx.Exec(ctx, `INSERT INTO sessions (id, kind, account_id, worker_id, stage, csrf, ip, user_agent,
		created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, o.kind, nullID(o.accountID), nullID(o.workerID), stage, csrf, clip(ip, 64), clip(ua, 255), now, now, exp)
	if err != nil {
		return nil, fmt.Errorf("auth: create session: %w", err)
	}
	return &LoginResult{Token: token, Stage: stage, CSRF: csrf, ExpiresAt: exp}, nil
}

// rotateSession moves a session to stage under a new id and CSRF token, keeping its
// owner and absolute expiry; the old id stops working.
func (s *Store) rotateSession(ctx context.Context, tx *platform.Tx, oldID, stage string, now time.Time) (*LoginResult, error) {
	token, id, err := newToken()
	if err != nil {
		return nil, err
	}
	csrf, err := newCSRF()
	if err != nil {
		return nil, err
	}
	var exp time.Time
	err = tx.QueryRow(ctx, `INSERT INTO sessions (id, kind, account_id, worker_id, stage, csrf, ip, user_agent,
		created_at, last_seen_at, expires_at)
		SELECT ?, kind, account_id, worker_id, ?, ?, ip, user_agent, created_at, ?, expires_at
		FROM sessions WHERE id = ? RETURNING expires_at`, id, stage, csrf, now, oldID).Scan(&exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errSessionGone()
	}
	if err != nil {
		return nil, fmt.Errorf("auth: rotate session: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE id = ?`, oldID); err != nil {
		return nil, fmt.Errorf("auth: rotate session: %w", err)
	}
	return &LoginResult{Token: token, Stage: stage, CSRF: csrf, ExpiresAt: exp.UTC()}, nil
}

func errSessionGone() error {
	return platform.Errorf(platform.CodeUnauthorized, "auth.err.session_expired")
}

// LoadSession finds the live session for a cookie token with its actor, in one
// indexed query: it is on every request's path. Expired, idle and unknown sessions,
// and those of disabled accounts, are platform.NotFound. A session still signing
// in (Stage not full) comes with an actor without a role, so it can do nothing.
// last_seen_at is written only when it is more than a minute old.
func (s *Store) LoadSession(ctx context.Context, token string) (*platform.Session, error) {
	if token == "" {
		return nil, platform.NotFound
	}
	now := s.now()
	id := hashToken(token)
	ses := &platform.Session{ID: id, Actor: &platform.Actor{}}
	a := ses.Actor
	var lastSeen time.Time
	err := s.db.QueryRow(ctx, `SELECT s.kind, s.stage, s.csrf, s.last_seen_at,
			COALESCE(ac.id, 0), COALESCE(w.id, 0), COALESCE(ac.name, w.name, ''), COALESCE(ac.role, ''),
			o.id, o.name, o.path, COALESCE(ac.locale, w.locale, '')
		FROM sessions s
		LEFT JOIN accounts ac ON ac.id = s.account_id
		LEFT JOIN workers w ON w.id = s.worker_id
		JOIN orgs o ON o.id = COALESCE(ac.org_id, w.org_id)
		WHERE s.id = ? AND s.expires_at > ? AND s.last_seen_at > ?
			AND (s.kind = 'worker' OR ac.status = 'active')`,
		id, now, now.Add(-s.cfg.SessionIdle)).Scan(&ses.Kind, &ses.Stage, &ses.CSRF, &lastSeen,
		&a.AccountID, &a.WorkerID, &a.Name, &a.Role, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Locale)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: load session: %w", err)
	}
	a.Kind = ses.Kind
	if ses.Stage != platform.StageFull {
		a.Role = "" // half signed in: a name to greet, no rights
	}
	if now.Sub(lastSeen) > touchAfter {
		if _, err := s.db.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, now, id); err != nil {
			return nil, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	return ses, nil
}

// Logout ends the session of token; a staff sign-out is audited. Unknown tokens
// are not an error (the cookie is cleared either way).
func (s *Store) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		var kind string
		var accountID sql.NullInt64
		err := tx.QueryRow(ctx, `DELETE FROM sessions WHERE id = ? RETURNING kind, account_id`, hashToken(token)).Scan(&kind, &accountID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("auth: logout: %w", err)
		}
		if kind != KindStaff || !accountID.Valid {
			return nil
		}
		actor, err := staffActor(ctx, tx, accountID.Int64)
		if err != nil {
			return err
		}
		return audit.Record(platform.WithActor(ctx, actor), tx, now, audit.Entry{
			Action: "auth.logout", EntityType: "account", EntityID: fmt.Sprint(accountID.Int64), Summary: "退出登录",
		})
	})
}

// staffActor builds the actor of an account for audit entries written before the
// request has one (sign-in, sign-out). IP and request id come from ctx's actor.
func staffActor(ctx context.Context, tx *platform.Tx, accountID int64) (*platform.Actor, error) {
	a := &platform.Actor{Kind: KindStaff, AccountID: accountID}
	err := tx.QueryRow(ctx, `SELECT a.name, a.role, a.org_id, o.name, o.path, a.locale FROM accounts a
		JOIN orgs o ON o.id = a.org_id WHERE a.id = ?`, accountID).Scan(&a.Name, &a.Role, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Locale)
	if err != nil {
		return nil, fmt.Errorf("auth: actor %d: %w", accountID, err)
	}
	if c := platform.ActorFrom(ctx); c != nil {
		a.IP, a.RequestID = c.IP, c.RequestID
	}
	return a, nil
}

// endSessions signs an account out everywhere (password reset, disable, lock).
func endSessions(ctx context.Context, tx *platform.Tx, accountID int64, pendingOnly bool) error {
	q := `DELETE FROM sessions WHERE account_id = ?`
	if pendingOnly {
		q += ` AND stage <> 'full'`
	}
	if _, err := tx.Exec(ctx, q, accountID); err != nil {
		return fmt.Errorf("auth: end sessions of %d: %w", accountID, err)
	}
	return nil
}

// clip shortens s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n]
}

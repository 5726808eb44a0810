package web

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"zhijia/internal/platform"
)

// IdempotencyHeader carries a client's key for a create; a retry with the same
// key gets the first answer back instead of creating twice.
const IdempotencyHeader = "Idempotency-Key"

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// idempotencyOwner keys a client's idempotency keys: the account id of a staff
// client, the negated worker id of a worker's client, so the two never meet.
func idempotencyOwner(a *platform.Actor) int64 {
	if a.Kind == "worker" {
		return -a.WorkerID
	}
	return a.AccountID
}

// idempotencyKey is the request's key; a create without one, or with one
// too long to be a key, is refused.
func idempotencyKey(c *Ctx) (string, error) {
	key := c.IdempotencyKey()
	if key == "" || len(key) > 200 {
		return "", platform.Errorf(platform.CodeInvalid, "err.idempotency_key")
	}
	return key, nil
}

// idempotent wraps an API create: it requires a key, reserves it before running
// the handler (so two concurrent retries cannot both create), stores the answer,
// and replays it on a retry. A failed attempt (5xx) frees the key.
func (s *Server) idempotent(c *Ctx, h HandlerFunc) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	ctx := c.R.Context()
	acct := idempotencyOwner(c.Actor)
	now := s.Clock.Now().UTC().Truncate(time.Microsecond)
	_, err = s.DB.Exec(ctx, `INSERT INTO idempotency_keys (account_id, idem_key, method, path, created_at) VALUES (?, ?, ?, ?, ?)`,
		acct, key, c.R.Method, c.R.URL.Path, now)
	if platform.IsUniqueViolation(err) {
		return s.replay(c, acct, key)
	}
	if err != nil {
		return fmt.Errorf("web: reserve idempotency key: %w", err)
	}
	rec := &recorder{ResponseWriter: c.W, status: http.StatusOK}
	c.W = rec
	herr := h(c)
	if herr != nil {
		if e, ok := platform.AsError(herr); ok && e.Code != platform.CodeInternal {
			s.fail(c, herr) // a 4xx answer is the answer: store it too
			herr = nil
		}
	}
	if herr != nil || rec.status >= 500 {
		s.DB.Exec(context.WithoutCancel(ctx), `DELETE FROM idempotency_keys WHERE account_id = ? AND idem_key = ?`, acct, key)
		return herr
	}
	_, err = s.DB.Exec(context.WithoutCancel(ctx), `UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? WHERE account_id = ? AND idem_key = ?`,
		rec.status, rec.Header().Get("Content-Type"), rec.body.String(), acct, key)
	if err != nil {
		s.Logger.Error("store idempotent answer", "request_id", requestID(c.R), "err", err)
	}
	return nil
}

func (s *Server) replay(c *Ctx, acct int64, key string) error {
	var method, path, ctype, body string
	var status int
	err := s.DB.QueryRow(c.R.Context(), `SELECT method, path, status, content_type, body FROM idempotency_keys
		WHERE account_id = ? AND idem_key = ?`, acct, key).Scan(&method, &path, &status, &ctype, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return platform.Errorf(platform.CodeConflict, "err.idempotency_busy")
	}
	if err != nil {
		return fmt.Errorf("web: read idempotency key: %w", err)
	}
	if method != c.R.Method || path != c.R.URL.Path {
		return platform.Errorf(platform.CodeInvalid, "err.idempotency_reused")
	}
	if status == 0 {
		return platform.Errorf(platform.CodeConflict, "err.idempotency_busy")
	}
	c.W.Header().Set("Content-Type", ctype)
	c.Replayed()
	c.W.WriteHeader(status)
	_, err = c.W.Write([]byte(body))
	return err
}

// recorder keeps a copy of what a handler writes.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// WorkerAPIKeyed mounts a worker's create whose own transaction keeps the
// idempotency key next to what it creates (a natural "once" such as a quiz
// submitted once a day): no separate reservation and answer rows, so the
// create costs one write transaction instead of three. The key is still
// required; the handler reads it with IdempotencyKey and answers a retry with
// the first result, marked with Replayed.
func (s *Server) WorkerAPIKeyed(pattern string, doc APIDoc, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: WorkerAPI, Doc: &doc, KeyStored: true}, h)
}

// IdempotencyKey is the client's key of this create.
func (c *Ctx) IdempotencyKey() string { return c.R.Header.Get(IdempotencyHeader) }

// Replayed marks the answer as the first answer to this key, given again.
func (c *Ctx) Replayed() { c.W.Header().Set("Idempotent-Replayed", "true") }

package auth

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/platform"
)

// rateLimitKeep is how long old rate-limit windows are kept; longer than any window.
const rateLimitKeep = 48 * time.Hour

// sweepEvery is how many Allow calls pass between sweeps of old windows.
const sweepEvery = 500

// Allow counts one hit on bucket in the current fixed window of the given length
// and reports whether the hit is within limit; if not, retryAfter says when the
// window ends. Counters live in the database, so every instance shares them.
func (s *Store) Allow(ctx context.Context, bucket string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	now := s.now()
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		ok, retryAfter, err = s.allowTx(ctx, tx, bucket, limit, window, now)
		return err
	})
	return ok, retryAfter, err
}

// allowTx is Allow inside the caller's transaction.
func (s *Store) allowTx(ctx context.Context, tx *platform.Tx, bucket string, limit int, window time.Duration, now time.Time) (bool, time.Duration, error) {
	hits, end, err := s.hitTx(ctx, tx, bucket, window, now)
	if err != nil {
		return false, 0, err
	}
	if hits <= limit {
		return true, 0, nil
	}
	return false, end.Sub(now), nil
}

// hitTx adds one hit to bucket's current window and returns the window's count
// and end. The upsert is atomic on both engines, so concurrent hits all count.
func (s *Store) hitTx(ctx context.Context, tx *platform.Tx, bucket string, window time.Duration, now time.Time) (int, time.Time, error) {
	secs := int64(window / time.Second)
	if secs < 1 {
		secs = 1
	}
	start := now.Unix() / secs * secs
	var hits int
	err := tx.QueryRow(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1
		RETURNING hits`, bucket, start).Scan(&hits)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("auth: rate limit %s: %w", bucket, err)
	}
	if s.calls.Add(1)%sweepEvery == 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, now.Add(-rateLimitKeep).Unix()); err != nil {
			return 0, time.Time{}, fmt.Errorf("auth: sweep rate limits: %w", err)
		}
	}
	return hits, time.Unix(start+secs, 0).UTC(), nil
}

// limit is one rate limit a sign-in step passes through.
type limit struct {
	bucket string
	n      int
	window time.Duration
	key    string // catalogue key when exceeded; takes the seconds to wait
}

// gate counts the attempt against each limit; the first exceeded one refuses it,
// with a login_attempts row.
func (s *Store) gate(ctx context.Context, kind, subject, ip string, now time.Time, limits ...limit) error {
	var refused error
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		for _, l := range limits {
			ok, wait, err := s.allowTx(ctx, tx, l.bucket, l.n, l.window, now)
			if err != nil {
				return err
			}
			if !ok {
				refused = tooMany(l.key, wait)
				return logAttempt(ctx, tx, kind, subject, 0, ip, false, "rate_limited", now)
			}
		}
		return nil
	})
	if err != nil {
		return wrap("rate limit", err)
	}
	return refused
}

// tooMany is the error for a rate limit, with whole seconds to wait (at least 1).
func tooMany(key string, wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return platform.Errorf(platform.CodeTooMany, key, secs)
}

// Sweep deletes what has outlived its use: expired sessions, SMS codes older than a
// day, and old rate-limit windows. Run it from a periodic job.
func (s *Store) Sweep(ctx context.Context) error {
	now := s.now()
	return s.db.InTx(ctx, func(tx *platform.Tx) error {
		for _, q := range []struct {
			sql string
			arg any
		}{
			{`DELETE FROM sessions WHERE expires_at < ?`, now},
			{`DELETE FROM sessions WHERE last_seen_at < ?`, now.Add(-s.cfg.SessionIdle)},
			{`DELETE FROM sms_codes WHERE created_at < ?`, now.Add(-24 * time.Hour)},
			{`DELETE FROM rate_limits WHERE window_start < ?`, now.Add(-rateLimitKeep).Unix()},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.arg); err != nil {
				return fmt.Errorf("auth: sweep: %w", err)
			}
		}
		return nil
	})
}

package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"time"

	"zhijia/internal/platform"
)

// Sender delivers a text message to a mobile phone (an SMS gateway in production).
type Sender interface {
	Send(ctx context.Context, phone, message string) error
}

// LogSender "sends" messages by writing them to the log: for development and demos.
type LogSender struct{ Logger *slog.Logger }

// Send logs the message with the phone masked.
func (l LogSender) Send(ctx context.Context, phone, message string) error {
	lg := l.Logger
	if lg == nil {
		lg = slog.Default()
	}
	lg.InfoContext(ctx, "sms", "phone", MaskPhone(phone), "message", message)
	return nil
}

// SentCode tells the sign-in page what happened, without the code (except in demo mode).
type SentCode struct {
	Phone       string        // masked, 138****8000
	ExpiresAt   time.Time     // when the code stops working
	ResendAfter time.Duration // when another code may be asked for
	DemoCode    string        // the code itself, only when the store runs in demo mode
}

// Worker sign-in limits.
func smsSendIPLimit(ip string) limit {
	return limit{bucket: "sms.ip:" + ip, n: 20, window: time.Hour, key: "auth.err.sms_rate"}
}

func smsSendDayLimit(idx string) limit {
	return limit{bucket: "sms.day:" + idx, n: 10, window: 24 * time.Hour, key: "auth.err.sms_rate"}
}

func smsLoginLimits(idx, ip string) []limit {
	return []limit{
		{bucket: "sms.login.phone:" + idx, n: 20, window: time.Hour, key: "auth.err.login_rate"},
		{bucket: "sms.login.ip:" + ip, n: 60, window: time.Hour, key: "auth.err.login_rate"},
	}
}

// codeHash is how a code is stored: keyed, and bound to its phone.
func (s *Store) codeHash(phone, code string) string {
	return s.keys.BlindIndex("sms-code", phone+":"+code)
}

func newSMSCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("auth: sms code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// SendCode texts a 6-digit sign-in code to a worker's phone. One code per phone per
// minute and ten a day, twenty an hour from one address; the code lasts five
// minutes and only the newest one works. Whether a worker has that phone is not
// looked at, so the answer reveals nothing.
func (s *Store) SendCode(ctx context.Context, phone, ip string) (*SentCode, error) {
	p, err := NormaliseMobile(phone)
	if err != nil {
		return nil, err
	}
	idx := s.keys.BlindIndex("phone", p)
	code, err := newSMSCode()
	if err != nil {
		return nil, err
	}
	now := s.now()
	var refused error
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		var last time.Time
		err := tx.QueryRow(ctx, `SELECT created_at FROM sms_codes WHERE phone_index = ?
			ORDER BY created_at DESC LIMIT 1`, idx).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if wait := SMSResendAfter - now.Sub(last); err == nil && wait > 0 {
			refused = tooMany("auth.err.sms_too_soon", wait)
			return nil
		}
		for _, l := range []limit{smsSendIPLimit(ip), smsSendDayLimit(idx)} {
			ok, wait, err := s.allowTx(ctx, tx, l.bucket, l.n, l.window, now)
			if err != nil || !ok {
				refused = tooMany(l.key, wait)
				return err
			}
		}
		_, err = tx.Exec(ctx, `INSERT INTO sms_codes (phone_index, code_hash, attempts, created_at, expires_at)
			VALUES (?, ?, 0, ?, ?)`, idx, s.codeHash(p, code), now, now.Add(SMSCodeLifetime))
		return err
	})
	if err != nil {
		return nil, wrap("send code", err)
	}
	if refused != nil {
		return nil, refused
	}
	msg := fmt.Sprintf("【职工之家】您的登录验证码是 %s，%d 分钟内有效。如非本人操作，请忽略本短信。", code, int(SMSCodeLifetime/time.Minute))
	if err := s.sender.Send(ctx, p, msg); err != nil {
		return nil, fmt.Errorf("auth: send code to %s: %w", MaskPhone(p), err)
	}
	sent := &SentCode{Phone: MaskPhone(p), ExpiresAt: now.Add(SMSCodeLifetime), ResendAfter: SMSResendAfter}
	if s.cfg.Demo {
		sent.DemoCode = code
	}
	return sent, nil
}

// smsCode is the newest code sent to a phone.
type smsCode struct {
	id       int64
	hash     string
	attempts int
	expires  time.Time
	used     sql.NullTime
}

// checkCode says why code does not sign in with c ("" when it does), as the
// catalogue key to show.
func (c *smsCode) check(match bool, now time.Time) string {
	switch {
	case c.used.Valid && match:
		return "auth.err.sms_used"
	case c.used.Valid:
		return "auth.err.sms_wrong"
	case !now.Before(c.expires):
		return "auth.err.sms_expired"
	case c.attempts >= SMSMaxAttempts:
		return "auth.err.sms_dead"
	case !match:
		return "auth.err.sms_wrong"
	}
	return ""
}

// WorkerLogin signs a worker in with the code texted to their phone. A worker
// seen for the first time gets a record under the root org. No answer reveals
// whether a worker with that phone exists. The session is full at once.
func (s *Store) WorkerLogin(ctx context.Context, phone, code, ip, userAgent string) (*LoginResult, error) {
	var res *LoginResult
	err := s.smsSignIn(ctx, phone, code, ip, func(tx *platform.Tx, workerID int64, now time.Time) (err error) {
		res, err = s.createSession(ctx, tx, sessionOwner{kind: KindWorker, workerID: workerID}, platform.StageFull, ip, userAgent, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// smsSignIn checks a texted code under the sign-in limits and, when it holds,
// calls issue in the same transaction with the worker the phone belongs to.
func (s *Store) smsSignIn(ctx context.Context, phone, code, ip string, issue func(tx *platform.Tx, workerID int64, now time.Time) error) error {
	p, err := NormaliseMobile(phone)
	if err != nil {
		return err
	}
	code = trimCode(code)
	if !sixDigits(code) {
		return platform.Invalid().Field("code", "auth.err.sms_code_format")
	}
	idx, masked, now := s.keys.BlindIndex("phone", p), MaskPhone(p), s.now()
	if err := s.gate(ctx, "sms", masked, ip, now, smsLoginLimits(idx, ip)...); err != nil {
		return err
	}
	var userErr error
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		reason, err := s.useCode(ctx, tx, idx, p, code, now)
		if err != nil {
			return err
		}
		if reason != "" {
			userErr = platform.Errorf(platform.CodeUnauthorized, reason)
			return logAttempt(ctx, tx, "sms", masked, 0, ip, false, reason[len("auth.err."):], now)
		}
		workerID, err := s.findOrCreateWorker(ctx, tx, idx, p, now)
		if err != nil {
			return err
		}
		if err := issue(tx, workerID, now); err != nil {
			return err
		}
		return logAttempt(ctx, tx, "sms", masked, 0, ip, true, "sms_ok", now)
	})
	if err != nil {
		return wrap("worker sign-in", err)
	}
	return userErr
}

func sixDigits(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// useCode checks code against the newest code sent to the phone and marks it used,
// or counts a wrong try; it returns the catalogue key of the refusal, or "".
func (s *Store) useCode(ctx context.Context, tx *platform.Tx, idx, phone, code string, now time.Time) (string, error) {
	var c smsCode
	err := tx.QueryRow(ctx, `SELECT id, code_hash, attempts, expires_at, used_at FROM sms_codes
		WHERE phone_index = ? ORDER BY created_at DESC, id DESC LIMIT 1`, idx).Scan(&c.id, &c.hash, &c.attempts, &c.expires, &c.used)
	if errors.Is(err, sql.ErrNoRows) {
		return "auth.err.sms_none", nil
	}
	if err != nil {
		return "", err
	}
	match := hmac.Equal([]byte(s.codeHash(phone, code)), []byte(c.hash))
	if key := c.check(match, now); key != "" {
		if key == "auth.err.sms_wrong" && !c.used.Valid {
			_, err = tx.Exec(ctx, `UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ?`, c.id)
		}
		return key, err
	}
	r, err := tx.Exec(ctx, `UPDATE sms_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND attempts < ?`,
		now, c.id, SMSMaxAttempts)
	if err != nil {
		return "", err
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return "auth.err.sms_used", err
	}
	return "", nil
}

// findOrCreateWorker finds the worker with this phone, or records a new one under
// the root org, named 职工 and the phone's last four digits until they say more.
func (s *Store) findOrCreateWorker(ctx context.Context, tx *platform.Tx, idx, phone string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM workers WHERE phone_index = ?`, idx).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	var rootID, cityID int64
	if err := tx.QueryRow(ctx, `SELECT id, city_id FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&rootID, &cityID); err != nil {
		return 0, fmt.Errorf("auth: root org for new worker: %w", err)
	}
	err = tx.QueryRow(ctx, `INSERT INTO workers (city_id, org_id, name, phone_index, phone_sealed, phone_masked, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (phone_index) DO NOTHING RETURNING id`,
		cityID, rootID, "职工"+phone[len(phone)-4:], idx, s.keys.Seal(phone), MaskPhone(phone), now, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // another sign-in created it just now
		err = tx.QueryRow(ctx, `SELECT id FROM workers WHERE phone_index = ?`, idx).Scan(&id)
	}
	return id, err
}

package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// TOTP parameters (RFC 6238): SHA-1, 6 digits, 30-second steps, one step of skew
// either way for clocks that drift.
const (
	totpDigits = 6
	totpPeriod = 30
	totpSkew   = 1
	totpIssuer = "职工之家"
)

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns 20 random bytes in base32 without padding, as
// authenticator apps take it.
func NewTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: totp secret: %w", err)
	}
	return totpEncoding.EncodeToString(b), nil
}

// DecodeTOTPSecret turns the base32 form back into the key bytes.
func DecodeTOTPSecret(s string) ([]byte, error) {
	return totpEncoding.DecodeString(strings.ToUpper(strings.TrimRight(s, "=")))
}

// TOTPStep is the time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// TOTPCode is the 6-digit code for secret at time t.
func TOTPCode(secret []byte, t time.Time) string {
	return hotp(secret, uint64(TOTPStep(t)), totpDigits)
}

// hotp is RFC 4226's HOTP value of counter, as a zero-padded decimal of digits digits.
func hotp(secret []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m := hmac.New(sha1.New, secret)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// matchTOTP finds the step within the allowed skew whose code equals code.
// It checks every candidate step so the time taken does not depend on which matched.
func matchTOTP(secret []byte, code string, now time.Time) (step int64, ok bool) {
	code = strings.TrimSpace(code)
	if len(code) != totpDigits {
		return 0, false
	}
	cur := TOTPStep(now)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		if subtle.ConstantTimeCompare([]byte(hotp(secret, uint64(s), totpDigits)), []byte(code)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// OTPAuthURL is the otpauth:// URL an authenticator app scans.
func OTPAuthURL(username, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", totpIssuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(totpDigits))
	q.Set("period", fmt.Sprint(totpPeriod))
	return "otpauth://totp/" + url.PathEscape(totpIssuer) + ":" + url.PathEscape(username) + "?" + q.Encode()
}

// QRPNG draws content as a 256-pixel QR code PNG.
func QRPNG(content string) ([]byte, error) {
	png, err := qrcode.Encode(content, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("auth: qr code: %w", err)
	}
	return png, nil
}

// openSecret unseals an account's TOTP secret into its bytes and base32 form.
func (s *Store) openSecret(sealed string) ([]byte, string, error) {
	b32, err := s.keys.Open(sealed)
	if err != nil {
		return nil, "", fmt.Errorf("auth: totp secret: %w", err)
	}
	key, err := DecodeTOTPSecret(b32)
	if err != nil {
		return nil, "", fmt.Errorf("auth: totp secret: %w", err)
	}
	return key, b32, nil
}

// EnrolTOTP gives a session at the enrol stage the secret to put in an
// authenticator app, as text, otpauth URL and QR code PNG. Calling it again before
// confirming shows the same secret.
func (s *Store) EnrolTOTP(ctx context.Context, token string) (secret, otpauthURL string, qrPNG []byte, err error) {
	now := s.now()
	p, err := s.loadPending(ctx, token, platform.StageEnrol, now)
	if err != nil {
		return "", "", nil, err
	}
	if p.acc.totpSecret != "" {
		_, secret, err = s.openSecret(p.acc.totpSecret)
	} else {
		secret, err = s.newPendingSecret(ctx, p.acc.ID)
	}
	if err != nil {
		return "", "", nil, err
	}
	otpauthURL = OTPAuthURL(p.acc.Username, secret)
	qrPNG, err = QRPNG(otpauthURL)
	return secret, otpauthURL, qrPNG, err
}

// newPendingSecret stores a fresh sealed secret on a not-yet-enrolled account; if
// another request stored one first, that one is used.
func (s *Store) newPendingSecret(ctx context.Context, accountID int64) (string, error) {
	secret, err := NewTOTPSecret()
	if err != nil {
		return "", err
	}
	var sealed string
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = ? WHERE id = ? AND totp_enrolled = 0 AND totp_secret = ''`,
			s.keys.Seal(secret), accountID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT totp_secret FROM accounts WHERE id = ?`, accountID).Scan(&sealed)
	})
	if err != nil {
		return "", fmt.Errorf("auth: enrol %d: %w", accountID, err)
	}
	_, secret, err = s.openSecret(sealed)
	return secret, err
}

// ConfirmTOTP finishes enrolment with a first code from the app; the sign-in is
// then complete. A wrong code is refused but does not count toward the lock.
func (s *Store) ConfirmTOTP(ctx context.Context, token, code string) (*LoginResult, error) {
	now := s.now()
	p, err := s.loadPending(ctx, token, platform.StageEnrol, now)
	if err != nil {
		return nil, err
	}
	if p.acc.totpSecret == "" {
		return nil, platform.Errorf(platform.CodeConflict, "auth.err.enrol_first")
	}
	key, _, err := s.openSecret(p.acc.totpSecret)
	if err != nil {
		return nil, err
	}
	step, ok := matchTOTP(key, trimCode(code), now)
	if !ok {
		return nil, s.refuse(ctx, p.acc, "enrol", "bad_totp", errBadTOTP(), p.ip, now)
	}
	var res *LoginResult
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_enrolled = 1, totp_last_step = ?, updated_at = ? WHERE id = ?`,
			step, now, p.acc.ID); err != nil {
			return err
		}
		actx := platform.WithActor(ctx, p.acc.actor(ctx, p.ip))
		if err := audit.Record(actx, tx, now, audit.Entry{Action: "auth.totp_enrol", EntityType: "account",
			EntityID: fmt.Sprint(p.acc.ID), OrgID: p.acc.OrgID, OrgPath: p.acc.OrgPath, Summary: p.acc.Username + "：绑定动态口令"}); err != nil {
			return err
		}
		res, err = s.finishStep(ctx, tx, p, StageAfterTOTP(s.passwordDue(p.acc, now)), "enrol", now)
		return err
	})
	if err != nil {
		return nil, wrap("confirm totp", err)
	}
	return res, nil
}

func errBadTOTP() error { return platform.Errorf(platform.CodeUnauthorized, "auth.err.bad_totp") }

// VerifyTOTP is the second sign-in step for an enrolled account. A wrong code
// counts toward the lock; a code already used (its time step not after the last
// accepted one) is refused; one step of clock skew either way is allowed.
func (s *Store) VerifyTOTP(ctx context.Context, token, code string) (*LoginResult, error) {
	now := s.now()
	p, err := s.loadPending(ctx, token, platform.StageTOTP, now)
	if err != nil {
		return nil, err
	}
	if p.acc.Locked(now) {
		return nil, s.refuse(ctx, p.acc, "totp", "locked", errLocked(p.acc.LockedUntil), p.ip, now)
	}
	key, _, err := s.openSecret(p.acc.totpSecret)
	if err != nil {
		return nil, err
	}
	step, ok := matchTOTP(key, trimCode(code), now)
	if !ok {
		return nil, s.failLogin(ctx, p.acc, "totp", "bad_totp", errBadTOTP(), p.ip, now)
	}
	reused := platform.Errorf(platform.CodeUnauthorized, "auth.err.totp_reused")
	if step <= p.acc.lastStep {
		return nil, s.refuse(ctx, p.acc, "totp", "totp_reused", reused, p.ip, now)
	}
	var res *LoginResult
	var userErr error
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		r, err := tx.Exec(ctx, `UPDATE accounts SET totp_last_step = ?, failed_logins = 0 WHERE id = ? AND totp_last_step < ?`,
			step, p.acc.ID, step)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			userErr = reused // a concurrent request used this code first
			return logAttempt(ctx, tx, "totp", p.acc.Username, p.acc.ID, p.ip, false, "totp_reused", now)
		}
		res, err = s.finishStep(ctx, tx, p, StageAfterTOTP(s.passwordDue(p.acc, now)), "totp", now)
		return err
	})
	if err != nil {
		return nil, wrap("verify totp", err)
	}
	return res, userErr
}

// CurrentCode is the code an account's authenticator shows now, for the demo
// sign-in page; outside demo mode it is refused.
func (s *Store) CurrentCode(ctx context.Context, username string) (string, error) {
	if !s.cfg.Demo {
		return "", platform.Errorf(platform.CodeForbidden, "auth.err.demo_only")
	}
	acc, err := s.findLoginAccount(ctx, `a.username = ?`, NormaliseUsername(username))
	if err != nil {
		return "", err
	}
	if acc == nil || acc.totpSecret == "" {
		return "", platform.NotFound
	}
	key, _, err := s.openSecret(acc.totpSecret)
	if err != nil {
		return "", err
	}
	return TOTPCode(key, s.clock.Now()), nil
}

package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Staff sign-in is a small state machine kept in the session's stage (see
// StageAfterPassword). Each step checks its secret outside any transaction (argon2
// is slow) and then records the outcome — counters, login_attempts row, audit
// entry, session — in one transaction that commits even when the step fails, so
// failures always count.

// staffLoginLimit bounds password attempts from one address, against spraying.
func staffLoginLimit(ip string) limit {
	return limit{bucket: "login.ip:" + ip, n: 100, window: 10 * time.Minute, key: "auth.err.login_rate"}
}

// loginAccount is an account with the secrets the sign-in steps check.
type loginAccount struct {
	Account
	hash       string
	totpSecret string
	lastStep   int64
}

func (a *loginAccount) actor(ctx context.Context, ip string) *platform.Actor {
	act := &platform.Actor{Kind: KindStaff, AccountID: a.ID, Name: a.Name, Role: string(a.Role),
		OrgID: a.OrgID, OrgName: a.OrgName, OrgPath: a.OrgPath, Locale: a.Locale, IP: ip}
	if c := platform.ActorFrom(ctx); c != nil {
		act.RequestID = c.RequestID
		if act.IP == "" {
			act.IP = c.IP
		}
	}
	return act
}

// passwordDue says whether the account must change its password before it works.
func (s *Store) passwordDue(a *loginAccount, now time.Time) bool {
	return PasswordDue(a.MustChangePassword, a.PasswordChangedAt, now, s.cfg.PasswordMaxAge)
}

// passwordNotice is the notice for a password that must be changed, or "".
func (s *Store) passwordNotice(a *loginAccount, now time.Time) string {
	switch {
	case a.MustChangePassword:
		return "auth.msg.must_change_password"
	case s.passwordDue(a, now):
		return "auth.msg.password_expired"
	}
	return ""
}

const loginCols = accountCols + `, a.password_hash, a.totp_secret, a.totp_last_step`

func scanLoginAccount(r scanner, extra ...any) (*loginAccount, error) {
	var l loginAccount
	acc, err := scanAccount(r, append([]any{&l.hash, &l.totpSecret, &l.lastStep}, extra...)...)
	if err != nil {
		return nil, err
	}
	l.Account = *acc
	return &l, nil
}

// findLoginAccount reads the account signing in; nil when there is none.
func (s *Store) findLoginAccount(ctx context.Context, where string, arg any) (*loginAccount, error) {
	acc, err := scanLoginAccount(s.db.QueryRow(ctx, `SELECT `+loginCols+`
		FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: sign-in account: %w", err)
	}
	return acc, nil
}

func errBadCredentials() error {
	return platform.Errorf(platform.CodeUnauthorized, "auth.err.bad_credentials")
}

// errLocked says when to try again, as HH:MM in Asia/Shanghai, rounded up.
func errLocked(until time.Time) error {
	t := until.In(platform.Shanghai)
	if t.Truncate(time.Minute) != t {
		t = t.Truncate(time.Minute).Add(time.Minute)
	}
	return platform.Errorf(platform.CodeUnauthorized, "auth.err.locked", t.Format("15:04"))
}

// PasswordLogin is the first sign-in step for staff. Unknown usernames, wrong
// passwords and disabled accounts all get "auth.err.bad_credentials", in the same
// time; five failures in a row lock the username for 30 minutes, known or not. A
// correct password starts a session that is never yet full: see LoginResult.Stage.
func (s *Store) PasswordLogin(ctx context.Context, username, password, ip, userAgent string) (*LoginResult, error) {
	u := NormaliseUsername(username)
	v := platform.Invalid()
	if u == "" {
		v.Field("username", "auth.err.username_required")
	}
	if password == "" {
		v.Field("password", "auth.err.password_required")
	}
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	now := s.now()
	if err := s.gate(ctx, "password", clip(u, 64), ip, now, staffLoginLimit(ip)); err != nil {
		return nil, err
	}
	acc, err := s.findLoginAccount(ctx, `a.username = ?`, u)
	if err != nil {
		return nil, err
	}
	if acc == nil || acc.Status != StatusActive {
		return nil, s.unknownLogin(ctx, u, password, ip, acc, now)
	}
	if acc.Locked(now) {
		return nil, s.refuse(ctx, acc, "password", "locked", errLocked(acc.LockedUntil), ip, now)
	}
	ok, err := VerifyPassword(acc.hash, password)
	if err != nil {
		return nil, fmt.Errorf("auth: account %d: %w", acc.ID, err)
	}
	if !ok {
		return nil, s.failLogin(ctx, acc, "password", "bad_password", errBadCredentials(), ip, now)
	}
	var res *LoginResult
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = ?`, acc.ID); err != nil {
			return err
		}
		stage := StageAfterPassword(s.passwordDue(acc, now), acc.TOTPEnrolled)
		if res, err = s.createSession(ctx, tx, sessionOwner{kind: KindStaff, accountID: acc.ID}, stage, ip, userAgent, now); err != nil {
			return err
		}
		res.Notice = s.passwordNotice(acc, now)
		return logAttempt(ctx, tx, "password", acc.Username, acc.ID, ip, true, "password_ok", now)
	})
	if err != nil {
		return nil, wrap("password login", err)
	}
	return res, nil
}

// unknownLogin handles a username with no active account exactly like a wrong
// password: the same hashing time, the same message, and a lock after five
// failures, counted in rate_limits under a keyed hash of the username.
func (s *Store) unknownLogin(ctx context.Context, u, password, ip string, disabled *loginAccount, now time.Time) error {
	key := s.keys.BlindIndex("login-username", u)[:32]
	var accountID int64
	reason := "unknown_user"
	if disabled != nil {
		accountID, reason = disabled.ID, "disabled"
	}
	var until sql.NullInt64
	if err := s.db.QueryRow(ctx, `SELECT MAX(window_start) FROM rate_limits WHERE bucket = ?`, "login.lock:"+key).Scan(&until); err != nil {
		return fmt.Errorf("auth: unknown-user lock: %w", err)
	}
	if until.Valid && until.Int64 > now.Unix() {
		return s.record(ctx, "password", clip(u, 64), accountID, ip, reason+",locked", errLocked(time.Unix(until.Int64, 0)), now)
	}
	_, _ = VerifyPassword(dummyHash, password)
	var userErr error = errBadCredentials()
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		n, _, err := s.hitTx(ctx, tx, "login.fail:"+key, 24*time.Hour, now)
		if err != nil {
			return err
		}
		if n >= MaxFailures {
			lockUntil := now.Add(LockDuration)
			if _, err := tx.Exec(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)
				ON CONFLICT DO NOTHING`, "login.lock:"+key, lockUntil.Unix()); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM rate_limits WHERE bucket = ?`, "login.fail:"+key); err != nil {
				return err
			}
			userErr, reason = errLocked(lockUntil), reason+",locked"
		}
		return logAttempt(ctx, tx, "password", clip(u, 64), accountID, ip, false, reason, now)
	})
	if err != nil {
		return wrap("password login", err)
	}
	return userErr
}

// failLogin counts a wrong password or code against acc, locking it at the fifth
// in a row (which also ends its unfinished sign-ins), and returns what to show:
// wrong, or the lock message.
func (s *Store) failLogin(ctx context.Context, acc *loginAccount, kind, reason string, wrong error, ip string, now time.Time) error {
	actx := platform.WithActor(ctx, acc.actor(ctx, ip))
	userErr := wrong
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `UPDATE accounts SET failed_logins = failed_logins + 1 WHERE id = ?
			RETURNING failed_logins`, acc.ID).Scan(&n); err != nil {
			return err
		}
		entry := audit.Entry{Action: "auth.login_failed", EntityType: "account", EntityID: fmt.Sprint(acc.ID),
			OrgID: acc.OrgID, OrgPath: acc.OrgPath, Summary: fmt.Sprintf("%s：%s（连续第 %d 次）", acc.Username, failText(reason), n)}
		if n >= MaxFailures {
			until := now.Add(LockDuration)
			if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = ? WHERE id = ?`, until, acc.ID); err != nil {
				return err
			}
			if err := endSessions(ctx, tx, acc.ID, true); err != nil {
				return err
			}
			userErr, reason = errLocked(until), reason+",locked"
			entry.Action = "auth.locked"
			entry.Summary = fmt.Sprintf("%s：连续 %d 次失败，锁定至 %s", acc.Username, n, until.In(platform.Shanghai).Format("15:04"))
		}
		if err := logAttempt(ctx, tx, kind, acc.Username, acc.ID, ip, false, reason, now); err != nil {
			return err
		}
		return audit.Record(actx, tx, now, entry)
	})
	if err != nil {
		return wrap("record failed sign-in", err)
	}
	return userErr
}

func failText(reason string) string {
	switch reason {
	case "bad_totp":
		return "动态口令错误"
	case "bad_old_password":
		return "修改密码时原密码错误"
	}
	return "密码错误"
}

// refuse logs a refused attempt that does not count toward the lock (the account is
// already locked, a code was reused) and returns userErr.
func (s *Store) refuse(ctx context.Context, acc *loginAccount, kind, reason string, userErr error, ip string, now time.Time) error {
	return s.record(ctx, kind, acc.Username, acc.ID, ip, reason, userErr, now)
}

// record writes one login_attempts row for a refused attempt and returns userErr.
func (s *Store) record(ctx context.Context, kind, subject string, accountID int64, ip, reason string, userErr error, now time.Time) error {
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		return logAttempt(ctx, tx, kind, subject, accountID, ip, false, reason, now)
	})
	if err != nil {
		return wrap("log attempt", err)
	}
	return userErr
}

// logAttempt writes the login attempt log: every sign-in attempt, ok or not.
func logAttempt(ctx context.Context, tx *platform.Tx, kind, subject string, accountID int64, ip string, ok bool, reason string, now time.Time) error {
	okInt := 0
	if ok {
		okInt = 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO login_attempts (kind, subject, account_id, ip, ok, reason, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, kind, subject, nullID(accountID), clip(ip, 64), okInt, reason, now)
	if err != nil {
		return fmt.Errorf("auth: log attempt: %w", err)
	}
	return nil
}

// pending is a staff session part-way through sign-in, with its account.
type pending struct {
	id    string
	stage string
	ip    string
	acc   *loginAccount
}

// loadPending finds the session of token, which must be at stage, with its account.
func (s *Store) loadPending(ctx context.Context, token, stage string, now time.Time) (*pending, error) {
	p := pending{id: hashToken(token)}
	var lastSeen, expires time.Time
	acc, err := scanLoginAccount(s.db.QueryRow(ctx, `SELECT `+loginCols+`, s.stage, s.ip, s.last_seen_at, s.expires_at
		FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN orgs o ON o.id = a.org_id
		WHERE s.id = ? AND s.kind = 'staff'`, p.id), &p.stage, &p.ip, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!expires.After(now) ||
		now.Sub(lastSeen) >= s.cfg.SessionIdle || acc.Status != StatusActive)) {
		return nil, errSessionGone()
	}
	if err != nil {
		return nil, fmt.Errorf("auth: sign-in session: %w", err)
	}
	if p.stage != stage {
		return nil, platform.Errorf(platform.CodeConflict, "auth.err.wrong_stage")
	}
	if c := platform.ActorFrom(ctx); c != nil && c.IP != "" {
		p.ip = c.IP
	}
	p.acc = acc
	return &p, nil
}

// finishStep moves a sign-in on to stage under a new session id, logs the step,
// and audits the sign-in once it is complete.
func (s *Store) finishStep(ctx context.Context, tx *platform.Tx, p *pending, stage, kind string, now time.Time) (*LoginResult, error) {
	res, err := s.rotateSession(ctx, tx, p.id, stage, now)
	if err != nil {
		return nil, err
	}
	if stage == platform.StagePassword {
		res.Notice = s.passwordNotice(p.acc, now)
	}
	if err := logAttempt(ctx, tx, kind, p.acc.Username, p.acc.ID, p.ip, true, kind+"_ok", now); err != nil {
		return nil, err
	}
	if stage != platform.StageFull {
		return res, nil
	}
	actx := platform.WithActor(ctx, p.acc.actor(ctx, p.ip))
	return res, audit.Record(actx, tx, now, audit.Entry{Action: "auth.login", EntityType: "account",
		EntityID: fmt.Sprint(p.acc.ID), OrgID: p.acc.OrgID, OrgPath: p.acc.OrgPath, Summary: p.acc.Username + "：登录成功"})
}

// trimCode keeps the digits of a code typed with spaces.
func trimCode(code string) string { return strings.ReplaceAll(strings.TrimSpace(code), " ", "") }

// checkNewPassword validates a password change's new password against the rules
// and the old one, as field errors on "new_password".
func checkNewPassword(username, old, new string) error {
	v := platform.Invalid()
	if old == "" {
		v.Field("old_password", "auth.err.password_required")
	}
	if k := CheckPassword(username, new); k != "" {
		v.Field("new_password", k)
	} else if new == old {
		v.Field("new_password", "auth.err.password_same")
	}
	return v.OrNil()
}

func errOldPassword() error {
	return platform.Invalid().Field("old_password", "auth.err.old_password_wrong")
}

// changePasswordTx stores a new password hash, clears must-change and audits it.
func changePasswordTx(ctx context.Context, tx *platform.Tx, acc *loginAccount, hash string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = ?, must_change_password = 0, password_changed_at = ?,
		updated_at = ?, version = version + 1 WHERE id = ?`, hash, now, now, acc.ID)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, audit.Entry{Action: "account.change_password", EntityType: "account",
		EntityID: fmt.Sprint(acc.ID), OrgID: acc.OrgID, OrgPath: acc.OrgPath, Summary: acc.Username + "：修改密码"})
}

// verifyOld checks the old password of a change; a wrong one counts toward the lock.
func (s *Store) verifyOld(ctx context.Context, acc *loginAccount, old, ip string, now time.Time) error {
	if acc.Locked(now) {
		return s.refuse(ctx, acc, "password_change", "locked", errLocked(acc.LockedUntil), ip, now)
	}
	ok, err := VerifyPassword(acc.hash, old)
	if err != nil {
		return fmt.Errorf("auth: account %d: %w", acc.ID, err)
	}
	if !ok {
		return s.failLogin(ctx, acc, "password_change", "bad_old_password", errOldPassword(), ip, now)
	}
	return nil
}

// ChangePasswordInSession is the sign-in step that replaces an initial or expired
// password; it leads to enrolment, or to a full session if the code was checked.
func (s *Store) ChangePasswordInSession(ctx context.Context, token, oldPassword, newPassword string) (*LoginResult, error) {
	now := s.now()
	p, err := s.loadPending(ctx, token, platform.StagePassword, now)
	if err != nil {
		return nil, err
	}
	if err := checkNewPassword(p.acc.Username, oldPassword, newPassword); err != nil {
		return nil, err
	}
	if err := s.verifyOld(ctx, p.acc, oldPassword, p.ip, now); err != nil {
		return nil, err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return nil, err
	}
	var res *LoginResult
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		actx := platform.WithActor(ctx, p.acc.actor(ctx, p.ip))
		if err := changePasswordTx(actx, tx, p.acc, hash, now); err != nil {
			return err
		}
		p.acc.MustChangePassword, p.acc.PasswordChangedAt = false, now
		res, err = s.finishStep(ctx, tx, p, StageAfterPasswordChange(p.acc.TOTPEnrolled), "password_change", now)
		return err
	})
	if err != nil {
		return nil, wrap("change password", err)
	}
	return res, nil
}

// ChangePassword is a signed-in staff member changing their own password.
func (s *Store) ChangePassword(ctx context.Context, accountID int64, oldPassword, newPassword string) error {
	actor := platform.ActorFrom(ctx)
	if actor == nil || actor.Kind != KindStaff || actor.AccountID != accountID {
		return platform.Errorf(platform.CodeForbidden, "auth.err.forbidden")
	}
	acc, err := s.findLoginAccount(ctx, `a.id = ?`, accountID)
	if err != nil {
		return err
	}
	if acc == nil {
		return platform.NotFound
	}
	if err := checkNewPassword(acc.Username, oldPassword, newPassword); err != nil {
		return err
	}
	now := s.now()
	if err := s.verifyOld(ctx, acc, oldPassword, actor.IP, now); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error { return changePasswordTx(ctx, tx, acc, hash, now) })
	return wrap("change password", err)
}

// LoginAttempt is one row of the login attempt log.
type LoginAttempt struct {
	ID        int64
	Kind      string // "password", "totp", "enrol", "password_change", "sms"
	Subject   string // username as typed, or masked phone
	AccountID int64  // 0 when no account matched
	IP        string
	OK        bool
	Reason    string // e.g. "password_ok", "bad_password", "unknown_user,locked", "sms_wrong"
	At        time.Time
}

// LoginAttemptFilter narrows FindLoginAttempts; zero fields do not filter.
type LoginAttemptFilter struct {
	AccountID  int64
	Subject    string
	FailedOnly bool
	Since      time.Time
	Until      time.Time
	Limit      int // default 50, at most 500
	Offset     int
}

// FindLoginAttempts lists the login attempt log, newest first, for security and
// audit administrators: attempts on accounts in their subtree, and — for those at
// the root of the tree — attempts that matched no account (unknown usernames,
// workers' SMS sign-ins).
func (s *Store) FindLoginAttempts(ctx context.Context, f LoginAttemptFilter) ([]LoginAttempt, int, error) {
	actor := platform.ActorFrom(ctx)
	if !Can(actor, PermAccountView) && !Can(actor, PermAuditView) {
		return nil, 0, platform.Errorf(platform.CodeForbidden, "auth.err.forbidden")
	}
	lo, hi := platform.SubtreeRange(actor.OrgPath)
	scope := `(o.path >= ? AND o.path < ?)`
	if strings.Count(actor.OrgPath, "/") <= 2 { // the root org, or the system actor
		scope = `(` + scope + ` OR l.account_id IS NULL)`
	}
	conds, args := []string{scope}, []any{lo, hi}
	add := func(c string, v any) { conds, args = append(conds, c), append(args, v) }
	if f.AccountID != 0 {
		add("l.account_id = ?", f.AccountID)
	}
	if f.Subject != "" {
		add("l.subject = ?", f.Subject)
	}
	if f.FailedOnly {
		add("l.ok = ?", 0)
	}
	if !f.Since.IsZero() {
		add("l.at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		add("l.at < ?", f.Until.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	rows, err := s.db.Query(ctx, `SELECT l.id, l.kind, l.subject, COALESCE(l.account_id, 0), l.ip, l.ok, l.reason, l.at, COUNT(*) OVER ()
		FROM login_attempts l LEFT JOIN accounts a ON a.id = l.account_id LEFT JOIN orgs o ON o.id = a.org_id
		WHERE `+strings.Join(conds, " AND ")+` ORDER BY l.at DESC, l.id DESC LIMIT ? OFFSET ?`,
		append(args, min(f.Limit, 500), max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: find login attempts: %w", err)
	}
	defer rows.Close()
	var out []LoginAttempt
	total := 0
	for rows.Next() {
		var l LoginAttempt
		var ok int
		if err := rows.Scan(&l.ID, &l.Kind, &l.Subject, &l.AccountID, &l.IP, &ok, &l.Reason, &l.At, &total); err != nil {
			return nil, 0, fmt.Errorf("auth: find login attempts: %w", err)
		}
		l.OK, l.At = ok != 0, l.At.UTC()
		out = append(out, l)
	}
	return out, total, rows.Err()
}

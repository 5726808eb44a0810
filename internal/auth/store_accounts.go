package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Config is the sign-in policy a deployment sets.
type Config struct {
	PasswordMaxAge time.Duration // staff passwords older than this must be changed; 0 means 90 days
	SessionIdle    time.Duration // a session unused this long ends; 0 means 30 minutes
	Demo           bool          // demo mode: SMS codes and TOTP codes are shown on the sign-in pages
}

// Store is the auth package's database side. Every exported method is one use case
// with its rules inside, in one transaction (sign-in steps hash passwords outside
// the transaction so the SQLite writer is never held for an argon2 run).
type Store struct {
	db     *platform.DB
	clock  platform.Clock
	keys   *platform.Keyring
	sender Sender
	cfg    Config
	calls  atomic.Uint64 // rate-limit hits, to sweep old windows now and then
}

// NewStore builds the store; sender delivers SMS codes.
func NewStore(db *platform.DB, clock platform.Clock, keys *platform.Keyring, sender Sender, cfg Config) *Store {
	if cfg.PasswordMaxAge == 0 {
		cfg.PasswordMaxAge = 90 * 24 * time.Hour
	}
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	return &Store{db: db, clock: clock, keys: keys, sender: sender, cfg: cfg}
}

// now is the time for one transaction, in the precision both engines keep.
func (s *Store) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Account is a staff account as pages show it; secrets never leave the store.
type Account struct {
	ID                 int64
	OrgID              int64
	OrgName            string
	OrgPath            string
	Username           string
	Name               string
	Role               Role
	MustChangePassword bool
	PasswordChangedAt  time.Time
	FailedLogins       int
	LockedUntil        time.Time // zero when not locked
	TOTPEnrolled       bool
	Locale             string
	Status             string // "active" or "disabled"
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Version            int64
}

// Account statuses.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Locked reports whether sign-in is refused at now because of failed attempts.
func (a *Account) Locked(now time.Time) bool { return now.Before(a.LockedUntil) }

// AccountInput is what a security administrator fills in to create an account.
type AccountInput struct {
	OrgID    int64
	Username string
	Name     string
	Role     Role
	Password string // initial password; must be changed at first sign-in
	Locale   string // "" (default zh-CN) or "en"
}

// AccountFilter narrows FindAccounts; zero fields do not filter.
type AccountFilter struct {
	Query  string // part of the username or the name
	OrgID  int64  // this org's subtree (within the actor's)
	Role   Role
	Status string
	Locked bool // only accounts locked now
	Limit  int  // default 20, at most 200
	Offset int
}

const accountCols = `a.id, a.org_id, o.name, o.path, a.username, a.name, a.role, a.must_change_password,
	a.password_changed_at, a.failed_logins, a.locked_until, a.totp_enrolled, a.locale, a.status,
	a.created_at, a.updated_at, a.version`

type scanner interface{ Scan(dest ...any) error }

func scanAccount(r scanner, extra ...any) (*Account, error) {
	var a Account
	var must, enrolled int
	var locked sql.NullTime
	dest := append([]any{&a.ID, &a.OrgID, &a.OrgName, &a.OrgPath, &a.Username, &a.Name, &a.Role, &must,
		&a.PasswordChangedAt, &a.FailedLogins, &locked, &enrolled, &a.Locale, &a.Status,
		&a.CreatedAt, &a.UpdatedAt, &a.Version}, extra...)
	if err := r.Scan(dest...); err != nil {
		return nil, err
	}
	a.MustChangePassword, a.TOTPEnrolled = must != 0, enrolled != 0
	if locked.Valid {
		a.LockedUntil = locked.Time.UTC()
	}
	a.PasswordChangedAt, a.CreatedAt, a.UpdatedAt = a.PasswordChangedAt.UTC(), a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, nil
}

type rowQuerier interface {
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
}

// loadAccount reads one account the actor's subtree covers; others are NotFound.
func loadAccount(ctx context.Context, q rowQuerier, actor *platform.Actor, id int64) (*Account, error) {
	a, err := scanAccount(q.QueryRow(ctx, `SELECT `+accountCols+` FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.NotFound
	}
	if err != nil {
		return nil, fmt.Errorf("auth: account %d: %w", id, err)
	}
	if !actor.Covers(a.OrgPath) {
		return nil, platform.NotFound
	}
	return a, nil
}

// mayEditAccounts checks the actor is a security administrator (or the system).
func mayEditAccounts(a *platform.Actor) error {
	if a == nil {
		return platform.Errorf(platform.CodeUnauthorized, "auth.err.sign_in")
	}
	if !Can(a, PermAccountEdit) {
		return platform.Errorf(platform.CodeForbidden, "auth.err.forbidden")
	}
	return nil
}

func validateAccountInput(in *AccountInput) error {
	in.Username, in.Name = NormaliseUsername(in.Username), strings.TrimSpace(in.Name)
	v := platform.Invalid()
	if k := CheckUsername(in.Username); k != "" {
		v.Field("username", k)
	}
	validateProfile(v, in.Name, in.Role, in.OrgID, in.Locale)
	if k := CheckPassword(in.Username, in.Password); k != "" {
		v.Field("password", k)
	}
	return v.OrNil()
}

// validateProfile checks the fields an account's create and edit forms share.
func validateProfile(v *platform.Error, name string, role Role, orgID int64, locale string) {
	if name == "" {
		v.Field("name", "auth.err.name_required")
	} else if utf8.RuneCountInString(name) > 50 {
		v.Field("name", "auth.err.name_long")
	}
	if !role.Valid() {
		v.Field("role", "auth.err.role_invalid")
	}
	if orgID == 0 {
		v.Field("org_id", "auth.err.org_required")
	}
	if locale != "" && locale != "zh-CN" && locale != "en" {
		v.Field("locale", "auth.err.locale_invalid")
	}
}

// CreateAccount adds a staff account in an org the actor covers. The password is
// an initial one: it must be changed at first sign-in. Audited without it.
func (s *Store) CreateAccount(ctx context.Context, in AccountInput) (*Account, error) {
	actor := platform.ActorFrom(ctx)
	if err := mayEditAccounts(actor); err != nil {
		return nil, err
	}
	if err := validateAccountInput(&in); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var acc *Account
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		var path string
		err := tx.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, in.OrgID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !actor.Covers(path)) {
			return platform.Invalid().Field("org_id", "auth.err.org_not_found")
		} else if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO accounts (org_id, username, name, role, password_hash, password_changed_at,
			must_change_password, locale, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 'active', ?, ?)
			RETURNING id`, in.OrgID, in.Username, in.Name, string(in.Role), hash, now, in.Locale, now, now).Scan(&id)
		if platform.IsUniqueViolation(err) {
			return platform.Invalid().Field("username", "auth.err.username_taken")
		} else if err != nil {
			return err
		}
		if acc, err = loadAccount(ctx, tx, actor, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "account.create", EntityType: "account",
			EntityID: fmt.Sprint(id), OrgID: in.OrgID, OrgPath: path,
			Summary: fmt.Sprintf("创建账号 %s（%s，角色 %s）", in.Username, in.Name, in.Role)})
	})
	if err != nil {
		return nil, wrap("create account", err)
	}
	return acc, nil
}

// wrap adds context to internal errors and passes *platform.Error through as is.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := platform.AsError(err); ok {
		return err
	}
	return fmt.Errorf("auth: %s: %w", what, err)
}

// GetAccount reads one account: security administrators within their subtree, and
// every staff member their own. Others get NotFound.
func (s *Store) GetAccount(ctx context.Context, id int64) (*Account, error) {
	actor := platform.ActorFrom(ctx)
	if actor == nil {
		return nil, platform.NotFound
	}
	if !Can(actor, PermAccountView) && !(actor.Kind == KindStaff && actor.AccountID == id) {
		return nil, platform.NotFound
	}
	self := *actor
	if actor.AccountID == id {
		self.OrgPath = "/" // one's own account is always visible
	}
	return loadAccount(ctx, s.db, &self, id)
}

// FindAccounts lists accounts in the actor's subtree, with the total for paging.
func (s *Store) FindAccounts(ctx context.Context, f AccountFilter) ([]Account, int, error) {
	actor := platform.ActorFrom(ctx)
	if !Can(actor, PermAccountView) {
		return nil, 0, platform.Errorf(platform.CodeForbidden, "auth.err.forbidden")
	}
	where, args, err := s.accountWhere(ctx, actor, f)
	if err != nil || where == "" {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 20
	}
	f.Limit = min(f.Limit, 200)
	rows, err := s.db.Query(ctx, `SELECT `+accountCols+`, COUNT(*) OVER ()
		FROM accounts a JOIN orgs o ON o.id = a.org_id WHERE `+where+`
		ORDER BY o.path, a.username LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: find accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	total := 0
	for rows.Next() {
		a, err := scanAccount(rows, &total)
		if err != nil {
			return nil, 0, fmt.Errorf("auth: find accounts: %w", err)
		}
		out = append(out, *a)
	}
	return out, total, rows.Err()
}

// accountWhere builds FindAccounts' conditions; "" means nothing can match.
func (s *Store) accountWhere(ctx context.Context, actor *platform.Actor, f AccountFilter) (string, []any, error) {
	prefix := actor.OrgPath
	if f.OrgID != 0 {
		var path string
		err := s.db.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, f.OrgID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !actor.Covers(path)) {
			return "", nil, nil
		} else if err != nil {
			return "", nil, fmt.Errorf("auth: find accounts: %w", err)
		}
		prefix = path
	}
	lo, hi := platform.SubtreeRange(prefix)
	conds, args := []string{"o.path >= ? AND o.path < ?"}, []any{lo, hi}
	if q := strings.TrimSpace(f.Query); q != "" {
		pat := "%" + likeEscape(strings.ToLower(q)) + "%"
		conds = append(conds, `(LOWER(a.username) LIKE ? ESCAPE '\' OR a.name LIKE ? ESCAPE '\')`)
		args = append(args, pat, "%"+likeEscape(q)+"%")
	}
	if f.Role != "" {
		conds, args = append(conds, "a.role = ?"), append(args, string(f.Role))
	}
	if f.Status != "" {
		conds, args = append(conds, "a.status = ?"), append(args, f.Status)
	}
	if f.Locked {
		conds, args = append(conds, "a.locked_until > ?"), append(args, s.now())
	}
	return strings.Join(conds, " AND "), args, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ResetPassword gives an account a new initial password: it must be changed at the
// next sign-in, the lock is cleared and every session of the account ends. A
// security administrator cannot reset their own (they change it instead).
func (s *Store) ResetPassword(ctx context.Context, id int64, newPassword string) error {
	actor := platform.ActorFrom(ctx)
	if err := mayEditAccounts(actor); err != nil {
		return err
	}
	acc, err := loadAccount(ctx, s.db, actor, id)
	if err != nil {
		return err
	}
	if actor.Kind == KindStaff && actor.AccountID == id {
		return platform.Errorf(platform.CodeConflict, "auth.err.self_reset")
	}
	if k := CheckPassword(acc.Username, newPassword); k != "" {
		return platform.Invalid().Field("password", k)
	}
	hash, err := HashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.adminUpdate(ctx, id, false, "account.reset_password", "重置密码并解除锁定",
		`password_hash = ?, must_change_password = 1, password_changed_at = ?, failed_logins = 0, locked_until = NULL`,
		hash, s.now())
}

// Unlock clears the lock and the failure count after too many failed sign-ins.
func (s *Store) Unlock(ctx context.Context, id int64) error {
	return s.adminUpdate(ctx, id, true, "account.unlock", "解除锁定", `failed_logins = 0, locked_until = NULL`)
}

// Disable stops an account from signing in; its sessions and API tokens stop working.
func (s *Store) Disable(ctx context.Context, id int64) error {
	return s.adminUpdate(ctx, id, false, "account.disable", "停用账号", `status = 'disabled'`)
}

// Enable lets a disabled account sign in again.
func (s *Store) Enable(ctx context.Context, id int64) error {
	return s.adminUpdate(ctx, id, true, "account.enable", "启用账号", `status = 'active', failed_logins = 0, locked_until = NULL`)
}

// ResetTOTP forgets an account's authenticator (a lost phone): it enrols again at
// the next sign-in. Its sessions end.
func (s *Store) ResetTOTP(ctx context.Context, id int64) error {
	return s.adminUpdate(ctx, id, false, "account.reset_totp", "重置动态口令",
		`totp_secret = '', totp_enrolled = 0, totp_last_step = 0`)
}

// adminUpdate is a security administrator's change to another account in their
// subtree: set is the SET clause, run with args; the change is audited and, unless
// keepSessions, the account is signed out everywhere.
func (s *Store) adminUpdate(ctx context.Context, id int64, keepSessions bool, action, summary, set string, args ...any) error {
	actor := platform.ActorFrom(ctx)
	if err := mayEditAccounts(actor); err != nil {
		return err
	}
	if actor.Kind == KindStaff && actor.AccountID == id && action != "account.reset_password" {
		return platform.Errorf(platform.CodeConflict, "auth.err.self_edit")
	}
	now := s.now()
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		acc, err := loadAccount(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET `+set+`, updated_at = ?, version = version + 1 WHERE id = ?`,
			append(args, now, id)...); err != nil {
			return err
		}
		if !keepSessions {
			if err := endSessions(ctx, tx, id, false); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: action, EntityType: "account", EntityID: fmt.Sprint(id),
			OrgID: acc.OrgID, OrgPath: acc.OrgPath, Summary: acc.Username + "：" + summary})
	})
	return wrap(action, err)
}

// AccountUpdate is the account edit form. Version is the one the form was drawn
// from; a stale one is a conflict.
type AccountUpdate struct {
	Name    string
	Role    Role
	OrgID   int64
	Locale  string
	Version int64
}

// UpdateAccount changes an account's name, role, org or language. Both the old
// and the new org must be in the actor's subtree; a change of role or org signs
// the account out everywhere, so new rights apply at once.
func (s *Store) UpdateAccount(ctx context.Context, id int64, in AccountUpdate) (*Account, error) {
	actor := platform.ActorFrom(ctx)
	if err := mayEditAccounts(actor); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	v := platform.Invalid()
	validateProfile(v, in.Name, in.Role, in.OrgID, in.Locale)
	if err := v.OrNil(); err != nil {
		return nil, err
	}
	now := s.now()
	var acc *Account
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		old, err := loadAccount(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		moved := old.Role != in.Role || old.OrgID != in.OrgID
		if moved && actor.Kind == KindStaff && actor.AccountID == id {
			return platform.Errorf(platform.CodeConflict, "auth.err.self_edit")
		}
		var path string
		err = tx.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, in.OrgID).Scan(&path)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !actor.Covers(path)) {
			return platform.Invalid().Field("org_id", "auth.err.org_not_found")
		} else if err != nil {
			return err
		}
		r, err := tx.Exec(ctx, `UPDATE accounts SET name = ?, role = ?, org_id = ?, locale = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, in.Name, string(in.Role), in.OrgID, in.Locale, now, id, in.Version)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return platform.Errorf(platform.CodeConflict, "auth.err.stale")
		}
		if moved {
			if err := endSessions(ctx, tx, id, false); err != nil {
				return err
			}
		}
		if acc, err = loadAccount(ctx, tx, actor, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "account.update", EntityType: "account", EntityID: fmt.Sprint(id),
			OrgID: acc.OrgID, OrgPath: acc.OrgPath, Summary: fmt.Sprintf("%s：%s（%s，%s）→ %s（%s，%s）",
				old.Username, old.Name, old.Role, old.OrgName, acc.Name, acc.Role, acc.OrgName)})
	})
	if err != nil {
		return nil, wrap("update account", err)
	}
	return acc, nil
}

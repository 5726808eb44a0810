package auth

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"zhijia/internal/platform"
)

// t0 is 09:00 in Shanghai.
var t0 = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)

const goodPassword = "Welcome#2026"

// captureSender keeps the messages a store sends.
type captureSender struct {
	mu   sync.Mutex
	sent []string
}

func (c *captureSender) Send(_ context.Context, phone, message string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, phone+" "+message)
	return nil
}

var codeRE = regexp.MustCompile(`\d{6}`)

// lastCode is the code in the newest message.
func (c *captureSender) lastCode(t *testing.T) string {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.sent) == 0 {
		t.Fatal("no message was sent")
	}
	return codeRE.FindString(c.sent[len(c.sent)-1][12:])
}

type fixture struct {
	t      testing.TB
	db     *platform.DB
	clock  *platform.FakeClock
	keys   *platform.Keyring
	sender *captureSender
	s      *Store
	root   org
}

type org struct {
	id   int64
	path string
}

func newFixture(t testing.TB, db *platform.DB, cfg Config) *fixture {
	t.Helper()
	keys, err := platform.NewKeyring([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, clock: platform.NewFakeClock(t0), keys: keys, sender: &captureSender{}}
	f.s = NewStore(db, f.clock, keys, f.sender, cfg)
	f.root = f.mustOrg(nil, "福州市总工会")
	return f
}

// mustOrg adds an org under parent (nil: a root) and returns its id and path.
func (f *fixture) mustOrg(parent *org, name string) org {
	f.t.Helper()
	ctx := context.Background()
	var parentID any
	prefix, depth, level := "/", 1, "city"
	if parent != nil {
		parentID, prefix, depth, level = parent.id, parent.path, 2, "district"
	}
	var o org
	now := f.clock.Now()
	err := f.db.InTx(ctx, func(tx *platform.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO orgs (parent_id, level, name, path, depth, created_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?, ?) RETURNING id`, parentID, level, name, depth, now, now).Scan(&o.id); err != nil {
			return err
		}
		o.path = fmt.Sprintf("%s%d/", prefix, o.id)
		_, err := tx.Exec(ctx, `UPDATE orgs SET path = ? WHERE id = ?`, o.path, o.id)
		return err
	})
	if err != nil {
		f.t.Fatalf("org %s: %v", name, err)
	}
	return o
}

func sysCtx() context.Context {
	return platform.WithActor(context.Background(), platform.System("test"))
}

// mustAccount creates an account through the store, as the shell would.
func (f *fixture) mustAccount(o org, username string, role Role) *Account {
	f.t.Helper()
	a, err := f.s.CreateAccount(sysCtx(), AccountInput{OrgID: o.id, Username: username, Name: "测试" + username, Role: role, Password: goodPassword})
	if err != nil {
		f.t.Fatalf("create account %s: %v", username, err)
	}
	return a
}

// ready makes an account's password its own (no change due) and, if secret is
// not nil, enrols it with that TOTP secret.
func (f *fixture) ready(id int64, secret []byte) {
	f.t.Helper()
	ctx := context.Background()
	if _, err := f.db.Exec(ctx, `UPDATE accounts SET must_change_password = 0, password_changed_at = ? WHERE id = ?`, f.clock.Now(), id); err != nil {
		f.t.Fatal(err)
	}
	if secret != nil {
		sealed := f.keys.Seal(totpEncoding.EncodeToString(secret))
		if _, err := f.db.Exec(ctx, `UPDATE accounts SET totp_secret = ?, totp_enrolled = 1 WHERE id = ?`, sealed, id); err != nil {
			f.t.Fatal(err)
		}
	}
}

// staffCtx is a context acting as account a (as LoadSession would give it).
func (f *fixture) staffCtx(a *Account) context.Context {
	return platform.WithActor(context.Background(), &platform.Actor{Kind: KindStaff, AccountID: a.ID, Name: a.Name,
		Role: string(a.Role), OrgID: a.OrgID, OrgPath: a.OrgPath, IP: "10.0.0.9"})
}

var testSecret = []byte("12345678901234567890")

// signIn runs a staff sign-in to a full session, enrolling if needed.
func (f *fixture) signIn(username, password string) *LoginResult {
	f.t.Helper()
	ctx := context.Background()
	res, err := f.s.PasswordLogin(ctx, username, password, "10.0.0.1", "test")
	if err != nil {
		f.t.Fatalf("password login %s: %v", username, err)
	}
	for res.Stage != platform.StageFull {
		switch res.Stage {
		case platform.StageTOTP:
			f.clock.Advance(30 * time.Second)
			res, err = f.s.VerifyTOTP(ctx, res.Token, TOTPCode(testSecret, f.clock.Now()))
		case platform.StageEnrol:
			secret, _, _, e := f.s.EnrolTOTP(ctx, res.Token)
			if e != nil {
				f.t.Fatalf("enrol: %v", e)
			}
			key, _ := DecodeTOTPSecret(secret)
			res, err = f.s.ConfirmTOTP(ctx, res.Token, TOTPCode(key, f.clock.Now()))
		case platform.StagePassword:
			res, err = f.s.ChangePasswordInSession(ctx, res.Token, password, password+"x")
		}
		if err != nil {
			f.t.Fatalf("sign-in step: %v", err)
		}
	}
	return res
}

// key is the catalogue key a user would see for err: the message, or the one field's.
func key(err error) string {
	e, ok := platform.AsError(err)
	if !ok {
		return fmt.Sprintf("not a platform error: %v", err)
	}
	if e.Code == platform.CodeInvalid && len(e.Fields) == 1 {
		for _, v := range e.Fields {
			return v
		}
	}
	return e.Message
}

func wantKey(t *testing.T, err error, want string) {
	t.Helper()
	if got := key(err); got != want {
		t.Fatalf("got %q (%v), want %q", got, err, want)
	}
}

func wantNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, platform.NotFound) {
		t.Fatalf("got %v, want not found", err)
	}
}

// count runs a COUNT(*) query.
func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return n
}

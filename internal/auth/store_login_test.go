package auth

import (
	"context"
	"strconv"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestPasswordLogin_FirstSignInChangesPasswordThenEnrols(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		f.mustAccount(f.root, "zhangsan", RoleClerk)
		res, err := f.s.PasswordLogin(ctx, " ZhangSan ", goodPassword, "10.0.0.1", "ua")
		if err != nil {
			t.Fatal(err)
		}
		if res.Stage != platform.StagePassword || res.Notice != "auth.msg.must_change_password" {
			t.Fatalf("initial password: stage %q notice %q", res.Stage, res.Notice)
		}
		_, err = f.s.ChangePasswordInSession(ctx, res.Token, goodPassword, goodPassword)
		wantKey(t, err, "auth.err.password_same")
		_, err = f.s.ChangePasswordInSession(ctx, res.Token, goodPassword, "zhangsan")
		wantKey(t, err, "auth.err.password_classes")
		_, err = f.s.ChangePasswordInSession(ctx, res.Token, "Wrong#2026", "New#Pass2026")
		wantKey(t, err, "auth.err.old_password_wrong")
		res2, err := f.s.ChangePasswordInSession(ctx, res.Token, goodPassword, "New#Pass2026")
		if err != nil || res2.Stage != platform.StageEnrol {
			t.Fatalf("after change: %+v %v", res2, err)
		}
		if _, err := f.s.LoadSession(ctx, res.Token); err == nil {
			t.Fatal("the token from before the step must stop working (session rotated)")
		}
		_, _, _, err = f.s.EnrolTOTP(ctx, res.Token)
		wantKey(t, err, "auth.err.session_expired")
		secret, url, png, err := f.s.EnrolTOTP(ctx, res2.Token)
		if err != nil || len(png) < 100 || url != OTPAuthURL("zhangsan", secret) {
			t.Fatalf("enrol: %q %q %d bytes, %v", secret, url, len(png), err)
		}
		again, _, _, _ := f.s.EnrolTOTP(ctx, res2.Token)
		if again != secret {
			t.Fatal("showing the enrol page again must show the same pending secret")
		}
		key, _ := DecodeTOTPSecret(secret)
		_, err = f.s.ConfirmTOTP(ctx, res2.Token, "000000")
		wantKey(t, err, "auth.err.bad_totp")
		full, err := f.s.ConfirmTOTP(ctx, res2.Token, TOTPCode(key, f.clock.Now()))
		if err != nil || full.Stage != platform.StageFull {
			t.Fatalf("confirm: %+v %v", full, err)
		}
		ses, err := f.s.LoadSession(ctx, full.Token)
		if err != nil || ses.Stage != platform.StageFull || ses.Actor.Name != "测试zhangsan" || ses.CSRF != full.CSRF {
			t.Fatalf("session %+v %v", ses, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login' AND actor_id = ?`, ses.Actor.AccountID); n != 1 {
			t.Fatalf("auth.login audit rows = %d", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('account.change_password', 'auth.totp_enrol')`); n != 2 {
			t.Fatalf("password change and enrolment audit rows = %d", n)
		}
	})
}

func TestPasswordLogin_EnrolledNeedsCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "lisi", RoleReviewer)
		f.ready(a.ID, testSecret)
		res, err := f.s.PasswordLogin(ctx, "lisi", goodPassword, "10.0.0.1", "ua")
		if err != nil || res.Stage != platform.StageTOTP || res.Notice != "" {
			t.Fatalf("password step: %+v %v", res, err)
		}
		if _, err := f.s.ConfirmTOTP(ctx, res.Token, "123456"); key(err) != "auth.err.wrong_stage" {
			t.Fatalf("a totp-stage session cannot enrol: %v", err)
		}
		ses, _ := f.s.LoadSession(ctx, res.Token)
		if ses == nil || ses.Stage != platform.StageTOTP || ses.Actor.Name != "测试lisi" || Can(ses.Actor, PermOrgView) {
			t.Fatalf("half-signed-in session must load with its stage and no rights, got %+v", ses)
		}
		full, err := f.s.VerifyTOTP(ctx, res.Token, TOTPCode(testSecret, f.clock.Now()))
		if err != nil || full.Stage != platform.StageFull {
			t.Fatalf("verify: %+v %v", full, err)
		}
		var ok, failed int
		f.db.QueryRow(ctx, `SELECT COUNT(*), SUM(1 - ok) FROM login_attempts WHERE account_id = ?`, a.ID).Scan(&ok, &failed)
		if ok != 2 || failed != 0 {
			t.Fatalf("login_attempts rows = %d (failed %d), want 2 ok", ok, failed)
		}
	})
}

func TestVerifyTOTP_ReuseRefusedAndSkew(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "wangwu", RoleClerk)
		f.ready(a.ID, testSecret)
		login := func() string {
			res, err := f.s.PasswordLogin(ctx, "wangwu", goodPassword, "10.0.0.1", "ua")
			if err != nil {
				t.Fatal(err)
			}
			return res.Token
		}
		code := TOTPCode(testSecret, f.clock.Now())
		if _, err := f.s.VerifyTOTP(ctx, login(), code); err != nil {
			t.Fatal(err)
		}
		tok := login()
		_, err := f.s.VerifyTOTP(ctx, tok, code)
		wantKey(t, err, "auth.err.totp_reused")
		_, err = f.s.VerifyTOTP(ctx, tok, TOTPCode(testSecret, f.clock.Now().Add(-30*time.Second)))
		wantKey(t, err, "auth.err.totp_reused") // an older step is as used as the same one
		f.clock.Advance(5 * time.Minute)
		_, err = f.s.VerifyTOTP(ctx, tok, TOTPCode(testSecret, f.clock.Now().Add(-60*time.Second)))
		wantKey(t, err, "auth.err.bad_totp") // two steps late is too late
		if _, err := f.s.VerifyTOTP(ctx, tok, TOTPCode(testSecret, f.clock.Now().Add(30*time.Second))); err != nil {
			t.Fatalf("one step of clock skew must be accepted: %v", err)
		}
		var failures int
		f.db.QueryRow(ctx, `SELECT failed_logins FROM accounts WHERE id = ?`, a.ID).Scan(&failures)
		if failures != 0 {
			t.Fatalf("a good code must reset the failure count, got %d", failures)
		}
	})
}

func TestVerifyTOTP_WrongCodesLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "zhaoliu", RoleClerk)
		f.ready(a.ID, testSecret)
		res, _ := f.s.PasswordLogin(ctx, "zhaoliu", goodPassword, "10.0.0.1", "ua")
		for i := 1; i <= 4; i++ {
			_, err := f.s.VerifyTOTP(ctx, res.Token, "000000")
			wantKey(t, err, "auth.err.bad_totp")
		}
		_, err := f.s.VerifyTOTP(ctx, res.Token, "000000")
		wantKey(t, err, "auth.err.locked")
		_, err = f.s.VerifyTOTP(ctx, res.Token, TOTPCode(testSecret, f.clock.Now()))
		wantKey(t, err, "auth.err.session_expired") // the lock ended the half-done sign-in
		_, err = f.s.PasswordLogin(ctx, "zhaoliu", goodPassword, "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.locked")
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.locked' AND entity_id = ?`, itoa(a.ID)); n != 1 {
			t.Fatalf("auth.locked audit rows = %d", n)
		}
	})
}

func TestPasswordLogin_LockAfterFiveAndUnlockAfter30Minutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "sunqi", RoleClerk)
		f.ready(a.ID, testSecret)
		for i := 1; i <= 4; i++ {
			_, err := f.s.PasswordLogin(ctx, "sunqi", "Wrong#Pass1", "10.0.0.1", "ua")
			wantKey(t, err, "auth.err.bad_credentials")
		}
		_, err := f.s.PasswordLogin(ctx, "sunqi", "Wrong#Pass1", "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.locked")
		if e, _ := platform.AsError(err); len(e.Args) != 1 || e.Args[0] != "09:30" {
			t.Fatalf("locked message must say when to try again (09:30 Shanghai), args %v", e.Args)
		}
		f.clock.Advance(29 * time.Minute)
		_, err = f.s.PasswordLogin(ctx, "sunqi", goodPassword, "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.locked") // even the right password, while locked
		f.clock.Advance(time.Minute)
		if _, err := f.s.PasswordLogin(ctx, "sunqi", goodPassword, "10.0.0.1", "ua"); err != nil {
			t.Fatalf("after 30 minutes the right password must work: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login_failed' AND entity_id = ?`, itoa(a.ID)); n != 4 {
			t.Fatalf("auth.login_failed audit rows = %d, want 4", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.locked'`); n != 1 {
			t.Fatalf("auth.locked audit rows = %d, want 1", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM login_attempts WHERE subject = 'sunqi' AND ok = 0`); n != 6 {
			t.Fatalf("failed login_attempts rows = %d, want 6", n)
		}
	})
}

func TestPasswordLogin_UnknownUserLooksTheSame(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		for i := 1; i <= 4; i++ {
			_, err := f.s.PasswordLogin(ctx, "nobody", "Wrong#Pass1", "10.0.0.1", "ua")
			wantKey(t, err, "auth.err.bad_credentials")
		}
		_, err := f.s.PasswordLogin(ctx, "nobody", "Wrong#Pass1", "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.locked")
		if e, _ := platform.AsError(err); e.Args[0] != "09:30" {
			t.Fatalf("unknown users' lock must read like a real one, args %v", e.Args)
		}
		_, err = f.s.PasswordLogin(ctx, "nobody", "Wrong#Pass1", "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.locked")
		f.clock.Advance(30 * time.Minute)
		_, err = f.s.PasswordLogin(ctx, "nobody", "Wrong#Pass1", "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.bad_credentials")
		if n := f.count(`SELECT COUNT(*) FROM login_attempts WHERE subject = 'nobody' AND ok = 0 AND account_id IS NULL`); n != 7 {
			t.Fatalf("login_attempts rows = %d, want 7", n)
		}
	})
}

func TestPasswordLogin_DisabledIsBadCredentials(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		a := f.mustAccount(f.root, "zhouba", RoleClerk)
		if err := f.s.Disable(sysCtx(), a.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.PasswordLogin(context.Background(), "zhouba", goodPassword, "10.0.0.1", "ua")
		wantKey(t, err, "auth.err.bad_credentials")
	})
}

func TestPasswordLogin_ExpiredPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{PasswordMaxAge: 90 * 24 * time.Hour})
		ctx := context.Background()
		plain := f.mustAccount(f.root, "wujiu", RoleClerk)
		enrolled := f.mustAccount(f.root, "zhengshi", RoleClerk)
		f.ready(plain.ID, nil)
		f.ready(enrolled.ID, testSecret)
		f.clock.Advance(91 * 24 * time.Hour)
		res, err := f.s.PasswordLogin(ctx, "wujiu", goodPassword, "10.0.0.1", "ua")
		if err != nil || res.Stage != platform.StagePassword || res.Notice != "auth.msg.password_expired" {
			t.Fatalf("expired password: %+v %v", res, err)
		}
		// With an authenticator, the code comes first, then the password change.
		res, err = f.s.PasswordLogin(ctx, "zhengshi", goodPassword, "10.0.0.1", "ua")
		if err != nil || res.Stage != platform.StageTOTP {
			t.Fatalf("enrolled, expired: %+v %v", res, err)
		}
		res, err = f.s.VerifyTOTP(ctx, res.Token, TOTPCode(testSecret, f.clock.Now()))
		if err != nil || res.Stage != platform.StagePassword || res.Notice != "auth.msg.password_expired" {
			t.Fatalf("after code: %+v %v", res, err)
		}
		res, err = f.s.ChangePasswordInSession(ctx, res.Token, goodPassword, "Fresh#Pass2027")
		if err != nil || res.Stage != platform.StageFull {
			t.Fatalf("after change: %+v %v", res, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.login' AND actor_id = ?`, enrolled.ID); n != 1 {
			t.Fatalf("auth.login audit rows = %d", n)
		}
	})
}

func TestCurrentCode_DemoOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		a := f.mustAccount(f.root, "demo", RoleClerk)
		f.ready(a.ID, testSecret)
		_, err := f.s.CurrentCode(context.Background(), "demo")
		wantKey(t, err, "auth.err.demo_only")
		demo := NewStore(db, f.clock, f.keys, f.sender, Config{Demo: true})
		code, err := demo.CurrentCode(context.Background(), "demo")
		if err != nil || code != TOTPCode(testSecret, f.clock.Now()) {
			t.Fatalf("demo code %q, %v", code, err)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

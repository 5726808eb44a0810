package auth

import (
	"context"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestLoadSession_ActorWithOrgPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		district := f.mustOrg(&f.root, "鼓楼区总工会")
		a := f.mustAccount(district, "gulou", RoleAdmin)
		f.ready(a.ID, testSecret)
		res := f.signIn("gulou", goodPassword)
		ses, err := f.s.LoadSession(context.Background(), res.Token)
		if err != nil {
			t.Fatal(err)
		}
		want := platform.Actor{Kind: KindStaff, AccountID: a.ID, Name: "测试gulou", Role: "admin", OrgID: district.id,
			OrgName: "鼓楼区总工会", OrgPath: district.path}
		if *ses.Actor != want || ses.Kind != KindStaff || ses.Stage != platform.StageFull || len(ses.CSRF) != 64 {
			t.Fatalf("session %+v actor %+v", ses, *ses.Actor)
		}
		if ses.ID == res.Token || ses.ID != hashToken(res.Token) {
			t.Fatal("the stored id must be the token's hash, not the token")
		}
		for _, bad := range []string{"", "nonsense", res.Token + "x"} {
			if _, err := f.s.LoadSession(context.Background(), bad); err == nil {
				t.Fatalf("token %q loaded a session", bad)
			}
		}
	})
}

func TestLoadSession_IdleExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{SessionIdle: 30 * time.Minute})
		ctx := context.Background()
		tok := f.workerToken("13800138000")
		for i := 0; i < 3; i++ {
			f.clock.Advance(25 * time.Minute)
			if _, err := f.s.LoadSession(ctx, tok); err != nil {
				t.Fatalf("a session used every 25 minutes must stay: %v", err)
			}
		}
		f.clock.Advance(31 * time.Minute)
		_, err := f.s.LoadSession(ctx, tok)
		wantNotFound(t, err)
	})
}

func TestLoadSession_AbsoluteExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		tok := f.workerToken("13800138000")
		for elapsed := time.Duration(0); elapsed < 12*time.Hour-20*time.Minute; elapsed += 20 * time.Minute {
			f.clock.Advance(20 * time.Minute)
			if _, err := f.s.LoadSession(ctx, tok); err != nil {
				t.Fatalf("after %v: %v", elapsed, err)
			}
		}
		f.clock.Advance(20 * time.Minute)
		_, err := f.s.LoadSession(ctx, tok)
		wantNotFound(t, err) // 12 hours after sign-in, however busy
	})
}

func TestLoadSession_TouchesOnlyWhenStale(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		tok := f.workerToken("13800138000")
		seen := func() time.Time {
			var at time.Time
			db.QueryRow(ctx, `SELECT last_seen_at FROM sessions WHERE id = ?`, hashToken(tok)).Scan(&at)
			return at.UTC()
		}
		f.clock.Advance(30 * time.Second)
		f.s.LoadSession(ctx, tok)
		if !seen().Equal(t0) {
			t.Fatal("a request within a minute of the last must not write")
		}
		f.clock.Advance(31 * time.Second)
		f.s.LoadSession(ctx, tok)
		if !seen().Equal(t0.Add(61 * time.Second)) {
			t.Fatalf("last_seen_at %v", seen())
		}
	})
}

func TestLoadSession_DisabledAccountRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "qianjia", RoleClerk)
		f.ready(a.ID, testSecret)
		tok := f.signIn("qianjia", goodPassword).Token
		// Even if a session row outlived the disabling, it must not work.
		if _, err := db.Exec(ctx, `UPDATE accounts SET status = 'disabled' WHERE id = ?`, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.LoadSession(ctx, tok)
		wantNotFound(t, err)
		if _, err := db.Exec(ctx, `UPDATE accounts SET status = 'active' WHERE id = ?`, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.LoadSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Disable(sysCtx(), a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.LoadSession(ctx, tok)
		wantNotFound(t, err)
		if n := f.count(`SELECT COUNT(*) FROM sessions WHERE account_id = ?`, a.ID); n != 0 {
			t.Fatalf("disabling must end the account's sessions, %d left", n)
		}
	})
}

func TestLogout_EndsSessionAndAudits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "chenyi", RoleClerk)
		f.ready(a.ID, testSecret)
		tok := f.signIn("chenyi", goodPassword).Token
		if err := f.s.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.LoadSession(ctx, tok)
		wantNotFound(t, err)
		if err := f.s.Logout(ctx, tok); err != nil {
			t.Fatalf("logging out twice is harmless: %v", err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'auth.logout' AND actor_id = ?`, a.ID); n != 1 {
			t.Fatalf("auth.logout audit rows = %d", n)
		}
	})
}

// workerToken signs a worker in by SMS (demo code) and returns the cookie token.
func (f *fixture) workerToken(phone string) string {
	f.t.Helper()
	ctx := context.Background()
	demo := NewStore(f.db, f.clock, f.keys, f.sender, Config{Demo: true, SessionIdle: f.s.cfg.SessionIdle})
	sent, err := demo.SendCode(ctx, phone, "1.1.1.1")
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := demo.WorkerLogin(ctx, phone, sent.DemoCode, "1.1.1.1", "ua")
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Token
}

func BenchmarkLoadSession(b *testing.B) {
	f := newFixture(b, dbtest.SQLite(b), Config{})
	tok := f.workerToken("13800138000")
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.s.LoadSession(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

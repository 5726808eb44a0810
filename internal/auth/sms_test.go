package auth

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestWorkerLogin_SendAndSignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		sent, err := f.s.SendCode(ctx, "+86 138-0013-8000", "1.2.3.4")
		if err != nil {
			t.Fatal(err)
		}
		if sent.Phone != "138****8000" || sent.DemoCode != f.sender.lastCode(t) || !sent.ExpiresAt.Equal(t0.Add(5*time.Minute)) {
			t.Fatalf("sent %+v, message code %s", sent, f.sender.lastCode(t))
		}
		res, err := f.s.WorkerLogin(ctx, "13800138000", sent.DemoCode, "1.2.3.4", "ua")
		if err != nil || res.Stage != platform.StageFull {
			t.Fatalf("login: %+v %v", res, err)
		}
		ses, err := f.s.LoadSession(ctx, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		a := ses.Actor
		if ses.Kind != KindWorker || a.Kind != KindWorker || a.WorkerID == 0 || a.Name != "职工8000" || a.OrgPath != f.root.path {
			t.Fatalf("worker session %+v actor %+v", ses, a)
		}
		if !Can(a, PermPortal) || Can(a, PermOrgView) {
			t.Fatal("a worker may use the portal and nothing else")
		}
		f.clock.Advance(time.Minute)
		sent, _ = f.s.SendCode(ctx, "138 0013 8000", "1.2.3.4")
		res, err = f.s.WorkerLogin(ctx, "１３８００１３８０００", sent.DemoCode, "1.2.3.4", "ua")
		if err != nil {
			t.Fatal(err)
		}
		ses2, _ := f.s.LoadSession(ctx, res.Token)
		if ses2.Actor.WorkerID != a.WorkerID {
			t.Fatal("signing in again must find the same worker by the phone's blind index")
		}
		var sealed, masked string
		db.QueryRow(ctx, `SELECT phone_sealed, phone_masked FROM workers WHERE id = ?`, a.WorkerID).Scan(&sealed, &masked)
		if plain, err := f.keys.Open(sealed); err != nil || plain != "13800138000" || masked != "138****8000" {
			t.Fatalf("worker phone stored as %q / %q", sealed, masked)
		}
		if n := f.count(`SELECT COUNT(*) FROM login_attempts WHERE kind = 'sms' AND subject = '138****8000' AND ok = 1`); n != 2 {
			t.Fatalf("login_attempts ok rows = %d", n)
		}
	})
}

func TestSendCode_NoDemoCodeOutsideDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		sent, err := f.s.SendCode(context.Background(), "13800138000", "1.2.3.4")
		if err != nil || sent.DemoCode != "" {
			t.Fatalf("sent %+v, %v: the code must only reach the phone", sent, err)
		}
		if _, err := f.s.WorkerLogin(context.Background(), "13800138000", f.sender.lastCode(t), "1.2.3.4", "ua"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.SendCode(context.Background(), "12345", "1.2.3.4")
		wantKey(t, err, "auth.err.phone_invalid")
	})
}

func TestWorkerLogin_WrongFiveTimesKillsCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		sent, _ := f.s.SendCode(ctx, "13900139000", "1.2.3.4")
		wrong := "000000"
		if sent.DemoCode == wrong {
			wrong = "111111"
		}
		for i := 0; i < 5; i++ {
			_, err := f.s.WorkerLogin(ctx, "13900139000", wrong, "1.2.3.4", "ua")
			wantKey(t, err, "auth.err.sms_wrong")
		}
		_, err := f.s.WorkerLogin(ctx, "13900139000", sent.DemoCode, "1.2.3.4", "ua")
		wantKey(t, err, "auth.err.sms_dead")
		_, err = f.s.WorkerLogin(ctx, "13900139000", "12345", "1.2.3.4", "ua")
		wantKey(t, err, "auth.err.sms_code_format")
		if n := f.count(`SELECT COUNT(*) FROM login_attempts WHERE kind = 'sms' AND ok = 0`); n != 6 {
			t.Fatalf("failed login_attempts rows = %d, want 6", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM workers`); n != 0 {
			t.Fatal("no worker record may be made without a correct code")
		}
	})
}

func TestWorkerLogin_ReusedExpiredAndMissing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		_, err := f.s.WorkerLogin(ctx, "13700137000", "123456", "1.2.3.4", "ua")
		wantKey(t, err, "auth.err.sms_none")
		sent, _ := f.s.SendCode(ctx, "13700137000", "1.2.3.4")
		if _, err := f.s.WorkerLogin(ctx, "13700137000", sent.DemoCode, "1.2.3.4", "ua"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.WorkerLogin(ctx, "13700137000", sent.DemoCode, "1.2.3.4", "ua")
		wantKey(t, err, "auth.err.sms_used")
		f.clock.Advance(time.Minute)
		sent, _ = f.s.SendCode(ctx, "13700137000", "1.2.3.4")
		f.clock.Advance(5 * time.Minute)
		_, err = f.s.WorkerLogin(ctx, "13700137000", sent.DemoCode, "1.2.3.4", "ua")
		wantKey(t, err, "auth.err.sms_expired")
	})
}

func TestWorkerLogin_OnlyNewestCodeWorks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		first, _ := f.s.SendCode(ctx, "13600136000", "1.2.3.4")
		f.clock.Advance(61 * time.Second)
		second, _ := f.s.SendCode(ctx, "13600136000", "1.2.3.4")
		if first.DemoCode != second.DemoCode {
			_, err := f.s.WorkerLogin(ctx, "13600136000", first.DemoCode, "1.2.3.4", "ua")
			wantKey(t, err, "auth.err.sms_wrong")
		}
		if _, err := f.s.WorkerLogin(ctx, "13600136000", second.DemoCode, "1.2.3.4", "ua"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSendCode_RateLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		phone := "15000150000"
		if _, err := f.s.SendCode(ctx, phone, "5.5.5.5"); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(20 * time.Second)
		_, err := f.s.SendCode(ctx, phone, "5.5.5.5")
		wantKey(t, err, "auth.err.sms_too_soon")
		if e, _ := platform.AsError(err); e.Code != platform.CodeTooMany || e.Args[0] != 40 {
			t.Fatalf("too soon: %+v, want 40 seconds to wait", e)
		}
		for i := 2; i <= 10; i++ {
			f.clock.Advance(61 * time.Second)
			if _, err := f.s.SendCode(ctx, phone, fmt.Sprintf("6.6.6.%d", i)); err != nil {
				t.Fatalf("code %d of the day: %v", i, err)
			}
		}
		f.clock.Advance(61 * time.Second)
		_, err = f.s.SendCode(ctx, phone, "7.7.7.7")
		wantKey(t, err, "auth.err.sms_rate") // eleventh of the day
	})
}

func TestSendCode_PerIPLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		for i := 0; i < 20; i++ {
			if _, err := f.s.SendCode(ctx, fmt.Sprintf("188%08d", i), "9.9.9.9"); err != nil {
				t.Fatalf("send %d: %v", i, err)
			}
		}
		_, err := f.s.SendCode(ctx, "18899999999", "9.9.9.9")
		wantKey(t, err, "auth.err.sms_rate")
		if e, _ := platform.AsError(err); e.Args[0].(int) <= 0 || e.Args[0].(int) > 3600 {
			t.Fatalf("seconds to wait %v", e.Args)
		}
		if _, err := f.s.SendCode(ctx, "18899999999", "9.9.9.10"); err != nil {
			t.Fatalf("another address is not limited: %v", err)
		}
	})
}

func TestWorkerLogin_RateLimitedPerPhoneAndIP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{Demo: true})
		ctx := context.Background()
		for i := 0; i < 20; i++ {
			_, err := f.s.WorkerLogin(ctx, "13500135000", "123456", fmt.Sprintf("8.8.8.%d", i), "ua")
			wantKey(t, err, "auth.err.sms_none")
		}
		_, err := f.s.WorkerLogin(ctx, "13500135000", "123456", "8.8.9.9", "ua")
		wantKey(t, err, "auth.err.login_rate") // per phone
		for i := 0; i < 60; i++ {
			f.s.WorkerLogin(ctx, fmt.Sprintf("135%08d", i), "123456", "4.4.4.4", "ua")
		}
		_, err = f.s.WorkerLogin(ctx, "13411111111", "123456", "4.4.4.4", "ua")
		wantKey(t, err, "auth.err.login_rate") // per address
	})
}

func TestAllow_FixedWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		f.clock.Advance(15 * time.Second) // 15 s into a minute window
		for i := 0; i < 3; i++ {
			if ok, _, err := f.s.Allow(ctx, "test", 3, time.Minute); !ok || err != nil {
				t.Fatalf("hit %d: %v %v", i, ok, err)
			}
		}
		ok, wait, err := f.s.Allow(ctx, "test", 3, time.Minute)
		if ok || err != nil || wait != 45*time.Second {
			t.Fatalf("fourth hit: ok %v wait %v err %v", ok, wait, err)
		}
		f.clock.Advance(45 * time.Second)
		if ok, _, _ := f.s.Allow(ctx, "test", 3, time.Minute); !ok {
			t.Fatal("a new window starts afresh")
		}
		f.clock.Advance(72 * time.Hour)
		if err := f.s.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if n := f.count(`SELECT COUNT(*) FROM rate_limits`); n != 0 {
			t.Fatalf("sweep left %d old windows", n)
		}
	})
}

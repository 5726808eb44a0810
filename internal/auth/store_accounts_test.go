package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestCreateAccount_Validation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		_, err := f.s.CreateAccount(sysCtx(), AccountInput{Username: "1xyz", Role: "root", Password: "short"})
		e, _ := platform.AsError(err)
		want := map[string]string{"username": "auth.err.username_chars", "name": "auth.err.name_required",
			"role": "auth.err.role_invalid", "org_id": "auth.err.org_required", "password": "auth.err.password_short"}
		if e == nil || len(e.Fields) != len(want) {
			t.Fatalf("fields %v, want %v", err, want)
		}
		for k, v := range want {
			if e.Fields[k] != v {
				t.Errorf("field %s: %q, want %q", k, e.Fields[k], v)
			}
		}
		in := AccountInput{OrgID: f.root.id, Username: "LiuEr", Name: "刘二", Role: RoleClerk, Password: goodPassword}
		a, err := f.s.CreateAccount(sysCtx(), in)
		if err != nil {
			t.Fatal(err)
		}
		if a.Username != "liuer" || !a.MustChangePassword || a.Status != StatusActive || a.OrgPath != f.root.path || a.OrgName != "福州市总工会" {
			t.Fatalf("account %+v", a)
		}
		_, err = f.s.CreateAccount(sysCtx(), in)
		wantKey(t, err, "auth.err.username_taken")
		in.Username, in.OrgID = "other", 99999
		_, err = f.s.CreateAccount(sysCtx(), in)
		wantKey(t, err, "auth.err.org_not_found")
		var summary string
		db.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'account.create'`).Scan(&summary)
		if !strings.Contains(summary, "liuer") || strings.Contains(summary, goodPassword) {
			t.Fatalf("audit summary %q must name the account and never the password", summary)
		}
	})
}

func TestAccounts_ScopedToSubtree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		gulou, taijiang := f.mustOrg(&f.root, "鼓楼区总工会"), f.mustOrg(&f.root, "台江区总工会")
		sec := f.mustAccount(gulou, "gulou_sec", RoleSecurity)
		mine := f.mustAccount(gulou, "gulou_clerk", RoleClerk)
		theirs := f.mustAccount(taijiang, "taijiang_clerk", RoleClerk)
		ctx := f.staffCtx(sec)

		list, total, err := f.s.FindAccounts(ctx, AccountFilter{})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("district security admin sees %d (%d): %v", len(list), total, err)
		}
		list, total, _ = f.s.FindAccounts(ctx, AccountFilter{Query: "CLERK"})
		if total != 1 || list[0].ID != mine.ID {
			t.Fatalf("query found %+v", list)
		}
		if _, total, _ := f.s.FindAccounts(ctx, AccountFilter{Query: "%"}); total != 0 {
			t.Fatal("% in a query is a character, not a wildcard")
		}
		if _, total, _ := f.s.FindAccounts(ctx, AccountFilter{OrgID: taijiang.id}); total != 0 {
			t.Fatal("filtering by a sibling org must find nothing")
		}
		_, err = f.s.GetAccount(ctx, theirs.ID)
		wantNotFound(t, err)
		if err := f.s.Unlock(ctx, theirs.ID); err != platform.NotFound {
			t.Fatalf("unlocking a sibling's account: %v", err)
		}
		_, err = f.s.CreateAccount(ctx, AccountInput{OrgID: taijiang.id, Username: "sneaky", Name: "x", Role: RoleClerk, Password: goodPassword})
		wantKey(t, err, "auth.err.org_not_found")

		clerk := f.staffCtx(mine)
		_, _, err = f.s.FindAccounts(clerk, AccountFilter{})
		wantKey(t, err, "auth.err.forbidden")
		if a, err := f.s.GetAccount(clerk, mine.ID); err != nil || a.ID != mine.ID {
			t.Fatalf("everyone may read their own account: %v", err)
		}
		_, err = f.s.GetAccount(clerk, sec.ID)
		wantNotFound(t, err)
		_, err = f.s.CreateAccount(clerk, AccountInput{OrgID: gulou.id, Username: "x123", Name: "x", Role: RoleClerk, Password: goodPassword})
		wantKey(t, err, "auth.err.forbidden")
	})
}

func TestResetPassword_UnlocksAndEndsSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		sec := f.mustAccount(f.root, "sec", RoleSecurity)
		a := f.mustAccount(f.root, "heshi", RoleClerk)
		f.ready(a.ID, testSecret)
		tok := f.signIn("heshi", goodPassword).Token
		for i := 0; i < 5; i++ {
			f.s.PasswordLogin(ctx, "heshi", "Wrong#Pass1", "10.0.0.1", "ua")
		}
		got, _ := f.s.GetAccount(f.staffCtx(sec), a.ID)
		if !got.Locked(f.clock.Now()) {
			t.Fatal("account should be locked")
		}
		err := f.s.ResetPassword(f.staffCtx(sec), a.ID, "heshiheshi")
		wantKey(t, err, "auth.err.password_classes")
		err = f.s.ResetPassword(f.staffCtx(sec), sec.ID, "Reset#Pass2026")
		wantKey(t, err, "auth.err.self_reset")
		if err := f.s.ResetPassword(f.staffCtx(sec), a.ID, "Reset#Pass2026"); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.LoadSession(ctx, tok)
		wantNotFound(t, err)
		res, err := f.s.PasswordLogin(ctx, "heshi", "Reset#Pass2026", "10.0.0.1", "ua")
		if err != nil || res.Stage != platform.StageTOTP || res.Notice != "auth.msg.must_change_password" {
			t.Fatalf("after reset: %+v %v", res, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'account.reset_password' AND actor_id = ?`, sec.ID); n != 1 {
			t.Fatalf("reset audit rows = %d", n)
		}
	})
}

func TestUnlockAndEnable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		sec := f.mustAccount(f.root, "sec", RoleSecurity)
		a := f.mustAccount(f.root, "luoshi", RoleClerk)
		f.ready(a.ID, testSecret)
		for i := 0; i < 5; i++ {
			f.s.PasswordLogin(ctx, "luoshi", "Wrong#Pass1", "10.0.0.1", "ua")
		}
		if list, _, _ := f.s.FindAccounts(f.staffCtx(sec), AccountFilter{Locked: true}); len(list) != 1 || list[0].ID != a.ID {
			t.Fatalf("locked filter: %+v", list)
		}
		if err := f.s.Unlock(f.staffCtx(sec), a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PasswordLogin(ctx, "luoshi", goodPassword, "10.0.0.1", "ua"); err != nil {
			t.Fatalf("after unlock: %v", err)
		}
		wantKey(t, f.s.Disable(f.staffCtx(sec), sec.ID), "auth.err.self_edit")
		if err := f.s.Disable(f.staffCtx(sec), a.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Enable(f.staffCtx(sec), a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.PasswordLogin(ctx, "luoshi", goodPassword, "10.0.0.1", "ua"); err != nil {
			t.Fatalf("after enable: %v", err)
		}
	})
}

func TestResetTOTP_EnrolsAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		a := f.mustAccount(f.root, "lostphone", RoleClerk)
		f.ready(a.ID, testSecret)
		if err := f.s.ResetTOTP(sysCtx(), a.ID); err != nil {
			t.Fatal(err)
		}
		res, err := f.s.PasswordLogin(context.Background(), "lostphone", goodPassword, "10.0.0.1", "ua")
		if err != nil || res.Stage != platform.StageEnrol {
			t.Fatalf("after TOTP reset: %+v %v", res, err)
		}
	})
}

func TestChangePassword_Own(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		a := f.mustAccount(f.root, "xushi", RoleClerk)
		other := f.mustAccount(f.root, "other", RoleClerk)
		f.ready(a.ID, testSecret)
		ctx := f.staffCtx(a)
		wantKey(t, f.s.ChangePassword(ctx, other.ID, goodPassword, "New#Pass2027"), "auth.err.forbidden")
		wantKey(t, f.s.ChangePassword(ctx, a.ID, "Wrong#Pass1", "New#Pass2027"), "auth.err.old_password_wrong")
		wantKey(t, f.s.ChangePassword(ctx, a.ID, goodPassword, goodPassword), "auth.err.password_same")
		f.clock.Advance(time.Hour)
		if err := f.s.ChangePassword(ctx, a.ID, goodPassword, "New#Pass2027"); err != nil {
			t.Fatal(err)
		}
		got, _ := f.s.GetAccount(ctx, a.ID)
		if got.MustChangePassword || !got.PasswordChangedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("after change %+v", got)
		}
		if _, err := f.s.PasswordLogin(context.Background(), "xushi", "New#Pass2027", "10.0.0.1", "ua"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestUpdateAccount_RoleChangeEndsSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		gulou, taijiang := f.mustOrg(&f.root, "鼓楼区总工会"), f.mustOrg(&f.root, "台江区总工会")
		sec := f.mustAccount(gulou, "sec", RoleSecurity)
		a := f.mustAccount(gulou, "fengyi", RoleClerk)
		f.ready(a.ID, testSecret)
		tok := f.signIn("fengyi", goodPassword).Token
		ctx := f.staffCtx(sec)
		_, err := f.s.UpdateAccount(ctx, a.ID, AccountUpdate{Name: "冯一", Role: RoleReviewer, OrgID: taijiang.id, Version: a.Version})
		wantKey(t, err, "auth.err.org_not_found")
		got, err := f.s.UpdateAccount(ctx, a.ID, AccountUpdate{Name: " 冯一 ", Role: RoleReviewer, OrgID: gulou.id, Locale: "en", Version: a.Version})
		if err != nil || got.Name != "冯一" || got.Role != RoleReviewer || got.Locale != "en" || got.Version != a.Version+1 {
			t.Fatalf("updated %+v %v", got, err)
		}
		_, err = f.s.LoadSession(context.Background(), tok)
		wantNotFound(t, err) // new rights apply at once
		_, err = f.s.UpdateAccount(ctx, a.ID, AccountUpdate{Name: "冯二", Role: RoleReviewer, OrgID: gulou.id, Version: a.Version})
		wantKey(t, err, "auth.err.stale")
		_, err = f.s.UpdateAccount(ctx, sec.ID, AccountUpdate{Name: "x", Role: RoleAdmin, OrgID: gulou.id, Version: sec.Version})
		wantKey(t, err, "auth.err.self_edit")
	})
}

func TestFindLoginAttempts_Scoped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		gulou, taijiang := f.mustOrg(&f.root, "鼓楼区总工会"), f.mustOrg(&f.root, "台江区总工会")
		citySec := f.mustAccount(f.root, "citysec", RoleSecurity)
		auditor := f.mustAccount(gulou, "gaudit", RoleAuditor)
		mine := f.mustAccount(gulou, "gclerk", RoleClerk)
		f.mustAccount(taijiang, "tclerk", RoleClerk)
		f.s.PasswordLogin(ctx, "gclerk", "Wrong#Pass1", "10.0.0.1", "ua")
		f.s.PasswordLogin(ctx, "tclerk", "Wrong#Pass1", "10.0.0.1", "ua")
		f.s.PasswordLogin(ctx, "ghost", "Wrong#Pass1", "10.0.0.1", "ua")
		list, total, err := f.s.FindLoginAttempts(f.staffCtx(auditor), LoginAttemptFilter{})
		if err != nil || total != 1 || list[0].AccountID != mine.ID || list[0].OK || list[0].Reason != "bad_password" {
			t.Fatalf("district auditor sees %+v (%d) %v", list, total, err)
		}
		_, total, _ = f.s.FindLoginAttempts(f.staffCtx(citySec), LoginAttemptFilter{FailedOnly: true})
		if total != 3 {
			t.Fatalf("the city's security admin sees %d attempts, want 3 (with the unknown username)", total)
		}
		_, _, err = f.s.FindLoginAttempts(f.staffCtx(mine), LoginAttemptFilter{})
		wantKey(t, err, "auth.err.forbidden")
	})
}

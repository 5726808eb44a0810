package auth

import (
	"context"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestAPIToken_AuthenticateAndRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		district := f.mustOrg(&f.root, "仓山区总工会")
		a := f.mustAccount(district, "cangshan", RoleAdmin)
		own := f.staffCtx(a)
		_, err := f.s.CreateAPIToken(own, a.ID, " ", 0)
		wantKey(t, err, "auth.err.token_name_required")
		plain, err := f.s.CreateAPIToken(own, a.ID, "数据对接", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		actor, err := f.s.AuthenticateToken(ctx, plain)
		if err != nil {
			t.Fatal(err)
		}
		if actor.Kind != KindAPI || actor.AccountID != a.ID || actor.Role != "admin" || actor.OrgPath != district.path || actor.OrgName != "仓山区总工会" {
			t.Fatalf("actor %+v", actor)
		}
		if !Can(actor, PermOrgEdit) || Can(actor, PermAccountEdit) {
			t.Fatal("a token acts with its account's role")
		}
		if n := f.count(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, plain); n != 0 {
			t.Fatal("the plain token must not be stored")
		}
		list, err := f.s.ListAPITokens(own, a.ID)
		if err != nil || len(list) != 1 || list[0].Name != "数据对接" || !list[0].Live(f.clock.Now()) || list[0].LastUsedAt.IsZero() {
			t.Fatalf("list %+v %v", list, err)
		}
		for _, bad := range []string{"", "zjt_nope", plain + "x"} {
			_, err := f.s.AuthenticateToken(ctx, bad)
			wantKey(t, err, "auth.err.token_invalid")
		}
		if err := f.s.RevokeAPIToken(own, list[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AuthenticateToken(ctx, plain)
		wantKey(t, err, "auth.err.token_invalid")
		if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('auth.token_create', 'auth.token_revoke')`); n != 2 {
			t.Fatalf("token audit rows = %d", n)
		}
	})
}

func TestAPIToken_ExpiryAndDisabledAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		ctx := context.Background()
		a := f.mustAccount(f.root, "robot", RoleReviewer)
		short, _ := f.s.CreateAPIToken(f.staffCtx(a), a.ID, "短期", time.Hour)
		long, _ := f.s.CreateAPIToken(sysCtx(), a.ID, "长期", 0)
		f.clock.Advance(time.Hour)
		_, err := f.s.AuthenticateToken(ctx, short)
		wantKey(t, err, "auth.err.token_invalid")
		if _, err := f.s.AuthenticateToken(ctx, long); err != nil {
			t.Fatalf("default lifetime is 90 days: %v", err)
		}
		if err := f.s.Disable(sysCtx(), a.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AuthenticateToken(ctx, long)
		wantKey(t, err, "auth.err.token_invalid")
	})
}

func TestAPIToken_OthersAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db, Config{})
		a := f.mustAccount(f.root, "alice", RoleClerk)
		b := f.mustAccount(f.root, "bobby", RoleClerk)
		sec := f.mustAccount(f.root, "sec", RoleSecurity)
		_, err := f.s.CreateAPIToken(f.staffCtx(a), b.ID, "x", 0)
		wantNotFound(t, err)
		plain, err := f.s.CreateAPIToken(f.staffCtx(sec), b.ID, "由安全管理员创建", 0)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := f.s.ListAPITokens(f.staffCtx(b), b.ID)
		wantNotFound(t, f.s.RevokeAPIToken(f.staffCtx(a), list[0].ID))
		if err := f.s.RevokeAPIToken(f.staffCtx(sec), list[0].ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AuthenticateToken(context.Background(), plain)
		wantKey(t, err, "auth.err.token_invalid")
	})
}

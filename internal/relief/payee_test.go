package relief

import (
	"context"
	"strings"
	"testing"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/review"
)

func TestAccountRules(t *testing.T) {
	for _, c := range []struct {
		in          string
		shape, luhn bool
		mask        string
	}{
		{"6222 0212 3456 7890 128", true, true, "6222 **** **** 0128"},
		{"6222-0212-3456-7890-123", true, false, "6222 **** **** 0123"},
		{"622202123456", true, false, "6222 **** **** 3456"}, // 12 digits: shortest
		{"62220212345678901234", false, true, ""},            // 20 digits
		{"62220212345", false, false, ""},                    // 11 digits
		{"6222O21234567890128", false, false, ""},            // a letter O
	} {
		acc := NormalizeAccount(c.in)
		if got := AccountShapeOK(acc); got != c.shape {
			t.Errorf("%q shape: %v, want %v", c.in, got, c.shape)
		}
		if !c.shape {
			continue
		}
		if got := LuhnOK(acc); got != c.luhn {
			t.Errorf("%q luhn: %v, want %v", c.in, got, c.luhn)
		}
		if got := MaskAccount(acc); got != c.mask {
			t.Errorf("%q mask: %q, want %q", c.in, got, c.mask)
		}
	}
}

func TestPayee_SealedAtRestMaskedOnScreen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		app := f.apply(t, w, members, "")
		if app.Payee.Account != "6222 **** **** 0128" || app.Payee.Name != "张明" {
			t.Fatalf("payee on screen: %+v", app.Payee)
		}
		var sealed string
		db.QueryRow(context.Background(), `SELECT payee_account_sealed FROM relief_applications WHERE id = ?`, app.ID).Scan(&sealed)
		if sealed == "" || strings.Contains(sealed, "0128") {
			t.Fatalf("account at rest: %q", sealed)
		}
		if clear, err := f.store.keys.Open(sealed); err != nil || clear != testAccount {
			t.Fatalf("sealed account opens to %q %v", clear, err)
		}
		in := input(members, "")
		in.Payee.Account = "6222 0212 345"
		if _, err := f.store.Submit(f.worker(w), in); fieldOf(err, "payee_account") != "relief.err.payee_account" {
			t.Errorf("an 11-digit account: %v", err)
		}
		in.Payee = Payee{Name: "张明"}
		if _, err := f.store.Submit(f.worker(w), in); fieldOf(err, "payee_account") != "relief.err.payee_account" ||
			fieldOf(err, "payee_bank") != "relief.err.payee_bank" {
			t.Errorf("half a payee: %v", err)
		}
	})
}

func TestPayee_ReviewersSeeMissingOrMistypedAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		grass := f.staff(t, 2, f.tree.Gulou)
		keys := func(app *Application) []string {
			full, err := f.store.Application(grass, app.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, fd := range full.Findings {
				out = append(out, fd.Key)
			}
			return out
		}
		w1, m1 := f.mustWorker(t, f.tree.Gulou, "w1")
		in := input(m1, "")
		in.Payee = Payee{}
		none, err := f.store.Submit(f.worker(w1), in)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(keys(none), " "); !strings.Contains(got, "relief.check.no_payee") {
			t.Errorf("no payee: %s", got)
		}
		w2, m2 := f.mustWorker(t, f.tree.Gulou, "w2")
		in = input(m2, "")
		in.Payee.Account = "6222021234567890123" // check digit off by five: accepted, flagged
		typo, err := f.store.Submit(f.worker(w2), in)
		if err != nil {
			t.Fatalf("an account failing Luhn is refused: %v", err)
		}
		if got := strings.Join(keys(typo), " "); !strings.Contains(got, "relief.check.account_luhn") {
			t.Errorf("mistyped account: %s", got)
		}
	})
}

func TestResubmit_WithCorrectionsRecordsWhatChanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		w, members := f.mustWorker(t, f.tree.Gulou, "w1")
		app := f.apply(t, w, members, "")
		grass := f.staff(t, 2, f.tree.Gulou)
		must2(t)(f.decide(t, grass, app.ID, review.Decision{Action: review.Return, Reason: "医疗费用与发票不符，请更正"}))
		mine, _ := f.store.Application(f.worker(w), app.ID)
		same := &Amendment{Means: app.Means, Requested: app.Requested, Statement: app.Statement, Payee: Payee{Name: "张明", Bank: "中国工商银行福州鼓楼支行"}}
		if _, err := f.store.Resubmit(f.worker(w), app.ID, Resubmission{Version: mine.Review.Version, Amend: same}); fieldOf(err, "supplement") != "relief.err.supplement" {
			t.Errorf("nothing changed and no reply: %v", err)
		}
		bad := *same
		bad.Requested = DefaultCapPerApplication + 1
		if _, err := f.store.Resubmit(f.worker(w), app.ID, Resubmission{Version: mine.Review.Version, Amend: &bad}); fieldOf(err, "requested") != "relief.err.over_cap" {
			t.Errorf("over the cap: %v", err)
		}
		fix := *same
		fix.Means.MedicalCosts, fix.Means.Income, fix.Requested = 6_000_000, 900_000, 800_000
		fix.Statement = "丈夫患病住院，医疗费用按发票更正。"
		fix.Payee.Account = "6222 0212 3456 7890 128"
		got, err := f.store.Resubmit(f.worker(w), app.ID, Resubmission{Version: mine.Review.Version, Amend: &fix})
		if err != nil || got.Status != StatusPending || got.Requested != 800_000 || got.Means.MedicalCosts != 6_000_000 {
			t.Fatalf("resubmit with corrections: %+v %v", got, err)
		}
		if got.Category == app.Category {
			t.Errorf("category stays %s with income 9,000 yuan for three", got.Category)
		}
		full, _ := f.store.Application(grass, app.ID)
		changed := map[string]Change{}
		for _, c := range full.Changes {
			changed[c.Field] = c
		}
		if len(changed) != 4 || changed["requested"].Before != "1000000" || changed["requested"].After != "800000" ||
			changed["statement"].After != fix.Statement || changed["payee_account"].Field != "" {
			t.Errorf("changes: %+v", full.Changes)
		}
		var audited string
		db.QueryRow(context.Background(), `SELECT summary FROM audit_log WHERE action = 'relief.resubmit'`).Scan(&audited)
		if !strings.Contains(audited, "requested(1000000→800000分)") {
			t.Errorf("audit summary: %q", audited)
		}
	})
}

func fieldOf(err error, field string) string {
	e, ok := platform.AsError(err)
	if !ok {
		return ""
	}
	return e.Fields[field]
}

func TestDemoAccounts_AreValidCardNumbers(t *testing.T) {
	for i := 0; i < 20; i++ {
		if acc := demoAccount(i); !AccountShapeOK(acc) || !LuhnOK(acc) {
			t.Errorf("demo account %d: %s", i, acc)
		}
	}
}

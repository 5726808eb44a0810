package care_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zhijia/internal/app/apptest"
	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// actEnv is an app with a district staff actor and helpers for activity tests.
type actEnv struct {
	env   *apptest.Env
	db    *platform.DB
	staff context.Context
}

func newActEnv(t *testing.T, db *platform.DB) *actEnv {
	env := apptest.New(t, db)
	gulou := env.Info.Tree.Districts["350102"]
	var path string
	if err := db.QueryRow(sys, `SELECT path FROM orgs WHERE id = ?`, gulou).Scan(&path); err != nil {
		t.Fatal(err)
	}
	staff := platform.WithActor(context.Background(), &platform.Actor{Kind: "staff", AccountID: 1, Name: "刘芳", Role: "clerk", OrgID: gulou, OrgPath: path})
	return &actEnv{env: env, db: db, staff: staff}
}

// worker registers a worker in the 鼓楼 grassroots union and returns a context acting as them.
func (e *actEnv) worker(t *testing.T, name, status, birth, group string) (int64, context.Context) {
	t.Helper()
	now := e.env.Clock.Now().UTC()
	var id int64
	err := e.db.QueryRow(sys, `INSERT INTO workers (city_id, org_id, name, member_status, birth_date, group_code, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.env.Info.Tree.City, e.env.Info.Tree.Gulou, name, status, birth, group, now, now).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id, platform.WithActor(context.Background(), &platform.Actor{Kind: "worker", WorkerID: id, Name: name})
}

// activity publishes one open now, closing in a day, with the given sessions.
func (e *actEnv) activity(t *testing.T, kind, sessions string, rules care.Rules, w care.Weights) *care.Activity {
	t.Helper()
	now := e.env.Clock.Now().In(platform.Shanghai)
	a, err := e.env.App.Care.CreateActivity(e.staff, care.ActivityInput{OrgID: e.env.Info.Tree.Districts["350102"], Kind: kind,
		Title: "2027年新春年夜饭", OpensAt: now.Add(-time.Hour).Format("2006-01-02 15:04"),
		ClosesAt: now.Add(24 * time.Hour).Format("2006-01-02 15:04"), ConfirmDays: 3, Sessions: sessions, Rules: rules, Weights: w})
	if err != nil {
		t.Fatalf("create activity: %v", err)
	}
	return a
}

func code(err error) string {
	e, ok := platform.AsError(err)
	if !ok {
		return fmt.Sprint(err)
	}
	for k, v := range e.Fields {
		return k + ":" + v
	}
	return e.Message
}

// TestSignup_RulesNamedAndOnce: each refusal names its rule; a worker signs up once.
func TestSignup_RulesNamedAndOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "nye_dinner", "鼓楼场:10", care.Rules{MembersOnly: true, MinAge: 18, MaxAge: 60, Groups: []string{"courier"}}, care.Weights{})
		s := a.Sessions[0].ID
		cases := []struct {
			name, status, birth, group, want string
		}{
			{"会员快递员", "member", "1990-05-01", "courier", ""},
			{"非会员", "non_member", "1990-05-01", "courier", "care.rule.members_only"},
			{"外卖骑手", "member", "1990-05-01", "food_delivery", "care.rule.group"},
			{"老师傅", "member", "1950-05-01", "courier", "care.rule.age"},
			{"未知生日", "member", "", "courier", "care.rule.age_unknown"},
		}
		for _, c := range cases {
			_, ctx := e.worker(t, c.name, c.status, c.birth, c.group)
			_, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: s})
			if got := code(err); err == nil && c.want != "" || err != nil && got != c.want {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
			}
			if c.want == "" {
				if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: s}); code(err) != "care.err.signed_up" {
					t.Errorf("second sign-up: %v", err)
				}
			}
		}
		// outside the subtree: a worker of 台江区
		now := e.env.Clock.Now().UTC()
		var id int64
		db.QueryRow(sys, `INSERT INTO workers (city_id, org_id, name, member_status, birth_date, group_code, created_at, updated_at)
			VALUES (?, ?, '台江职工', 'member', '1990-01-01', 'courier', ?, ?) RETURNING id`, e.env.Info.Tree.City, e.env.Info.Tree.Taijiang, now, now).Scan(&id)
		ctx := platform.WithActor(context.Background(), &platform.Actor{Kind: "worker", WorkerID: id})
		if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: s}); code(err) != "care.rule.subtree" {
			t.Errorf("worker outside the subtree: %v", err)
		}
		e.env.Clock.Advance(25 * time.Hour)
		_, late := e.worker(t, "迟到", "member", "1990-01-01", "courier")
		if _, err := e.env.App.Care.SignUp(late, a.ID, care.SignupInput{SessionID: s}); code(err) != "care.err.window_closed" {
			t.Errorf("after the close: %v", err)
		}
	})
}

// TestSignup_WeddingFacts: a wedding couple names the partner and a recent registration date.
func TestSignup_WeddingFacts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "wedding", "集体婚礼:20", care.Rules{MembersOnly: true}, care.Weights{})
		_, ctx := e.worker(t, "新郎", "member", "1995-01-01", "")
		today := e.env.Clock.Now().In(platform.Shanghai)
		in := care.SignupInput{SessionID: a.Sessions[0].ID, MarriedOn: today.AddDate(-2, 0, 0).Format("2006-01-02")}
		_, err := e.env.App.Care.SignUp(ctx, a.ID, in)
		ev, _ := platform.AsError(err)
		if ev == nil || ev.Fields["partner_name"] != "care.err.partner" || ev.Fields["married_on"] != "care.err.married_on" {
			t.Fatalf("wedding without partner, married two years ago: %v", err)
		}
		in.PartnerName, in.MarriedOn = "林小红", today.AddDate(0, -2, 0).Format("2006-01-02")
		g, err := e.env.App.Care.SignUp(ctx, a.ID, in)
		if err != nil || g.PartnerName != "林小红" {
			t.Fatalf("wedding sign-up: %v", err)
		}
	})
}

// TestDraw_ReproducibleQuotaAndRedraw: the draw offers exactly the quota,
// re-checks eligibility, equals DrawOrder over the exported sign-ups and the
// revealed seed (whose hash was published at opening), and a re-draw needs a
// reason and is audited.
func TestDraw_ReproducibleQuotaAndRedraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "recuperation", "第一期:3\n第二期:2", care.Rules{MembersOnly: true}, care.Weights{Frontline: 2})
		for i := 0; i < 12; i++ {
			group := ""
			if i%2 == 0 {
				group = "courier"
			}
			_, ctx := e.worker(t, fmt.Sprintf("职工%02d", i), "member", "1990-01-01", group)
			if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: a.Sessions[i%2].ID}); err != nil {
				t.Fatal(err)
			}
		}
		var dropped int64
		db.QueryRow(sys, `SELECT MAX(worker_id) FROM care_signups WHERE activity_id = ?`, a.ID).Scan(&dropped)
		db.Exec(sys, `UPDATE workers SET member_status = 'non_member' WHERE id = ?`, dropped)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); code(err) != "care.err.draw_early" {
			t.Fatalf("draw before the close: %v", err)
		}
		e.env.Clock.Advance(25 * time.Hour)
		res, err := e.env.App.Care.Draw(e.staff, a.ID, "")
		if err != nil || res.Offered != 5 || res.Waitlisted != 6 || res.Ineligible != 1 {
			t.Fatalf("draw: %+v %v", res, err)
		}
		if care.SeedHash(res.Seed) != a.SeedHash {
			t.Fatal("the seed revealed does not match the hash published at opening")
		}
		checkReproducible(t, e, a, res.Seed)
		var reason string
		db.QueryRow(sys, `SELECT reason FROM care_signups WHERE worker_id = ?`, dropped).Scan(&reason)
		if reason != "care.rule.members_only" {
			t.Errorf("the worker no longer a member: reason %q", reason)
		}
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, " "); code(err) != "reason:care.err.redraw_reason" {
			t.Fatalf("re-draw without a reason: %v", err)
		}
		res2, err := e.env.App.Care.Draw(e.staff, a.ID, "第二期场地变更，重新摇号")
		if err != nil || res2.Seq != 2 || res2.Seed == res.Seed {
			t.Fatalf("re-draw: %+v %v", res2, err)
		}
		checkReproducible(t, e, a, res2.Seed)
		if auditCount(t, e.env, "care.activity.draw", a.ID) != 1 || auditCount(t, e.env, "care.activity.redraw", a.ID) != 1 {
			t.Error("draw and re-draw must each be audited")
		}
	})
}

// checkReproducible re-runs DrawOrder per session from the stored sign-ups
// (id, weight) and seed and compares it with the stored ranks.
func checkReproducible(t *testing.T, e *actEnv, a *care.Activity, seed string) {
	t.Helper()
	key, _ := care.SeedBytes(seed)
	for _, se := range a.Sessions {
		rows, err := e.db.Query(sys, `SELECT id, weight, draw_rank FROM care_signups WHERE session_id = ? AND draw_rank IS NOT NULL ORDER BY draw_rank`, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		var stored []care.Entry
		for rows.Next() {
			var en care.Entry
			var rank int
			rows.Scan(&en.ID, &en.Weight, &rank)
			stored = append(stored, en)
		}
		rows.Close()
		again := care.DrawOrder(key, stored)
		for i := range stored {
			if again[i] != stored[i] {
				t.Fatalf("session %s: rank %d is %v, re-run gives %v", se.Name, i+1, stored[i], again[i])
			}
		}
	}
}

// TestConcurrentCancelConfirm_NeverOverQuota: winners cancel and confirm at
// once, round after round; each cancellation promotes exactly one waiting
// worker in draw order and the quota is never exceeded, on both engines.
func TestConcurrentCancelConfirm_NeverOverQuota(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "mixer", "联谊会:4", care.Rules{}, care.Weights{})
		ctxs := map[int64]context.Context{}
		for i := 0; i < 24; i++ {
			_, ctx := e.worker(t, fmt.Sprintf("青年%02d", i), "member", "1998-01-01", "")
			g, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: a.Sessions[0].ID})
			if err != nil {
				t.Fatal(err)
			}
			ctxs[g.ID] = ctx
		}
		e.env.Clock.Advance(25 * time.Hour)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		cancelled := 0
		for round := 0; round < 4; round++ {
			offered := idsWith(t, db, a.ID, "offered")
			nextRanks := ranksWith(t, db, a.ID, "waitlist")
			var wg sync.WaitGroup
			for i, id := range offered {
				wg.Add(1)
				go func(i int, id int64) {
					defer wg.Done()
					var err error
					if i%2 == 0 {
						err = e.env.App.Care.Cancel(ctxs[id], id)
					} else {
						err = e.env.App.Care.Confirm(ctxs[id], id)
					}
					if err != nil {
						t.Errorf("round %d sign-up %d: %v", round, id, err)
					}
				}(i, id)
			}
			wg.Wait()
			cancelled += (len(offered) + 1) / 2
			var placed, held int
			db.QueryRow(sys, `SELECT placed FROM care_sessions WHERE id = ?`, a.Sessions[0].ID).Scan(&placed)
			db.QueryRow(sys, `SELECT COUNT(*) FROM care_signups WHERE activity_id = ? AND status IN ('offered', 'confirmed')`, a.ID).Scan(&held)
			if placed != held || held > 4 {
				t.Fatalf("round %d: placed %d, held %d, quota 4", round, placed, held)
			}
			if held != 4 {
				t.Fatalf("round %d: %d places held with %d still waiting", round, held, len(nextRanks))
			}
			promoted := ranksWith(t, db, a.ID, "offered")
			for i, r := range promoted {
				if r != nextRanks[i] {
					t.Fatalf("round %d: promoted ranks %v, want the first of the waitlist %v", round, promoted, nextRanks[:len(promoted)])
				}
			}
		}
		var n int
		db.QueryRow(sys, `SELECT COUNT(*) FROM care_signups WHERE activity_id = ? AND status = 'cancelled'`, a.ID).Scan(&n)
		if n != cancelled {
			t.Fatalf("%d cancelled, want %d", n, cancelled)
		}
	})
}

func idsWith(t *testing.T, db *platform.DB, activity int64, status string) []int64 {
	t.Helper()
	rows, err := db.Query(sys, `SELECT id FROM care_signups WHERE activity_id = ? AND status = ? ORDER BY draw_rank`, activity, status)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		out = append(out, id)
	}
	return out
}

func ranksWith(t *testing.T, db *platform.DB, activity int64, status string) []int {
	t.Helper()
	rows, err := db.Query(sys, `SELECT draw_rank FROM care_signups WHERE activity_id = ? AND status = ? ORDER BY draw_rank`, activity, status)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var r int
		rows.Scan(&r)
		out = append(out, r)
	}
	return out
}

// TestSignup_ChildcareChildFromHousehold: a childcare class takes a child of
// the worker's own household within the class's age range.
func TestSignup_ChildcareChildFromHousehold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "childcare", "暑期托管班:30", care.Rules{ChildMinAge: 6, ChildMaxAge: 12}, care.Weights{})
		parent, ctx := e.worker(t, "家长", "member", "1988-01-01", "")
		other, _ := e.worker(t, "邻居", "member", "1988-01-01", "")
		today := e.env.Clock.Now().In(platform.Shanghai)
		child := func(worker int64, years int) int64 {
			var id int64
			err := db.QueryRow(sys, `INSERT INTO household_members (worker_id, relation, name, birth_date, created_at)
				VALUES (?, 'child', '小朋友', ?, ?) RETURNING id`, worker, today.AddDate(-years, 0, -1).Format("2006-01-02"), today.UTC()).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		teen, kid, neighbours := child(parent, 14), child(parent, 8), child(other, 8)
		s := a.Sessions[0].ID
		if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: s, ChildID: neighbours}); code(err) != "child_id:care.err.child" {
			t.Errorf("a neighbour's child: %v", err)
		}
		if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: s, ChildID: teen}); code(err) != "care.rule.child_age" {
			t.Errorf("a 14-year-old: %v", err)
		}
		if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: s, ChildID: kid}); err != nil {
			t.Errorf("an 8-year-old of the household: %v", err)
		}
	})
}

// TestDraw_HardshipPriorityComesFromRelief: a worker whose household has an
// open file in relief's hardship archive gets the activity's hardship weight at
// the draw; one whose file was closed does not. Care asks relief through its
// interface, in one batch for the whole draw.
func TestDraw_HardshipPriorityComesFromRelief(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "nye_dinner", "一期:5", care.Rules{}, care.Weights{Hardship: 3})
		now := e.env.Clock.Now().UTC()
		weights := map[string]int64{}
		ids := map[string]int64{}
		for _, name := range []string{"困难户", "已脱困", "普通职工"} {
			id, ctx := e.worker(t, name, "member", "1990-01-01", "")
			ids[name] = id
			if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: a.Sessions[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		for name, status := range map[string]string{"困难户": "open", "已脱困": "exited"} {
			if _, err := db.Exec(sys, `INSERT INTO relief_archive (city_id, worker_id, org_id, org_path, status, opened_at, updated_at)
				VALUES (?, ?, ?, '/', ?, ?, ?)`, e.env.Info.Tree.City, ids[name], e.env.Info.Tree.Gulou, status, now, now); err != nil {
				t.Fatal(err)
			}
		}
		e.env.Clock.Advance(25 * time.Hour)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		for name, id := range ids {
			var w int64
			if err := db.QueryRow(sys, `SELECT weight FROM care_signups WHERE worker_id = ?`, id).Scan(&w); err != nil {
				t.Fatal(err)
			}
			weights[name] = w
		}
		if weights["困难户"] != weights["普通职工"]+3 || weights["已脱困"] != weights["普通职工"] {
			t.Fatalf("draw weights %v: the open hardship file should add 3, the closed one nothing", weights)
		}
	})
}

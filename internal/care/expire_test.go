package care_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestExpireOffers_TwoInstancesPromoteOnce: a winner who lets the deadline
// pass loses the place to the first on the waitlist, with no one looking; two
// instances sweeping the same database at the same moment expire it once and
// promote exactly one waiting worker, round after round, on both engines.
func TestExpireOffers_TwoInstancesPromoteOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "recuperation", "疗休养:1", care.Rules{}, care.Weights{})
		for i := 0; i < 5; i++ {
			_, ctx := e.worker(t, fmt.Sprintf("疗养%02d", i), "member", "1980-01-01", "")
			if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: a.Sessions[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		e.env.Clock.Advance(25 * time.Hour)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		// a second instance: its own connections and store on the same database
		db2, err := platform.Open(context.Background(), db.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer db2.Close()
		other := care.NewStore(db2, e.env.Clock, make([]byte, 32), e.env.App.Photos)
		if n, err := e.env.App.Care.ExpireOffers(context.Background(), e.env.Clock.Now()); err != nil || n != 0 {
			t.Fatalf("before the deadline: %d expired, %v", n, err)
		}
		for round := 1; round <= 3; round++ {
			waiting := ranksWith(t, db, a.ID, "waitlist")
			e.env.Clock.Advance(3*24*time.Hour + time.Minute)
			var wg sync.WaitGroup
			counts := make([]int, 4)
			for i := range counts {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					s := e.env.App.Care
					if i%2 == 1 {
						s = other
					}
					n, err := s.ExpireOffers(context.Background(), e.env.Clock.Now())
					if err != nil {
						t.Errorf("round %d sweep %d: %v", round, i, err)
					}
					counts[i] = n
				}(i)
			}
			wg.Wait()
			if sum := counts[0] + counts[1] + counts[2] + counts[3]; sum != 1 {
				t.Fatalf("round %d: the sweeps expired %v offers in all, want 1", round, counts)
			}
			if got := ranksWith(t, db, a.ID, "offered"); !slices.Equal(got, waiting[:1]) {
				t.Fatalf("round %d: offered ranks %v, want the first waiting %v", round, got, waiting[:1])
			}
			var placed, expired int
			db.QueryRow(sys, `SELECT placed FROM care_sessions WHERE id = ?`, a.Sessions[0].ID).Scan(&placed)
			db.QueryRow(sys, `SELECT COUNT(*) FROM care_signups WHERE activity_id = ? AND status = 'expired'`, a.ID).Scan(&expired)
			if placed != 1 || expired != round {
				t.Fatalf("round %d: placed %d, expired %d", round, placed, expired)
			}
			if n := auditCount(t, e.env, "care.activity.expire", a.ID); n != round {
				t.Fatalf("round %d: %d audit rows, want one per sweep that expired something", round, n)
			}
		}
		var actor string
		db.QueryRow(sys, `SELECT actor_kind FROM audit_log WHERE action = 'care.activity.expire' ORDER BY id DESC LIMIT 1`).Scan(&actor)
		if actor != "system" {
			t.Errorf("expiry audited as %q, want the system", actor)
		}
	})
}

// TestSweep_ExpiresOffers: the periodic sweep `serve` runs is what expires
// offers, so a place moves on without anybody opening a page.
func TestSweep_ExpiresOffers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "mixer", "联谊会:1", care.Rules{}, care.Weights{})
		for i := 0; i < 2; i++ {
			_, ctx := e.worker(t, fmt.Sprintf("青年%02d", i), "member", "1998-01-01", "")
			if _, err := e.env.App.Care.SignUp(ctx, a.ID, care.SignupInput{SessionID: a.Sessions[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		e.env.Clock.Advance(25 * time.Hour)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		first := idsWith(t, db, a.ID, "offered")
		e.env.Clock.Advance(4 * 24 * time.Hour)
		if err := e.env.App.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := idsWith(t, db, a.ID, "expired"); !slices.Equal(got, first) {
			t.Fatalf("expired %v, want %v", got, first)
		}
		if got := idsWith(t, db, a.ID, "offered"); len(got) != 1 || got[0] == first[0] {
			t.Fatalf("offered after the sweep: %v", got)
		}
	})
}

// TestExpireOffers_WhileWinnersWithdraw: the sweep runs while winners whose
// deadline has just passed withdraw; neither fails (no deadlock on
// PostgreSQL), each freed place goes to exactly one waiting worker, and the
// quota holds.
func TestExpireOffers_WhileWinnersWithdraw(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "mixer", "联谊会:4", care.Rules{}, care.Weights{})
		ctxs := map[int64]context.Context{}
		for i := 0; i < 16; i++ {
			_, ctx := e.worker(t, fmt.Sprintf("联谊%02d", i), "member", "1995-01-01", "")
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
		for round := 0; round < 3; round++ {
			e.env.Clock.Advance(3*24*time.Hour + time.Minute)
			offered := idsWith(t, db, a.ID, "offered")
			var wg sync.WaitGroup
			for i, id := range offered {
				wg.Add(1)
				go func(i int, id int64) {
					defer wg.Done()
					var err error
					if i%2 == 0 {
						err = e.env.App.Care.Cancel(ctxs[id], id)
					} else {
						_, err = e.env.App.Care.ExpireOffers(context.Background(), e.env.Clock.Now())
					}
					if err != nil && code(err) != "care.err.cannot_cancel" {
						t.Errorf("round %d: %v", round, err)
					}
				}(i, id)
			}
			wg.Wait()
			if _, err := e.env.App.Care.ExpireOffers(context.Background(), e.env.Clock.Now()); err != nil {
				t.Fatal(err)
			}
			var placed, held int
			db.QueryRow(sys, `SELECT placed FROM care_sessions WHERE id = ?`, a.Sessions[0].ID).Scan(&placed)
			db.QueryRow(sys, `SELECT COUNT(*) FROM care_signups WHERE activity_id = ? AND status IN ('offered', 'confirmed')`, a.ID).Scan(&held)
			if placed != held || held != 4 {
				t.Fatalf("round %d: placed %d, held %d, want 4 and 4", round, placed, held)
			}
			for _, id := range idsWith(t, db, a.ID, "offered") {
				if slices.Contains(offered, id) {
					t.Fatalf("round %d: sign-up %d still holds a lapsed offer", round, id)
				}
			}
		}
	})
}

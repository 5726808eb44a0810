package care_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"zhijia/internal/care"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// TestAttend_ConfirmedOnlyOnceCounted: only a worker holding a confirmed place
// checks in at the activity, once; a code for another activity is refused;
// the console shows confirmed and attended counts.
func TestAttend_ConfirmedOnlyOnceCounted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		e := newActEnv(t, db)
		a := e.activity(t, "nye_dinner", "除夕场:2", care.Rules{}, care.Weights{})
		other := e.activity(t, "mixer", "场次:2", care.Rules{}, care.Weights{})
		_, yes := e.worker(t, "确认者", "member", "1990-01-01", "")
		_, no := e.worker(t, "未确认", "member", "1990-01-01", "")
		gy, _ := e.env.App.Care.SignUp(yes, a.ID, care.SignupInput{SessionID: a.Sessions[0].ID})
		e.env.App.Care.SignUp(no, a.ID, care.SignupInput{SessionID: a.Sessions[0].ID})
		e.env.Clock.Advance(25 * time.Hour)
		if _, err := e.env.App.Care.Draw(e.staff, a.ID, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.env.App.Care.Confirm(yes, gy.ID); err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(e.env.App.Care.AttendPath(a.ID))
		tok := u.Query().Get("t")
		otherTok, _ := url.Parse(e.env.App.Care.AttendPath(other.ID))
		if _, err := e.env.App.Care.Attend(yes, a.ID, otherTok.Query().Get("t")); code(err) != "care.err.qr" {
			t.Errorf("another activity's code: %v", err)
		}
		if _, err := e.env.App.Care.Attend(no, a.ID, tok); code(err) != "care.err.not_confirmed" {
			t.Errorf("an offered, unconfirmed place: %v", err)
		}
		for i := 0; i < 2; i++ {
			g, err := e.env.App.Care.Attend(yes, a.ID, tok)
			if err != nil || g.AttendedAt == nil {
				t.Fatalf("check-in %d: %v", i+1, err)
			}
		}
		c := e.env.Staff(t, "gulou.clerk")
		contains(t, c.Get(fmt.Sprintf("/console/care/activities/%d", a.ID)).Body, "已确认 1 人，到场 1 人")
		if qr := c.Get(fmt.Sprintf("/console/care/activities/%d/qr.png", a.ID)); qr.Header.Get("Content-Type") != "image/png" {
			t.Errorf("activity QR: HTTP %d", qr.Status)
		}
	})
}

package app

import (
	"context"
	"fmt"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/points"
	"zhijia/internal/web"
)

// SweepEvery is how often expired sessions, codes, rate-limit windows and
// idempotency keys are cleared, and activity offers past their deadline expire.
const SweepEvery = 10 * time.Minute

// Sweep clears what has expired. Every instance may run it: the deletes are
// idempotent, so several instances sharing one database need no coordination.
func (a *App) Sweep(ctx context.Context) error {
	if err := a.Auth.Sweep(ctx); err != nil {
		return err
	}
	cutoff := a.Clock.Now().UTC().Add(-web.IdempotencyTTL)
	if _, err := a.DB.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, cutoff); err != nil {
		return fmt.Errorf("app: sweep idempotency keys: %w", err)
	}
	// Rows staged by an import that died (a finished import removes its own).
	if _, err := a.DB.Exec(ctx, `DELETE FROM import_staging WHERE created_at < ?`, cutoff); err != nil {
		return fmt.Errorf("app: sweep import staging: %w", err)
	}
	// Activity offers not confirmed in time pass to the waitlist (guarded
	// updates: several instances may sweep at once).
	if _, err := a.Care.ExpireOffers(ctx, a.Clock.Now()); err != nil {
		return fmt.Errorf("app: sweep care offers: %w", err)
	}
	return nil
}

// Maintain runs what a server does in the background until ctx ends: the
// leaderboards' fold, the dashboard's refresh and Sweep every SweepEvery.
func (a *App) Maintain(ctx context.Context) {
	go a.Points.FoldEvery(ctx, points.FoldInterval, a.Logger.Error) // the leaderboards' queue (points.Store.Fold)
	go a.Dashboard.KeepFresh(ctx, a.Logger.Error)                   // live figures' cells (dashboard cache.go)
	platform.Every(ctx, SweepEvery, "sweep", a.Logger.Error, a.Sweep)
}

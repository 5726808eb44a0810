package relief

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func archiveOf(t *testing.T, f *fixture, worker int64) *Archive {
	t.Helper()
	var id int64
	if err := f.db.QueryRow(context.Background(), `SELECT id FROM relief_archive WHERE worker_id = ?`, worker).Scan(&id); err != nil {
		t.Fatalf("no archive file: %v", err)
	}
	a, err := f.store.ArchiveFile(f.staff(t, 3, f.gulou()), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A household is filed on approval (one file however many grants), exits after
// six months above 低保 with the cause gone and not after five, and a new
// approval re-opens the file with its history.
func TestArchive_FileExitAfterSixMonthsAndReopen(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		app := f.approved(t, "w1")
		file := archiveOf(t, f, app.WorkerID)
		if file.Status != "open" || file.Category != Deep || file.NextReviewOn != "2027-03-02" || len(file.Events) != 1 {
			t.Fatalf("filed: %+v", file)
		}
		wantHardship(t, f, app.WorkerID, true)
		district := f.staff(t, 3, f.gulou())
		for i := 1; i <= 5; i++ {
			exited, err := f.store.ReviewArchive(district, file.ID, ArchiveReview{Version: archiveOf(t, f, app.WorkerID).Version,
				Month: fmt.Sprintf("2026-%02d", i), PerCapita: dibao + 1, CauseGone: true})
			if err != nil || exited {
				t.Fatalf("month %d: exited=%v %v", i, exited, err)
			}
		}
		if got := archiveOf(t, f, app.WorkerID); got.Status != "open" {
			t.Fatalf("exited after five months")
		}
		exited, err := f.store.ReviewArchive(district, file.ID, ArchiveReview{Version: archiveOf(t, f, app.WorkerID).Version,
			Month: "2026-06", PerCapita: dibao + 1, CauseGone: true, Note: "已康复返岗"})
		if err != nil || !exited {
			t.Fatalf("sixth month: exited=%v %v", exited, err)
		}
		closed := archiveOf(t, f, app.WorkerID)
		if closed.Status != "exited" || closed.ExitedAt == nil {
			t.Fatalf("after exit: %+v", closed)
		}
		wantHardship(t, f, app.WorkerID, false)
		if _, err := f.store.ReviewArchive(district, file.ID, ArchiveReview{Version: closed.Version}); platform.ErrorCode(err) != platform.CodeConflict {
			t.Fatalf("reviewing a closed file: %v", err)
		}
		// The household falls back: a new application, approved, re-opens the file.
		f.clock.Advance(30 * 24 * time.Hour)
		members, _ := f.store.householdIDs(context.Background(), app.WorkerID)
		again := f.apply(t, app.WorkerID, members, "again")
		f.approveThrough(t, again.ID)
		reopened := archiveOf(t, f, app.WorkerID)
		if reopened.ID != file.ID || reopened.Status != "open" || reopened.Reopened != 1 || len(reopened.Events) != 8 || reopened.Events[7].Action != "reopened" {
			t.Fatalf("re-opened: %+v", reopened)
		}
		wantHardship(t, f, app.WorkerID, true)
		var files int
		db.QueryRow(context.Background(), `SELECT COUNT(*) FROM relief_archive WHERE worker_id = ?`, app.WorkerID).Scan(&files)
		if files != 1 {
			t.Errorf("%d files for one household", files)
		}
	})
}

func TestArchive_GapResetsTheRunAndDecisionExits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		app := f.approved(t, "w1")
		district := f.staff(t, 3, f.gulou())
		id := archiveOf(t, f, app.WorkerID).ID
		for _, m := range []string{"2026-01", "2026-02", "2026-03", "2026-05", "2026-06", "2026-07", "2026-08"} {
			exited, err := f.store.ReviewArchive(district, id, ArchiveReview{Version: archiveOf(t, f, app.WorkerID).Version, Month: m,
				PerCapita: dibao * 2, CauseGone: true})
			if err != nil || exited {
				t.Fatalf("%s: exited=%v %v (April is missing: not six in a row)", m, exited, err)
			}
		}
		if err := f.store.ExitArchive(f.staff(t, 5, f.tree.Districts["350103"]), id, 1, "x"); platform.ErrorCode(err) != platform.CodeNotFound {
			t.Fatalf("sibling closing the file: %v", err)
		}
		if err := f.store.ExitArchive(district, id, archiveOf(t, f, app.WorkerID).Version, ""); platform.ErrorCode(err) != platform.CodeInvalid {
			t.Fatalf("exit without a reason: %v", err)
		}
		must(t, f.store.ExitArchive(district, id, archiveOf(t, f, app.WorkerID).Version, "子女已工作，家庭收入稳定"))
		must(t, f.store.ReopenArchive(district, id, archiveOf(t, f, app.WorkerID).Version, "再次失业"))
		if got := archiveOf(t, f, app.WorkerID); got.Status != "open" || got.Reopened != 1 {
			t.Fatalf("reopen: %+v", got)
		}
	})
}

// wantHardship checks what other programmes are told about the household.
func wantHardship(t *testing.T, f *fixture, workerID int64, want bool) {
	t.Helper()
	if got, err := f.store.InHardshipArchive(context.Background(), workerID); err != nil || got != want {
		t.Fatalf("InHardshipArchive(%d) = %v, %v; want %v", workerID, got, err, want)
	}
	// The batch form, asked about a few workers and about a whole activity's
	// sign-ups (read another way), agrees.
	long := []int64{workerID}
	for id := int64(1); len(long) <= hardshipScanFrom; id++ {
		if id != workerID {
			long = append(long, id+1_000_000)
		}
	}
	for _, ids := range [][]int64{{workerID, workerID + 1_000_000}, long} {
		got, err := f.store.InHardshipArchiveAll(context.Background(), ids)
		if err != nil || got[workerID] != want || len(got) > 1 {
			t.Fatalf("InHardshipArchiveAll of %d workers = %v, %v; want %d: %v", len(ids), got, err, workerID, want)
		}
	}
}

package relief

import (
	"testing"
	"time"

	"zhijia/internal/dashboard"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// The archive at both ends of a year and the households in and out during it,
// in the year report and in the dashboard's figures alike: an exit and a
// re-opening in a later year move the counts of the right year only.
func TestReport_ArchiveAtBothEndsAndInOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		f := newFixture(t, db)
		a := f.approved(t, "w1")
		f.approved(t, "w2")
		district := f.staff(t, 3, f.gulou())
		fileA := archiveOf(t, f, a.WorkerID)
		must(t, f.store.ExitArchive(district, fileA.ID, fileA.Version, "子女已工作，家庭收入稳定"))
		f.clock.Advance(365 * 24 * time.Hour) // 2027
		must(t, f.store.ReopenArchive(district, fileA.ID, archiveOf(t, f, a.WorkerID).Version, "再次失业"))
		city := f.staff(t, 4, f.tree.City)
		want := map[int][4]int{2025: {0, 0, 0, 0}, 2026: {0, 2, 1, 1}, 2027: {1, 1, 0, 2}}
		figs := map[string]dashboard.Figure{}
		for _, fig := range Figures() {
			figs[fig.Key] = fig
		}
		for year, w := range want {
			r, err := f.store.Report(city, year)
			if err != nil {
				t.Fatal(err)
			}
			if got := [4]int{r.ArchiveStart, r.Filed, r.Exited, r.ArchiveEnd}; got != w {
				t.Errorf("%d report: start, in, out, end = %v, want %v", year, got, w)
			}
			q := dashboard.NewQuery(year, f.tree.City, f.path(t, f.tree.City), f.path(t, f.tree.Taijiang))
			var got [4]int
			for i, key := range []string{"relief.archive_start", "relief.archive_in", "relief.archive_out", "relief.archive_end"} {
				vals, err := figs[key].Compute(city, db, q)
				if err != nil {
					t.Fatal(err)
				}
				if vals[1] != 0 {
					t.Errorf("%d %s: %d in 台江's subtree, want 0", year, key, vals[1])
				}
				got[i] = int(vals[0])
			}
			if got != w {
				t.Errorf("%d figures: start, in, out, end = %v, want %v", year, got, w)
			}
		}
	})
}

package relief

import (
	"context"
	"fmt"

	"zhijia/internal/platform"
)

// InHardshipArchive reports whether the worker's household has an open file in
// the hardship archive. It is what other programmes ask (care gives such
// households priority in activity lotteries), so they never read relief's tables.
func (s *Store) InHardshipArchive(ctx context.Context, workerID int64) (bool, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM relief_archive WHERE worker_id = ? AND status = 'open'`, workerID).Scan(&n); err != nil {
		return false, fmt.Errorf("relief: hardship archive of worker %d: %w", workerID, err)
	}
	return n > 0, nil
}

// InHardshipArchiveAll answers InHardshipArchive for many workers at once (a
// draw over a whole activity's sign-ups). A long list reads the open files
// once (the archive holds a city's hardship households: thousands, not a
// million) instead of hundreds of IN lists, which PostgreSQL without planner
// statistics filters row by row; a short one asks a few hundred at a time.
func (s *Store) InHardshipArchiveAll(ctx context.Context, workerIDs []int64) (map[int64]bool, error) {
	if len(workerIDs) > hardshipScanFrom {
		return s.openFilesAmong(ctx, workerIDs)
	}
	out := map[int64]bool{}
	for lo := 0; lo < len(workerIDs); lo += 500 {
		part := workerIDs[lo:min(lo+500, len(workerIDs))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		err := s.collectWorkers(ctx, out, nil, `SELECT worker_id FROM relief_archive WHERE status = 'open' AND worker_id IN (`+
			platform.Placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// hardshipScanFrom is the list length from which reading every open file is cheaper.
const hardshipScanFrom = 2000

func (s *Store) openFilesAmong(ctx context.Context, workerIDs []int64) (map[int64]bool, error) {
	want := make(map[int64]bool, len(workerIDs))
	for _, id := range workerIDs {
		want[id] = true
	}
	out := map[int64]bool{}
	return out, s.collectWorkers(ctx, out, want, `SELECT worker_id FROM relief_archive WHERE status = 'open'`)
}

// collectWorkers adds the worker ids the query returns to out (those in want, if given).
func (s *Store) collectWorkers(ctx context.Context, out, want map[int64]bool, q string, args ...any) error {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("relief: hardship archive: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("relief: hardship archive: %w", err)
		}
		if want == nil || want[id] {
			out[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("relief: hardship archive: %w", err)
	}
	return nil
}

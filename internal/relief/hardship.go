package relief

import (
	"context"
	"fmt"
	"strings"
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
// draw over a whole activity's sign-ups), a few hundred per query.
func (s *Store) InHardshipArchiveAll(ctx context.Context, workerIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	for lo := 0; lo < len(workerIDs); lo += 500 {
		part := workerIDs[lo:min(lo+500, len(workerIDs))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, `SELECT worker_id FROM relief_archive WHERE status = 'open' AND worker_id IN (`+
			strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("relief: hardship archive: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("relief: hardship archive: %w", err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("relief: hardship archive: %w", err)
		}
	}
	return out, nil
}

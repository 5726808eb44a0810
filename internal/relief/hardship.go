package relief

import (
	"context"
	"fmt"
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

package audit

import (
	"context"
	"fmt"

	"zhijia/internal/platform"
)

// Problem is one finding of Verify, naming the row it concerns.
type Problem struct {
	Chain   int64
	Seq     int64
	RowID   int64  // 0 when the row is missing
	Kind    string // "altered", "missing", "relinked"
	Message string
}

// Verify walks every chain and reports rows altered, removed or re-linked.
func Verify(ctx context.Context, db *platform.DB) (checked int, problems []Problem, err error) {
	heads := map[int64][2]any{}
	rows, err := db.Query(ctx, `SELECT chain, seq, hash FROM audit_heads ORDER BY chain`)
	if err != nil {
		return 0, nil, fmt.Errorf("audit: read heads: %w", err)
	}
	for rows.Next() {
		var c, s int64
		var h string
		if err := rows.Scan(&c, &s, &h); err != nil {
			rows.Close()
			return 0, nil, err
		}
		heads[c] = [2]any{s, h}
	}
	rows.Close()
	for chain := int64(0); chain < Chains; chain++ {
		n, p, err := verifyChain(ctx, db, chain)
		if err != nil {
			return checked, problems, err
		}
		checked += n
		problems = append(problems, p...)
		head, ok := heads[chain]
		if !ok {
			problems = append(problems, Problem{Chain: chain, Kind: "missing", Message: fmt.Sprintf("chain %d: head row missing", chain)})
			continue
		}
		if last := maxSeq(ctx, db, chain); last < head[0].(int64) {
			problems = append(problems, Problem{Chain: chain, Seq: last + 1, Kind: "missing",
				Message: fmt.Sprintf("chain %d: rows seq %d..%d removed from the end", chain, last+1, head[0].(int64))})
		}
	}
	return checked, problems, nil
}

func maxSeq(ctx context.Context, db *platform.DB, chain int64) int64 {
	var s int64
	_ = db.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM audit_log WHERE chain = ?`, chain).Scan(&s)
	return s
}

func verifyChain(ctx context.Context, db *platform.DB, chain int64) (int, []Problem, error) {
	rows, err := db.Query(ctx, `SELECT id, chain, seq, at, actor_kind, actor_id, actor_name, org_id, org_path,
		action, entity_type, entity_id, summary, ip, request_id, prev_hash, hash
		FROM audit_log WHERE chain = ? ORDER BY seq`, chain)
	if err != nil {
		return 0, nil, fmt.Errorf("audit: read chain %d: %w", chain, err)
	}
	defer rows.Close()
	var problems []Problem
	n := 0
	wantSeq, prevHash := int64(1), ""
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.Chain, &r.Seq, &r.At, &r.ActorKind, &r.ActorID, &r.ActorName, &r.OrgID,
			&r.OrgPath, &r.Action, &r.EntityType, &r.EntityID, &r.Summary, &r.IP, &r.RequestID, &r.PrevHash, &r.Hash); err != nil {
			return n, problems, err
		}
		n++
		if r.Seq != wantSeq {
			problems = append(problems, Problem{Chain: chain, Seq: wantSeq, Kind: "missing",
				Message: fmt.Sprintf("chain %d: rows seq %d..%d removed (before row id %d)", chain, wantSeq, r.Seq-1, r.ID)})
		} else if r.PrevHash != prevHash {
			problems = append(problems, Problem{Chain: chain, Seq: r.Seq, RowID: r.ID, Kind: "relinked",
				Message: fmt.Sprintf("row id %d (chain %d seq %d): link to the previous row is broken", r.ID, chain, r.Seq)})
		}
		if r.ComputeHash() != r.Hash {
			problems = append(problems, Problem{Chain: chain, Seq: r.Seq, RowID: r.ID, Kind: "altered",
				Message: fmt.Sprintf("row id %d (chain %d seq %d, %s): content altered", r.ID, chain, r.Seq, r.Action)})
		}
		wantSeq, prevHash = r.Seq+1, r.Hash
	}
	return n, problems, rows.Err()
}

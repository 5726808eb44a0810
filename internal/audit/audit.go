// Package audit keeps the append-only, hash-chained log of every staff action and
// every reveal of personal data, written in the same transaction as the change.
//
// The log is striped over Chains hash chains. Each chain has a head row
// (audit_heads) that a writer updates in its own transaction: the update locks only
// that head, so on PostgreSQL concurrent writers queue only when they land on the
// same chain, never on one lock for the whole system. A transaction's entries all
// go to the chain of its actor, so one transaction never holds two heads (no
// deadlocks), and one actor's entries stay in order.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/platform"
)

// Chains is the number of hash chains the log is striped over.
const Chains = 16

// Entry is one audited action. Summary describes before/after and never holds the
// clear text of personal data.
type Entry struct {
	Action     string // e.g. "org.create", "auth.login", "people.reveal"
	EntityType string
	EntityID   string
	OrgID      int64  // the org the action concerns; defaults to the actor's
	OrgPath    string // its path, so auditors can filter by subtree
	Summary    string
}

// Row is a stored entry.
type Row struct {
	ID         int64
	Chain, Seq int64
	At         time.Time
	ActorKind  string
	ActorID    int64
	ActorName  string
	OrgID      int64
	OrgPath    string
	Action     string
	EntityType string
	EntityID   string
	Summary    string
	IP         string
	RequestID  string
	PrevHash   string
	Hash       string
}

// Record appends e to the log inside tx, as the actor in ctx, at now.
func Record(ctx context.Context, tx *platform.Tx, now time.Time, e Entry) error {
	a := platform.ActorFrom(ctx)
	if a == nil {
		a = platform.System("unknown")
	}
	r := Row{
		Chain: chainOf(a), At: now.UTC().Truncate(time.Microsecond),
		ActorKind: a.Kind, ActorID: actorID(a), ActorName: a.Name,
		OrgID: e.OrgID, OrgPath: e.OrgPath, Action: e.Action,
		EntityType: e.EntityType, EntityID: e.EntityID, Summary: e.Summary,
		IP: a.IP, RequestID: a.RequestID,
	}
	if r.OrgID == 0 {
		r.OrgID, r.OrgPath = a.OrgID, a.OrgPath
	}
	// Taking the head's row lock first serialises writers of this chain only; the
	// same statement hands back the new sequence number and the previous hash.
	if err := tx.QueryRow(ctx, `UPDATE audit_heads SET seq = seq + 1 WHERE chain = ? RETURNING seq, hash`, r.Chain).
		Scan(&r.Seq, &r.PrevHash); err != nil {
		return fmt.Errorf("audit: lock chain %d: %w", r.Chain, err)
	}
	r.Hash = r.ComputeHash()
	if _, err := tx.Exec(ctx, `UPDATE audit_heads SET hash = ? WHERE chain = ?`, r.Hash, r.Chain); err != nil {
		return fmt.Errorf("audit: advance chain %d: %w", r.Chain, err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (chain, seq, at, actor_kind, actor_id, actor_name, org_id, org_path,
		action, entity_type, entity_id, summary, ip, request_id, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Chain, r.Seq, r.At, r.ActorKind, r.ActorID, r.ActorName, r.OrgID, r.OrgPath,
		r.Action, r.EntityType, r.EntityID, r.Summary, r.IP, r.RequestID, r.PrevHash, r.Hash)
	if err != nil {
		return fmt.Errorf("audit: insert: %w", err)
	}
	return nil
}

// ComputeHash is the row's hash over its fields and the previous row's hash.
func (r *Row) ComputeHash() string {
	fields := []string{
		r.PrevHash, strconv.FormatInt(r.Chain, 10), strconv.FormatInt(r.Seq, 10),
		r.At.UTC().Format(time.RFC3339Nano), r.ActorKind, strconv.FormatInt(r.ActorID, 10), r.ActorName,
		strconv.FormatInt(r.OrgID, 10), r.OrgPath, r.Action, r.EntityType, r.EntityID, r.Summary,
		r.IP, r.RequestID,
	}
	sum := sha256.Sum256([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(sum[:])
}

func actorID(a *platform.Actor) int64 {
	if a.Kind == "worker" {
		return a.WorkerID
	}
	return a.AccountID
}

func chainOf(a *platform.Actor) int64 {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d/%d", a.Kind, a.AccountID, a.WorkerID)
	return int64(h.Sum32() % Chains)
}

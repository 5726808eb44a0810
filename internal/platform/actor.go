package platform

import (
	"context"
	"strings"
)

// Actor is who is acting in a request: a staff account, a worker, a client or the system.
type Actor struct {
	Kind      string // "staff", "worker", "api", "system"
	AccountID int64  // staff account or API client's account
	WorkerID  int64
	Name      string
	Role      string
	OrgID     int64
	OrgName   string
	OrgPath   string // materialised path of the actor's org, e.g. /1/12/
	IP        string
	RequestID string
	Locale    string
}

// System is the actor for commands run from the shell.
func System(name string) *Actor { return &Actor{Kind: "system", Name: name, OrgPath: "/"} }

// Covers reports whether path lies in the actor's subtree.
func (a *Actor) Covers(path string) bool {
	if a == nil || a.OrgPath == "" {
		return false
	}
	return strings.HasPrefix(path, a.OrgPath)
}

type actorKey struct{}

// WithActor stores the actor in ctx.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or nil.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey{}).(*Actor)
	return a
}

// SubtreeRange gives the [lo, hi) bounds that select every path under prefix with
// an index range scan: '0' sorts right after '/'.
func SubtreeRange(prefix string) (lo, hi string) {
	return prefix, prefix[:len(prefix)-1] + "0"
}

// Session is a signed-in browser session, as the web layer needs it.
type Session struct {
	ID    string // the hash of the cookie token, never the token itself
	Kind  string // "staff" or "worker"
	Stage string // "full", or a step still to do: "totp", "enrol", "password"
	CSRF  string
	Actor *Actor
}

// Session stages.
const (
	StageFull     = "full"
	StageTOTP     = "totp"
	StageEnrol    = "enrol"
	StagePassword = "password"
)

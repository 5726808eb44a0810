package web

import (
	"net/http"
	"strings"

	"zhijia/internal/platform"
)

// Access says who may call a route.
type Access int

const (
	Public       Access = iota // anyone
	StaffPending               // a staff session at any sign-in stage (the sign-in steps)
	Staff                      // a fully signed-in staff session holding Route.Perm
	Worker                     // a signed-in worker on the portal
	API                        // a bearer token whose account holds Route.Perm
	WorkerAPI                  // a worker's bearer token: the portal's actions for other clients
)

func (a Access) String() string {
	return [...]string{"public", "staff-pending", "staff", "worker", "api", "worker-api"}[a]
}

// Route is one mounted route and who may call it.
type Route struct {
	Pattern string // Go 1.22 pattern, "GET /console/orgs/{id}"
	Access  Access
	Perm    string
	Doc     *APIDoc // API routes only
	// KeyStored: the handler keeps the create's idempotency key with what it
	// creates (WorkerAPIKeyed); the key is required but not stored apart.
	KeyStored bool
}

// Method and Path split the pattern.
func (r Route) Method() string { m, _, _ := strings.Cut(r.Pattern, " "); return m }
func (r Route) Path() string   { _, p, _ := strings.Cut(r.Pattern, " "); return p }

// HandlerFunc handles a request; a returned error is rendered in the user's language.
type HandlerFunc func(c *Ctx) error

// Public mounts a route anyone may call.
func (s *Server) Public(pattern string, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: Public}, h)
}

// SignIn mounts a sign-in step: a staff session at any stage.
func (s *Server) SignIn(pattern string, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: StaffPending}, h)
}

// Console mounts a console route for staff holding perm ("" = any staff).
func (s *Server) Console(pattern, perm string, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: Staff, Perm: perm}, h)
}

// Portal mounts a route for signed-in workers.
func (s *Server) Portal(pattern string, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: Worker}, h)
}

// APIRoute mounts a /api/v1 route for bearer-token clients holding perm, with its
// OpenAPI description.
func (s *Server) APIRoute(pattern, perm string, doc APIDoc, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: API, Perm: perm, Doc: &doc}, h)
}

// PublicAPI mounts a /api/v1 route anyone may call (a worker's sign-in for a
// token), with its OpenAPI description.
func (s *Server) PublicAPI(pattern string, doc APIDoc, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: Public, Doc: &doc}, h)
}

// WorkerAPI mounts a /api/v1/my/ route for a worker's bearer token: what the
// worker does on the portal, for a mini-program or another client. The handler
// finds the worker in c.Actor.WorkerID.
func (s *Server) WorkerAPI(pattern string, doc APIDoc, h HandlerFunc) {
	s.mount(Route{Pattern: pattern, Access: WorkerAPI, Doc: &doc}, h)
}

func (s *Server) mount(rt Route, h HandlerFunc) {
	s.routes = append(s.routes, rt)
	s.mux.Handle(rt.Pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.newCtx(w, r, rt)
		if err := s.authorize(c, rt); err != nil {
			s.fail(c, err)
			return
		}
		run := h
		if (rt.Access == API || rt.Access == WorkerAPI) && r.Method == http.MethodPost {
			run = func(c *Ctx) error { return s.idempotent(c, h) }
			if rt.KeyStored {
				run = func(c *Ctx) error {
					if _, err := idempotencyKey(c); err != nil {
						return err
					}
					return h(c)
				}
			}
		}
		if err := run(c); err != nil {
			s.fail(c, err)
		}
	}))
}

// authorize applies the route's access rule; it may answer with a redirect to sign in.
func (s *Server) authorize(c *Ctx, rt Route) error {
	sess := c.Session
	switch rt.Access {
	case Public:
		return nil
	case API:
		if c.Actor == nil || c.Actor.Kind != "api" {
			return platform.Errorf(platform.CodeUnauthorized, "err.unauthorized")
		}
	case WorkerAPI:
		if c.Actor == nil || c.Actor.Kind != "worker" || c.Session != nil {
			return platform.Errorf(platform.CodeUnauthorized, "err.unauthorized")
		}
		return nil
	case StaffPending:
		if sess == nil || sess.Kind != "staff" {
			return errSignIn{"/login"}
		}
		return nil
	case Staff:
		if sess == nil || sess.Kind != "staff" {
			return errSignIn{"/login"}
		}
		if sess.Stage != platform.StageFull {
			return errSignIn{"/login/next"}
		}
	case Worker:
		if sess == nil || sess.Kind != "worker" || sess.Stage != platform.StageFull {
			return errSignIn{"/portal/login"}
		}
		return nil
	}
	if rt.Perm != "" && (s.Can == nil || !s.Can(c.Actor, rt.Perm)) {
		return platform.Errorf(platform.CodeForbidden, "err.forbidden")
	}
	return nil
}

// errSignIn sends a browser to a sign-in page.
type errSignIn struct{ to string }

func (e errSignIn) Error() string { return "sign in at " + e.to }

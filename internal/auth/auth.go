// Package auth holds who may sign in and what they may do: staff accounts with one
// role each, permissions, passwords, the TOTP second factor, worker SMS sign-in,
// database sessions, the login attempt log, rate limits and API bearer tokens.
//
// This file holds the pure rules (roles, permissions, the sign-in stage machine);
// the store_*.go, session.go, sms.go and apitoken.go files hold the SQL.
package auth

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"zhijia/internal/platform"
)

// Role is a staff account's one role. System, security and audit administration
// are separate roles so no one account can both act and hide the trace.
type Role string

// The roles, in the order pages list them.
const (
	RoleAdmin    Role = "admin"    // 系统管理员: keeps the org tree
	RoleSecurity Role = "security" // 安全管理员: keeps staff accounts
	RoleAuditor  Role = "auditor"  // 审计管理员: reads and exports the audit log
	RoleClerk    Role = "clerk"    // 工作人员
	RoleReviewer Role = "reviewer" // 审核人员
	RoleExpert   Role = "expert"   // 评审专家
)

// Perm is one thing an actor may do; handlers check it with Can.
type Perm string

// The permissions.
const (
	PermOrgView      Perm = "org.view"
	PermOrgEdit      Perm = "org.edit"
	PermAccountView  Perm = "account.view"
	PermAccountEdit  Perm = "account.edit"
	PermAuditView    Perm = "audit.view"
	PermAuditExport  Perm = "audit.export"
	PermPeopleView   Perm = "people.view"   // the worker registry, masked
	PermPeopleEdit   Perm = "people.edit"   // add and edit workers
	PermPeopleReveal Perm = "people.reveal" // show one clear id number or phone, audited
	PermPortal       Perm = "portal"        // a signed-in worker's pages
	PermReliefView   Perm = "relief.view"   // relief applications, funds and the archive in the subtree
	PermReliefApply  Perm = "relief.apply"  // apply for a worker's household, answer a return
	PermReliefReview Perm = "relief.review" // decide a review step of one's own org, granting from its fund
	PermReliefSetup  Perm = "relief.setup"  // programme year, funds, 低保 and joined unions
	PermLearningView Perm = "learning.view" // question bank, events, ledgers of the subtree
	PermLearningEdit Perm = "learning.edit" // edit them
	PermCareView     Perm = "care.view"     // stations, visits, coverage
	PermCareEdit     Perm = "care.edit"     // register stations, closures, reply to feedback
	// The dashboard shows counts and sums only, across every programme, so it is
	// its own permission: a leader may read the figures without the lists.
	PermDashboardView  Perm = "dashboard.view"  // brand results of the subtree
	PermDashboardClose Perm = "dashboard.close" // freeze a finished year (city federation only)
)

// Actor kinds as platform.Actor.Kind spells them.
const (
	KindStaff  = "staff"
	KindWorker = "worker"
	KindAPI    = "api"
	KindSystem = "system"
)

// Sign-in policy.
const (
	MaxFailures     = 5                // consecutive failures that lock an account
	LockDuration    = 30 * time.Minute // how long a lock lasts
	SessionLifetime = 12 * time.Hour   // absolute session lifetime
	SMSCodeLifetime = 5 * time.Minute
	SMSMaxAttempts  = 5 // wrong entries before an SMS code is dead
	SMSResendAfter  = 60 * time.Second
)

// Roles lists every role, in display order.
func Roles() []Role {
	return []Role{RoleAdmin, RoleSecurity, RoleAuditor, RoleClerk, RoleReviewer, RoleExpert}
}

// Valid reports whether r is one of Roles().
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// Label is the catalogue key of the role's name.
func (r Role) Label() string { return "auth.role." + string(r) }

// RolePerms lists what a role may do. Every role's reach is its own org's subtree;
// the stores enforce that with Actor.Covers.
func RolePerms(r Role) []Perm {
	switch r {
	case RoleAdmin:
		return []Perm{PermOrgView, PermOrgEdit, PermPeopleView, PermPeopleEdit, PermPeopleReveal, PermReliefView, PermReliefSetup, PermLearningView, PermLearningEdit, PermCareView, PermCareEdit, PermDashboardView, PermDashboardClose}
	case RoleClerk:
		return []Perm{PermOrgView, PermOrgEdit, PermPeopleView, PermPeopleEdit, PermReliefView, PermReliefApply, PermReliefReview, PermReliefSetup, PermLearningView, PermLearningEdit, PermCareView, PermCareEdit, PermDashboardView}
	case RoleSecurity:
		return []Perm{PermOrgView, PermAccountView, PermAccountEdit}
	case RoleAuditor:
		return []Perm{PermOrgView, PermAuditView, PermAuditExport}
	case RoleReviewer:
		return []Perm{PermOrgView, PermReliefView, PermReliefReview, PermCareView, PermDashboardView}
	}
	return nil // expert: a home page only
}

// Can reports whether a may do p. Workers may only use the portal; the system
// actor (shell commands) may do anything; staff and API clients get their role's
// permissions.
func Can(a *platform.Actor, p Perm) bool {
	if a == nil {
		return false
	}
	switch a.Kind {
	case KindSystem:
		return true
	case KindWorker:
		return p == PermPortal
	case KindStaff, KindAPI:
		return p != PermPortal && slices.Contains(RolePerms(Role(a.Role)), p)
	}
	return false
}

// NormaliseUsername is the form usernames are stored and looked up in.
func NormaliseUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }

// CheckUsername returns the catalogue key of what is wrong with a normalised
// username, or "": 3–32 characters, a letter first, then letters, digits, '.', '_' or '-'.
func CheckUsername(u string) string {
	if u == "" {
		return "auth.err.username_required"
	}
	if len(u) < 3 || len(u) > 32 {
		return "auth.err.username_length"
	}
	for i, c := range u {
		letter := c >= 'a' && c <= 'z'
		ok := letter || (i > 0 && (c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'))
		if !ok {
			return "auth.err.username_chars"
		}
	}
	return ""
}

// CheckPassword returns the catalogue key of what is wrong with a new password, or
// "": at least 8 characters from at least 3 of lower case, upper case, digits and
// symbols, and not the username.
func CheckPassword(username, password string) string {
	n := len([]rune(password))
	switch {
	case password == "":
		return "auth.err.password_required"
	case n < 8:
		return "auth.err.password_short"
	case n > 128:
		return "auth.err.password_long"
	case passwordClasses(password) < 3:
		return "auth.err.password_classes"
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(username)):
		return "auth.err.password_is_username"
	}
	return ""
}

// passwordClasses counts the character classes present in pw.
func passwordClasses(pw string) int {
	var lower, upper, digit, symbol int
	for _, c := range pw {
		switch {
		case c >= '0' && c <= '9':
			digit = 1
		case unicode.IsLower(c):
			lower = 1
		case unicode.IsUpper(c):
			upper = 1
		default:
			symbol = 1
		}
	}
	return lower + upper + digit + symbol
}

// PasswordDue reports whether a password must be changed before the account may
// work: an initial or reset password, or one older than maxAge (0 = never ages).
func PasswordDue(mustChange bool, changedAt, now time.Time, maxAge time.Duration) bool {
	return mustChange || (maxAge > 0 && now.Sub(changedAt) > maxAge)
}

// The sign-in stage machine. An account with an authenticator proves it before
// anything else (so a stolen password alone cannot even change the password); an
// account without one changes a due password first, then enrols.
//
//	enrolled:     password → totp → [password] → full
//	not enrolled: password → [password] → enrol → full

// StageAfterPassword is the stage a correct password leads to. Never full.
func StageAfterPassword(passwordDue, enrolled bool) string {
	switch {
	case enrolled:
		return platform.StageTOTP
	case passwordDue:
		return platform.StagePassword
	}
	return platform.StageEnrol
}

// StageAfterTOTP is the stage a correct code (or a confirmed enrolment) leads to.
func StageAfterTOTP(passwordDue bool) string {
	if passwordDue {
		return platform.StagePassword
	}
	return platform.StageFull
}

// StageAfterPasswordChange is the stage a changed password leads to.
func StageAfterPasswordChange(enrolled bool) string {
	if enrolled {
		return platform.StageFull // the code was checked before the password stage
	}
	return platform.StageEnrol
}

package auth

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
)

func TestCan_Matrix(t *testing.T) {
	all := []Perm{PermOrgView, PermOrgEdit, PermAccountView, PermAccountEdit, PermAuditView, PermAuditExport,
		PermPeopleView, PermPeopleEdit, PermPeopleReveal, PermPortal,
		PermReliefView, PermReliefApply, PermReliefReview, PermReliefSetup}
	want := map[Role]string{
		RoleAdmin:    "org.view org.edit people.view people.edit people.reveal relief.view relief.setup",
		RoleSecurity: "org.view account.view account.edit",
		RoleAuditor:  "org.view audit.view audit.export",
		RoleClerk:    "org.view org.edit people.view people.edit relief.view relief.apply relief.review relief.setup",
		RoleReviewer: "org.view relief.view relief.review",
		RoleExpert:   "",
	}
	if len(Roles()) != len(want) {
		t.Fatalf("Roles() = %v", Roles())
	}
	for _, r := range Roles() {
		a := &platform.Actor{Kind: KindStaff, Role: string(r), OrgPath: "/1/"}
		var got []string
		for _, p := range all {
			if Can(a, p) {
				got = append(got, string(p))
			}
		}
		if strings.Join(got, " ") != want[r] {
			t.Errorf("%s can %q, want %q", r, strings.Join(got, " "), want[r])
		}
		api := &platform.Actor{Kind: KindAPI, Role: string(r)}
		for _, p := range all {
			if Can(api, p) != Can(a, p) {
				t.Errorf("api client with role %s differs from staff on %s", r, p)
			}
		}
	}
	worker := &platform.Actor{Kind: KindWorker, WorkerID: 1}
	for _, p := range all {
		if Can(worker, p) != (p == PermPortal) {
			t.Errorf("worker Can(%s) = %v", p, Can(worker, p))
		}
	}
	if !Can(platform.System("cli"), PermAccountEdit) {
		t.Error("the system actor must be able to create accounts from the shell")
	}
	if Can(nil, PermOrgView) || Can(&platform.Actor{Kind: KindStaff, Role: "root"}, PermOrgView) {
		t.Error("no actor or an unknown role must get nothing")
	}
}

func TestCheckPassword_Policy(t *testing.T) {
	for _, c := range []struct{ user, pw, want string }{
		{"zhangsan", "", "auth.err.password_required"},
		{"zhangsan", "Ab1!", "auth.err.password_short"},
		{"zhangsan", "Abcdef1", "auth.err.password_short"},
		{"zhangsan", "abcdefgh", "auth.err.password_classes"},
		{"zhangsan", "abcdefg1", "auth.err.password_classes"},
		{"zhangsan", "ABCDEFG!", "auth.err.password_classes"},
		{"zhangsan", "abcdEFGH", "auth.err.password_classes"},
		{"zhangsan", "abcdEFG1", ""},
		{"zhangsan", "abcdefg1!", ""},
		{"zhangsan", "ABCDEFG1!", ""},
		{"zhangsan", "工会密码abc1", ""}, // Chinese characters count as symbols
		{"Admin_2026", "admin_2026", "auth.err.password_is_username"},
		{"Admin_2026", "Admin_2026", "auth.err.password_is_username"},
		{"admin_2026", "ADMIN_2026x", ""},
		{"zhangsan", strings.Repeat("Ab1!", 33), "auth.err.password_long"},
	} {
		if got := CheckPassword(c.user, c.pw); got != c.want {
			t.Errorf("CheckPassword(%q, %q) = %q, want %q", c.user, c.pw, got, c.want)
		}
	}
}

func TestCheckUsername(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"zhangsan", ""}, {"li.si_2", ""}, {"", "auth.err.username_required"}, {"ab", "auth.err.username_length"},
		{"1abc", "auth.err.username_chars"}, {"张三丰", "auth.err.username_chars"}, {"a b c", "auth.err.username_chars"},
		{strings.Repeat("a", 33), "auth.err.username_length"},
	} {
		if got := CheckUsername(NormaliseUsername(c.in)); got != c.want {
			t.Errorf("CheckUsername(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHashPassword_PHCAndVerify(t *testing.T) {
	h, err := HashPassword("Welcome#2026")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Fatalf("hash %q is not in PHC format", h)
	}
	h2, _ := HashPassword("Welcome#2026")
	if h == h2 {
		t.Fatal("two hashes of one password must differ (random salt)")
	}
	for pw, want := range map[string]bool{"Welcome#2026": true, "welcome#2026": false, "": false} {
		if ok, err := VerifyPassword(h, pw); err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v", pw, ok, err)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA", strings.Replace(h, "m=19456", "m=0", 1)} {
		if _, err := VerifyPassword(bad, "x"); err == nil {
			t.Errorf("VerifyPassword accepted malformed hash %q", bad)
		}
	}
	if _, err := VerifyPassword(dummyHash, "x"); err != nil {
		t.Fatalf("the dummy hash must parse: %v", err)
	}
}

func TestTOTP_RFC6238Vectors(t *testing.T) {
	for _, c := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"}, {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
	} {
		at := time.Unix(c.unix, 0)
		if got := hotp(testSecret, uint64(TOTPStep(at)), 8); got != c.want {
			t.Errorf("8-digit code at %d = %s, want %s", c.unix, got, c.want)
		}
		if got := TOTPCode(testSecret, at); got != c.want[2:] {
			t.Errorf("TOTPCode at %d = %s, want %s", c.unix, got, c.want[2:])
		}
	}
}

func TestTOTP_SkewAndSecret(t *testing.T) {
	now := time.Unix(1_800_000_015, 0)
	for _, c := range []struct {
		at time.Time
		ok bool
	}{
		{now, true}, {now.Add(-30 * time.Second), true}, {now.Add(30 * time.Second), true},
		{now.Add(-60 * time.Second), false}, {now.Add(60 * time.Second), false},
	} {
		step, ok := matchTOTP(testSecret, TOTPCode(testSecret, c.at), now)
		if ok != c.ok || (ok && step != TOTPStep(c.at)) {
			t.Errorf("code of %v at %v: step %d ok %v", c.at, now, step, ok)
		}
	}
	s, err := NewTOTPSecret()
	if err != nil || len(s) != 32 || strings.Contains(s, "=") {
		t.Fatalf("secret %q, %v: want 32 base32 characters without padding", s, err)
	}
	if b, err := DecodeTOTPSecret(s); err != nil || len(b) != 20 {
		t.Fatalf("decode %q: %d bytes, %v", s, len(b), err)
	}
	u := OTPAuthURL("zhangsan", s)
	if !strings.HasPrefix(u, "otpauth://totp/%E8%81%8C%E5%B7%A5%E4%B9%8B%E5%AE%B6:zhangsan?") ||
		!strings.Contains(u, "secret="+s) || !strings.Contains(u, "issuer=%E8%81%8C%E5%B7%A5%E4%B9%8B%E5%AE%B6") {
		t.Fatalf("otpauth URL %s", u)
	}
}

func TestStages_NeverFullAfterPasswordAlone(t *testing.T) {
	for _, due := range []bool{false, true} {
		for _, enrolled := range []bool{false, true} {
			if StageAfterPassword(due, enrolled) == platform.StageFull {
				t.Errorf("password alone gave a full session (due=%v enrolled=%v)", due, enrolled)
			}
		}
	}
	if StageAfterPassword(true, false) != platform.StagePassword || StageAfterPassword(false, false) != platform.StageEnrol ||
		StageAfterPassword(true, true) != platform.StageTOTP {
		t.Error("stage order: enrolled accounts prove the code first; others change a due password, then enrol")
	}
	if StageAfterTOTP(true) != platform.StagePassword || StageAfterTOTP(false) != platform.StageFull ||
		StageAfterPasswordChange(true) != platform.StageFull || StageAfterPasswordChange(false) != platform.StageEnrol {
		t.Error("stages after the code and after a password change")
	}
	if !PasswordDue(false, t0.Add(-91*24*time.Hour), t0, 90*24*time.Hour) || PasswordDue(false, t0.Add(-89*24*time.Hour), t0, 90*24*time.Hour) {
		t.Error("password age")
	}
}

func TestNormaliseMobile(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"13800138000", "13800138000"}, {"+86 138 0013 8000", "13800138000"}, {"86-138-0013-8000", "13800138000"},
		{"008613800138000", "13800138000"}, {"１３８００１３８０００", "13800138000"}, {"＋８６　19912345678", "19912345678"},
		{"12800138000", ""}, {"1380013800", ""}, {"138001380001", ""}, {"23800138000", ""}, {"138-0013-800a", ""},
		{"", ""}, {"+", ""}, {"138+00138000", ""}, {"8613800138000x", ""}, {"86138001380", ""},
	} {
		got, err := NormaliseMobile(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("NormaliseMobile(%q) = %q, want an error", c.in, got)
			} else if key(err) != "auth.err.phone_invalid" {
				t.Errorf("NormaliseMobile(%q) error %v", c.in, err)
			}
			continue
		}
		if got != c.want || err != nil {
			t.Errorf("NormaliseMobile(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if m := MaskPhone("13800138000"); m != "138****8000" {
		t.Errorf("MaskPhone = %q", m)
	}
}

func FuzzNormaliseMobile(f *testing.F) {
	for _, s := range []string{"13800138000", "+86 138 0013 8000", "００８６13800138000", "86", "+", "１"} {
		f.Add(s)
	}
	mobile := regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormaliseMobile(s)
		if err != nil {
			return
		}
		if !mobile.MatchString(got) {
			t.Fatalf("NormaliseMobile(%q) = %q, not a mobile number", s, got)
		}
		if again, err := NormaliseMobile(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		if m := MaskPhone(got); len(m) != 11 || m[3:7] != "****" || m[:3] != got[:3] || m[7:] != got[7:] {
			t.Fatalf("MaskPhone(%q) = %q", got, m)
		}
	})
}

// TestMessages_Complete checks every catalogue key the package uses is defined in
// both languages, so no page shows a raw key.
func TestMessages_Complete(t *testing.T) {
	for k, v := range Messages {
		if v[0] == "" || v[1] == "" || !strings.HasPrefix(k, "auth.") {
			t.Errorf("message %q: %q", k, v)
		}
	}
	used := map[string]bool{}
	for _, r := range Roles() {
		used[r.Label()] = true
	}
	for _, p := range []Perm{PermOrgView, PermOrgEdit, PermAccountView, PermAccountEdit, PermAuditView, PermAuditExport, PermPeopleView, PermPeopleEdit, PermPeopleReveal, PermPortal} {
		used[p.Label()] = true
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	keyRE := regexp.MustCompile(`^auth\.(err|msg|role|perm|status)\.[a-z_.]+$`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "messages.go" {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && keyRE.MatchString(s) {
					used[s] = true
				}
			}
			return true
		})
	}
	for k := range used {
		if _, ok := Messages[k]; !ok {
			t.Errorf("catalogue key %q is used but not defined in messages.go", k)
		}
	}
}

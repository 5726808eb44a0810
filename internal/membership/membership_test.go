package membership

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"zhijia/internal/platform"
)

func TestMaskName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"张三明", "张*明"}, {"欧阳小明", "欧**明"}, {"李四", "李*"}, {"王", "*"}, {"", ""}, {" 陈小明 ", "陈*明"},
	} {
		if got := MaskName(c.in); got != c.want {
			t.Errorf("MaskName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckReason(t *testing.T) {
	for _, c := range []struct {
		in    string
		field string // "" = accepted
	}{
		{"单位未建会，请联系区总工会", ""}, {"", "membership.err.reason_required"}, {"   ", "membership.err.reason_required"},
		{strings.Repeat("字", 200), ""}, {strings.Repeat("字", 201), "membership.err.reason_long"},
	} {
		_, err := CheckReason(c.in)
		e, _ := platform.AsError(err)
		got := ""
		if e != nil {
			got = e.Fields["reason"]
		}
		if got != c.field {
			t.Errorf("CheckReason(%d chars): field message %q, want %q", len([]rune(c.in)), got, c.field)
		}
	}
}

// TestCardNumber_CheckDigit: a one-digit slip in a card number is noticed.
func TestCardNumber_CheckDigit(t *testing.T) {
	n := CardNumber(1234)
	if len(n) != 11 || !strings.HasPrefix(n, "0000001234") {
		t.Fatalf("card number %q", n)
	}
	if CardNumber(1235)[:10] == n[:10] || CardNumber(1234) != n {
		t.Fatal("card numbers must be stable and distinct")
	}
}

// TestSignCard_VerifiesAndCarriesClaims: the token on the card checks with the
// public key and says who, which union, since when and until when.
func TestSignCard_VerifiesAndCarriesClaims(t *testing.T) {
	keys, err := platform.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	s, err := keys.Signer()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	tok, err := SignCard(s, NewClaims(42, "陈小明", "鼓楼区某某工会", "2026-02-28", now))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := s.Verify(tok)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var c CardClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	if c.Worker != 42 || c.Name != "陈*明" || c.Union != "鼓楼区某某工会" || c.Since != "2026-02-28" ||
		c.Expires-c.IssuedAt != int64(CardValidity/time.Second) {
		t.Fatalf("claims %+v", c)
	}
	p, sig, _ := strings.Cut(tok, ".")
	tampered := p[:len(p)-2] + "xx." + sig
	if _, err := s.Verify(tampered); err == nil {
		t.Fatal("a changed token must not verify")
	}
}

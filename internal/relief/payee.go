package relief

import (
	"strings"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Payee is who the bank pays an application's aid to (收款人): their name, the
// bank (开户行) and the account number. Account is as typed on input, masked
// (6222 **** **** 1234) when read back; the clear number leaves the database
// only in the bank's file, for holders of people.reveal, audited.
type Payee struct {
	Name, Bank, Account string
}

// Empty reports whether no payee was given.
func (p Payee) Empty() bool { return p.Name == "" && p.Bank == "" && p.Account == "" }

// NormalizeAccount drops the spaces and dashes people type in card numbers.
func NormalizeAccount(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// AccountShapeOK reports whether an account number is 12 to 19 digits, the
// shape of every Chinese bank card and passbook account.
func AccountShapeOK(acc string) bool {
	if len(acc) < 12 || len(acc) > 19 {
		return false
	}
	for _, r := range acc {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// LuhnOK reports whether an all-digit number passes the Luhn check digit. UnionPay
// debit cards (62…) carry one; many passbook and older bank accounts do not, so a
// failure is a warning for reviewers, never a refusal: turning away a valid
// account would hold up a family's money, while a typo is caught by the reviewer
// who sees the warning and by the bank, which returns an unknown account.
func LuhnOK(acc string) bool {
	sum, double := 0, false
	for i := len(acc) - 1; i >= 0; i-- {
		d := int(acc[i] - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// MaskAccount shows an account's first and last four digits, never its length:
// 6222 **** **** 1234.
func MaskAccount(acc string) string {
	if len(acc) < 8 {
		return strings.Repeat("*", len(acc))
	}
	return acc[:4] + " **** **** " + acc[len(acc)-4:]
}

// maxPayeeName and maxPayeeBank cap the payee's name and bank in characters.
const maxPayeeName, maxPayeeBank = 50, 100

// validate checks a payee given in full or not at all (an application may leave
// it for staff to add on return; reviewers see it is missing). It normalises the
// account number in place. keep: an account is on file, and a blank one keeps it.
func (p *Payee) validate(v *platform.Error, keep bool) {
	p.Name, p.Bank, p.Account = strings.TrimSpace(p.Name), strings.TrimSpace(p.Bank), NormalizeAccount(p.Account)
	if p.Empty() {
		return
	}
	if keep && p.Account == "" {
		if p.Name == "" || utf8.RuneCountInString(p.Name) > maxPayeeName {
			v.Field("payee_name", "relief.err.payee_name")
		}
		if p.Bank == "" || utf8.RuneCountInString(p.Bank) > maxPayeeBank {
			v.Field("payee_bank", "relief.err.payee_bank")
		}
		return
	}
	if p.Name == "" || utf8.RuneCountInString(p.Name) > maxPayeeName {
		v.Field("payee_name", "relief.err.payee_name")
	}
	if p.Bank == "" || utf8.RuneCountInString(p.Bank) > maxPayeeBank {
		v.Field("payee_bank", "relief.err.payee_bank")
	}
	if !AccountShapeOK(p.Account) {
		v.Field("payee_account", "relief.err.payee_account")
	}
}

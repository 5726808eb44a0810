// Package membership is joining a union (入会), the electronic member card
// (电子会员卡) checked offline with a signed token, and moving a member to another
// union (转会). The worker registry (package people) holds who is a member of
// which union; this package holds the requests that change it and the decisions.
package membership

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/people"

	"zhijia/internal/platform"
)

// Status of an application (入会申请).
type Status string

const (
	Pending   Status = "pending"
	Approved  Status = "approved"
	Declined  Status = "declined"
	Withdrawn Status = "withdrawn"
)

// TransferStatus of a transfer (转会).
type TransferStatus string

const (
	TransferPending   TransferStatus = "pending"
	TransferAccepted  TransferStatus = "accepted"
	TransferDeclined  TransferStatus = "declined"
	TransferCancelled TransferStatus = "cancelled"
)

// Application is one request to join a union.
type Application struct {
	ID, CityID, WorkerID, OrgID int64
	WorkerName                  string // masked (张*明)
	OrgName                     string
	Status                      Status
	Reason                      string
	SubmittedAt                 time.Time
	DecidedByName               string
	DecidedAt                   *time.Time
	Version                     int64
}

// Transfer is one request to move a member to another union.
type Transfer struct {
	ID, WorkerID, FromOrgID, ToOrgID int64
	WorkerName                       string // masked
	FromName, ToName                 string
	RequestedKind, RequestedName     string // "worker" or "staff"
	Status                           TransferStatus
	Reason                           string
	RequestedAt                      time.Time
	DecidedByName                    string
	DecidedAt                        *time.Time
	Version                          int64
	FromPath, ToPath                 string
}

// Union is a grassroots union a worker may join.
type Union struct {
	ID       int64
	Name     string
	Employer string
	District string
	Joint    bool // a joint union of small employers (联合工会)
}

// District is a county-level federation, for picking a joint union.
type District struct {
	ID   int64
	Name string
}

// Standing is a worker's membership as the portal shows it.
type Standing struct {
	WorkerID  int64
	CityID    int64
	Name      string
	OrgID     int64
	OrgName   string
	Member    bool
	JoinedOn  string
	GroupCode string
	Employer  string
	Open      *Application // pending application, if any
	Last      *Application // latest decided application, if any
	OpenMove  *Transfer    // pending transfer, if any
	Transfers []Transfer
}

// CardClaims is what a member card's QR token carries; short names keep the
// QR code small.
type CardClaims struct {
	Worker   int64  `json:"w"`
	Name     string `json:"n"`
	Union    string `json:"o"`
	Since    string `json:"s"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
}

// CardValidity is how long a card's token is good for: short, so a card shown
// after the member left is soon refused, long enough for a day's events.
const CardValidity = 24 * time.Hour

// NewClaims builds a card for a member at now.
func NewClaims(workerID int64, name, union, since string, now time.Time) CardClaims {
	return CardClaims{Worker: workerID, Name: MaskName(name), Union: union, Since: since,
		IssuedAt: now.Unix(), Expires: now.Add(CardValidity).Unix()}
}

// SignCard returns the token for claims.
func SignCard(s *platform.Signer, c CardClaims) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	return s.Sign(b)
}

// CheckReason validates a decline reason: required, at most 200 characters.
func CheckReason(reason string) (string, error) {
	r := strings.TrimSpace(reason)
	v := platform.Invalid()
	switch {
	case r == "":
		v.Field("reason", "membership.err.reason_required")
	case utf8.RuneCountInString(r) > 200:
		v.Field("reason", "membership.err.reason_long")
	}
	return r, v.OrNil()
}

// Today is the date in Asia/Shanghai, as joined_on stores it.
func Today(now time.Time) string { return now.In(platform.Shanghai).Format("2006-01-02") }

// memberStatus is the registry's workers.member_status of a member.
const memberStatus = "member"

// MaskName is the registry's rule (张*明), so a card shows a name as every list does.
func MaskName(name string) string { return people.MaskName(name) }

// CardNumber is the number printed on a member card: the registry id, padded,
// with a check digit (Luhn) so a mistyped number is noticed.
func CardNumber(workerID int64) string {
	digits := fmt.Sprintf("%010d", workerID)
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

func shanghai() *time.Location { return platform.Shanghai }

// Into reports whether the transfer moves a member into the subtree at path
// (the receiving side, which decides); otherwise it moves them out.
func (t Transfer) Into(path string) bool { return path != "" && strings.HasPrefix(t.ToPath, path) }

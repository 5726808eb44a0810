package learning

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Reward is an item in the points mall (积分兑换).
type Reward struct {
	ID, CityID, OrgID int64
	OrgName           string
	Name, Description string
	Cost              int64
	Stock             int
	PerPerson         int // 0: no limit
	OpensAt, ClosesAt time.Time
	Active            bool
	Version           int64
	Taken             int // by the signed-in worker, on the portal
}

// Open reports whether the reward can be redeemed at now.
func (r *Reward) Open(now time.Time) bool {
	return r.Active && !now.Before(r.OpensAt) && now.Before(r.ClosesAt)
}

// RewardInput is a reward as typed.
type RewardInput struct {
	Name, Description, Cost, Stock, PerPerson, Opens, Closes string
	Version                                                  int64
}

// dateLayout is how <input type="date"> sends a day.
const dateLayout = "2006-01-02"

// Normalize validates in; the window runs from the start of the opening day to
// the end of the closing day, Shanghai time.
func (in RewardInput) Normalize() (Reward, error) {
	v := platform.Invalid()
	r := Reward{Name: strings.TrimSpace(in.Name), Description: strings.TrimSpace(in.Description), Active: true, Version: in.Version}
	if r.Name == "" || utf8.RuneCountInString(r.Name) > 50 {
		v.Field("name", "learning.err.reward_name")
	}
	if utf8.RuneCountInString(r.Description) > 500 {
		v.Field("description", "learning.err.reward_description")
	}
	cost, err := strconv.ParseInt(strings.TrimSpace(in.Cost), 10, 64)
	if err != nil || cost <= 0 || cost > 1_000_000 {
		v.Field("cost", "learning.err.cost")
	}
	stock, err := strconv.Atoi(strings.TrimSpace(in.Stock))
	if err != nil || stock < 0 || stock > 1_000_000 {
		v.Field("stock", "learning.err.stock")
	}
	per := 0
	if s := strings.TrimSpace(in.PerPerson); s != "" {
		if per, err = strconv.Atoi(s); err != nil || per < 0 || per > 1000 {
			v.Field("per_person", "learning.err.per_person")
		}
	}
	opens, err1 := time.ParseInLocation(dateLayout, strings.TrimSpace(in.Opens), platform.Shanghai)
	closes, err2 := time.ParseInLocation(dateLayout, strings.TrimSpace(in.Closes), platform.Shanghai)
	switch {
	case err1 != nil:
		v.Field("opens", "learning.err.opens")
	case err2 != nil || closes.Before(opens):
		v.Field("closes", "learning.err.closes")
	}
	r.Cost, r.Stock, r.PerPerson = cost, stock, per
	r.OpensAt, r.ClosesAt = opens.UTC(), closes.AddDate(0, 0, 1).UTC()
	return r, v.OrNil()
}

// Order statuses.
const (
	OrderPlaced    = "placed"
	OrderDelivered = "delivered"
	OrderCancelled = "cancelled"
)

// Order is one redemption, picked up with its code.
type Order struct {
	ID, RewardID, WorkerID int64
	RewardName             string
	WorkerName             string // masked
	OrgName                string
	Cost                   int64
	PickupCode             string
	Status                 string
	PlacedAt               time.Time
	ClosedAt               *time.Time
	HandledBy              string
}

// pickupCode is eight random digits, shown to the worker and read out at pickup.
func pickupCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%08d", n.Int64()), nil
}

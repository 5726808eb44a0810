package care

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
)

// Entry is one sign-up as the lottery sees it: its id and its priority weight.
type Entry struct {
	ID     int64
	Weight int
}

// DrawOrder is the lottery (摇号). It is a weighted random order without
// replacement (Efraimidis–Spirakis), made deterministic by the seed:
//
//  1. For each entry, h = HMAC-SHA256(key = seed bytes, message = the entry's
//     id in decimal ASCII).
//  2. u = (first 8 bytes of h as a big-endian uint64, shifted right by 11,
//     plus 0.5) ÷ 2^53, a number strictly between 0 and 1.
//  3. key = ln(u) ÷ weight (weights below 1 count as 1).
//  4. Entries sorted by key, largest first; equal keys by id, smallest first.
//
// An entry of weight w is thus w times as likely as one of weight 1 to come
// before any given rival. Anyone holding the exported sign-ups (id, weight)
// and the seed revealed at the draw gets the same order (`zhijia lottery verify`).
func DrawOrder(seed []byte, entries []Entry) []Entry {
	type keyed struct {
		e   Entry
		key float64
	}
	ks := make([]keyed, len(entries))
	for i, e := range entries {
		ks[i] = keyed{e, lotteryKey(seed, e)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := cmp.Compare(b.key, a.key); c != 0 {
			return c
		}
		return cmp.Compare(a.e.ID, b.e.ID)
	})
	out := make([]Entry, len(ks))
	for i, k := range ks {
		out[i] = k.e
	}
	return out
}

func lotteryKey(seed []byte, e Entry) float64 {
	m := hmac.New(sha256.New, seed)
	m.Write([]byte(strconv.FormatInt(e.ID, 10)))
	h := m.Sum(nil)
	u := (float64(binary.BigEndian.Uint64(h[:8])>>11) + 0.5) / (1 << 53)
	return math.Log(u) / float64(max(e.Weight, 1))
}

// NewSeed makes a fresh secret seed (hex) and the hash published in its place.
func NewSeed() (seed, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("care: no randomness: " + err.Error())
	}
	seed = hex.EncodeToString(b)
	return seed, SeedHash(seed)
}

// SeedHash is the SHA-256, in hex, of the seed's hex text.
func SeedHash(seed string) string {
	h := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(h[:])
}

// SeedBytes decodes a hex seed; ok is false for anything else.
func SeedBytes(seed string) ([]byte, bool) {
	b, err := hex.DecodeString(seed)
	return b, err == nil && len(b) > 0
}

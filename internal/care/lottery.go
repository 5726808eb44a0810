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
	m := hmac.New(sha256.New, seed)
	var buf [20]byte
	var sum [sha256.Size]byte
	for i, e := range entries {
		m.Reset()
		m.Write(strconv.AppendInt(buf[:0], e.ID, 10))
		ks[i] = keyed{e, lotteryKey(m.Sum(sum[:0]), e.Weight)}
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

// lotteryKey is step 2 and 3 of DrawOrder for an entry's HMAC h.
func lotteryKey(h []byte, weight int) float64 {
	u := (float64(binary.BigEndian.Uint64(h[:8])>>11) + 0.5) / (1 << 53)
	return math.Log(u) / float64(max(weight, 1))
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

// Ranked is one line of an exported sign-up list: the sign-up, its weight,
// its session and the place the draw gave it.
type Ranked struct {
	Entry
	Session int64
	Rank    int
}

// VerifyRanks re-runs DrawOrder on each session's ranked sign-ups with seed
// and lists every place where the stored rank differs (empty: the draw is
// reproduced).
func VerifyRanks(seed []byte, rows []Ranked) []string {
	bySession := map[int64][]Ranked{}
	var sessions []int64
	for _, r := range rows {
		if _, ok := bySession[r.Session]; !ok {
			sessions = append(sessions, r.Session)
		}
		bySession[r.Session] = append(bySession[r.Session], r)
	}
	slices.Sort(sessions)
	var problems []string
	for _, s := range sessions {
		rs := bySession[s]
		entries := make([]Entry, len(rs))
		stored := map[int64]int{}
		for i, r := range rs {
			entries[i] = r.Entry
			stored[r.ID] = r.Rank
		}
		for i, e := range DrawOrder(seed, entries) {
			if stored[e.ID] != i+1 {
				problems = append(problems, "session "+strconv.FormatInt(s, 10)+": sign-up "+strconv.FormatInt(e.ID, 10)+
					" has rank "+strconv.Itoa(stored[e.ID])+", the draw gives "+strconv.Itoa(i+1))
			}
		}
	}
	return problems
}

package care

import (
	"math"
	"testing"
)

func TestDrawOrder_Reproducible(t *testing.T) {
	seed, _ := SeedBytes("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	var es []Entry
	for i := int64(1); i <= 500; i++ {
		es = append(es, Entry{ID: i * 7, Weight: int(i%3) + 1})
	}
	a := DrawOrder(seed, es)
	// the same inputs in another order give the same draw
	rev := make([]Entry, len(es))
	for i, e := range es {
		rev[len(es)-1-i] = e
	}
	b := DrawOrder(seed, rev)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("position %d: %v vs %v", i, a[i], b[i])
		}
	}
	other, _ := SeedBytes("ff112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	c := DrawOrder(other, es)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 20 {
		t.Fatalf("another seed kept %d of 500 places", same)
	}
	// pinned: the documented algorithm, so a change to it cannot pass unnoticed
	small := DrawOrder(seed, []Entry{{1, 1}, {2, 1}, {3, 5}, {4, 1}})
	got := []int64{small[0].ID, small[1].ID, small[2].ID, small[3].ID}
	want := pinnedOrder
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("pinned draw = %v, want %v", got, want)
		}
	}
}

// pinnedOrder is the small case above worked out apart from this code, by a
// few lines of Python following DrawOrder's documented steps (hmac, hashlib,
// struct.unpack('>Q'), math.log): a change to the algorithm cannot pass unnoticed.
var pinnedOrder = []int64{3, 4, 1, 2}

// TestDrawOrder_WeightsShiftOdds: over many seeds, an entry of weight 3
// comes first against two of weight 1 with probability 3/5, as configured.
func TestDrawOrder_WeightsShiftOdds(t *testing.T) {
	const runs = 20000
	first := map[int64]int{}
	for s := 0; s < runs; s++ {
		seed := []byte{byte(s), byte(s >> 8), byte(s >> 16), 42}
		order := DrawOrder(seed, []Entry{{1, 3}, {2, 1}, {3, 1}})
		first[order[0].ID]++
	}
	p := float64(first[1]) / runs
	// 3/5 = 0.6; the standard error over 20000 runs is 0.0035: allow 5 of them
	if math.Abs(p-0.6) > 0.0175 {
		t.Fatalf("weight 3 came first in %.3f of draws, want 0.600", p)
	}
	if q := float64(first[2]) / runs; math.Abs(q-0.2) > 0.015 {
		t.Fatalf("a weight-1 entry came first in %.3f of draws, want 0.200", q)
	}
}

func TestSeedHash(t *testing.T) {
	seed, hash := NewSeed()
	if SeedHash(seed) != hash || len(hash) != 64 {
		t.Fatalf("hash %q of %q", hash, seed)
	}
	if _, ok := SeedBytes("xyz"); ok {
		t.Fatal("a non-hex seed accepted")
	}
}

package learning

import (
	"slices"
	"testing"

	"zhijia/internal/platform"
)

func TestNormalize_Questions(t *testing.T) {
	tests := []struct {
		name  string
		in    QuestionInput
		field string // "" = valid
		want  string // normalised answer when valid
	}{
		{"single", QuestionInput{Kind: "single", Stem: "题", Options: []string{"甲", "乙", ""}, Answer: "b"}, "", "B"},
		{"multiple in any order", QuestionInput{Kind: "multiple", Stem: "题", Options: []string{"甲", "乙", "丙"}, Answer: "C，A"}, "", "AC"},
		{"judge 对", QuestionInput{Kind: "judge", Stem: "题", Answer: "对"}, "", "A"},
		{"judge 错误", QuestionInput{Kind: "judge", Stem: "题", Answer: "错误"}, "", "B"},
		{"no kind", QuestionInput{Stem: "题", Answer: "A"}, "kind", ""},
		{"no stem", QuestionInput{Kind: "single", Options: []string{"甲", "乙"}, Answer: "A"}, "stem", ""},
		{"one option", QuestionInput{Kind: "single", Stem: "题", Options: []string{"甲"}, Answer: "A"}, "options", ""},
		{"gap in options", QuestionInput{Kind: "single", Stem: "题", Options: []string{"甲", "", "丙"}, Answer: "A"}, "options", ""},
		{"answer beyond options", QuestionInput{Kind: "single", Stem: "题", Options: []string{"甲", "乙"}, Answer: "C"}, "answer", ""},
		{"single with two answers", QuestionInput{Kind: "single", Stem: "题", Options: []string{"甲", "乙"}, Answer: "AB"}, "answer", ""},
		{"multiple with one answer", QuestionInput{Kind: "multiple", Stem: "题", Options: []string{"甲", "乙"}, Answer: "A"}, "answer", ""},
		{"stray character", QuestionInput{Kind: "single", Stem: "题", Options: []string{"甲", "乙"}, Answer: "A1"}, "answer", ""},
		{"judge nonsense", QuestionInput{Kind: "judge", Stem: "题", Answer: "也许"}, "answer", ""},
		{"difficulty", QuestionInput{Kind: "judge", Stem: "题", Answer: "对", Difficulty: "9"}, "difficulty", ""},
		{"six tags", QuestionInput{Kind: "judge", Stem: "题", Answer: "对", Tags: "a b c d e f"}, "tags", ""},
	}
	for _, tt := range tests {
		q, err := tt.in.Normalize()
		if tt.field == "" {
			if err != nil || q.Answer != tt.want {
				t.Errorf("%s: answer %q, err %v; want %q", tt.name, q.Answer, err, tt.want)
			}
			continue
		}
		if !containsField(err, tt.field) {
			t.Errorf("%s: err %v, want a message on %q", tt.name, err, tt.field)
		}
	}
}

func containsField(err error, field string) bool {
	e, ok := platform.AsError(err)
	if !ok {
		return false
	}
	_, has := e.Fields[field]
	return has
}

func TestDraw_SameWorkerSameDaySameQuestions(t *testing.T) {
	pool := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	a := Draw(42, "2026-05-01", pool, nil, 5)
	shuffled := slices.Clone(pool)
	slices.Reverse(shuffled)
	if b := Draw(42, "2026-05-01", shuffled, nil, 5); !slices.Equal(a, b) {
		t.Fatalf("same worker and day drew %v then %v", a, b)
	}
	if c := Draw(42, "2026-05-02", pool, nil, 5); slices.Equal(a, c) {
		t.Fatalf("another day drew the same %v", c)
	}
	if d := Draw(43, "2026-05-01", pool, nil, 5); slices.Equal(a, d) {
		t.Fatalf("another worker drew the same %v", d)
	}
	recent := map[int64]bool{}
	for _, id := range a {
		recent[id] = true
	}
	for _, id := range Draw(42, "2026-05-02", pool, recent, 5) {
		if recent[id] {
			t.Fatalf("drew %d, seen yesterday, while 7 unseen were left", id)
		}
	}
	if got := Draw(1, "2026-05-01", []int64{7, 8}, map[int64]bool{7: true}, 5); !slices.Equal(got, []int64{8, 7}) {
		t.Fatalf("small pool: %v, want the unseen first, then the seen", got)
	}
}

func TestStreak(t *testing.T) {
	tests := []struct {
		dates []string
		want  int
	}{
		{nil, 0},
		{[]string{"2026-05-03", "2026-05-02", "2026-05-01"}, 3},
		{[]string{"2026-05-02", "2026-05-01"}, 2}, // today still to do
		{[]string{"2026-05-01"}, 0},               // broken yesterday
		{[]string{"2026-05-03", "2026-05-01"}, 1},
		{[]string{"2026-03-01", "2026-02-28"}, 0},
	}
	for _, tt := range tests {
		if got := Streak(tt.dates, "2026-05-03"); got != tt.want {
			t.Errorf("Streak(%v) = %d, want %d", tt.dates, got, tt.want)
		}
	}
	if got := Streak([]string{"2026-03-01", "2026-02-28"}, "2026-03-01"); got != 2 {
		t.Errorf("across February: %d, want 2", got)
	}
}

func TestLevelOf(t *testing.T) {
	for _, tt := range []struct {
		earned int64
		n      int
		next   int64
	}{{0, 1, 50}, {49, 1, 50}, {50, 2, 200}, {2999, 5, 3000}, {3000, 6, 0}, {99999, 6, 0}} {
		if l := LevelOf(tt.earned); l.N != tt.n || l.Next != tt.next {
			t.Errorf("LevelOf(%d) = %+v, want level %d next %d", tt.earned, l, tt.n, tt.next)
		}
	}
}

func TestScore_PerfectDayIsTen(t *testing.T) {
	s := DefaultSettings
	for _, tt := range []struct {
		correct, answered, total int
		want                     int64
	}{
		{5, 5, 5, 10}, {3, 5, 5, 8}, {3, 4, 5, 3}, {0, 0, 5, 0},
	} {
		if got := s.Score(tt.correct, tt.answered, tt.total); got != tt.want {
			t.Errorf("Score(%d,%d,%d) = %d, want %d", tt.correct, tt.answered, tt.total, got, tt.want)
		}
	}
}

// Package learning is the "五月风"职工思政工程 (union learning): the question bank
// (题库), the daily quiz (每日答题) that earns points through the ledger in
// package points, streaks (连续答题天数) and levels (学习等级), and the portal's
// 学习 tab. This file holds the types and the pure rules.
package learning

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhijia/internal/platform"
)

// Kind of a question.
type Kind string

const (
	Single   Kind = "single"   // 单选题: one right option
	Multiple Kind = "multiple" // 多选题: two or more right options
	Judge    Kind = "judge"    // 判断题: true (A) or false (B)
)

// Kinds lists the kinds in display order.
func Kinds() []Kind { return []Kind{Single, Multiple, Judge} }

// MaxOptions is how many options (A–F) a choice question may have.
const MaxOptions = 6

// Letters names options.
const Letters = "ABCDEF"

// Question is one entry of the question bank.
type Question struct {
	ID, CityID, OrgID int64
	OrgName           string
	Kind              Kind
	Stem              string
	Options           []string // choice questions only; a judge question has none
	Answer            string   // letters of the right options, sorted: "B", "ACD"; judge: "A" true, "B" false
	Explanation       string
	Tags              []string
	Difficulty        int // 1 easy, 2 medium, 3 hard
	Active            bool
	Used              int // times drawn into a quiz
	UpdatedAt         time.Time
	Version           int64
}

// QuestionInput is a question as typed in a form or a spreadsheet row.
type QuestionInput struct {
	Kind        string
	Stem        string
	Options     []string // A, B, … as typed; blanks at the end are dropped
	Answer      string   // letters, in any order and case, separators allowed ("A,C"; "对"/"错" for judge)
	Explanation string
	Tags        string // separated by spaces, commas or 、
	Difficulty  string // "1".."3" or 易/中/难
	Version     int64
}

// Normalize validates in and returns the question to store, or field errors.
func (in QuestionInput) Normalize() (Question, error) {
	v := platform.Invalid()
	q := Question{Kind: Kind(strings.TrimSpace(in.Kind)), Stem: strings.TrimSpace(in.Stem),
		Explanation: strings.TrimSpace(in.Explanation), Active: true, Version: in.Version}
	if !slices.Contains(Kinds(), q.Kind) {
		v.Field("kind", "learning.err.kind")
	}
	if q.Stem == "" || utf8.RuneCountInString(q.Stem) > 500 {
		v.Field("stem", "learning.err.stem")
	}
	if utf8.RuneCountInString(q.Explanation) > 1000 {
		v.Field("explanation", "learning.err.explanation")
	}
	if q.Kind != Judge {
		q.Options = trimOptions(in.Options)
		if len(q.Options) < 2 || len(q.Options) > MaxOptions || slices.Contains(q.Options, "") {
			v.Field("options", "learning.err.options")
		}
		for _, o := range q.Options {
			if utf8.RuneCountInString(o) > 200 || strings.ContainsAny(o, "\n\r") {
				v.Field("options", "learning.err.options")
			}
		}
	}
	q.Answer = normalizeAnswer(in.Answer, q.Kind)
	if !answerFits(q) {
		v.Field("answer", "learning.err.answer_"+string(q.Kind))
	}
	var ok bool
	if q.Tags, ok = parseTags(in.Tags); !ok {
		v.Field("tags", "learning.err.tags")
	}
	if q.Difficulty, ok = parseDifficulty(in.Difficulty); !ok {
		v.Field("difficulty", "learning.err.difficulty")
	}
	return q, v.OrNil()
}

func trimOptions(in []string) []string {
	out := make([]string, 0, len(in))
	for _, o := range in {
		out = append(out, strings.TrimSpace(o))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// normalizeAnswer turns "c, a" into "AC" and 对/错/正确/错误/√/× into A/B.
func normalizeAnswer(s string, k Kind) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if k == Judge {
		switch s {
		case "对", "正确", "√", "T", "TRUE", "是", "A":
			return "A"
		case "错", "错误", "×", "X", "F", "FALSE", "否", "B":
			return "B"
		}
		return ""
	}
	var letters []rune
	for _, r := range s {
		if strings.ContainsRune(Letters, r) && !slices.Contains(letters, r) {
			letters = append(letters, r)
		} else if !strings.ContainsRune(" ,，、;；", r) {
			return "" // a stray character: refuse rather than guess
		}
	}
	slices.Sort(letters)
	return string(letters)
}

func answerFits(q Question) bool {
	switch q.Kind {
	case Judge:
		return q.Answer == "A" || q.Answer == "B"
	case Single:
		return len(q.Answer) == 1 && strings.Index(Letters, q.Answer) < len(q.Options)
	case Multiple:
		return len(q.Answer) >= 2 && strings.Index(Letters, q.Answer[len(q.Answer)-1:]) < len(q.Options)
	}
	return false
}

func parseTags(s string) ([]string, bool) {
	f := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(" ,，、;；", r) })
	var out []string
	for _, t := range f {
		if utf8.RuneCountInString(t) > 20 {
			return nil, false
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out, len(out) <= 5
}

func parseDifficulty(s string) (int, bool) {
	switch strings.TrimSpace(s) {
	case "", "1", "易", "简单":
		return 1, true
	case "2", "中", "中等":
		return 2, true
	case "3", "难", "困难":
		return 3, true
	}
	return 0, false
}

// storedTags is the column form: ",a,b," so one tag matches with LIKE '%,a,%'.
func storedTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	return "," + strings.Join(tags, ",") + ","
}

func loadTags(s string) []string { return strings.FieldsFunc(s, func(r rune) bool { return r == ',' }) }

// storedOptions is the column form of options: one per line (options hold no newlines).
func storedOptions(o []string) string { return strings.Join(o, "\n") }

func loadOptions(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Grade compares a given answer (letters in any order) with the right one.
func Grade(k Kind, answer, given string) bool {
	g := normalizeAnswer(given, k)
	return g != "" && g == answer
}

// Draw picks n question ids for a worker on a date, deterministically: each
// candidate is ranked by a hash of (worker, date, question), questions not seen
// recently first. The same worker, day, pool and history always give the same set.
func Draw(workerID int64, date string, pool []int64, recent map[int64]bool, n int) []int64 {
	type ranked struct {
		id   int64
		seen bool
		key  uint64
	}
	rs := make([]ranked, 0, len(pool))
	for _, id := range pool {
		h := sha256.Sum256([]byte(strconv.FormatInt(workerID, 10) + "|" + date + "|" + strconv.FormatInt(id, 10)))
		rs = append(rs, ranked{id, recent[id], binary.BigEndian.Uint64(h[:8])})
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].seen != rs[j].seen {
			return !rs[i].seen
		}
		if rs[i].key != rs[j].key {
			return rs[i].key < rs[j].key
		}
		return rs[i].id < rs[j].id
	})
	out := make([]int64, 0, n)
	for i := 0; i < len(rs) && i < n; i++ {
		out = append(out, rs[i].id)
	}
	return out
}

// QuizDate is the quiz day of t: the date in Asia/Shanghai.
func QuizDate(t time.Time) string { return t.In(platform.Shanghai).Format("2006-01-02") }

// Streak counts consecutive quiz days ending today (or yesterday, while today's
// quiz is still to do); dates are submitted days, newest first.
func Streak(dates []string, today string) int {
	day, err := time.Parse("2006-01-02", today)
	if err != nil || len(dates) == 0 {
		return 0
	}
	if dates[0] != today {
		day = day.AddDate(0, 0, -1)
	}
	n := 0
	for _, d := range dates {
		if d != day.Format("2006-01-02") {
			break
		}
		n++
		day = day.AddDate(0, 0, -1)
	}
	return n
}

// Level is a 学习等级 reached by lifetime points.
type Level struct {
	N    int
	Key  string // catalogue key of its name
	From int64  // lifetime points it starts at
	Next int64  // points of the next level; 0 at the top
}

var levelFloors = []int64{0, 50, 200, 500, 1200, 3000}

// LevelOf is the level for lifetime points earned.
func LevelOf(earned int64) Level {
	n := 0
	for i, f := range levelFloors {
		if earned >= f {
			n = i
		}
	}
	l := Level{N: n + 1, Key: fmt.Sprintf("learning.level.%d", n+1), From: levelFloors[n]}
	if n+1 < len(levelFloors) {
		l.Next = levelFloors[n+1]
	}
	return l
}

// Settings are the daily quiz's rules.
type Settings struct {
	Questions   int           // drawn per day
	PerCorrect  int64         // points per right answer
	FinishBonus int64         // points for answering every question
	TimeLimit   time.Duration // from start to submit
	RecentDays  int           // questions seen within this many days are drawn last
}

// DefaultSettings make a perfect day worth 10 points: 5 × 1 + 5.
var DefaultSettings = Settings{Questions: 5, PerCorrect: 1, FinishBonus: 5, TimeLimit: 10 * time.Minute, RecentDays: 7}

// Grace is how late a submission is still taken (a slow network).
const Grace = 30 * time.Second

// Score is what a graded quiz earns.
func (s Settings) Score(correct, answered, total int) int64 {
	p := int64(correct) * s.PerCorrect
	if total > 0 && answered == total {
		p += s.FinishBonus
	}
	return p
}

package learning

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
	"zhijia/internal/sheet"
)

// ImportSpec is the question bank's spreadsheet: Chinese headers, one question a row.
var ImportSpec = sheet.Spec{Name: "题库导入", MaxRows: 5000, MaxBytes: 10 << 20, Columns: []sheet.Column{
	{Key: "kind", Header: "题型", Required: true, Choices: []string{"单选题", "多选题", "判断题"}, Hint: "单选题、多选题或判断题"},
	{Key: "stem", Header: "题目", Required: true, Hint: "500 字以内"},
	{Key: "a", Header: "选项A", Hint: "判断题不填选项"},
	{Key: "b", Header: "选项B"},
	{Key: "c", Header: "选项C"},
	{Key: "d", Header: "选项D"},
	{Key: "e", Header: "选项E"},
	{Key: "f", Header: "选项F"},
	{Key: "answer", Header: "答案", Required: true, Hint: "选项字母，如 B 或 ACD；判断题填“对”或“错”"},
	{Key: "explanation", Header: "解析"},
	{Key: "tags", Header: "标签", Hint: "多个标签用空格或顿号分隔，最多 5 个"},
	{Key: "difficulty", Header: "难度", Choices: []string{"易", "中", "难"}},
}}

var kindNames = map[string]string{"单选题": "single", "单选": "single", "多选题": "multiple", "多选": "multiple",
	"判断题": "judge", "判断": "judge"}

// ImportResult is what an upload did.
type ImportResult struct {
	Imported int
	Refused  []sheet.RowError
	Headers  []string
}

// ErrorReport writes the refused rows as an .xlsx with 错误原因.
func (r *ImportResult) ErrorReport() ([]byte, error) {
	var b bytes.Buffer
	if err := sheet.WriteErrorReport(&b, r.Headers, r.Refused); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// rowInput reads a spreadsheet row as a question.
func rowInput(v map[string]string) QuestionInput {
	kind := strings.TrimSpace(v["kind"])
	if k, ok := kindNames[kind]; ok {
		kind = k
	}
	return QuestionInput{Kind: kind, Stem: v["stem"], Options: []string{v["a"], v["b"], v["c"], v["d"], v["e"], v["f"]},
		Answer: v["answer"], Explanation: v["explanation"], Tags: v["tags"], Difficulty: v["difficulty"]}
}

// reasons turns a validation error into the report's plain Chinese reasons.
func reasons(err error) []string {
	e, ok := platform.AsError(err)
	if !ok || len(e.Fields) == 0 {
		return []string{zh("learning.err.row")}
	}
	var out []string
	for _, key := range []string{"kind", "stem", "options", "answer", "explanation", "tags", "difficulty"} {
		if k, ok := e.Fields[key]; ok {
			out = append(out, zh("learning.import.col."+key)+"："+zh(k))
		}
	}
	return out
}

func zh(key string) string {
	if m, ok := Messages[key]; ok {
		return m[0]
	}
	return key
}

// ImportQuestions reads an upload into the bank of the actor's own union: good
// rows are added in one transaction, the rest come back with their reasons.
func (s *Store) ImportQuestions(ctx context.Context, r io.Reader, size int64, filename string) (*ImportResult, error) {
	a, err := staffActor(ctx)
	if err != nil {
		return nil, err
	}
	rd, err := sheet.Open(r, size, filename, ImportSpec)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	res := &ImportResult{Headers: rd.Headers()}
	dups := sheet.NewDupTracker()
	var good []Question
	for row, err := range rd.All() {
		if err != nil {
			return nil, err
		}
		q, verr := rowInput(row.Values).Normalize()
		if first := dups.Add(q.Stem, row.Line); first > 0 && q.Stem != "" {
			res.Refused = append(res.Refused, row.Refuse(dups.Reason(row.Line)))
			continue
		}
		if verr != nil {
			res.Refused = append(res.Refused, row.Refuse(reasons(verr)...))
			continue
		}
		if len(row.Reasons) > 0 {
			res.Refused = append(res.Refused, row.Refuse())
			continue
		}
		good = append(good, q)
	}
	if len(good) == 0 {
		return res, nil
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		now := s.clock.Now().UTC()
		for i := range good {
			if err := s.insertQuestion(ctx, tx, a, &good[i], now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Entry{Action: "learning.question.import", EntityType: "learning_question",
			Summary: fmt.Sprintf("导入题目 %d 道（%s），退回 %d 行", len(good), filename, len(res.Refused))})
	})
	if err != nil {
		return nil, err
	}
	res.Imported = len(good)
	return res, nil
}

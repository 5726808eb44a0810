package app_test

import (
	"context"
	"testing"

	"zhijia/internal/auth"
)

// importJob makes a finished import job with one refused row for the matrix:
// owned by the calling role's account for the "own" and "child" targets, by the
// sibling's or parent's clerk otherwise (an import job is its owner's alone).
func (m *matrixEnv) importJob(t *testing.T, role auth.Role, w string) int64 {
	t.Helper()
	ctx := context.Background()
	db := m.env.App.DB
	var owner int64
	if w == "own" || w == "child" {
		if err := db.QueryRow(ctx, `SELECT id FROM accounts WHERE username = ?`, "gulou."+string(role)).Scan(&owner); err != nil {
			t.Fatal(err)
		}
	} else {
		owner = m.targets["account"][w]
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO import_jobs (account_id, org_id, filename, mode, status, refused, report, created_at)
		VALUES (?, 0, 'roster.xlsx', 'all', 'done', 1, ?, ?) RETURNING id`, owner,
		`{"headers":["姓名*","身份证号*"],"errors":[{"Line":3,"Raw":["张三","1"],"Reasons":["身份证号应为18位"]}]}`,
		m.env.Clock.Now()).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

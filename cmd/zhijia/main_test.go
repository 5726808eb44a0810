package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// zhijia runs the command in-process and returns its exit code and output.
func zhijia(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String() + errOut.String()
}

func TestUserAdd_FirstAdministratorOnEmptyDatabase(t *testing.T) {
	dir := t.TempDir()
	code, out := zhijia(t, "user", "add", "--data-dir", dir, "--username", "admin", "--name", "管理员")
	if code == 0 || !strings.Contains(out, "市总工会") {
		t.Fatalf("with no union tree, user add must say the city is missing: %d %s", code, out)
	}
	code, out = zhijia(t, "user", "add", "--data-dir", dir, "--username", "root.admin", "--name", "管理员",
		"--city-name", "福州市总工会", "--city-code", "3501")
	if code == 0 || !strings.Contains(out, "area_code") {
		t.Fatalf("a bad area code must be named: %d %s", code, out)
	}
	code, out = zhijia(t, "user", "add", "--data-dir", dir, "--username", "root.admin", "--name", "管理员",
		"--city-name", "福州市总工会", "--city-code", "350100")
	if code != 0 || !strings.Contains(out, "初始密码") || !strings.Contains(out, "福州市总工会") {
		t.Fatalf("user add on an empty database: %d %s", code, out)
	}
	code, out = zhijia(t, "user", "add", "--data-dir", dir, "--username", "root.admin", "--name", "管理员")
	if code == 0 || !strings.Contains(out, "已被使用") {
		t.Fatalf("a taken username must be refused with a clear message: %d %s", code, out)
	}
	code, out = zhijia(t, "user", "reset", "--data-dir", dir, "--username", "root.admin")
	if code != 0 || !strings.Contains(out, "临时密码") {
		t.Fatalf("user reset: %d %s", code, out)
	}
}

// TestAuditVerify_NamesEditedAndDeletedRows tampers with the audit table directly
// and expects the command to name the rows and exit 1.
func TestAuditVerify_NamesEditedAndDeletedRows(t *testing.T) {
	dir := t.TempDir()
	if code, out := zhijia(t, "demo", "--data-dir", dir, "--demo", "--orgs", "20"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	code, out := zhijia(t, "audit", "verify", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "审计日志完好") {
		t.Fatalf("fresh log must verify: %d %s", code, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "zhijia.db"))
	if err != nil {
		t.Fatal(err)
	}
	var edited, deleted int64
	db.QueryRow(`SELECT MIN(id), MAX(id) FROM audit_log`).Scan(&edited, &deleted)
	if _, err := db.Exec(`UPDATE audit_log SET summary = summary || ' (改)' WHERE id = ?`, edited); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM audit_log WHERE id = ?`, deleted); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out = zhijia(t, "audit", "verify", "--data-dir", dir)
	if code != 1 || !strings.Contains(out, fmt.Sprintf("row id %d", edited)) || !strings.Contains(out, "removed") {
		t.Fatalf("tampering must be named: exit %d\n%s", code, out)
	}
}

func TestBackup_CopyOfLiveDatabase(t *testing.T) {
	dir := t.TempDir()
	if code, out := zhijia(t, "demo", "--data-dir", dir, "--demo", "--orgs", "20"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if code, out := zhijia(t, "backup", "--data-dir", dir, dest); code != 0 || !strings.Contains(out, "已备份") {
		t.Fatalf("backup: %d %s", code, out)
	}
	code, out := zhijia(t, "audit", "verify", "--db", dest, "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "审计日志完好") {
		t.Fatalf("the copy must be a whole database with an intact log: %d %s", code, out)
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, out := zhijia(t, "frobnicate"); code != 2 || !strings.Contains(out, "unknown command") {
		t.Fatalf("%d %s", code, out)
	}
	if code, out := zhijia(t, "version"); code != 0 || !strings.Contains(out, "zhijia") {
		t.Fatalf("%d %s", code, out)
	}
}

// TestKill_MidWriteLeavesNoHalfChange kills a process that is writing audited
// changes as fast as it can, then checks the database is whole and the audit
// chain verifies: every change and its audit row commit together or not at all.
func TestKill_MidWriteLeavesNoHalfChange(t *testing.T) {
	if os.Getenv("ZHIJIA_KILL_WRITER") != "" {
		writeForever(os.Getenv("ZHIJIA_KILL_WRITER"))
		return
	}
	path := filepath.Join(t.TempDir(), "kill.db")
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestKill_MidWriteLeavesNoHalfChange$")
		cmd.Env = append(os.Environ(), "ZHIJIA_KILL_WRITER="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(700+round*300) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	ctx := context.Background()
	db, err := platform.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check: %q %v", check, err)
	}
	var changes, rows int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM rate_limits`).Scan(&changes)
	db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'test.write'`).Scan(&rows)
	if changes == 0 || changes != rows {
		t.Fatalf("every committed change must have exactly its audit row: %d changes, %d audit rows", changes, rows)
	}
	n, problems, err := audit.Verify(ctx, db)
	if err != nil || len(problems) > 0 {
		t.Fatalf("audit chain after kills: %d rows, %v %v", n, problems, err)
	}
	t.Logf("%d audited changes survived 3 kills; chain verifies", changes)
}

// writeForever is the child process: one change plus its audit row per transaction.
func writeForever(path string) {
	ctx := context.Background()
	db, err := platform.Open(ctx, path)
	if err != nil {
		panic(err)
	}
	if err := platform.Migrate(ctx, db); err != nil {
		panic(err)
	}
	ctx = platform.WithActor(ctx, &platform.Actor{Kind: "staff", AccountID: 1, Name: "写入", OrgPath: "/1/"})
	base := time.Now().UnixNano()
	for i := int64(0); ; i++ {
		err := db.InTx(ctx, func(tx *platform.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`, "k", base+i); err != nil {
				return err
			}
			return audit.Record(ctx, tx, time.Now(), audit.Entry{Action: "test.write", EntityID: fmt.Sprint(i)})
		})
		if err != nil {
			panic(err)
		}
	}
}

// TestKeysRotate_CommandLine: rotate adds a second key to the key file,
// re-encrypts the demo city's personal data and status then shows none left.
func TestKeysRotate_CommandLine(t *testing.T) {
	dir := t.TempDir()
	if code, out := zhijia(t, "demo", "--data-dir", dir, "--demo", "--orgs", "20", "--workers", "200"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	code, out := zhijia(t, "keys", "rotate", "--data-dir", dir, "--batch", "64")
	if code != 0 || !strings.Contains(out, "已重新加密 re-encrypted: ") || !strings.Contains(out, "left: 0") {
		t.Fatalf("keys rotate: %d %s", code, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "zhijia.key"))
	if err != nil || len(strings.Fields(string(raw))) != 2 {
		t.Fatalf("the key file must now hold two keys: %q %v", raw, err)
	}
	code, out = zhijia(t, "keys", "status", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "values under older keys: 0") {
		t.Fatalf("keys status: %d %s", code, out)
	}
	if code, out = zhijia(t, "keys", "spin", "--data-dir", dir); code == 0 || !strings.Contains(out, "rotate|reencrypt|status") {
		t.Fatalf("an unknown subcommand must show the usage: %d %s", code, out)
	}
}

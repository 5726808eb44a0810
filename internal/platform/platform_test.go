package platform_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

func TestMigrationFoldersMatch(t *testing.T) {
	a, err := platform.MigrationNames(platform.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	b, err := platform.MigrationNames(platform.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("migration folders differ:\nsqlite:   %v\npostgres: %v", a, b)
	}
	if len(a) == 0 {
		t.Fatal("no migrations found")
	}
}

func TestMigratedSchemasMatch(t *testing.T) {
	if os.Getenv("ZHIJIA_TEST_PG") == "" {
		t.Skip("PostgreSQL SKIPPED: set ZHIJIA_TEST_PG to compare schemas")
	}
	ctx := context.Background()
	lite, err := platform.ReadSchema(ctx, dbtest.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	pg, err := platform.ReadSchema(ctx, dbtest.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(lite.Columns) < 20 || len(lite.Indexes) < 5 {
		t.Fatalf("schema reader found too little: %d columns, %d indexes", len(lite.Columns), len(lite.Indexes))
	}
	if d := lite.Diff(pg); len(d) > 0 {
		t.Fatalf("sqlite and postgres schemas differ:\n%v", d)
	}
}

func TestTimestampRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		at := time.Date(2026, 11, 29, 13, 5, 7, 123456000, time.UTC)
		if _, err := db.Exec(ctx, `INSERT INTO login_attempts (kind, subject, ip, ok, reason, at) VALUES (?, ?, ?, ?, ?, ?)`,
			"staff", "it's ? here", "127.0.0.1", 1, "", at); err != nil {
			t.Fatal(err)
		}
		var got time.Time
		var subject string
		if err := db.QueryRow(ctx, `SELECT subject, at FROM login_attempts WHERE subject = ?`, "it's ? here").Scan(&subject, &got); err != nil {
			t.Fatal(err)
		}
		if !got.Equal(at) {
			t.Fatalf("timestamp came back as %v, want %v", got, at)
		}
	})
}

func TestUniqueViolationByCode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		ins := `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, ?)`
		if _, err := db.Exec(ctx, ins, "a", 1, 1); err != nil {
			t.Fatal(err)
		}
		_, err := db.Exec(ctx, ins, "a", 1, 1)
		if !platform.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
	})
}

func TestRebind(t *testing.T) {
	pg := &platform.DB{Dialect: platform.Postgres}
	got := pg.Rebind(`SELECT a FROM t WHERE b = ? AND c = '?' AND d = ?`)
	want := `SELECT a FROM t WHERE b = $1 AND c = '?' AND d = $2`
	if got != want {
		t.Fatalf("rebind: got %q want %q", got, want)
	}
	lite := &platform.DB{Dialect: platform.SQLite}
	if q := `SELECT ?`; lite.Rebind(q) != q {
		t.Fatal("sqlite query must stay as written")
	}
}

func TestKeyringSealOpen(t *testing.T) {
	k, err := platform.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := k.Seal("13800138000")
	if s == k.Seal("13800138000") {
		t.Fatal("two seals of one value must differ (random nonce)")
	}
	if got, err := k.Open(s); err != nil || got != "13800138000" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := k.Open(s[:len(s)-2] + "AA"); err == nil {
		t.Fatal("a tampered value must not open")
	}
	if k.BlindIndex("phone", "1") != k.BlindIndex("phone", "1") || k.BlindIndex("phone", "1") == k.BlindIndex("id", "1") {
		t.Fatal("blind index must be stable and kind-separated")
	}
}

func TestBackup_RestoresIdenticalData(t *testing.T) {
	ctx := context.Background()
	db := dbtest.SQLite(t)
	for i := 0; i < 50; i++ {
		if _, err := db.Exec(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, ?)`, "b", i, i*2); err != nil {
			t.Fatal(err)
		}
	}
	dest := t.TempDir() + "/copy.db"
	if err := platform.Backup(ctx, db, dest); err != nil {
		t.Fatal(err)
	}
	if err := platform.Backup(ctx, db, dest); err == nil {
		t.Fatal("backup over an existing file must be refused")
	}
	restored, err := platform.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	sum := func(d *platform.DB) (n, s int) {
		if err := d.QueryRow(ctx, `SELECT COUNT(*), SUM(hits) FROM rate_limits`).Scan(&n, &s); err != nil {
			t.Fatal(err)
		}
		return
	}
	n1, s1 := sum(db)
	n2, s2 := sum(restored)
	if n1 != 50 || n1 != n2 || s1 != s2 {
		t.Fatalf("restored copy differs: %d/%d vs %d/%d", n1, s1, n2, s2)
	}
	if err := platform.Migrate(ctx, restored); err != nil {
		t.Fatalf("restored copy must be a migrated database: %v", err)
	}
}

func TestSigner_SignVerifyTamper(t *testing.T) {
	k, _ := platform.NewKeyring(make([]byte, 32))
	s, err := k.Signer()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := s.Sign([]byte(`{"m":1,"exp":2}`))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Verify(tok); err != nil || string(p) != `{"m":1,"exp":2}` {
		t.Fatalf("verify: %q %v", p, err)
	}
	forged := "eyJtIjoyLCJleHAiOjJ9" + tok[strings.Index(tok, "."):]
	if _, err := s.Verify(forged); err == nil {
		t.Fatal("a token with another payload must not verify")
	}
	other, _ := platform.NewKeyring(bytes.Repeat([]byte{1}, 32))
	otherSigner, _ := other.Signer()
	if _, err := otherSigner.Verify(tok); err == nil {
		t.Fatal("another key must not verify the token")
	}
	again, _ := k.Signer()
	if again.PublicJWK()["x"] != s.PublicJWK()["x"] || len(s.PublicJWK()["y"]) != 43 {
		t.Fatal("the key must derive the same way every time")
	}
}

func TestConfig_DefaultBaseURLFollowsAddr(t *testing.T) {
	for addr, want := range map[string]string{
		":8080": "http://localhost:8080", ":9000": "http://localhost:9000",
		"127.0.0.1:18080": "http://127.0.0.1:18080", "0.0.0.0:7000": "http://localhost:7000",
	} {
		c := platform.Config{Addr: addr, BaseURL: "http://localhost:8080", DataDir: t.TempDir()}
		c.Finish()
		if c.BaseURL != want {
			t.Errorf("addr %s: base URL %s, want %s", addr, c.BaseURL, want)
		}
	}
	c := platform.Config{Addr: ":9000", BaseURL: "https://zhijia.example.org", DataDir: t.TempDir()}
	c.Finish()
	if c.BaseURL != "https://zhijia.example.org" {
		t.Errorf("an explicit base URL changed to %s", c.BaseURL)
	}
}

// Concurrent write transactions on either engine: each commits or fails on its
// own (on SQLite several may share a commit), and a panic in one rolls it back
// and reaches its caller while the database goes on.
func TestInTx_ConcurrentTransactionsCommitOrFailAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		ins := `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, 1, 1)`
		refused := errors.New("refused")
		errs := make([]error, 60)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.InTx(ctx, func(tx *platform.Tx) error {
					if _, err := tx.Exec(ctx, ins, fmt.Sprint("b", i)); err != nil {
						return err
					}
					if i%5 == 0 {
						return refused
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if (i%5 == 0) != errors.Is(err, refused) || (i%5 != 0 && err != nil) {
				t.Fatalf("transaction %d: %v", i, err)
			}
		}
		var n int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM rate_limits WHERE bucket LIKE 'b%'`).Scan(&n)
		if n != 48 {
			t.Fatalf("%d rows committed, want 48 (60 less the 12 refused)", n)
		}
		func() {
			defer func() {
				if p := recover(); p != "boom" {
					t.Fatalf("recovered %v, want the transaction's panic", p)
				}
			}()
			db.InTx(ctx, func(tx *platform.Tx) error {
				tx.Exec(ctx, ins, "panicked")
				panic("boom")
			})
		}()
		if err := db.InTx(ctx, func(tx *platform.Tx) error { _, err := tx.Exec(ctx, ins, "after"); return err }); err != nil {
			t.Fatalf("a write after the panic: %v", err)
		}
		db.QueryRow(ctx, `SELECT COUNT(*) FROM rate_limits WHERE bucket = 'panicked'`).Scan(&n)
		if n != 0 {
			t.Fatal("the panicking transaction's write was kept")
		}
	})
}

func TestScanIDsAndPlaceholders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		for _, b := range []string{"x", "y", "z"} {
			if _, err := db.Exec(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, 1, 1)`, b); err != nil {
				t.Fatal(err)
			}
		}
		args := []any{"x", "z"}
		ids, err := platform.ScanIDs(db.Query(ctx, `SELECT hits FROM rate_limits WHERE bucket IN (`+platform.Placeholders(len(args))+`)`, args...))
		if err != nil || len(ids) != 2 {
			t.Fatalf("ids %v, %v: want the two rows asked for", ids, err)
		}
		ids, err = platform.ScanIDs(db.Query(ctx, `SELECT hits FROM rate_limits WHERE bucket IN (`+platform.Placeholders(0)+`)`))
		if err != nil || len(ids) != 0 {
			t.Fatalf("an empty IN list: %v, %v: want no rows and no error", ids, err)
		}
		if _, err := platform.ScanIDs(db.Query(ctx, `SELECT nope FROM rate_limits`)); err == nil {
			t.Fatal("a failed query should pass its error through")
		}
	})
}

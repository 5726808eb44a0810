package app_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"zhijia/internal/app"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
)

// sealedValues reads every sealed value with its clear text.
func sealedValues(t *testing.T, a *app.App) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for _, c := range platform.SealedColumns() {
		rows, err := a.DB.Query(ctx, `SELECT id, `+c.Column+` FROM `+c.Table+` WHERE `+c.Column+` <> ''`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, sealed string
			if err := rows.Scan(&id, &sealed); err != nil {
				t.Fatal(err)
			}
			clear, err := a.Keys.Open(sealed)
			if err != nil {
				t.Fatalf("%s.%s row %s: %v", c.Table, c.Column, id, err)
			}
			out[c.Table+"."+c.Column+"#"+id] = platform.SealedWith(sealed) + "|" + clear
		}
		rows.Close()
	}
	return out
}

// TestRotateKeys_ReencryptsEverythingWhileWritersRun: after `keys rotate`,
// every id number, phone, household id and second-factor secret is sealed with
// the new key and opens to the same clear text; lookups by blind index and
// staff sign-in still work; a writer still sealing with the old key during the
// rotation loses nothing, and a second pass leaves no value under the old key.
func TestRotateKeys_ReencryptsEverythingWhileWritersRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		ctx := context.Background()
		keyFile := filepath.Join(t.TempDir(), "zhijia.key")
		keys, err := platform.LoadKeyring(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg := platform.Config{Demo: true, DemoWorkers: 300, BaseURL: "http://127.0.0.1", DataDir: t.TempDir()}
		a := app.New(cfg, db, keys, platform.NewFakeClock(time.Now().UTC()), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if _, err := a.SeedDemo(ctx, 20); err != nil {
			t.Fatal(err)
		}
		before := sealedValues(t, a)
		if len(before) < 600 {
			t.Fatalf("only %d sealed values to rotate", len(before))
		}
		old := keys.KeyID()

		// A "server" that loaded the key file before the rotation keeps writing one
		// worker's phone with whatever key it has.
		stale, err := platform.LoadKeyring(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		var wid int64
		if err := db.QueryRow(ctx, `SELECT MIN(id) FROM workers WHERE phone_sealed <> ''`).Scan(&wid); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		stop := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				db.Exec(ctx, `UPDATE workers SET phone_sealed = ? WHERE id = ?`, stale.Seal("13912345678"), wid)
			}
		}()
		rep, err := a.RotateKeys(ctx, 50, 0, nil)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if rep.KeyID == old || rep.Reencrypted < int64(len(before))-1 {
			t.Fatalf("rotation report %+v for %d values", rep, len(before))
		}
		if rep, err = a.ReencryptKeys(ctx, 50, nil); err != nil || rep.Left != 0 {
			t.Fatalf("second pass: %+v %v", rep, err)
		}
		after := sealedValues(t, a)
		for k, v := range before {
			gotKey, gotClear, _ := strings.Cut(after[k], "|")
			_, wantClear, _ := strings.Cut(v, "|")
			if k == "workers.phone_sealed#"+strconv.FormatInt(wid, 10) {
				wantClear = "13912345678"
			}
			if gotKey != rep.KeyID || gotClear != wantClear {
				t.Fatalf("%s: after rotation %q, want %s|%s", k, after[k], rep.KeyID, wantClear)
			}
		}
		n, err := platform.CountStale(ctx, db, keys)
		if err != nil || n != 0 {
			t.Fatalf("values under old keys after rotation: %d %v", n, err)
		}
		// Staff still sign in with their second factor, whose secret was re-encrypted.
		if _, err := a.Auth.CurrentCode(ctx, "gulou.clerk"); err != nil {
			t.Fatalf("TOTP secret after rotation: %v", err)
		}
		var audited int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('keys.rotate', 'keys.reencrypt')`).Scan(&audited)
		if audited < 2 {
			t.Fatalf("rotation must be audited: %d rows", audited)
		}
	})
}

// TestSealedColumns_CoverTheSchema: a migration that adds a column of sealed
// values must add it to platform.SealedColumns, or rotation would skip it.
func TestSealedColumns_CoverTheSchema(t *testing.T) {
	db := dbtest.SQLite(t)
	s, err := platform.ReadSchema(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, c := range platform.SealedColumns() {
		listed[c.Table+"."+c.Column] = true
		if _, ok := s.Columns[c.Table+"."+c.Column]; !ok {
			t.Errorf("SealedColumns lists %s.%s, which the schema lacks", c.Table, c.Column)
		}
	}
	for col := range s.Columns {
		if strings.HasSuffix(col, "_sealed") && !strings.HasPrefix(col, "import_staging.") && !listed[col] {
			t.Errorf("%s holds sealed values but is not in platform.SealedColumns", col)
		}
	}
}

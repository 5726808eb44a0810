package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"zhijia/internal/app"
	"zhijia/internal/platform"
	"zhijia/internal/sheet"
)

const keysUsage = "用法 usage: zhijia keys rotate|reencrypt|status [--batch 1000] [flags]"

// cmdKeys manages the keys that seal personal data: rotate adds a key and
// re-encrypts everything under it while the system runs; reencrypt finishes a
// rotation that was stopped; status shows the keys and what is left.
func cmdKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(keysUsage)
	}
	sub := args[0]
	if sub != "rotate" && sub != "reencrypt" && sub != "status" {
		return errors.New(keysUsage)
	}
	var batch int
	a, _, err := openApp(ctx, "keys "+sub, args[1:], io.Discard, func(fs *flag.FlagSet) {
		fs.IntVar(&batch, "batch", 1000, "rows re-encrypted per transaction")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if sub == "status" {
		left, err := platform.CountStale(ctx, a.DB, a.Keys)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "密钥 keys (oldest first): %s\n当前 current: %s\n尚未用当前密钥加密 values under older keys: %d\n",
			strings.Join(a.Keys.KeyIDs(), ", "), a.Keys.KeyID(), left)
		return nil
	}
	bar := sheet.NewBar(stderr, "重新加密 re-encrypting")
	progress := func(done, total int64) { bar.Update(done, total) }
	var rep *app.KeyReport
	if sub == "rotate" {
		rep, err = a.RotateKeys(ctx, batch, 2*time.Second, progress)
	} else {
		rep, err = a.ReencryptKeys(ctx, batch, progress)
	}
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "当前密钥 current key: %s\n已重新加密 re-encrypted: %d\n尚未完成 left: %d\n", rep.KeyID, rep.Reencrypted, rep.Left)
	if rep.Left > 0 {
		fmt.Fprintln(stdout, "仍有数据使用旧密钥（可能正被修改），请稍后运行 zhijia keys reencrypt。Some values are still under an older key (being edited?): run `zhijia keys reencrypt` again shortly.")
	}
	return nil
}

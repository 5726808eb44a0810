package platform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// CleanFileName keeps an uploaded file's name short (60 characters) and
// printable, without any folder a browser sent, and gives it ext, the
// extension of the type sniffed from its content; fallback names a file whose
// name was empty.
func CleanFileName(name, ext, fallback string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.TrimSuffix(name, filepath.Ext(name))
	name = strings.Map(func(r rune) rune {
		if r < 32 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return -1
		}
		return r
	}, name)
	if utf8.RuneCountInString(name) > 60 {
		name = string([]rune(name)[:60])
	}
	if name == "" || name == "." {
		name = fallback
	}
	return name + ext
}

// RandomHex is n random bytes as hex: names for stored files, tokens, keys.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}

// Every runs fn every interval until ctx ends, logging its errors with msg:
// the background work serve starts (sweeps, folds, refreshes).
func Every(ctx context.Context, interval time.Duration, msg string, logf func(msg string, args ...any), fn func(context.Context) error) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := fn(ctx); err != nil && ctx.Err() == nil {
				logf(msg, "err", err)
			}
		}
	}
}

package platform

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKeyring_AddKeyKeepsOldValuesAndIndexes: after a key is added, old values
// still open, new ones name the new key, and blind indexes and the card signing
// key do not change (every lookup and every issued card depends on them).
func TestKeyring_AddKeyKeepsOldValuesAndIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhijia.key")
	k, err := LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Fatalf("a new key file must be mode 0600, got %v", info.Mode().Perm())
	}
	old := k.Seal("350102199001011234")
	idx := k.BlindIndex("id", "350102199001011234")
	signer, _ := k.Signer()
	first := k.KeyID()

	server, err := LoadKeyring(path) // another process on the same file
	if err != nil {
		t.Fatal(err)
	}
	id, err := k.AddKey()
	if err != nil || id == first {
		t.Fatalf("add key: %q %v", id, err)
	}
	if got := k.KeyIDs(); len(got) != 2 || got[0] != first || got[1] != id {
		t.Fatalf("key ids %v", got)
	}
	fresh := k.Seal("13800138000")
	if SealedWith(fresh) != id || SealedWith(old) != first {
		t.Fatalf("sealed with %q and %q", SealedWith(fresh), SealedWith(old))
	}
	if p, err := k.Open(old); err != nil || p != "350102199001011234" {
		t.Fatalf("old value: %q %v", p, err)
	}
	if k.BlindIndex("id", "350102199001011234") != idx {
		t.Fatal("the blind index changed with the new key")
	}
	signer2, _ := k.Signer()
	if !maps.Equal(signer.PublicJWK(), signer2.PublicJWK()) {
		t.Fatal("the card signing key changed with the new key")
	}
	// The other process opens a value sealed by the new key at once, and seals
	// with it after reading the file again.
	if p, err := server.Open(fresh); err != nil || p != "13800138000" {
		t.Fatalf("a running server must open values under a key added since it started: %q %v", p, err)
	}
	if SealedWith(server.Seal("x")) != id {
		t.Fatal("after reloading, a running server must seal with the new key")
	}
	if err := os.WriteFile(path, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := k.Reload(); err == nil || !strings.Contains(err.Error(), "first key") {
		t.Fatalf("replacing the first key must be refused: %v", err)
	}
	if p, err := k.Open(old); err != nil || p != "350102199001011234" {
		t.Fatalf("a refused reload must keep the keys in use: %q %v", p, err)
	}
}

func TestLoadKeyring_RefusesABadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhijia.key")
	body := "# zhijia keys, oldest first\n" + strings.Repeat("01", 32) + "\nnot-hex\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyring(path); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("want the bad line named, got %v", err)
	}
	if err := os.WriteFile(path, []byte("# nothing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyring(path); err == nil {
		t.Fatal("a key file without a key must be refused")
	}
}

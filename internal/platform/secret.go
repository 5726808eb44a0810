package platform

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Keyring holds the keys that seal personal data and secrets at rest
// (AES-256-GCM). The key file lists keys one per line, oldest first: the last
// seals, every one opens what it sealed (each sealed value names its key id), so
// `zhijia keys rotate` adds a key and re-encrypts while the system runs. The
// first key also derives the blind-index and signing keys, which never rotate:
// changing them would break every lookup and every member card issued.
type Keyring struct {
	path  string // key file; "" for a keyring built in memory
	index []byte
	sign  []byte
	state atomic.Pointer[keyState]
	// checked is when the key file was last looked at (unix nanoseconds): a
	// running server notices a rotation within keyRecheck.
	checked atomic.Int64
}

type keyState struct {
	current string // id of the sealing key
	aeads   map[string]cipher.AEAD
	ids     []string // oldest first
	modTime time.Time
}

// keyRecheck is how often Seal and Open look for a key added to the file.
const keyRecheck = time.Second

// LoadKeyring reads the key file at path (hex keys, one per line, oldest first;
// lines starting with # are comments), creating one with a new key (mode 0600)
// if absent.
func LoadKeyring(path string) (*Keyring, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		key, err := newKeyLine()
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(key), 0o600); err != nil {
			return nil, fmt.Errorf("platform: write key file: %w", err)
		}
	}
	st, keys, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k := newKeyring(keys[0])
	k.path = path
	k.state.Store(st)
	k.checked.Store(time.Now().UnixNano())
	return k, nil
}

// NewKeyring builds a keyring in memory from one 32-byte master key.
func NewKeyring(master []byte) (*Keyring, error) {
	if len(master) != 32 {
		return nil, errors.New("platform: a key is 32 bytes")
	}
	st := &keyState{aeads: map[string]cipher.AEAD{}}
	if err := st.add(master); err != nil {
		return nil, err
	}
	k := newKeyring(master)
	k.state.Store(st)
	return k, nil
}

func newKeyring(first []byte) *Keyring {
	return &Keyring{index: derive(first, "zhijia/index"), sign: derive(first, "zhijia/sign")}
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func (st *keyState) add(master []byte) error {
	block, err := aes.NewCipher(derive(master, "zhijia/seal"))
	if err != nil {
		return err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return err
	}
	id := hex.EncodeToString(derive(master, "zhijia/key-id")[:4])
	st.aeads[id] = aead
	st.ids = append(st.ids, id)
	st.current = id
	return nil
}

func newKeyLine() (string, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return hex.EncodeToString(key) + "\n", nil
}

func readKeyFile(path string) (*keyState, [][]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("platform: read key file: %w", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("platform: read key file: %w", err)
	}
	st := &keyState{aeads: map[string]cipher.AEAD{}, modTime: info.ModTime()}
	var keys [][]byte
	for n, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, err := hex.DecodeString(line)
		if err != nil || len(key) != 32 {
			return nil, nil, fmt.Errorf("platform: key file %s line %d must hold 64 hex characters", path, n+1)
		}
		if err := st.add(key); err != nil {
			return nil, nil, err
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, nil, fmt.Errorf("platform: key file %s holds no key", path)
	}
	return st, keys, nil
}

// KeyID is the id of the key new values are sealed with.
func (k *Keyring) KeyID() string { return k.current().current }

// KeyIDs lists every key's id, oldest first.
func (k *Keyring) KeyIDs() []string { return append([]string(nil), k.current().ids...) }

// current returns the key state, reloading the key file when it changed (at
// most once per keyRecheck).
func (k *Keyring) current() *keyState {
	st := k.state.Load()
	if k.path == "" {
		return st
	}
	now := time.Now().UnixNano()
	last := k.checked.Load()
	if now-last < int64(keyRecheck) || !k.checked.CompareAndSwap(last, now) {
		return st
	}
	if info, err := os.Stat(k.path); err == nil && !info.ModTime().Equal(st.modTime) {
		k.Reload()
	}
	return k.state.Load()
}

// Reload reads the key file again. A file that no longer parses, or whose first
// key changed, is ignored: the keys in use stay.
func (k *Keyring) Reload() error {
	if k.path == "" {
		return nil
	}
	st, keys, err := readKeyFile(k.path)
	if err != nil {
		return err
	}
	if !hmac.Equal(derive(keys[0], "zhijia/index"), k.index) {
		return errors.New("platform: the key file's first key changed; it must stay (blind indexes depend on it)")
	}
	k.state.Store(st)
	return nil
}

// AddKey appends a new key to the key file (written whole, then renamed into
// place, mode 0600) and seals with it from now on. Old keys stay: they open
// what they sealed until the data is re-encrypted.
func (k *Keyring) AddKey() (string, error) {
	if k.path == "" {
		return "", errors.New("platform: an in-memory keyring has no key file")
	}
	raw, err := os.ReadFile(k.path)
	if err != nil {
		return "", fmt.Errorf("platform: read key file: %w", err)
	}
	line, err := newKeyLine()
	if err != nil {
		return "", err
	}
	if len(raw) > 0 && raw[len(raw)-1] != '\n' {
		raw = append(raw, '\n')
	}
	tmp := k.path + ".new"
	if err := os.WriteFile(tmp, append(raw, line...), 0o600); err != nil {
		return "", fmt.Errorf("platform: write key file: %w", err)
	}
	if err := os.Rename(tmp, k.path); err != nil {
		return "", fmt.Errorf("platform: replace key file: %w", err)
	}
	if err := k.Reload(); err != nil {
		return "", err
	}
	return k.KeyID(), nil
}

// Seal encrypts plain with the current key; the result carries the key id.
func (k *Keyring) Seal(plain string) string {
	st := k.current()
	aead := st.aeads[st.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	ct := aead.Seal(nonce, nonce, []byte(plain), []byte(st.current))
	return st.current + ":" + base64.RawStdEncoding.EncodeToString(ct)
}

// Open decrypts what Seal produced, under whichever key sealed it.
func (k *Keyring) Open(sealed string) (string, error) {
	id, b64, ok := strings.Cut(sealed, ":")
	if !ok {
		return "", errors.New("platform: sealed value is malformed")
	}
	aead := k.current().aeads[id]
	if aead == nil && k.path != "" && k.Reload() == nil { // sealed by a key added since
		aead = k.state.Load().aeads[id]
	}
	if aead == nil {
		return "", errors.New("platform: sealed value has an unknown key id")
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < aead.NonceSize() {
		return "", errors.New("platform: sealed value is malformed")
	}
	plain, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], []byte(id))
	if err != nil {
		return "", errors.New("platform: sealed value failed authentication")
	}
	return string(plain), nil
}

// SealedWith reports the id of the key that sealed a value ("" if none).
func SealedWith(sealed string) string {
	id, _, ok := strings.Cut(sealed, ":")
	if !ok {
		return ""
	}
	return id
}

// BlindIndex is a keyed hash for looking up and de-duplicating sealed values.
func (k *Keyring) BlindIndex(kind, value string) string {
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte(kind + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// SigningKey is the key for signed tokens (check-in codes, member cards).
func (k *Keyring) SigningKey() []byte { return k.sign }

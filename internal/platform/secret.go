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
)

// Keyring holds the key that seals personal data and secrets at rest
// (AES-256-GCM) and derives the blind-index key (HMAC-SHA256).
type Keyring struct {
	id    string
	aead  cipher.AEAD
	index []byte
	sign  []byte
}

// LoadKeyring reads a hex key from path, creating one (mode 0600) if absent.
func LoadKeyring(path string) (*Keyring, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		raw = []byte(hex.EncodeToString(key) + "\n")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			return nil, fmt.Errorf("platform: write key file: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("platform: read key file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("platform: key file %s must hold 64 hex characters", path)
	}
	return NewKeyring(key)
}

// NewKeyring builds a keyring from a 32-byte master key.
func NewKeyring(master []byte) (*Keyring, error) {
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, master)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("zhijia/seal"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	id := hex.EncodeToString(derive("zhijia/key-id")[:4])
	return &Keyring{id: id, aead: aead, index: derive("zhijia/index"), sign: derive("zhijia/sign")}, nil
}

// Seal encrypts plain; the result carries the key id for rotation.
func (k *Keyring) Seal(plain string) string {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	ct := k.aead.Seal(nonce, nonce, []byte(plain), []byte(k.id))
	return k.id + ":" + base64.RawStdEncoding.EncodeToString(ct)
}

// Open decrypts what Seal produced.
func (k *Keyring) Open(sealed string) (string, error) {
	id, b64, ok := strings.Cut(sealed, ":")
	if !ok || id != k.id {
		return "", errors.New("platform: sealed value has an unknown key id")
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < k.aead.NonceSize() {
		return "", errors.New("platform: sealed value is malformed")
	}
	plain, err := k.aead.Open(nil, ct[:k.aead.NonceSize()], ct[k.aead.NonceSize():], []byte(id))
	if err != nil {
		return "", errors.New("platform: sealed value failed authentication")
	}
	return string(plain), nil
}

// BlindIndex is a keyed hash for looking up and de-duplicating sealed values.
func (k *Keyring) BlindIndex(kind, value string) string {
	m := hmac.New(sha256.New, k.index)
	m.Write([]byte(kind + "\x00" + value))
	return hex.EncodeToString(m.Sum(nil))
}

// SigningKey is the key for signed tokens (check-in codes, member cards).
func (k *Keyring) SigningKey() []byte { return k.sign }

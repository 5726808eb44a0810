package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters, OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemory  = 19456 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// dummyHash is verified against when the username is unknown, so an unknown user
// costs the same time as a wrong password and timing does not tell them apart.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of pw in PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches a PHC argon2id hash, comparing in
// constant time with the hash's own parameters (so old hashes keep working when
// the defaults change).
func VerifyPassword(encoded, pw string) (bool, error) {
	p, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.t, p.m, p.p, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1, nil
}

type phc struct {
	m, t      uint32
	p         uint8
	salt, key []byte
}

var errBadHash = errors.New("auth: malformed password hash")

func parsePHC(s string) (*phc, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return nil, errBadHash
	}
	var r phc
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &r.m, &r.t, &r.p); err != nil {
		return nil, errBadHash
	}
	if r.m == 0 || r.m > 1<<20 || r.t == 0 || r.t > 16 || r.p == 0 {
		return nil, errBadHash
	}
	var err error
	if r.salt, err = b64.DecodeString(parts[4]); err != nil || len(r.salt) < 8 {
		return nil, errBadHash
	}
	if r.key, err = b64.DecodeString(parts[5]); err != nil || len(r.key) < 16 {
		return nil, errBadHash
	}
	return &r, nil
}

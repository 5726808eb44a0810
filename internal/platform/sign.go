package platform

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
)

// Signer makes tokens anyone holding the public key can check without asking the
// server: a member card's QR code is verified by a staff phone that is offline.
// ECDSA P-256 with SHA-256, because every browser's WebCrypto verifies it.
type Signer struct {
	key *ecdsa.PrivateKey
}

// Signer derives the signing key from the keyring, so every instance sharing the
// key file signs alike and nothing else needs storing.
func (k *Keyring) Signer() (*Signer, error) {
	n := elliptic.P256().Params().N
	for i := byte(0); i < 16; i++ {
		m := hmac.New(sha256.New, k.sign)
		m.Write([]byte{'e', 'c', 'd', 's', 'a', i})
		d := new(big.Int).SetBytes(m.Sum(nil))
		if d.Sign() == 0 || d.Cmp(n) >= 0 {
			continue // out of range: derive again (astronomically rare)
		}
		key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), m.Sum(nil))
		if err != nil {
			return nil, err
		}
		return &Signer{key: key}, nil
	}
	return nil, errors.New("platform: could not derive a signing key")
}

var b64 = base64.RawURLEncoding

// Sign returns "payload.signature", both base64url; the signature is the raw
// 64-byte r||s form WebCrypto expects.
func (s *Signer) Sign(payload []byte) (string, error) {
	h := sha256.Sum256(payload)
	r, sv, err := ecdsa.Sign(rand.Reader, s.key, h[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	sv.FillBytes(sig[32:])
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(sig), nil
}

// Verify checks a token from Sign and returns its payload.
func (s *Signer) Verify(token string) ([]byte, error) {
	p, sg, ok := strings.Cut(token, ".")
	if !ok {
		return nil, errors.New("platform: malformed token")
	}
	payload, err1 := b64.DecodeString(p)
	sig, err2 := b64.DecodeString(sg)
	if err1 != nil || err2 != nil || len(sig) != 64 {
		return nil, errors.New("platform: malformed token")
	}
	h := sha256.Sum256(payload)
	r, sv := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	if !ecdsa.Verify(&s.key.PublicKey, h[:], r, sv) {
		return nil, errors.New("platform: bad signature")
	}
	return payload, nil
}

// PublicJWK is the public key as a JSON Web Key, for WebCrypto's importKey.
func (s *Signer) PublicJWK() map[string]string {
	raw, err := s.key.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil || len(raw) != 65 {
		return nil
	}
	return map[string]string{"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(raw[1:33]), "y": b64.EncodeToString(raw[33:])}
}

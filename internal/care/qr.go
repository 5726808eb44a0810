package care

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// qrSigner makes the token printed in a station's QR code: an HMAC of the
// station id under a key derived from the keyring, so a code cannot be made up
// for another station, yet the printed code never expires.
type qrSigner struct{ key []byte }

func newQRSigner(master []byte) *qrSigner {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("care-station-qr"))
	return &qrSigner{key: m.Sum(nil)}
}

func (q *qrSigner) token(stationID int64) string {
	m := hmac.New(sha256.New, q.key)
	m.Write([]byte(strconv.FormatInt(stationID, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

func (q *qrSigner) valid(stationID int64, token string) bool {
	return hmac.Equal([]byte(q.token(stationID)), []byte(token))
}

// CheckinPath is the portal path a station's QR code opens.
func (s *Store) CheckinPath(stationID int64) string {
	return "/portal/care/checkin?s=" + strconv.FormatInt(stationID, 10) + "&t=" + s.signer.token(stationID)
}

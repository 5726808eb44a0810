// Package photo keeps the photos of any record — a station, an event — for the
// package that owns the record. It checks what a file is by its content, strips
// the metadata a phone writes into it (the GPS position above all) and stores
// it under the data directory. It knows nothing of scopes: the owning package
// decides who may add, see and remove its photos before it calls in here.
package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	_ "image/jpeg" // DecodeConfig reads JPEG sizes
	_ "image/png"  // and PNG sizes
	"net/http"
	"strings"
	"time"
)

// MaxSize is the largest photo accepted, in bytes.
const MaxSize = 5 << 20

// MaxPerOwner caps the photos of one record (a WeChat-style grid of nine).
const MaxPerOwner = 9

// maxSide refuses images a browser would choke on.
const maxSide = 12000

// Owner names the record a photo belongs to and the org it is audited in.
type Owner struct {
	Kind    string // the owning package's record type, e.g. "care.station"
	ID      int64
	CityID  int64
	OrgID   int64
	OrgPath string
}

// Photo is one stored photo.
type Photo struct {
	ID            int64
	OwnerKind     string
	OwnerID       int64
	Name, Type    string
	Size          int64
	Width, Height int
	UploadedAt    time.Time
	stored        string
}

// types are the accepted content types, sniffed, with the extension stored.
var types = map[string]string{"image/jpeg": ".jpg", "image/png": ".png"}

var errType = errors.New("photo: not a JPEG or PNG image")

// clean checks that data is a JPEG or PNG image of a sane size and returns it
// without its metadata, with its type and dimensions.
func clean(data []byte) (out []byte, ctype string, w, h int, err error) {
	ctype = strings.SplitN(http.DetectContentType(data), ";", 2)[0]
	if _, ok := types[ctype]; !ok {
		return nil, "", 0, 0, errType
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxSide || cfg.Height > maxSide {
		return nil, "", 0, 0, errType
	}
	if ctype == "image/jpeg" {
		out, err = stripJPEG(data)
	} else {
		out, err = stripPNG(data)
	}
	if err != nil {
		return nil, "", 0, 0, errType
	}
	return out, ctype, cfg.Width, cfg.Height, nil
}

// stripJPEG drops the segments that carry metadata (APP1 Exif/XMP, APP13
// IPTC, comments) up to the image data, keeping only the Exif orientation so a
// phone's portrait photo still stands upright.
func stripJPEG(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errType
	}
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	orientation := 0
	for i := 2; ; {
		for i < len(b) && b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0xFF {
			i++ // fill bytes
		}
		if i+4 > len(b) || b[i] != 0xFF {
			return nil, errType
		}
		marker := b[i+1]
		if marker == 0xDA { // start of scan: the rest is image data
			if orientation > 1 {
				out = append(out, orientationSegment(orientation)...)
			}
			return append(out, b[i:]...), nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		end := i + 2 + n
		if n < 2 || end > len(b) {
			return nil, errType
		}
		switch {
		case marker == 0xE1:
			if o := exifOrientation(b[i+4 : end]); o > 0 {
				orientation = o
			}
		case marker == 0xED || marker == 0xFE:
		default:
			out = append(out, b[i:end]...)
		}
		i = end
	}
}

// exifOrientation reads tag 0x0112 from an APP1 Exif payload, 0 if absent.
func exifOrientation(p []byte) int {
	if len(p) < 14 || string(p[:6]) != "Exif\x00\x00" {
		return 0
	}
	t := p[6:]
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 0
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 0
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 0
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 0
		}
	}
	return 0
}

// orientationSegment is a minimal APP1 Exif segment holding only the orientation.
func orientationSegment(o int) []byte {
	tiff := []byte{'M', 'M', 0, 42, 0, 0, 0, 8, // header, IFD0 at 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // orientation, SHORT, 1
		0, 0, 0, 0} // no next IFD
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// pngDropped are the chunks that carry text, Exif or a timestamp.
var pngDropped = map[string]bool{"tEXt": true, "zTXt": true, "iTXt": true, "eXIf": true, "tIME": true}

// stripPNG drops the PNG chunks that carry metadata.
func stripPNG(b []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(b) < len(sig) || string(b[:len(sig)]) != sig {
		return nil, errType
	}
	out := append(make([]byte, 0, len(b)), b[:len(sig)]...)
	for i := len(sig); i < len(b); {
		if i+12 > len(b) {
			return nil, errType
		}
		n := int(binary.BigEndian.Uint32(b[i:]))
		end := i + 12 + n
		if n < 0 || end > len(b) || end < i {
			return nil, errType
		}
		if kind := string(b[i+4 : i+8]); !pngDropped[kind] {
			out = append(out, b[i:end]...)
		}
		i = end
	}
	return out, nil
}

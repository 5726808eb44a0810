package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, h/2, color.RGBA{200, 16, 46, 255})
	}
	return img
}

// phoneJPEG is a JPEG as a phone writes it: an Exif segment with the
// orientation and a GPS position, and a comment.
func phoneJPEG(t testing.TB, orientation uint16) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(40, 30), nil); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	tiff := []byte{'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0}
	entry := func(tag, typ uint16, count, value uint32) []byte {
		e := make([]byte, 12)
		binary.LittleEndian.PutUint16(e, tag)
		binary.LittleEndian.PutUint16(e[2:], typ)
		binary.LittleEndian.PutUint32(e[4:], count)
		binary.LittleEndian.PutUint32(e[8:], value)
		return e
	}
	tiff = append(tiff, entry(0x0112, 3, 1, uint32(orientation))...)
	tiff = append(tiff, entry(0x8825, 4, 1, 38)...) // GPS IFD pointer
	tiff = append(tiff, 0, 0, 0, 0)
	tiff = append(tiff, []byte("GPS 26.0745N 119.2965E secret")...)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	seg = append(seg, app1...)
	com := []byte("home address comment")
	cseg := []byte{0xFF, 0xFE, 0, byte(len(com) + 2)}
	cseg = append(cseg, com...)
	out := append([]byte{0xFF, 0xD8}, seg...)
	out = append(out, cseg...)
	return append(out, b[2:]...)
}

func TestClean_JPEGLosesGPSKeepsOrientation(t *testing.T) {
	in := phoneJPEG(t, 6)
	if !bytes.Contains(in, []byte("secret")) {
		t.Fatal("fixture lacks its GPS text")
	}
	out, ctype, w, h, err := clean(in)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "image/jpeg" || w != 40 || h != 30 {
		t.Fatalf("got %s %dx%d", ctype, w, h)
	}
	for _, leak := range []string{"secret", "GPS", "home address"} {
		if bytes.Contains(out, []byte(leak)) {
			t.Errorf("stored photo still holds %q", leak)
		}
	}
	if _, err := jpeg.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("stripped photo no longer decodes: %v", err)
	}
	if got := orientationOf(out); got != 6 {
		t.Errorf("orientation = %d, want 6 (a portrait phone photo must stay upright)", got)
	}
}

func TestClean_JPEGWithoutRotationGetsNoExif(t *testing.T) {
	out, _, _, _, err := clean(phoneJPEG(t, 1))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("Exif")) {
		t.Error("an upright photo keeps no Exif at all")
	}
}

func orientationOf(b []byte) int {
	for i := 2; i+4 < len(b) && b[i] == 0xFF && b[i+1] != 0xDA; {
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if b[i+1] == 0xE1 {
			return exifOrientation(b[i+4 : i+2+n])
		}
		i += 2 + n
	}
	return 0
}

func TestClean_PNGLosesTextChunks(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(16, 9)); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	text := []byte("Comment\x00taken at 26.07N 119.29E")
	chunk := make([]byte, 8, 12+len(text))
	binary.BigEndian.PutUint32(chunk, uint32(len(text)))
	copy(chunk[4:], "tEXt")
	chunk = append(append(chunk, text...), 0, 0, 0, 0) // the CRC is not checked by readers of sizes
	ihdrEnd := 8 + 12 + 13
	in := append(append(append([]byte{}, b[:ihdrEnd]...), chunk...), b[ihdrEnd:]...)
	out, ctype, w, h, err := clean(in)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "image/png" || w != 16 || h != 9 || bytes.Contains(out, []byte("26.07N")) {
		t.Fatalf("got %s %dx%d, text kept: %v", ctype, w, h, bytes.Contains(out, []byte("26.07N")))
	}
	if _, err := png.Decode(bytes.NewReader(out)); err != nil {
		t.Fatalf("stripped PNG no longer decodes: %v", err)
	}
}

func TestClean_RefusesWhatIsNotAPhoto(t *testing.T) {
	good := phoneJPEG(t, 1)
	for name, data := range map[string][]byte{
		"text renamed .jpg": []byte("这不是照片，只是文字"),
		"truncated jpeg":    good[:40],
		"gif":               []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
		"pdf":               []byte("%PDF-1.4\n%âãÏÓ\n"),
	} {
		if _, _, _, _, err := clean(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzClean(f *testing.F) {
	f.Add(phoneJPEG(f, 6))
	var buf bytes.Buffer
	png.Encode(&buf, testImage(3, 3))
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		out, ctype, _, _, err := clean(data)
		if err != nil {
			return
		}
		if _, _, err := image.DecodeConfig(bytes.NewReader(out)); err != nil {
			t.Fatalf("accepted %s that does not decode after stripping: %v", ctype, err)
		}
	})
}

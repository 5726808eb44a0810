package platform

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"
)

// Spool holds rows a bulk write will insert later, in a scratch file beside the
// database: a big import keeps its checked rows there, not in memory and not in
// the database, until its one final transaction. The file is unlinked as soon
// as it is made, so a crash or kill leaves nothing behind. Values are nil,
// string, int64 or time.Time.
type Spool struct {
	f    *os.File
	w    *bufio.Writer
	rows int
	buf  []byte
}

// NewSpool makes an empty spool on the database's disk (SQLite) or the
// system's temporary directory.
func (db *DB) NewSpool() (*Spool, error) {
	dir := ""
	if db.path != "" {
		dir = filepath.Dir(db.path)
	}
	f, err := os.CreateTemp(dir, ".zhijia-spool-*")
	if err != nil {
		return nil, fmt.Errorf("platform: spool: %w", err)
	}
	os.Remove(f.Name()) // the open file lives on until Close
	return &Spool{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// Rows is how many rows the spool holds.
func (s *Spool) Rows() int { return s.rows }

const (
	tagNil byte = iota
	tagString
	tagInt
	tagTime
)

// Append adds one row.
func (s *Spool) Append(row []any) error {
	b := binary.AppendUvarint(s.buf[:0], uint64(len(row)))
	for _, v := range row {
		switch v := v.(type) {
		case nil:
			b = append(b, tagNil)
		case string:
			b = binary.AppendUvarint(append(b, tagString), uint64(len(v)))
			b = append(b, v...)
		case int64:
			b = binary.AppendVarint(append(b, tagInt), v)
		case time.Time:
			b = binary.AppendVarint(append(b, tagTime), v.UnixNano())
		default:
			return fmt.Errorf("platform: spool: cannot keep a %T", v)
		}
	}
	s.buf = b
	s.rows++
	_, err := s.w.Write(b)
	return err
}

// Each replays the rows in order; row is reused between calls.
func (s *Spool) Each(fn func(row []any) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("platform: spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("platform: spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 1<<20)
	var row []any
	for range s.rows {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > math.MaxInt16 {
			return errSpool(err)
		}
		row = row[:0]
		for range n {
			v, err := readValue(r)
			if err != nil {
				return errSpool(err)
			}
			row = append(row, v)
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return nil
}

func readValue(r *bufio.Reader) (any, error) {
	tag, err := r.ReadByte()
	if err != nil {
		return nil, err
	}
	switch tag {
	case tagNil:
		return nil, nil
	case tagString:
		n, err := binary.ReadUvarint(r)
		if err != nil || n > 1<<24 {
			return nil, errors.New("bad length")
		}
		b := make([]byte, n)
		_, err = io.ReadFull(r, b)
		return string(b), err
	case tagInt:
		return binary.ReadVarint(r)
	case tagTime:
		ns, err := binary.ReadVarint(r)
		return time.Unix(0, ns).UTC(), err
	}
	return nil, errors.New("bad tag")
}

func errSpool(err error) error {
	if err == nil {
		err = errors.New("bad row")
	}
	return fmt.Errorf("platform: spool: read: %w", err)
}

// Close releases the file (and with it the rows).
func (s *Spool) Close() error { return s.f.Close() }

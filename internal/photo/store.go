package photo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// Store keeps photo rows in the database and their files under dataDir/photos.
type Store struct {
	db    *platform.DB
	clock platform.Clock
	dir   string
}

// NewStore builds the store; files go to dataDir/photos.
func NewStore(db *platform.DB, clock platform.Clock, dataDir string) *Store {
	return &Store{db: db, clock: clock, dir: filepath.Join(dataDir, "photos")}
}

const columns = `id, owner_kind, owner_id, name, content_type, size, width, height, stored_name, uploaded_at`

func scan(sc interface{ Scan(...any) error }) (*Photo, error) {
	var p Photo
	err := sc.Scan(&p.ID, &p.OwnerKind, &p.OwnerID, &p.Name, &p.Type, &p.Size, &p.Width, &p.Height, &p.stored, &p.UploadedAt)
	return &p, err
}

// Add stores a photo of o's record. The caller has checked that the actor may
// change the record. The file is checked by content and stripped of metadata.
func (s *Store) Add(ctx context.Context, o Owner, name string, r io.Reader) (*Photo, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("photo: read: %w", err)
	}
	switch {
	case len(data) == 0:
		return nil, platform.Invalid().Field("photo", "photo.err.empty")
	case len(data) > MaxSize:
		return nil, platform.Invalid().Field("photo", "photo.err.large")
	}
	data, ctype, w, h, err := clean(data)
	if err != nil {
		return nil, platform.Invalid().Field("photo", "photo.err.type")
	}
	p := &Photo{OwnerKind: o.Kind, OwnerID: o.ID, Name: platform.CleanFileName(name, types[ctype], "photo"), Type: ctype,
		Size: int64(len(data)), Width: w, Height: h}
	p.stored = safeKind(o.Kind) + "-" + strconv.FormatInt(o.ID, 10) + "-" + platform.RandomHex(12) + types[ctype]
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, fmt.Errorf("photo: dir: %w", err)
	}
	path := filepath.Join(s.dir, p.stored)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, fmt.Errorf("photo: write: %w", err)
	}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM photos WHERE owner_kind = ? AND owner_id = ?`, o.Kind, o.ID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxPerOwner {
			return platform.Invalid().Field("photo", "photo.err.count")
		}
		p.UploadedAt = s.clock.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO photos (city_id, owner_kind, owner_id, name, content_type, size, width, height, stored_name, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, o.CityID, o.Kind, o.ID, p.Name, ctype, p.Size, w, h, p.stored, p.UploadedAt).Scan(&p.ID); err != nil {
			return fmt.Errorf("photo: insert: %w", err)
		}
		return audit.Record(ctx, tx, p.UploadedAt, audit.Entry{Action: "photo.add", EntityType: o.Kind,
			EntityID: strconv.FormatInt(o.ID, 10), OrgID: o.OrgID, OrgPath: o.OrgPath, Summary: "上传照片 " + p.Name})
	})
	if err != nil {
		os.Remove(path)
		return nil, err
	}
	return p, nil
}

// List returns the photos of one record, oldest first.
func (s *Store) List(ctx context.Context, kind string, ownerID int64) ([]Photo, error) {
	rows, err := s.db.Query(ctx, `SELECT `+columns+` FROM photos WHERE owner_kind = ? AND owner_id = ? ORDER BY id`, kind, ownerID)
	if err != nil {
		return nil, fmt.Errorf("photo: list: %w", err)
	}
	defer rows.Close()
	var out []Photo
	for rows.Next() {
		p, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("photo: list: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// IDs lists, in one query, the photo ids of each of the records, in upload
// order (records without any are absent): enough for a list page's covers.
func (s *Store) IDs(ctx context.Context, kind string, ownerIDs []int64) (map[int64][]int64, error) {
	out := make(map[int64][]int64, len(ownerIDs))
	if len(ownerIDs) == 0 {
		return out, nil
	}
	args := append([]any{kind}, platform.IDArgs(ownerIDs)...)
	rows, err := s.db.Query(ctx, `SELECT owner_id, id FROM photos WHERE owner_kind = ? AND owner_id IN (`+
		platform.Placeholders(len(ownerIDs))+`) ORDER BY owner_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("photo: ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var owner, id int64
		if err := rows.Scan(&owner, &id); err != nil {
			return nil, err
		}
		out[owner] = append(out[owner], id)
	}
	return out, rows.Err()
}

// Get returns one photo, so the caller can check its owner before serving it.
func (s *Store) Get(ctx context.Context, id int64) (*Photo, error) {
	p, err := scan(s.db.QueryRow(ctx, `SELECT `+columns+` FROM photos WHERE id = ?`, id))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, platform.NotFound
		}
		return nil, fmt.Errorf("photo: get %d: %w", id, err)
	}
	return p, nil
}

// Remove deletes a photo of o's record, audited; NotFound if it is not o's.
func (s *Store) Remove(ctx context.Context, id int64, o Owner) error {
	var stored, name string
	err := s.db.InTx(ctx, func(tx *platform.Tx) error {
		err := tx.QueryRow(ctx, `DELETE FROM photos WHERE id = ? AND owner_kind = ? AND owner_id = ? RETURNING stored_name, name`,
			id, o.Kind, o.ID).Scan(&stored, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return platform.NotFound
		}
		if err != nil {
			return fmt.Errorf("photo: remove %d: %w", id, err)
		}
		return audit.Record(ctx, tx, s.clock.Now(), audit.Entry{Action: "photo.remove", EntityType: o.Kind,
			EntityID: strconv.FormatInt(o.ID, 10), OrgID: o.OrgID, OrgPath: o.OrgPath, Summary: "删除照片 " + name})
	})
	if err != nil {
		return err
	}
	os.Remove(filepath.Join(s.dir, stored))
	return nil
}

// Serve writes the photo's file. Files never change, so the stored name is
// its ETag and browsers may keep it; only privately, as the owner may limit who sees it.
func (s *Store) Serve(w http.ResponseWriter, r *http.Request, p *Photo) {
	f, err := os.Open(filepath.Join(s.dir, p.stored))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", p.Type)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+p.stored+`"`)
	h.Set("Content-Disposition", "inline")
	http.ServeContent(w, r, "", p.UploadedAt, f)
}

// URL-safe kind for file names: "care.station" → "care_station".
func safeKind(kind string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, kind)
}

// Upload is the file posted in a form's "photo" field, its name and its
// content; no file reads as empty, which Add refuses with its own message.
// The caller closes it.
func Upload(r *http.Request) (name string, body io.ReadCloser) {
	file, hdr, err := r.FormFile("photo")
	if err != nil {
		return "", io.NopCloser(strings.NewReader(""))
	}
	return hdr.Filename, file
}

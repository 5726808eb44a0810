package relief

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"zhijia/internal/audit"
	"zhijia/internal/platform"
)

// MaxAttachment is the largest file an application may carry.
const MaxAttachment = 10 << 20

// MaxAttachments caps the files on one application.
const MaxAttachments = 20

// attachmentTypes are the types accepted, as sniffed from the content.
var attachmentTypes = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// Attachment is one file on an application.
type Attachment struct {
	ID, ApplicationID int64
	Name, Type        string
	Size              int64
	UploadedAt        time.Time
	stored            string
}

func (s *Store) attachments(ctx context.Context, appID int64) ([]Attachment, error) {
	rows, err := s.db.Query(ctx, `SELECT id, application_id, name, content_type, size, stored_name, uploaded_at
		FROM relief_attachments WHERE application_id = ? ORDER BY id`, appID)
	if err != nil {
		return nil, fmt.Errorf("relief: attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.ApplicationID, &a.Name, &a.Type, &a.Size, &a.stored, &a.UploadedAt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Attach stores a file on an application the actor may see (the applicant or
// staff in scope) while it is open. The type is sniffed from the content, never
// taken from the name or the browser: PDF, JPG or PNG only.
func (s *Store) Attach(ctx context.Context, appID int64, name string, r io.Reader) (*Attachment, error) {
	app, err := s.loadFor(ctx, appID)
	if err != nil {
		return nil, err
	}
	if app.Status != StatusPending && app.Status != StatusReturned {
		return nil, platform.Errorf(platform.CodeConflict, "relief.err.closed")
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxAttachment+1))
	if err != nil {
		return nil, fmt.Errorf("relief: read attachment: %w", err)
	}
	if len(data) == 0 {
		return nil, platform.Invalid().Field("file", "relief.err.file_empty")
	}
	if len(data) > MaxAttachment {
		return nil, platform.Invalid().Field("file", "relief.err.file_large")
	}
	ctype := strings.SplitN(http.DetectContentType(data), ";", 2)[0]
	ext, ok := attachmentTypes[ctype]
	if !ok {
		return nil, platform.Invalid().Field("file", "relief.err.file_type")
	}
	name = platform.CleanFileName(name, ext, "附件")
	stored := strconv.FormatInt(appID, 10) + "-" + platform.RandomHex(12) + ext
	dir := filepath.Join(s.dataDir, "relief")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("relief: attachment dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, stored), data, 0o600); err != nil {
		return nil, fmt.Errorf("relief: write attachment: %w", err)
	}
	att := &Attachment{ApplicationID: appID, Name: name, Type: ctype, Size: int64(len(data)), stored: stored}
	err = s.db.InTx(ctx, func(tx *platform.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM relief_attachments WHERE application_id = ?`, appID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxAttachments {
			return platform.Invalid().Field("file", "relief.err.file_count")
		}
		att.UploadedAt = s.now()
		if err := tx.QueryRow(ctx, `INSERT INTO relief_attachments (city_id, application_id, name, content_type, size, stored_name, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, app.CityID, appID, name, ctype, att.Size, stored, att.UploadedAt).Scan(&att.ID); err != nil {
			return fmt.Errorf("relief: attachment: %w", err)
		}
		return audit.Record(ctx, tx, att.UploadedAt, audit.Entry{Action: "relief.attach", EntityType: EntityType,
			EntityID: strconv.FormatInt(appID, 10), OrgID: app.OrgID, OrgPath: app.OrgPath, Summary: "上传附件 " + name})
	})
	if err != nil {
		os.Remove(filepath.Join(dir, stored))
		return nil, err
	}
	return att, nil
}

// OpenAttachment returns a file of an application the actor may see. Staff
// opening one is audited (the files hold sensitive data).
func (s *Store) OpenAttachment(ctx context.Context, id int64) (*Attachment, []byte, error) {
	var att Attachment
	err := s.db.QueryRow(ctx, `SELECT id, application_id, name, content_type, size, stored_name, uploaded_at FROM relief_attachments WHERE id = ?`, id).
		Scan(&att.ID, &att.ApplicationID, &att.Name, &att.Type, &att.Size, &att.stored, &att.UploadedAt)
	if err != nil {
		return nil, nil, platform.NotFound
	}
	app, err := s.loadFor(ctx, att.ApplicationID)
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(filepath.Join(s.dataDir, "relief", att.stored))
	if err != nil {
		return nil, nil, fmt.Errorf("relief: read attachment %d: %w", id, err)
	}
	if a := platform.ActorFrom(ctx); a.Kind != "worker" {
		err = s.db.InTx(ctx, func(tx *platform.Tx) error {
			return audit.Record(ctx, tx, s.now(), audit.Entry{Action: "relief.attachment_view", EntityType: EntityType,
				EntityID: strconv.FormatInt(app.ID, 10), OrgID: app.OrgID, OrgPath: app.OrgPath, Summary: "查看附件 " + att.Name})
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return &att, data, nil
}

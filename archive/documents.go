package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
)

// Document records one stored version of a generated document (the decision
// PDF, the results JSON…).
type Document struct {
	Key         string    `json:"key"` // e.g. "2026/decision.pdf"
	VersionID   string    `json:"versionId"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	ContentType string    `json:"contentType"`
	StoredAt    time.Time `json:"storedAt"` // UTC, whole seconds
	// Locked versions cannot be altered or deleted until RetainUntil.
	Locked        bool      `json:"locked"`
	RetentionMode string    `json:"retentionMode,omitempty"`
	RetainUntil   time.Time `json:"retainUntil,omitzero"`
}

// PutDocument stores data under key (slash-separated segments of ASCII
// letters, digits, '.', '_', '-'; e.g. "2026/results.json") as a new
// version. With lock, that version gets the configured retention (mode and
// now + RetentionDays) and cannot be altered or deleted until then.
//
// Idempotent for retries: when the current version at key already holds
// these exact bytes, that version is returned (and locked if asked) instead
// of writing another.
func (s *Store) PutDocument(ctx context.Context, key string, data []byte, contentType string, lock bool) (Document, error) {
	if err := checkDocumentKey(key); err != nil {
		return Document{}, err
	}
	if contentType == "" {
		contentType = http.DetectContentType(data)
	}
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	bucket := s.cfg.DocumentBucket

	cur, err := s.client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	switch {
	case err == nil && meta(cur, metaSHA256) == sum && cur.Size == int64(len(data)) && cur.VersionID != "":
		doc := documentFromInfo(cur)
		if lock && !doc.Locked {
			return s.LockDocument(ctx, key, doc.VersionID)
		}
		return doc, nil
	case err != nil && !isNotFound(err):
		return Document{}, fmt.Errorf("archive: stat document %s: %w", key, err)
	}

	opts := minio.PutObjectOptions{
		ContentType:    contentType,
		UserMetadata:   map[string]string{metaSHA256: sum},
		SendContentMd5: true, // S3 wants Content-MD5 (or a checksum) with object lock
	}
	if lock {
		opts.Mode = minio.RetentionMode(s.cfg.RetentionMode)
		opts.RetainUntilDate = s.retainUntil()
	}
	info, err := s.client.PutObject(ctx, bucket, key, bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		return Document{}, fmt.Errorf("archive: put document %s: %w", key, err)
	}
	if info.VersionID == "" {
		return Document{}, fmt.Errorf("%w: %s", errNoVersioning, bucket)
	}
	// Read back the server's record (its time stamp and retention), so that
	// a retry deduplicated above returns exactly the same Document.
	return s.StatDocument(ctx, key, info.VersionID)
}

func (s *Store) retainUntil() time.Time {
	return time.Now().UTC().Truncate(time.Second).AddDate(0, 0, s.cfg.RetentionDays)
}

// GetDocument returns the bytes of one version ("" for the current one).
// It checks them against the SHA-256 stored at write time (ErrTampered on
// a mismatch); a missing key or version wraps ErrNotFound.
func (s *Store) GetDocument(ctx context.Context, key, versionID string) ([]byte, error) {
	if err := checkDocumentKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.cfg.DocumentBucket, key, minio.GetObjectOptions{VersionID: versionID})
	if err != nil {
		return nil, fmt.Errorf("archive: get document %s: %w", key, err)
	}
	defer obj.Close()
	info, err := obj.Stat()
	if err != nil {
		if isNotFound(err) {
			return nil, &fileError{kind: ErrNotFound, name: key, detail: "version " + orCurrent(versionID)}
		}
		return nil, fmt.Errorf("archive: get document %s: %w", key, err)
	}
	data, err := io.ReadAll(obj)
	if err != nil {
		return nil, fmt.Errorf("archive: read document %s: %w", key, err)
	}
	if want := meta(info, metaSHA256); want != "" {
		h := sha256.Sum256(data)
		if got := hex.EncodeToString(h[:]); got != want {
			return nil, tampered(key, fmt.Sprintf("version %s has SHA-256 %s, stored %s", info.VersionID, got, want))
		}
	}
	return data, nil
}

// StatDocument describes one version ("" for the current one) without
// reading it.
func (s *Store) StatDocument(ctx context.Context, key, versionID string) (Document, error) {
	if err := checkDocumentKey(key); err != nil {
		return Document{}, err
	}
	info, err := s.client.StatObject(ctx, s.cfg.DocumentBucket, key, minio.StatObjectOptions{VersionID: versionID})
	if err != nil {
		if isNotFound(err) {
			return Document{}, &fileError{kind: ErrNotFound, name: key, detail: "version " + orCurrent(versionID)}
		}
		return Document{}, fmt.Errorf("archive: stat document %s: %w", key, err)
	}
	return documentFromInfo(info), nil
}

// LockDocument puts the configured retention on an existing version
// ("" means the current one, resolved to its id), e.g. at publication. A
// version already locked is returned as it is (retention is never
// shortened).
func (s *Store) LockDocument(ctx context.Context, key, versionID string) (Document, error) {
	doc, err := s.StatDocument(ctx, key, versionID)
	if err != nil {
		return Document{}, err
	}
	if doc.Locked && doc.RetainUntil.After(time.Now()) {
		return doc, nil
	}
	mode := minio.RetentionMode(s.cfg.RetentionMode)
	until := s.retainUntil()
	err = s.client.PutObjectRetention(ctx, s.cfg.DocumentBucket, key, minio.PutObjectRetentionOptions{
		Mode: &mode, RetainUntilDate: &until, VersionID: doc.VersionID,
	})
	if err != nil {
		return Document{}, fmt.Errorf("archive: lock document %s version %s: %w", key, doc.VersionID, err)
	}
	doc.Locked, doc.RetentionMode, doc.RetainUntil = true, string(mode), until
	return doc, nil
}

func documentFromInfo(info minio.ObjectInfo) Document {
	doc := Document{
		Key:         info.Key,
		VersionID:   info.VersionID,
		Size:        info.Size,
		SHA256:      meta(info, metaSHA256),
		ContentType: info.ContentType,
		StoredAt:    info.LastModified.UTC().Truncate(time.Second),
	}
	if mode := info.Metadata.Get("X-Amz-Object-Lock-Mode"); mode != "" {
		doc.RetentionMode = mode
		if t, err := time.Parse(time.RFC3339, info.Metadata.Get("X-Amz-Object-Lock-Retain-Until-Date")); err == nil {
			doc.RetainUntil = t.UTC()
			doc.Locked = t.After(time.Now())
		}
	}
	return doc
}

func orCurrent(versionID string) string {
	if versionID == "" {
		return "current"
	}
	return versionID
}

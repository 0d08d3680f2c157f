package archive

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// criteriaPrefix holds imported criteria sets in the documents bucket:
// criteria/<key>/<sha256>.yaml, each locked once written, so a set a
// campaign pinned can always be read back exactly.
const criteriaPrefix = "criteria/"

// StoredSet describes an imported criteria set file.
type StoredSet struct {
	Key      string    `json:"key"`    // "3299-PL01"
	SHA256   string    `json:"sha256"` // of the file's bytes
	Size     int64     `json:"size"`
	StoredAt time.Time `json:"storedAt"`
}

func criteriaKey(key, sha string) (string, error) {
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return "", badName(sha, "criteria set hash is not a lowercase SHA-256", "mã băm bộ tiêu chí không hợp lệ")
	}
	k := criteriaPrefix + key + "/" + sha + ".yaml"
	if err := checkDocumentKey(k); err != nil || strings.Contains(key, "/") {
		return "", badName(key, "criteria set key is not one safe segment", "khoá bộ tiêu chí không hợp lệ")
	}
	return k, nil
}

// PutCriteriaSet stores a set file under its key and hash, locked.
// Storing the same bytes again returns the version already there.
func (s *Store) PutCriteriaSet(ctx context.Context, key, sha string, raw []byte) (Document, error) {
	k, err := criteriaKey(key, sha)
	if err != nil {
		return Document{}, err
	}
	doc, err := s.PutDocument(ctx, k, raw, "application/yaml", true)
	if err != nil {
		return Document{}, err
	}
	if doc.SHA256 != sha {
		return Document{}, fmt.Errorf("archive: criteria set %s: the bytes hash to %s", key, doc.SHA256)
	}
	return doc, nil
}

// GetCriteriaSet reads a stored set file back, checked against its hash
// (ErrNotFound when there is none with that key and hash).
func (s *Store) GetCriteriaSet(ctx context.Context, key, sha string) ([]byte, error) {
	k, err := criteriaKey(key, sha)
	if err != nil {
		return nil, err
	}
	return s.GetDocument(ctx, k, "")
}

// ListCriteriaSets lists the stored set files, by key then time stored.
func (s *Store) ListCriteriaSets(ctx context.Context) ([]StoredSet, error) {
	var out []StoredSet
	for obj := range s.client.ListObjects(ctx, s.cfg.DocumentBucket, minio.ListObjectsOptions{Prefix: criteriaPrefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("archive: list criteria sets: %w", obj.Err)
		}
		rest := strings.TrimPrefix(obj.Key, criteriaPrefix)
		key, file, ok := strings.Cut(rest, "/")
		sha, isYAML := strings.CutSuffix(file, ".yaml")
		if !ok || !isYAML || len(sha) != 64 {
			continue
		}
		out = append(out, StoredSet{Key: key, SHA256: sha, Size: obj.Size, StoredAt: obj.LastModified.UTC().Truncate(time.Second)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		if !out[i].StoredAt.Equal(out[j].StoredAt) {
			return out[i].StoredAt.Before(out[j].StoredAt)
		}
		return out[i].SHA256 < out[j].SHA256
	})
	return out, nil
}

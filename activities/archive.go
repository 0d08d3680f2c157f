package activities

import (
	"context"
	"errors"
	"fmt"

	"ictindex/archive"
	"ictindex/templates"
)

// NewArchive adapts the MinIO store to what the activities need.
func NewArchive(s *archive.Store) Archive { return storeArchive{s} }

type storeArchive struct{ s *archive.Store }

func docRef(d archive.Document) DocumentRef {
	return DocumentRef{Key: d.Key, VersionID: d.VersionID, SHA256: d.SHA256, Size: d.Size}
}

func (a storeArchive) PutDocument(ctx context.Context, key string, data []byte, contentType string, lock bool) (DocumentRef, error) {
	d, err := a.s.PutDocument(ctx, key, data, contentType, lock)
	return docRef(d), err
}

func (a storeArchive) GetDocument(ctx context.Context, key, versionID string) ([]byte, error) {
	return a.s.GetDocument(ctx, key, versionID)
}

func (a storeArchive) LockDocument(ctx context.Context, key, versionID string) error {
	_, err := a.s.LockDocument(ctx, key, versionID)
	return err
}

func (a storeArchive) VerifyEvidence(ctx context.Context, ev EvidenceRef) error {
	return a.s.VerifyEvidence(ctx, ev.Archived())
}

// Archived returns the evidence as the archive describes it.
func (ev EvidenceRef) Archived() archive.Evidence {
	return archive.Evidence{Key: ev.Key, VersionID: ev.VersionID, FileName: ev.FileName, Size: ev.Size, SHA256: ev.SHA256,
		ContentType: ev.ContentType, Uploader: ev.Uploader, UploadedAt: ev.UploadedAt}
}

// EvidenceOf records an archived evidence document against a criterion.
func EvidenceOf(ev archive.Evidence, criterion string) EvidenceRef {
	return EvidenceRef{Criterion: criterion, Key: ev.Key, VersionID: ev.VersionID, FileName: ev.FileName, Size: ev.Size,
		SHA256: ev.SHA256, ContentType: ev.ContentType, Uploader: ev.Uploader, UploadedAt: ev.UploadedAt}
}

// SetSource lets a criteria set library read imported sets from the archive.
func SetSource(s *archive.Store) templates.Source { return setSource{s} }

type setSource struct{ s *archive.Store }

func (a setSource) CriteriaSet(ctx context.Context, ref templates.SetRef) ([]byte, error) {
	raw, err := a.s.GetCriteriaSet(ctx, ref.Key, ref.Hash)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s is not in the archive", templates.ErrUnknownSet, ref)
	}
	return raw, err
}

// New gives the activities over the MinIO store: its documents, evidence
// and imported criteria sets.
func New(s *archive.Store, n Notifier) *Activities {
	return &Activities{Archive: NewArchive(s), Notifier: n, Sets: templates.NewLibrary(SetSource(s)), Register: s}
}

package activities

import (
	"context"

	"ictindex/archive"
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

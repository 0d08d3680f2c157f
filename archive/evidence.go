package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Evidence records one stored evidence file. It is what workflows keep
// (small, JSON); the bytes stay in the archive.
type Evidence struct {
	Key         string    `json:"key"`       // object key in the evidence bucket
	VersionID   string    `json:"versionId"` // the exact stored version
	FileName    string    `json:"fileName"`  // original name, NFC
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"` // hex
	ContentType string    `json:"contentType"`
	Uploader    string    `json:"uploader"`
	UploadedAt  time.Time `json:"uploadedAt"` // UTC, whole seconds
}

// streamPartSize is the buffer minio-go fills per part when the size is not
// known in advance; with a known size the body streams in one PUT and no
// buffer is needed.
const streamPartSize = 5 << 20

// PutEvidence stores an evidence file read from r. size is the exact byte
// count, or -1 when unknown (it is then only bounded by MaxEvidenceBytes).
//
// The upload streams: the first 512 bytes decide the content type (see
// ErrType), then the bytes flow to the server while their SHA-256 is
// computed and the size limit enforced (ErrTooLarge). The file is staged
// under a temporary key and only copied (server side, with its metadata:
// uploader, year, unit, criterion, SHA-256 and original name) to its real
// key once accepted whole. A refused, failed or cancelled upload leaves no
// object: a failed PUT stores nothing, a failed multipart upload is
// aborted, and a staged copy is removed (or, if the server is gone by then,
// expired by the bucket's lifecycle rule after a day).
//
// A size that does not match the bytes read is an error (not ErrTooLarge
// unless it exceeds the limit).
//
// Storing the same bytes again under the same key returns the existing
// version instead of adding one, so a retried activity is harmless.
func (s *Store) PutEvidence(ctx context.Context, key EvidenceKey, r io.Reader, size int64, uploader string) (Evidence, error) {
	objKey, name, err := key.resolve()
	if err != nil {
		return Evidence{}, err
	}
	uploader = strings.TrimSpace(uploader)
	if uploader == "" {
		return Evidence{}, errors.New("archive: PutEvidence: uploader is empty")
	}
	if r == nil {
		return Evidence{}, errors.New("archive: PutEvidence: nil reader")
	}
	limit := s.cfg.MaxEvidenceBytes
	if size > limit {
		return Evidence{}, tooLarge(name, limit, fmt.Sprintf("%d bytes, limit %d", size, limit))
	}
	if size < 0 {
		size = -1
	}

	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return Evidence{}, fmt.Errorf("archive: read %q: %w", name, err)
	}
	head = head[:n]
	if size >= 0 && int64(n) > size {
		return Evidence{}, fmt.Errorf("archive: %q: more data than the declared %d bytes", name, size)
	}
	ctype, err := sniff(head, name)
	if err != nil {
		return Evidence{}, err
	}

	body := &guardReader{r: io.MultiReader(bytes.NewReader(head), r), max: limit, h: sha256.New()}
	if size >= 0 {
		body.max, body.declared = size, true
	}
	staged := stagingPrefix + rand.Text()
	opts := minio.PutObjectOptions{ContentType: ctype}
	if size >= 0 {
		opts.DisableMultipart = true // one streamed PUT, no part buffer
	} else {
		opts.PartSize = streamPartSize
	}
	info, err := s.client.PutObject(ctx, s.cfg.EvidenceBucket, staged, body, size, opts)
	if err == nil && size >= 0 {
		// The reader must end exactly where the caller said it would.
		var one [1]byte
		if _, rerr := io.ReadFull(body, one[:]); rerr != io.EOF && !body.over {
			err = fmt.Errorf("reading past the declared size: %v", rerr)
		}
		if err == nil && body.n != size {
			err = fmt.Errorf("read %d bytes, declared %d", body.n, size)
		}
	}
	if err != nil || body.over {
		if info.VersionID != "" {
			// Stored, but refused afterwards.
			s.removeStaged(ctx, staged, info.VersionID)
		}
		// A failed PUT or an aborted multipart upload stores nothing; should
		// the abort itself fail, the lifecycle rule clears the parts.
		switch {
		case body.over && body.declared:
			return Evidence{}, fmt.Errorf("archive: %q: more data than the declared %d bytes", name, size)
		case body.over:
			return Evidence{}, tooLarge(name, limit, fmt.Sprintf("more than %d bytes", limit))
		}
		return Evidence{}, fmt.Errorf("archive: upload %q: %w", name, err)
	}
	defer s.removeStaged(ctx, staged, info.VersionID)
	sum := hex.EncodeToString(body.h.Sum(nil))

	// A retry of an upload that already went through: keep that version.
	if cur, err := s.client.StatObject(ctx, s.cfg.EvidenceBucket, objKey, minio.StatObjectOptions{}); err == nil &&
		meta(cur, metaSHA256) == sum && cur.Size == body.n && cur.VersionID != "" {
		return evidenceFromInfo(cur), nil
	}

	md := map[string]string{
		metaSHA256:    sum,
		metaUploader:  escapeMeta(uploader),
		metaYear:      strconv.Itoa(key.Year),
		metaUnit:      key.Unit,
		metaCriterion: key.Criterion,
		metaName:      escapeMeta(name),
	}
	cp, err := s.client.CopyObject(ctx,
		minio.CopyDestOptions{
			Bucket: s.cfg.EvidenceBucket, Object: objKey,
			UserMetadata: md, ReplaceMetadata: true,
			ContentType: ctype,
		},
		minio.CopySrcOptions{Bucket: s.cfg.EvidenceBucket, Object: staged, VersionID: info.VersionID},
	)
	if err != nil {
		return Evidence{}, fmt.Errorf("archive: store %q at %s: %w", name, objKey, err)
	}
	if cp.VersionID == "" {
		return Evidence{}, fmt.Errorf("%w: %s", errNoVersioning, s.cfg.EvidenceBucket)
	}
	at := cp.LastModified
	if at.IsZero() {
		at = time.Now()
	}
	return Evidence{
		Key:         objKey,
		VersionID:   cp.VersionID,
		FileName:    name,
		Size:        body.n,
		SHA256:      sum,
		ContentType: ctype,
		Uploader:    uploader,
		UploadedAt:  at.UTC().Truncate(time.Second),
	}, nil
}

// removeStaged deletes a staged upload's version, even when ctx has been
// cancelled. A failure (server gone) is left to the lifecycle rule.
func (s *Store) removeStaged(ctx context.Context, staged, versionID string) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	_ = s.client.RemoveObject(ctx, s.cfg.EvidenceBucket, staged, minio.RemoveObjectOptions{VersionID: versionID})
}

func evidenceFromInfo(info minio.ObjectInfo) Evidence {
	return Evidence{
		Key:         info.Key,
		VersionID:   info.VersionID,
		FileName:    unescapeMeta(meta(info, metaName)),
		Size:        info.Size,
		SHA256:      meta(info, metaSHA256),
		ContentType: info.ContentType,
		Uploader:    unescapeMeta(meta(info, metaUploader)),
		UploadedAt:  info.LastModified.UTC().Truncate(time.Second),
	}
}

// guardReader passes bytes through while hashing and counting them, and
// fails as soon as more than max bytes arrive (without handing the excess
// on): max is the declared size when there is one, else the size limit.
type guardReader struct {
	r        io.Reader
	max      int64
	declared bool // max is the caller's declared size
	n        int64
	h        hash.Hash
	over     bool
}

// errOverflow is what minio-go sees when the guard trips; PutEvidence
// reports the reason from the guard's state.
var errOverflow = errors.New("archive: upload exceeds its size")

func (g *guardReader) Read(p []byte) (int, error) {
	if g.over {
		return 0, errOverflow
	}
	if room := g.max + 1 - g.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	if g.n+int64(n) > g.max {
		g.over = true
		return 0, errOverflow
	}
	g.n += int64(n)
	g.h.Write(p[:n])
	return n, err
}

// VerifyEvidence re-reads the recorded version, recomputes its SHA-256 and
// checks that it is still the current file at its key. It returns nil when
// all is well, an error wrapping ErrTampered when the version's bytes or
// size differ, the version is gone, the key was deleted, or the key now
// holds a file written outside the archive; and ErrSuperseded when the
// version is intact but a later upload through the archive (same name,
// different content) has replaced it. Other errors (server unreachable…)
// say nothing about tampering.
func (s *Store) VerifyEvidence(ctx context.Context, ev Evidence) error {
	if ev.Key == "" || ev.VersionID == "" || len(ev.SHA256) != 64 {
		return errors.New("archive: VerifyEvidence: record lacks key, version or SHA-256")
	}
	sum, size, _, err := s.hashVersion(ctx, ev.Key, ev.VersionID)
	if err != nil {
		if isNotFound(err) {
			return tampered(ev.Key, "version "+ev.VersionID+" is gone")
		}
		return fmt.Errorf("archive: verify %s: %w", ev.Key, err)
	}
	if sum != ev.SHA256 || size != ev.Size {
		return tampered(ev.Key, fmt.Sprintf("version %s now has SHA-256 %s and %d bytes, recorded %s and %d bytes",
			ev.VersionID, sum, size, ev.SHA256, ev.Size))
	}

	cur, err := s.client.StatObject(ctx, s.cfg.EvidenceBucket, ev.Key, minio.StatObjectOptions{})
	if err != nil {
		if isNotFound(err) {
			return tampered(ev.Key, "the key was deleted (delete marker on top)")
		}
		return fmt.Errorf("archive: verify %s: %w", ev.Key, err)
	}
	if cur.VersionID == ev.VersionID {
		return nil
	}
	// Another version is current. Written by PutEvidence, it carries the
	// SHA-256 of its own bytes; anything else was written behind our back.
	curSum, _, _, err := s.hashVersion(ctx, ev.Key, cur.VersionID)
	if err != nil {
		return fmt.Errorf("archive: verify %s: %w", ev.Key, err)
	}
	if recorded := meta(cur, metaSHA256); recorded == "" || recorded != curSum || meta(cur, metaUploader) == "" {
		return tampered(ev.Key, "overwritten outside the archive by version "+cur.VersionID)
	}
	return &fileError{kind: ErrSuperseded, name: ev.Key,
		detail: fmt.Sprintf("version %s replaced by %s uploaded by %s", ev.VersionID, cur.VersionID, unescapeMeta(meta(cur, metaUploader)))}
}

// hashVersion streams one version and returns its SHA-256 and size.
func (s *Store) hashVersion(ctx context.Context, key, versionID string) (sum string, size int64, info minio.ObjectInfo, err error) {
	obj, err := s.client.GetObject(ctx, s.cfg.EvidenceBucket, key, minio.GetObjectOptions{VersionID: versionID})
	if err != nil {
		return "", 0, info, err
	}
	defer obj.Close()
	if info, err = obj.Stat(); err != nil {
		return "", 0, info, err
	}
	h := sha256.New()
	size, err = io.Copy(h, obj)
	if err != nil {
		return "", 0, info, err
	}
	return hex.EncodeToString(h.Sum(nil)), size, info, nil
}

// OpenEvidence streams the recorded version (for downloads served through
// the application rather than a presigned URL). The caller closes it.
func (s *Store) OpenEvidence(ctx context.Context, ev Evidence) (io.ReadCloser, error) {
	obj, err := s.client.GetObject(ctx, s.cfg.EvidenceBucket, ev.Key, minio.GetObjectOptions{VersionID: ev.VersionID})
	if err != nil {
		return nil, fmt.Errorf("archive: open %s: %w", ev.Key, err)
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if isNotFound(err) {
			return nil, &fileError{kind: ErrNotFound, name: ev.Key, detail: "version " + ev.VersionID}
		}
		return nil, fmt.Errorf("archive: open %s: %w", ev.Key, err)
	}
	return obj, nil
}

// MaxURLTTL is the longest a presigned URL may live (an S3 limit).
const MaxURLTTL = 7 * 24 * time.Hour

// EvidenceURL returns a presigned GET URL for exactly the recorded version,
// valid for ttl (1 s to 7 days; keep it short, it is a bearer token). The
// download is offered as an attachment under the original file name. The
// URL points at the configured endpoint, so it only works for clients that
// can reach that address.
func (s *Store) EvidenceURL(ctx context.Context, ev Evidence, ttl time.Duration) (string, error) {
	if ev.Key == "" || ev.VersionID == "" {
		return "", errors.New("archive: EvidenceURL: record lacks key or version")
	}
	if ttl < time.Second || ttl > MaxURLTTL {
		return "", fmt.Errorf("archive: EvidenceURL: ttl %v outside 1s..%v", ttl, MaxURLTTL)
	}
	q := url.Values{}
	q.Set("versionId", ev.VersionID)
	if ev.FileName != "" {
		q.Set("response-content-disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ev.FileName}))
	}
	if ev.ContentType != "" {
		q.Set("response-content-type", ev.ContentType)
	}
	u, err := s.client.PresignedGetObject(ctx, s.cfg.EvidenceBucket, ev.Key, ttl, q)
	if err != nil {
		return "", fmt.Errorf("archive: presign %s: %w", ev.Key, err)
	}
	return u.String(), nil
}

package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
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

// ErrSizeMismatch: the reader did not hold exactly the declared number of
// bytes (more or fewer). Nothing was stored.
var ErrSizeMismatch = errors.New("archive: size differs from the declared size")

// PutEvidence stores an evidence file read from r. size is the exact byte
// count, or -1 when unknown (it is then only bounded by MaxEvidenceBytes).
//
// The upload streams and nothing is held whole, whatever the size: the
// first 512 bytes decide the content type (see ErrType), then the bytes flow
// to the server while their SHA-256 is computed and the size limit enforced
// (ErrTooLarge).
//
// With a known size the file goes straight to its key in one PUT, with
// no staged copy: its metadata (uploader, year, unit, criterion, original
// name) travels in the request headers and its SHA-256 after the bytes, as
// a trailing checksum that the server checks against what it received and
// keeps with the version (see evidence_direct.go).
//
// With an unknown size (or a server that keeps no SHA-256 checksums) the
// file is staged under a temporary key and only copied (server side, with
// its metadata, SHA-256 included) to its real key once accepted whole.
//
// A declared size is held to: the last bytes go to the server only once r
// is seen to end exactly there, so a reader longer or shorter than declared
// fails the PUT (ErrSizeMismatch, or ErrTooLarge beyond the limit).
//
// Either way a refused, failed or cancelled upload leaves no object: a
// failed PUT stores nothing, a failed multipart upload is aborted, and a
// staged copy is removed (or, if the server is gone by then, expired by the
// bucket's lifecycle rule after a day).
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
		return Evidence{}, fmt.Errorf("archive: %q: more data than the declared %d bytes: %w", name, size, ErrSizeMismatch)
	}
	ctype, err := sniff(head, name)
	if err != nil {
		return Evidence{}, err
	}

	up := upload{key: key, objKey: objKey, name: name, ctype: ctype, uploader: uploader,
		body: &guardReader{r: io.MultiReader(bytes.NewReader(head), r), max: limit}}
	if size >= 0 {
		up.body.max, up.body.declared = size, true
		if c := s.checksumClient(ctx); c != nil {
			return s.putDirect(ctx, c, up)
		}
	}
	up.body.h = sha256.New()
	return s.putStaged(ctx, up)
}

// upload is an accepted file on its way to the archive.
type upload struct {
	key                           EvidenceKey
	objKey, name, ctype, uploader string
	body                          *guardReader
}

// metadata is what the stored object says about itself; sum is empty when
// the SHA-256 is kept as the version's checksum instead.
func (u upload) metadata(sum string) map[string]string {
	md := map[string]string{
		metaUploader:  escapeMeta(u.uploader),
		metaYear:      strconv.Itoa(u.key.Year),
		metaUnit:      u.key.Unit,
		metaCriterion: u.key.Criterion,
		metaName:      escapeMeta(u.name),
	}
	if sum != "" {
		md[metaSHA256] = sum
	}
	return md
}

// failure explains a PUT that failed or was refused while streaming.
func (u upload) failure(err error) error {
	b := u.body
	switch {
	case b.over && b.declared:
		return fmt.Errorf("archive: %q: more data than the declared %d bytes: %w", u.name, b.max, ErrSizeMismatch)
	case b.over:
		return tooLarge(u.name, b.max, fmt.Sprintf("more than %d bytes", b.max))
	case b.short:
		return fmt.Errorf("archive: %q: %d bytes, fewer than the declared %d: %w", u.name, b.n, b.max, ErrSizeMismatch)
	}
	return fmt.Errorf("archive: upload %q: %w", u.name, err)
}

// record is the Evidence for a version just written.
func (u upload) record(versionID, sum string, at time.Time) Evidence {
	if at.IsZero() {
		at = time.Now()
	}
	return Evidence{
		Key:         u.objKey,
		VersionID:   versionID,
		FileName:    u.name,
		Size:        u.body.n,
		SHA256:      sum,
		ContentType: u.ctype,
		Uploader:    u.uploader,
		UploadedAt:  at.UTC().Truncate(time.Second),
	}
}

// putStaged uploads to a temporary key, then copies the accepted file, its
// SHA-256 now known, to its real key.
func (s *Store) putStaged(ctx context.Context, up upload) (Evidence, error) {
	body := up.body
	staged := stagingPrefix + rand.Text()
	opts := minio.PutObjectOptions{ContentType: up.ctype}
	size := int64(-1)
	if body.declared {
		size = body.max
		opts.DisableMultipart = true // one streamed PUT, no part buffer
	} else {
		opts.PartSize = streamPartSize
	}
	info, err := s.client.PutObject(ctx, s.cfg.EvidenceBucket, staged, body, size, opts)
	if err != nil || body.over || body.short {
		if info.VersionID != "" {
			// Stored, but refused afterwards.
			s.removeVersion(ctx, staged, info.VersionID)
		}
		// A failed PUT or an aborted multipart upload stores nothing; should
		// the abort itself fail, the lifecycle rule clears the parts.
		return Evidence{}, up.failure(err)
	}
	defer s.removeVersion(ctx, staged, info.VersionID)
	sum := hex.EncodeToString(body.h.Sum(nil))

	// A retry of an upload that already went through: keep that version.
	if cur, err := s.client.StatObject(ctx, s.cfg.EvidenceBucket, up.objKey, minio.StatObjectOptions{Checksum: true}); err == nil &&
		recordedSHA256(cur) == sum && cur.Size == body.n && cur.VersionID != "" {
		return evidenceFromInfo(cur), nil
	}

	cp, err := s.client.CopyObject(ctx,
		minio.CopyDestOptions{
			Bucket: s.cfg.EvidenceBucket, Object: up.objKey,
			UserMetadata: up.metadata(sum), ReplaceMetadata: true,
			ContentType: up.ctype,
		},
		minio.CopySrcOptions{Bucket: s.cfg.EvidenceBucket, Object: staged, VersionID: info.VersionID},
	)
	if err != nil {
		return Evidence{}, fmt.Errorf("archive: store %q at %s: %w", up.name, up.objKey, err)
	}
	if cp.VersionID == "" {
		return Evidence{}, fmt.Errorf("%w: %s", errNoVersioning, s.cfg.EvidenceBucket)
	}
	return up.record(cp.VersionID, sum, cp.LastModified), nil
}

// removeVersion deletes one version, even when ctx has been cancelled. A
// failure (server gone) under the staging prefix is left to the lifecycle
// rule.
func (s *Store) removeVersion(ctx context.Context, key, versionID string) {
	ctx, cancel := cleanupContext(ctx)
	defer cancel()
	_ = s.client.RemoveObject(ctx, s.cfg.EvidenceBucket, key, minio.RemoveObjectOptions{VersionID: versionID})
}

func evidenceFromInfo(info minio.ObjectInfo) Evidence {
	return Evidence{
		Key:         info.Key,
		VersionID:   info.VersionID,
		FileName:    unescapeMeta(meta(info, metaName)),
		Size:        info.Size,
		SHA256:      recordedSHA256(info),
		ContentType: info.ContentType,
		Uploader:    unescapeMeta(meta(info, metaUploader)),
		UploadedAt:  info.LastModified.UTC().Truncate(time.Second),
	}
}

// recordedSHA256 is the SHA-256 (hex) the archive recorded for a version:
// in its metadata (staged uploads) or as its full-object checksum (direct
// uploads; info must come from a stat asking for checksums). Empty when
// there is neither.
func recordedSHA256(info minio.ObjectInfo) string {
	if sum := meta(info, metaSHA256); sum != "" {
		return sum
	}
	return checksumSHA256(info.ChecksumSHA256, info.ChecksumMode)
}

// checksumSHA256 turns an S3 SHA-256 checksum (base64) into hex; a
// composite checksum (of a multipart upload's parts) is not the file's, and
// gives "".
func checksumSHA256(b64, mode string) string {
	if mode != "" && mode != minio.ChecksumFullObjectMode.String() {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != sha256.Size {
		return ""
	}
	return hex.EncodeToString(raw)
}

// guardReader passes bytes through while counting (and, given h, hashing)
// them. Without a declared size it fails as soon as more than max bytes
// arrive, without handing the excess on. With one (max is then that size)
// it never reads past it, and hands over the last bytes only once the
// reader is seen to end there: a longer or shorter reader fails the read,
// so that the server never receives a complete body.
type guardReader struct {
	r        io.Reader
	max      int64
	declared bool // max is the caller's declared size
	n        int64
	h        hash.Hash // nil: the server computes the SHA-256
	over     bool      // more than max bytes
	short    bool      // declared, and the reader ended before max
}

// errOverflow and errShort are what minio-go sees when the guard trips;
// PutEvidence reports the reason from the guard's state.
var (
	errOverflow = errors.New("archive: upload exceeds its size")
	errShort    = errors.New("archive: upload ends before its declared size")
)

func (g *guardReader) Read(p []byte) (int, error) {
	switch {
	case g.over:
		return 0, errOverflow
	case g.short:
		return 0, errShort
	case g.declared && g.n == g.max:
		return 0, io.EOF // the end was confirmed with the last bytes
	}
	room := g.max - g.n
	if !g.declared {
		room++ // one byte past the limit tells that it is passed
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	if g.n+int64(n) > g.max {
		g.over = true
		return 0, errOverflow
	}
	g.n += int64(n)
	if g.h != nil {
		g.h.Write(p[:n])
	}
	if g.declared {
		switch {
		case g.n < g.max && err == io.EOF:
			g.short = true
			return 0, errShort
		case g.n == g.max && err == nil:
			if err := g.confirmEnd(); err != nil {
				return 0, err // withhold the last bytes
			}
			err = io.EOF
		}
	}
	return n, err
}

// confirmEnd checks that the reader has nothing after the declared size.
func (g *guardReader) confirmEnd() error {
	var one [1]byte
	for range 100 {
		n, err := g.r.Read(one[:])
		switch {
		case n > 0:
			g.over = true
			return errOverflow
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
	return io.ErrNoProgress
}

// VerifyEvidence re-reads the recorded version, recomputes its SHA-256 and
// checks that it is still the current file at its key. It returns nil when
// all is well, an error wrapping ErrTampered when the version's bytes or
// size differ, the version is gone, the key was deleted, or the key now
// holds a file written outside the archive; and ErrSuperseded when the
// version is intact but a later upload through the archive (same name,
// different content) has replaced it. A later version with the very same
// bytes, recorded as such, still holds the file: nil. Other errors (server
// unreachable…) say nothing about tampering.
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

	cur, err := s.client.StatObject(ctx, s.cfg.EvidenceBucket, ev.Key, minio.StatObjectOptions{Checksum: true})
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
	if recorded := recordedSHA256(cur); recorded == "" || recorded != curSum || meta(cur, metaUploader) == "" {
		return tampered(ev.Key, "overwritten outside the archive by version "+cur.VersionID)
	}
	if curSum == ev.SHA256 && cur.Size == ev.Size {
		return nil // the same file uploaded again
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

package archive

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// Direct uploads: a file of known size goes to its key in one PUT, its
// SHA-256 sent after the bytes as a trailing checksum. The server checks
// that checksum against the bytes it received, refuses the PUT on a
// mismatch and keeps it with the version, so the version records its own
// SHA-256 from the moment it exists: no staged copy, no second write.
//
// The payload itself goes unsigned (the request and its checksum header
// are signed as usual): the SHA-256 the server verifies already covers
// every byte, and a second hash per chunk would only cost time. This is
// what minio-go does on every TLS connection anyway.

// checksumClients holds, per configuration, the client for direct uploads:
// one with trailing headers, which the Store's own client does not send.
var checksumClients sync.Map // Config → *checksumClient

type checksumClient struct {
	mu    sync.Mutex
	known bool          // the server has answered the probe
	c     *minio.Client // nil: the server keeps no SHA-256 checksums
}

// checksumClient returns the client for direct uploads, or nil when the
// server does not keep SHA-256 checksums (or could not be asked just now):
// the upload then takes the staged path. The server is asked once per
// configuration, with a tiny object under the staging prefix, removed at
// once.
func (s *Store) checksumClient(ctx context.Context) *minio.Client {
	v, _ := checksumClients.LoadOrStore(s.cfg, &checksumClient{})
	cc := v.(*checksumClient)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if !cc.known {
		c, err := minio.New(s.cfg.Endpoint, &minio.Options{
			Creds:           credentials.NewStaticV4(s.cfg.AccessKey, s.cfg.SecretKey, ""),
			Secure:          s.cfg.UseSSL,
			TrailingHeaders: true,
		})
		if err != nil {
			return nil
		}
		ok, err := s.probeChecksums(ctx, c)
		if err != nil {
			return nil // ask again next time
		}
		cc.known = true
		if ok {
			cc.c = c
		}
	}
	return cc.c
}

// probeChecksums stores a few bytes with a trailing SHA-256 and reports
// whether the server kept the right one. An error is a failure to ask
// (server unreachable, busy), not an answer.
func (s *Store) probeChecksums(ctx context.Context, c *minio.Client) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	data := []byte("ictindex: does this server keep SHA-256 checksums?\n")
	key := stagingPrefix + "probe-" + rand.Text()
	info, err := c.PutObject(ctx, s.cfg.EvidenceBucket, key, bytes.NewReader(data), int64(len(data)), checksumPutOptions("text/plain"))
	if err != nil {
		if st := minio.ToErrorResponse(err).StatusCode; st == http.StatusNotImplemented || st >= 400 && st < 500 {
			return false, nil // refused: the server does not take trailing checksums
		}
		return false, err
	}
	s.removeVersion(ctx, key, info.VersionID)
	want := sha256.Sum256(data)
	return checksumSHA256(info.ChecksumSHA256, info.ChecksumMode) == hex.EncodeToString(want[:]), nil
}

// checksumPutOptions is a single streamed PUT with a trailing SHA-256.
func checksumPutOptions(ctype string) minio.PutObjectOptions {
	return minio.PutObjectOptions{
		ContentType:          ctype,
		DisableMultipart:     true,
		Checksum:             minio.ChecksumSHA256,
		DisableContentSha256: true,
	}
}

// putDirect stores up at its key in one PUT through c (see checksumClient).
func (s *Store) putDirect(ctx context.Context, c *minio.Client, up upload) (Evidence, error) {
	bucket := s.cfg.EvidenceBucket
	// The version current before this upload, for the retry check below;
	// like that check, best effort.
	prev, err := s.client.StatObject(ctx, bucket, up.objKey, minio.StatObjectOptions{Checksum: true})
	if err != nil {
		prev = minio.ObjectInfo{}
	}

	opts := checksumPutOptions(up.ctype)
	opts.UserMetadata = up.metadata("")
	info, err := c.PutObject(ctx, bucket, up.objKey, up.body, up.body.max, opts)
	if err != nil || up.body.over || up.body.short {
		// A failed PUT stores nothing (the guard makes any refusal a
		// failed PUT); should a version exist all the same, remove it.
		if err == nil && info.VersionID != "" {
			s.removeVersion(ctx, up.objKey, info.VersionID)
		}
		return Evidence{}, up.failure(err)
	}
	if info.VersionID == "" {
		return Evidence{}, fmt.Errorf("%w: %s", errNoVersioning, bucket)
	}
	sum := checksumSHA256(info.ChecksumSHA256, info.ChecksumMode)
	if sum == "" {
		// Without its SHA-256 the version would pass for one written
		// outside the archive.
		s.removeVersion(ctx, up.objKey, info.VersionID)
		return Evidence{}, fmt.Errorf("archive: upload %q: the server did not confirm the file's SHA-256", up.name)
	}

	// A retry of an upload that already went through: keep that version.
	if prev.VersionID != "" && prev.VersionID != info.VersionID && recordedSHA256(prev) == sum && prev.Size == up.body.n {
		s.removeVersion(ctx, up.objKey, info.VersionID)
		return evidenceFromInfo(prev), nil
	}

	// The server's time for the version, as a later stat reports it.
	var at time.Time
	if st, err := s.client.StatObject(ctx, bucket, up.objKey, minio.StatObjectOptions{VersionID: info.VersionID}); err == nil {
		at = st.LastModified
	}
	return up.record(info.VersionID, sum, at), nil
}

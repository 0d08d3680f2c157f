package archive

import (
	"context"
	"io"
	"os"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"ictindex/deploy/minioserver"
	"ictindex/deploy/seaweedserver"
)

// envTestS3 names the environment variable that picks the S3 server the
// archive's tests run against: unset or "minio" for MinIO (the default),
// "seaweedfs" for SeaweedFS.
const envTestS3 = "ICTINDEX_TEST_S3"

// s3Server is what the tests need of a real S3 server process; both
// *minioserver.Server and *seaweedserver.Server have it.
type s3Server interface {
	Endpoint() string
	User() string
	Password() string
	Stop() error
	Restart(context.Context) error
}

// testStore starts a real S3 server (see testServer) and opens the archive
// on it.
func testStore(t testing.TB, tweak ...func(*Config)) (*Store, s3Server) {
	t.Helper()
	srv := testServer(t)
	cfg := Config{Endpoint: srv.Endpoint(), AccessKey: srv.User(), SecretKey: srv.Password()}
	for _, f := range tweak {
		f(&cfg)
	}
	st, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st, srv
}

// testServer starts the S3 server that ICTINDEX_TEST_S3 names, MinIO by
// default, and stops it when the test ends.
func testServer(t testing.TB) s3Server {
	t.Helper()
	switch v := os.Getenv(envTestS3); v {
	case "", "minio":
		return minioserver.StartForTest(t)
	case "seaweedfs":
		return seaweedserver.StartForTest(t)
	default:
		t.Fatalf("%s=%q: want minio or seaweedfs", envTestS3, v)
		return nil
	}
}

// rawClient is a plain minio-go client with the server's root credentials:
// "someone behind the system's back".
func rawClient(t testing.TB, srv s3Server) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(srv.User(), srv.Password(), "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// versions lists every version and delete marker in a bucket.
func versions(t testing.TB, st *Store, bucket string) []minio.ObjectInfo {
	t.Helper()
	var out []minio.ObjectInfo
	for o := range st.client.ListObjectsIter(context.Background(), bucket, minio.ListObjectsOptions{WithVersions: true, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		out = append(out, o)
	}
	return out
}

// incompleteUploads lists the multipart uploads left open in a bucket, by
// object key.
func incompleteUploads(t testing.TB, st *Store, bucket string) []string {
	t.Helper()
	var keys []string
	for u := range st.client.ListIncompleteUploads(context.Background(), bucket, "", true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		keys = append(keys, u.Key)
	}
	return keys
}

// assertEmpty checks that the evidence bucket holds no object version,
// delete marker or open multipart upload.
func assertEmpty(t testing.TB, st *Store) {
	t.Helper()
	if v := versions(t, st, st.cfg.EvidenceBucket); len(v) != 0 {
		for _, o := range v {
			t.Errorf("left behind: %s version %s (%d bytes, delete marker %v)", o.Key, o.VersionID, o.Size, o.IsDeleteMarker)
		}
	}
	if keys := incompleteUploads(t, st, st.cfg.EvidenceBucket); len(keys) != 0 {
		t.Errorf("%d incomplete multipart uploads left behind: %v", len(keys), keys)
	}
}

// pdfReader yields n bytes that start like a PDF, generated on the fly
// (nothing is held in memory).
type pdfReader struct {
	n, off int64
}

const pdfHeader = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"

func newPDFReader(n int64) *pdfReader { return &pdfReader{n: n} }

func (r *pdfReader) Read(p []byte) (int, error) {
	if r.off >= r.n {
		return 0, io.EOF
	}
	if rem := r.n - r.off; int64(len(p)) > rem {
		p = p[:rem]
	}
	for i := range p {
		o := r.off + int64(i)
		if o < int64(len(pdfHeader)) {
			p[i] = pdfHeader[o]
		} else {
			p[i] = byte('a' + (o*7+o/1000)%26)
		}
	}
	r.off += int64(len(p))
	return len(p), nil
}

func pdfBytes(n int) []byte {
	b, _ := io.ReadAll(newPDFReader(int64(n)))
	return b
}

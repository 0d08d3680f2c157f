package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"ictindex/api/apitest"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
)

// BenchmarkEvidenceUpload puts the same file into the same MinIO both
// ways, in turns: a plain minio-go PutObject of the file (the ceiling), and
// the full upload a unit's page makes, a multipart POST over HTTP on
// loopback through the handler, the archive and the attach-evidence
// update. Each iteration does one of each, alternating which goes first,
// so that both see the same machine. It reports the MB/s of each, their
// ratio (api/direct) and, for each, the bytes and allocations per upload
// for the whole process (client, server and the embedded Temporal server).
//
// Run with: go test -run '^$' -bench EvidenceUpload ./api
func BenchmarkEvidenceUpload(b *testing.B) {
	if env.skip != "" {
		b.Skip(env.skip)
	}
	const year = 2098
	ctx := context.Background()
	mio := minioserver.StartForTest(b)
	st, err := archive.Open(ctx, archive.Config{Endpoint: mio.Endpoint(), AccessKey: mio.User(), SecretKey: mio.Password(),
		MaxEvidenceBytes: 128 << 20})
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{SessionKey: []byte(rand.Text() + rand.Text())[:32]}, Deps{Temporal: env.client, Store: st, Users: env.users})
	if err != nil {
		b.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	b.Cleanup(hs.Close)
	apitest.OpenCampaign(b, as(uAdmin), year, time.Now().Add(24*time.Hour), unitA)

	raw, err := minio.New(mio.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(mio.User(), mio.Password(), "")})
	if err != nil {
		b.Fatal(err)
	}
	bucket := st.Config().EvidenceBucket
	url := hs.URL + unitPath(year, unitA, "/evidence")
	token := env.tokens[uSubA]
	hc := &http.Client{Timeout: 5 * time.Minute}

	for _, mib := range []int64{24, 96} {
		size := mib << 20
		f := benchFile(b, size)
		b.Run(fmt.Sprintf("%dMiB", mib), func(b *testing.B) {
			var direct, api benchSide
			n := uint64(0)
			upload := func(side *benchSide, put func()) {
				// Distinct content each time, as each unit's file is
				// (identical bytes under one key short-cut to the stored
				// version).
				n++
				var c [8]byte
				binary.BigEndian.PutUint64(c[:], n)
				if _, err := f.WriteAt(c[:], 64); err != nil {
					b.Fatal(err)
				}
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					b.Fatal(err)
				}
				side.measure(put)
			}
			putDirect := func() {
				if _, err := raw.PutObject(ctx, bucket, fmt.Sprintf("bench/direct-%d.pdf", mib), f, size,
					minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
					b.Fatal(err)
				}
			}
			putAPI := func() { benchUpload(b, hc, url, token, "I.1", fmt.Sprintf("Báo cáo %d MiB.pdf", mib), f, size) }
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					upload(&direct, putDirect)
					upload(&api, putAPI)
				} else {
					upload(&api, putAPI)
					upload(&direct, putDirect)
				}
			}
			d, a := direct.mbps(size), api.mbps(size)
			b.ReportMetric(d, "direct-MB/s")
			b.ReportMetric(a, "api-MB/s")
			b.ReportMetric(a/d, "api/direct")
			b.ReportMetric(direct.perOp(direct.bytes), "direct-B/op")
			b.ReportMetric(api.perOp(api.bytes), "api-B/op")
			b.ReportMetric(direct.perOp(direct.allocs), "direct-allocs/op")
			b.ReportMetric(api.perOp(api.allocs), "api-allocs/op")
		})
	}
}

// benchSide adds up one way of uploading: time, bytes and allocations.
type benchSide struct {
	n             int
	took          time.Duration
	bytes, allocs uint64
}

func (s *benchSide) measure(upload func()) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	upload()
	s.took += time.Since(t0)
	runtime.ReadMemStats(&after)
	s.n++
	s.bytes += after.TotalAlloc - before.TotalAlloc
	s.allocs += after.Mallocs - before.Mallocs
}

// mbps is in the unit of the standard MB/s column.
func (s *benchSide) mbps(size int64) float64 {
	return float64(size) * float64(s.n) / 1e6 / s.took.Seconds()
}

func (s *benchSide) perOp(total uint64) float64 { return float64(total) / float64(s.n) }

// benchFile writes a file of size bytes that sniffs as PDF, its body
// random (incompressible, as scans are).
func benchFile(b *testing.B, size int64) *os.File {
	b.Helper()
	f, err := os.Create(filepath.Join(b.TempDir(), "evidence.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	const head = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	if _, err := f.WriteString(head); err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size-int64(len(head))); err != nil {
		b.Fatal(err)
	}
	return f
}

// benchUpload posts f as the unit page does (FormData: the criterion field,
// then the file with its type; Content-Length set) and streams it from the
// file, so the client holds no copy.
func benchUpload(b *testing.B, hc *http.Client, url, token, criterion, name string, f io.Reader, size int64) {
	b.Helper()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if err := mw.WriteField("criterion", criterion); err != nil {
		b.Fatal(err)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/pdf")
	if _, err := mw.CreatePart(h); err != nil {
		b.Fatal(err)
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n" // what mw.Close writes
	req, err := http.NewRequest(http.MethodPost, url, io.MultiReader(bytes.NewReader(head.Bytes()), f, bytes.NewReader([]byte(tail))))
	if err != nil {
		b.Fatal(err)
	}
	req.ContentLength = int64(head.Len()) + size + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("upload: %s: %s", resp.Status, body)
	}
}

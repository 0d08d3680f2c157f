package pages

import (
	"compress/gzip"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// compress gzips the pages' text answers — HTML, CSS, JavaScript, JSON,
// SVG — for a client that accepts it: a PL02 unit page of some 117 KB
// travels as about 15 KB, which matters to a district office on a slow
// line. Files (PDF, XLSX, images) go as they are, and so does an answer
// without a body.
func compress(c *gin.Context) {
	if c.Request.Method == http.MethodHead || !strings.Contains(c.GetHeader("Accept-Encoding"), "gzip") {
		c.Next()
		return
	}
	w := &gzipWriter{ResponseWriter: c.Writer}
	c.Writer = w
	defer w.close()
	c.Next()
}

// gzipPool keeps the compressors between answers.
var gzipPool = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// gzipWriter decides at the first byte of the body whether the answer is
// compressed.
type gzipWriter struct {
	gin.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

// compressible are the content types worth compressing.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	switch strings.TrimSpace(ct) {
	case "text/html", "text/css", "text/javascript", "application/javascript", "application/json", "image/svg+xml", "text/plain":
		return true
	}
	return false
}

func (w *gzipWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if status == http.StatusNoContent || status == http.StatusNotModified || status == http.StatusPartialContent || status < 200 || h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	h.Add("Vary", "Accept-Encoding")
	w.gz = gzipPool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

// WriteHeader passes the status on; gin sends it with the first byte,
// when the content type is known and the choice is made.
func (w *gzipWriter) WriteHeader(code int) {
	w.ResponseWriter.WriteHeader(code)
}

// Write compresses the body when decided so.
func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.decide(w.ResponseWriter.Status())
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// WriteString is Write.
func (w *gzipWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// close ends the compressed stream.
func (w *gzipWriter) close() {
	if w.gz != nil {
		_ = w.gz.Close()
		w.gz.Reset(nil)
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

package report

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// TestRenderToSameBytes writes the sample decision through RenderTo: the
// same bytes as Render.
func TestRenderToSameBytes(t *testing.T) {
	want, _ := samplePDF(t)
	d, _ := sampleDecision(t)
	var got bytes.Buffer
	if err := RenderTo(&got, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("RenderTo wrote %d bytes that differ from Render's %d", got.Len(), len(want))
	}
}

// failingWriter takes n bytes, then fails.
type failingWriter struct{ n int }

var errFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errFull
	}
	f.n -= len(p)
	return len(p), nil
}

// TestRenderToWriteError returns the writer's error.
func TestRenderToWriteError(t *testing.T) {
	d, _ := sampleDecision(t)
	err := RenderTo(&failingWriter{n: 100_000}, d)
	if !errors.Is(err, errFull) {
		t.Fatalf("got %v, want the writer's error", err)
	}
}

// TestDocumentChecksWhatFpdfWrote refuses to write a document whose page
// holds other than what the writer expects fpdf to have written there.
func TestDocumentChecksWhatFpdfWrote(t *testing.T) {
	draw := func() *writer {
		w := newWriter(time.Date(2027, 1, 5, 8, 0, 0, 0, time.UTC))
		w.newPart(portrait)
		w.paragraph([]run{{"QUYẾT ĐỊNH", bold}}, para{size: 14, align: 'C'})
		w.finish()
		return w
	}
	if _, err := draw().document(); err != nil {
		t.Fatal(err)
	}
	w := draw()
	w.pages.fpdf = map[int][]byte{1: []byte(pageStart + "q Q\n")}
	if _, err := w.document(); !errors.Is(err, errLayout) {
		t.Fatalf("got %v, want %v", err, errLayout)
	}
}

package report

import (
	"bytes"
	"compress/zlib"
	"fmt"
)

// fpdf keeps every page's content uncompressed in memory until Output,
// then compresses each page, with a fresh compressor each, into one more
// copy of the document. A decision for 10,000 units has some 75,000 pages:
// 270 MB of content for a 125 MB file. So the writer keeps each page's
// content stream itself, compressed the moment the page is done exactly
// as fpdf would compress it; fpdf's own pages hold only what fpdf writes
// there, and the streams go into fpdf's document as it is written out
// (splice.go).

// pageStart is what fpdf v0.9.0 writes at the top of every page with the
// writer's settings: line cap and join, line width, stroke and fill
// colours. The splice checks it against what fpdf did write.
const pageStart = "0 J\n0 j\n0.57 w\n0.000 G\n0.000 g\n"

// arenaSize is the size of the blocks compressed pages are packed into.
const arenaSize = 1 << 20

// pageStore holds the finished pages' content streams, compressed, and
// builds the current page's.
type pageStore struct {
	open bool   // a page is being drawn
	cur  []byte // the current page's content stream so far
	// fpdfCur is what fpdf itself has written on the current page, when
	// more than pageStart: the first placements of stamps.
	fpdfCur []byte

	done  [][]byte       // finished pages' streams by page number - 1
	fpdf  map[int][]byte // by page number: what fpdf wrote, when more than pageStart
	arena []byte         // free room of the current block

	zbuf bytes.Buffer
	zw   *zlib.Writer
}

// start begins a new page's content stream.
func (s *pageStore) start() {
	s.open = true
	s.cur = append(s.cur[:0], pageStart...)
	s.fpdfCur = s.fpdfCur[:0]
}

// write adds operators to the current page as fpdf's RawWriteStr would:
// the text and a newline.
func (s *pageStore) write(b []byte) {
	s.cur = append(s.cur, b...)
	s.cur = append(s.cur, '\n')
}

// fpdfWrote adds to the current page what fpdf writes there itself.
func (s *pageStore) fpdfWrote(b string) {
	if len(s.fpdfCur) == 0 {
		s.fpdfCur = append(s.fpdfCur, pageStart...)
	}
	s.fpdfCur = append(s.fpdfCur, b...)
	s.cur = append(s.cur, b...)
}

// seal compresses the current page, if any, and keeps it.
func (s *pageStore) seal() error {
	if !s.open {
		return nil
	}
	s.open = false
	b, err := s.compress(s.cur)
	if err != nil {
		return fmt.Errorf("compressing page %d: %w", len(s.done)+1, err)
	}
	s.done = append(s.done, b)
	if len(s.fpdfCur) > 0 {
		if s.fpdf == nil {
			s.fpdf = map[int][]byte{}
		}
		s.fpdf[len(s.done)] = append([]byte(nil), s.fpdfCur...)
	}
	return nil
}

// compress compresses b as fpdf compresses a stream, with zlib at
// BestSpeed in one write, and keeps the result.
func (s *pageStore) compress(b []byte) ([]byte, error) {
	s.zbuf.Reset()
	if s.zw == nil {
		zw, err := zlib.NewWriterLevel(&s.zbuf, zlib.BestSpeed)
		if err != nil {
			return nil, err
		}
		s.zw = zw
	} else {
		s.zw.Reset(&s.zbuf)
	}
	if _, err := s.zw.Write(b); err != nil {
		return nil, err
	}
	if err := s.zw.Close(); err != nil {
		return nil, err
	}
	return s.keep(s.zbuf.Bytes()), nil
}

// keep copies b into the arena: pages are packed into blocks rather than
// allocated one by one, and a block is freed once all its pages are
// written out.
func (s *pageStore) keep(b []byte) []byte {
	n := len(b)
	if n > cap(s.arena) {
		s.arena = make([]byte, 0, max(arenaSize, n))
	}
	kept := s.arena[:n:n]
	copy(kept, b)
	s.arena = s.arena[n:n]
	return kept
}

// fpdfContent is what fpdf should have written on page n (1-based).
func (s *pageStore) fpdfContent(n int) []byte {
	if b, ok := s.fpdf[n]; ok {
		return b
	}
	return pageStartBytes
}

var pageStartBytes = []byte(pageStart)

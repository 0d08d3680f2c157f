package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// fpdf's Output writes the document with the pages it knows: each holds
// only what fpdf itself wrote there. It writes it uncompressed, which
// spares it a fresh compressor for each of tens of thousands of pages,
// and the document is then written out with each page's content stream
// replaced by the writer's own, already compressed (pages.go), each
// stamp's form compressed, lengths and cross-references adjusted: the
// same bytes fpdf would have written with compression on had it held the
// whole content, without a second copy of the document in memory.
//
// Compression in fpdf v0.9.0 changes only the content object of each
// page (the object its /Contents names) and the form XObject of each
// template, besides image palettes, of which the decision has none:
//
//	<</Length n>>                       → <</Filter /FlateDecode /Length n>>
//	<</Type /XObject … /Length n >>     → <</Filter /FlateDecode /Type /XObject … /Length n >>
//
// each followed by "stream", the data and "endstream"; fonts are
// compressed either way. What fpdf wrote on each page is checked against
// what the writer expects before anything is replaced.

// document is fpdf's output ready to be written with the new streams.
type document struct {
	fpdf  []byte // fpdf's document
	edits []edit // in order
	grow  []int  // grow[i]: how much longer the document is before edits[i]
	offs  []int  // fpdf's cross-reference offsets by object number
	xref  int    // offset of the cross-reference table in fpdf's document
	size  int    // length of the document as written

	dst io.Writer // where writeTo writes
	err error     // the first write error
	buf []byte    // scratch for what writeTo formats
}

// edit replaces fpdf's document from at to end with head, then body.
type edit struct {
	at, end int
	head    string
	body    []byte
}

var (
	streamTail = []byte("\nendstream\nendobj\n")
	startxref  = []byte("\nstartxref\n")
	eof        = []byte("\n%%EOF\n")
)

const (
	flate     = "/Filter /FlateDecode "
	xrefEntry = len("0000000000 00000 n \n")
)

// errLayout reports a document that fpdf laid out other than expected.
var errLayout = errors.New("fpdf's document is not laid out as expected")

// document closes fpdf's document and locates what is to be replaced.
func (w *writer) document() (*document, error) {
	var out outputBytes
	if err := w.pdf.Output(&out); err != nil {
		return nil, err
	}
	d := &document{fpdf: out.b}
	if n := w.pdf.PageNo(); n != len(w.pages.done) {
		return nil, fmt.Errorf("%w: %d pages, %d content streams", errLayout, n, len(w.pages.done))
	}
	if err := d.readXref(); err != nil {
		return nil, err
	}
	if err := d.locatePages(&w.pages); err != nil {
		return nil, err
	}
	forms, err := d.compressForms(&w.pages)
	if err != nil {
		return nil, err
	}
	if want := w.placedForms(); forms != want {
		return nil, fmt.Errorf("%w: %d forms, %d stamps placed", errLayout, forms, want)
	}
	grow := 0
	d.grow = make([]int, len(d.edits)+1)
	for i, e := range d.edits {
		if i > 0 && e.at < d.edits[i-1].end {
			return nil, fmt.Errorf("%w: overlapping streams", errLayout)
		}
		d.grow[i] = grow
		grow += len(e.head) + len(e.body) - (e.end - e.at)
	}
	d.grow[len(d.edits)] = grow
	d.size = len(d.fpdf) + grow + len(strconv.Itoa(d.xref+grow)) - len(strconv.Itoa(d.xref))
	return d, nil
}

// placedForms counts the forms fpdf writes: one per stamp placed, stamps
// of the same content sharing one.
func (w *writer) placedForms() int {
	ids := map[string]bool{}
	for _, s := range w.stamps {
		if s.placed {
			ids[s.id] = true
		}
	}
	return len(ids)
}

// readXref reads the cross-reference table at the end of fpdf's document.
func (d *document) readXref() error {
	doc := d.fpdf
	k := bytes.LastIndex(doc, startxref)
	if k < 0 {
		return fmt.Errorf("%w: no startxref", errLayout)
	}
	x, q := number(doc, k+len(startxref))
	if x < 0 || x > k || !bytes.Equal(doc[q:], eof) || !bytes.HasPrefix(doc[x:], []byte("xref\n0 ")) {
		return fmt.Errorf("%w: unexpected startxref", errLayout)
	}
	count, q := number(doc, x+len("xref\n0 "))
	if count < 1 || q >= len(doc) || doc[q] != '\n' || q+1+count*xrefEntry > k {
		return fmt.Errorf("%w: unexpected xref", errLayout)
	}
	q++
	d.xref = x
	d.offs = make([]int, count)
	for j := 1; j < count; j++ {
		e := doc[q+j*xrefEntry : q+(j+1)*xrefEntry]
		off, n := number(e, 0)
		if off < 0 || off >= x || n != 10 || string(e[n:]) != " 00000 n \n" {
			return fmt.Errorf("%w: xref entry %d", errLayout, j)
		}
		d.offs[j] = off
	}
	return nil
}

// object returns the offset of the dictionary of object n, after its
// "n 0 obj" line, or -1.
func (d *document) object(n int) int {
	if n < 1 || n >= len(d.offs) {
		return -1
	}
	at := d.offs[n]
	head := strconv.Itoa(n) + " 0 obj\n"
	if !bytes.HasPrefix(d.fpdf[at:], []byte(head)) {
		return -1
	}
	return at + len(head)
}

// streamData returns where the data of a stream begins and ends, given
// the offset after "/Length " and what follows the number up to the data.
func (d *document) streamData(at int, then string) (start, end int, ok bool) {
	n, q := number(d.fpdf, at)
	if n < 0 || !bytes.HasPrefix(d.fpdf[q:], []byte(then)) {
		return 0, 0, false
	}
	start = q + len(then)
	end = start + n
	if end > len(d.fpdf) || !bytes.HasPrefix(d.fpdf[end:], streamTail) {
		return 0, 0, false
	}
	return start, end, true
}

var contentsKey = []byte("\n/Contents ")

// locatePages finds every page's content stream, checks that it holds
// what fpdf should have written there and plans its replacement.
func (d *document) locatePages(ps *pageStore) error {
	doc := d.fpdf
	p := 0
	for i, body := range ps.done {
		bad := func(what string) error { return fmt.Errorf("%w: page %d: %s", errLayout, i+1, what) }
		j := bytes.Index(doc[p:], contentsKey)
		if j < 0 {
			return bad("no /Contents")
		}
		obj, q := number(doc, p+j+len(contentsKey))
		if obj < 0 || !bytes.HasPrefix(doc[q:], []byte(" 0 R>>\nendobj\n")) {
			return bad("unexpected page object")
		}
		at := d.object(obj)
		if at < 0 || d.offs[obj] != q+len(" 0 R>>\nendobj\n") || !bytes.HasPrefix(doc[at:], []byte("<</Length ")) {
			return bad("unexpected content object")
		}
		start, end, ok := d.streamData(at+len("<</Length "), ">>\nstream\n")
		if !ok {
			return bad("unexpected content stream")
		}
		if !bytes.Equal(doc[start:end], ps.fpdfContent(i+1)) {
			return bad(fmt.Sprintf("fpdf wrote %q", doc[start:end]))
		}
		d.edits = append(d.edits, edit{at: at, end: end,
			head: "<<" + flate + "/Length " + strconv.Itoa(len(body)) + ">>\nstream\n", body: body})
		p = end
	}
	return nil
}

var formHead = []byte("<</Type /XObject\n/Subtype /Form\n")

// compressForms compresses the stamps' forms as fpdf would have and plans
// their replacement; it returns how many there are.
func (d *document) compressForms(ps *pageStore) (int, error) {
	doc := d.fpdf
	forms := 0
	for n := 1; n < len(d.offs); n++ {
		at := d.object(n)
		if at < 0 || !bytes.HasPrefix(doc[at:], formHead) {
			continue
		}
		bad := fmt.Errorf("%w: form object %d", errLayout, n)
		j := bytes.Index(doc[at:], []byte("\n/Length "))
		if j < 0 {
			return 0, bad
		}
		length := at + j + len("\n/Length ")
		start, end, ok := d.streamData(length, " >>\nstream\n")
		if !ok {
			return 0, bad
		}
		body, err := ps.compress(doc[start:end])
		if err != nil {
			return 0, err
		}
		d.edits = append(d.edits,
			edit{at: at + 2, end: at + 2, head: flate},
			edit{at: length, end: end, head: strconv.Itoa(len(body)) + " >>\nstream\n", body: body})
		forms++
	}
	return forms, nil
}

// shift is how far an offset of fpdf's document moves once edited.
func (d *document) shift(offset int) int {
	lo, hi := 0, len(d.edits)
	for lo < hi { // the first edit at or after offset
		m := (lo + hi) / 2
		if d.edits[m].at < offset {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return d.grow[lo]
}

// writeTo writes the document, dropping each page's stream once written.
func (d *document) writeTo(dst io.Writer) error {
	d.dst = dst
	doc := d.fpdf
	p := 0
	for i := range d.edits {
		e := &d.edits[i]
		d.write(doc[p:e.at])
		d.buf = append(d.buf[:0], e.head...)
		d.write(d.buf)
		d.write(e.body)
		e.body = nil
		p = e.end
	}
	d.write(doc[p:d.xref])
	// The cross-reference table with the offsets moved, the trailer, and
	// where the table now starts.
	q := d.xref + len("xref\n0 ") + len(strconv.Itoa(len(d.offs))) + 1
	d.write(doc[d.xref : q+xrefEntry]) // up to the free entry
	b := d.buf[:0]
	for _, off := range d.offs[1:] {
		b = fmt.Appendf(b, "%010d 00000 n \n", off+d.shift(off))
		if len(b) >= 64<<10 {
			d.write(b)
			b = b[:0]
		}
	}
	d.write(b)
	k := bytes.LastIndex(doc, startxref)
	d.write(doc[q+len(d.offs)*xrefEntry : k+len(startxref)])
	d.write(strconv.AppendInt(b[:0], int64(d.xref+d.shift(d.xref)), 10))
	d.write(eof)
	d.buf = b
	return d.err
}

// write writes b unless an earlier write failed.
func (d *document) write(b []byte) {
	if d.err != nil || len(b) == 0 {
		return
	}
	if _, err := d.dst.Write(b); err != nil {
		d.err = err
	}
}

// number reads the decimal number at b[i:]: the number and the offset
// after it, or -1 when there are no digits.
func number(b []byte, i int) (int, int) {
	n, j := 0, i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' && j-i < 18 {
		n = n*10 + int(b[j]-'0')
		j++
	}
	if j == i {
		return -1, i
	}
	return n, j
}

// outputBytes receives fpdf's Output. fpdf writes its finished document
// buffer in one Write and never touches it again, so outputBytes keeps
// that slice rather than copying it: the one writer here that holds on to
// what it is given, safe only because the Fpdf is dropped as soon as
// Output returns.
type outputBytes struct{ b []byte }

func (k *outputBytes) Write(p []byte) (int, error) {
	if k.b == nil {
		k.b = p
	} else {
		k.b = append(k.b, p...)
	}
	return len(p), nil
}

package report

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"testing"
)

// TestEveryCharacterHasAGlyph reads the PDF itself: for every string shown
// in a page or a form, in the font it is shown in, the font's CID-to-glyph
// map must give the character a glyph. A character missing from a font's
// subset renders blank while pdftotext still extracts it, so the text
// tests cannot see this.
func TestEveryCharacterHasAGlyph(t *testing.T) {
	pdf, _ := samplePDF(t)
	checkGlyphs(t, pdf)
}

func checkGlyphs(t *testing.T, pdf []byte) {
	t.Helper()
	objs := pdfObjects(pdf)
	// /F<id> n 0 R → Type0 font → descendant CID font → CIDToGIDMap stream.
	maps := map[string][]byte{}
	for _, m := range regexp.MustCompile(`/F([0-9a-f]+) (\d+) 0 R`).FindAllSubmatch(pdf, -1) {
		id := string(m[1])
		if maps[id] != nil {
			continue
		}
		desc := regexp.MustCompile(`/DescendantFonts \[(\d+) 0 R\]`).FindSubmatch(objs[pdfAtoi(m[2])])
		if desc == nil {
			t.Fatalf("font %s has no descendant font", id)
		}
		cid := regexp.MustCompile(`/CIDToGIDMap (\d+) 0 R`).FindSubmatch(objs[pdfAtoi(desc[1])])
		if cid == nil {
			t.Fatalf("font %s has no CIDToGIDMap", id)
		}
		maps[id] = streamOf(t, objs[pdfAtoi(cid[1])])
		if len(maps[id]) != 2*0x10000 {
			t.Fatalf("font %s: CIDToGIDMap of %d bytes", id, len(maps[id]))
		}
	}
	if len(maps) != 4 {
		t.Fatalf("%d fonts referenced, want 4", len(maps))
	}
	contents := map[int]bool{}
	for _, m := range regexp.MustCompile(`/Contents (\d+) 0 R`).FindAllSubmatch(pdf, -1) {
		contents[pdfAtoi(m[1])] = true
	}
	shown, streams, missing := 0, 0, 0
	for n, obj := range objs {
		if !contents[n] && !bytes.Contains(obj, []byte("/Subtype /Form")) {
			continue
		}
		streams++
		font := ""
		for _, tok := range contentTokens(streamOf(t, obj)) {
			switch {
			case tok.font != "":
				font = tok.font
			case tok.text != nil:
				cmap := maps[font]
				if cmap == nil {
					t.Fatalf("object %d shows text in unknown font %q", n, font)
				}
				for i := 0; i+1 < len(tok.text); i += 2 {
					r := int(tok.text[i])<<8 | int(tok.text[i+1])
					if cmap[2*r] == 0 && cmap[2*r+1] == 0 {
						if missing++; missing <= 20 {
							t.Errorf("object %d: %q (U+%04X) has no glyph in font %s", n, rune(r), r, font)
						}
					}
					shown++
				}
			}
		}
	}
	if shown < 1000 || streams < 10 {
		t.Fatalf("only %d characters in %d streams checked", shown, streams)
	}
}

func pdfAtoi(b []byte) int { n, _ := strconv.Atoi(string(b)); return n }

// pdfObjects splits an fpdf document into its numbered objects.
func pdfObjects(pdf []byte) map[int][]byte {
	objs := map[int][]byte{}
	re := regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)
	locs := re.FindAllSubmatchIndex(pdf, -1)
	for i, l := range locs {
		end := len(pdf)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		objs[pdfAtoi(pdf[l[2]:l[3]])] = pdf[l[1]:end]
	}
	return objs
}

// streamOf returns an object's stream, inflated when it is compressed.
func streamOf(t *testing.T, obj []byte) []byte {
	t.Helper()
	start := bytes.Index(obj, []byte("stream\n"))
	end := bytes.LastIndex(obj, []byte("\nendstream"))
	if start < 0 || end < start {
		t.Fatalf("not a stream object: %.80q", obj)
	}
	data := obj[start+len("stream\n") : end]
	if !bytes.Contains(obj[:start], []byte("/FlateDecode")) {
		return data
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// contentToken is a font selection or a shown string of a content stream.
type contentToken struct {
	font string
	text []byte
}

// contentTokens finds the "/Fxx size Tf" selections and the "(…) Tj"
// strings of a content stream, in order.
func contentTokens(s []byte) []contentToken {
	var out []contentToken
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '/':
			j := i + 1
			for j < len(s) && s[j] != ' ' && s[j] != '\n' {
				j++
			}
			name := s[i+1 : j]
			rest := s[j:]
			if k := bytes.Index(rest, []byte("Tf")); len(name) > 1 && name[0] == 'F' && k >= 0 && k < 12 {
				out = append(out, contentToken{font: string(name[1:])})
			}
			i = j - 1
		case '(':
			var str []byte
			j := i + 1
			for ; j < len(s) && s[j] != ')'; j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					switch s[j] {
					case 'r':
						str = append(str, '\r')
					case 'n':
						str = append(str, '\n')
					default:
						str = append(str, s[j])
					}
					continue
				}
				str = append(str, s[j])
			}
			if rest := bytes.TrimLeft(s[j+1:], " "); bytes.HasPrefix(rest, []byte("Tj")) {
				out = append(out, contentToken{text: str})
			}
			i = j
		}
	}
	return out
}

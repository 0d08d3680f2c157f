package report

import (
	"bytes"
	"errors"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
)

// renderTwice renders the decision twice through RenderPlaced, checks
// that both give the same bytes and place, and that Render gives the same
// bytes too.
func renderTwice(t *testing.T, d *Decision) ([]byte, SignaturePlace) {
	t.Helper()
	first, place, err := RenderPlaced(d)
	if err != nil {
		t.Fatal(err)
	}
	second, place2, err := RenderPlaced(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) || place != place2 {
		t.Fatalf("two renderings differ (%d and %d bytes, %+v and %+v)", len(first), len(second), place, place2)
	}
	third, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, third) {
		t.Fatalf("Render and RenderPlaced differ (%d and %d bytes)", len(third), len(first))
	}
	return first, place
}

// pageCount is the number of pages pdfinfo reports.
func pageCount(t *testing.T, pdf []byte) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(poppler(t, pdf, "pdfinfo"))
	if m == nil {
		t.Fatal("no page count from pdfinfo")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// pageText is the laid-out text of one page, in NFC.
func pageText(t *testing.T, pdf []byte, page int) string {
	t.Helper()
	p := strconv.Itoa(page)
	return layoutText(t, pdf, "-f", p, "-l", p)
}

// flat joins the words of a text with single spaces.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// rasterize renders one page as pdftoppm -png does at the resolution.
func rasterize(t *testing.T, pdf []byte, page, dpi int) image.Image {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		poppler(t, pdf, "pdftoppm") // skips or fails
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "decision.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	out := filepath.Join(dir, "page")
	if b, err := exec.Command(bin, "-r", strconv.Itoa(dpi), "-png", "-singlefile", "-f", p, "-l", p, in, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, b)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// decodeQR reads the QR code of a page image.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code read from the page: %v", err)
	}
	return res.GetText()
}

// pdfWord is a word of a page and its box in points from the page's top
// left corner, as pdftotext -bbox gives it.
type pdfWord struct {
	text                   string
	xMin, yMin, xMax, yMax float64
}

// pageWords are the words of one page and the page's size in points.
func pageWords(t *testing.T, pdf []byte, page int) (words []pdfWord, wd, ht float64) {
	t.Helper()
	p := strconv.Itoa(page)
	out := poppler(t, pdf, "pdftotext", "-bbox", "-f", p, "-l", p)
	if m := regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)"`).FindStringSubmatch(out); m != nil {
		wd, _ = strconv.ParseFloat(m[1], 64)
		ht, _ = strconv.ParseFloat(m[2], 64)
	}
	re := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
	for _, m := range re.FindAllStringSubmatch(out, -1) {
		var v [4]float64
		for i := range v {
			v[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		words = append(words, pdfWord{norm.NFC.String(html.UnescapeString(m[5])), v[0], v[1], v[2], v[3]})
	}
	return words, wd, ht
}

// testSignature is a handwritten signature: a blue stroke on a
// transparent background, wd × ht pixels.
func testSignature(wd, ht int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, wd, ht))
	for x := wd / 20; x < wd-wd/20; x++ {
		y := ht/2 + int(float64(ht)/3*math.Sin(float64(x)*12/float64(wd)))
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{0, 40, 160, 255})
		}
	}
	return encodePNG(img)
}

// testSeal is a round red seal, half transparent, on a transparent
// background, side × side pixels.
func testSeal(side int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	c := float64(side) / 2
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			r := math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c) / c
			if (r > 0.9 && r < 0.98) || (r > 0.6 && r < 0.65) || r < 0.2 {
				img.Set(x, y, color.NRGBA{220, 20, 20, 200})
			}
		}
	}
	return encodePNG(img)
}

func encodePNG(img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestDraftMarkedAndUnnumbered: a draft shows "DỰ THẢO", leaves the
// number and the date blank whatever they say, and its body's text
// extracts line by line as an issued decision's does.
func TestDraftMarkedAndUnnumbered(t *testing.T) {
	d := goldenDecision(t)
	d.Draft = true
	pdf, _ := renderTwice(t, d)
	checkGlyphs(t, pdf)

	first := pageText(t, pdf, 1)
	if !strings.Contains(first, "DỰ THẢO") {
		t.Errorf("page 1 lacks «DỰ THẢO»:\n%s", first)
	}
	if !regexp.MustCompile(`Số:\s+/QĐ-UBND\s+Lào Cai, ngày\s+tháng\s+năm\n`).MatchString(first) {
		t.Errorf("the number and date are not left blank:\n%s", first)
	}
	for _, line := range []string{
		"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;",
		"Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
		"Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký.",
	} {
		if !strings.Contains(first, line) {
			t.Errorf("page 1 lacks the line %q: the mark breaks the text", line)
		}
	}
	all := layoutText(t, pdf)
	for _, no := range []string{"07/QĐ-UBND", "03/02/2027", "ngày 03 tháng 02"} {
		if strings.Contains(all, no) {
			t.Errorf("the draft shows %q", no)
		}
	}
	if !strings.Contains(flat(all), "(Kèm theo Quyết định số /QĐ-UBND ngày / / của UBND tỉnh Lào Cai)") {
		t.Error("the appendices do not refer to an unnumbered decision")
	}
	if info := poppler(t, pdf, "pdfinfo"); !strings.Contains(norm.NFC.String(info), "Dự thảo Quyết định") {
		t.Errorf("the title does not say it is a draft:\n%s", info)
	}

	// The mark is drawn on every page: its grey, under a turn of the page.
	objs := pdfObjects(pdf)
	marked := 0
	for _, m := range regexp.MustCompile(`/Contents (\d+) 0 R`).FindAllSubmatch(pdf, -1) {
		if bytes.Contains(streamOf(t, objs[pdfAtoi(m[1])]), []byte("q 0.86 g\n")) {
			marked++
		}
	}
	if n := pageCount(t, pdf); marked != n {
		t.Errorf("%d of %d pages carry the mark", marked, n)
	}
	// And it shows: the centre of page 2 (the signature page, mostly
	// blank) has light grey pixels.
	img := rasterize(t, pdf, 2, 40)
	b := img.Bounds()
	grey := 0
	for y := b.Dy() * 2 / 5; y < b.Dy()*3/5; y++ {
		for x := b.Dx() * 2 / 5; x < b.Dx()*3/5; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r == g && g == bl && r>>8 > 180 && r>>8 < 240 {
				grey++
			}
		}
	}
	if grey < 20 {
		t.Errorf("no mark in the middle of page 2 (%d grey pixels)", grey)
	}
}

// TestIssuedUnmarked: the issued decision has neither the mark nor its
// frame.
func TestIssuedUnmarked(t *testing.T) {
	pdf, err := Render(goldenDecision(t))
	if err != nil {
		t.Fatal(err)
	}
	if text := pageText(t, pdf, 1); strings.Contains(text, "DỰ THẢO") || !strings.Contains(text, "Số: 07/QĐ-UBND") {
		t.Errorf("the issued decision is marked or unnumbered:\n%s", text)
	}
}

// TestReplacesNamed: a corrected decision names the one it replaces in
// the article on effect and in the document's subject.
func TestReplacesNamed(t *testing.T) {
	d := goldenDecision(t)
	d.Replaces = &Replaced{Number: "5/QĐ-UBND", Date: scoring.Date{Year: 2027, Month: 1, Day: 10}}
	pdf, _ := renderTwice(t, d)
	text := flat(layoutText(t, pdf))
	want := "Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký. Quyết định này thay thế Quyết định số " +
		"05/QĐ-UBND ngày 10/01/2027 của Ủy ban nhân dân tỉnh Lào Cai."
	if !strings.Contains(text, want) {
		t.Errorf("the decision lacks %q", want)
	}
	info := norm.NFC.String(poppler(t, pdf, "pdfinfo"))
	if !strings.Contains(info, "thay thế Quyết định số 05/QĐ-UBND ngày 10/01/2027") {
		t.Errorf("the subject does not name the replaced decision:\n%s", info)
	}
	plain, err := Render(goldenDecision(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(layoutText(t, plain), "thay thế") {
		t.Error("a first issuance names a replaced decision")
	}
}

// TestVerifyURLQRCode: the last page carries the verification page as a
// QR code that decodes to it, and as text.
func TestVerifyURLQRCode(t *testing.T) {
	plain, err := Render(goldenDecision(t))
	if err != nil {
		t.Fatal(err)
	}
	pages := pageCount(t, plain)
	for name, url := range map[string]string{
		"short": "https://congbo.laocai.gov.vn/xac-minh/2027/7",
		"long": "https://congbo.laocai.gov.vn/xac-minh/2027/7?ma=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" +
			"&phien-ban=3&ngon-ngu=vi",
	} {
		t.Run(name, func(t *testing.T) {
			d := goldenDecision(t)
			d.VerifyURL = url
			pdf, _ := renderTwice(t, d)
			checkGlyphs(t, pdf)
			last := pageCount(t, pdf)
			if last != pages {
				t.Errorf("%d pages, want %d: the golden decision's last page has room", last, pages)
			}
			text := pageText(t, pdf, last)
			if !strings.Contains(text, "Tra cứu, xác minh văn bản tại:") {
				t.Errorf("the last page lacks the caption:\n%s", text)
			}
			if !strings.Contains(strings.Join(strings.Fields(text), ""), url) {
				t.Errorf("the last page lacks the address %s:\n%s", url, text)
			}
			if got := decodeQR(t, rasterize(t, pdf, last, 150)); got != url {
				t.Errorf("the QR code reads %q, want %q", got, url)
			}
			// Nothing else moved: the pages before the last are as without it.
			for p := 1; p < last; p++ {
				if a, b := pageText(t, pdf, p), pageText(t, plain, p); a != b {
					t.Errorf("page %d differs from the decision without the code", p)
				}
			}
		})
	}
}

// TestVerifyURLPageOfItsOwn: when the last page is full, the code goes
// to the top of a page of its own.
func TestVerifyURLPageOfItsOwn(t *testing.T) {
	plain, _ := samplePDF(t)
	pages := pageCount(t, plain)
	d, _ := sampleDecision(t)
	d.VerifyURL = "https://congbo.laocai.gov.vn/xac-minh/2027/123"
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	last := pageCount(t, pdf)
	if last != pages+1 {
		t.Fatalf("%d pages, want %d", last, pages+1)
	}
	text := pageText(t, pdf, last)
	if !strings.Contains(text, d.VerifyURL) {
		t.Errorf("the last page lacks the address:\n%s", text)
	}
	if a, b := pageText(t, pdf, pages), pageText(t, plain, pages); a != b {
		t.Errorf("page %d differs from the decision without the code", pages)
	}
	if got := decodeQR(t, rasterize(t, pdf, last, 150)); got != d.VerifyURL {
		t.Errorf("the QR code reads %q", got)
	}
}

// stampAt is the signing time of the stamp tests: 10:15:30 in Vietnam.
var stampAt = time.Date(2027, 2, 5, 3, 15, 30, 0, time.UTC)

// TestStampOnSignatureBlock: the stamp shows who signed, as what, for
// which body and when, in the signature block's space, with or without
// images; RenderPlaced gives the rectangle it covers on the signer's page,
// clear of the titles above, the name below and "Nơi nhận" on the left.
func TestStampOnSignatureBlock(t *testing.T) {
	cases := map[string]struct {
		signature, seal []byte
		images          int
	}{
		"text only":            {},
		"signature":            {signature: testSignature(300, 100), images: 1},
		"seal":                 {seal: testSeal(200), images: 1},
		"signature and seal":   {signature: testSignature(300, 100), seal: testSeal(240), images: 2},
		"images of one width":  {signature: testSignature(240, 90), seal: testSeal(240), images: 2},
		"small images, opaque": {signature: encodePNG(image.NewGray(image.Rect(0, 0, 30, 10))), seal: encodePNG(image.NewRGBA(image.Rect(0, 0, 9, 9))), images: 2},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			d := goldenDecision(t)
			d.Stamp = &Stamp{Name: "Trịnh Xuân Trường", Title: "Chủ tịch", Org: "Ủy ban nhân dân tỉnh Lào Cai", At: stampAt,
				SignatureImage: c.signature, SealImage: c.seal}
			pdf, place := renderTwice(t, d)
			for range 3 { // map order must not leak into the file
				if again, _ := renderTwice(t, d); !bytes.Equal(again, pdf) {
					t.Fatal("renderings differ")
				}
			}
			checkGlyphs(t, pdf)
			text := pageText(t, pdf, place.Page)
			for _, want := range []string{"Ký bởi: Trịnh Xuân Trường", "Chức vụ: Chủ tịch", "Cơ quan: Ủy ban nhân dân tỉnh Lào Cai",
				"Thời gian ký: 05/02/2027 10:15:30 +07:00"} {
				if !strings.Contains(text, want) {
					t.Errorf("page %d lacks %q:\n%s", place.Page, want, text)
				}
			}
			checkPlace(t, pdf, place, d.Signer)
			list := poppler(t, pdf, "pdfimages", "-f", strconv.Itoa(place.Page), "-l", strconv.Itoa(place.Page), "-list")
			n := 0
			for _, l := range strings.Split(list, "\n") {
				if f := strings.Fields(l); len(f) > 2 && f[2] == "image" {
					n++
				}
			}
			if n != c.images {
				t.Errorf("%d images on the signature page, want %d:\n%s", n, c.images, list)
			}
		})
	}
}

// TestSignaturePlaceWithoutStamp: without a stamp, RenderPlaced gives the
// space of the signature block, and the file is the golden one.
func TestSignaturePlaceWithoutStamp(t *testing.T) {
	d := goldenDecision(t)
	pdf, place := renderTwice(t, d)
	want, err := os.ReadFile(goldenPDF)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pdf, want) {
		t.Error("RenderPlaced without the new fields differs from the golden file")
	}
	checkPlace(t, pdf, place, d.Signer)
	if h := place.URY - place.LLY; math.Abs(h-signatureSpace*pt) > 0.02 {
		t.Errorf("the place is %.2f pt high, want the signature space's %.2f", h, signatureSpace*pt)
	}
}

// checkPlace checks that a place lies on its page, on the page of the
// signer's name, below the signer's title, above the name and right of
// the recipients.
func checkPlace(t *testing.T, pdf []byte, place SignaturePlace, signer string) {
	t.Helper()
	if place.Page < 1 || place.Page > pageCount(t, pdf) {
		t.Fatalf("the place is on page %d", place.Page)
	}
	words, wd, ht := pageWords(t, pdf, place.Page)
	if !(0 <= place.LLX && place.LLX+1 < place.URX && place.URX <= wd && 0 <= place.LLY && place.LLY+1 < place.URY && place.URY <= ht) {
		t.Fatalf("the place %+v is not a rectangle on the %gx%g page", place, wd, ht)
	}
	// In pdftotext's coordinates, from the top.
	top, bottom := ht-place.URY, ht-place.LLY
	last := strings.Fields(signer)
	var name, title, recipients *pdfWord
	for i := range words {
		w := &words[i]
		switch {
		case w.text == last[len(last)-1] && w.xMin > place.LLX-20:
			name = w
		case w.text == "TỊCH" && w.yMin < top+5:
			title = w
		case w.text == "nhận:":
			recipients = w
		}
	}
	if name == nil || title == nil || recipients == nil {
		t.Fatalf("page %d lacks the signer's name, title or recipients", place.Page)
	}
	// pdftotext's boxes are the font's ascent and descent, a little
	// taller than the line the text is set in.
	const slack = 1.5
	if name.yMin+slack < bottom {
		t.Errorf("the place (%.1f–%.1f from the top) reaches the name at %.1f", top, bottom, name.yMin)
	}
	if title.yMax-slack > top {
		t.Errorf("the place (from %.1f) reaches the title ending at %.1f", top, title.yMax)
	}
	for _, w := range words {
		if w.xMax < wd/2 && w.yMin >= recipients.yMin && w.xMax > place.LLX {
			t.Errorf("the recipients' %q reaches into the place", w.text)
		}
	}
}

// TestStampBadImage: an image that is not a PNG is an error, not a file.
func TestStampBadImage(t *testing.T) {
	d := goldenDecision(t)
	d.Stamp = &Stamp{Name: "Trịnh Xuân Trường", At: stampAt, SealImage: []byte("GIF89a")}
	if _, _, err := RenderPlaced(d); err == nil || !strings.Contains(err.Error(), "seal image") {
		t.Errorf("err = %v, want the seal image's", err)
	}
	var none *Decision
	if _, _, err := RenderPlaced(none); !errors.Is(err, ErrNoResults) {
		t.Errorf("err = %v, want ErrNoResults", err)
	}
}

// TestIssuedWithEverything: a corrected, verifiable, stamped decision of
// the sample province: the stamp on the decision's signature page, the
// code on the last page, the same bytes every time.
func TestIssuedWithEverything(t *testing.T) {
	d, _ := sampleDecision(t)
	d.Replaces = &Replaced{Number: "05/QĐ-UBND", Date: scoring.Date{Year: 2027, Month: 1, Day: 3}}
	d.VerifyURL = "https://congbo.laocai.gov.vn/xac-minh/2027/123"
	d.Stamp = &Stamp{Name: d.Signer, Title: "Chủ tịch", Org: "Ủy ban nhân dân tỉnh Lào Cai", At: stampAt,
		SignatureImage: testSignature(300, 100), SealImage: testSeal(240)}
	pdf, place := renderTwice(t, d)
	checkPlace(t, pdf, place, d.Signer)
	if place.Page != 2 {
		t.Errorf("the stamp is on page %d, want the decision's second page", place.Page)
	}
	last := pageCount(t, pdf)
	if got := decodeQR(t, rasterize(t, pdf, last, 150)); got != d.VerifyURL {
		t.Errorf("the QR code reads %q", got)
	}
}

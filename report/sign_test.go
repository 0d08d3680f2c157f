package report

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
	"software.sslmate.com/src/go-pkcs12"

	"ictindex/scoring"
	"ictindex/templates"
)

const (
	testSignerCN  = "Chủ tịch UBND tỉnh Lào Cai"
	testSignerOrg = "UBND tỉnh Lào Cai"
)

// testCert issues a certificate for key: self-signed when parent is nil.
func testCert(t *testing.T, key crypto.Signer, cn string, ca bool, parent *x509.Certificate, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 96))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{testSignerOrg}, Country: []string{"VN"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature
		tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func certPEM(certs ...*x509.Certificate) []byte {
	var b bytes.Buffer
	for _, c := range certs {
		pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

func pkcs8PEM(t *testing.T, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	rsaKey2  *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
)

// testKeys are made once: RSA key generation is the slow part.
func testKeys(t *testing.T) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsaKey2, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
	})
}

var (
	decisionOnce sync.Once
	decisionPDF  []byte
	decisionErr  error
)

// renderedDecision is the sample province's decision drawn by Render.
func renderedDecision(t *testing.T) []byte {
	t.Helper()
	decisionOnce.Do(func() {
		res, err := templates.ScoreResults(templates.SampleProvince())
		if err != nil {
			decisionErr = err
			return
		}
		d := NewDecision(res, map[string]*scoring.Set{"PL01": templates.MustLoad("PL01"), "PL02": templates.MustLoad("PL02")})
		d.Number, d.Date, d.Signer = "123/QĐ-UBND", scoring.Date{Year: 2027, Month: 1, Day: 5}, "Nguyễn Văn A"
		decisionPDF, decisionErr = Render(d)
	})
	if decisionErr != nil {
		t.Fatal(decisionErr)
	}
	return decisionPDF
}

// plainPDF is a small fpdf document in a core font, uncompressed.
func plainPDF(t *testing.T) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(false)
	p.SetCreationDate(time.Date(2027, 1, 5, 8, 0, 0, 0, time.UTC))
	p.AddPage()
	p.SetFont("Helvetica", "B", 14)
	p.CellFormat(0, 10, "UY BAN NHAN DAN TINH LAO CAI", "", 1, "C", false, 0, "")
	p.SetFont("Helvetica", "", 12)
	for _, line := range []string{"QUYET DINH", "Ve viec cong bo ket qua danh gia, xep hang", "muc do ung dung CNTT nam 2026"} {
		p.CellFormat(0, 8, line, "", 1, "C", false, 0, "")
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pdfsig runs poppler's pdfsig on the PDF and returns its report.
func pdfsig(t *testing.T, doc []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdfsig")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pdfsig (poppler-utils) is not installed")
		}
		t.Fatal("pdfsig (poppler-utils) is required in CI")
	}
	name := filepath.Join(t.TempDir(), "signed.pdf")
	if err := os.WriteFile(name, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-nocert", "-no-ocsp", name).CombinedOutput()
	if err != nil {
		t.Logf("pdfsig: %v", err)
	}
	return string(out)
}

// assertValid checks that pdfsig finds one valid signature by the test
// signer covering the whole document.
func assertValid(t *testing.T, signed []byte) {
	t.Helper()
	out := pdfsig(t, signed)
	for _, want := range []string{"Signature is Valid", "Common Name: " + testSignerCN, "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig report lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Signature #"); n != 1 {
		t.Errorf("pdfsig found %d signatures, want 1:\n%s", n, out)
	}
}

// assertTamperDetected flips a byte of the original document's data inside
// the signed range and checks that pdfsig no longer says valid.
func assertTamperDetected(t *testing.T, orig, signed []byte) {
	t.Helper()
	i := bytes.Index(orig, []byte("stream\n"))
	if i < 0 {
		t.Fatal("no stream in the document")
	}
	i += len("stream\n") + 5 // a byte of the first stream's data
	bad := bytes.Clone(signed)
	bad[i] ^= 0x01
	out := pdfsig(t, bad)
	if strings.Contains(out, "Signature is Valid") {
		t.Fatalf("pdfsig still says valid after a byte of the signed range was changed:\n%s", out)
	}
	if !strings.Contains(out, "Signature #1") {
		t.Fatalf("pdfsig no longer finds the signature at all (want it found and invalid):\n%s", out)
	}
	t.Logf("tampered: %s", lineWith(out, "Signature Validation"))
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func TestSignRenderedDecisionRSA(t *testing.T) {
	testKeys(t)
	doc := renderedDecision(t)
	cert := testCert(t, rsaKey, testSignerCN, false, nil, nil)
	s, err := LoadSigner(pkcs8PEM(t, rsaKey), certPEM(cert), "")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(doc, s, SignOptions{Time: time.Date(2027, 1, 5, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, doc) {
		t.Fatal("the signed file does not begin with the original bytes (not an incremental update)")
	}
	tail := string(signed[len(doc):])
	for _, want := range []string{"/SubFilter /adbe.pkcs7.detached", "/TransformMethod /FieldMDP", "/M (D:20270105093000+07'00')"} {
		if !strings.Contains(tail, want) {
			t.Errorf("signature dictionary lacks %q", want)
		}
	}
	assertValid(t, signed)
	assertTamperDetected(t, doc, signed)
}

func TestSignPlainFPDFECDSA(t *testing.T) {
	testKeys(t)
	doc := plainPDF(t)
	cert := testCert(t, ecKey, testSignerCN, false, nil, nil)
	der, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	s, err := LoadSigner(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), certPEM(cert), "")
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(doc, s, SignOptions{Name: "Nguyễn Hữu Nghĩa (KT. Chủ tịch)", ContactInfo: "vanphong@laocai.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, signed)
	assertTamperDetected(t, doc, signed)
}

func TestSignPKCS12(t *testing.T) {
	testKeys(t)
	ca := testCert(t, rsaKey2, "CA thử nghiệm", true, nil, nil)
	leaf := testCert(t, rsaKey, testSignerCN, false, ca, rsaKey2)
	const pw = "mật-khẩu 123"
	for _, enc := range []struct {
		name string
		enc  *pkcs12.Encoder
	}{{"Modern", pkcs12.Modern}, {"Legacy", pkcs12.LegacyRC2}} {
		t.Run(enc.name, func(t *testing.T) {
			p12, err := enc.enc.Encode(rsaKey, leaf, []*x509.Certificate{ca}, pw)
			if err != nil {
				t.Fatal(err)
			}
			s, err := LoadSigner(p12, nil, pw)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Cert.Equal(leaf) || len(s.Chain) != 1 || !s.Chain[0].Equal(ca) {
				t.Fatalf("loaded cert %q with chain of %d, want the leaf and its CA", s.Cert.Subject.CommonName, len(s.Chain))
			}
			if _, err := LoadSigner(p12, nil, "sai"); err == nil || !strings.Contains(err.Error(), "sai mật khẩu") {
				t.Errorf("wrong password: err = %v, want one saying sai mật khẩu", err)
			}
			if enc.name != "Modern" {
				return
			}
			signed, err := Sign(plainPDF(t), s, SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			assertValid(t, signed)
		})
	}
}

func TestLoadSignerPEMForms(t *testing.T) {
	testKeys(t)
	rsaCert := testCert(t, rsaKey, testSignerCN, false, nil, nil)
	ecCert := testCert(t, ecKey, testSignerCN, false, nil, nil)
	ecDER, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		key, cert []byte
	}{
		{"PKCS8 RSA", pkcs8PEM(t, rsaKey), certPEM(rsaCert)},
		{"PKCS1 RSA", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}), certPEM(rsaCert)},
		{"SEC1 EC", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER}), certPEM(ecCert)},
		{"PKCS8 EC", pkcs8PEM(t, ecKey), certPEM(ecCert)},
		{"key and cert in one PEM", append(certPEM(ecCert), pkcs8PEM(t, ecKey)...), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := LoadSigner(c.key, c.cert, "")
			if err != nil {
				t.Fatal(err)
			}
			if s.Cert.Subject.CommonName != testSignerCN {
				t.Errorf("CN = %q", s.Cert.Subject.CommonName)
			}
		})
	}
}

func TestLoadSignerChainOrder(t *testing.T) {
	testKeys(t)
	ca := testCert(t, rsaKey2, "CA thử nghiệm", true, nil, nil)
	leaf := testCert(t, ecKey, testSignerCN, false, ca, rsaKey2)
	other := testCert(t, rsaKey, "Chứng thư khác", false, nil, nil)
	// CA first, a stray certificate, then the leaf.
	s, err := LoadSigner(pkcs8PEM(t, ecKey), certPEM(ca, other, leaf), "")
	if err != nil {
		t.Fatal(err)
	}
	if !s.Cert.Equal(leaf) || len(s.Chain) != 1 || !s.Chain[0].Equal(ca) {
		t.Fatalf("cert %q, chain of %d: want the leaf and only its CA", s.Cert.Subject.CommonName, len(s.Chain))
	}
	signed, err := Sign(plainPDF(t), s, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, signed)
}

func TestSignLargeKey(t *testing.T) {
	if testing.Short() {
		t.Skip("RSA-4096 key generation is slow")
	}
	key, err := rsa.GenerateKey(rand.Reader, 4096)
	if err != nil {
		t.Fatal(err)
	}
	s := &Signer{Key: key, Cert: testCert(t, key, testSignerCN, false, nil, nil)}
	signed, err := Sign(plainPDF(t), s, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, signed)
}

func TestSignMismatchedKey(t *testing.T) {
	testKeys(t)
	cert := testCert(t, rsaKey2, testSignerCN, false, nil, nil)
	const want = "khóa và chứng thư không khớp"
	if _, err := LoadSigner(pkcs8PEM(t, rsaKey), certPEM(cert), ""); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("LoadSigner: err = %v, want %q", err, want)
	}
	if _, err := Sign(plainPDF(t), &Signer{Key: rsaKey, Cert: cert}, SignOptions{}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Sign: err = %v, want %q", err, want)
	}
}

func TestLoadSignerBadInput(t *testing.T) {
	testKeys(t)
	cert := testCert(t, rsaKey, testSignerCN, false, nil, nil)
	cases := []struct {
		name, want string
		key, cert  []byte
	}{
		{"empty", "thiếu khóa", nil, certPEM(cert)},
		{"garbage", "không đọc được khóa", []byte("not a key"), certPEM(cert)},
		{"no cert", "thiếu chứng thư", pkcs8PEM(t, rsaKey), nil},
		{"cert not PEM", "không ở dạng PEM", pkcs8PEM(t, rsaKey), cert.Raw},
		{"encrypted PEM", "được mã hóa", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), certPEM(cert)},
		{"PEM without key", "không có khóa bí mật", certPEM(cert), certPEM(cert)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := LoadSigner(c.key, c.cert, ""); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one with %q", err, c.want)
			}
		})
	}
}

func TestSignNotPDF(t *testing.T) {
	testKeys(t)
	s := &Signer{Key: rsaKey, Cert: testCert(t, rsaKey, testSignerCN, false, nil, nil)}
	doc := plainPDF(t)
	for name, in := range map[string][]byte{
		"text":      []byte("Quyết định số 123/QĐ-UBND"),
		"empty":     nil,
		"truncated": doc[:len(doc)/2],
		"no xref":   []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\nstartxref\n999999\n%%EOF\n"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Sign(in, s, SignOptions{}); !errors.Is(err, ErrNotPDF) {
				t.Errorf("err = %v, want ErrNotPDF", err)
			}
		})
	}
}

func TestSignExpiredCertificate(t *testing.T) {
	testKeys(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: testSignerCN},
		NotBefore:    time.Now().Add(-48 * time.Hour),
		NotAfter:     time.Now().Add(-24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, rsaKey.Public(), rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	if _, err := Sign(plainPDF(t), &Signer{Key: rsaKey, Cert: cert}, SignOptions{}); !errors.Is(err, ErrCertificateTime) {
		t.Errorf("err = %v, want ErrCertificateTime", err)
	}
}

func TestSignPDFText(t *testing.T) {
	for _, s := range []string{
		"Nguyễn Hữu Nghĩa", "Ĩ ĩ Ũ ũ", "Lào Cai", "Ký ban hành quyết định",
		"Sĩ (Phó Chủ tịch)", "Sĩ )(", `Trần\Văn`, "Đỗ\r\nThị", "Шш",
	} {
		got := pdfText(s)
		if !utf16Safe(strings.NewReplacer("(", "", ")", "").Replace(got)) || !parensBalanced(got) {
			t.Errorf("pdfText(%q) = %q is not safe in pdfsign's UTF-16 string", s, got)
		}
		if strings.ContainsAny(got, "\r\\") {
			t.Errorf("pdfText(%q) = %q keeps CR or backslash", s, got)
		}
	}
	if got := pdfText("Lào Cai"); got != "Lào Cai" {
		t.Errorf("pdfText changed safe text: %q", got)
	}
	if got := pdfText("A (B"); got != "A (B" {
		t.Errorf("ASCII text is left for pdfsign to escape, got %q", got)
	}
}

// TestSignInfoReadsBack signs with names whose UTF-16 holds parenthesis or
// backslash bytes and reads the signature dictionary back with a strict
// parser: the text must come back intact and the dictionary whole.
func TestSignInfoReadsBack(t *testing.T) {
	testKeys(t)
	doc := plainPDF(t)
	s := &Signer{Key: ecKey, Cert: testCert(t, ecKey, testSignerCN, false, nil, nil)}
	opt := SignOptions{
		Name:        "Nguyễn Hữu Nghĩa (KT. Chủ tịch)",
		Location:    "Lào Cai",
		Reason:      "Ký ban hành quyết định",
		ContactInfo: "Sĩ (Văn phòng",
		Time:        time.Date(2027, 1, 5, 9, 30, 0, 0, time.UTC),
	}
	signed, err := Sign(doc, s, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("the signed PDF does not parse back (a broken string?): %v", r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		t.Fatal(err)
	}
	v := rd.Trailer().Key("Root").Key("AcroForm").Key("Fields").Index(0).Key("V")
	if got := v.Key("Type").Name(); got != "Sig" {
		t.Fatalf("signature field value /Type = %q, want Sig", got)
	}
	for key, want := range map[string]string{
		"Name":        opt.Name,
		"Location":    opt.Location,
		"Reason":      opt.Reason,
		"ContactInfo": "Sĩ （Văn phòng", // an unbalanced parenthesis is written full-width
	} {
		if got := norm.NFC.String(v.Key(key).Text()); got != want {
			t.Errorf("/%s reads back as %q, want %q", key, got, want)
		}
	}
	if got := v.Key("ByteRange").Len(); got != 4 {
		t.Errorf("/ByteRange has %d numbers after the text entries, want 4", got)
	}
}

// TestSignTwice adds the organisation's signature after the chairman's, as
// the office does when it issues the decision: both stay valid.
func TestSignTwice(t *testing.T) {
	testKeys(t)
	doc := plainPDF(t)
	first, err := Sign(doc, &Signer{Key: ecKey, Cert: testCert(t, ecKey, testSignerCN, false, nil, nil)}, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	org := &Signer{Key: rsaKey, Cert: testCert(t, rsaKey, testSignerOrg, false, nil, nil)}
	second, err := Sign(first, org, SignOptions{Reason: "Phát hành văn bản"})
	if err != nil {
		t.Fatal(err)
	}
	out := pdfsig(t, second)
	if n := strings.Count(out, "Signature is Valid"); n != 2 {
		t.Errorf("pdfsig finds %d valid signatures, want 2:\n%s", n, out)
	}
	for _, want := range []string{"Common Name: " + testSignerCN, "Common Name: " + testSignerOrg, "Not total document signed", "Total document signed"} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig report lacks %q:\n%s", want, out)
		}
	}
}

// signatureWidget finds the signature widget on a page of a signed PDF,
// reading it back with a strict parser.
func signatureWidget(t *testing.T, signed []byte, page int) pdf.Value {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("the signed PDF does not parse back: %v", r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		t.Fatal(err)
	}
	annots := rd.Page(page).V.Key("Annots")
	for i := 0; i < annots.Len(); i++ {
		if a := annots.Index(i); a.Key("Subtype").Name() == "Widget" && a.Key("FT").Name() == "Sig" {
			return a
		}
	}
	t.Fatalf("page %d has no signature widget among its %d annotations", page, annots.Len())
	return pdf.Value{}
}

// renderPage draws one page with poppler's pdftoppm, in grey at a low
// resolution, and returns the image file's bytes.
func renderPage(t *testing.T, doc []byte, page int) []byte {
	t.Helper()
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("pdftoppm (poppler-utils) is not installed")
		}
		t.Fatal("pdftoppm (poppler-utils) is required in CI")
	}
	dir := t.TempDir()
	name := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(name, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(page)
	if out, err := exec.Command(bin, "-f", p, "-l", p, "-r", "40", "-gray", "-singlefile", name, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	img, err := os.ReadFile(filepath.Join(dir, "page.pgm"))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// TestSignVisiblePlace signs the rendered decision with its widget on the
// signature block of the last page: the widget is there with its
// rectangle, the signature valid, and the page looks as before (the
// widget draws nothing; the stamp is the renderer's).
func TestSignVisiblePlace(t *testing.T) {
	testKeys(t)
	doc := renderedDecision(t)
	rd, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	last := rd.NumPage()
	place := &SignaturePlace{Page: last, LLX: 320.5, LLY: 400, URX: 560, URY: 480.25}
	s := &Signer{Key: rsaKey, Cert: testCert(t, rsaKey, testSignerCN, false, nil, nil)}
	signed, err := Sign(doc, s, SignOptions{Place: place})
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSigned(doc, signed); err != nil {
		t.Fatal(err)
	}
	assertValid(t, signed)
	assertTamperDetected(t, doc, signed)

	w := signatureWidget(t, signed, last)
	rect := w.Key("Rect")
	if rect.Len() != 4 {
		t.Fatalf("widget /Rect = %v", rect)
	}
	for i, want := range []float64{place.LLX, place.LLY, place.URX, place.URY} {
		if got := rect.Index(i).Float64(); math.Abs(got-want) > 1e-3 {
			t.Errorf("widget /Rect[%d] = %g, want %g", i, got, want)
		}
	}
	if w.Key("AP").Key("N").IsNull() {
		t.Error("the widget has no normal appearance (/AP /N)")
	}
	if f := w.Key("F").Int64(); f&4 == 0 || f&3 != 0 {
		t.Errorf("widget /F = %d, want printed and neither hidden nor invisible", f)
	}
	if w.Key("V").Key("Type").Name() != "Sig" {
		t.Error("the widget's /V is not the signature dictionary")
	}
	if ap := string(signed[len(doc):]); strings.Contains(ap, "/Times-Roman") || strings.Contains(ap, " Tj") {
		t.Error("the widget's appearance writes text of its own")
	}
	if !bytes.Equal(renderPage(t, doc, last), renderPage(t, signed, last)) {
		t.Error("the signed page looks different from the unsigned one: the widget's appearance draws something")
	}
	// The other pages keep no widget.
	rs, err := pdf.NewReader(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		t.Fatal(err)
	}
	for p := 1; p < last; p++ {
		if n := rs.Page(p).V.Key("Annots").Len(); n != 0 {
			t.Errorf("page %d has %d annotations, want none", p, n)
		}
	}
}

// TestSignVisibleTwice places two visible signatures on one page; the
// second goes through pdfsign's path for a signed file.
func TestSignVisibleTwice(t *testing.T) {
	testKeys(t)
	doc := plainPDF(t)
	first, err := Sign(doc, &Signer{Key: ecKey, Cert: testCert(t, ecKey, testSignerCN, false, nil, nil)},
		SignOptions{Place: &SignaturePlace{Page: 1, LLX: 50, LLY: 100, URX: 250, URY: 180}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := Sign(first, &Signer{Key: rsaKey, Cert: testCert(t, rsaKey, testSignerOrg, false, nil, nil)},
		SignOptions{Reason: "Phát hành văn bản", Place: &SignaturePlace{Page: 1, LLX: 300, LLY: 100, URX: 500, URY: 180}})
	if err != nil {
		t.Fatal(err)
	}
	out := pdfsig(t, second)
	if n := strings.Count(out, "Signature is Valid"); n != 2 {
		t.Errorf("pdfsig finds %d valid signatures, want 2:\n%s", n, out)
	}
	rd, err := pdf.NewReader(bytes.NewReader(second), int64(len(second)))
	if err != nil {
		t.Fatal(err)
	}
	var xs []float64
	annots := rd.Page(1).V.Key("Annots")
	for i := 0; i < annots.Len(); i++ {
		if a := annots.Index(i); a.Key("FT").Name() == "Sig" {
			xs = append(xs, a.Key("Rect").Index(0).Float64())
		}
	}
	if len(xs) != 2 || xs[0] != 50 || xs[1] != 300 {
		t.Errorf("page 1 has signature widgets at x = %v, want [50 300]", xs)
	}
}

func TestSignVisibleBadPlace(t *testing.T) {
	testKeys(t)
	doc := plainPDF(t) // one A4 page, 595.28 × 841.89 points
	s := &Signer{Key: ecKey, Cert: testCert(t, ecKey, testSignerCN, false, nil, nil)}
	for _, c := range []struct {
		name  string
		place SignaturePlace
		want  string
	}{
		{"page 0", SignaturePlace{Page: 0, LLX: 10, LLY: 10, URX: 100, URY: 50}, "đánh số từ 1"},
		{"page past the end", SignaturePlace{Page: 2, LLX: 10, LLY: 10, URX: 100, URY: 50}, "tệp chỉ có 1 trang"},
		{"upside down", SignaturePlace{Page: 1, LLX: 100, LLY: 50, URX: 10, URY: 10}, "góc dưới trái nhỏ hơn góc trên phải"},
		{"flat", SignaturePlace{Page: 1, LLX: 10, LLY: 10, URX: 100, URY: 10.5}, "ít nhất 1 điểm"},
		{"off the page", SignaturePlace{Page: 1, LLX: 500, LLY: 10, URX: 700, URY: 50}, "nằm ngoài trang 1"},
		{"not a number", SignaturePlace{Page: 1, LLX: math.NaN(), LLY: 10, URX: 100, URY: 50}, "không phải là số"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.place
			_, err := Sign(doc, s, SignOptions{Place: &p})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one with %q", err, c.want)
			}
		})
	}
}

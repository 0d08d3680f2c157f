package report

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/timestamp"
)

// issuedPDF is an issued decision: numbered, not signed.
func issuedPDF(t *testing.T) []byte {
	t.Helper()
	return renderedDecision(t)
}

// leaderSigner is the leader's key and certificate.
func leaderSigner(t *testing.T) *Signer {
	t.Helper()
	testKeys(t)
	return &Signer{Key: rsaKey, Cert: testCert(t, rsaKey, testSignerCN, false, nil, nil)}
}

func mustSign(t *testing.T, doc []byte, s *Signer, opt SignOptions) []byte {
	t.Helper()
	out, err := Sign(doc, s, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wantRefused checks that VerifySigned refuses the upload with sentinel.
func wantRefused(t *testing.T, issued, uploaded []byte, sentinel error) {
	t.Helper()
	info, err := VerifySigned(issued, uploaded)
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v (info %+v), want %v", err, info, sentinel)
	}
	if !strings.HasPrefix(err.Error(), sentinel.Error()) {
		t.Errorf("message %q does not begin with %q", err, sentinel)
	}
	t.Log(err)
}

func TestVerifySignedAccepted(t *testing.T) {
	issued := issuedPDF(t)
	s := leaderSigner(t)
	for name, opt := range map[string]SignOptions{
		"invisible": {},
		"visible":   {Place: &SignaturePlace{Page: 1, LLX: 300, LLY: 100, URX: 540, URY: 180}},
	} {
		t.Run(name, func(t *testing.T) {
			before := time.Now().Add(-time.Second)
			signed := mustSign(t, issued, s, opt)
			info, err := VerifySigned(issued, signed)
			if err != nil {
				t.Fatal(err)
			}
			if info.SignerName != testSignerCN || info.SignerOrg != testSignerOrg || info.Signatures != 1 || !info.Certificate.Equal(s.Cert) {
				t.Errorf("info = %+v, want the leader's one signature", info)
			}
			if info.SigningTime.Before(before) || info.SigningTime.After(time.Now().Add(time.Second)) {
				t.Errorf("signing time %v, want about now", info.SigningTime)
			}
			// A tool's end of line after the last signed byte is no change.
			if _, err := VerifySigned(issued, append(bytes.Clone(signed), "\r\n"...)); err != nil {
				t.Errorf("with a trailing end of line: %v", err)
			}
		})
	}
}

// TestVerifySignedTwice: the leader signs, then the office adds the
// organisation's signature; both verify and the leader is reported.
func TestVerifySignedTwice(t *testing.T) {
	issued := issuedPDF(t)
	first := mustSign(t, issued, leaderSigner(t), SignOptions{})
	org := &Signer{Key: ecKey, Cert: testCert(t, ecKey, testSignerOrg, false, nil, nil)}
	second := mustSign(t, first, org, SignOptions{Reason: "Phát hành văn bản"})
	info, err := VerifySigned(issued, second)
	if err != nil {
		t.Fatal(err)
	}
	if info.Signatures != 2 || info.SignerName != testSignerCN {
		t.Errorf("info = %+v, want 2 signatures, the first by %q", info, testSignerCN)
	}
}

func TestVerifySignedDifferentContent(t *testing.T) {
	issued := issuedPDF(t)
	s := leaderSigner(t)
	t.Run("another PDF", func(t *testing.T) {
		wantRefused(t, issued, mustSign(t, plainPDF(t), s, SignOptions{}), ErrDifferentContent)
	})
	t.Run("issued with a byte changed, then signed", func(t *testing.T) {
		changed := bytes.Clone(issued)
		i := bytes.Index(changed, []byte("stream\n")) + len("stream\n") + 5
		changed[i] ^= 0x01
		wantRefused(t, issued, mustSign(t, changed, s, SignOptions{}), ErrDifferentContent)
	})
}

func TestVerifySignedBroken(t *testing.T) {
	issued := issuedPDF(t)
	signed := mustSign(t, issued, leaderSigner(t), SignOptions{Reason: "Ký ban hành quyết định"})
	flip := func(i int) []byte {
		b := bytes.Clone(signed)
		b[i] ^= 0x01
		return b
	}
	t.Run("a byte of the issued content", func(t *testing.T) {
		wantRefused(t, issued, flip(bytes.Index(issued, []byte("stream\n"))+len("stream\n")+5), ErrBadSignature)
	})
	t.Run("a byte of the signature's own update", func(t *testing.T) {
		i := bytes.LastIndex(signed, []byte("/Type /Catalog"))
		if i < 0 {
			t.Fatal("no catalog in the update")
		}
		wantRefused(t, issued, flip(i+len("/Type /Cat")), ErrBadSignature)
	})
	t.Run("a digit of the signature value", func(t *testing.T) {
		i := bytes.LastIndex(signed, []byte("/Contents<"))
		if i < 0 {
			t.Fatal("no /Contents")
		}
		start := i + len("/Contents<")
		raw, err := hex.DecodeString(string(signed[start : start+bytes.IndexByte(signed[start:], '>')]))
		if err != nil {
			t.Fatal(err)
		}
		// A digit near the end of the DER: the signature value.
		b := bytes.Clone(signed)
		j := start + 2*(len(derPrefix(raw))-10)
		if b[j] == 'f' {
			b[j] = 'e'
		} else {
			b[j] = 'f'
		}
		wantRefused(t, issued, b, ErrBadSignature)
	})
	t.Run("the byte range moved", func(t *testing.T) {
		// A range that leaves out more than /Contents.
		i := bytes.LastIndex(signed, []byte("/ByteRange"))
		rest := signed[i:]
		end := bytes.IndexByte(rest, ']')
		var r [4]int
		if _, err := fmt.Sscanf(string(rest[len("/ByteRange"):end+1]), " [%d %d %d %d]", &r[0], &r[1], &r[2], &r[3]); err != nil {
			t.Fatalf("reading %q: %v", rest[:end+1], err)
		}
		moved := fmt.Sprintf("[%d %d %d %d]", r[0], r[1]-10, r[2], r[3])
		moved += strings.Repeat(" ", end+1-len("/ByteRange ")-len(moved))
		b := bytes.Clone(signed)
		copy(b[i+len("/ByteRange "):], moved)
		wantRefused(t, issued, b, ErrBadSignature)
	})
}

func TestVerifySignedUnsigned(t *testing.T) {
	issued := issuedPDF(t)
	wantRefused(t, issued, issued, ErrUnsigned)
	wantRefused(t, issued, plainPDF(t), ErrUnsigned)
}

// appendUpdate adds an incremental update to a PDF: a new annotation
// object, its cross-reference section and a trailer pointing back.
func appendUpdate(t *testing.T, doc []byte) []byte {
	t.Helper()
	rd, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	size := int(rd.Trailer().Key("Size").Int64())
	root := rd.Trailer().Key("Root").GetPtr()
	i := bytes.LastIndex(doc, []byte("startxref"))
	prev, err := strconv.Atoi(strings.Fields(string(doc[i+len("startxref"):]))[0])
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(doc)
	b.WriteString("\n")
	obj := b.Len()
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] /Contents (Da sua sau khi ky) >>\nendobj\n", size)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n",
		size, obj, size+1, root.GetID(), root.GetGen(), prev, xref)
	out := b.Bytes()
	if _, err := pdf.NewReader(bytes.NewReader(out), int64(len(out))); err != nil {
		t.Fatalf("the appended update does not read: %v", err)
	}
	return out
}

func TestVerifySignedAppendedUpdate(t *testing.T) {
	issued := issuedPDF(t)
	signed := mustSign(t, issued, leaderSigner(t), SignOptions{})
	changed := appendUpdate(t, signed)
	wantRefused(t, issued, changed, ErrNotWholeDocument)
	if out := pdfsig(t, changed); !strings.Contains(out, "Not total document signed") || !strings.Contains(out, "Signature is Valid") {
		t.Errorf("pdfsig sees the appended update otherwise:\n%s", out)
	}
	// Appended garbage that is not even an update.
	wantRefused(t, issued, append(bytes.Clone(signed), "% thêm\n%%EOF\n"...), ErrNotWholeDocument)
}

func TestVerifySignedNotPDF(t *testing.T) {
	issued := issuedPDF(t)
	signed := mustSign(t, issued, leaderSigner(t), SignOptions{})
	for name, b := range map[string][]byte{
		"PNG":       transparentPNG(),
		"empty":     nil,
		"text":      []byte("Quyết định số 123/QĐ-UBND"),
		"truncated": signed[:len(signed)-2000],
	} {
		t.Run(name, func(t *testing.T) { wantRefused(t, issued, b, ErrUploadNotPDF) })
	}
}

// testSignData is what Sign gives pdfsign, for the tests that go round
// Sign's own checks.
func testSignData(s *Signer) sign.SignData {
	return sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info:     sign.SignDataSignatureInfo{Name: s.Cert.Subject.CommonName, Date: time.Now()},
		},
		Signer:            s.Key,
		DigestAlgorithm:   crypto.SHA256,
		Certificate:       s.Cert,
		CertificateChains: [][]*x509.Certificate{{s.Cert}},
	}
}

func TestVerifySignedExpiredCertificate(t *testing.T) {
	testKeys(t)
	issued := plainPDF(t)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(9),
		Subject:      pkix.Name{CommonName: testSignerCN, Organization: []string{testSignerOrg}},
		NotBefore:    time.Now().Add(-48 * time.Hour),
		NotAfter:     time.Now().Add(-24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, rsaKey.Public(), rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	signed, err := signPDF(issued, testSignData(&Signer{Key: rsaKey, Cert: cert}))
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, issued, signed, ErrBadSignature)
	if _, err := VerifySigned(issued, signed); !strings.Contains(err.Error(), "không có hiệu lực lúc ký") {
		t.Errorf("err = %v, want one saying the certificate was not valid", err)
	}
}

// testTSA is a time-stamp authority over HTTP that stamps every request
// with the time it is told.
func testTSA(t *testing.T, at *time.Time) string {
	t.Helper()
	testKeys(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(77),
		Subject:               pkix.Name{CommonName: "TSA thử nghiệm"},
		NotBefore:             time.Now().Add(-72 * time.Hour),
		NotAfter:              time.Now().Add(72 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, rsaKey2.Public(), rsaKey2)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req, err := timestamp.ParseRequest(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ts := &timestamp.Timestamp{
			HashAlgorithm:     req.HashAlgorithm,
			HashedMessage:     req.HashedMessage,
			Time:              *at,
			Nonce:             req.Nonce,
			Policy:            asn1.ObjectIdentifier{1, 2, 3, 4, 1},
			AddTSACertificate: true,
		}
		resp, err := ts.CreateResponseWithOpts(cert, rsaKey2, crypto.SHA256)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestVerifySignedTimeStamps: a signature with a time-stamp token is
// dated by the token, and a document time-stamp after it is accepted as
// the last signature.
func TestVerifySignedTimeStamps(t *testing.T) {
	issued := plainPDF(t)
	s := leaderSigner(t)
	at := time.Now().Add(-10 * time.Minute).UTC().Truncate(time.Second)
	url := testTSA(t, &at)

	data := testSignData(s)
	data.TSA = sign.TSA{URL: url}
	signed, err := signPDF(issued, data)
	if err != nil {
		t.Fatal(err)
	}
	info, err := VerifySigned(issued, signed)
	if err != nil {
		t.Fatal(err)
	}
	if !info.SigningTime.Equal(at) {
		t.Errorf("signing time %v, want the token's %v", info.SigningTime, at)
	}

	stamp := sign.SignData{Signature: sign.SignDataSignature{CertType: sign.TimeStampSignature}, TSA: sign.TSA{URL: url}, Signer: s.Key}
	stamped, err := signPDF(signed, stamp)
	if err != nil {
		t.Fatal(err)
	}
	info, err = VerifySigned(issued, stamped)
	if err != nil {
		t.Fatal(err)
	}
	if info.Signatures != 2 || info.SignerName != testSignerCN {
		t.Errorf("info = %+v, want 2 signatures, the leader's first", info)
	}
	wantRefused(t, issued, appendUpdate(t, stamped), ErrNotWholeDocument)

	// A token dated after the certificate expired.
	at = time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	late, err := signPDF(issued, data)
	if err != nil {
		t.Fatal(err)
	}
	wantRefused(t, issued, late, ErrBadSignature)
}

// TestVerifySignedPDFDate reads the /M dates signing tools write.
func TestVerifySignedPDFDate(t *testing.T) {
	ict := time.FixedZone("", 7*3600)
	for in, want := range map[string]time.Time{
		"D:20270105093000+07'00'": time.Date(2027, 1, 5, 9, 30, 0, 0, ict),
		"D:20270105023000Z":       time.Date(2027, 1, 5, 2, 30, 0, 0, time.UTC),
		"D:20270105":              time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC),
		"20270105093000-05'30":    time.Date(2027, 1, 5, 9, 30, 0, 0, time.FixedZone("", -(5*3600+30*60))),
	} {
		got, ok := pdfDate(in)
		if !ok || !got.Equal(want) {
			t.Errorf("pdfDate(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "D:", "D:2027ab", "tháng một"} {
		if _, ok := pdfDate(in); ok {
			t.Errorf("pdfDate(%q) reads as a date", in)
		}
	}
}

package report

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/sign"
	"github.com/digitorus/pkcs7"
	"golang.org/x/text/unicode/norm"
	"software.sslmate.com/src/go-pkcs12"
)

// Defaults of SignOptions.
const (
	DefaultSignLocation = "Lào Cai"
	DefaultSignReason   = "Ký ban hành quyết định"
)

// Errors of signing that come from the input rather than from this
// program; errors.Is tells them apart.
var (
	// ErrNotPDF: the bytes to sign are not a PDF this package can update.
	ErrNotPDF = errors.New("report: đầu vào không phải tệp PDF hợp lệ")
	// ErrCertificateTime: the certificate is not valid now.
	ErrCertificateTime = errors.New("report: chứng thư số không có hiệu lực tại thời điểm ký")
)

// SignOptions are the details written into the signature dictionary.
type SignOptions struct {
	// Name of the signer; empty takes the certificate's common name.
	Name string
	// Location of signing; empty is DefaultSignLocation.
	Location string
	// Reason for signing; empty is DefaultSignReason.
	Reason string
	// ContactInfo of the signer, optional.
	ContactInfo string
	// Time is the signing time written in the signature dictionary (/M);
	// zero is now. The CMS signature carries its own signing-time
	// attribute, always the clock's, so two signatures of the same bytes
	// differ in it even with a fixed Time.
	Time time.Time
	// Place, when set, makes the signature visible: its widget annotation
	// sits at that rectangle of that page, so a reader shows the signature
	// there and opens its details on a click. The widget's own appearance
	// is empty (transparent); what the reader sees there is the stamp the
	// renderer drew in the page content. Nil leaves the signature
	// invisible.
	Place *SignaturePlace
}

// Signer is a key and its certificate. Key may be any crypto.Signer (a
// key in memory, or one kept by a token) whose public key is the
// certificate's: RSA, ECDSA or Ed25519.
type Signer struct {
	Key  crypto.Signer
	Cert *x509.Certificate
	// Chain holds the issuers of Cert, nearest first, without Cert and
	// usually without the root; they go into the signature so that a
	// verifier can build the path.
	Chain []*x509.Certificate
}

// LoadSigner reads a signer from either a PEM private key (PKCS#1, PKCS#8
// or SEC 1 EC) with its PEM certificate, or a PKCS#12 bundle opened with
// password. certPEM may hold the issuers after the signer's certificate; it
// may be empty when the key's PEM or the bundle carries the certificate.
// The password is used for PKCS#12 only.
func LoadSigner(keyOrP12 []byte, certPEM []byte, password string) (*Signer, error) {
	if len(bytes.TrimSpace(keyOrP12)) == 0 {
		return nil, errors.New("report: thiếu khóa bí mật hoặc tệp PKCS#12")
	}
	var (
		key   crypto.PrivateKey
		certs []*x509.Certificate
	)
	if isPEM(keyOrP12) {
		k, cs, err := parsePEMKey(keyOrP12)
		if err != nil {
			return nil, err
		}
		key, certs = k, cs
	} else {
		k, leaf, cas, err := pkcs12.DecodeChain(keyOrP12, password)
		switch {
		case err == nil:
			key, certs = k, append([]*x509.Certificate{leaf}, cas...)
		case errors.Is(err, pkcs12.ErrIncorrectPassword):
			return nil, errors.New("report: sai mật khẩu của tệp PKCS#12")
		default:
			// A DER key without PEM armour is accepted too.
			dk, derr := parseDERKey(keyOrP12)
			if derr != nil {
				return nil, fmt.Errorf("report: không đọc được khóa: cần khóa PEM (PKCS#1, PKCS#8, EC) hoặc tệp PKCS#12 (%v)", err)
			}
			key = dk
		}
	}
	if len(bytes.TrimSpace(certPEM)) > 0 {
		cs, err := parseCertificates(certPEM)
		if err != nil {
			return nil, err
		}
		certs = append(certs, cs...)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("report: loại khóa %T không dùng để ký được", key)
	}
	if len(certs) == 0 {
		return nil, errors.New("report: thiếu chứng thư số (PEM CERTIFICATE) của khóa")
	}
	s := &Signer{Key: signer}
	for i, c := range certs {
		if publicKeyMatches(signer.Public(), c.PublicKey) {
			s.Cert = c
			certs = append(certs[:i:i], certs[i+1:]...)
			break
		}
	}
	if s.Cert == nil {
		if len(certs) == 1 {
			return nil, fmt.Errorf("report: khóa và chứng thư không khớp (chứng thư của %q)", certs[0].Subject.CommonName)
		}
		return nil, fmt.Errorf("report: khóa và chứng thư không khớp (không chứng thư nào trong %d chứng thư là của khóa này)", len(certs))
	}
	s.Chain = issuerChain(s.Cert, certs)
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// check tells whether the signer can sign at all.
func (s *Signer) check() error {
	if s == nil || s.Key == nil {
		return errors.New("report: thiếu khóa bí mật để ký")
	}
	if s.Cert == nil {
		return errors.New("report: thiếu chứng thư số để ký")
	}
	switch s.Key.Public().(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return fmt.Errorf("report: loại khóa %T không được hỗ trợ (cần RSA, ECDSA hoặc Ed25519)", s.Key.Public())
	}
	if !publicKeyMatches(s.Key.Public(), s.Cert.PublicKey) {
		return fmt.Errorf("report: khóa và chứng thư không khớp (chứng thư của %q)", s.Cert.Subject.CommonName)
	}
	if ku := s.Cert.KeyUsage; ku != 0 && ku&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return fmt.Errorf("report: chứng thư của %q không cho phép ký số (thiếu digitalSignature/nonRepudiation trong KeyUsage)", s.Cert.Subject.CommonName)
	}
	return nil
}

// Sign signs a PDF with a CMS detached signature (adbe.pkcs7.detached), as
// an approval signature, appended to it as an incremental update: the
// original bytes stay as they are, the output begins with them, and any
// earlier signature stays valid. The result is checked (byte range and
// signature) before it is returned, so a file pdfsign got wrong is an
// error, never an output. The certificate must be valid now; its chain is
// not checked against any root (that is the verifier's business).
//
// Adding a signature to a PDF that is already signed goes through pdfsign's
// own path, which reserves too little room for RSA keys above 2048 bits;
// such a second signature fails with an error.
func Sign(pdfBytes []byte, s *Signer, opt SignOptions) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if err := looksLikePDF(pdfBytes); err != nil {
		return nil, err
	}
	now := time.Now()
	if now.Before(s.Cert.NotBefore) || now.After(s.Cert.NotAfter) {
		return nil, fmt.Errorf("%w: chứng thư của %q có hiệu lực từ %s đến %s", ErrCertificateTime,
			s.Cert.Subject.CommonName, s.Cert.NotBefore.Format(time.DateOnly), s.Cert.NotAfter.Format(time.DateOnly))
	}
	if opt.Time.IsZero() {
		opt.Time = now
	}
	if opt.Name == "" {
		opt.Name = s.Cert.Subject.CommonName
	}
	if opt.Location == "" {
		opt.Location = DefaultSignLocation
	}
	if opt.Reason == "" {
		opt.Reason = DefaultSignReason
	}
	if err := checkPlaceShape(opt.Place); err != nil {
		return nil, err
	}

	chain := append([]*x509.Certificate{s.Cert}, s.Chain...)
	data := sign.SignData{
		Signature: sign.SignDataSignature{
			CertType: sign.ApprovalSignature,
			Info: sign.SignDataSignatureInfo{
				Name:        pdfText(opt.Name),
				Location:    pdfText(opt.Location),
				Reason:      pdfText(opt.Reason),
				ContactInfo: pdfText(opt.ContactInfo),
				Date:        opt.Time,
			},
		},
		Signer:            s.Key,
		DigestAlgorithm:   digestFor(s.Key.Public()),
		Certificate:       s.Cert,
		CertificateChains: [][]*x509.Certificate{chain},
	}
	if p := opt.Place; p != nil {
		data.Appearance = sign.Appearance{
			Visible:     true,
			Page:        uint32(p.Page),
			LowerLeftX:  p.LLX,
			LowerLeftY:  p.LLY,
			UpperRightX: p.URX,
			UpperRightY: p.URY,
			// An image makes pdfsign draw it instead of its own text, whose
			// font has no Vietnamese letters; a transparent one draws
			// nothing over the stamp in the page content.
			Image: transparentPNG(),
		}
	}
	out, err := signPDF(pdfBytes, data)
	if err != nil {
		return nil, err
	}
	if err := checkSigned(pdfBytes, out); err != nil {
		return nil, fmt.Errorf("report: chữ ký vừa tạo không hợp lệ: %w", err)
	}
	return out, nil
}

// signPDF runs pdfsign, turning its panics (its PDF reader panics on some
// malformed input) into errors.
func signPDF(in []byte, data sign.SignData) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: %v", ErrNotPDF, r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(in), int64(len(in)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotPDF, err)
	}
	if data.Appearance.Visible {
		if err := checkPlaceOnPage(rd, data.Appearance); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if hasSignatureFields(rd) {
		// Only sign.Sign knows how to keep the earlier signature fields.
		err = sign.Sign(bytes.NewReader(in), &buf, rd, int64(len(in)), data)
	} else {
		// sign.Sign reserves room for the signature from a fixed base that
		// leaves out the signature value itself (the switch over the
		// certificate's algorithm adds nothing for RSA), so a large key
		// overflows it; its retry then reuses its object table and writes
		// a broken file. Reserving enough room up front avoids the retry.
		ctx := sign.SignContext{
			InputFile:              bytes.NewReader(in),
			OutputFile:             &buf,
			PDFReader:              rd,
			SignData:               data,
			SignatureMaxLengthBase: signatureRoom(in, data.Signer.Public()),
		}
		err = ctx.SignPDF()
	}
	if err != nil {
		return nil, fmt.Errorf("report: ký số: %w", err)
	}
	return buf.Bytes(), nil
}

// checkPlaceShape checks that a visible signature's rectangle is a
// rectangle on a page that can exist.
func checkPlaceShape(p *SignaturePlace) error {
	if p == nil {
		return nil
	}
	if p.Page < 1 {
		return fmt.Errorf("report: vị trí chữ ký có số trang %d; trang được đánh số từ 1", p.Page)
	}
	for _, v := range []float64{p.LLX, p.LLY, p.URX, p.URY} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("report: vị trí chữ ký có tọa độ không phải là số")
		}
	}
	if p.URX-p.LLX < 1 || p.URY-p.LLY < 1 {
		return fmt.Errorf("report: ô chữ ký [%g %g %g %g] phải có góc dưới trái nhỏ hơn góc trên phải, rộng và cao ít nhất 1 điểm",
			p.LLX, p.LLY, p.URX, p.URY)
	}
	return nil
}

// checkPlaceOnPage checks that a visible signature's page exists and that
// its rectangle lies on the page's media box.
func checkPlaceOnPage(rd *pdf.Reader, a sign.Appearance) error {
	n := rd.NumPage()
	if int(a.Page) > n {
		return fmt.Errorf("report: chữ ký đặt ở trang %d nhưng tệp chỉ có %d trang", a.Page, n)
	}
	var box pdf.Value
	v := rd.Page(int(a.Page)).V
	for depth := 0; depth < 32 && !v.IsNull() && box.IsNull(); depth++ {
		box = v.Key("MediaBox") // inherited from the page tree
		v = v.Key("Parent")
	}
	if box.Len() != 4 {
		return nil // a reader takes a default page size; nothing to check against
	}
	x0, y0 := min(box.Index(0).Float64(), box.Index(2).Float64()), min(box.Index(1).Float64(), box.Index(3).Float64())
	x1, y1 := max(box.Index(0).Float64(), box.Index(2).Float64()), max(box.Index(1).Float64(), box.Index(3).Float64())
	const slack = 0.5 // rounding of the page size in points
	if a.LowerLeftX < x0-slack || a.LowerLeftY < y0-slack || a.UpperRightX > x1+slack || a.UpperRightY > y1+slack {
		return fmt.Errorf("report: ô chữ ký [%g %g %g %g] nằm ngoài trang %d (khổ trang [%g %g %g %g])",
			a.LowerLeftX, a.LowerLeftY, a.UpperRightX, a.UpperRightY, a.Page, x0, y0, x1, y1)
	}
	return nil
}

// transparentPNG is a one-pixel, fully transparent PNG: the appearance
// image of a visible signature, which draws nothing.
var transparentPNG = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err) // encoding an in-memory image does not fail
	}
	return b.Bytes()
})

// hasSignatureFields tells whether the PDF already has signature fields.
func hasSignatureFields(rd *pdf.Reader) bool {
	fields := rd.Trailer().Key("Root").Key("AcroForm").Key("Fields")
	for i := 0; i < fields.Len(); i++ {
		if fields.Index(i).Key("FT").Name() == "Sig" {
			return true
		}
	}
	return false
}

// signatureRoom is the base room, in hex digits, for the CMS signature
// beyond the certificates and digests pdfsign counts itself: the signed
// attributes and structure (512 bytes, pdfsign's own base) and the
// signature value. pdfsign finds its placeholder as the first run of that
// many '0' digits in the file, so the room is also made longer than any
// such run already there.
func signatureRoom(in []byte, pub crypto.PublicKey) uint32 {
	sig := 512
	switch k := pub.(type) {
	case *rsa.PublicKey:
		sig = k.Size()
	case *ecdsa.PublicKey:
		sig = 2*((k.Curve.Params().BitSize+7)/8) + 16
	case ed25519.PublicKey:
		sig = ed25519.SignatureSize
	}
	room := hex.EncodedLen(512 + sig)
	run, longest := 0, 0
	for _, c := range in {
		if c == '0' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return uint32(max(room, longest+1))
}

// looksLikePDF checks the header and the end-of-file marker.
func looksLikePDF(b []byte) error {
	head := b[:min(len(b), 1024)]
	if !bytes.Contains(head, []byte("%PDF-")) {
		return fmt.Errorf("%w: không có phần đầu %%PDF-", ErrNotPDF)
	}
	if !bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF")) {
		return fmt.Errorf("%w: không có dấu kết thúc %%%%EOF (tệp bị cắt?)", ErrNotPDF)
	}
	return nil
}

// checkSigned verifies what pdfsign wrote: an incremental update of in
// whose last signature covers the whole file but its own contents, and
// whose CMS signature verifies over that range.
func checkSigned(in, out []byte) error {
	if len(out) <= len(in) || !bytes.Equal(out[:len(in)], in) {
		return errors.New("bản ký không giữ nguyên tệp gốc")
	}
	tail := out[len(in):]
	i := bytes.LastIndex(tail, []byte("/ByteRange"))
	if i < 0 {
		return errors.New("không có /ByteRange")
	}
	rest := tail[i+len("/ByteRange"):]
	open, end := bytes.IndexByte(rest, '['), bytes.IndexByte(rest, ']')
	if open < 0 || end < open {
		return errors.New("/ByteRange hỏng")
	}
	f := strings.Fields(string(rest[open+1 : end]))
	if len(f) != 4 {
		return errors.New("/ByteRange không có 4 số")
	}
	var r [4]int
	for k, s := range f {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return fmt.Errorf("/ByteRange có số hỏng %q", s)
		}
		r[k] = n
	}
	a, b, c, d := r[0], r[0]+r[1], r[2], r[2]+r[3]
	if a != 0 || d != len(out) || b <= len(in) || c <= b+1 || out[b] != '<' || out[c-1] != '>' {
		return fmt.Errorf("/ByteRange %v không khớp với tệp (%d byte)", r, len(out))
	}
	raw, err := hex.DecodeString(string(out[b+1 : c-1]))
	if err != nil {
		return fmt.Errorf("/Contents hỏng: %v", err)
	}
	p7, err := pkcs7.Parse(derPrefix(raw))
	if err != nil {
		return fmt.Errorf("không đọc được CMS: %v", err)
	}
	p7.Content = append(append([]byte{}, out[a:b]...), out[c:d]...)
	return p7.Verify()
}

// derPrefix cuts the zero padding after a DER value.
func derPrefix(b []byte) []byte {
	if len(b) < 2 {
		return b
	}
	n, hdr := int(b[1]), 2
	if n&0x80 != 0 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return b
		}
		n = 0
		for _, x := range b[2 : 2+k] {
			n = n<<8 | int(x)
		}
		hdr += k
	}
	if hdr+n > len(b) {
		return b
	}
	return b[:hdr+n]
}

// digestFor picks the hash that matches the key's strength.
func digestFor(pub crypto.PublicKey) crypto.Hash {
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		switch k.Curve {
		case elliptic.P384():
			return crypto.SHA384
		case elliptic.P521():
			return crypto.SHA512
		}
	}
	return crypto.SHA256
}

// pdfText makes a string safe for pdfsign's string writer. pdfsign writes
// a non-ASCII string as UTF-16BE between parentheses without escaping, so
// a code unit with a byte '(' , ')', '\' or CR breaks the dictionary or
// the text: "ĩ" (U+0129, as in "nghĩa", "Sĩ") is 01 29, a bare ')'. Such a
// letter is written decomposed ("i" + U+0303), which reads the same; ASCII
// parentheses stay when balanced; anything else unsafe is replaced.
func pdfText(s string) string {
	s = norm.NFC.String(s)
	if isASCIIText(s) {
		return s // pdfsign escapes ASCII strings itself
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteRune(' ')
		case r == '(' || r == ')' || utf16Safe(string(r)):
			b.WriteRune(r)
		case r == '\\':
			b.WriteRune('＼')
		default:
			if d := norm.NFD.String(string(r)); utf16Safe(d) {
				b.WriteString(d)
			} else {
				b.WriteRune('\uFFFD')
			}
		}
	}
	out := b.String()
	if !parensBalanced(out) {
		out = strings.NewReplacer("(", "（", ")", "）").Replace(out)
	}
	return out
}

func isASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// utf16Safe tells whether no UTF-16BE byte of s is '(', ')', '\' or CR.
func utf16Safe(s string) bool {
	for _, u := range utf16.Encode([]rune(s)) {
		for _, x := range [2]byte{byte(u >> 8), byte(u)} {
			switch x {
			case '(', ')', '\\', '\r':
				return false
			}
		}
	}
	return true
}

// parensBalanced tells whether the parenthesis bytes of s in UTF-16BE nest.
func parensBalanced(s string) bool {
	depth := 0
	for _, u := range utf16.Encode([]rune(s)) {
		for _, x := range [2]byte{byte(u >> 8), byte(u)} {
			switch x {
			case '(':
				depth++
			case ')':
				if depth--; depth < 0 {
					return false
				}
			}
		}
	}
	return depth == 0
}

func isPEM(b []byte) bool { return bytes.Contains(b, []byte("-----BEGIN ")) }

// parsePEMKey reads the first private key of a PEM file and any
// certificates beside it.
func parsePEMKey(data []byte) (crypto.PrivateKey, []*x509.Certificate, error) {
	var (
		key   crypto.PrivateKey
		certs []*x509.Certificate
	)
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		switch blk.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(blk.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("report: chứng thư hỏng: %v", err)
			}
			certs = append(certs, c)
		case "ENCRYPTED PRIVATE KEY":
			return nil, nil, errors.New("report: khóa PEM được mã hóa chưa được hỗ trợ; hãy dùng tệp PKCS#12 có mật khẩu")
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			if key != nil {
				continue
			}
			if _, enc := blk.Headers["DEK-Info"]; enc {
				return nil, nil, errors.New("report: khóa PEM được mã hóa chưa được hỗ trợ; hãy dùng tệp PKCS#12 có mật khẩu")
			}
			k, err := parseDERKey(blk.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("report: khóa %s hỏng: %v", blk.Type, err)
			}
			key = k
		}
	}
	if key == nil {
		return nil, nil, errors.New("report: tệp PEM không có khóa bí mật (PRIVATE KEY, RSA PRIVATE KEY hoặc EC PRIVATE KEY)")
	}
	return key, certs, nil
}

// parseDERKey reads a PKCS#8, PKCS#1 or SEC 1 private key.
func parseDERKey(der []byte) (crypto.PrivateKey, error) {
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(der); err == nil {
		return k, nil
	}
	return nil, errors.New("không phải khóa PKCS#8, PKCS#1 hay EC")
}

// parseCertificates reads the certificates of a PEM file.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	if !isPEM(data) {
		return nil, errors.New("report: tệp chứng thư không ở dạng PEM (-----BEGIN CERTIFICATE-----)")
	}
	var certs []*x509.Certificate
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("report: chứng thư hỏng: %v", err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("report: tệp chứng thư không có khối CERTIFICATE nào")
	}
	return certs, nil
}

func publicKeyMatches(pub, certPub crypto.PublicKey) bool {
	k, ok := pub.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(certPub)
}

// issuerChain orders the certificates that issued leaf, nearest first,
// stopping at a self-signed one; certificates off the path are left out
// (the CMS writer rejects a chain that does not link up).
func issuerChain(leaf *x509.Certificate, pool []*x509.Certificate) []*x509.Certificate {
	var chain []*x509.Certificate
	used := make([]bool, len(pool))
	for cur := leaf; !selfSigned(cur); {
		next := -1
		for i, c := range pool {
			if !used[i] && bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		cur = pool[next]
		chain = append(chain, cur)
	}
	return chain
}

func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignatureFrom(c) == nil
}

package report

import (
	"bytes"
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// Why VerifySigned refuses an upload; errors.Is tells them apart, and the
// message of the returned error, in Vietnamese, says what was found.
var (
	// ErrUploadNotPDF: the uploaded file is not a PDF that can be read.
	ErrUploadNotPDF = errors.New("Tệp tải lên không phải PDF")
	// ErrUnsigned: the file has no digital signature (or none added to
	// the issued decision).
	ErrUnsigned = errors.New("Tệp chưa có chữ ký số")
	// ErrBadSignature: a signature does not verify over the bytes it
	// claims to cover, or its certificate was not valid when it signed.
	ErrBadSignature = errors.New("Chữ ký số không hợp lệ")
	// ErrNotWholeDocument: something was added to the file after its last
	// signature.
	ErrNotWholeDocument = errors.New("Tệp đã bị sửa sau khi ký: chữ ký không bao trùm toàn bộ tệp")
	// ErrDifferentContent: what was signed is not the issued decision.
	ErrDifferentContent = errors.New("Nội dung đã ký khác với quyết định đã ban hành")
)

// SignedInfo describes an accepted upload by its first signature added to
// the issued decision, the leader's.
type SignedInfo struct {
	// SignerName is the common name of the signer's certificate.
	SignerName string
	// SignerOrg is the organisation of the certificate (its units when it
	// names no organisation).
	SignerOrg string
	// SigningTime is when the signature was made: the time of its
	// time-stamp token when it has one, else the CMS signing-time
	// attribute, else the /M of the signature dictionary; zero when the
	// file gives none.
	SigningTime time.Time
	// Certificate is the signer's certificate.
	Certificate *x509.Certificate
	// Signatures counts the signatures of the file, document time-stamps
	// included.
	Signatures int
}

// VerifySigned checks a decision that a leader downloaded unsigned
// (issued), signed in their own tool and uploaded. It is accepted only
// when the upload is a PDF; it has a signature; every signature's CMS
// verifies over its /ByteRange and its certificate was valid when it
// signed; the last signature covers the whole file but its own /Contents,
// so nothing was added after it; and the upload begins with the issued
// bytes unchanged, all of them inside the first added signature's range,
// so what was signed is the issued decision with the signer's own update.
//
// The certificate chain is not checked against any root. Trailing
// white space after the last signed byte is tolerated (a tool's end of
// line); anything else there is a change after signing.
func VerifySigned(issued, uploaded []byte) (SignedInfo, error) {
	if len(issued) == 0 {
		return SignedInfo{}, errors.New("report: thiếu quyết định đã ban hành để đối chiếu")
	}
	sigs, err := readSignatures(uploaded)
	if err != nil {
		return SignedInfo{}, err
	}
	if len(sigs) == 0 {
		return SignedInfo{}, fmt.Errorf("%w: không tìm thấy trường chữ ký nào có chữ ký", ErrUnsigned)
	}
	slices.SortStableFunc(sigs, func(a, b *pdfSignature) int { return a.end() - b.end() })
	for i, s := range sigs {
		if err := s.verify(uploaded); err != nil {
			return SignedInfo{}, fmt.Errorf("%w: chữ ký thứ %d/%d (%s): %s", ErrBadSignature, i+1, len(sigs), s.who(), err)
		}
	}

	last := sigs[len(sigs)-1]
	if tail := uploaded[last.end():]; len(bytes.Trim(tail, pdfWhiteSpace)) > 0 {
		return SignedInfo{}, fmt.Errorf("%w (%d byte sau phần được ký cuối cùng, của %s)", ErrNotWholeDocument, len(tail), last.who())
	}

	if !bytes.HasPrefix(uploaded, issued) {
		return SignedInfo{}, fmt.Errorf("%w: phần đầu của tệp không trùng với tệp quyết định đã ban hành (%d byte)", ErrDifferentContent, len(issued))
	}
	var added []*pdfSignature
	for _, s := range sigs {
		if s.end() > len(issued) {
			added = append(added, s)
		}
	}
	if len(added) == 0 {
		return SignedInfo{}, fmt.Errorf("%w: tệp chính là quyết định đã ban hành, chưa được ký thêm", ErrUnsigned)
	}
	if first := added[0]; first.r[0]+first.r[1] < len(issued) {
		return SignedInfo{}, fmt.Errorf("%w: chữ ký đầu tiên (%s) không bao trùm toàn bộ quyết định đã ban hành", ErrDifferentContent, first.who())
	}
	var signer *pdfSignature
	for _, s := range added {
		if !s.docTimeStamp {
			signer = s
			break
		}
	}
	if signer == nil {
		return SignedInfo{}, fmt.Errorf("%w: tệp chỉ có dấu thời gian, không có chữ ký của người ký", ErrUnsigned)
	}
	return SignedInfo{
		SignerName:  signer.cert.Subject.CommonName,
		SignerOrg:   certOrg(signer.cert),
		SigningTime: signer.at,
		Certificate: signer.cert,
		Signatures:  len(sigs),
	}, nil
}

const pdfWhiteSpace = "\x00\t\n\f\r "

// pdfSignature is one signature dictionary of a PDF, and what its
// verification found.
type pdfSignature struct {
	field     string
	subFilter string
	r         [4]int
	contents  []byte
	modified  string // the /M entry

	docTimeStamp bool
	cert         *x509.Certificate
	at           time.Time
}

func (s *pdfSignature) end() int { return s.r[2] + s.r[3] }

// who names the signature in messages: its signer once known, else its
// field.
func (s *pdfSignature) who() string {
	if s.cert != nil {
		return fmt.Sprintf("%q", s.cert.Subject.CommonName)
	}
	if s.field != "" {
		return fmt.Sprintf("trường %q", s.field)
	}
	return "trường không tên"
}

// readSignatures finds the signed signature fields of a PDF.
func readSignatures(b []byte) (sigs []*pdfSignature, err error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: tệp rỗng", ErrUploadNotPDF)
	}
	if !bytes.Contains(b[:min(len(b), 1024)], []byte("%PDF-")) {
		return nil, fmt.Errorf("%w: không có phần đầu %%PDF-", ErrUploadNotPDF)
	}
	if !bytes.Contains(b[max(0, len(b)-1024):], []byte("%%EOF")) {
		return nil, fmt.Errorf("%w: không có dấu kết thúc %%%%EOF (tệp bị cắt?)", ErrUploadNotPDF)
	}
	defer func() {
		// The PDF reader panics on some malformed input.
		if r := recover(); r != nil {
			sigs, err = nil, fmt.Errorf("%w: không đọc được cấu trúc tệp (%v)", ErrUploadNotPDF, r)
		}
	}()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%w: không đọc được cấu trúc tệp (%v)", ErrUploadNotPDF, err)
	}
	if rd.Trailer().Key("Encrypt").Kind() != pdf.Null {
		return nil, fmt.Errorf("%w: tệp được mã hóa; hãy tải lên bản không đặt mật khẩu", ErrUploadNotPDF)
	}
	// The field tree is walked with bounds, against loops; a signature
	// reached twice is counted once.
	seen := map[[4]int]bool{}
	nodes := 0
	var walk func(fields pdf.Value, ft string, depth int) error
	walk = func(fields pdf.Value, ft string, depth int) error {
		if depth > 32 {
			return nil
		}
		for i := 0; i < fields.Len(); i++ {
			if nodes++; nodes > 100_000 {
				return fmt.Errorf("%w: cây trường biểu mẫu lặp vô hạn", ErrUploadNotPDF)
			}
			f := fields.Index(i)
			if f.Kind() != pdf.Dict {
				continue
			}
			t := ft
			if n := f.Key("FT").Name(); n != "" {
				t = n
			}
			if t == "Sig" && f.Key("V").Kind() == pdf.Dict {
				s, err := readSignature(f)
				if err != nil {
					return err
				}
				if !seen[s.r] {
					seen[s.r] = true
					sigs = append(sigs, s)
				}
			}
			if err := walk(f.Key("Kids"), t, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(rd.Trailer().Key("Root").Key("AcroForm").Key("Fields"), "", 0); err != nil {
		return nil, err
	}
	return sigs, nil
}

// readSignature reads a signature field's dictionary.
func readSignature(f pdf.Value) (*pdfSignature, error) {
	v := f.Key("V")
	s := &pdfSignature{
		field:     f.Key("T").Text(),
		subFilter: v.Key("SubFilter").Name(),
		contents:  []byte(v.Key("Contents").RawString()),
		modified:  v.Key("M").RawString(),
	}
	br := v.Key("ByteRange")
	if br.Kind() != pdf.Array || br.Len() != 4 {
		return nil, fmt.Errorf("%w: %s: /ByteRange không phải mảng 4 số", ErrBadSignature, s.who())
	}
	for i := range 4 {
		x := br.Index(i)
		if x.Kind() != pdf.Integer || x.Int64() < 0 || x.Int64() > 1<<40 {
			return nil, fmt.Errorf("%w: %s: /ByteRange có số hỏng %v", ErrBadSignature, s.who(), x)
		}
		s.r[i] = int(x.Int64())
	}
	return s, nil
}

// verify checks the signature's byte range against the file and its CMS
// (or time-stamp token) over that range.
func (s *pdfSignature) verify(file []byte) error {
	a, b, c, d := s.r[0], s.r[0]+s.r[1], s.r[2], s.r[2]+s.r[3]
	if a != 0 || b < 1 || c < b+2 || d > len(file) {
		return fmt.Errorf("/ByteRange %v không khớp với tệp (%d byte)", s.r, len(file))
	}
	// The one gap is the /Contents string of this very dictionary, so that
	// every other byte up to the range's end is signed.
	if file[b] != '<' || file[c-1] != '>' {
		return fmt.Errorf("khoảng trống của /ByteRange %v không phải chuỗi /Contents", s.r)
	}
	gap, err := hex.DecodeString(string(bytes.Map(func(r rune) rune {
		if strings.ContainsRune(pdfWhiteSpace, r) {
			return -1
		}
		return r
	}, file[b+1:c-1])))
	if err != nil || !bytes.Equal(gap, s.contents) {
		return fmt.Errorf("khoảng trống của /ByteRange %v không phải /Contents của chữ ký", s.r)
	}
	signed := append(append(make([]byte, 0, b+d-c), file[a:b]...), file[c:d]...)
	der := derPrefix(s.contents)

	if s.subFilter == "ETSI.RFC3161" {
		s.docTimeStamp = true
		ts, tsCert, err := verifyTimeStamp(der)
		if err != nil {
			return err
		}
		s.cert, s.at = tsCert, ts.Time
		if !hashEqual(ts.HashAlgorithm, signed, ts.HashedMessage) {
			return errors.New("dấu thời gian không khớp với nội dung tệp")
		}
		return checkValidAt(tsCert, ts.Time)
	}

	p7, err := pkcs7.Parse(der)
	if err != nil {
		return fmt.Errorf("không đọc được CMS: %v", err)
	}
	if len(p7.Signers) != 1 || p7.GetOnlySigner() == nil {
		return fmt.Errorf("CMS có %d người ký hoặc thiếu chứng thư của người ký", len(p7.Signers))
	}
	s.cert = p7.GetOnlySigner()
	switch s.subFilter {
	case "adbe.pkcs7.detached", "ETSI.CAdES.detached", "":
		p7.Content = signed
	case "adbe.pkcs7.sha1":
		sum := sha1.Sum(signed)
		if !bytes.Equal(p7.Content, sum[:]) {
			return errors.New("mã băm SHA-1 trong CMS không khớp với nội dung tệp")
		}
	default:
		return fmt.Errorf("kiểu chữ ký /SubFilter /%s không được hỗ trợ", s.subFilter)
	}

	// When it was signed: a time-stamp token on the signature value,
	// else the signed signing-time attribute, else the dictionary's /M.
	if tok := signatureTimeStampToken(p7); tok != nil {
		ts, _, err := verifyTimeStamp(tok)
		if err != nil {
			return fmt.Errorf("dấu thời gian của chữ ký: %v", err)
		}
		if !hashEqual(ts.HashAlgorithm, p7.Signers[0].EncryptedDigest, ts.HashedMessage) {
			return errors.New("dấu thời gian không phải của giá trị chữ ký này")
		}
		s.at = ts.Time
	} else if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &s.at); err != nil {
		s.at = time.Time{}
		if t, ok := pdfDate(s.modified); ok {
			s.at = t
		}
	}
	at := s.at
	if at.IsZero() {
		at = time.Now()
	}
	if err := checkValidAt(s.cert, at); err != nil {
		return err
	}
	if err := p7.Verify(); err != nil {
		var mismatch *pkcs7.MessageDigestMismatchError
		if errors.As(err, &mismatch) {
			return errors.New("nội dung tệp đã bị thay đổi sau khi ký (mã băm không khớp)")
		}
		return fmt.Errorf("chữ ký không đúng: %v", err)
	}
	return nil
}

// checkValidAt tells whether the certificate was valid at t.
func checkValidAt(c *x509.Certificate, t time.Time) error {
	if t.Before(c.NotBefore) || t.After(c.NotAfter) {
		return fmt.Errorf("chứng thư của %q không có hiệu lực lúc ký (%s; hiệu lực từ %s đến %s)", c.Subject.CommonName,
			t.In(verifyZone).Format("15:04:05 02/01/2006"), c.NotBefore.In(verifyZone).Format("02/01/2006"), c.NotAfter.In(verifyZone).Format("02/01/2006"))
	}
	return nil
}

// verifyZone is Vietnam time, in which messages show times.
var verifyZone = time.FixedZone("ICT", 7*3600)

// verifyTimeStamp parses an RFC 3161 time-stamp token and verifies its
// signature, which needs the authority's certificate in the token.
func verifyTimeStamp(der []byte) (*timestamp.Timestamp, *x509.Certificate, error) {
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, nil, fmt.Errorf("không đọc được dấu thời gian: %v", err)
	}
	c := p7.GetOnlySigner()
	if c == nil {
		return nil, nil, errors.New("dấu thời gian không kèm chứng thư của đơn vị cấp")
	}
	ts, err := timestamp.Parse(der) // verifies the signature when the certificate is there
	if err != nil {
		return nil, nil, fmt.Errorf("dấu thời gian không hợp lệ: %v", err)
	}
	return ts, c, nil
}

// oidSignatureTimeStampToken is id-aa-signatureTimeStampToken (RFC 3161).
var oidSignatureTimeStampToken = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

// signatureTimeStampToken is the time-stamp token among the unsigned
// attributes of the CMS's signer, or nil.
func signatureTimeStampToken(p7 *pkcs7.PKCS7) []byte {
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if !a.Type.Equal(oidSignatureTimeStampToken) {
			continue
		}
		var tok asn1.RawValue // the first value of the attribute's set
		if _, err := asn1.Unmarshal(a.Value.Bytes, &tok); err == nil {
			return tok.FullBytes
		}
	}
	return nil
}

func hashEqual(h crypto.Hash, data, sum []byte) bool {
	if !h.Available() {
		return false
	}
	w := h.New()
	w.Write(data)
	return bytes.Equal(w.Sum(nil), sum)
}

// pdfDate reads a PDF date, D:YYYYMMDDHHmmSSOHH'mm' with any tail left
// out.
func pdfDate(s string) (time.Time, bool) {
	s = strings.TrimPrefix(s, "D:")
	if len(s) < 4 {
		return time.Time{}, false
	}
	num := func(from, n, def int) (int, bool) {
		if len(s) < from+n {
			return def, true
		}
		v, err := strconv.Atoi(s[from : from+n])
		return v, err == nil
	}
	var f [6]int
	for i, p := range [6][3]int{{0, 4, 0}, {4, 2, 1}, {6, 2, 1}, {8, 2, 0}, {10, 2, 0}, {12, 2, 0}} {
		v, ok := num(p[0], p[1], p[2])
		if !ok {
			return time.Time{}, false
		}
		f[i] = v
	}
	loc := time.UTC
	if len(s) > 14 && (s[14] == '+' || s[14] == '-') {
		hh, ok1 := num(15, 2, 0)
		mm, ok2 := num(18, 2, 0)
		if !ok1 || !ok2 {
			return time.Time{}, false
		}
		off := hh*3600 + mm*60
		if s[14] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	return time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], 0, loc), true
}

// certOrg is the organisation named by a certificate.
func certOrg(c *x509.Certificate) string {
	if len(c.Subject.Organization) > 0 {
		return strings.Join(c.Subject.Organization, ", ")
	}
	return strings.Join(c.Subject.OrganizationalUnit, ", ")
}

package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"ictindex/archive"
	"ictindex/report"
	"ictindex/scoring"
)

// Issuer is how this province issues its decisions: the body's key when
// the server signs (nil: the leader signs outside and uploads the signed
// file), the public address the verification QR code links to, the
// register's number suffix and the visible signature's images.
type Issuer struct {
	Signer *report.Signer
	// PublicURL is the web address of the public pages,
	// "https://ictindex.laocai.gov.vn" (no trailing slash).
	PublicURL string
	// Suffix follows the sequence in a number; empty is "QĐ-UBND".
	Suffix string
	// Org is the issuing body shown on the signature; empty is the
	// renderer's default, "Ủy ban nhân dân tỉnh Lào Cai".
	Org string
	// SignatureImage and SealImage are PNGs with transparent backgrounds
	// drawn on the visible signature; both optional.
	SignatureImage, SealImage []byte
}

// Register keeps the year's decision numbers (see archive.Store).
type Register interface {
	ReserveNumber(ctx context.Context, year int, suffix, issuance, by string, at time.Time) (archive.RegisterEntry, error)
	ClaimNumber(ctx context.Context, year int, number, suffix, issuance, by string, at time.Time) (archive.RegisterEntry, error)
}

// Signing modes of an issuance.
const (
	SignServer   = "server"   // signed with the body's key on the server
	SignExternal = "external" // signed by the leader's own tool and uploaded
)

// IssueInput asks for a decision to be issued: numbered, dated, rendered
// and, when the server holds the key, signed and locked.
type IssueInput struct {
	Draft DraftInput `json:"draft"` // what the decision is drawn from
	// Index is the issuance's place in the campaign: 1 the first decision,
	// 2 the first correction, …
	Index int `json:"index"`
	// Number is the clerk's number from the e-office register; empty
	// takes the next of the system's register.
	Number string `json:"number,omitempty"`
	// External leaves signing to the leader's own tool even when the
	// server holds a key.
	External bool   `json:"external,omitempty"`
	By       string `json:"by"`
	// Replaces is the issuance this one corrects, with why.
	Replaces *IssuanceRef `json:"replaces,omitempty"`
	Reason   string       `json:"reason,omitempty"`
}

// IssuanceRef names an earlier issuance.
type IssuanceRef struct {
	Index  int          `json:"index"`
	Number string       `json:"number"`
	Date   scoring.Date `json:"date"`
}

// Issuance is an issued decision as the archive records it
// (IssuanceKey): the public pages and the verification page read it.
type Issuance struct {
	Year       int          `json:"year"`  // the campaign's report year
	Index      int          `json:"index"` // 1, 2, … within the campaign
	Number     string       `json:"number"`
	NumberYear int          `json:"number_year"` // the register's year
	Seq        int          `json:"seq"`
	External   bool         `json:"external_number,omitempty"` // number from the e-office register
	Date       scoring.Date `json:"date"`
	IssuedAt   time.Time    `json:"issued_at"`
	IssuedBy   string       `json:"issued_by"`
	Signer     string       `json:"signer"`
	Title      string       `json:"signer_title"`
	// Issued is the numbered PDF as rendered, before any signature.
	Issued DocumentRef `json:"issued"`
	// Signed is the signed PDF, locked; nil while awaiting the signature.
	Signed      *DocumentRef `json:"signed,omitempty"`
	SignedAt    *time.Time   `json:"signed_at,omitempty"`
	SignMode    string       `json:"sign_mode"`
	Certificate string       `json:"certificate,omitempty"` // the signing certificate's subject
	Results     DocumentRef  `json:"results"`
	Replaces    *IssuanceRef `json:"replaces,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	VerifyURL   string       `json:"verify_url"`
}

// Ref names the issuance for a later one that replaces it.
func (i Issuance) Ref() IssuanceRef {
	return IssuanceRef{Index: i.Index, Number: i.Number, Date: i.Date}
}

// Final is the document that counts: the signed one, or the issued one
// while it awaits its signature.
func (i Issuance) Final() DocumentRef {
	if i.Signed != nil {
		return *i.Signed
	}
	return i.Issued
}

// IssuanceKey is where an issuance's record is archived.
func IssuanceKey(year, index int) string { return fmt.Sprintf("%d/issuances/%03d.json", year, index) }

// IssuedKey is where an issuance's numbered PDF is archived.
func IssuedKey(year, index int) string { return fmt.Sprintf("%d/issued/%03d.pdf", year, index) }

// SignedKey is where an issuance's signed PDF is archived.
func SignedKey(year, index int) string { return fmt.Sprintf("%d/issued/%03d-signed.pdf", year, index) }

// UploadKey is where a signed file uploaded for an issuance waits to be
// verified (by its SHA-256, so uploads never overwrite one another).
func UploadKey(year, index int, sha string) string {
	return fmt.Sprintf("%d/uploads/%03d-%s.pdf", year, index, sha[:min(16, len(sha))])
}

// VerifyPath is the verification page of a number, under the public URL.
func VerifyPath(numberYear, seq int) string { return fmt.Sprintf("/xac-minh/%d/%d", numberYear, seq) }

// issuanceID is what holds a number in the register.
func issuanceID(year, index int) string { return fmt.Sprintf("%d/%d", year, index) }

// IssueDecision numbers, dates and renders the decision; when the server
// signs, it signs it and locks it; the record is archived either way. A
// retry gets the same number and date back from the register.
func (a *Activities) IssueDecision(ctx context.Context, in IssueInput) (Issuance, error) {
	iss := a.Issuer
	if iss == nil {
		iss = &Issuer{}
	}
	if a.Register == nil {
		return Issuance{}, errors.New("no register of decision numbers is configured")
	}
	if in.Index < 1 {
		return Issuance{}, invalid(errors.New("issuance index must be 1 or more"))
	}
	serverSigns := iss.Signer != nil && !in.External
	now := time.Now().In(scoring.Vietnam)
	id := issuanceID(in.Draft.Year, in.Index)
	var (
		entry archive.RegisterEntry
		err   error
	)
	if strings.TrimSpace(in.Number) != "" {
		entry, err = a.Register.ClaimNumber(ctx, now.Year(), in.Number, iss.Suffix, id, in.By, now)
		if errors.Is(err, archive.ErrBadNumber) || errors.Is(err, archive.ErrNumberTaken) {
			return Issuance{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrInvalidInput, err, numberMessage(err))
		}
	} else {
		entry, err = a.Register.ReserveNumber(ctx, now.Year(), iss.Suffix, id, in.By, now)
	}
	if err != nil {
		return Issuance{}, err
	}
	reserved := entry.ReservedAt.In(scoring.Vietnam)
	in.Draft.Decision.Number, in.Draft.Decision.Date, in.Draft.Draft = entry.Number, scoring.DateOf(reserved), false
	d, err := a.decision(ctx, in.Draft)
	if err != nil {
		return Issuance{}, err
	}
	rec := Issuance{Year: in.Draft.Year, Index: in.Index, Number: entry.Number, NumberYear: entry.Year, Seq: entry.Seq,
		External: entry.External, Date: scoring.DateOf(reserved), IssuedAt: reserved, IssuedBy: in.By,
		Signer: d.Signer, Title: d.SignerTitle, Results: in.Draft.Results, Replaces: in.Replaces, Reason: in.Reason,
		SignMode: SignExternal}
	if iss.PublicURL != "" {
		rec.VerifyURL = strings.TrimRight(iss.PublicURL, "/") + VerifyPath(entry.Year, entry.Seq)
	}
	d.VerifyURL = rec.VerifyURL
	if in.Replaces != nil {
		d.Replaces = &report.Replaced{Number: in.Replaces.Number, Date: in.Replaces.Date}
	}
	signedAt := now.Truncate(time.Second)
	if serverSigns {
		d.Stamp = &report.Stamp{Name: d.Signer, Title: stampTitle(d.SignerTitle), Org: iss.Org, At: signedAt,
			SignatureImage: iss.SignatureImage, SealImage: iss.SealImage}
	}
	pdf, place, err := report.RenderPlaced(d)
	if err != nil {
		return Issuance{}, invalid(err)
	}
	if rec.Issued, err = a.Archive.PutDocument(ctx, IssuedKey(rec.Year, rec.Index), pdf, "application/pdf", false); err != nil {
		return Issuance{}, err
	}
	if serverSigns {
		signed, err := report.Sign(pdf, iss.Signer, report.SignOptions{Name: d.Signer, Time: signedAt, Place: &place,
			Reason: signReason(rec)})
		if err != nil {
			return Issuance{}, invalid(err)
		}
		ref, err := a.Archive.PutDocument(ctx, SignedKey(rec.Year, rec.Index), signed, "application/pdf", true)
		if err != nil {
			return Issuance{}, err
		}
		rec.Signed, rec.SignedAt, rec.SignMode = &ref, &signedAt, SignServer
		rec.Certificate = iss.Signer.Cert.Subject.String()
	}
	if err := a.putIssuance(ctx, rec); err != nil {
		return Issuance{}, err
	}
	return rec, nil
}

// AttachSignedInput is a signed file the leader uploaded for an issuance
// awaiting its signature.
type AttachSignedInput struct {
	Issuance Issuance    `json:"issuance"`
	Upload   DocumentRef `json:"upload"`
	By       string      `json:"by"`
}

// AttachSigned checks an uploaded signed file against the issued PDF
// (report.VerifySigned: a valid signature over the whole file, whose
// signed content is exactly what was issued), then locks it as the
// issuance's signed decision. A refusal is final for that file and says
// why, in Vietnamese; nothing is changed.
func (a *Activities) AttachSigned(ctx context.Context, in AttachSignedInput) (Issuance, error) {
	rec := in.Issuance
	issued, err := a.Archive.GetDocument(ctx, rec.Issued.Key, rec.Issued.VersionID)
	if err != nil {
		return Issuance{}, fmt.Errorf("reading the issued decision: %w", err)
	}
	up, err := a.Archive.GetDocument(ctx, in.Upload.Key, in.Upload.VersionID)
	if err != nil {
		return Issuance{}, fmt.Errorf("reading the upload: %w", err)
	}
	info, err := report.VerifySigned(issued, up)
	if err != nil {
		return Issuance{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrSignatureRefused, err)
	}
	if err := a.Archive.LockDocument(ctx, in.Upload.Key, in.Upload.VersionID); err != nil {
		return Issuance{}, err
	}
	at := info.SigningTime.In(scoring.Vietnam)
	ref := in.Upload
	rec.Signed, rec.SignedAt, rec.SignMode = &ref, &at, SignExternal
	if info.Certificate != nil {
		rec.Certificate = info.Certificate.Subject.String()
	}
	if err := a.putIssuance(ctx, rec); err != nil {
		return Issuance{}, err
	}
	return rec, nil
}

// ErrSignatureRefused is the error type of an uploaded signed file that
// does not pass verification.
const ErrSignatureRefused = "SignatureRefused"

// putIssuance archives the record; a signed one is locked.
func (a *Activities) putIssuance(ctx context.Context, rec Issuance) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	_, err = a.Archive.PutDocument(ctx, IssuanceKey(rec.Year, rec.Index), data, "application/json", rec.Signed != nil)
	return err
}

func numberMessage(err error) string {
	if errors.Is(err, archive.ErrNumberTaken) {
		return "Số quyết định đã được cấp cho văn bản khác trong năm"
	}
	return "Số quyết định không đúng dạng"
}

// stampTitle is the signer's title on one line, in sentence case:
// "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" → "Phó Chủ tịch".
func stampTitle(block string) string {
	lines := strings.Split(block, "\n")
	t := strings.TrimSpace(lines[len(lines)-1])
	if t == "" {
		t = report.DefaultSignerTitle
	}
	r := []rune(strings.ToLower(t))
	if len(r) > 0 {
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
	}
	out := string(r)
	return strings.ReplaceAll(out, "chủ tịch", "Chủ tịch")
}

func signReason(rec Issuance) string {
	if rec.Replaces != nil {
		return "Ký ban hành quyết định " + rec.Number + " thay thế quyết định " + rec.Replaces.Number
	}
	return "Ký ban hành quyết định " + rec.Number
}

package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"ictindex/scoring"
)

// Decision is what the People's Committee's decision announcing a
// campaign's results is drawn from.
type Decision struct {
	// Number is the registered number, "123/QĐ-UBND"; a number below 10 gets
	// a leading zero. Empty leaves room to write it in by hand.
	Number string
	// Place is where it is issued ("Lào Cai").
	Place string
	// Date is the day it is signed; it also fixes the PDF's creation date.
	// Zero leaves the day blank.
	Date scoring.Date
	// Signer is the name under the signature.
	Signer string
	// SignerTitle is the signer's title under "TM. ỦY BAN NHÂN DÂN"
	// ("CHỦ TỊCH", or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH").
	SignerTitle string
	// Recipients are the "Nơi nhận" lines, "- Như Điều 3;" … "- Lưu: VT, …".
	Recipients []string
	// Results are the scored sheets and rankings.
	Results *scoring.Results
	// Sets are the criteria sets by annex ("PL01"), for group headings and
	// deduction titles; a missing set leaves those to the sheet's own text.
	Sets map[string]*scoring.Set
	// Evidence lists each unit's evidence files by unit code.
	Evidence map[string][]EvidenceItem
	// Objections lists each unit's objections to its preliminary result,
	// with their answers, by unit code; each is printed after the unit's
	// score sheet.
	Objections map[string][]ObjectionNote

	// Draft marks the unissued draft: "DỰ THẢO" across every page, and
	// the number and date left blank whatever Number and Date say.
	Draft bool
	// Replaces names the decision this one corrects and replaces; nil for
	// a first issuance.
	Replaces *Replaced
	// VerifyURL is the public verification page of this decision; when
	// set, the last page carries it as a QR code and as text.
	VerifyURL string
	// Stamp is the visible appearance of the signature, drawn on the
	// signature block; nil leaves the block as for a hand signature.
	Stamp *Stamp
}

// EvidenceItem is one evidence file a unit attached to a criterion, as the
// archive keeps it: the bytes stay there, the decision lists name, size
// and SHA-256.
type EvidenceItem struct {
	Criterion string `json:"criterion"`
	FileName  string `json:"file_name"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`
}

// ObjectionNote is a unit's objection to its preliminary result and the
// department's answer, as the score sheet prints them.
type ObjectionNote struct {
	ID          int       `json:"id"`
	At          time.Time `json:"at"`
	By          string    `json:"by"`
	Target      string    `json:"target"` // in words: "Tiêu chí III.4", "Trừ điểm nộp muộn"
	Ask         string    `json:"ask,omitempty"`
	Explanation string    `json:"explanation"`
	Files       int       `json:"files,omitempty"`
	Answered    bool      `json:"answered"`
	Accepted    bool      `json:"accepted"`
	Reason      string    `json:"reason,omitempty"`
	AnsweredBy  string    `json:"answered_by,omitempty"`
	AnsweredAt  time.Time `json:"answered_at,omitzero"`
	// Change is "74,64 → 76,14" when the answer changed the final score.
	Change string `json:"change,omitempty"`
}

// Defaults used when a field is left empty.
const (
	DefaultPlace       = "Lào Cai"
	DefaultSignerTitle = "CHỦ TỊCH"
	// signerOrg is the "on behalf of" line above the signer's title.
	signerOrg = "TM. ỦY BAN NHÂN DÂN"
	// province is the province of Decision 3299/QĐ-UBND.
	province = "Lào Cai"
)

// DefaultRecipients are the usual "Nơi nhận" of the decision.
func DefaultRecipients() []string {
	return []string{
		"- Như Điều 3;",
		"- TT. TU, HĐND, UBND tỉnh;",
		"- Bộ Thông tin và Truyền thông (b/c);",
		"- Lãnh đạo Văn phòng UBND tỉnh;",
		"- Cổng Thông tin điện tử tỉnh;",
		"- Lưu: VT, KSTT.",
	}
}

// NewDecision returns a decision for the results with the defaults filled
// in: place, signer's title, recipients. The number, date and signer are
// left for the caller.
func NewDecision(res *scoring.Results, sets map[string]*scoring.Set) *Decision {
	d := &Decision{Results: res, Sets: sets}
	d.SetDefaults()
	return d
}

// SetDefaults fills the empty fields that have a default.
func (d *Decision) SetDefaults() {
	if d.Place == "" {
		d.Place = DefaultPlace
	}
	if d.SignerTitle == "" {
		d.SignerTitle = DefaultSignerTitle
	}
	if len(d.Recipients) == 0 {
		d.Recipients = DefaultRecipients()
	}
}

// year is the report year of the results.
func (d *Decision) year() int {
	if d.Results.Year != 0 {
		return d.Results.Year
	}
	return d.Results.Settings.Year
}

// created is the fixed creation date of the PDF: the decision's date, or 1
// January after the report year when the date is left blank.
func (d *Decision) created() time.Time {
	day := d.Date
	if day.IsZero() {
		day = scoring.Date{Year: d.year() + 1, Month: 1, Day: 1}
	}
	return time.Date(day.Year, time.Month(day.Month), day.Day, 8, 0, 0, 0, time.UTC)
}

// ErrNoResults is returned by Render for a decision without results.
var ErrNoResults = errors.New("report: the decision has no results")

// Render draws the decision and its appendices as a PDF. The same decision
// always gives the same bytes. The decision itself is not modified.
func Render(d *Decision) ([]byte, error) {
	pdf, _, err := RenderPlaced(d)
	return pdf, err
}

// RenderPlaced draws the decision as Render does, the same bytes, and
// also says where the signature's stamp was drawn: its page and its
// rectangle in PDF points from the page's lower-left corner. Without a
// Stamp it is the space left for the signature on the signature block,
// where a visible signature's widget belongs.
func RenderPlaced(d *Decision) ([]byte, SignaturePlace, error) {
	doc, place, err := render(d)
	if err != nil {
		return nil, SignaturePlace{}, err
	}
	out := bytes.NewBuffer(make([]byte, 0, doc.size))
	if err := doc.writeTo(out); err != nil {
		return nil, SignaturePlace{}, fmt.Errorf("report: writing the PDF: %w", err)
	}
	return out.Bytes(), place, nil
}

// RenderTo draws the decision as Render does and writes the PDF to w, the
// same bytes as Render returns, without holding the whole file in memory.
// Nothing is written when the decision cannot be drawn; when w fails,
// what was written is incomplete.
func RenderTo(w io.Writer, d *Decision) error {
	doc, _, err := render(d)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := doc.writeTo(bw); err != nil {
		return fmt.Errorf("report: writing the PDF: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: writing the PDF: %w", err)
	}
	return nil
}

// render draws the decision and closes fpdf's document, ready to be
// written; it also returns where the signature's stamp is.
func render(d *Decision) (*document, SignaturePlace, error) {
	if d == nil || d.Results == nil {
		return nil, SignaturePlace{}, ErrNoResults
	}
	dd := *d
	dd.SetDefaults()
	if y := dd.year(); y < 1900 || y > 9999 {
		return nil, SignaturePlace{}, fmt.Errorf("report: report year %d is out of range", y)
	}
	created := dd.created()
	if dd.Draft {
		// A draft is numbered and dated when it is issued.
		dd.Number, dd.Date = "", scoring.Date{}
	}
	w := newWriter(created)
	if dd.Draft {
		w.watermark = watermarkText
	}
	r := &renderer{w: w, d: &dd}
	if err := r.prepareStamp(); err != nil {
		return nil, SignaturePlace{}, err
	}
	r.plan()
	r.metadata()
	r.decision()
	for i := range r.rankings {
		r.rankingAppendix(&r.rankings[i])
	}
	r.compareAppendix()
	r.sheetsAppendix()
	r.verification()
	w.finish()
	if err := w.err(); err != nil {
		return nil, SignaturePlace{}, fmt.Errorf("report: drawing the PDF: %w", err)
	}
	doc, err := w.document()
	if err != nil {
		return nil, SignaturePlace{}, fmt.Errorf("report: writing the PDF: %w", err)
	}
	return doc, r.place, nil
}

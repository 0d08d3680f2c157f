package report

import (
	"time"

	"ictindex/scoring"
)

// SignaturePlace is where the visible signature of an issued decision
// sits: a page (1-based) and a rectangle in PDF points measured from the
// page's lower-left corner, as a signature widget's /Rect is.
type SignaturePlace struct {
	Page               int
	LLX, LLY, URX, URY float64
}

// Stamp is the visible appearance of the issuing body's digital signature,
// drawn on the signature block as Appendix I of Decree 30/2020/NĐ-CP sets
// out: who signed, their title and body, and when.
type Stamp struct {
	Name  string // the signer ("Trịnh Xuân Trường")
	Title string // the signer's title ("Chủ tịch")
	Org   string // the issuing body ("Ủy ban nhân dân tỉnh Lào Cai")
	// At is the signing time, shown in Vietnam time with seconds.
	At time.Time
	// SignatureImage is the signer's handwritten signature, PNG with a
	// transparent background; optional.
	SignatureImage []byte
	// SealImage is the body's seal, PNG with a transparent background,
	// laid over the left third of the signature; optional.
	SealImage []byte
}

// Replaced names the decision that a corrected decision replaces.
type Replaced struct {
	Number string       // "05/QĐ-UBND"
	Date   scoring.Date // its issue date
}

package api

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ictindex/api/apitest"
	"ictindex/archive"
	"ictindex/report"
	"ictindex/workflows"
)

// drafted opens a campaign of two sample units, closes it at once (both
// become non-submitters) and waits for the draft decision.
func drafted(t *testing.T, year int) {
	t.Helper()
	openCampaign(t, year, time.Now().Add(10*time.Minute), unitA, unitB)
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhaseDrafted)
}

func pdfBody(b []byte) payload { return payload{R: bytes.NewReader(b), CType: "application/pdf"} }

// poppler runs a poppler tool on the PDF and returns its output.
func poppler(t *testing.T, tool string, doc []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath(tool)
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s (poppler-utils) is not installed", tool)
		}
		t.Fatalf("%s (poppler-utils) is required in CI", tool)
	}
	p := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(p, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append(args, p, "-")...) // pdftotext writes to stdout
	if tool == "pdfsig" {
		cmd = exec.Command(bin, p)
	}
	out, _ := cmd.CombinedOutput()
	return string(out)
}

var numberRe = regexp.MustCompile(`^\d{2,}/QĐ-UBND$`)

// TestIssuanceServerSigned: the leader's approval numbers, dates, signs
// and locks the decision; the draft stays beside it, unnumbered.
func TestIssuanceServerSigned(t *testing.T) {
	needStack(t)
	const year = 2034
	drafted(t, year)
	draft := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/draft.pdf", payload{}, nil)
	if txt := poppler(t, "pdftotext", draft, "-f", "1", "-l", "1"); !strings.Contains(txt, "DỰ THẢO") || strings.Contains(txt, "15/QĐ-UBND") {
		t.Errorf("draft page 1 lacks the draft mark or has a number:\n%s", txt)
	}
	var cs workflows.CampaignStatus
	as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/publish", jsonBody(map[string]string{"note": "Đồng ý"}), &cs)
	if cs.Phase != workflows.PhasePublished || len(cs.Issuances) != 1 {
		t.Fatalf("after approval: %s, %d issuances", cs.Phase, len(cs.Issuances))
	}
	is := cs.Issuances[0]
	if !numberRe.MatchString(is.Number) || is.Signed == nil || is.SignMode != "server" || is.VerifyURL == "" {
		t.Fatalf("issuance: %+v", is)
	}
	signed := as(uLeader).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/decision.pdf", payload{}, nil)
	if rep := poppler(t, "pdfsig", signed); !strings.Contains(rep, "Signature is Valid") {
		t.Errorf("pdfsig:\n%s", rep)
	}
	p1 := poppler(t, "pdftotext", signed, "-f", "1", "-l", "1")
	month := fmt.Sprint(is.Date.Month) // the decision's form: "tháng 01", "tháng 02", "tháng 3"…
	if is.Date.Month < 3 {
		month = fmt.Sprintf("%02d", is.Date.Month)
	}
	day := fmt.Sprintf("ngày %02d tháng %s năm %d", is.Date.Day, month, is.Date.Year)
	if !strings.Contains(p1, is.Number) || !strings.Contains(p1, day) {
		t.Errorf("page 1 lacks number %s or date %s:\n%s", is.Number, is.Date, p1)
	}
	if strings.Contains(p1, "DỰ THẢO") {
		t.Error("the issued decision carries the draft mark")
	}
	doc, err := env.store.StatDocument(t.Context(), is.Signed.Key, is.Signed.VersionID)
	if err != nil || !doc.Locked {
		t.Errorf("signed decision not locked: %+v, %v", doc, err)
	}
	// The draft is still there, unnumbered.
	again := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/draft.pdf", payload{}, nil)
	if !bytes.Equal(again, draft) {
		t.Error("the draft changed at issuance")
	}
	// The department's results workbook: a ranking per annex, points per criterion.
	xl := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/results.xlsx", payload{}, nil)
	wb, err := excelize.OpenReader(bytes.NewReader(xl))
	if err != nil {
		t.Fatalf("results.xlsx: %v", err)
	}
	if got := wb.GetSheetList(); len(got) != 2 || got[0] != "Xếp hạng PL01" || got[1] != "Điểm chi tiết" {
		t.Errorf("results.xlsx sheets: %v", got)
	}
	rows, _ := wb.GetRows("Xếp hạng PL01")
	if len(rows) != 3 || rows[1][0] != "không gửi báo cáo" {
		t.Errorf("ranking sheet: %v", rows)
	}
	// Approving again is refused.
	if code, _, _ := as(uLeader).Send(t, "POST", "/api/campaigns/"+itoa(year)+"/publish", payload{}); code < 400 {
		t.Errorf("second approval: %d", code)
	}
}

// TestIssuanceRace: two campaigns approved at the same moment get two
// consecutive numbers, never the same one.
func TestIssuanceRace(t *testing.T) {
	needStack(t)
	years := []int{2035, 2036}
	for _, y := range years {
		drafted(t, y)
	}
	got := make([]workflows.CampaignStatus, len(years))
	var wg sync.WaitGroup
	for i, y := range years {
		wg.Add(1)
		go func() {
			defer wg.Done()
			as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(y)+"/publish", payload{}, &got[i])
		}()
	}
	wg.Wait()
	a, b := got[0].Issuances[0], got[1].Issuances[0]
	if a.Number == b.Number || a.NumberYear != b.NumberYear || (a.Seq-b.Seq != 1 && b.Seq-a.Seq != 1) {
		t.Errorf("racing issuances got %s and %s", a.Number, b.Number)
	}
}

// TestIssuanceExternalSignature: the leader signs outside the system; only
// a valid signature over exactly the issued file is accepted.
func TestIssuanceExternalSignature(t *testing.T) {
	needStack(t)
	const year = 2037
	drafted(t, year)
	base := "/api/campaigns/" + itoa(year)
	leader := as(uLeader)
	// A malformed e-office number is refused, nothing is issued.
	_, body, _ := leader.Send(t, "POST", base+"/publish", jsonBody(map[string]any{"external": true, "number": "7/QĐ"}))
	if e := apiError(t, body); e == nil || !strings.Contains(e.Message, "QĐ-UBND") {
		t.Fatalf("malformed number: %s", body)
	}
	var cs workflows.CampaignStatus
	leader.Must(t, http.StatusOK, "POST", base+"/publish", jsonBody(map[string]any{"external": true, "number": "907/QĐ-UBND"}), &cs)
	if cs.Phase != workflows.PhaseSigning || len(cs.Issuances) != 1 || cs.Issuances[0].Number != "907/QĐ-UBND" {
		t.Fatalf("after approval: %s %+v", cs.Phase, cs.Issuances)
	}
	issued := leader.Must(t, http.StatusOK, "GET", base+"/issued.pdf", payload{}, nil)
	draft := leader.Must(t, http.StatusOK, "GET", base+"/draft.pdf", payload{}, nil)
	signer, err := apitest.NewSigner("Trịnh Xuân Trường")
	if err != nil {
		t.Fatal(err)
	}
	sign := func(b []byte) []byte {
		out, err := report.Sign(b, signer, report.SignOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	good := sign(issued)
	broken := append([]byte{}, good...)
	broken[len(issued)/2] ^= 1
	modified := append(append([]byte{}, good...), []byte("\n1000 0 obj\n<< /Note (sửa sau khi ký) >>\nendobj\n%%EOF\n")...)
	for name, b := range map[string][]byte{
		"unsigned": issued, "non-PDF": []byte("\x89PNG\r\n\x1a\nnot a pdf"), "other content": sign(draft),
		"broken signature": broken, "modified after signing": modified,
	} {
		code, body, _ := leader.Send(t, "POST", base+"/signed", pdfBody(b))
		if code < 400 || code >= 500 {
			t.Errorf("%s: %d %s", name, code, body)
			continue
		}
		if e := apiError(t, body); e == nil || e.Message == "" {
			t.Errorf("%s: no reason: %s", name, body)
		}
		var st workflows.CampaignStatus
		leader.Must(t, http.StatusOK, "GET", base, payload{}, &st)
		if st.Phase != workflows.PhaseSigning || st.Issuances[0].Signed != nil {
			t.Errorf("%s changed the campaign: %s", name, st.Phase)
		}
	}
	leader.Must(t, http.StatusOK, "POST", base+"/signed", pdfBody(good), &cs)
	if cs.Phase != workflows.PhasePublished || cs.Issuances[0].Signed == nil || cs.Issuances[0].SignMode != "external" {
		t.Fatalf("after the signed upload: %s %+v", cs.Phase, cs.Issuances)
	}
	got := leader.Must(t, http.StatusOK, "GET", base+"/decision.pdf", payload{}, nil)
	if !bytes.Equal(got, good) {
		t.Error("the published decision is not the uploaded signed file")
	}
	// The e-office number is now taken for this year.
	if _, err := env.store.ClaimNumber(t.Context(), cs.Issuances[0].NumberYear, "907/QĐ-UBND", "", "x/1", "t", time.Now()); err == nil {
		t.Error("the claimed number could be claimed again")
	} else if !strings.Contains(err.Error(), archive.ErrNumberTaken.Error()) {
		t.Errorf("claiming again: %v", err)
	}
}

package pages

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The public pages: no login. Only published campaigns are ever shown:
// each year's ranking per annex and its signed decision, and the
// verification page the QR code on a decision links to.

// publicRoutes registers the public pages on the engine, outside login.
func (w *web) publicRoutes(e *gin.Engine) {
	e.GET("/cong-khai", w.publicYears)
	e.GET("/cong-khai/:year", w.publicYear)
	e.GET("/cong-khai/:year/quyet-dinh.pdf", w.publicDecision)
	e.GET("/cong-khai/:year/quyet-dinh/:index", w.publicIssuance)
	e.GET("/xac-minh/:ny/:seq", w.verifyPage)
	e.POST("/xac-minh/:ny/:seq", w.verifySubmit)
}

type publicYearLine struct {
	Year   int
	Number string
	Date   string
}

type publicYearsData struct {
	base
	Years []publicYearLine
}

// publicYears lists the published years, newest first.
func (w *web) publicYears(c *gin.Context) {
	lines, err := w.campaignLines(c.Request.Context())
	if err != nil {
		w.failPage(c, err)
		return
	}
	d := publicYearsData{base: w.base(c, "Kết quả đánh giá đã công bố")}
	for _, l := range lines {
		if l.Phase != workflows.PhasePublished {
			continue
		}
		pl := publicYearLine{Year: l.Year}
		if st, err := w.s.Campaign(c.Request.Context(), l.Year); err == nil {
			if is := st.Current(); is != nil {
				pl.Number, pl.Date = is.Number, is.Date.String()
			}
		}
		d.Years = append(d.Years, pl)
	}
	sort.Slice(d.Years, func(i, j int) bool { return d.Years[i].Year > d.Years[j].Year })
	w.render(c, http.StatusOK, "public-years", d)
}

// published reads the published campaign of the path's year; anything
// else is "not found", so that nothing unpublished shows, not even that it
// exists.
func (w *web) published(c *gin.Context) (workflows.CampaignStatus, bool) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil {
		w.errorPage(c, http.StatusNotFound, "Không có trang này")
		return workflows.CampaignStatus{}, false
	}
	st, err := w.s.Campaign(c.Request.Context(), year)
	if err != nil || st.Phase != workflows.PhasePublished || st.Decision == nil || st.Results == nil {
		w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Chưa có kết quả công bố của năm %d", year))
		return st, false
	}
	return st, true
}

type publicYearData struct {
	base
	Year      int
	Issuance  *activities.Issuance
	Earlier   []publicIssuance // the decisions it replaced, newest first
	Published string
	Rankings  []publicRanking
	SHA256    string
	Size      int64
}

type publicRanking struct {
	Annex, Title string
	Rows         []scoring.RankRow
}

// publicYear is a published year: its decision and rankings.
func (w *web) publicYear(c *gin.Context) {
	st, ok := w.published(c)
	if !ok {
		return
	}
	year := st.Year
	raw, err := w.s.Archive().GetDocument(c.Request.Context(), st.Results.Key, st.Results.VersionID)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var res scoring.Results
	if err := json.Unmarshal(raw, &res); err != nil {
		w.failPage(c, err)
		return
	}
	d := publicYearData{base: w.base(c, fmt.Sprintf("Kết quả đánh giá năm %d", year)), Year: year, Issuance: st.Current(), Earlier: earlier(st),
		SHA256: st.Decision.SHA256, Size: st.Decision.Size}
	for _, e := range st.History {
		if e.Action == "ban hành quyết định" {
			d.Published = e.At.In(scoring.Vietnam).Format("02/01/2006")
		}
	}
	for _, r := range res.Rankings {
		d.Rankings = append(d.Rankings, publicRanking{Annex: r.Annex, Title: annexTitle(r.Annex), Rows: r.Rows})
	}
	w.render(c, http.StatusOK, "public-year", d)
}

func annexTitle(annex string) string {
	switch annex {
	case "PL01":
		return "Các sở, ban, ngành"
	case "PL02":
		return "UBND các huyện, thành phố"
	}
	return "Phụ lục " + annex
}

// publicDecision serves a published year's signed decision.
func (w *web) publicDecision(c *gin.Context) {
	st, ok := w.published(c)
	if !ok {
		return
	}
	name := fmt.Sprintf("quyet-dinh-%d.pdf", st.Year)
	if is := st.Current(); is != nil {
		name = decisionFileName(is)
	}
	w.sendPDF(c, *st.Decision, name)
}

// decisionFileName is a signed decision's download name: "quyet-dinh-05-2027.pdf".
func decisionFileName(is *activities.Issuance) string {
	return fmt.Sprintf("quyet-dinh-%s-%d.pdf", strings.SplitN(is.Number, "/", 2)[0], is.NumberYear)
}

// sendPDF serves an archived PDF as a download named name.
func (w *web) sendPDF(c *gin.Context, ref activities.DocumentRef, name string) {
	data, err := w.s.Archive().GetDocument(c.Request.Context(), ref.Key, ref.VersionID)
	if err != nil {
		w.failPage(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", data)
}

type verifyData struct {
	base
	Issuance *activities.Issuance
	// ReplacedBy is the decision that replaced this one, if any.
	ReplacedBy *activities.Issuance
	Signed     activities.DocumentRef
	Action     string
	Checked    bool
	Match      bool
	Given      string
	SignedAt   string
}

// verifyFind resolves /xac-minh/<year>/<seq> to an issued, signed and
// published decision.
func (w *web) verifyFind(c *gin.Context) (*activities.Issuance, workflows.CampaignStatus, bool) {
	ny, err1 := strconv.Atoi(c.Param("ny"))
	seq, err2 := strconv.Atoi(c.Param("seq"))
	if err1 != nil || err2 != nil {
		w.errorPage(c, http.StatusNotFound, "Không có trang này")
		return nil, workflows.CampaignStatus{}, false
	}
	notFound := func() (*activities.Issuance, workflows.CampaignStatus, bool) {
		w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Không có quyết định số %02d năm %d do hệ thống ban hành", seq, ny))
		return nil, workflows.CampaignStatus{}, false
	}
	e, err := w.s.Archive().RegisterEntry(c.Request.Context(), ny, seq)
	if errors.Is(err, archive.ErrNotFound) {
		return notFound()
	}
	if err != nil {
		w.failPage(c, err)
		return nil, workflows.CampaignStatus{}, false
	}
	var year, index int
	if _, err := fmt.Sscanf(e.Issuance, "%d/%d", &year, &index); err != nil {
		return notFound()
	}
	st, err := w.s.Campaign(c.Request.Context(), year)
	if err != nil || st.Phase != workflows.PhasePublished {
		return notFound()
	}
	for i := range st.Issuances {
		if is := st.Issuances[i]; is.Index == index && is.Signed != nil {
			return &is, st, true
		}
	}
	return notFound()
}

func (w *web) verifyPage(c *gin.Context) {
	is, st, ok := w.verifyFind(c)
	if !ok {
		return
	}
	w.render(c, http.StatusOK, "verify", newVerifyData(w.base(c, "Xác minh quyết định "+is.Number), is, st, c.Request.URL.Path))
}

func newVerifyData(b base, is *activities.Issuance, st workflows.CampaignStatus, action string) verifyData {
	d := verifyData{base: b, Issuance: is, ReplacedBy: st.ReplacedBy(is.Index), Signed: *is.Signed, Action: action}
	if is.SignedAt != nil {
		d.SignedAt = is.SignedAt.In(scoring.Vietnam).Format("02/01/2006 15:04:05 -07:00")
	}
	return d
}

// verifySubmit compares an uploaded file, or a pasted SHA-256, with the
// signed decision.
func (w *web) verifySubmit(c *gin.Context) {
	is, st, ok := w.verifyFind(c)
	if !ok {
		return
	}
	d := newVerifyData(w.base(c, "Xác minh quyết định "+is.Number), is, st, c.Request.URL.Path)
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<20)
	sum := strings.ToLower(strings.TrimSpace(c.PostForm("hash")))
	if f, _, err := c.Request.FormFile("file"); err == nil {
		h := sha256.New()
		_, cerr := io.Copy(h, f)
		f.Close()
		if cerr != nil {
			d.Error = "Không đọc được tệp tải lên (tối đa 64 MB)"
			w.render(c, http.StatusBadRequest, "verify", d)
			return
		}
		sum = hex.EncodeToString(h.Sum(nil))
	}
	if len(sum) != 64 || strings.Trim(sum, "0123456789abcdef") != "" {
		d.Error = "Hãy chọn tệp PDF cần xác minh, hoặc dán mã SHA-256 gồm 64 ký tự 0–9, a–f"
		w.render(c, http.StatusUnprocessableEntity, "verify", d)
		return
	}
	d.Checked, d.Given, d.Match = true, sum, sum == is.Signed.SHA256
	w.render(c, http.StatusOK, "verify", d)
}

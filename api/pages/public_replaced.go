package pages

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ictindex/workflows"
)

// A published year's replaced decisions: listed on its public page under
// the one in force, each still downloadable and verifiable.

// publicIssuance is a replaced decision on the public page.
type publicIssuance struct {
	Number, Date       string
	ReplacedBy, Reason string // the decision that replaced it, and why
	Href, VerifyURL    string
}

// earlier lists the signed decisions replaced by a later one, newest first.
func earlier(st workflows.CampaignStatus) []publicIssuance {
	var out []publicIssuance
	for i := len(st.Issuances) - 1; i >= 0; i-- {
		is := st.Issuances[i]
		by := st.ReplacedBy(is.Index)
		if is.Signed == nil || by == nil {
			continue
		}
		out = append(out, publicIssuance{Number: is.Number, Date: is.Date.String(), ReplacedBy: by.Number, Reason: by.Reason,
			Href: fmt.Sprintf("/cong-khai/%d/quyet-dinh/%d", st.Year, is.Index), VerifyURL: is.VerifyURL})
	}
	return out
}

// publicIssuance serves one signed decision of a published year, the one
// in force or one it replaced.
func (w *web) publicIssuance(c *gin.Context) {
	st, ok := w.published(c)
	if !ok {
		return
	}
	index, _ := strconv.Atoi(c.Param("index"))
	if index < 1 || index > len(st.Issuances) || st.Issuances[index-1].Signed == nil {
		w.errorPage(c, http.StatusNotFound, "Không có quyết định này")
		return
	}
	is := st.Issuances[index-1]
	w.sendPDF(c, *is.Signed, decisionFileName(&is))
}

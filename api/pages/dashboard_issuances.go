package pages

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/workflows"
)

// The dashboard's issuances: the decision in force, the ones it replaced
// and a correction awaiting its signature, each with its PDF; the
// leader's corrected decision and the admin's closing of the year.

// issuanceLine is one issuance on the dashboard.
type issuanceLine struct {
	Index          int
	Number, Date   string
	State, Reason  string
	Replaces, Href string
	InForce        bool
}

// issuanceLines lists a campaign's issuances, the first first.
func issuanceLines(st workflows.CampaignStatus) []issuanceLine {
	cur := st.Current()
	var out []issuanceLine
	for _, is := range st.Issuances {
		l := issuanceLine{Index: is.Index, Number: is.Number, Date: is.Date.String(), Reason: is.Reason,
			Href: fmt.Sprintf("/api/campaigns/%d/issuances/%d/decision.pdf", st.Year, is.Index)}
		if is.Replaces != nil {
			l.Replaces = is.Replaces.Number
		}
		switch by := st.ReplacedBy(is.Index); {
		case is.Signed == nil:
			l.State = "đã cấp số, chờ ký số"
		case by != nil:
			l.State = "đã được thay thế bởi Quyết định số " + by.Number
		case cur != nil && cur.Index == is.Index:
			l.State, l.InForce = "đang có hiệu lực", true
		default:
			l.State = "đã ký số"
		}
		out = append(out, l)
	}
	return out
}

// reissue is the leader's corrected decision from the dashboard.
func (w *web) reissue(c *gin.Context) {
	args := workflows.ReissueArgs{Reason: strings.TrimSpace(c.PostForm("reason")), Number: strings.TrimSpace(c.PostForm("number")),
		External: c.PostForm("external") == "1"}
	flash := "da-thay-the"
	if args.External {
		flash = "da-cap-so-thay-the"
	}
	w.campaignAction(c, workflows.UpdateReissue, func(by string) any { args.By = by; return args }, flash)
}

// closeYear is the admin's closing of the published year's record.
func (w *web) closeYear(c *gin.Context) {
	w.campaignAction(c, workflows.UpdateCloseYear, func(by string) any { return workflows.ActorArgs{By: by} }, "da-dong-ho-so")
}

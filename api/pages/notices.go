package pages

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
)

// The notices page: what the campaign's notices by e-mail reached, for
// the department. The log is in the users database, so every replica
// shows the same; 20 notices a page, newest first.

// noticesPerPage is how many notices a page shows.
const noticesPerPage = 20

// noticeKinds are the notices' kinds in Vietnamese.
var noticeKinds = map[string]string{
	"reminder":         "Nhắc hạn",
	"revision":         "Yêu cầu bổ sung",
	"deadline_passed":  "Quá hạn",
	"preliminary":      "Kết quả sơ bộ",
	"objection_answer": "Trả lời phản hồi",
	"drafted":          "Dự thảo quyết định",
	"published":        "Ban hành quyết định",
}

// noticeKindLabel names a kind; an unknown one is shown as it is.
func noticeKindLabel(kind string) string {
	if l, ok := noticeKinds[kind]; ok {
		return l
	}
	return kind
}

// noticeRow is one notice of the page.
type noticeRow struct {
	At, Kind, KindLabel, Subject, To string
	Sent, Failed                     int
	Failures                         []noticeFailure
	More                             int // failures not listed
}

// noticeFailure is an address (or a unit without one) not reached.
type noticeFailure struct {
	Unit, Address, Error string
}

func noticeRowOf(n store.NoticeSummary) noticeRow {
	r := noticeRow{At: fmtTime(n.At), Kind: n.Kind, KindLabel: noticeKindLabel(n.Kind), Subject: n.Subject, Sent: n.Sent, Failed: n.Failed}
	switch {
	case n.Unit != "":
		r.To = "Đơn vị " + n.Unit
	case n.Units > 1:
		r.To = strconv.Itoa(n.Units) + " đơn vị"
	default:
		r.To = "Sở (quản trị, thẩm định, lãnh đạo)"
	}
	for _, f := range n.Failures {
		r.Failures = append(r.Failures, noticeFailure{Unit: f.Unit, Address: f.Address, Error: f.Error})
	}
	r.More = n.Failed - len(r.Failures)
	return r
}

func noticesHref(year, n int) string {
	if n <= 1 {
		return fmt.Sprintf("/dot/%d/thong-bao", year)
	}
	return fmt.Sprintf("/dot/%d/thong-bao?trang=%d", year, n)
}

// noticesPage lists the year's notices (?trang=N).
func (w *web) noticesPage(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	cur := 1
	if v := c.Query("trang"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			w.errorPage(c, http.StatusBadRequest, "Số trang «"+v+"» không hợp lệ: dùng số nguyên từ 1")
			return
		}
		cur = n
	}
	log, err := w.s.Users().Notices(c.Request.Context(), year, noticesPerPage, (cur-1)*noticesPerPage)
	if err != nil {
		w.failPage(c, err)
		return
	}
	last := max(1, (log.Total+noticesPerPage-1)/noticesPerPage)
	if cur > last {
		w.errorPage(c, http.StatusNotFound, fmt.Sprintf("Danh sách thông báo năm %d chỉ có %d trang", year, last))
		return
	}
	rows := make([]noticeRow, len(log.Notices))
	for i, n := range log.Notices {
		rows[i] = noticeRowOf(n)
	}
	d := struct {
		base
		Year                int
		Rows                []noticeRow
		Total, Sent, Failed int
		Cur, Last, From, To int
		Prev, Next          string
		Pages               []auditPageLink
	}{base: w.base(c, fmt.Sprintf("Thông báo đã gửi — năm %d", year)), Year: year, Rows: rows, Total: log.Total, Sent: log.Sent, Failed: log.Failed,
		Cur: cur, Last: last, From: (cur-1)*noticesPerPage + 1, To: (cur-1)*noticesPerPage + len(rows)}
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= cur-2 && n <= cur+2) {
			d.Pages = append(d.Pages, auditPageLink{N: n, Href: noticesHref(year, n), Current: n == cur})
		} else if !d.Pages[len(d.Pages)-1].Gap {
			d.Pages = append(d.Pages, auditPageLink{Gap: true})
		}
	}
	if cur > 1 {
		d.Prev = noticesHref(year, cur-1)
	}
	if cur < last {
		d.Next = noticesHref(year, cur+1)
	}
	w.render(c, http.StatusOK, "notices", d)
}

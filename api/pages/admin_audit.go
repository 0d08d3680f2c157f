package pages

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"ictindex/api/store"
)

// auditPerPage is how many audit entries a page of the log shows.
const auditPerPage = 50

// auditRow is one line of the audit log.
type auditRow struct {
	At, By, Action, Label, Target, Detail string
}

// auditPageLink is a link of the pager; Current marks the page shown.
type auditPageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool // "…" between page numbers
}

func auditHref(n int) string {
	if n <= 1 {
		return "/quan-tri/nhat-ky"
	}
	return "/quan-tri/nhat-ky?trang=" + strconv.Itoa(n)
}

// pager lists the pages to link: the first, the last, and two either side
// of the current one.
func auditPager(cur, last int) []auditPageLink {
	var out []auditPageLink
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= cur-2 && n <= cur+2) {
			out = append(out, auditPageLink{N: n, Href: auditHref(n), Current: n == cur})
		} else if len(out) > 0 && !out[len(out)-1].Gap {
			out = append(out, auditPageLink{Gap: true})
		}
	}
	return out
}

// auditPage is the store's audit log, newest first, 50 a page (?trang=N).
func (w *web) auditPage(c *gin.Context) {
	cur := 1
	if v := c.Query("trang"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			w.errorPage(c, http.StatusBadRequest, "Số trang «"+v+"» không hợp lệ: dùng số nguyên từ 1")
			return
		}
		cur = n
	}
	entries, total, err := w.s.Users().Audit(c.Request.Context(), auditPerPage, (cur-1)*auditPerPage)
	if err != nil {
		w.failPage(c, err)
		return
	}
	last := max(1, (total+auditPerPage-1)/auditPerPage)
	if cur > last {
		w.errorPage(c, http.StatusNotFound, "Nhật ký chỉ có "+strconv.Itoa(last)+" trang")
		return
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{At: fmtTime(e.At), By: e.By, Action: e.Action, Label: store.ActionLabel(e.Action), Target: e.Target, Detail: e.Detail}
	}
	d := struct {
		base
		Entries          []auditRow
		Total, Cur, Last int
		From, To         int
		Prev, Next       string
		Pages            []auditPageLink
	}{base: w.adminBase(c, "Nhật ký quản trị"), Entries: rows, Total: total, Cur: cur, Last: last,
		From: (cur-1)*auditPerPage + 1, To: (cur-1)*auditPerPage + len(rows), Pages: auditPager(cur, last)}
	if cur > 1 {
		d.Prev = auditHref(cur - 1)
	}
	if cur < last {
		d.Next = auditHref(cur + 1)
	}
	w.render(c, http.StatusOK, "admin-audit", d)
}

package pages

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"ictindex/api"
)

// exportUnits is the dashboard's unit list as XLSX, with the same filters
// and sort as the page (all matching units, not one page).
func (w *web) exportUnits(c *gin.Context) {
	year, err := api.YearParam(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	v, _, err := w.dashView(c.Request.Context(), year)
	if err != nil {
		w.failPage(c, err)
		return
	}
	rows := parseDashQuery(c).apply(v.units)
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Don vi"
	f.SetSheetName("Sheet1", sheet)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		w.failPage(c, err)
		return
	}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	head := []any{"Mã", "Tên đơn vị", "Phụ lục", "Trạng thái", "Gửi lúc", "Số ngày muộn", "Điểm tự chấm", "Điểm thẩm định", "Xếp hạng"}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	_ = sw.SetColWidth(2, 2, 48)
	_ = sw.SetColWidth(4, 5, 20)
	if err := sw.SetRow("A1", cells, excelize.RowOpts{}); err != nil {
		w.failPage(c, err)
		return
	}
	for i, u := range rows {
		row := []any{u.Code, u.Name, u.Annex, unitStatusLabel(u.Status), fmtTime(u.SubmittedAt), u.LateDays, nil, nil, nil}
		if u.Self != nil {
			row[6] = float64(u.Self.SelfTotal) / 100
		}
		if u.Appraised != nil {
			row[7] = float64(u.Appraised.Final) / 100
		}
		if u.Rank > 0 {
			row[8] = u.Rank
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			w.failPage(c, err)
			return
		}
	}
	if err := sw.Flush(); err != nil {
		w.failPage(c, err)
		return
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		w.failPage(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="don-vi-%d.xlsx"`, year))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/workflows"
)

// resultsXLSX serves the full results as a workbook: one ranking sheet
// per annex, and one sheet of every unit's points per criterion.
func (s *Server) resultsXLSX(c *gin.Context) {
	year, raw, ok := s.loadDocument(c, func(st workflows.CampaignStatus) *activities.DocumentRef { return st.Results },
		"Chưa có kết quả xếp hạng cho năm này")
	if !ok {
		return
	}
	var res scoring.Results
	if err := json.Unmarshal(raw, &res); err != nil {
		s.fail(c, err)
		return
	}
	data, err := ResultsWorkbook(&res)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="ket-qua-%d.xlsx"`, year))
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}

// ResultsWorkbook writes the results as XLSX: "Xếp hạng PL01"… with rank,
// unit, self, appraised, deductions and final score, then "Điểm chi
// tiết" with each unit's appraised points per criterion.
func ResultsWorkbook(res *scoring.Results) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	num, _ := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	first := true
	write := func(sheet string, rows [][]any, widths map[int]float64) error {
		if first {
			f.SetSheetName("Sheet1", sheet)
			first = false
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		for col, w := range widths {
			_ = sw.SetColWidth(col, col, w)
		}
		for i, r := range rows {
			cells := make([]any, len(r))
			for j, v := range r {
				switch x := v.(type) {
				case scoring.Fixed:
					cells[j] = excelize.Cell{StyleID: num, Value: float64(x) / 100}
				default:
					if i == 0 {
						cells[j] = excelize.Cell{StyleID: bold, Value: v}
					} else {
						cells[j] = v
					}
				}
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
		return sw.Flush()
	}
	for _, rk := range res.Rankings {
		rows := [][]any{{"Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Điểm trừ", "Điểm cuối cùng"}}
		for _, r := range rk.Rows {
			rank := any(r.Rank)
			if !r.Submitted {
				rank = scoring.NotSubmittedLabel
			}
			rows = append(rows, []any{rank, r.Unit.Code, r.Unit.Name, r.Self, r.Appraised, r.Deductions, r.Final})
		}
		if err := write("Xếp hạng "+rk.Annex, rows, map[int]float64{3: 44, 4: 14, 5: 16, 6: 10, 7: 16}); err != nil {
			return nil, err
		}
	}
	rows := [][]any{{"Phụ lục", "Mã đơn vị", "Tên đơn vị", "Tiêu chí", "Nội dung", "Điểm tối đa", "Điểm tự chấm", "Điểm thẩm định"}}
	for _, sh := range res.Sheets {
		for _, l := range sh.Lines {
			rows = append(rows, []any{sh.Annex, sh.Unit.Code, sh.Unit.Name, l.Code, l.Title, l.Max, l.Self.Points, l.Appraised.Points})
		}
	}
	if err := write("Điểm chi tiết", rows, map[int]float64{3: 36, 5: 60}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"

	"ictindex/scoring"
	"ictindex/templates"
)

func init() {
	commands["rank"] = command{summary: "xếp hạng các đơn vị đã chấm điểm (tệp kết quả hoặc tệp báo cáo)", run: runRank}
}

func runRank(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("rank", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	year := fs.Int("year", templates.SampleYear, "năm báo cáo khi tệp không ghi")
	asJSON := fs.Bool("json", false, "in bảng xếp hạng dạng JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex rank [--json] TỆP"))
	}
	res, err := loadResults(e, pos[0], *year)
	if err != nil {
		return err
	}
	if *asJSON {
		out, err := json.MarshalIndent(res.Rankings, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.stdout, string(out))
		return err
	}
	printRankings(e.stdout, res)
	return nil
}

// loadResults reads scored results (the JSON of score --json on a batch),
// or scores a submission batch.
func loadResults(e *env, name string, year int) (*scoring.Results, error) {
	data, err := readInput(e, name)
	if err != nil {
		return nil, badInput(err)
	}
	var probe struct {
		Sheets   json.RawMessage `json:"sheets"`
		Rankings json.RawMessage `json:"rankings"`
	}
	if json.Unmarshal(data, &probe) == nil && probe.Sheets != nil {
		var res scoring.Results
		if err := json.Unmarshal(data, &res); err != nil {
			return nil, badInput(fmt.Errorf("tệp kết quả không đọc được: %w", err))
		}
		res.Rankings = scoring.NewResults(res.Decision, res.Settings, templates.Annexes(), res.Sheets).Rankings
		return &res, nil
	}
	b, err := templates.ParseInput(data, year)
	if err != nil {
		return nil, inputFailure(e, err)
	}
	res, err := templates.ScoreResults(b)
	if err != nil {
		return nil, inputFailure(e, err)
	}
	return res, nil
}

// printRankings writes each annex's ranking as a table.
func printRankings(w io.Writer, res *scoring.Results) {
	titles := map[string]string{
		scoring.AnnexPL01: "CƠ QUAN, ĐƠN VỊ CẤP TỈNH (PL01)",
		scoring.AnnexPL02: "UBND CẤP HUYỆN (PL02)",
	}
	for i, r := range res.Rankings {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "XẾP HẠNG NĂM %d — %s\n", res.Year, titles[r.Annex])
		t := &table{widths: []int{4, 44, 17, 9, 5, 6}}
		t.add("Hạng", "Đơn vị", "Tự chấm", "Thẩm định", "Trừ", "Tổng")
		t.rule()
		for _, row := range r.Rows {
			if row.Rank == 0 {
				t.add("—", row.Unit.Name, scoring.NotSubmittedLabel, "", "", "")
				continue
			}
			t.add(strconv.Itoa(row.Rank), row.Unit.Name, row.Self.String(), row.Appraised.String(), row.Deductions.String(), row.Final.String())
		}
		t.print(w)
	}
}

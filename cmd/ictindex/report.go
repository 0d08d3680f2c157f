package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/debug"

	"ictindex/report"
	"ictindex/scoring"
	"ictindex/templates"
)

func init() {
	commands["report"] = command{summary: "in quyết định công bố kết quả (PDF) từ tệp kết quả hoặc tệp báo cáo", run: runReport}
}

const reportUsage = "cách dùng: ictindex report KẾT-QUẢ.json -o QUYET-DINH.pdf [--number 123/QĐ-UBND] [--date 2027-01-05] " +
	"[--signer \"HỌ TÊN\"] [--signer-title \"CHỦ TỊCH\"] [--evidence TÀI-LIỆU.json] [--year NĂM]"

// runReport renders the decision PDF from scored results (the JSON of
// scoring.Results) or from a submission batch, which it scores first.
func runReport(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("o", "", "tệp PDF ghi ra, - là đầu ra chuẩn (bắt buộc)")
	number := fs.String("number", "", "số quyết định, ví dụ 123/QĐ-UBND (để trống: điền tay khi vào sổ)")
	date := fs.String("date", "", "ngày ký, 2027-01-05 hoặc 05/01/2027 (để trống: điền tay)")
	signer := fs.String("signer", "", "họ tên người ký")
	title := fs.String("signer-title", report.DefaultSignerTitle, "chức vụ người ký, dưới dòng TM. ỦY BAN NHÂN DÂN")
	evidence := fs.String("evidence", "", "tệp JSON liệt kê tài liệu kiểm chứng theo mã đơn vị: {\"MÃ\": [{\"criterion\", \"file_name\", \"size\", \"sha256\"}]}")
	year := fs.Int("year", templates.SampleYear, "năm báo cáo khi tệp báo cáo không ghi")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(errors.New(reportUsage))
	}
	if *out == "" {
		return badInput(errors.New("thiếu -o TỆP.pdf (- là đầu ra chuẩn); " + reportUsage))
	}

	var signed scoring.Date
	if *date != "" {
		if signed, err = scoring.ParseDate(*date); err != nil {
			return badInput(fmt.Errorf("--date: %w", err))
		}
	}
	var manifest map[string][]report.EvidenceItem
	if *evidence != "" {
		data, err := readInput(e, *evidence)
		if err != nil {
			return badInput(err)
		}
		if err := json.Unmarshal(data, &manifest); err != nil {
			return badInput(fmt.Errorf("--evidence: tệp tài liệu kiểm chứng không đọc được: %w", err))
		}
	}
	// fpdf holds every page until the document is written: a national
	// decision (10,000 units, 75,000 pages) keeps some 500 MB live. Unless
	// the environment sets a limit, ask the collector to keep the process
	// under 1 GiB rather than let the heap grow to twice the live data.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(900 << 20)
	}
	res, err := loadResults(e, pos[0], *year)
	if err != nil {
		return err
	}
	sets := map[string]*scoring.Set{}
	for _, annex := range templates.Annexes() {
		sets[annex] = templates.MustLoad(annex)
	}
	d := report.NewDecision(res, sets)
	d.Number, d.Date, d.Signer, d.SignerTitle, d.Evidence = *number, signed, *signer, *title, manifest

	pdf, err := report.Render(d)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = e.stdout.Write(pdf)
		return err
	}
	if err := writeFileAtomic(*out, pdf); err != nil {
		return err
	}
	ranked := 0
	for _, sh := range res.Sheets {
		if sh.Submitted {
			ranked++
		}
	}
	_, err = fmt.Fprintf(e.stdout, "Đã ghi quyết định năm %d (%d phiếu chấm điểm, %d byte) vào %s\n", res.Year, ranked, len(pdf), *out)
	return err
}

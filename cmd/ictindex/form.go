package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"ictindex/scoring"
	"ictindex/templates"
)

func init() {
	commands["form"] = command{summary: "tạo biểu mẫu Excel (XLSX) để đơn vị nhập số liệu, trống hoặc điền sẵn từ tệp báo cáo", run: runForm}
}

func runForm(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("form", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("o", "", "tệp XLSX ghi ra, - là đầu ra chuẩn (mặc định bieu-mau-PL01-<năm>.xlsx)")
	from := fs.String("from", "", "điền sẵn từ tệp báo cáo JSON hoặc YAML (- là đầu vào chuẩn)")
	unit := fs.String("unit", "", "mã đơn vị cần điền sẵn khi tệp --from có nhiều đơn vị")
	year := fs.Int("year", 0, fmt.Sprintf("năm báo cáo (mặc định theo tệp --from, nếu không thì %d)", templates.SampleYear))
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex form PL01|PL02 [-o TỆP.xlsx] [--from TỆP.json] [--unit MÃ] [--year NĂM]"))
	}
	set, err := templates.Load(pos[0])
	if err != nil {
		return badInput(err)
	}
	y := *year
	var sub *scoring.Submission
	if *from != "" {
		fallback := y
		if fallback == 0 {
			fallback = templates.SampleYear
		}
		batch, err := readBatch(e, *from, fallback)
		if err != nil {
			return err
		}
		if y != 0 && batch.Year != y {
			return badInput(fmt.Errorf("tệp %s là báo cáo năm %d nhưng --year là %d", *from, batch.Year, y))
		}
		y = batch.Year
		if sub, err = pickUnit(batch, set.Annex, *unit); err != nil {
			return badInput(err)
		}
	}
	if y == 0 {
		y = templates.SampleYear
	}
	data, err := templates.Form(set, sub, y)
	if err != nil {
		return badInput(err)
	}
	if *out == "-" {
		_, err = e.stdout.Write(data)
		return err
	}
	name := *out
	if name == "" {
		name = fmt.Sprintf("bieu-mau-%s-%d.xlsx", set.Annex, y)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return err
	}
	what := "biểu mẫu trống"
	if sub != nil {
		what = "biểu mẫu điền sẵn cho " + sub.Unit.Name + " (" + sub.Unit.Code + ")"
	}
	_, err = fmt.Fprintf(e.stdout, "Đã ghi %s %s năm %d vào %s\n", what, set.Annex, y, name)
	return err
}

// pickUnit chooses the submission of the annex to pre-fill a form with: the
// only one, or the one with the code.
func pickUnit(b *scoring.Batch, annex, code string) (*scoring.Submission, error) {
	var found []*scoring.Submission
	var codes []string
	for i := range b.Units {
		u := &b.Units[i]
		if u.Annex == "" && len(b.Units) == 1 {
			u.Annex = annex
		}
		if u.Annex != annex {
			continue
		}
		codes = append(codes, u.Unit.Code)
		if code == "" || strings.EqualFold(u.Unit.Code, code) {
			found = append(found, u)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(codes) == 0:
		return nil, fmt.Errorf("tệp không có báo cáo nào theo phụ lục %s", annex)
	case code != "" && len(found) == 0:
		return nil, fmt.Errorf("tệp không có đơn vị %q theo phụ lục %s (có: %s)", code, annex, strings.Join(codes, ", "))
	}
	return nil, fmt.Errorf("tệp có %d đơn vị theo phụ lục %s; chọn một bằng --unit (%s)", len(found), annex, strings.Join(codes, ", "))
}

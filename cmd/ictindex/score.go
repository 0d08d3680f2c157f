package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"ictindex/scoring"
	"ictindex/templates"
)

func init() {
	commands["score"] = command{summary: "chấm điểm báo cáo của đơn vị (JSON hoặc YAML, - là đầu vào chuẩn)", run: runScore}
}

func runScore(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	annex := fs.String("annex", "", "phụ lục: PL01 hoặc PL02 (mặc định theo tệp)")
	year := fs.Int("year", templates.SampleYear, "năm báo cáo khi tệp không ghi")
	asJSON := fs.Bool("json", false, "in phiếu điểm dạng JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex score [--annex PL01|PL02] [--json] TỆP"))
	}
	batch, err := readBatch(e, pos[0], *year)
	if err != nil {
		return err
	}
	if *annex != "" {
		a := strings.ToUpper(*annex)
		for i := range batch.Units {
			if batch.Units[i].Annex == "" {
				batch.Units[i].Annex = a
			} else if batch.Units[i].Annex != a {
				return badInput(fmt.Errorf("units[%d]: tệp ghi phụ lục %s nhưng --annex là %s", i, batch.Units[i].Annex, a))
			}
		}
	}
	res, err := templates.ScoreResults(batch)
	if err != nil {
		return inputFailure(e, err)
	}
	if *asJSON {
		var out []byte
		if len(res.Sheets) == 1 {
			out, err = res.Sheets[0].JSON()
		} else {
			out, err = res.JSON()
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.stdout, string(out))
		return err
	}
	for i, sh := range res.Sheets {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		printSheet(e.stdout, sh)
	}
	return nil
}

// readBatch reads and parses a submission or batch file.
func readBatch(e *env, name string, year int) (*scoring.Batch, error) {
	data, err := readInput(e, name)
	if err != nil {
		return nil, badInput(err)
	}
	b, err := templates.ParseInput(data, year)
	if err != nil {
		return nil, inputFailure(e, err)
	}
	return b, nil
}

// inputFailure prints every field error and returns exit status 2.
func inputFailure(e *env, err error) error {
	return listFieldErrors(e, err, "%d lỗi dữ liệu, chưa chấm điểm")
}

// listFieldErrors prints each field error of a *scoring.ValidationError
// on a line, in Vietnamese and English, and returns exit status 2 with the
// summary (a format taking the count); other errors pass through.
func listFieldErrors(e *env, err error, summary string) error {
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, fe := range ve.Errors {
		line := "  - " + fe.Field
		if fe.Label != "" {
			line += " «" + fe.Label + "»"
		}
		line += ": " + fe.Message
		if len(fe.Criteria) > 0 {
			line += " [tiêu chí " + strings.Join(fe.Criteria, ", ") + "]"
		}
		fmt.Fprintln(e.stderr, line+" / "+fe.MessageEN)
	}
	return badInput(fmt.Errorf(summary, len(ve.Errors)))
}

// printSheet writes a score sheet as a Vietnamese table.
func printSheet(w io.Writer, sh *scoring.Sheet) {
	fmt.Fprintf(w, "PHIẾU ĐIỂM %s — %s (%s), năm %d\n", sh.Annex, sh.Unit.Name, sh.Unit.Code, sh.Year)
	if !sh.Submitted {
		fmt.Fprintln(w, "Đơn vị "+scoring.NotSubmittedLabel+".")
		return
	}
	t := &table{widths: []int{7, 42, 40, 7, 28}}
	t.add("TT", "Tiêu chí", "Số liệu", "Tối đa", "Điểm")
	t.rule()
	sec := ""
	for _, l := range sh.Lines {
		if l.Section != sec {
			sec = l.Section
			for _, st := range sh.Sections {
				if st.Code == sec {
					t.add(st.Code, st.Title, "", st.Max.String(), st.Appraised.String())
				}
			}
		}
		var figs []string
		for _, f := range l.Figures {
			s := f.Label + ": " + f.Value
			if f.Original != "" {
				s += " (đơn vị báo " + f.Original + ")"
			}
			figs = append(figs, s)
		}
		points := l.Appraised.Points.String() + "\n" + l.Appraised.Working
		if !l.Applicable {
			points = scoring.NotApplicable
		} else if l.Self.Points != l.Appraised.Points {
			points = l.Appraised.Points.String() + " (tự đánh giá " + l.Self.Points.String() + ")\n" + l.Appraised.Working
		}
		if l.Flagged {
			points += "\n[số liệu không đảm bảo chất lượng]"
		}
		t.add(l.Code, l.Title, strings.Join(figs, "\n"), l.Max.String(), points)
	}
	t.rule()
	t.add("", "Tổng điểm tự đánh giá (5)", "", sh.Max.String(), sh.SelfTotal.String())
	t.add("", "Tổng điểm thẩm định (6)", "", "", sh.AppraisedTotal.String())
	for _, d := range sh.Deductions {
		t.add(d.Code, d.Reason, "", "", "−"+d.Points.String())
	}
	t.add("", "ĐIỂM CUỐI CÙNG", "", "", sh.Final.String())
	t.print(w)
}

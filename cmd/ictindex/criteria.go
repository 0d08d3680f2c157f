package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"ictindex/scoring"
	"ictindex/templates"
)

func init() {
	commands["criteria"] = command{summary: "bộ tiêu chí: liệt kê (PL01|PL02), kiểm tra (check TỆP), nhập (import TỆP), danh sách (list)", run: runCriteria}
}

func runCriteria(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "check":
			return runCriteriaCheck(e, args[1:])
		case "import":
			return runCriteriaImport(ctx, e, args[1:])
		case "list":
			return runCriteriaList(ctx, e, args[1:])
		}
	}
	return runCriteriaShow(e, args)
}

// runCriteriaShow prints an embedded set's criteria with their maxima.
func runCriteriaShow(e *env, args []string) error {
	fs := flag.NewFlagSet("criteria", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	asJSON := fs.Bool("json", false, "in bộ tiêu chí dạng JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex criteria PL01|PL02 [--json] | check TỆP.yaml | import TỆP.yaml | list"))
	}
	set, err := templates.Load(pos[0])
	if err != nil {
		return badInput(err)
	}
	if *asJSON {
		out, err := json.MarshalIndent(set, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.stdout, string(out))
		return err
	}
	fmt.Fprintf(e.stdout, "%s — %s\n(Quyết định %s ngày %s)\n\n", set.AnnexTitle, set.Title, set.Decision, set.DecisionDate)
	t := &table{widths: []int{8, 70, 11, 14}}
	t.add("TT", "Tiêu chí", "Điểm tối đa", "Quy tắc")
	t.rule()
	for _, sec := range set.Sections {
		var max scoring.Fixed
		for _, c := range set.Criteria() {
			if c.Section == sec.Code {
				max += set.EffectiveMax(c, nil)
			}
		}
		t.add(sec.Code, sec.Title, max.String(), "")
		group := ""
		for _, c := range set.Criteria() {
			if c.Section != sec.Code {
				continue
			}
			if c.Group != "" && c.Group != group {
				t.add(c.Group, set.GroupTitle(c.Group), "", "")
			}
			group = c.Group
			maxText := c.Max.String()
			if c.Rule.Kind == scoring.KindDerived {
				maxText = "(" + set.EffectiveMax(c, []string{c.AppliesIf}).String() + ")"
			}
			t.add(c.Code, c.Title, maxText, string(c.Rule.Kind))
		}
	}
	t.rule()
	t.add("", "TỔNG ĐIỂM", set.Total.String(), "")
	t.print(e.stdout)
	fmt.Fprintf(e.stdout, "\n%s. %s\n", set.DeductSect, set.DeductTitle)
	for _, d := range set.Deductions {
		fmt.Fprintf(e.stdout, "  %s  %s\n", d.Code, d.Title)
	}
	return nil
}

// parseFlags parses flags that may come before or after positional
// arguments, returning the positionals.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

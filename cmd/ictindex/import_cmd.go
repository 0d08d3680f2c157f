package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"ictindex/templates"
)

func init() {
	commands["import"] = command{summary: "đọc biểu mẫu Excel (XLSX) đã điền thành tệp báo cáo JSON", run: runImport}
}

func runImport(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("o", "", "tệp JSON ghi ra (mặc định in ra màn hình)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex import TỆP.xlsx [-o TỆP.json]"))
	}
	data, err := readInput(e, pos[0])
	if err != nil {
		return badInput(err)
	}
	sub, err := templates.ImportForm(data)
	if err != nil {
		return formFailure(e, err)
	}
	js, err := json.MarshalIndent(sub, "", "  ")
	if err != nil {
		return err
	}
	js = append(js, '\n')
	if *out == "" || *out == "-" {
		_, err = e.stdout.Write(js)
		return err
	}
	return os.WriteFile(*out, js, 0o644)
}

// formFailure prints every problem found in a form, one a line, and
// returns exit status 2.
func formFailure(e *env, err error) error {
	return listFieldErrors(e, err, "biểu mẫu có %d lỗi, chưa đọc được số liệu")
}

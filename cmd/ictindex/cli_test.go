package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs the command in-process with the given standard input.
func runCLI(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut}, args)
	return code, out.String(), errOut.String()
}

func TestCLIScoringCommands(t *testing.T) {
	cases := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"criteria", "", []string{"criteria", "PL02"}, 0, []string{"PHỤ LỤC 02", "V.7.3", "TỔNG ĐIỂM", "VI.1"}, nil},
		{"criteria json", "", []string{"criteria", "PL01", "--json"}, 0, []string{`"code": "II.6"`, `"kind": "derived"`}, nil},
		{"unknown annex", "", []string{"criteria", "PL09"}, 2, nil, []string{"PL09"}},
		{"score a unit", `{"unit":{"code":"A","name":"Sở A"},"annex":"PL01","figures":{}}`, []string{"score", "-"}, 2, nil,
			[]string{"figures.staff", "chưa nhập số liệu", "lỗi dữ liệu"}},
		{"score bad values", `{"unit":{"code":"A","name":"B"},"annex":"PL01","figures":{"staff":-1,"docs_in":"nhiều"}}`, []string{"score", "-"}, 2, nil,
			[]string{"figures.staff", "không được là số âm", "figures.docs_in", "phải là số nguyên không âm"}},
		{"not JSON", `{"unit": [`, []string{"score", "-"}, 2, nil, []string{"document"}},
		{"annex clash", `{"unit":{"code":"A","name":"B"},"annex":"PL01"}`, []string{"score", "--annex", "PL02", "-"}, 2, nil, []string{"--annex"}},
		{"missing file", "", []string{"score", "/nonexistent/unit.json"}, 2, nil, []string{"no such file"}},
		{"rank the sample", "", []string{"rank", "../../templates/sample/laocai-2026.json"}, 0,
			[]string{"XẾP HẠNG NĂM 2026", "Sở Thông tin và Truyền thông", "không gửi báo cáo", "UBND huyện Si Ma Cai"}, nil},
		{"score the sample", "", []string{"score", "../../templates/sample/laocai-2026.json"}, 0,
			[]string{"PHIẾU ĐIỂM PL01 — Sở Nội vụ", "× 3 / 90 =", "(tự đánh giá 3,00)", "ĐIỂM CUỐI CÙNG"}, nil},
		{"unknown command", "", []string{"frobnicate"}, 2, nil, []string{"không có lệnh"}},
		{"help of a command", "", []string{"score", "-h"}, 0, nil, []string{"-annex"}},
		{"bad flag", "", []string{"score", "--nope", "x"}, 2, nil, []string{"nope"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, c.stdin, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errOut)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q", s)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
}

package main

import (
	"context"
	"flag"

	"ictindex/templates"
)

func init() {
	commands["demo"] = command{summary: "chấm điểm và xếp hạng tỉnh mẫu (Lào Cai, năm 2026)", run: runDemo}
}

// runDemo scores the embedded sample province and prints its ranking.
func runDemo(_ context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return badInput(err)
	}
	res, err := templates.ScoreResults(templates.SampleProvince())
	if err != nil {
		return err
	}
	printRankings(e.stdout, res)
	return nil
}

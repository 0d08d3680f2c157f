package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// table prints rows of wrapped text columns for the terminal.
type table struct {
	widths []int
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// rule adds a horizontal line.
func (t *table) rule() { t.rows = append(t.rows, nil) }

func (t *table) print(w io.Writer) {
	t.fit()
	for _, r := range t.rows {
		if r == nil {
			total := len(t.widths) - 1
			for _, wd := range t.widths {
				total += wd + 2
			}
			fmt.Fprintln(w, strings.Repeat("─", total))
			continue
		}
		wrapped := make([][]string, len(t.widths))
		height := 1
		for i := range t.widths {
			cell := ""
			if i < len(r) {
				cell = r[i]
			}
			wrapped[i] = wrap(cell, t.widths[i])
			height = max(height, len(wrapped[i]))
		}
		for line := 0; line < height; line++ {
			var b strings.Builder
			for i, wd := range t.widths {
				s := ""
				if line < len(wrapped[i]) {
					s = wrapped[i][line]
				}
				b.WriteString(" " + s + strings.Repeat(" ", wd-utf8.RuneCountInString(s)) + " ")
				if i < len(t.widths)-1 {
					b.WriteString("│")
				}
			}
			fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		}
	}
}

// wrap breaks text into lines of at most width runes, at spaces where it can.
func wrap(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for utf8.RuneCountInString(word) > width {
				if line != "" {
					lines, line = append(lines, line), ""
				}
				r := []rune(word)
				lines, word = append(lines, string(r[:width])), string(r[width:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= width:
				line += " " + word
			default:
				lines, line = append(lines, line), word
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// fit narrows each column to its widest content, keeping the given widths
// as maxima.
func (t *table) fit() {
	for i, limit := range t.widths {
		widest := 1
		for _, r := range t.rows {
			if i < len(r) {
				for _, l := range wrap(r[i], limit) {
					widest = max(widest, utf8.RuneCountInString(l))
				}
			}
		}
		t.widths[i] = min(limit, widest)
	}
}

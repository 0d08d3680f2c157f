// Command ictindex runs the annual IT-application assessment and ranking
// campaign of Decision 3299/QĐ-UBND: scoring, ranking, documents and (in
// later subcommands) the workflow, worker and web server.
//
// Each subcommand lives in its own file and registers itself in commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand: run gets the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a subcommand may touch: its streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

var commands = map[string]command{}

// exitError carries a process exit status: 2 for bad input.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func (e *exitError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and maps its error to an exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(e.stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "ictindex: không có lệnh %q\n\n", args[0])
		usage(e.stderr)
		return 2
	}
	if _, err := logFormat(); err != nil {
		fmt.Fprintln(e.stderr, "ictindex:", err)
		return 2
	}
	err := cmd.run(ctx, e, args[1:])
	if err == nil || errors.Is(err, flag.ErrHelp) { // -h printed the command's usage
		return 0
	}
	fmt.Fprintln(e.stderr, "ictindex "+args[0]+":", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ictindex — đánh giá, xếp hạng mức độ ứng dụng CNTT (Quyết định 3299/QĐ-UBND tỉnh Lào Cai)")
	fmt.Fprintln(w, "\nCách dùng: ictindex <lệnh> [tùy chọn]\n\nCác lệnh:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nGõ ictindex <lệnh> -h để xem tùy chọn của lệnh.")
}

// badInput wraps an error about the user's input: exit status 2.
func badInput(err error) error { return &exitError{code: 2, err: err} }

// readInput reads a file, or standard input for "-".
func readInput(e *env, name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(e.stdin, 64<<20))
	}
	return os.ReadFile(name)
}

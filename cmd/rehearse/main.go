// Command rehearse rehearses production on one machine, without
// containers: on loopback ports, the official Temporal server on
// PostgreSQL, MinIO distributed over four nodes, two ictindex workers and
// two web replicas behind nginx. It plays the sample province's whole
// campaign through the HTTP API while it kills a worker, kills a web
// replica, stops a MinIO node during the evidence uploads and restarts the
// Temporal server; then it checks that nothing acknowledged was lost and
// that the decision is published and locked, prints its figures, stops
// everything it started and exits 1 on any loss.
//
// It is run by deploy/rehearse.sh, which installs and builds what it needs
// and starts PostgreSQL:
//
//	rehearse --dir DIR --pg-port PORT --ictindex BIN --temporal BIN --sql-tool BIN --minio BIN --nginx BIN
//	         [--units N] [--faults=false] [--parallel K] [--uploads U]
//	rehearse --embedded --dir DIR --ictindex BIN --minio BIN [--units N] [--parallel K] [--uploads U]
//
// --units N plays N synthetic units (templates.SyntheticProvince) instead
// of the sample province's 38; --faults=false plays without breaking
// anything; --embedded plays the same campaign, without faults, through
// the HTTP API of `ictindex dev` (the embedded default: one process with
// Temporal on SQLite, one MinIO, a worker and the API) for comparison.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"ictindex/scoring"
	"ictindex/templates"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, os.Stdout, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "rehearse:", err)
	}
	stop()
	os.Exit(code)
}

// run sets up the stack, plays the campaign, checks and reports: 0 when
// nothing was lost, 1 on a loss or a failure, 2 on bad arguments.
func run(ctx context.Context, out io.Writer, args []string) (int, error) {
	fs := flag.NewFlagSet("rehearse", flag.ContinueOnError)
	dir := fs.String("dir", "", "working folder (logs, data, configuration); the caller removes it")
	pgPort := fs.Int("pg-port", 0, "port of the PostgreSQL server on 127.0.0.1 (user postgres, trusted)")
	var bin binaries
	fs.StringVar(&bin.ictindex, "ictindex", "", "the ictindex binary")
	fs.StringVar(&bin.temporal, "temporal", "", "the Temporal server binary (go.temporal.io/server/cmd/server)")
	fs.StringVar(&bin.sqlTool, "sql-tool", "", "Temporal's SQL schema tool (go.temporal.io/server/cmd/tools/sql)")
	fs.StringVar(&bin.minio, "minio", "", "the MinIO server binary")
	fs.StringVar(&bin.nginx, "nginx", "", "the nginx binary")
	var opt options
	fs.IntVar(&opt.units, "units", 0, "play this many synthetic units (the sample's submitting units cloned); 0: the sample province")
	fs.IntVar(&opt.parallel, "parallel", 0, "units (and appraisals) at work at once; 0: 4 for the sample, 16 for synthetic units")
	fs.IntVar(&opt.uploads, "uploads", 0, "evidence files per unit; 0: 2 for the sample, 1 for synthetic units")
	fs.BoolVar(&opt.faults, "faults", true, "inject the faults (a MinIO node, a worker, a web replica, the Temporal server)")
	fs.BoolVar(&opt.embedded, "embedded", false, "play against `ictindex dev` (the embedded default), without faults, instead of the production topology")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	required := map[string]string{"dir": *dir, "ictindex": bin.ictindex, "minio": bin.minio}
	if !opt.embedded {
		required["temporal"], required["sql-tool"], required["nginx"] = bin.temporal, bin.sqlTool, bin.nginx
	}
	for name, v := range required {
		if v == "" {
			return 2, fmt.Errorf("--%s is required", name)
		}
	}
	if *pgPort <= 0 && !opt.embedded {
		return 2, errors.New("--pg-port is required")
	}
	if opt.units < 0 || opt.parallel < 0 || opt.uploads < 0 {
		return 2, errors.New("--units, --parallel and --uploads must not be negative")
	}
	if opt.embedded {
		opt.faults = false
	}
	opt.defaults()
	if err := os.MkdirAll(filepath.Join(*dir, "logs"), 0o755); err != nil {
		return 1, err
	}

	t0 := time.Now()
	s, err := newStack(*dir, bin, *pgPort)
	if err != nil {
		return 1, err
	}
	defer s.sup.stopAll()
	step := func(what string) { fmt.Fprintf(out, "[%6.1fs] %s\n", time.Since(t0).Seconds(), what) }

	if opt.embedded {
		step(fmt.Sprintf("ictindex dev (the embedded default): API on 127.0.0.1:%d, S3 on 127.0.0.1:%d", s.proxyPort, s.s3Port))
		if err := s.startEmbedded(ctx); err != nil {
			return 1, err
		}
	} else {
		step("schemas and databases (Temporal's SQL tool)")
		if err := s.setupDatabases(ctx); err != nil {
			return 1, err
		}
		step(fmt.Sprintf("Temporal server on 127.0.0.1:%d", s.temporalPort))
		if err := s.startTemporal(ctx); err != nil {
			return 1, err
		}
		step(fmt.Sprintf("MinIO, four nodes on 127.0.0.1:%v", s.minioPorts))
		if err := s.startMinIO(ctx); err != nil {
			return 1, err
		}
		step(fmt.Sprintf("nginx: web on 127.0.0.1:%d, S3 on 127.0.0.1:%d", s.proxyPort, s.s3Port))
		if err := s.startNginx(ctx); err != nil {
			return 1, err
		}
		step(fmt.Sprintf("ictindex: two workers, two web replicas on 127.0.0.1:%v", s.webPorts))
		if err := s.startIctindex(ctx); err != nil {
			return 1, err
		}
	}
	s3, err := minio.New("127.0.0.1:"+strconv.Itoa(s.s3Port), &minio.Options{Creds: credentials.NewStaticV4(s.accessKey, s.secretKey, "")})
	if err != nil {
		return 1, err
	}
	for _, b := range []string{evidenceBucket, documentBucket} {
		if v, err := s3.GetBucketVersioning(ctx, b); err != nil || !v.Enabled() {
			return 1, fmt.Errorf("bucket %s: versioning is not on (%v)", b, err)
		}
	}
	if mode, _, _, _, _ := s3.GetObjectLockConfig(ctx, documentBucket); mode != "Enabled" {
		return 1, fmt.Errorf("bucket %s: object lock is not on (%q)", documentBucket, mode)
	}

	subs := templates.SampleProvince().Units
	if opt.units > 0 {
		subs = templates.SyntheticProvince(opt.units).Units
	}
	users := []user{{adminName, "admin", ""}, {appraiserName, "appraiser", ""}, {leaderName, "leader", ""}}
	for _, sub := range subs {
		users = append(users, user{submitterName(sub.Unit.Code), "submitter", sub.Unit.Code})
	}
	step(fmt.Sprintf("unit registry: %d units", len(subs)))
	if err := s.importRegistry(ctx, subs); err != nil {
		return 1, fmt.Errorf("unit registry: %w", err)
	}
	var tokens map[string]string
	if opt.embedded || opt.units > 0 {
		// Two processes per user would take minutes for a thousand units:
		// the users go straight into the users database instead.
		step(fmt.Sprintf("%d users (in the users database, as ictindex user add and user token do)", len(users)))
		tokens, err = s.addUsersDirect(ctx, users)
	} else {
		step(fmt.Sprintf("%d users (ictindex user add, user token)", len(users)))
		tokens, err = s.addUsers(ctx, users)
	}
	if err != nil {
		return 1, err
	}
	stackTime := time.Since(t0)

	st := newStats()
	p := &play{s: s, st: st, subs: subs, tok: tokens, opt: opt,
		api: &apiClient{base: "http://127.0.0.1:" + strconv.Itoa(s.proxyPort), st: st,
			hc: &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}},
		ack: &acked{figures: map[string]map[string]any{}, submitted: map[string]bool{}, corrections: map[string][]scoring.Correction{},
			finished: map[string]bool{}}}
	what := "the sample province"
	if opt.units > 0 {
		what = "synthetic units"
	}
	how := "through the proxy, with faults"
	switch {
	case opt.embedded:
		how = "through the API of ictindex dev, without faults"
	case !opt.faults:
		how = "through the proxy, without faults"
	}
	step(fmt.Sprintf("campaign %d of %s: %d units, %d at a time, %d uploads each, %s", year, what, len(subs), opt.parallel, opt.uploads, how))
	t1 := time.Now()
	playErr := p.run(ctx)
	campaignTime := time.Since(t1)
	if playErr != nil {
		step("the campaign did not complete: " + playErr.Error())
	} else {
		step("published; checking what was acknowledged against the final state and the archive")
	}
	t2 := time.Now()
	losses, checkErr := p.checks(ctx, playErr == nil)
	checkTime := time.Since(t2)

	p.report(out, s3, reportTimes{total: time.Since(t0), stack: stackTime, campaign: campaignTime, checks: checkTime}, losses,
		playErr == nil && checkErr == nil)
	switch {
	case playErr != nil:
		return 1, playErr
	case checkErr != nil:
		return 1, fmt.Errorf("checking: %w", checkErr)
	case len(losses) > 0:
		return 1, fmt.Errorf("%d losses", len(losses))
	}
	return 0, nil
}

type reportTimes struct{ total, stack, campaign, checks time.Duration }

// options are the run's choices beyond the stack's binaries.
type options struct {
	units    int  // synthetic units; 0: the sample province
	parallel int  // units at work at once
	uploads  int  // evidence files per unit
	faults   bool // inject the faults
	embedded bool // against ictindex dev instead of the production topology
}

// defaults fills in what was left 0: 4 units at a time and 2 uploads each
// for the sample province, 16 and 1 for synthetic units.
func (o *options) defaults() {
	if o.parallel == 0 {
		o.parallel = 4
		if o.units > 0 {
			o.parallel = 16
		}
	}
	if o.uploads == 0 {
		o.uploads = 2
		if o.units > 0 {
			o.uploads = 1
		}
	}
}

// report prints the rehearsal's figures.
//
// complete says the campaign was published and every check ran.
func (p *play) report(out io.Writer, s3 *minio.Client, t reportTimes, losses []string, complete bool) {
	sec := func(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }
	fmt.Fprintf(out, "\nRehearsal figures\n")
	fmt.Fprintf(out, "  wall time          %s (stack and users %s, campaign %s, checks %s)\n", sec(t.total), sec(t.stack), sec(t.campaign), sec(t.checks))
	fmt.Fprintf(out, "  units              %d; uploads acknowledged %d (%.1f MiB); submits %d; appraisals finished %d\n",
		len(p.subs), len(p.ack.evidence), float64(p.ack.bytes)/(1<<20), len(p.ack.submitted), len(p.ack.finished))
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	if len(p.laps) > 0 {
		fmt.Fprintf(out, "  phases             (actions: acknowledged but reads)\n")
		prev, prevActs := p.started, 0
		for _, l := range p.laps {
			d := l.at.Sub(prev)
			fmt.Fprintf(out, "    - %-36s %7s  %5d actions  %6.1f actions/s\n", l.name, sec(d), l.actions-prevActs, float64(l.actions-prevActs)/max(d.Seconds(), 1e-3))
			prev, prevActs = l.at, l.actions
		}
		last := p.laps[len(p.laps)-1]
		d := last.at.Sub(p.started)
		fmt.Fprintf(out, "    - %-36s %7s  %5d actions  %6.1f actions/s\n", "whole campaign", sec(d), last.actions, float64(last.actions)/max(d.Seconds(), 1e-3))
	}
	var acks []string
	for _, k := range sortedKeys(p.st.acks) {
		acks = append(acks, fmt.Sprintf("%s %d", k, p.st.acks[k]))
	}
	fmt.Fprintf(out, "  acknowledged       %s\n", strings.Join(acks, ", "))
	fmt.Fprintf(out, "  faults injected    %d\n", len(p.st.faults))
	for _, f := range p.st.faults {
		ff := p.st.figures(f)
		fmt.Fprintf(out, "    - %s, during %s, at +%s\n", f.name, f.during, sec(f.at.Sub(p.started)))
		if f.restart.IsZero() {
			fmt.Fprintf(out, "        not started again\n")
		} else {
			fmt.Fprintf(out, "        down %s, started again, healthy %s after its start (outage %s)\n",
				sec(f.restart.Sub(f.at)), sec(f.healthy.Sub(f.restart)), sec(f.healthy.Sub(f.at)))
		}
		fmt.Fprintf(out, "        first success of an action sent after the stop: %s; slowest action across the outage: %s;\n", sec(ff.firstAck), sec(ff.slowest))
		fmt.Fprintf(out, "        %d actions acknowledged and %d retries during the outage\n", ff.during, ff.retries)
	}
	total := 0
	var retries []string
	for _, k := range sortedKeys(p.st.retries) {
		total += p.st.retries[k]
		retries = append(retries, fmt.Sprintf("%s %d (last: %s)", k, p.st.retries[k], oneLine(p.st.lastErrors[k], 90)))
	}
	fmt.Fprintf(out, "  retries by users   %d\n", total)
	for _, r := range retries {
		fmt.Fprintf(out, "    - %s\n", r)
	}
	if len(p.st.slow) > 0 {
		fmt.Fprintf(out, "  actions slower than %s: %d\n", slowAction, len(p.st.slow))
		for _, a := range p.st.slow {
			fmt.Fprintf(out, "    - %s\n", a)
		}
	}
	fmt.Fprintf(out, "  refusals of a repeat after a lost answer, settled by reading the state: %d\n", p.st.resolved)
	if !p.opt.embedded {
		fmt.Fprintf(out, "  proxy fail-overs   %d (requests nginx passed to another replica or node)\n", countFailovers(filepath.Join(p.s.dir, "logs", "nginx-access.log")))
	}
	if p.decision != nil && p.decision.Signed != nil {
		fmt.Fprintf(out, "  decision           %s, %s, signed %s, SHA-256 %s…, lock %s\n", p.decision.Number, p.decision.Date,
			p.decision.SignMode, short(p.decision.Signed.SHA256), retentionOf(context.Background(), s3, *p.decision.Signed))
	}
	switch {
	case len(losses) == 0 && !complete:
		fmt.Fprintf(out, "  result             INCOMPLETE: no loss among what was checked, but the campaign or the checks did not finish\n")
		return
	case len(losses) == 0:
		fmt.Fprintf(out, "  result             no loss: every acknowledged action is in the final state, every upload in the archive with its SHA-256\n")
		return
	}
	fmt.Fprintf(out, "  result             %d LOSSES\n", len(losses))
	for _, l := range losses {
		fmt.Fprintf(out, "    - %s\n", l)
	}
}

// ack0 is when the campaign was opened: fault times count from it.
func (p *play) ack0() time.Time { return p.started }

func short(s string) string {
	if len(s) > 16 {
		return s[:16]
	}
	return s
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// countFailovers counts the requests nginx tried on more than one upstream
// (its access log lists them comma-separated).
func countFailovers(log string) int {
	f, err := os.Open(log)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if i := strings.Index(sc.Text(), " up="); i >= 0 && strings.Contains(strings.Fields(sc.Text()[i:])[0], ",") {
			n++
		}
	}
	return n
}

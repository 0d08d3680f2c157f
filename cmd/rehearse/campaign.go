package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// year is the rehearsed campaign's report year (the sample province's).
const year = 2026

// The users: the department's admin, an appraiser, a leader, and one
// preparer (submitter) per unit.
const (
	adminName     = "quan-tri"
	appraiserName = "tham-dinh"
	leaderName    = "lanh-dao"
)

func submitterName(code string) string { return "can-bo-" + code }

// acked is what the API acknowledged: the final state must hold all of it.
type acked struct {
	mu          sync.Mutex
	opened      bool
	figures     map[string]map[string]any // by unit: the last figures saved
	evidence    []ackedEvidence
	submitted   map[string]bool
	corrections map[string][]scoring.Correction
	finished    map[string]bool
	closed      bool
	published   bool
	bytes       int64
}

// ackedEvidence is an upload the API answered 201 to, with the SHA-256 the
// driver computed over the bytes it sent.
type ackedEvidence struct {
	unit, criterion, file string
	sha256                string
	size                  int64
	key, version          string
}

// play is the campaign under faults.
type play struct {
	s    *stack
	api  *apiClient
	st   *stats
	ack  *acked
	subs []scoring.Submission
	tok  map[string]string
	opt  options

	laps []lap // the ends of the campaign's phases, in order

	uploads, submits, finishes atomic.Int64
	phase                      atomic.Value // "filling", "appraising", …
	started                    time.Time    // the campaign's opening
	decision                   *activities.Issuance
}

// lap is the end of a phase of the campaign, with the count of actions
// (reads aside) acknowledged by then.
type lap struct {
	name    string
	at      time.Time
	actions int
}

// lap records the end of the phase name.
func (p *play) lap(name string) {
	p.st.mu.Lock()
	defer p.st.mu.Unlock()
	p.laps = append(p.laps, lap{name: name, at: time.Now(), actions: len(p.st.spans)})
}

// waitLong is how long the campaign may take to rank and draft, or to
// publish: five minutes, more for many units.
func (p *play) waitLong() time.Duration {
	return max(5*time.Minute, time.Duration(len(p.subs))*time.Second)
}

func (p *play) as(name string) caller { return caller{name: name, token: p.tok[name]} }

func unitPath(code, rest string) string {
	return "/api/campaigns/" + strconv.Itoa(year) + "/units/" + code + rest
}

// run plays the whole campaign: open, fill in, upload, submit (with a
// MinIO node stopped, a worker and a web replica killed on the way),
// appraise and finish (with the Temporal server restarted), close,
// publish; the faults run beside it from the progress counters.
func (p *play) run(ctx context.Context) error {
	p.phase.Store("opening")
	p.started = time.Now()
	codes := make([]string, len(p.subs))
	for i, s := range p.subs {
		codes[i] = s.Unit.Code
	}
	admin := p.as(adminName)
	body := map[string]any{"year": year, "deadline": time.Now().Add(6 * time.Hour), "sample_units": codes,
		"objection_days": 0, "decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}
	if p.opt.units > 0 {
		// Synthetic units are named one by one (they are in the registry).
		units := make([]map[string]any, len(p.subs))
		for i, s := range p.subs {
			units[i] = map[string]any{"code": s.Unit.Code, "name": s.Unit.Name, "annex": s.Annex, "flags": s.Flags}
		}
		delete(body, "sample_units")
		body["units"] = units
	}
	o, err := p.api.call(ctx, request{action: "open", who: admin, method: "POST", path: "/api/campaigns", ctype: "application/json",
		body: jsonBody(body)})
	if err != nil {
		return err
	}
	if o.status != http.StatusCreated && !(o.uncertain && o.status == http.StatusConflict) {
		return fmt.Errorf("opening the campaign: %d %s", o.status, o.body)
	}
	p.ack.opened = true
	p.st.acked("open", o.start, time.Now())
	p.st.noteSlow(request{who: admin, method: "POST", path: "/api/campaigns"}, o)
	if err := p.waitPhase(ctx, workflows.PhaseCollecting, p.waitLong()); err != nil {
		return err
	}
	p.lap("open (forms issued, units started)")

	// The faults run beside the campaign; whatever way run returns, they
	// have ended (no process is started again after the stack stops).
	faultCtx, stopFaults := context.WithCancel(ctx)
	faultsDone := make(chan struct{})
	var faultsErr error
	go func() {
		defer close(faultsDone)
		if p.opt.faults {
			faultsErr = p.faults(faultCtx)
		}
	}()
	defer func() { stopFaults(); <-faultsDone }()

	p.phase.Store("filling")
	if err := p.eachUnit(ctx, p.fill); err != nil {
		return err
	}
	p.lap("fill (figures, uploads, submits)")
	p.phase.Store("appraising")
	if err := p.eachUnit(ctx, p.appraise); err != nil {
		return err
	}
	p.lap("appraise (corrections, finishes)")
	if err := p.campaignAction(ctx, request{action: "close", who: admin, method: "POST", path: "/api/campaigns/" + strconv.Itoa(year) + "/close"},
		"closing the collection"); err != nil {
		return err
	}
	p.ack.closed = true
	p.phase.Store("ranking")
	if err := p.waitPhase(ctx, workflows.PhaseDrafted, p.waitLong()); err != nil {
		return err
	}
	p.lap("close, rank, draft")
	p.phase.Store("publishing")
	leader := p.as(leaderName)
	if err := p.campaignAction(ctx, request{action: "publish", who: leader, method: "POST", path: "/api/campaigns/" + strconv.Itoa(year) + "/publish",
		ctype: "application/json", body: jsonBody(map[string]string{"note": "Đồng ý ban hành"})}, "publishing"); err != nil {
		return err
	}
	p.ack.published = true
	if err := p.waitPhase(ctx, workflows.PhasePublished, p.waitLong()); err != nil {
		return err
	}
	p.lap("publish (sign, lock)")
	stopFaults()
	<-faultsDone
	if faultsErr != nil && !errors.Is(faultsErr, context.Canceled) {
		return fmt.Errorf("injecting faults: %w", faultsErr)
	}
	return nil
}

// campaignAction sends one of the campaign's own actions (close,
// publish) and counts it; a refusal of a repeat whose first answer was
// lost (409 or 422 invalid state) counts as done, settled by the phase
// the caller then waits for.
func (p *play) campaignAction(ctx context.Context, r request, what string) error {
	o, err := p.api.call(ctx, r)
	if err != nil {
		return err
	}
	if o.status != http.StatusOK {
		if !o.uncertain || !refusedRepeat(o.status) {
			return fmt.Errorf("%s: %d %s", what, o.status, o.body)
		}
		p.st.resolve()
	}
	p.st.acked(r.action, o.start, time.Now())
	p.st.noteSlow(request{who: r.who, method: r.method, path: r.path}, o)
	return nil
}

// eachUnit runs f for every unit, opt.parallel at a time; the first error
// stops the rest.
func (p *play) eachUnit(ctx context.Context, f func(context.Context, int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sem := make(chan struct{}, p.opt.parallel)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range p.subs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(ctx, i); err != nil {
				once.Do(func() { first = err; cancel() })
			}
		}()
	}
	wg.Wait()
	return first
}

// fill is one unit's part: save its figures, upload its evidence, submit.
func (p *play) fill(ctx context.Context, i int) error {
	sub := p.subs[i]
	code := sub.Unit.Code
	if len(sub.Figures) == 0 || sub.NotSubmitted {
		return nil // the sample's unit that never reports
	}
	who := p.as(submitterName(code))
	var st workflows.UnitState
	if _, err := p.api.must(ctx, request{action: "save-figures", who: who, method: "PUT", path: unitPath(code, "/figures"),
		ctype: "application/json", body: jsonBody(map[string]any{"figures": sub.Figures})}, http.StatusOK, &st); err != nil {
		return err
	}
	p.ack.mu.Lock()
	p.ack.figures[code] = sub.Figures
	p.ack.mu.Unlock()

	set, err := templates.Load(sub.Annex)
	if err != nil {
		return err
	}
	var crit []*scoring.Criterion
	for _, c := range set.Criteria() {
		if c.Applies(sub.Flags) {
			crit = append(crit, c)
		}
	}
	for n := range p.opt.uploads {
		c := crit[(i*3+n*7)%len(crit)].Code
		if err := p.upload(ctx, who, code, c, fmt.Sprintf("Minh chứng %s %d.pdf", c, n+1), 16<<10+(i*37+n*101)%48*(16<<10)); err != nil {
			return err
		}
	}

	o, err := p.api.call(ctx, request{action: "submit", who: who, method: "POST", path: unitPath(code, "/submit")})
	if err != nil {
		return err
	}
	if o.status != http.StatusOK {
		if !o.uncertain || !refusedRepeat(o.status) {
			return fmt.Errorf("%s submit: %d %s", code, o.status, o.body)
		}
		// A repeat of a submit whose answer was lost: the state says.
		if err := p.api.get(ctx, p.as(adminName), unitPath(code, ""), &st); err != nil {
			return err
		}
		if st.SubmittedAt == nil {
			return fmt.Errorf("%s submit: refused after a lost answer, and the unit is %s", code, st.Status)
		}
		p.st.resolve()
	}
	p.st.acked("submit", o.start, time.Now())
	p.st.noteSlow(request{who: who, method: "POST", path: unitPath(code, "/submit")}, o)
	p.ack.mu.Lock()
	p.ack.submitted[code] = true
	p.ack.mu.Unlock()
	p.submits.Add(1)
	return nil
}

// upload sends one evidence file of size bytes (a PDF by its header, the
// rest random) and records what the API acknowledged.
func (p *play) upload(ctx context.Context, who caller, code, criterion, name string, size int) error {
	data := make([]byte, size)
	_, _ = rand.Read(data)
	copy(data, "%PDF-1.4\n% minh chứng diễn tập\n")
	copy(data[len(data)-6:], "%%EOF\n")
	sum := sha256.Sum256(data)
	want := hex.EncodeToString(sum[:])

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("criterion", criterion)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/pdf")
	part, _ := w.CreatePart(h)
	_, _ = part.Write(data)
	_ = w.Close()

	var st workflows.UnitState
	r := request{action: "upload-evidence", who: who, method: "POST", path: unitPath(code, "/evidence"),
		ctype: w.FormDataContentType(), body: buf.Bytes()}
	o, err := p.api.call(ctx, r)
	if err != nil {
		return err
	}
	switch {
	case o.status == http.StatusCreated:
		if err := json.Unmarshal(o.body, &st); err != nil {
			return fmt.Errorf("%s %s: decoding the answer: %w", r.method, r.path, err)
		}
	case o.uncertain && o.status == http.StatusUnprocessableEntity:
		// A repeat of an upload whose answer was lost is refused as
		// already attached (same bytes): the state says.
		if err := p.api.get(ctx, p.as(adminName), unitPath(code, ""), &st); err != nil {
			return err
		}
		p.st.resolve()
	default:
		return fmt.Errorf("%s %s %s: %d, want 201: %s", who.name, r.method, r.path, o.status, bytes.TrimSpace(o.body))
	}
	p.st.acked(r.action, o.start, time.Now())
	p.st.noteSlow(r, o)
	for _, e := range st.Evidence {
		if e.FileName != name {
			continue
		}
		if e.SHA256 != want || e.Size != int64(size) {
			return fmt.Errorf("%s %s: the API recorded SHA-256 %s and %d bytes; %s and %d were sent", code, name, e.SHA256, e.Size, want, size)
		}
		p.ack.mu.Lock()
		p.ack.evidence = append(p.ack.evidence, ackedEvidence{unit: code, criterion: criterion, file: name, sha256: want,
			size: int64(size), key: e.Key, version: e.VersionID})
		p.ack.bytes += int64(size)
		p.ack.mu.Unlock()
		p.uploads.Add(1)
		return nil
	}
	return fmt.Errorf("%s: upload of %s acknowledged, but the answer's evidence list lacks it", code, name)
}

// appraise is the appraiser's part for one unit: a correction on every
// fourth unit, then finishing the appraisal.
func (p *play) appraise(ctx context.Context, i int) error {
	sub := p.subs[i]
	code := sub.Unit.Code
	app := p.as(appraiserName)
	p.ack.mu.Lock()
	submitted := p.ack.submitted[code]
	p.ack.mu.Unlock()
	if !submitted {
		return nil // nothing to appraise: not submitted when collection closes
	}
	var st workflows.UnitState
	if i%4 == 0 {
		if c, ok := correctionFor(sub); ok {
			if _, err := p.api.must(ctx, request{action: "correct-figure", who: app, method: "POST", path: unitPath(code, "/corrections"),
				ctype: "application/json", body: jsonBody(c)}, http.StatusOK, &st); err != nil {
				return err
			}
			p.ack.mu.Lock()
			p.ack.corrections[code] = append(p.ack.corrections[code], c)
			p.ack.mu.Unlock()
		}
	}
	o, err := p.api.call(ctx, request{action: "finish", who: app, method: "POST", path: unitPath(code, "/finish")})
	if err != nil {
		return err
	}
	if o.status != http.StatusOK {
		if !o.uncertain || !refusedRepeat(o.status) {
			return fmt.Errorf("%s finish: %d %s", code, o.status, o.body)
		}
		if err := p.api.get(ctx, p.as(adminName), unitPath(code, ""), &st); err != nil {
			return err
		}
		if st.Status != workflows.UnitAppraised {
			return fmt.Errorf("%s finish: refused after a lost answer, and the unit is %s", code, st.Status)
		}
		p.st.resolve()
	}
	p.st.acked("finish", o.start, time.Now())
	p.st.noteSlow(request{who: app, method: "POST", path: unitPath(code, "/finish")}, o)
	p.ack.mu.Lock()
	p.ack.finished[code] = true
	p.ack.mu.Unlock()
	p.finishes.Add(1)
	return nil
}

// refusedRepeat reports whether status is how the API may refuse a unit's
// action already done: 409, or 422 "invalid_state" (a submit repeated on a
// submitted unit). The caller settles it by reading the unit's state.
func refusedRepeat(status int) bool {
	return status == http.StatusConflict || status == http.StatusUnprocessableEntity
}

// correctionFor corrects the unit's first yes/no figure to its opposite.
func correctionFor(sub scoring.Submission) (scoring.Correction, bool) {
	set, err := templates.Load(sub.Annex)
	if err != nil {
		return scoring.Correction{}, false
	}
	for _, f := range set.Figures {
		if f.Type != scoring.TypeBool {
			continue
		}
		v, _ := sub.Figures[f.Key].(bool)
		return scoring.Correction{Figure: f.Key, Value: !v, Reason: "Đối chiếu hồ sơ kiểm chứng (diễn tập)"}, true
	}
	return scoring.Correction{}, false
}

// waitPhase polls the campaign through the API until it reaches phase.
func (p *play) waitPhase(ctx context.Context, phase string, timeout time.Duration) error {
	var st workflows.CampaignStatus
	return waitFor(ctx, "phase "+phase, timeout, 250*time.Millisecond, func() error {
		if err := p.api.get(ctx, p.as(adminName), "/api/campaigns/"+strconv.Itoa(year), &st); err != nil {
			return err
		}
		if st.Phase != phase {
			return fmt.Errorf("the campaign is %s", st.Phase)
		}
		return nil
	})
}

// faults injects the failures as the campaign progresses:
//
//   - a quarter of the uploads in: one MinIO node stops; it is started
//     again when 70% of the uploads are in;
//   - 40% of the units submitted: a worker is killed (SIGKILL);
//   - 60% submitted: a web replica is killed (SIGKILL);
//   - appraisal begins: the worker and the replica are started again;
//   - half the appraisals finished: the Temporal server restarts.
func (p *play) faults(ctx context.Context) error {
	s := p.s
	var n int64
	for _, sub := range p.subs {
		if len(sub.Figures) > 0 && !sub.NotSubmitted {
			n++
		}
	}
	totalUploads := n * int64(p.opt.uploads)
	var minioFault, workerFault, webFault *fault
	var minioDone, workerDone, webDone, temporalDone bool
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		ph, _ := p.phase.Load().(string)
		switch {
		case minioFault == nil && p.uploads.Load()*4 >= totalUploads:
			node := s.minio[3]
			minioFault = p.st.inject(node.name+" stopped (SIGTERM)", "evidence uploads")
			node.stop(20 * time.Second)
			p.st.stopped(minioFault)
		case minioFault != nil && !minioDone && p.uploads.Load()*10 >= totalUploads*7:
			minioDone = true
			restart := time.Now()
			if err := s.sup.start(s.minio[3]); err != nil {
				return err
			}
			if err := s.waitMinIONode(ctx, 3, 3*time.Minute); err != nil {
				return err
			}
			p.st.recovered(minioFault, restart)
		case workerFault == nil && p.submits.Load()*10 >= n*4:
			workerFault = p.st.inject(s.workers[0].name+" killed (SIGKILL)", "submissions")
			s.workers[0].kill()
			p.st.stopped(workerFault)
		case webFault == nil && p.submits.Load()*10 >= n*6:
			webFault = p.st.inject(s.web[1].name+" killed (SIGKILL)", "submissions")
			s.web[1].kill()
			p.st.stopped(webFault)
		case ph == "appraising" && workerFault != nil && !workerDone:
			workerDone = true
			restart := time.Now()
			if err := s.startWorker(ctx, 0); err != nil {
				return err
			}
			p.st.recovered(workerFault, restart)
		case ph == "appraising" && webFault != nil && !webDone:
			webDone = true
			restart := time.Now()
			if err := s.sup.start(s.web[1]); err != nil {
				return err
			}
			if err := s.waitWeb(ctx, 1, time.Minute); err != nil {
				return err
			}
			p.st.recovered(webFault, restart)
		case !temporalDone && p.finishes.Load()*2 >= n:
			temporalDone = true
			f := p.st.inject("Temporal server restarted (SIGTERM, start)", "appraisal")
			s.temporal.stop(30 * time.Second)
			p.st.stopped(f)
			restart := time.Now()
			if err := s.sup.start(s.temporal); err != nil {
				return err
			}
			if err := s.waitTemporal(ctx, 2*time.Minute); err != nil {
				return err
			}
			p.st.recovered(f, restart)
		}
	}
}

// resolve counts an uncertain outcome settled by reading the state.
func (s *stats) resolve() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resolved++
}

// figuresEqual compares two figure maps as JSON values.
func figuresEqual(a, b map[string]any) (bool, string) {
	norm := func(m map[string]any) map[string]any {
		var out map[string]any
		_ = json.Unmarshal(jsonBody(m), &out)
		return out
	}
	na, nb := norm(a), norm(b)
	for k, v := range na {
		if fmt.Sprint(v) != fmt.Sprint(nb[k]) {
			return false, fmt.Sprintf("%s: acknowledged %v, now %v", k, v, nb[k])
		}
	}
	for k, v := range nb {
		if _, ok := na[k]; !ok {
			return false, fmt.Sprintf("%s: not saved, now %v", k, v)
		}
	}
	return true, ""
}

package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
)

// start is the test clock's start: 1 November 2026, 08:00 in Vietnam.
var start = time.Date(2026, 11, 1, 8, 0, 0, 0, scoring.Vietnam)

// harness drives a workflow on the test clock with updates at given times
// and records what happened to each.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	seq     int
	results map[string]error // update label → error (nil: completed)
	records []activities.UnitRecord
	notices []activities.Notice
	docs    memDocs
	ranks   int // rankings run (mockCampaign)
}

// memDocs holds the documents of the activities that run unmocked in this
// tier (the roster, the record manifests, the records revised), every
// version by key: version n is "vn".
// The test environment runs activities on goroutines of their own, so
// every access goes through memMu.
type memDocs map[string][][]byte

// memMu guards every memDocs and the harnesses' records and notices.
var memMu sync.Mutex

func (m memDocs) PutDocument(_ context.Context, key string, data []byte, _ string, _ bool) (activities.DocumentRef, error) {
	memMu.Lock()
	defer memMu.Unlock()
	m[key] = append(m[key], data)
	return activities.DocumentRef{Key: key, VersionID: fmt.Sprintf("v%d", len(m[key])), Size: int64(len(data))}, nil
}

func (m memDocs) GetDocument(_ context.Context, key, version string) ([]byte, error) {
	memMu.Lock()
	defer memMu.Unlock()
	vs := m[key]
	for i := range vs {
		if fmt.Sprintf("v%d", i+1) == version {
			return vs[i], nil
		}
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("no document %s", key)
	}
	return vs[len(vs)-1], nil
}

// latest is the last version of a document.
func (m memDocs) latest(key string) []byte {
	memMu.Lock()
	defer memMu.Unlock()
	if vs := m[key]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return nil
}

func (m memDocs) LockDocument(context.Context, string, string) error { return nil }

func (m memDocs) VerifyEvidence(context.Context, activities.EvidenceRef) error { return nil }

// manifest is the records a manifest names.
func (m memDocs) manifest(t *testing.T, ref *activities.DocumentRef) []activities.DocumentRef {
	t.Helper()
	if ref == nil {
		t.Fatal("no manifest")
	}
	var recs []activities.DocumentRef
	if err := json.Unmarshal(m.latest(ref.Key), &recs); err != nil {
		t.Fatal(err)
	}
	return recs
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	env := ts.NewTestWorkflowEnvironment()
	env.SetStartTime(start)
	Register(env)
	h := &harness{t: t, env: env, results: map[string]error{}, docs: memDocs{}}
	// The roster and the manifests run for real, over documents in memory.
	acts := &activities.Activities{Archive: h.docs}
	env.RegisterActivity(acts)
	// Archive-touching activities are mocked in this tier; the archive has
	// its own tests against a real MinIO, and the integration tests run the
	// whole cycle on the real server.
	env.OnActivity(acts.StoreRecord, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.StoreRecordInput) (activities.DocumentRef, error) {
			memMu.Lock()
			h.records = append(h.records, in.Record)
			memMu.Unlock()
			data, err := json.Marshal(in.Record)
			if err != nil {
				return activities.DocumentRef{}, err
			}
			return h.docs.PutDocument(context.Background(), activities.RecordKey(in.Year, in.Record.Submission.Unit.Code), data, "application/json", false)
		})
	env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(
		func(_ context.Context, n activities.Notice) error {
			memMu.Lock()
			defer memMu.Unlock()
			h.notices = append(h.notices, n)
			return nil
		})
	// Issuance signs on the server: the next number of the year.
	env.OnActivity(acts.IssueDecision, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.IssueInput) (activities.Issuance, error) {
			signed := activities.DocumentRef{Key: activities.SignedKey(in.Draft.Year, in.Index), VersionID: "v1"}
			return activities.Issuance{Year: in.Draft.Year, Index: in.Index, Number: fmt.Sprintf("%02d/QĐ-UBND", in.Index), Seq: in.Index,
				Date:   scoring.Date{Year: 2027, Month: 1, Day: 5},
				Issued: activities.DocumentRef{Key: activities.IssuedKey(in.Draft.Year, in.Index), VersionID: "v1"}, Signed: &signed,
				SignMode: activities.SignServer, Results: in.Draft.Results, Replaces: in.Replaces, Reason: in.Reason}, nil
		})
	return h
}

// update sends an update to the workflow (id "" = the one under test) at
// the given time after start.
func (h *harness) update(at time.Duration, id, label, name string, args any) {
	h.seq++
	uid := fmt.Sprintf("u%d", h.seq)
	h.env.RegisterDelayedCallback(func() {
		cb := &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { h.results[label] = err },
			OnComplete: func(_ any, err error) { h.results[label] = err },
		}
		if id == "" {
			h.env.UpdateWorkflow(name, uid, cb, args)
			return
		}
		if err := h.env.UpdateWorkflowByID(id, name, uid, cb, args); err != nil {
			h.results[label] = err
		}
	}, at)
}

// ok fails unless the labelled update completed.
func (h *harness) ok(labels ...string) {
	h.t.Helper()
	for _, l := range labels {
		err, seen := h.results[l]
		if !seen {
			h.t.Errorf("update %q never ran", l)
		} else if err != nil {
			h.t.Errorf("update %q failed: %v", l, err)
		}
	}
}

// refused fails unless the labelled update was refused with a field error
// on the field.
func (h *harness) refused(label, field string) {
	h.t.Helper()
	err := h.results[label]
	if err == nil {
		h.t.Errorf("update %q was accepted", label)
		return
	}
	for _, fe := range FieldErrors(err) {
		if fe.Field == field {
			return
		}
	}
	h.t.Errorf("update %q: %v; want a refusal on %q", label, err, field)
}

// sample returns a sample-province unit's reference and figures.
func sample(t *testing.T, code string) (activities.UnitRef, map[string]any) {
	t.Helper()
	for _, u := range templates.SampleProvince().Units {
		if u.Unit.Code == code {
			return activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags}, u.Figures
		}
	}
	t.Fatalf("no sample unit %s", code)
	return activities.UnitRef{}, nil
}

func settings() scoring.Settings {
	st := scoring.DefaultSettings(2026)
	st.Deadline = start.Add(96 * time.Hour) // 5 November 08:00
	return st
}

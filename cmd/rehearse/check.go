package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"ictindex/activities"
	"ictindex/workflows"
)

// checks compares what the API acknowledged with the final state: the
// campaign published, every acknowledged action in the workflows' state,
// every acknowledged upload in the archive with its SHA-256 (read back
// through S3) and in its unit's archived record, the decision and results
// locked. Each loss is one line of the answer.
//
// A campaign that did not complete (complete false) is checked only for
// what was acknowledged: its records and decision do not exist yet.
func (p *play) checks(ctx context.Context, complete bool) ([]string, error) {
	var losses []string
	var mu sync.Mutex // guards losses, states and records across the readers
	lose := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		losses = append(losses, fmt.Sprintf(format, args...))
	}
	admin := p.as(adminName)

	var cs workflows.CampaignStatus
	if err := p.api.get(ctx, admin, "/api/campaigns/"+strconv.Itoa(year), &cs); err != nil {
		return nil, err
	}
	if complete && cs.Phase != workflows.PhasePublished {
		lose("campaign: phase %s, not %s", cs.Phase, workflows.PhasePublished)
	}
	if len(cs.Units) != len(p.subs) {
		lose("campaign: %d units, %d opened", len(cs.Units), len(p.subs))
	}

	s3, err := minio.New("127.0.0.1:"+strconv.Itoa(p.s.s3Port), &minio.Options{
		Creds: credentials.NewStaticV4(p.s.accessKey, p.s.secretKey, ""), Secure: false})
	if err != nil {
		return nil, err
	}

	// Every unit's state holds what was acknowledged.
	states := map[string]workflows.UnitState{}
	if err := forEach(ctx, len(p.subs), checkers, func(i int) error {
		code := p.subs[i].Unit.Code
		var st workflows.UnitState
		if err := p.api.get(ctx, admin, unitPath(code, ""), &st); err != nil {
			return err
		}
		mu.Lock()
		states[code] = st
		mu.Unlock()
		if f, ok := p.ack.figures[code]; ok {
			if eq, diff := figuresEqual(f, st.Figures); !eq {
				lose("%s figures: %s", code, diff)
			}
		}
		if p.ack.submitted[code] && st.SubmittedAt == nil {
			lose("%s: submit acknowledged, not submitted now", code)
		}
		if p.ack.finished[code] && st.Status != workflows.UnitAppraised {
			lose("%s: finish acknowledged, status now %s", code, st.Status)
		}
		for _, c := range p.ack.corrections[code] {
			found := false
			for _, have := range st.Appraisal.Corrections {
				if have.Figure == c.Figure && have.Reason == c.Reason && fmt.Sprint(have.Value) == fmt.Sprint(c.Value) {
					found = true
				}
			}
			if !found {
				lose("%s: correction of %s acknowledged, missing now", code, c.Figure)
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}

	// The archived records, read back through S3.
	records := map[string]activities.UnitRecord{}
	if complete {
		_ = forEach(ctx, len(cs.Units), checkers, func(i int) error {
			u := cs.Units[i]
			if u.Record == nil {
				lose("%s: no archived record", u.Unit.Code)
				return nil
			}
			var rec activities.UnitRecord
			data, err := readObject(ctx, s3, documentBucket, u.Record.Key, u.Record.VersionID)
			if err == nil {
				err = json.Unmarshal(data, &rec)
			}
			if err != nil {
				lose("%s: archived record %s: %v", u.Unit.Code, u.Record.Key, err)
				return nil
			}
			mu.Lock()
			records[u.Unit.Code] = rec
			mu.Unlock()
			return nil
		})
	}

	// Every acknowledged upload: in the state, in the record, and in the
	// archive with the bytes sent.
	_ = forEach(ctx, len(p.ack.evidence), checkers, func(i int) error {
		e := p.ack.evidence[i]
		inState, inRecord := false, false
		for _, have := range states[e.unit].Evidence {
			inState = inState || (have.Key == e.key && have.VersionID == e.version && have.SHA256 == e.sha256)
		}
		for _, have := range records[e.unit].Evidence {
			inRecord = inRecord || (have.Key == e.key && have.VersionID == e.version && have.SHA256 == e.sha256)
		}
		if !inState {
			lose("%s %s: upload acknowledged, missing from the unit's state", e.unit, e.file)
		}
		if complete && !inRecord {
			lose("%s %s: upload acknowledged, missing from the unit's archived record", e.unit, e.file)
		}
		data, err := readObject(ctx, s3, evidenceBucket, e.key, e.version)
		if err != nil {
			lose("%s %s: reading %s from the archive: %v", e.unit, e.file, e.key, err)
			return nil
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != e.sha256 || int64(len(data)) != e.size {
			lose("%s %s: the archive holds %d bytes with SHA-256 %s; %d bytes with %s were acknowledged", e.unit, e.file, len(data), got, e.size, e.sha256)
		}
		return nil
	})
	sort.Strings(losses)

	// The decision: issued, signed, locked; and the results locked.
	if !complete {
		return losses, nil
	}
	if len(cs.Issuances) == 0 || cs.Issuances[len(cs.Issuances)-1].Signed == nil {
		lose("decision: no signed issuance")
	} else {
		iss := cs.Issuances[len(cs.Issuances)-1]
		for what, ref := range map[string]activities.DocumentRef{"signed decision": *iss.Signed, "results": iss.Results} {
			if problem := lockedDocument(ctx, s3, ref); problem != "" {
				lose("%s %s: %s", what, ref.Key, problem)
			}
		}
		p.decision = &iss
	}
	return losses, nil
}

// checkers is how many reads the checks make at once.
const checkers = 8

// forEach runs fn(i) for every i < n, k at a time, and answers the first
// error; the rest still run.
func forEach(ctx context.Context, n, k int, fn func(i int) error) error {
	sem := make(chan struct{}, k)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for i := range n {
		if ctx.Err() != nil {
			once.Do(func() { first = ctx.Err() })
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(i); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	return first
}

// lockedDocument checks that a document reads back with its SHA-256, is
// under object lock retention into the future, and refuses deletion of its
// version; it answers the problem, or "".
func lockedDocument(ctx context.Context, s3 *minio.Client, ref activities.DocumentRef) string {
	data, err := readObject(ctx, s3, documentBucket, ref.Key, ref.VersionID)
	if err != nil {
		return err.Error()
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); ref.SHA256 != "" && got != ref.SHA256 {
		return fmt.Sprintf("SHA-256 %s, recorded %s", got, ref.SHA256)
	}
	mode, until, err := s3.GetObjectRetention(ctx, documentBucket, ref.Key, ref.VersionID)
	if err != nil {
		return "no retention: " + err.Error()
	}
	if mode == nil || until == nil || !until.After(time.Now()) {
		return fmt.Sprintf("retention %v until %v", mode, until)
	}
	if err := s3.RemoveObject(ctx, documentBucket, ref.Key, minio.RemoveObjectOptions{VersionID: ref.VersionID}); err == nil {
		return "its locked version was deleted"
	}
	return ""
}

// readObject reads one version of an object whole.
func readObject(ctx context.Context, s3 *minio.Client, bucket, key, version string) ([]byte, error) {
	obj, err := s3.GetObject(ctx, bucket, key, minio.GetObjectOptions{VersionID: version})
	if err != nil {
		return nil, err
	}
	defer obj.Close()
	return io.ReadAll(obj)
}

// retentionOf describes a document's lock for the figures.
func retentionOf(ctx context.Context, s3 *minio.Client, ref activities.DocumentRef) string {
	mode, until, err := s3.GetObjectRetention(ctx, documentBucket, ref.Key, ref.VersionID)
	if err != nil || mode == nil || until == nil {
		return "none"
	}
	return fmt.Sprintf("%s until %s", *mode, until.Format("2006-01-02"))
}

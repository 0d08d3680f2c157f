package pages

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/workflows"
)

// Last year on the unit's form: each figure's value of the year before
// (as appraised) beside its input, for reference only, and the documents
// of last year's record under each criterion's evidence, to carry forward.
// Both come from the unit's archived record of the year before, read at
// most once per prevTTL per unit: the page is built from cached state
// alone, and one archive read per view would cost every view a round trip.

const (
	// prevTTL is how long a unit's previous record is kept; an archived
	// record changes only when an objection is answered.
	prevTTL = time.Minute
	// prevFailTTL is how long an unreadable record is not asked for again.
	prevFailTTL = 10 * time.Second
	// prevMax bounds the entries kept; past it, expired ones are dropped.
	prevMax = 20000
)

// prevEntry is one unit's previous record, nil when it has none (a unit
// new this year) or it could not be read.
type prevEntry struct {
	rec     *activities.UnitRecord
	expires time.Time
}

// prevCache keeps the units' previous records for a short while.
type prevCache struct {
	mu sync.Mutex
	m  map[string]prevEntry // by "year/code" of this year's campaign
	sf singleflight.Group
}

// record is a unit's record of the year before year, from the cache or
// read by read; a failure to read is logged and gives nil, so the page
// shows no reference rather than failing.
func (p *prevCache) record(ctx context.Context, year int, code string, read func(context.Context, int, string) (*activities.UnitRecord, error), log func(string, ...any)) *activities.UnitRecord {
	key := strconv.Itoa(year) + "/" + code
	now := time.Now()
	p.mu.Lock()
	if e, ok := p.m[key]; ok && now.Before(e.expires) {
		p.mu.Unlock()
		return e.rec
	}
	p.mu.Unlock()
	v, _, _ := p.sf.Do(key, func() (any, error) {
		rec, err := read(context.WithoutCancel(ctx), year, code)
		ttl := prevTTL
		if err != nil {
			log("last year's record unreadable", "year", year-1, "unit", code, "err", err)
			rec, ttl = nil, prevFailTTL
		}
		p.put(key, prevEntry{rec: rec, expires: time.Now().Add(ttl)})
		return rec, nil
	})
	rec, _ := v.(*activities.UnitRecord)
	return rec
}

func (p *prevCache) put(key string, e prevEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[string]prevEntry{}
	}
	if len(p.m) >= prevMax {
		now := time.Now()
		for k, old := range p.m {
			if !now.Before(old.expires) {
				delete(p.m, k)
			}
		}
		if len(p.m) >= prevMax {
			clear(p.m)
		}
	}
	p.m[key] = e
}

// prevEv is a document of last year's record that may be carried
// forward to this year's criterion.
type prevEv struct {
	FileName, Size, Uploader string
	Value                    string // the form's: "key|version"
}

// carryValue is how a carry button names a document: key and version.
func carryValue(ev activities.EvidenceRef) string { return ev.Key + "|" + ev.VersionID }

// lastYear puts last year's record on the page: each figure's value as
// appraised beside it (those of this year's set, entered last year), and
// under each applicable criterion the documents of that criterion not yet
// carried forward, for an editor.
func (d *unitData) lastYear(rec *activities.UnitRecord, st *workflows.UnitState, set *scoring.Set) {
	if rec == nil {
		return
	}
	d.LastYear = st.Year - 1
	for k, v := range rec.AppraisedFigures() {
		fv := d.figs[k]
		if fv == nil || !entered(v) {
			continue
		}
		fv.Last = fmt.Sprintf("Năm %d: %s", d.LastYear, displayValue(fv.F, v))
		id := "l-" + k
		if fv.Described == "" {
			fv.Described = id
		} else {
			fv.Described += " " + id
		}
	}
	if !d.CanEdit {
		return
	}
	carried := map[string]bool{}
	for _, ev := range st.Evidence {
		carried[carryValue(ev)] = true
	}
	for _, sv := range d.Sections {
		for _, cv := range sv.Criteria {
			if !cv.Applies {
				continue
			}
			for _, ev := range rec.Evidence {
				if ev.Criterion == cv.C.Code && !carried[carryValue(ev)] {
					cv.Prev = append(cv.Prev, prevEv{FileName: ev.FileName, Size: sizeText(ev.Size), Uploader: ev.Uploader, Value: carryValue(ev)})
				}
			}
			cv.LastYear = d.LastYear
		}
	}
}

package workflows

import (
	"time"

	"ictindex/activities"
	"ictindex/scoring"
)

// DefaultFanout is how many children one workflow holds open at once
// unless the campaign says otherwise: a quarter of Temporal's default
// limit of pending child executions (2,000), and a leaf's history of a few
// thousand events, well under the 10,240 at which Temporal warns.
const DefaultFanout = 500

// ShardInput starts a shard: units Lo ≤ i < Hi of the campaign's roster.
type ShardInput struct {
	Year         int                    `json:"year"`
	Roster       activities.DocumentRef `json:"roster"`
	Lo           int                    `json:"lo"`
	Hi           int                    `json:"hi"`
	Fanout       int                    `json:"fanout"`
	Settings     scoring.Settings       `json:"settings"`
	RemindBefore []time.Duration        `json:"remind_before,omitempty"`
}

// ShardSummary is a shard's line in its parent's status.
type ShardSummary struct {
	ID    string `json:"id"`
	Lo    int    `json:"lo"`
	Hi    int    `json:"hi"`
	Ready bool   `json:"ready"` // its units are started
	Done  bool   `json:"done"`  // every unit's part has ended
	Error string `json:"error,omitempty"`
}

// ShardStatus is what a shard's status query answers: its units (a leaf)
// or its shards.
type ShardStatus struct {
	Lo       int                     `json:"lo"`
	Hi       int                     `json:"hi"`
	Ready    bool                    `json:"ready"`
	Closed   bool                    `json:"closed"`
	Units    []UnitSummary           `json:"units,omitempty"`
	Shards   []ShardSummary          `json:"shards,omitempty"`
	Manifest *activities.DocumentRef `json:"manifest,omitempty"`
}

// ShardResult is what a shard returns: the manifest of its units' records
// and how many of its units ended without one.
type ShardResult struct {
	Manifest   activities.DocumentRef `json:"manifest"`
	Units      int                    `json:"units"`
	Failed     int                    `json:"failed,omitempty"`
	FirstError string                 `json:"first_error,omitempty"`
}

// ShardReady is the signal a shard sends its parent once its units are
// started.
type ShardReady struct {
	Lo int `json:"lo"`
	Hi int `json:"hi"`
}

// span is a range of roster indexes.
type span struct{ lo, hi int }

// chunks splits [lo, hi) into at most fanout spans, each of a power of
// fanout units (the last one shorter), so that every shard below them
// again holds at most fanout children.
func chunks(lo, hi, fanout int) []span {
	fanout = max(fanout, 2)
	n := hi - lo
	size := fanout
	for (n+size-1)/size > fanout {
		size *= fanout
	}
	var out []span
	for a := lo; a < hi; a += size {
		out = append(out, span{a, min(a+size, hi)})
	}
	return out
}

// fanoutOf is a campaign's fan-out width.
func fanoutOf(f int) int {
	if f <= 0 {
		return DefaultFanout
	}
	return max(f, 2)
}

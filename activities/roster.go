package activities

import (
	"context"
	"encoding/json"
	"fmt"
)

// A campaign of thousands of units keeps its lists in the archive and
// passes their keys: the roster of participating units (written when the
// campaign opens) and, as the units' parts end, manifests of their archived
// records, one per shard, merged into one for the ranking. No workflow
// payload then grows with the number of units.

// RosterKey is where a campaign's roster of units is archived.
func RosterKey(year int) string { return fmt.Sprintf("%d/roster.json", year) }

// ManifestKey is where a shard's manifest of unit records is archived.
func ManifestKey(year int, shard string) string {
	return fmt.Sprintf("%d/manifests/%s.json", year, shard)
}

// PlacesKey is where a campaign's places (rank and final of every unit)
// are archived when its records came by manifest.
func PlacesKey(year int) string { return fmt.Sprintf("%d/places.json", year) }

// PutRoster archives a campaign's units in order and returns where they are.
func PutRoster(ctx context.Context, a Archive, year int, units []UnitRef) (DocumentRef, error) {
	data, err := json.Marshal(units)
	if err != nil {
		return DocumentRef{}, invalid(err)
	}
	return a.PutDocument(ctx, RosterKey(year), data, "application/json", false)
}

// StoreRosterInput archives the units of a campaign started with its units
// inline.
type StoreRosterInput struct {
	Year  int       `json:"year"`
	Units []UnitRef `json:"units"`
}

// StoreRoster archives a campaign's roster (see PutRoster).
func (a *Activities) StoreRoster(ctx context.Context, in StoreRosterInput) (DocumentRef, error) {
	return PutRoster(ctx, a.Archive, in.Year, in.Units)
}

// RosterSlice names units Lo ≤ i < Hi of an archived roster.
type RosterSlice struct {
	Roster DocumentRef `json:"roster"`
	Lo     int         `json:"lo"`
	Hi     int         `json:"hi"`
}

// ReadRoster returns a slice of an archived roster.
func (a *Activities) ReadRoster(ctx context.Context, in RosterSlice) ([]UnitRef, error) {
	data, err := a.Archive.GetDocument(ctx, in.Roster.Key, in.Roster.VersionID)
	if err != nil {
		return nil, fmt.Errorf("reading roster: %w", err)
	}
	var units []UnitRef
	if err := json.Unmarshal(data, &units); err != nil {
		return nil, invalid(fmt.Errorf("roster %s: %w", in.Roster.Key, err))
	}
	if in.Lo < 0 || in.Hi > len(units) || in.Lo > in.Hi {
		return nil, invalid(fmt.Errorf("roster %s has %d units, not [%d, %d)", in.Roster.Key, len(units), in.Lo, in.Hi))
	}
	return units[in.Lo:in.Hi], nil
}

// ManifestInput archives the records of a shard's units (Records) or the
// concatenation of other manifests (Parts), in order.
type ManifestInput struct {
	Year    int           `json:"year"`
	Shard   string        `json:"shard"`
	Records []DocumentRef `json:"records,omitempty"`
	Parts   []DocumentRef `json:"parts,omitempty"`
	// Replace puts these records in place of those of the same key (the
	// records revised after the preliminary results).
	Replace []DocumentRef `json:"replace,omitempty"`
}

// WriteManifest archives a manifest of unit records. The same input gives
// the same bytes, so a retry finds the version already there.
func (a *Activities) WriteManifest(ctx context.Context, in ManifestInput) (DocumentRef, error) {
	recs := in.Records
	for _, p := range in.Parts {
		part, err := a.loadManifest(ctx, p)
		if err != nil {
			return DocumentRef{}, err
		}
		recs = append(recs, part...)
	}
	if recs == nil {
		recs = []DocumentRef{}
	}
	recs = replaceRecords(recs, in.Replace)
	data, err := json.Marshal(recs)
	if err != nil {
		return DocumentRef{}, invalid(err)
	}
	return a.Archive.PutDocument(ctx, ManifestKey(in.Year, in.Shard), data, "application/json", false)
}

// loadManifest reads an archived manifest.
func (a *Activities) loadManifest(ctx context.Context, ref DocumentRef) ([]DocumentRef, error) {
	data, err := a.Archive.GetDocument(ctx, ref.Key, ref.VersionID)
	if err != nil {
		return nil, fmt.Errorf("reading manifest %s: %w", ref.Key, err)
	}
	var recs []DocumentRef
	if err := json.Unmarshal(data, &recs); err != nil {
		return nil, invalid(fmt.Errorf("manifest %s: %w", ref.Key, err))
	}
	return recs, nil
}

// recordRefs are the records named inline or by a manifest.
func (a *Activities) recordRefs(ctx context.Context, inline []DocumentRef, manifest *DocumentRef) ([]DocumentRef, error) {
	if manifest == nil {
		return inline, nil
	}
	return a.loadManifest(ctx, *manifest)
}

// replaceRecords puts each of with in place of the record of its key.
func replaceRecords(recs, with []DocumentRef) []DocumentRef {
	if len(with) == 0 {
		return recs
	}
	by := make(map[string]DocumentRef, len(with))
	for _, w := range with {
		by[w.Key] = w
	}
	out := make([]DocumentRef, len(recs))
	for i, r := range recs {
		if w, ok := by[r.Key]; ok {
			r = w
		}
		out[i] = r
	}
	return out
}

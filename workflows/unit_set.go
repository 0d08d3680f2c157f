package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
)

// loadSet gives a unit the criteria set its campaign pinned. The set's
// file is read by a local activity and so kept in the unit's history
// (gzip, about 10 KB): a replay uses those bytes, whatever sets the
// archive or the binary hold by then, and the SHA-256 is checked against
// the pin. Units of campaigns opened before sets were pinned carry no ref
// and keep the annex's default set, read from the binary as they always
// did: their histories have no such activity, and replay as recorded.
func loadSet(ctx workflow.Context, ref activities.UnitRef) (*scoring.Set, error) {
	if ref.Set.IsZero() {
		// Parsed from data compiled into the binary: the same bytes give
		// the same set on every replay.
		return templates.MustLoad(ref.Annex), nil //workflowcheck:ignore
	}
	var gz []byte
	if err := workflow.ExecuteLocalActivity(localSetCtx(ctx), act.LoadCriteriaSet, ref.Set).Get(ctx, &gz); err != nil {
		return nil, fmt.Errorf("criteria set %s: %w", ref.Set, err)
	}
	// Unzipping and parsing are pure functions of the recorded bytes
	// (the parse is memoised by their SHA-256, which is checked): every
	// replay gets the same set. The checker flags them for the reflection
	// and allocation inside encoding/json and compress/gzip.
	raw, err := templates.Decompress(gz) //workflowcheck:ignore
	if err != nil {
		return nil, fmt.Errorf("criteria set %s: %w", ref.Set, err)
	}
	set, err := templates.FromRaw(ref.Set, raw) //workflowcheck:ignore
	if err != nil {
		return nil, err
	}
	if set.Annex != ref.Annex {
		return nil, fmt.Errorf("criteria set %s is for annex %s, the unit is in %s", ref.Set, set.Annex, ref.Annex)
	}
	return set, nil
}

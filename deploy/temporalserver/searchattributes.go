package temporalserver

import (
	"context"
	"fmt"
	"maps"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
)

// searchAttributeConflictError reports a search attribute that exists on the
// namespace with another type than the configured one.
type searchAttributeConflictError struct {
	name       string
	have, want enumspb.IndexedValueType
}

func (e *searchAttributeConflictError) Error() string {
	return fmt.Sprintf("temporalserver: search attribute %q has type %s, configured as %s", e.name, e.have, e.want)
}

// ensureSearchAttributes registers the wanted custom search attributes that
// the namespace lacks. A new namespace already has them all (they are set
// when it is created); this covers attributes added to the configuration
// after the data folder was first used.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enumspb.IndexedValueType) error {
	if len(want) == 0 {
		return nil
	}
	resp, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return err
	}
	have := resp.GetCustomAttributes()
	missing := map[string]enumspb.IndexedValueType{}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		t, ok := have[name]
		switch {
		case !ok:
			missing[name] = want[name]
		case t != want[name]:
			return &searchAttributeConflictError{name: name, have: t, want: want[name]}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	return err
}

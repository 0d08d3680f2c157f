package scoring

import (
	"fmt"
	"sort"
)

// CheckFigures validates a partial set of figures, as a draft saves them:
// every key must be declared and every value of its figure's type. Missing
// figures are fine here; Score reports them at submission.
func (s *Set) CheckFigures(raw map[string]any) error {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs errorList
	for _, k := range keys {
		f := s.idx.figures[k]
		if f == nil {
			errs.addf("figures."+k, "", ErrUnknown, "", fmt.Sprintf("số liệu %q không có trong bộ tiêu chí %s", k, s.Annex),
				fmt.Sprintf("figure %q is not declared by criteria set %s", k, s.Annex))
			continue
		}
		if raw[k] == nil {
			continue // clearing a figure
		}
		if _, fe := parseValue(f, raw[k]); fe != nil {
			errs.add(*fe)
		}
	}
	return errs.err()
}

// CheckFlags reports flags the set does not declare.
func (s *Set) CheckFlags(flags []string) error {
	var errs errorList
	for _, f := range flags {
		if !s.hasFlag(f) {
			errs.addf("flags", "Thuộc tính đơn vị", ErrUnknown, "", fmt.Sprintf("thuộc tính %q không có trong bộ tiêu chí", f),
				fmt.Sprintf("flag %q is not declared by the criteria set", f))
		}
	}
	return errs.err()
}

package templates

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"ictindex/scoring"
)

// ParseInput reads the submission format from JSON or YAML: either one
// submission, or a batch with a year, optional settings and "units". A
// single submission becomes a batch of one for its year (defaultYear when
// it names none). Malformed input gives a *scoring.ValidationError naming
// the field, never a panic.
func ParseInput(data []byte, defaultYear int) (*scoring.Batch, error) {
	js, err := yamlToJSON(data)
	if err != nil {
		return nil, inputError("", err)
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(js, &probe); err != nil {
		return nil, inputError("", fmt.Errorf("the document must be an object"))
	}
	if _, ok := probe["units"]; ok {
		var b scoring.Batch
		if err := decodeStrict(js, &b); err != nil {
			return nil, err
		}
		if b.Year == 0 {
			b.Year = defaultYear
		}
		return &b, nil
	}
	var s scoring.Submission
	if err := decodeStrict(js, &s); err != nil {
		return nil, err
	}
	year := s.Year
	if year == 0 {
		year = defaultYear
	}
	return &scoring.Batch{Year: year, Units: []scoring.Submission{s}}, nil
}

// decodeStrict decodes JSON refusing unknown fields, with figures kept as
// json.Number so their exact text reaches the validator.
func decodeStrict(js []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return inputError(te.Field, fmt.Errorf("has the wrong type (%s where %s is expected)", te.Value, te.Type))
		}
		if msg := err.Error(); strings.Contains(msg, "unknown field") {
			field := strings.Trim(msg[strings.Index(msg, "unknown field")+len("unknown field "):], `"`)
			return &scoring.ValidationError{Errors: []scoring.FieldError{{Field: field, Code: scoring.ErrUnknown,
				Message: "trường không có trong định dạng nộp báo cáo", MessageEN: "not a field of the submission format"}}}
		}
		return inputError("", err)
	}
	return nil
}

func inputError(field string, err error) error {
	if field == "" {
		field = "document"
	}
	return &scoring.ValidationError{Errors: []scoring.FieldError{{Field: field, Code: scoring.ErrInvalid,
		Message: "dữ liệu không đọc được: " + err.Error(), MessageEN: "unreadable input: " + err.Error()}}}
}

// ScoreBatch scores every unit of a batch with the criteria set of its
// annex. Errors of all units are returned together, each field prefixed
// with the unit's position and code.
func ScoreBatch(b *scoring.Batch) ([]*scoring.Sheet, error) {
	st := b.Resolve()
	sheets := make([]*scoring.Sheet, 0, len(b.Units))
	var all []scoring.FieldError
	for i := range b.Units {
		sub := &b.Units[i]
		prefix := fmt.Sprintf("units[%d]", i)
		if sub.Unit.Code != "" {
			prefix += "(" + sub.Unit.Code + ")"
		}
		set, err := Load(sub.Annex)
		if err != nil {
			all = append(all, scoring.FieldError{Field: prefix + ".annex", Code: scoring.ErrInvalid,
				Message: fmt.Sprintf("phụ lục %q không có (PL01 hoặc PL02)", sub.Annex), MessageEN: fmt.Sprintf("unknown annex %q (PL01 or PL02)", sub.Annex)})
			continue
		}
		sh, err := set.Score(sub, &st)
		var ve *scoring.ValidationError
		if errors.As(err, &ve) {
			for _, fe := range ve.Errors {
				if len(b.Units) > 1 {
					fe.Field = prefix + "." + fe.Field
				}
				all = append(all, fe)
			}
			continue
		} else if err != nil {
			return nil, err
		}
		sh.Explain()
		sheets = append(sheets, sh)
	}
	if len(all) > 0 {
		return nil, &scoring.ValidationError{Errors: all}
	}
	return sheets, nil
}

// ScoreResults scores a batch and ranks it per annex of the default decision.
func ScoreResults(b *scoring.Batch) (*scoring.Results, error) {
	sheets, err := ScoreBatch(b)
	if err != nil {
		return nil, err
	}
	return scoring.NewResults(MustLoad(scoring.AnnexPL01).Decision, b.Resolve(), Annexes(), sheets), nil
}

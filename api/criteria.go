package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api/store"
	"ictindex/scoring"
	"ictindex/templates"
)

// SetInfo describes a criteria set the system knows: built in or imported.
type SetInfo struct {
	Ref          templates.SetRef `json:"ref"`
	Annex        string           `json:"annex"`
	Decision     string           `json:"decision"`
	DecisionDate string           `json:"decision_date"`
	Title        string           `json:"title"`
	Criteria     int              `json:"criteria"`
	Total        scoring.Fixed    `json:"total"`
	Embedded     bool             `json:"embedded"`
	StoredAt     *time.Time       `json:"stored_at,omitempty"`
}

// maxSetBytes bounds an imported set file.
const maxSetBytes = 8 << 20

func setInfo(ref templates.SetRef, s *scoring.Set) SetInfo {
	return SetInfo{Ref: ref, Annex: s.Annex, Decision: s.Decision, DecisionDate: s.DecisionDate, Title: s.Title,
		Criteria: len(s.Criteria()), Total: s.Total}
}

// CriteriaSets lists the built-in sets and those imported into the
// archive, by annex, then decision, then time imported.
func (s *Server) CriteriaSets(ctx context.Context) ([]SetInfo, error) {
	emb, err := templates.Embedded()
	if err != nil {
		return nil, err
	}
	var out []SetInfo
	seen := map[templates.SetRef]bool{}
	for _, e := range emb {
		si := setInfo(e.Ref, e.Set)
		si.Embedded = true
		out = append(out, si)
		seen[e.Ref] = true
	}
	stored, err := s.store.ListCriteriaSets(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range stored {
		ref := templates.SetRef{Key: st.Key, Hash: st.SHA256}
		if seen[ref] {
			continue
		}
		set, err := s.sets.Set(ctx, ref)
		if err != nil {
			s.log.Warn("criteria set in the archive cannot be read", "set", ref.String(), "err", err)
			continue
		}
		si := setInfo(ref, set)
		at := st.StoredAt
		si.StoredAt = &at
		out = append(out, si)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Annex != out[j].Annex {
			return out[i].Annex < out[j].Annex
		}
		return out[i].Embedded && !out[j].Embedded
	})
	return out, nil
}

// ImportCriteriaSet checks a set file and stores it in the archive
// (locked, by key and SHA-256), recording who imported it. A broken file
// is a 422 listing every problem; importing the same bytes again returns
// the set already stored.
func (s *Server) ImportCriteriaSet(ctx context.Context, by string, raw []byte) (SetInfo, error) {
	e, err := templates.Check(raw)
	if err != nil {
		return SetInfo{}, setRefusal(err)
	}
	doc, err := s.store.PutCriteriaSet(ctx, e.Ref.Key, e.Ref.Hash, raw)
	if err != nil {
		return SetInfo{}, err
	}
	if err := s.users.Record(ctx, by, store.ActionImportCriteria, e.Ref.Key, e.Ref.Hash); err != nil {
		return SetInfo{}, err
	}
	si := setInfo(e.Ref, e.Set)
	at := doc.StoredAt
	si.StoredAt = &at
	return si, nil
}

// setRefusal turns a set's problems into a 422 with one line each.
func setRefusal(err error) error {
	var se *scoring.SetError
	if !errors.As(err, &se) {
		return unprocessable("Tệp bộ tiêu chí không đọc được: "+err.Error(), field("file", scoring.ErrInvalid, err.Error()))
	}
	fields := make([]scoring.FieldError, len(se.Problems))
	for i, p := range se.Problems {
		fields[i] = field("file", scoring.ErrInvalid, p)
	}
	return unprocessable(fmt.Sprintf("Bộ tiêu chí %s không hợp lệ: %d lỗi", se.Annex, len(se.Problems)), fields...)
}

// SetOf is the criteria set a unit is scored with (its campaign's pin,
// or its annex's default set for campaigns opened before pins).
func (s *Server) SetOf(ctx context.Context, ref templates.SetRef, annex string) (*scoring.Set, error) {
	return s.sets.Resolve(ctx, ref, annex)
}

// listCriteriaSets: GET /api/criteria-sets.
func (s *Server) listCriteriaSets(c *gin.Context) {
	out, err := s.CriteriaSets(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"sets": out})
}

// importCriteriaSet: POST /api/criteria-sets with the YAML (or JSON) file
// as the body.
func (s *Server) importCriteriaSet(c *gin.Context) {
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxSetBytes))
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		s.fail(c, tooLarge("Tệp bộ tiêu chí lớn hơn 8 MB"))
		return
	case err != nil:
		s.fail(c, badRequest("Không đọc được nội dung gửi lên"))
		return
	case len(raw) == 0:
		s.fail(c, badRequest("Thiếu tệp bộ tiêu chí", field("file", scoring.ErrRequired, "Thiếu tệp bộ tiêu chí")))
		return
	}
	si, err := s.ImportCriteriaSet(c.Request.Context(), UserOf(c).Name, raw)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, si)
}
